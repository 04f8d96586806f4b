import type Redis from 'ioredis';
import type { RestoreSessionModel } from '../model';
import type { SharedSnapshots } from '../listing/snapshots';
import { cacheKeys, INVALIDATION_CHANNEL } from './cacheKeys';

/**
 * Session-list snapshots in Redis, so replicas share one upstream load per TTL, plus a pub/sub
 * channel on which a replica that wrote upstream tells the others to drop their copies.
 */
export class RedisSnapshots implements SharedSnapshots {
  private readonly listeners: Array<(scope: string) => void> = [];

  constructor(
    private readonly client: Redis,
    private readonly subscriber: Redis,
    private readonly onError: (err: unknown) => void,
  ) {
    subscriber.on('message', (channel: string, scope: string) => {
      if (channel === INVALIDATION_CHANNEL) for (const listener of this.listeners) listener(scope);
    });
    subscriber.subscribe(INVALIDATION_CHANNEL).catch(onError);
  }

  async read(scope: string): Promise<{ loadedAt: number; sessions: RestoreSessionModel[] } | undefined> {
    try {
      const text = await this.client.get(cacheKeys.snapshot(scope));
      return text ? (JSON.parse(text) as { loadedAt: number; sessions: RestoreSessionModel[] }) : undefined;
    } catch (err) {
      this.onError(err);
      return undefined;
    }
  }

  async write(scope: string, snapshot: { loadedAt: number; sessions: readonly RestoreSessionModel[] }, ttlMs: number): Promise<void> {
    if (ttlMs <= 0) return;
    try {
      await this.client.set(cacheKeys.snapshot(scope), JSON.stringify({ loadedAt: snapshot.loadedAt, sessions: snapshot.sessions }), 'PX', Math.ceil(ttlMs));
    } catch (err) {
      this.onError(err);
    }
  }

  async invalidate(scope: string): Promise<void> {
    try {
      await this.client.del(cacheKeys.snapshot(scope));
      await this.client.publish(INVALIDATION_CHANNEL, scope);
    } catch (err) {
      this.onError(err);
    }
  }

  onInvalidate(listener: (scope: string) => void): void {
    this.listeners.push(listener);
  }
}
