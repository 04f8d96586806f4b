import type { Clock } from '../clock';

/**
 * Lets at most `max` lines of one kind through per window, so a flood (an attacker's 401s, an
 * outage's failures) cannot flood the log; the next line after a window says how many were held back.
 */
export class LogThrottle {
  private windowStart = 0;
  private count = 0;
  private suppressed = 0;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {}

  /** Null: drop this line. Otherwise log it, with `suppressed` when lines were held back before it. */
  admit(): { suppressed?: number } | null {
    const now = this.clock.now();
    let held: number | undefined;
    if (now - this.windowStart >= this.windowMs) {
      held = this.suppressed > 0 ? this.suppressed : undefined;
      this.windowStart = now;
      this.count = 0;
      this.suppressed = 0;
    }
    if (++this.count > this.max) {
      this.suppressed++;
      return null;
    }
    return held !== undefined ? { suppressed: held } : {};
  }
}
