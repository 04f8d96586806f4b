import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { makeExecutableSchema, type IExecutableSchemaDefinition } from '@graphql-tools/schema';
import type { Express } from 'express';
import type { GraphQLSchema } from 'graphql';
import type { DestinationStream } from 'pino';
import { createApolloServer } from './apollo';
import { createCallerAuthenticator } from './auth/callerAuth';
import type { CacheStore } from './cache/cacheStore';
import { ResponseCache } from './cache/responseCache';
import { systemClock, type Clock } from './clock';
import type { GatewayConfig } from './config';
import type { GatewayContext, GatewayServices } from './context';
import { createHttpApp, type LifecycleState } from './http/app';
import { originMatcher } from './http/cors';
import { hostMatcher } from './http/hostCheck';
import { createSubscriptionServer } from './live/subscriptionServer';
import { createLogger, type Logger } from './logger';
import { GatewayMetrics, OperationLabels } from './metrics';
import { PersistedDocuments } from './operations/persistedDocuments';
import { resolvers } from './resolvers';
import { loadTypeDefs } from './schema';
import { createServices, redactorFor } from './services';

export const GRAPHQL_PATH = '/graphql';

/**
 * The response cache, when enabled: answers keyed by what they read, dropped as soon as an index
 * they read changes. The build id keeps replicas of different builds (a rolling deploy) apart.
 */
function createResponseCache(config: GatewayConfig, services: GatewayServices, shared: CacheStore | null, metrics: GatewayMetrics): ResponseCache | null {
  const options = config.cache.responses;
  if (!options.enabled) return null;
  const { version } = JSON.parse(readFileSync(path.resolve(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
  const buildId = createHash('sha256').update(`${version}\n${loadTypeDefs()}`).digest('base64url');
  const responses = new ResponseCache(
    { maxBytes: options.maxBytes, maxEntryBytes: options.maxEntryBytes, buildId },
    (sourceId) => services.indexes.index(sourceId)?.contentVersion ?? null,
    shared,
    services.clock,
    metrics,
  );
  services.indexes.onChange((changes) => {
    for (const sourceId of new Set(changes.map((c) => c.session.sourceId))) responses.sourceChanged(sourceId);
  });
  return responses;
}

/** The manifest, checked before anything starts; its operation names keep their own metric labels. */
function loadPersistedDocuments(config: GatewayConfig, schema: GraphQLSchema, logger: Logger, labels: OperationLabels): PersistedDocuments | null {
  const options = config.server.persistedDocuments;
  if (!options) return null;
  const persisted = PersistedDocuments.fromFile(options.manifest, options.mode, schema);
  for (const name of persisted.operationNames) labels.register(name);
  for (const { id, message } of persisted.invalid)
    logger.warn({ documentId: id, reason: message }, 'a persisted document does not validate against this schema: requests for it will fail');
  logger.info({ manifest: options.manifest, mode: options.mode, documents: persisted.size }, 'persisted documents loaded');
  return persisted;
}

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
  logDestination?: DestinationStream;
  /** Time for every component that waits, expires or schedules (tests pass a manual clock). */
  clock?: Clock;
}

/**
 * Composes the gateway from a validated configuration (services, Apollo Server, the HTTP app)
 * and starts keeping the session indexes current. It never binds a port (main.ts and the tests
 * do). Connectors and their pools live as long as the gateway; loaders live per request.
 */
export async function createGateway(config: GatewayConfig, options: CreateGatewayOptions = {}): Promise<Gateway> {
  const clock = options.clock ?? systemClock;
  const redactor = redactorFor(config);
  const logger = createLogger(config.logging.level, redactor, options.logDestination);
  const metrics = new GatewayMetrics();
  // One executable schema for HTTP (Apollo) and WebSocket subscriptions (graphql-ws).
  const schema = makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers: resolvers as IExecutableSchemaDefinition<GatewayContext>['resolvers'] });
  const operationLabels = new OperationLabels(config.metrics.maxOperationLabels);
  const persisted = loadPersistedDocuments(config, schema, logger, operationLabels);
  const { services, cache } = createServices(config, { metrics, logger, redactor, clock });
  const { indexes, connectors } = services;
  const responses = createResponseCache(config, services, cache.shared, metrics);
  const apollo = createApolloServer(schema, config, {
    logger,
    redactor,
    metrics,
    operationLabels,
    persisted,
    apqCache: cache.apq,
    responseCache: responses !== null,
  });
  await apollo.start();

  let stopping = false;
  // The index is kept current from start-up, before any query asks (with Redis, once it answers).
  await cache.ready;
  indexes.start();
  const started = Promise.all([...connectors.keys()].flatMap((id) => indexes.index(id)?.warmed ?? [])).then(() => undefined);
  const lifecycle = (): LifecycleState => (stopping ? 'stopping' : indexes.firstReadsDone ? 'ready' : 'warming');
  const authenticator = createCallerAuthenticator(config.auth);
  const app = createHttpApp({ config, services, apollo, authenticator, persisted, responses, operationLabels, graphqlPath: GRAPHQL_PATH, lifecycle });

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
      const server = http.createServer(
        { requestTimeout: requestTimeoutMs, headersTimeout: Math.min(requestTimeoutMs, 10_000), connectionsCheckingInterval: 1000 },
        app,
      );
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
          limits: config.server.limits,
          maxPerConnection: config.subscriptions.maxPerConnection,
          maxPayloadBytes: config.subscriptions.maxPayloadBytes,
          maxConnections: config.subscriptions.maxConnections,
          maxConnectionsPerClient: config.subscriptions.maxConnectionsPerClient,
          originAllowed: config.server.cors ? originMatcher(config.server.cors.origins) : null,
          hostAllowed: hostMatcher(config.server.allowedHosts, config.server.host),
          persisted,
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
      services.progress.close();
      await indexes.stop();
      await apollo.stop();
      await Promise.all([...connectors.values()].map((c) => c.close()));
      await cache.close();
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    },
  };
}
