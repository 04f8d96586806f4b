import { randomUUID } from 'node:crypto';
import type { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Express } from 'express';
import type { CallerAuthenticator } from '../auth/callerAuth';
import type { GatewayConfig } from '../config';
import { createContext, type GatewayContext, type GatewayServices } from '../context';
import { mountGraphiql } from '../graphiql/routes';
import type { PersistedDocuments } from '../operations/persistedDocuments';
import { bodyErrors, callerAuthentication, closeWhileStopping, documentGuard, exactPath, requestScopeMiddleware } from './middleware';
import type { ResponseCache } from '../cache/responseCache';
import type { OperationLabels } from '../metrics';
import { corsFor } from './cors';
import { hostCheck, hostMatcher } from './hostCheck';
import { responseCacheMiddleware } from './responseCache';
import { persistedDocumentsMiddleware } from './persistedDocuments';
import { mountProbes, type LifecycleState } from './probes';
import { requestScope } from './requestScope';

export type { LifecycleState } from './probes';

export interface HttpAppDeps {
  config: GatewayConfig;
  services: GatewayServices;
  apollo: ApolloServer<GatewayContext>;
  authenticator: CallerAuthenticator;
  persisted: PersistedDocuments | null;
  responses: ResponseCache | null;
  operationLabels: OperationLabels;
  graphqlPath: string;
  lifecycle: () => LifecycleState;
}

/**
 * The HTTP side of the gateway: probes and metrics (any Host), the Host check, GraphiQL, and
 * /graphql with what runs before Apollo (CORS, request scope, caller authentication, body parsing,
 * persisted documents, the document guard, the response cache) and the body errors after it.
 * It builds the app; it never listens.
 */
export function createHttpApp(deps: HttpAppDeps): Express {
  const { config, services, apollo } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Nothing reads req.query: GraphQL parameters come from `graphqlParamsOf`, which reads the URL as
  // Apollo does (Express's parser stops at 1,000 parameters, Apollo's does not).
  app.set('query parser', false);
  // Probes and metrics answer any Host (orchestrators call them by address); pages and /graphql do not.
  mountProbes(app, services, deps.lifecycle);
  const hostPermitted = hostMatcher(config.server.allowedHosts, config.server.host);
  if (hostPermitted) app.use(hostCheck(hostPermitted));
  // Before GraphiQL, CSRF prevention and caller authentication: a preflight carries no credentials.
  if (config.server.cors) app.use(deps.graphqlPath, corsFor(config.server.cors));
  if (config.server.graphiql) {
    mountGraphiql(app, deps.graphqlPath);
    app.get('/', (_req, res) => res.redirect(302, deps.graphqlPath));
  }

  const auth = callerAuthentication(deps.authenticator, services.logger, services.clock);
  app.use(
    deps.graphqlPath,
    exactPath(),
    closeWhileStopping(() => deps.lifecycle() === 'stopping'),
    requestScopeMiddleware(config.server.retryBudgetPerRequest),
    auth.middleware,
    express.json({ limit: config.server.bodyLimitBytes }),
    ...(deps.persisted ? [persistedDocumentsMiddleware(deps.persisted)] : []),
    documentGuard(),
    ...(deps.responses
      ? [
          responseCacheMiddleware({
            cache: deps.responses,
            callerOf: (req) => auth.callerOf(req),
            publicAnswers: config.auth.mode === 'none',
            metrics: services.metrics,
            labels: deps.operationLabels,
            logger: services.logger,
          }),
        ]
      : []),
    expressMiddleware(apollo, {
      context: async ({ req }): Promise<GatewayContext> => {
        const scope = requestScope.getStore();
        return createContext(services, auth.callerOf(req), { requestId: scope?.requestId ?? randomUUID(), traceId: scope?.traceId });
      },
    }),
  );
  app.use(bodyErrors(config.server.bodyLimitBytes, services.logger));
  return app;
}
