import type Redis from 'ioredis';
import type { ChangeBus, ChangeEvent } from './changeFeed';

const CHANGES_CHANNEL = 'rsgw:v1:changes';
const leaseKey = (scope: string) => `rsgw:v1:poll-lease:${scope}`;

/**
 * Redis pub/sub carries changes to every replica; a lease (SET NX PX, renewed by its holder)
 * makes one replica at a time poll a given source.
 */
export class RedisChangeBus implements ChangeBus {
  private readonly listeners: Array<(event: ChangeEvent) => void> = [];

  constructor(
    private readonly client: Redis,
    subscriber: Redis,
    private readonly onError: (err: unknown) => void,
  ) {
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== CHANGES_CHANNEL) return;
      const event = JSON.parse(message) as ChangeEvent;
      for (const listener of this.listeners) listener(event);
    });
    subscriber.subscribe(CHANGES_CHANNEL).catch(onError);
  }

  async publish(event: ChangeEvent): Promise<boolean> {
    try {
      await this.client.publish(CHANGES_CHANNEL, JSON.stringify(event));
      return true;
    } catch (err) {
      this.onError(err);
      return false;
    }
  }

  onEvent(listener: (event: ChangeEvent) => void): void {
    this.listeners.push(listener);
  }

  async holdLease(scope: string, holder: string, ttlMs: number): Promise<boolean> {
    try {
      const key = leaseKey(scope);
      if ((await this.client.set(key, holder, 'PX', ttlMs, 'NX')) === 'OK') return true;
      if ((await this.client.get(key)) !== holder) return false;
      await this.client.pexpire(key, ttlMs);
      return true;
    } catch (err) {
      // Without Redis no replica can coordinate: poll here rather than leave subscribers without news.
      this.onError(err);
      return true;
    }
  }

  async releaseLease(scope: string, holder: string): Promise<void> {
    try {
      const key = leaseKey(scope);
      if ((await this.client.get(key)) === holder) await this.client.del(key);
    } catch (err) {
      this.onError(err);
    }
  }
}
