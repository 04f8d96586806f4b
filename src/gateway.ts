import { randomBytes, randomUUID } from 'node:crypto';
import type http from 'node:http';
import { makeExecutableSchema, type IExecutableSchemaDefinition } from '@graphql-tools/schema';
import type { WebSocketServer } from 'ws';
import { ChangeFeed } from './live/changeFeed';
import { createSubscriptionServer } from './live/subscriptionServer';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GatewayConfig } from './config';
import { CallerAuthError, createCallerAuthenticator, type Caller } from './auth/callerAuth';
import { PartialFailures, RequestLoaders, type GatewayContext, type GatewayServices } from './context';
import { RestoreSessionDirectory } from './listing/directory';
import { SnapshotStore } from './listing/snapshots';
import { createLogger, type Logger } from './logger';
import { GatewayMetrics } from './metrics';
import { mountGraphiql } from './graphiql/routes';
import { createFormatError } from './plugins/formatError';
import { partialFailuresPlugin } from './plugins/partialFailures';
import { requestMetricsPlugin } from './plugins/requestMetrics';
import { rolesPlugin } from './plugins/roles';
import { costLimitPlugin, DEFAULT_QUERY_LIMITS, limitValidationRules } from './limits/queryLimits';
import { resolvers } from './resolvers';
import { loadTypeDefs } from './schema';
import type { SourceConnector } from './sources/connector';
import type { ConnectorDeps } from './sources/connectorDeps';
import { SecretRedactor } from './redaction';
import { createCache } from './cache/createCache';
import { sessionKeys } from './cache/cacheKeys';
import { parseTraceparent, requestScope, RetryBudget } from './http/requestScope';
import { GraphConnector } from './upstreams/msgraph/client';
import { VeeamConnector } from './upstreams/veeam/client';

export const GRAPHQL_PATH = '/graphql';

export interface Gateway {
  /** The HTTP handler: /graphql (and GraphiQL), /healthz, /readyz, /metrics. */
  app: Express;
  services: GatewayServices;
  logger: Logger;
  config: GatewayConfig;
  /** From now on /readyz answers 503, so load balancers stop sending new requests. */
  beginShutdown(): void;
  /** Serves graphql-ws subscriptions on the same /graphql path of this HTTP server. */
  attachSubscriptions(server: http.Server): void;
  close(): Promise<void>;
}

export interface CreateGatewayOptions {
  /** Where log lines go (tests capture them); pino's async stdout by default. */
  logDestination?: import('pino').DestinationStream;
}

function buildConnectors(config: GatewayConfig, deps: ConnectorDeps): Map<string, SourceConnector> {
  const connectors = new Map<string, SourceConnector>();
  for (const source of config.sources) {
    connectors.set(source.id, source.vendor === 'msgraph' ? new GraphConnector(source, deps) : new VeeamConnector(source, deps));
  }
  return connectors;
}

