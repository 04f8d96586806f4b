import { upstreamError } from '../../src/errors';
import { CircuitBreaker, type CircuitState } from '../../src/http/circuitBreaker';
import { ManualClock } from '../support/manualClock';

const source = { id: 'vbo-eu', vendor: 'VEEAM' as const };

describe('circuit breaker', () => {
  const make = () => {
    const clock = new ManualClock();
    const states: CircuitState[] = [];
    const breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 10_000 }, clock, (s) => states.push(s));
    return { clock, states, breaker };
  };

  it('opens after the threshold of consecutive failures and fails fast with the opening code', () => {
    const { breaker, states } = make();
    for (let i = 0; i < 2; i++) breaker.failure(upstreamError.unavailable(source, 'refused the connection'));
    expect(breaker.state).toBe('closed');
    breaker.success(); // a success resets the count
    for (let i = 0; i < 3; i++) breaker.failure(upstreamError.throttled(source, 2));
    expect(breaker.state).toBe('open');
    expect(states).toEqual(['closed', 'open']);
    expect(() => breaker.admit()).toThrow(expect.objectContaining({ code: 'UPSTREAM_THROTTLED', message: expect.stringMatching(/not calling it for 10 s/) }));
    try {
      breaker.admit();
    } catch (err) {
      // Retry-After is stretched to when the circuit lets a call through again.
      expect((err as { details: { retryAfterSeconds: number } }).details.retryAfterSeconds).toBe(10);
    }
  });

  it('lets exactly one probe through after openMs: an answer closes it, a failure opens it again', async () => {
    const { breaker, clock } = make();
    for (let i = 0; i < 3; i++) breaker.failure(upstreamError.unavailable(source, 'answered HTTP 503', 503));
    await clock.advance(9_999);
    expect(() => breaker.admit()).toThrow();
    await clock.advance(1);
    expect(breaker.state).toBe('halfOpen');
    expect(() => breaker.admit()).not.toThrow(); // the probe
    expect(() => breaker.admit()).toThrow(); // no second probe while it is out
    breaker.failure(upstreamError.unavailable(source, 'answered HTTP 503', 503));
    expect(breaker.state).toBe('open');
    await clock.advance(10_000);
    breaker.admit();
    breaker.success();
    expect(breaker.state).toBe('closed');
    expect(() => breaker.admit()).not.toThrow();
  });
});
