import type { Clock } from '../clock';

/**
 * Keeps a sick Redis off the request path. Every Redis operation goes through `run`: after a
 * failure (an error, or a command that timed out because Redis hangs) the gate stays shut for
 * `cooldownMs`, and operations answer their fallback at once instead of each waiting for its own
 * timeout; then one operation tries again. The gateway answers from the upstreams meanwhile.
 */
export class RedisGate {
  private shutUntil = 0;

  constructor(
    private readonly clock: Clock,
    private readonly onError: (err: unknown) => void,
    private readonly cooldownMs = 5_000,
  ) {}

  get open(): boolean {
    return this.clock.now() >= this.shutUntil;
  }

  async run<T>(operation: () => Promise<T>, fallback: T): Promise<T> {
    if (!this.open) return fallback;
    try {
      return await operation();
    } catch (err) {
      this.shutUntil = this.clock.now() + this.cooldownMs;
      this.onError(err);
      return fallback;
    }
  }
}
