import Redis from 'ioredis';
import type { Clock } from '../clock';
import type { GatewayConfig } from '../config';
import { LogThrottle } from '../util/logThrottle';
import { RedisGate } from './redisGate';
import type { Logger } from '../logger';
import type { GatewayMetrics } from '../metrics';
import type { SharedSnapshots } from '../listing/snapshots';
import { EntityCache } from './entityCache';
import { MemoryCacheStore } from './memoryCacheStore';
import { RedisCacheStore } from './redisCacheStore';
import { RedisSnapshots } from './redisSnapshots';
import type { ChangeBus } from '../live/changeFeed';
import { RedisChangeBus } from '../live/redisChangeBus';

export interface GatewayCache {
  entities: EntityCache;
  sharedSnapshots?: SharedSnapshots;
  /** With Redis: change fan-out and the polling lease for subscriptions. */
  changeBus?: ChangeBus;
  close(): Promise<void>;
}

/** The in-memory cache by default; Redis (shared by replicas) when `cache.redis` is configured. */
export function createCache(config: GatewayConfig['cache'], metrics: GatewayMetrics, logger: Logger, clock: Clock): GatewayCache {
  const ttls = { liveMs: config.sessionTtlSeconds * 1000, terminalMs: config.terminalSessionTtlSeconds * 1000, organizationsMs: config.organizationTtlSeconds * 1000, notFoundMs: config.notFoundTtlSeconds * 1000 };
  if (!config.redis) {
    const store = new MemoryCacheStore({ maxEntries: config.maxEntries, maxBytes: config.maxBytes });
    return { entities: new EntityCache(store, ttls, metrics), close: () => store.close() };
  }
  // Rate-limited: a Redis outage must not flood the log; the gateway answers from upstreams meanwhile.
  const errorLog = new LogThrottle(1, 10_000, clock);
  const onError = (err: unknown) => {
    const admitted = errorLog.admit();
    if (admitted) logger.warn({ err: (err as Error).message, ...admitted }, 'Redis unavailable: answering from the upstreams');
  };
  const badLog = new LogThrottle(5, 10_000, clock);
  const onBadMessage = (what: string) => {
    const admitted = badLog.admit();
    if (admitted) logger.warn({ what, ...admitted }, 'dropped a malformed value read from Redis');
  };
  const gate = new RedisGate(clock, onError);
  // Commands time out (a hung Redis costs at most that long, then the gate shuts for a while);
  // nothing queues while disconnected; disconnectTimeout keeps shutdown quick.
  const options = { maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: config.redis.commandTimeoutMs, connectTimeout: 2000, disconnectTimeout: 100, lazyConnect: false } as const;
  const client = new Redis(config.redis.url, options);
  // The subscriber only subscribes; it may queue that until connected.
  const subscriber = new Redis(config.redis.url, { ...options, enableOfflineQueue: true, commandTimeout: undefined });
  client.on('error', onError);
  subscriber.on('error', onError);
  const store = new RedisCacheStore(client, gate, (key) => onBadMessage(`cache entry ${key}`));
  return {
    entities: new EntityCache(store, ttls, metrics),
    sharedSnapshots: new RedisSnapshots(client, subscriber, gate, onBadMessage),
    changeBus: new RedisChangeBus(client, subscriber, gate, onBadMessage),
    close: async () => {
      client.disconnect();
      subscriber.disconnect();
    },
  };
}
