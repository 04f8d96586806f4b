import type { RetryBudget } from './requestScope';

/**
 * What one upstream call carries through the dispatcher's interceptors (undici passes extra
 * dispatch options through): its name for metrics, whether it may be retried and from which
 * budget, and the caller's trace.
 */
export interface CallContext {
  /** Low-cardinality name, e.g. `GET /RestoreSessions/{id}`. */
  route: string;
  idempotent: boolean;
  /** The GraphQL request's retry budget (absent for background work: only the policy's maximum applies). */
  retryBudget?: RetryBudget;
  trace?: { traceId: string; flags: string; requestId: string };
  signal?: AbortSignal;
  /** A long poll's own wait: each attempt's deadline stretches by it. */
  longPollMs?: number;
}

/** Reads the call context from dispatch options. */
export function callContextOf(opts: object): CallContext | undefined {
  return (opts as { gateway?: CallContext }).gateway;
}
