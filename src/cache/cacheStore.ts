/**
 * Where cached upstream answers live: in this process (default) or in Redis, shared by every
 * replica. Values are plain JSON data; keys are built by `cacheKeys.ts`.
 */
export interface CacheStore {
  readonly kind: 'memory' | 'redis';
  getMany<T>(keys: readonly string[]): Promise<Array<T | undefined>>;
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  delete(keys: readonly string[]): Promise<void>;
  close(): Promise<void>;
}
