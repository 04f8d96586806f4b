import http from 'node:http';
import { makeExecutableSchema, type IExecutableSchemaDefinition } from '@graphql-tools/schema';
import type { Express } from 'express';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { systemClock, type Clock } from './clock';
import type { GatewayConfig } from './config';
import { createCallerAuthenticator } from './auth/callerAuth';
import type { GatewayContext, GatewayServices } from './context';
import { ChangeFeed } from './live/changeFeed';
import { createSubscriptionServer } from './live/subscriptionServer';
import { RestoreSessionDirectory } from './listing/directory';
import { SnapshotStore } from './listing/snapshots';
import { createLogger, type Logger } from './logger';
import { GatewayMetrics, OperationLabels } from './metrics';
import { createFormatError } from './plugins/formatError';
import { operationChecksPlugin } from './plugins/operationChecks';
import { partialFailuresPlugin } from './plugins/partialFailures';
import { requestMetricsPlugin } from './plugins/requestMetrics';
import { limitValidationRules } from './limits/queryLimits';
import { resolvers } from './resolvers';
import { loadTypeDefs } from './schema';
import type { SourceConnector } from './sources/connector';
import type { ConnectorDeps } from './sources/connectorDeps';
import { SecretRedactor } from './redaction';
import { createCache } from './cache/createCache';
import { sessionKeys } from './cache/cacheKeys';
import { createHttpApp, type LifecycleState } from './http/app';
import { GraphConnector } from './upstreams/msgraph/client';
import { VeeamConnector } from './upstreams/veeam/client';

export const GRAPHQL_PATH = '/graphql';

export interface Gateway {
  /** The HTTP handler: /graphql (and GraphiQL), /healthz, /readyz, /metrics. */
  app: Express;
  services: GatewayServices;
  logger: Logger;
  config: GatewayConfig;
  /**
   * An HTTP server for the app with the configured protections: a request must arrive whole
   * within `requestTimeoutSeconds` (slow senders get 408), and connections are capped. Not listening.
   */
  createHttpServer(): http.Server;
  /** Settles once every source's start-up check has ended (successfully or not). */
  started: Promise<void>;
  /** From now on /readyz answers 503 "stopping", so load balancers stop sending new requests. */
  beginShutdown(): void;
  /** Serves graphql-ws subscriptions on the same /graphql path of this HTTP server. */
  attachSubscriptions(server: http.Server): void;
  /** Ends every WebSocket connection with 1001 (going away). */
  closeSubscriptions(): Promise<void>;
  close(): Promise<void>;
}

export interface CreateGatewayOptions {
  /** Where log lines go (tests capture them); pino's async stdout by default. */
  logDestination?: import('pino').DestinationStream;
  /** Time for every component that waits, expires or schedules (tests pass a manual clock). */
  clock?: Clock;
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

/**
 * A cheap call per source at start (token, then one small read), so refused credentials or an
 * unreachable upstream show in the log, in /readyz and in `Source.health` before any query.
 */
async function checkSourcesAtStart(connectors: ReadonlyMap<string, SourceConnector>, logger: Logger): Promise<void> {
  await Promise.all(
    [...connectors.values()].map(async (connector) => {
      const source = { source: connector.source.id, vendor: connector.source.vendor };
      try {
        await connector.probe();
        logger.info(source, 'source check passed: credentials accepted and the upstream answers');
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        logger.error({ ...source, code, error: (err as Error).message }, 'source check failed: the source is left out of answers until it recovers');
      }
    }),
  );
}

/**
 * Composes the gateway from a validated configuration: connectors, caches, the listing, the
 * change feed, Apollo Server and the HTTP app. It never binds a port (main.ts and the tests do).
 * Connectors and their pools live as long as the gateway; loaders live per request.
 */
export async function createGateway(config: GatewayConfig, options: CreateGatewayOptions = {}): Promise<Gateway> {
  const clock = options.clock ?? systemClock;
  const redactor = redactorFor(config);
  const logger = createLogger(config.logging.level, redactor, options.logDestination);
  const metrics = new GatewayMetrics();
  const operationLabels = new OperationLabels(config.metrics.maxOperationLabels);
  const connectors = buildConnectors(config, { metrics, logger, redactor, clock });
  const cache = createCache(config.cache, metrics, logger, clock);
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
    clock,
    limits: config.server.limits,
    invalidateSession: async (sourceId, vendorId) => {
      const connector = connectors.get(sourceId);
      if (!connector) return;
      await Promise.all([directory.invalidate(sourceId), cache.entities.delete(sessionKeys(connector.cacheScope, vendorId))]);
    },
  };

