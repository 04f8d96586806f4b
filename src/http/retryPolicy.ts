import type { Clock } from '../clock';
import type { RetryBudget } from './requestScope';

export interface RetryPolicyOptions {
  /** Retries of one idempotent call. */
  maxRetries: number;
  /** The longest Retry-After waited out; a longer one is answered at once (UPSTREAM_THROTTLED). */
  maxRetryAfterSeconds: number;
}

/** Statuses worth trying again: throttled, or the upstream failing. */
export const RETRYABLE_STATUS = (status: number) => status === 429 || status >= 500;

/** Certificate verification errors fail the same way next time (UNABLE_TO_VERIFY_LEAF_SIGNATURE, CERT_HAS_EXPIRED, ...). */
export function isTlsVerificationError(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return typeof code === 'string' && /CERT|SELF_SIGNED|VERIFY|ISSUER|SIGNATURE|TLS|SSL/.test(code);
}

/**
 * When to try an upstream call again, and how long to wait first: the one policy for whole calls
 * (through undici's retry interceptor) and for single items of a Graph `$batch`. Only idempotent
 * calls, at most `maxRetries` times, each retry also paid from the request's budget (so one query
 * cannot turn an outage into a storm); Retry-After is honoured up to the cap, otherwise
 * exponential backoff with full jitter (replicas retrying together spread out); waits run on the
 * injected clock.
 */
export class RetryPolicy {
  constructor(
    private readonly options: RetryPolicyOptions,
    private readonly clock: Clock,
  ) {}

  /**
   * How long to wait before attempt `attempt + 1` (attempt counts from 1), or null to stop now.
   * `retryAfterSeconds` is what the upstream asked for, when it did.
   */
  delayMs(attempt: number, retryAfterSeconds: number | null, budget: RetryBudget | undefined): number | null {
    if (attempt > this.options.maxRetries) return null;
    if (retryAfterSeconds !== null && retryAfterSeconds > this.options.maxRetryAfterSeconds) return null;
    if (budget && !budget.take()) return null;
    return retryAfterSeconds !== null ? retryAfterSeconds * 1000 : Math.random() * Math.min(2000, 100 * 2 ** attempt);
  }

  wait(ms: number, signal?: AbortSignal): Promise<void> {
    return this.clock.sleep(ms, signal);
  }
}
