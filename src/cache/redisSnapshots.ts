import type Redis from 'ioredis';
import { z } from 'zod';
import type { RestoreSessionModel } from '../model';
import type { SharedSnapshots } from '../listing/snapshots';
import { cacheKeys, INVALIDATION_CHANNEL } from './cacheKeys';
import type { RedisGate } from './redisGate';
import { restoreSessionShape } from './redisMessages';

const snapshotShape = z.object({ loadedAt: z.number(), sessions: z.array(restoreSessionShape) });
const scopeShape = z.string().min(1).max(200);

/**
 * Session-list snapshots in Redis, so replicas share one upstream load per TTL, plus a pub/sub
 * channel on which a replica that wrote upstream tells the others to drop their copies. What is
 * read back is checked: a malformed entry or message is dropped with a warning, never trusted.
 */
export class RedisSnapshots implements SharedSnapshots {
  private readonly listeners: Array<(scope: string) => void> = [];

  constructor(
    private readonly client: Redis,
    subscriber: Redis,
    private readonly gate: RedisGate,
    private readonly onBadMessage: (what: string) => void,
  ) {
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== INVALIDATION_CHANNEL) return;
      const scope = scopeShape.safeParse(message);
      if (!scope.success) return this.onBadMessage(`invalidation message on ${INVALIDATION_CHANNEL}`);
      for (const listener of this.listeners) listener(scope.data);
    });
    void gate.run(() => subscriber.subscribe(INVALIDATION_CHANNEL), 0);
  }

  async read(scope: string): Promise<{ loadedAt: number; sessions: RestoreSessionModel[] } | undefined> {
    const text = await this.gate.run(() => this.client.get(cacheKeys.snapshot(scope)), null);
    if (!text) return undefined;
    try {
      const parsed = snapshotShape.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data as unknown as { loadedAt: number; sessions: RestoreSessionModel[] };
    } catch {
      // reported below
    }
    this.onBadMessage(`snapshot ${cacheKeys.snapshot(scope)}`);
    return undefined;
  }

  async write(scope: string, snapshot: { loadedAt: number; sessions: readonly RestoreSessionModel[] }, ttlMs: number): Promise<void> {
    if (ttlMs <= 0) return;
    await this.gate.run(() => this.client.set(cacheKeys.snapshot(scope), JSON.stringify({ loadedAt: snapshot.loadedAt, sessions: snapshot.sessions }), 'PX', Math.ceil(ttlMs)), null);
  }

  async invalidate(scope: string): Promise<void> {
    await this.gate.run(async () => {
      await this.client.del(cacheKeys.snapshot(scope));
      await this.client.publish(INVALIDATION_CHANNEL, scope);
    }, undefined);
  }

  onInvalidate(listener: (scope: string) => void): void {
    this.listeners.push(listener);
  }
}
