/** What one churn event did, by session id. */
export interface ChurnStepResult {
  /** Sessions that appeared. */
  added: string[];
  /** Sessions moved on (Graph: drafts activated; Veeam: Working sessions stopped). */
  advanced: string[];
  /** Old terminal sessions removed to keep the total stable. */
  removed: string[];
}

/**
 * Session churn of a simulated upstream: new sessions appear, run, finish, and old terminal ones
 * are removed, so the total stays roughly where it started. `step()` performs one churn event
 * (tests drive it directly; it is deterministic under the simulator's seed for the same sequence
 * of calls). `start(ratePerMinute)` performs `ratePerMinute` events per wall-clock minute on an
 * unref'd timer, so a running churn never keeps the process alive; `stop()` (and the simulator's
 * `close()`) ends it.
 *
 * The vendor part decides what an event does; see `msgraph/churn.ts` and `veeam/churn.ts`.
 */
export class Churn {
  private timer: NodeJS.Timeout | null = null;
  private ratePerMinute = 0;
  private steps = 0;

  constructor(private readonly event: (stepNumber: number) => ChurnStepResult) {}

  /** One churn event, now. */
  step(): ChurnStepResult {
    this.steps += 1;
    return this.event(this.steps);
  }

  /** Events performed so far (by step() and by the timer). */
  get stepCount(): number {
    return this.steps;
  }

  /** The current rate in events per minute; 0 when stopped. */
  get rate(): number {
    return this.ratePerMinute;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  /** Starts (or re-times) the timer: `ratePerMinute` events per wall-clock minute; 0 stops. */
  start(ratePerMinute: number): void {
    if (!Number.isFinite(ratePerMinute) || ratePerMinute < 0) throw new RangeError('churn rate must be a non-negative number of events per minute');
    this.stop();
    if (ratePerMinute === 0) return;
    this.ratePerMinute = ratePerMinute;
    this.timer = setInterval(
      () => {
        try {
          this.step();
        } catch {
          // A failed event (e.g. nothing left to remove) must not take the simulator down.
        }
      },
      Math.max(10, Math.round(60_000 / ratePerMinute)),
    );
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.ratePerMinute = 0;
  }
}
