import { systemClock, type Clock } from './clock';
import type { GatewayConfig } from './config';
import { createCache, type GatewayCache } from './cache/createCache';
import type { GatewayServices } from './context';
import { SessionIndexes } from './index/sessionIndexes';
import { ProgressWatchers } from './live/progressWatchers';
import { RestoreSessionDirectory } from './listing/directory';
import type { Logger } from './logger';
import type { GatewayMetrics } from './metrics';
import type { SourceConnector } from './upstreams/connector';
import { createConnector, secretsOf } from './upstreams/registry';
import { SecretRedactor } from './redaction';

/** Every secret in the configuration, so that none can reach a log line or an error message. */
export function redactorFor(config: GatewayConfig): SecretRedactor {
  const redactor = new SecretRedactor();
  for (const source of config.sources) for (const secret of secretsOf(source)) redactor.addConfigured(secret);
  if (config.auth.mode === 'apiKey') for (const key of config.auth.apiKeys) redactor.addConfigured(key.key);
  if (config.auth.mode === 'jwt') redactor.addConfigured(config.auth.jwt.secret);
  return redactor;
}

/**
 * The long-lived pieces every request shares: one connector per source (through the vendor
 * registry), the caches (and, with Redis, the replication), the session indexes and their
 * directory, the progress watchers. Nothing here starts working until `indexes.start()`.
 */
export function createServices(
  config: GatewayConfig,
  shared: { metrics: GatewayMetrics; logger: Logger; redactor: SecretRedactor; clock: Clock },
): { services: GatewayServices; cache: GatewayCache } {
  const { metrics, logger, clock } = shared;
  const connectors = new Map<string, SourceConnector>(config.sources.map((source) => [source.id, createConnector(source, shared)]));
  const cache = createCache(config.cache, metrics, logger, clock, systemClock);
  const { sync } = config;
  const indexOptions = {
    listTtlMs: config.cache.listTtlSeconds * 1000,
    liveIntervalMs: sync.liveIntervalSeconds * 1000,
    reconcileIntervalMs: sync.reconcileIntervalSeconds * 1000,
    overlapMs: sync.overlapSeconds * 1000,
    feedWaitSeconds: sync.feedWaitSeconds,
    maxLiveReadsPerInterval: sync.maxLiveReadsPerInterval,
    warmupWaitMs: sync.warmupWaitSeconds * 1000,
  };
  // Leases expire in Redis by real time, whatever clock the rest runs on.
  const indexes = new SessionIndexes(connectors, indexOptions, clock, logger, metrics, cache.replication, systemClock);
  const services: GatewayServices = {
    connectors,
    indexes,
    directory: new RestoreSessionDirectory(
      [...connectors.values()].map((c) => c.source),
      indexes,
    ),
    cache: cache.entities,
    sourceIds: new Set(connectors.keys()),
    metrics,
    logger,
    clock,
    limits: config.server.limits,
    progress: new ProgressWatchers(connectors, sync.liveIntervalSeconds * 1000, clock, logger),
  };
  return { services, cache };
}
