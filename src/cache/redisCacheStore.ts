import Redis from 'ioredis';
import type { CacheStore } from './cacheStore';

/**
 * Redis as the shared cache of several replicas (ioredis). Values are JSON; every key carries
 * the gateway's prefix. A Redis that cannot be reached makes cache reads miss and writes no-ops:
 * the gateway then answers from the upstreams, slower but correct.
 */
export class RedisCacheStore implements CacheStore {
  readonly kind = 'redis' as const;

  constructor(
    readonly client: Redis,
    private readonly onError: (err: unknown) => void,
  ) {}

  async getMany<T>(keys: readonly string[]): Promise<Array<T | undefined>> {
    if (keys.length === 0) return [];
    try {
      const values = await this.client.mget(...keys);
      return values.map((v) => (v === null ? undefined : (JSON.parse(v) as T)));
    } catch (err) {
      this.onError(err);
      return keys.map(() => undefined);
    }
  }

  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    if (ttlMs <= 0) return;
    try {
      await this.client.set(key, JSON.stringify(value), 'PX', Math.ceil(ttlMs));
    } catch (err) {
      this.onError(err);
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    try {
      await this.client.del(...keys);
    } catch (err) {
      this.onError(err);
    }
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}
