import type { SourceHealthValue, VendorValue } from '../model';
import type { GatewayMetrics } from '../metrics';

const WINDOW = 20;
const DOWN_AFTER_CONSECUTIVE_FAILURES = 3;

/**
 * A source's health from the outcomes of its recent upstream calls: DOWN when the last call could
 * not reach the upstream or was refused entry (after its retries), or after repeated failures;
 * DEGRADED while failures (throttling included) remain in the recent window; UP otherwise.
 */
export class SourceHealthTracker {
  private outcomes: boolean[] = [];
  private consecutiveFailures = 0;
  private lastCallDown = false;
  private lastErrorText: string | null = null;
  private circuitOpen: () => boolean = () => false;

  constructor(
    private readonly sourceId: string,
    private readonly vendor: VendorValue,
    private readonly metrics: GatewayMetrics,
  ) {
    this.publish();
  }

  /** An open circuit means the source is DOWN, whatever the last call said. */
  watchCircuit(state: () => string): void {
    this.circuitOpen = () => state() === 'open';
  }

  recordSuccess(): void {
    this.push(true);
    this.consecutiveFailures = 0;
    this.lastCallDown = false;
    if (this.outcomes.every(Boolean)) this.lastErrorText = null;
    this.publish();
  }

  /** `down`: the upstream could not be reached or refused the gateway's credentials. */
  recordFailure(description: string, down: boolean): void {
    this.push(false);
    this.lastCallDown = down;
    this.consecutiveFailures++;
    this.lastErrorText = description;
    this.publish();
  }

  get health(): SourceHealthValue {
    if (this.circuitOpen() || this.lastCallDown || this.consecutiveFailures >= DOWN_AFTER_CONSECUTIVE_FAILURES) return 'DOWN';
    if (this.outcomes.some((ok) => !ok)) return 'DEGRADED';
    return 'UP';
  }

  get lastError(): string | null {
    return this.lastErrorText;
  }

  private push(ok: boolean): void {
    this.outcomes.push(ok);
    if (this.outcomes.length > WINDOW) this.outcomes.shift();
  }

  private publish(): void {
    const current = this.health;
    for (const value of ['UP', 'DEGRADED', 'DOWN'] as const) {
      this.metrics.sourceHealth.set({ source: this.sourceId, vendor: this.vendor, health: value }, value === current ? 1 : 0);
    }
  }
}
