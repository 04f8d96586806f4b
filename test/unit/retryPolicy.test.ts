import { RetryBudget } from '../../src/http/requestScope';
import { RetryPolicy } from '../../src/http/retryPolicy';
import { ManualClock } from '../support/manualClock';

describe('retry policy', () => {
  const policy = new RetryPolicy({ maxRetries: 2, maxRetryAfterSeconds: 5 }, new ManualClock());

  it('retries at most maxRetries times, with jittered exponential backoff', () => {
    for (let attempt = 1; attempt <= 2; attempt++) {
      const delay = policy.delayMs(attempt, null, undefined) as number;
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(Math.min(2000, 100 * 2 ** attempt));
    }
    expect(policy.delayMs(3, null, undefined)).toBeNull();
  });

  it('waits out a Retry-After up to the cap, and not at all beyond it', () => {
    expect(policy.delayMs(1, 2.128, undefined)).toBe(2128);
    expect(policy.delayMs(1, 5, undefined)).toBe(5000);
    expect(policy.delayMs(1, 30, undefined)).toBeNull();
  });

  it('takes every retry from the request’s budget: an exhausted budget stops retries across sources', () => {
    const budget = new RetryBudget(2);
    expect(policy.delayMs(1, null, budget)).not.toBeNull();
    expect(policy.delayMs(1, null, budget)).not.toBeNull();
    expect(policy.delayMs(1, null, budget)).toBeNull();
  });
});
