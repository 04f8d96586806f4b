import type { Clock } from '../clock';
import type { GatewayMetrics } from '../metrics';
import type { CacheStore } from './cacheStore';
import { responseReads } from './responseReads';

/** How a value is stored: with its expiry, so an answer built from it knows how long it holds. */
interface Stored<T> {
  v: T;
  /** Expiry (ms, by the gateway's clock). */
  x: number;
}

function isStored<T>(value: unknown): value is Stored<T> {
  return typeof value === 'object' && value !== null && 'v' in value && typeof (value as { x?: unknown }).x === 'number';
}

export type CachedKind = 'session' | 'organizations' | 'events' | 'artifacts' | 'statistics' | 'snapshot' | 'protectedItems' | 'jobs' | 'restorePointContents';

export interface CacheTtls {
  /** Sessions (and their events, artifacts, statistics) that may still change. */
  liveMs: number;
  /** Terminal sessions change no more: they may be kept much longer. */
  terminalMs: number;
  organizationsMs: number;
  /** An id the upstream does not know, remembered as unknown. */
  notFoundMs: number;
}

/**
 * Upstream answers cached across requests (the per-request DataLoaders sit in front of it and
 * dedupe within a request). TTLs depend on what is cached: a terminal session lives longer than a
 * running one. Counts hits and misses per kind. Every value used while a cacheable answer is
 * computed reports its expiry to that answer (`responseReads`).
 */
export class EntityCache {
  /** Keys being loaded right now, by any request: a second request waits for the first load. */
  private readonly loading = new Map<string, Promise<unknown>>();

  constructor(
    readonly store: CacheStore,
    readonly ttls: CacheTtls,
    private readonly metrics: GatewayMetrics,
    private readonly clock: Clock,
  ) {}

  async getMany<T>(kind: CachedKind, keys: readonly string[]): Promise<Array<T | undefined>> {
    const stored = await this.store.getMany<unknown>(keys);
    const reads = responseReads();
    let hits = 0;
    const values = stored.map((entry) => {
      // Anything else is a miss (an entry written by an older gateway, or damaged).
      if (!isStored<T>(entry)) return undefined;
      hits++;
      reads?.entity(entry.x);
      return entry.v;
    });
    if (hits > 0) this.metrics.cacheRequests.inc({ cache: kind, result: 'hit' }, hits);
    if (values.length - hits > 0) this.metrics.cacheRequests.inc({ cache: kind, result: 'miss' }, values.length - hits);
    return values;
  }

  set(key: string, value: unknown, ttlMs: number): Promise<void> {
    const expiresAt = this.clock.now() + Math.max(0, ttlMs);
    responseReads()?.entity(expiresAt);
    return this.store.set(key, { v: value, x: expiresAt } satisfies Stored<unknown>, ttlMs);
  }

  delete(keys: readonly string[]): Promise<void> {
    return this.store.delete(keys);
  }

  ttlFor(terminal: boolean): number {
    return terminal ? this.ttls.terminalMs : this.ttls.liveMs;
  }

  /**
   * Read-through for a batch: cached values where present, `load` for the rest (in key order),
   * and the loaded values stored with the TTL `ttlOf` gives them (0 or less: not stored; null
   * values, meaning "no such thing", get theirs too).
   */
  async readThrough<K, V>(
    kind: CachedKind,
    items: readonly K[],
    keyOf: (item: K) => string,
    load: (missing: K[]) => Promise<Array<V | Error>>,
    ttlOf: (value: V, item: K) => number,
  ): Promise<Array<V | Error>> {
    const keys = items.map(keyOf);
    const cached = await this.getMany<V>(kind, keys);
    const result: Array<V | Error> = [...(cached as Array<V | Error>)];
    const missing: number[] = [];
    const waiting: Array<Promise<void>> = [];
    cached.forEach((value, i) => {
      if (value !== undefined) return;
      const inFlight = this.loading.get(keys[i]) as Promise<V> | undefined;
      if (inFlight) {
        this.metrics.cacheRequests.inc({ cache: 'inflight', result: 'hit' });
        waiting.push(
          inFlight.then(
            (v) => {
              result[i] = v;
              // Stored by the request that loaded it, with this expiry.
              responseReads()?.entity(this.clock.now() + Math.max(0, ttlOf(v, items[i])));
            },
            (err: Error) => void (result[i] = err),
          ),
        );
      } else {
        missing.push(i);
      }
    });
    if (missing.length > 0) {
      const batch = load(missing.map((i) => items[i]));
      missing.forEach((index, j) => {
        const one = batch.then((loaded) => {
          const value = loaded[j];
          if (value instanceof Error) throw value;
          return value;
        });
        one.catch(() => undefined);
        this.loading.set(keys[index], one);
      });
      try {
        const loaded = await batch;
        await Promise.all(
          missing.map(async (index, j) => {
            const value = loaded[j];
            result[index] = value;
            // null (the upstream does not know it) is cached too, briefly: asking again for an unknown id costs nothing.
            if (!(value instanceof Error) && value !== undefined) {
              const ttl = ttlOf(value, items[index]);
              if (ttl > 0) await this.set(keys[index], value, ttl);
              // Not kept at all: an answer built from it is good for no time.
              else responseReads()?.entity(this.clock.now());
            }
          }),
        );
      } catch (err) {
        for (const index of missing) result[index] = err instanceof Error ? err : new Error(String(err));
      } finally {
        for (const index of missing) this.loading.delete(keys[index]);
      }
    }
    await Promise.all(waiting);
    return result;
  }
}
