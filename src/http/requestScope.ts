import { AsyncLocalStorage } from 'node:async_hooks';

/** How many upstream retries one GraphQL request may still spend, across every source. */
export class RetryBudget {
  constructor(private remaining: number) {}

  take(): boolean {
    if (this.remaining <= 0) return false;
    this.remaining--;
    return true;
  }
}

/**
 * The GraphQL request an upstream call belongs to, without threading it through every loader:
 * set once per HTTP request, read by the transport. A query cannot turn an outage into a retry
 * storm because its retries come out of one budget.
 */
export interface RequestScope {
  retryBudget: RetryBudget;
  requestId: string;
  /** W3C trace id (32 hex): from the caller's `traceparent`, or new. */
  traceId: string;
  /** W3C trace flags of the caller (01: sampled). */
  traceFlags: string;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** Reads a W3C `traceparent` header; a malformed or all-zero one is ignored (a new trace starts). */
export function parseTraceparent(header: string | undefined): { traceId: string; flags: string } | null {
  const match = header ? TRACEPARENT.exec(header.trim().toLowerCase()) : null;
  if (!match || /^0+$/.test(match[1]) || /^0+$/.test(match[2])) return null;
  return { traceId: match[1], flags: match[3] };
}
