import type Redis from 'ioredis';
import type { CacheStore } from './cacheStore';
import type { RedisGate } from './redisGate';

/**
 * Redis as the shared cache of several replicas (ioredis). Values are JSON; every key carries
 * the gateway's prefix. A Redis that fails or hangs makes reads miss and writes no-ops (through
 * the gate, without waiting): the gateway then answers from the upstreams, slower but correct.
 */
export class RedisCacheStore implements CacheStore {
  readonly kind = 'redis' as const;

  constructor(
    readonly client: Redis,
    private readonly gate: RedisGate,
    private readonly onBadValue: (key: string) => void,
  ) {}

  async getMany<T>(keys: readonly string[]): Promise<Array<T | undefined>> {
    if (keys.length === 0) return [];
    const values = await this.gate.run(
      () => this.client.mget(...keys),
      keys.map(() => null),
    );
    return values.map((v, i) => {
      if (v === null) return undefined;
      try {
        return JSON.parse(v) as T;
      } catch {
        this.onBadValue(keys[i]);
        return undefined;
      }
    });
  }

  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    if (ttlMs <= 0) return;
    await this.gate.run(() => this.client.set(key, JSON.stringify(value), 'PX', Math.ceil(ttlMs)), null);
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.gate.run(() => this.client.del(...keys), 0);
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}
