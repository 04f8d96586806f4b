import { randomBytes, randomUUID } from 'node:crypto';
import type { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { CallerAuthError, type Caller, type CallerAuthenticator } from '../auth/callerAuth';
import type { GatewayConfig } from '../config';
import { createContext, type GatewayContext, type GatewayServices } from '../context';
import { ErrorCode } from '../errors';
import { mountGraphiql } from '../graphiql/routes';
import { checkDocumentText } from '../limits/documentGuard';
import { LogThrottle } from '../util/logThrottle';
import { parseTraceparent, requestScope, RetryBudget } from './requestScope';

export type LifecycleState = 'warming' | 'ready' | 'stopping';

export interface HttpAppDeps {
  config: GatewayConfig;
  services: GatewayServices;
  apollo: ApolloServer<GatewayContext>;
  authenticator: CallerAuthenticator;
  graphqlPath: string;
  lifecycle: () => LifecycleState;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** An error answer in the GraphQL-over-HTTP shape, for requests refused before GraphQL runs. */
function refuse(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/**
 * The HTTP side of the gateway: probes, metrics, GraphiQL, and /graphql with what runs before
 * Apollo (request id and trace, caller authentication, body parsing, the document guard) and
 * the body errors after it. It builds the app; it never listens.
 */
export function createHttpApp(deps: HttpAppDeps): Express {
  const { config, services, apollo, authenticator } = deps;
  const { logger, metrics } = services;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const state = deps.lifecycle();
    const sources = [...services.connectors.values()].map((c) => ({ id: c.source.id, vendor: c.source.vendor, health: c.health.health, sync: services.indexes.index(c.source.id)?.status.state ?? 'WARMING' }));
    if (state !== 'ready') {
      res.status(503).json({ status: state, sources });
      return;
    }
    res.json({ status: sources.every((s) => s.health === 'UP') ? 'ready' : 'degraded', sources });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  if (config.server.graphiql) mountGraphiql(app, deps.graphqlPath);

  // While shutting down, answers tell clients not to reuse the connection.
  const closeWhileStopping = (_req: Request, res: Response, next: NextFunction) => {
    if (deps.lifecycle() === 'stopping') res.set('connection', 'close');
    next();
  };

  // Each HTTP request gets its own upstream retry budget, visible to the transport through AsyncLocalStorage.
  const withRequestScope = (req: Request, res: Response, next: NextFunction) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const trace = parseTraceparent(req.get('traceparent'));
    res.set('x-request-id', requestId);
    requestScope.run({ retryBudget: new RetryBudget(config.server.retryBudgetPerRequest), requestId, traceId: trace?.traceId ?? randomBytes(16).toString('hex'), traceFlags: trace?.flags ?? '01' }, next);
  };

  // Caller authentication happens before any GraphQL work: missing or invalid credentials are HTTP 401.
  const callers = new WeakMap<Request, Caller>();
  const refusedLog = new LogThrottle(20, 10_000, services.clock);
  const authenticate = async (req: Request, res: Response, next: NextFunction) => {
    try {
      callers.set(req, await authenticator.authenticate({ authorization: req.get('authorization'), apiKey: req.get('x-api-key') }));
      next();
    } catch (err) {
      if (!(err instanceof CallerAuthError)) return next(err);
      const admitted = refusedLog.admit();
      if (admitted) logger.warn({ requestId: requestScope.getStore()?.requestId, ip: req.ip, reason: err.message, ...admitted }, 'caller authentication failed');
      res.status(401).set('www-authenticate', authenticator.mode === 'jwt' ? 'Bearer' : 'ApiKey');
      refuse(res, 401, ErrorCode.UNAUTHENTICATED, err.message);
    }
  };

  // Bounded before the parser sees it: nesting depth and the operation name's length.
  const guardDocument = (req: Request, res: Response, next: NextFunction) => {
    const params = (req.method === 'GET' ? req.query : req.body) as Record<string, unknown> | undefined;
    if (params && typeof params === 'object' && !Array.isArray(params) && typeof params.query === 'string') {
      const refusal = checkDocumentText(params.query, params.operationName);
      if (refusal) return refuse(res, 400, String(refusal.extensions.code), refusal.message);
    }
    next();
  };

  app.use(
    deps.graphqlPath,
    closeWhileStopping,
    withRequestScope,
    authenticate,
    express.json({ limit: config.server.bodyLimitBytes }),
    guardDocument,
    expressMiddleware(apollo, {
      context: async ({ req }): Promise<GatewayContext> => {
        const scope = requestScope.getStore();
        return createContext(services, callers.get(req) ?? { id: 'anonymous', role: null }, { requestId: scope?.requestId ?? randomUUID(), traceId: scope?.traceId });
      },
    }),
  );

  // Body errors from express.json: malformed JSON is 400, an oversized body 413 (contract §4).
  app.use((err: Error & { type?: string; status?: number }, _req: Request, res: Response, next: NextFunction) => {
    if (err.type === 'entity.parse.failed') return refuse(res, 400, ErrorCode.BAD_REQUEST, 'The request body is not valid JSON.');
    if (err.type === 'entity.too.large') return refuse(res, 413, ErrorCode.BAD_REQUEST, `The request body is larger than ${config.server.bodyLimitBytes} bytes.`);
    if (err.status && err.status >= 400 && err.status < 500) return refuse(res, err.status, ErrorCode.BAD_REQUEST, 'The request could not be read.');
    logger.error({ err }, 'unhandled error in the HTTP layer');
    next(err);
  });
  return app;
}
