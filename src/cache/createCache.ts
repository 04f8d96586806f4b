import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import Redis from 'ioredis';
import type { CacheStore } from './cacheStore';
import type { Clock } from '../clock';
import type { GatewayConfig } from '../config';
import { LogThrottle } from '../util/logThrottle';
import { RedisGate } from './redisGate';
import type { Logger } from '../logger';
import type { GatewayMetrics } from '../metrics';
import { EntityCache } from './entityCache';
import { MemoryCacheStore } from './memoryCacheStore';
import { RedisCacheStore } from './redisCacheStore';
import type { IndexReplication } from '../index/replication';
import { RedisReplication } from '../index/redisReplication';

export interface GatewayCache {
  entities: EntityCache;
  /** With Redis: the shared session index (lease, shared copy, change log). */
  replication: IndexReplication | null;
  /** With Redis: the store replicas share (answers of the response cache live there too). */
  shared: CacheStore | null;
  /** With Redis: automatic persisted queries shared by every replica (a query registered on one runs by hash on all). */
  apq: KeyValueCache<string> | undefined;
  /** Resolves once Redis answers, or after the connect timeout (the gateway then starts without it). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/** The in-memory cache by default; Redis (shared by replicas) when `cache.redis` is configured. */
export function createCache(config: GatewayConfig['cache'], metrics: GatewayMetrics, logger: Logger, clock: Clock, realClock: Clock): GatewayCache {
  const ttls = {
    liveMs: config.sessionTtlSeconds * 1000,
    terminalMs: config.terminalSessionTtlSeconds * 1000,
    organizationsMs: config.organizationTtlSeconds * 1000,
    notFoundMs: config.notFoundTtlSeconds * 1000,
  };
  if (!config.redis) {
    const store = new MemoryCacheStore({ maxEntries: config.maxEntries, maxBytes: config.maxBytes }, clock);
    return {
      entities: new EntityCache(store, ttls, metrics, clock),
      replication: null,
      shared: null,
      apq: undefined,
      ready: Promise.resolve(),
      close: () => store.close(),
    };
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
  const options = {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: config.redis.commandTimeoutMs,
    connectTimeout: 2000,
    disconnectTimeout: 100,
    lazyConnect: false,
  } as const;
  const client = new Redis(config.redis.url, options);
  // Blocking reads of the shared change log get a connection of their own, allowed to wait; so do
  // bulk transfers of a whole shared index (tens of megabytes at real sizes), off the request path.
  const blocking = new Redis(config.redis.url, { ...options, enableOfflineQueue: true, commandTimeout: undefined });
  // Bulk commands do not queue while disconnected either: a dead Redis fails them at once.
  const bulk = new Redis(config.redis.url, { ...options, commandTimeout: 30_000 });
  client.on('error', onError);
  blocking.on('error', onError);
  bulk.on('error', onError);
  const store = new RedisCacheStore(client, gate, (key) => onBadMessage(`cache entry ${key}`));
  const replication = new RedisReplication(client, blocking, bulk, gate, new RedisGate(realClock, onError), realClock, logger, onBadMessage);
  // Commands do not queue while disconnected: the first ones wait for the connections (bounded).
  const connected = (connection: Redis) =>
    new Promise<void>((resolve) => {
      if (connection.status === 'ready') return resolve();
      const timer = realClock.schedule(options.connectTimeout, resolve);
      connection.once('ready', () => {
        timer.cancel();
        resolve();
      });
    });
  const ready = Promise.all([connected(client), connected(bulk)]).then(() => undefined);
  return {
    entities: new EntityCache(store, ttls, metrics, clock),
    replication,
    shared: store,
    apq: keyValueCacheOver(store, 'rsgw:v1:apq:'),
    ready,
    close: async () => {
      await replication.close();
      client.disconnect();
    },
  };
}

/**
 * Apollo's key-value cache interface over one of the gateway's stores, so Apollo's own caches
 * (automatic persisted queries) go through the same gate: a failing Redis is a miss, never an error.
 */
export function keyValueCacheOver(store: CacheStore, prefix: string): KeyValueCache<string> {
  return {
    get: async (key) => (await store.getMany<string>([prefix + key]))[0],
    set: (key, value, options) => store.set(prefix + key, value, (options?.ttl ?? 86_400) * 1000),
    delete: (key) => store.delete([prefix + key]),
  };
}
