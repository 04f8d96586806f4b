import type { Clock } from '../clock';
import { upstreamError, type UpstreamError } from '../errors';

export type CircuitState = 'closed' | 'open' | 'halfOpen';

export interface CircuitBreakerOptions {
  /** Consecutive failed calls (after their retries) that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit fails fast before one probe call is let through. */
  openMs: number;
}

/**
 * One per source. Closed: calls pass. Open: calls fail at once with the code of the failures
 * that opened it, so an outage costs the upstream nothing. After `openMs`, one probe passes
 * (half-open): any answer from the upstream closes the circuit, a failure opens it again. Every
 * admitted call reports exactly one outcome, so a probe can never leave the circuit half-open.
 */
export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private openingError: UpstreamError | null = null;
  private probeInFlight = false;

  constructor(
    private readonly options: CircuitBreakerOptions,
    private readonly clock: Clock,
    private readonly onChange: (state: CircuitState) => void,
  ) {
    onChange('closed');
  }

  get state(): CircuitState {
    if (this.current === 'open' && this.clock.now() - this.openedAt >= this.options.openMs) return 'halfOpen';
    return this.current;
  }

  /** Throws when the call may not go out; otherwise the call is on its way (maybe as the probe). */
  admit(): void {
    if (this.current === 'closed') return;
    const now = this.clock.now();
    if (this.current === 'open' && now - this.openedAt >= this.options.openMs) {
      this.set('halfOpen');
      this.probeInFlight = false;
    }
    if (this.current === 'halfOpen' && !this.probeInFlight) {
      this.probeInFlight = true;
      return;
    }
    throw this.fastFailure(now);
  }

  /** The upstream answered (whatever the status): it is there. */
  success(): void {
    this.failures = 0;
    this.probeInFlight = false;
    this.openingError = null;
    if (this.current !== 'closed') this.set('closed');
  }

  failure(error: UpstreamError): void {
    this.failures++;
    this.probeInFlight = false;
    if (this.current === 'halfOpen' || this.failures >= this.options.failureThreshold) {
      this.openedAt = this.clock.now();
      this.openingError = error;
      if (this.current !== 'open') this.set('open');
    }
  }

  private fastFailure(now: number): UpstreamError {
    return upstreamError.circuitOpen(this.openingError as UpstreamError, Math.ceil(Math.max(0, (this.openedAt + this.options.openMs - now) / 1000)));
  }

  private set(state: CircuitState): void {
    this.current = state;
    this.onChange(state);
  }
}