  const limits = config.server.limits;
  // One executable schema for HTTP (Apollo) and WebSocket subscriptions (graphql-ws).
  const schema = makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers: resolvers as IExecutableSchemaDefinition<GatewayContext>['resolvers'] });
  const apollo = new ApolloServer<GatewayContext>({
    schema,
    introspection: config.server.introspection,
    includeStacktraceInErrorResponses: false,
    // The gateway drains on SIGTERM itself (main.ts); Apollo's own handlers would cut requests off.
    stopOnTerminationSignals: false,
    // Over the token limit the parser stops early: GRAPHQL_PARSE_FAILED (contract §4).
    parseOptions: { maxTokens: limits.tokens },
    validationRules: limitValidationRules(limits),
    // One operation per HTTP request: a batch cannot multiply the limits below.
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    formatError: createFormatError(logger, redactor),
    // No cache hints are used: the cache-control plugin would only cost time on every field.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), operationChecksPlugin(limits.cost), partialFailuresPlugin(redactor), requestMetricsPlugin(metrics, operationLabels)],
  });
  await apollo.start();

  let lifecycle: LifecycleState = 'warming';
  const started = checkSourcesAtStart(connectors, logger).then(() => {
    if (lifecycle === 'warming') lifecycle = 'ready';
  });
  const authenticator = createCallerAuthenticator(config.auth);
  const app = createHttpApp({ config, services, apollo, authenticator, graphqlPath: GRAPHQL_PATH, lifecycle: () => lifecycle });

  const subscriptionServers: Array<ReturnType<typeof createSubscriptionServer>> = [];
  const closeSubscriptions = async () => {
    await Promise.all(subscriptionServers.splice(0).map((s) => s.close()));
  };

  return {
    app,
    services,
    logger,
    config,
    started,
    createHttpServer: () => {
      const requestTimeoutMs = config.server.requestTimeoutSeconds * 1000;
      // Node checks those timeouts every connectionsCheckingInterval (30 s by default): check every second.
      const server = http.createServer({ requestTimeout: requestTimeoutMs, headersTimeout: Math.min(requestTimeoutMs, 10_000), connectionsCheckingInterval: 1000 }, app);
      server.maxConnections = config.server.maxConnections;
      // Longer than typical load-balancer idle timeouts, so the balancer closes first.
      server.keepAliveTimeout = 65_000;
      return server;
    },
    attachSubscriptions: (server: http.Server) => {
      subscriptionServers.push(
        createSubscriptionServer(server, {
          path: GRAPHQL_PATH,
          schema,
          services,
          authenticator,
          limits,
          maxPerConnection: config.subscriptions.maxPerConnection,
          maxPayloadBytes: config.subscriptions.maxPayloadBytes,
          maxConnections: config.subscriptions.maxConnections,
          maxConnectionsPerClient: config.subscriptions.maxConnectionsPerClient,
          originAllowed: null,
          logger,
          metrics,
        }),
      );
    },
    beginShutdown: () => {
      lifecycle = 'stopping';
    },
    closeSubscriptions,
    close: async () => {
      lifecycle = 'stopping';
      feed.close();
      await closeSubscriptions();
      await apollo.stop();
      await Promise.all([...connectors.values()].map((c) => c.close()));
      await cache.close();
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    },
  };
}
