import type Redis from 'ioredis';
import type { RedisGate } from '../cache/redisGate';
import { changeEventShape } from '../cache/redisMessages';
import type { ChangeBus, ChangeEvent } from './changeFeed';

const CHANGES_CHANNEL = 'rsgw:v1:changes';
const leaseKey = (scope: string) => `rsgw:v1:poll-lease:${scope}`;

/**
 * Redis pub/sub carries changes to every replica; a lease (SET NX PX, renewed by its holder)
 * makes one replica at a time poll a given source. A message that is not a valid change is
 * dropped with a warning: one bad publisher cannot take every replica down.
 */
export class RedisChangeBus implements ChangeBus {
  private readonly listeners: Array<(event: ChangeEvent) => void> = [];

  constructor(
    private readonly client: Redis,
    subscriber: Redis,
    private readonly gate: RedisGate,
    private readonly onBadMessage: (what: string) => void,
  ) {
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== CHANGES_CHANNEL) return;
      let event: ChangeEvent;
      try {
        const parsed = changeEventShape.safeParse(JSON.parse(message));
        if (!parsed.success) return this.onBadMessage(`change message on ${CHANGES_CHANNEL}`);
        event = parsed.data as unknown as ChangeEvent;
      } catch {
        return this.onBadMessage(`change message on ${CHANGES_CHANNEL} (not JSON)`);
      }
      for (const listener of this.listeners) listener(event);
    });
    void gate.run(() => subscriber.subscribe(CHANGES_CHANNEL), 0);
  }

  async publish(event: ChangeEvent): Promise<boolean> {
    return this.gate.run(async () => {
      await this.client.publish(CHANGES_CHANNEL, JSON.stringify(event));
      return true;
    }, false);
  }

  onEvent(listener: (event: ChangeEvent) => void): void {
    this.listeners.push(listener);
  }

  // Without Redis no replica can coordinate: poll here rather than leave subscribers without news.
  async holdLease(scope: string, holder: string, ttlMs: number): Promise<boolean> {
    return this.gate.run(async () => {
      const key = leaseKey(scope);
      if ((await this.client.set(key, holder, 'PX', ttlMs, 'NX')) === 'OK') return true;
      if ((await this.client.get(key)) !== holder) return false;
      await this.client.pexpire(key, ttlMs);
      return true;
    }, true);
  }

  async releaseLease(scope: string, holder: string): Promise<void> {
    await this.gate.run(async () => {
      const key = leaseKey(scope);
      if ((await this.client.get(key)) === holder) await this.client.del(key);
    }, undefined);
  }
}
