/**
 * Simulated time: wall-clock time plus an offset that tests move forward, so that a restore
 * that takes minutes upstream can be observed in milliseconds.
 */
export class SimClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance takes a non-negative number of milliseconds');
    this.offsetMs += ms;
  }
}
