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
export const requestScope = new AsyncLocalStorage<{ retryBudget: RetryBudget }>();

export function takeRetry(): boolean {
  const scope = requestScope.getStore();
  return scope ? scope.retryBudget.take() : true;
}
