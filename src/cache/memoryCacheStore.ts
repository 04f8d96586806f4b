import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock';
import type { CacheStore } from './cacheStore';

/** A rough size in bytes, without serialising: enough to bound the cache's memory. */
export function approximateSize(value: unknown, depth = 0): number {
  if (value === null || value === undefined) return 8;
  switch (typeof value) {
    case 'string':
      return 16 + value.length * 2;
    case 'number':
    case 'boolean':
      return 8;
    case 'object': {
      if (depth > 6) return 64;
      let size = 32;
      if (Array.isArray(value)) for (const item of value) size += approximateSize(item, depth + 1);
      else for (const [k, v] of Object.entries(value as Record<string, unknown>)) size += k.length * 2 + approximateSize(v, depth + 1);
      return size;
    }
    default:
      return 16;
  }
}

/** In-process LRU bounded by entries and bytes, with a TTL per entry. */
export class MemoryCacheStore implements CacheStore {
  readonly kind = 'memory' as const;
  private readonly lru: LRUCache<string, { value: unknown }>;

  constructor(options: { maxEntries: number; maxBytes: number }, clock: Clock) {
    this.lru = new LRUCache<string, { value: unknown }>({
      // Entries expire by the gateway's clock (tests move it instead of sleeping).
      perf: { now: () => clock.now() },
      max: options.maxEntries,
      maxSize: options.maxBytes,
      sizeCalculation: (entry) => Math.max(1, approximateSize(entry.value)),
      ttlAutopurge: false,
    });
  }

  async getMany<T>(keys: readonly string[]): Promise<Array<T | undefined>> {
    return keys.map((key) => this.lru.get(key)?.value as T | undefined);
  }

  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    if (ttlMs > 0) this.lru.set(key, { value }, { ttl: ttlMs });
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.lru.delete(key);
  }

  async close(): Promise<void> {
    this.lru.clear();
  }
}