/** Every secret in the configuration, so that none can reach a log line or an error message. */
function redactorFor(config: GatewayConfig): SecretRedactor {
  const redactor = new SecretRedactor();
  for (const source of config.sources) {
    if (source.vendor === 'msgraph') redactor.addConfigured(source.auth.clientSecret);
    else redactor.addConfigured(source.auth.password);
  }
  if (config.auth.mode === 'apiKey') for (const key of config.auth.apiKeys) redactor.addConfigured(key.key);
  if (config.auth.mode === 'jwt') redactor.addConfigured(config.auth.jwt.secret);
  return redactor;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Builds the gateway from a validated configuration; it never binds a port (main.ts and the
 * tests do). Connectors and their pools live as long as the gateway; loaders live per request.
 */
export async function createGateway(config: GatewayConfig, options: CreateGatewayOptions = {}): Promise<Gateway> {
  const redactor = redactorFor(config);
  const logger = createLogger(config.logging.level, redactor, options.logDestination);
  const metrics = new GatewayMetrics();
  const connectors = buildConnectors(config, { metrics, logger, redactor });
  const cache = createCache(config.cache, metrics, logger);
  const snapshots = new SnapshotStore(config.cache.listTtlSeconds * 1000, metrics, cache.sharedSnapshots);
  const directory = new RestoreSessionDirectory(connectors, snapshots);
  const feed = new ChangeFeed(connectors, snapshots, { activeIntervalMs: config.subscriptions.activeIntervalSeconds * 1000, idleIntervalMs: config.subscriptions.idleIntervalSeconds * 1000, onPoll: (source) => metrics.subscriptionPolls.inc({ source }) }, logger, cache.changeBus);
  const services: GatewayServices = {
    connectors,
    directory,
    cache: cache.entities,
    feed,
    sourceIds: new Set(connectors.keys()),
    metrics,
    logger,
    invalidateSession: async (sourceId, vendorId) => {
      const connector = connectors.get(sourceId);
      if (!connector) return;
      await Promise.all([directory.invalidate(sourceId), cache.entities.delete(sessionKeys(connector.cacheScope, vendorId))]);
    },
  };

  const limits = { ...DEFAULT_QUERY_LIMITS, ...config.server.limits };
  // One executable schema for HTTP (Apollo) and WebSocket subscriptions (graphql-ws).
  const schema = makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers: resolvers as IExecutableSchemaDefinition<GatewayContext>['resolvers'] });
  const apollo = new ApolloServer<GatewayContext>({
    schema,
    introspection: config.server.introspection,
    includeStacktraceInErrorResponses: false,
    // Over the token limit the parser stops early: GRAPHQL_PARSE_FAILED (contract §4).
    parseOptions: { maxTokens: limits.tokens },
    validationRules: limitValidationRules(limits),
    // One operation per HTTP request: a batch cannot multiply the limits below.
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    formatError: createFormatError(logger, redactor),
    // No cache hints are used: the cache-control plugin would only cost time on every field.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), costLimitPlugin(limits.cost), rolesPlugin(), partialFailuresPlugin(redactor), requestMetricsPlugin(metrics)],
  });
  await apollo.start();
  let state: 'ready' | 'stopping' = 'ready';

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const sources = [...connectors.values()].map((c) => ({ id: c.source.id, vendor: c.source.vendor, health: c.health.health }));
    if (state !== 'ready') {
      res.status(503).json({ status: 'stopping', sources });
      return;
    }
    res.json({ status: sources.every((s) => s.health === 'UP') ? 'ready' : 'degraded', sources });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  if (config.server.graphiql) mountGraphiql(app, GRAPHQL_PATH);

  // Caller authentication happens before any GraphQL work: missing or invalid credentials are HTTP 401.
  const authenticator = createCallerAuthenticator(config.auth);
  const callers = new WeakMap<Request, Caller>();
  const authenticate = async (req: Request, res: Response, next: NextFunction) => {
    try {
      callers.set(req, await authenticator.authenticate({ authorization: req.get('authorization'), apiKey: req.get('x-api-key') }));
      next();
    } catch (err) {
      if (!(err instanceof CallerAuthError)) return next(err);
      res
        .status(401)
        .set('www-authenticate', authenticator.mode === 'jwt' ? 'Bearer' : 'ApiKey')
        .json({ errors: [{ message: err.message, extensions: { code: 'UNAUTHENTICATED' } }] });
    }
  };

  // Each HTTP request gets its own upstream retry budget, visible to the transport through AsyncLocalStorage.
  const withRequestScope = (req: Request, res: Response, next: NextFunction) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const trace = parseTraceparent(req.get('traceparent'));
    res.set('x-request-id', requestId);
    requestScope.run({ retryBudget: new RetryBudget(config.server.retryBudgetPerRequest), requestId, traceId: trace?.traceId ?? randomBytes(16).toString('hex'), traceFlags: trace?.flags ?? '01' }, next);
  };

  app.use(
    GRAPHQL_PATH,
    withRequestScope,
    authenticate,
    express.json({ limit: config.server.bodyLimitBytes }),
    expressMiddleware(apollo, {
      context: async ({ req }): Promise<GatewayContext> => {
        const scope = requestScope.getStore();
        const requestId = scope?.requestId ?? randomUUID();
        const requestLogger = logger.child({ requestId, traceId: scope?.traceId });
        const caller = callers.get(req) ?? { id: 'anonymous', role: null };
        return { requestId, caller, logger: requestLogger, services, loaders: new RequestLoaders(connectors, cache.entities), partialFailures: new PartialFailures(requestLogger) };
      },
    }),
  );

  // Body errors from express.json: malformed JSON is 400, an oversized body 413 (contract §4).
  app.use((err: Error & { type?: string; status?: number }, _req: Request, res: Response, next: NextFunction) => {
    if (err.type === 'entity.parse.failed') {
      res.status(400).json({ errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
      return;
    }
    if (err.type === 'entity.too.large') {
      res.status(413).json({ errors: [{ message: `The request body is larger than ${config.server.bodyLimitBytes} bytes.`, extensions: { code: 'BAD_REQUEST' } }] });
      return;
    }
    if (err.status && err.status >= 400 && err.status < 500) {
      res.status(err.status).json({ errors: [{ message: 'The request could not be read.', extensions: { code: 'BAD_REQUEST' } }] });
      return;
    }
    logger.error({ err }, 'unhandled error in the HTTP layer');
    next(err);
  });

  const subscriptionServers: Array<{ dispose(): Promise<void> | void; wss: WebSocketServer }> = [];

  return {
    app,
    services,
    logger,
    config,
    attachSubscriptions: (server: http.Server) => {
      subscriptionServers.push(createSubscriptionServer(server, { schema, services, authenticator, limits, maxPerConnection: config.subscriptions.maxPerConnection, logger, connectors, cache: cache.entities }));
    },
    beginShutdown: () => {
      state = 'stopping';
    },
    close: async () => {
      state = 'stopping';
      feed.close();
      for (const sub of subscriptionServers) {
        // Close frames first (graphql-ws), then drop any socket still waiting on its peer, so no
        // keep-alive timer outlives the gateway.
        await sub.dispose();
        for (const socket of sub.wss.clients) socket.terminate();
        sub.wss.close();
      }
      await apollo.stop();
      await Promise.all([...connectors.values()].map((c) => c.close()));
      await cache.close();
      logger.flush();
    },
  };
}
