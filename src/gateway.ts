import http from 'node:http';
import { makeExecutableSchema, type IExecutableSchemaDefinition } from '@graphql-tools/schema';
import type { Express } from 'express';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { systemClock, type Clock } from './clock';
import type { GatewayConfig } from './config';
import { createCallerAuthenticator } from './auth/callerAuth';
import type { GatewayContext, GatewayServices } from './context';
import { SessionIndexes } from './index/sessionIndexes';
import { createSubscriptionServer } from './live/subscriptionServer';
import { ProgressWatchers } from './live/progressWatchers';
import { RestoreSessionDirectory } from './listing/directory';
import { createLogger, type Logger } from './logger';
import { GatewayMetrics, OperationLabels } from './metrics';
import { createFormatError } from './plugins/formatError';
import { operationChecksPlugin } from './plugins/operationChecks';
import { partialFailuresPlugin } from './plugins/partialFailures';
import { requestMetricsPlugin } from './plugins/requestMetrics';
import { limitValidationRules } from './limits/queryLimits';
import { resolvers } from './resolvers';
import { loadTypeDefs } from './schema';
import type { SourceConnector } from './upstreams/connector';
import type { ConnectorDeps } from './upstreams/connectorDeps';
import { createConnector, secretsOf } from './upstreams/registry';
import { SecretRedactor } from './redaction';
import { createCache } from './cache/createCache';
import { createHttpApp, type LifecycleState } from './http/app';

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
  /** Settles once every source's first read has ended (successfully or not). */
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
    connectors.set(source.id, createConnector(source, deps));
  }
  return connectors;
}

/** Every secret in the configuration, so that none can reach a log line or an error message. */
function redactorFor(config: GatewayConfig): SecretRedactor {
  const redactor = new SecretRedactor();
  for (const source of config.sources) for (const secret of secretsOf(source)) redactor.addConfigured(secret);
  if (config.auth.mode === 'apiKey') for (const key of config.auth.apiKeys) redactor.addConfigured(key.key);
  if (config.auth.mode === 'jwt') redactor.addConfigured(config.auth.jwt.secret);
  return redactor;
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
  const cache = createCache(config.cache, metrics, logger, clock, systemClock);
  const { sync } = config;
  const indexes = new SessionIndexes(
    connectors,
    {
      listTtlMs: config.cache.listTtlSeconds * 1000,
      liveIntervalMs: sync.liveIntervalSeconds * 1000,
      reconcileIntervalMs: sync.reconcileIntervalSeconds * 1000,
      overlapMs: sync.overlapSeconds * 1000,
      feedWaitSeconds: sync.feedWaitSeconds,
      maxLiveReadsPerInterval: sync.maxLiveReadsPerInterval,
      warmupWaitMs: sync.warmupWaitSeconds * 1000,
    },
    clock,
    logger,
    metrics,
    cache.replication,
    systemClock,
  );
  const progress = new ProgressWatchers(connectors, sync.liveIntervalSeconds * 1000, clock, logger);
  const services: GatewayServices = {
    connectors,
    indexes,
    directory: new RestoreSessionDirectory([...connectors.values()].map((c) => c.source), indexes),
    cache: cache.entities,
    sourceIds: new Set(connectors.keys()),
    metrics,
    logger,
    clock,
    limits: config.server.limits,
    progress,
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

  let stopping = false;
  // The index is kept current from start-up, before any query asks (with Redis, once it answers).
  await cache.ready;
  indexes.start();
  const started = Promise.all([...connectors.keys()].map((id) => indexes.index(id)?.warmed)).then(() => undefined);
  const lifecycle = (): LifecycleState => (stopping ? 'stopping' : indexes.firstReadsDone ? 'ready' : 'warming');
  const authenticator = createCallerAuthenticator(config.auth);
  const app = createHttpApp({ config, services, apollo, authenticator, graphqlPath: GRAPHQL_PATH, lifecycle });

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
      stopping = true;
    },
    closeSubscriptions,
    close: async () => {
      stopping = true;
      await closeSubscriptions();
      progress.close();
      await indexes.stop();
      await apollo.stop();
      await Promise.all([...connectors.values()].map((c) => c.close()));
      await cache.close();
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    },
  };
}
