import Redis from 'ioredis';
import type { GatewayConfig } from '../config';
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
export function createCache(config: GatewayConfig['cache'], metrics: GatewayMetrics, logger: Logger): GatewayCache {
  const ttls = { liveMs: config.sessionTtlSeconds * 1000, terminalMs: config.terminalSessionTtlSeconds * 1000, organizationsMs: config.organizationTtlSeconds * 1000 };
  if (!config.redis) {
    const store = new MemoryCacheStore({ maxEntries: config.maxEntries, maxBytes: config.maxBytes });
    return { entities: new EntityCache(store, ttls, metrics), close: () => store.close() };
  }
  let lastReport = 0;
  const onError = (err: unknown) => {
    // Rate-limited: a Redis outage must not flood the log; the gateway answers from upstreams meanwhile.
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      logger.warn({ err: (err as Error).message }, 'Redis cache unavailable: answering from the upstreams');
    }
  };
  // disconnectTimeout: ioredis otherwise waits 2 s for a graceful socket end on close, holding shutdown.
  const options = { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, disconnectTimeout: 100, lazyConnect: false } as const;
  const client = new Redis(config.redis.url, options);
  const subscriber = new Redis(config.redis.url, { ...options, enableOfflineQueue: true });
  client.on('error', onError);
  subscriber.on('error', onError);
  const store = new RedisCacheStore(client, onError);
  return {
    entities: new EntityCache(store, ttls, metrics),
    sharedSnapshots: new RedisSnapshots(client, subscriber, onError),
    changeBus: new RedisChangeBus(client, subscriber, onError),
    close: async () => {
      client.disconnect();
      subscriber.disconnect();
    },
  };
}
