import { startHarness, GRAPH_ROUTES, VEEAM_ROUTES, type GraphQLAnswer, type Harness } from '../support/harness';

const LIST = '{ restoreSessions(first: 500) { totalCount nodes { vendor } } }';

/**
 * The background reads rest (long intervals): each test makes the index read its sources once,
 * now, and counts what that read cost the upstream.
 */
const RESTING = (raw: Record<string, any>) => {
  raw.cache.listTtlSeconds = 3600;
  raw.sync = { liveIntervalSeconds: 600, reconcileIntervalSeconds: 86_400 };
};

/** One read of every source by the index, then the list as a query sees it. */
async function readThenList(h: Harness): Promise<GraphQLAnswer> {
  await h.refresh();
  return h.query(LIST);
}

/** A gateway tuned for fault tests: short timeouts, 2 retries, a breaker that opens after 3 failures for 1 s. */
async function faultHarness(): Promise<Harness> {
  return startHarness({
    graph: { sessionCount: 30 },
    veeam: { sessionCount: 40, tls: false },
    configure: (raw) => {
      RESTING(raw);
      for (const source of raw.sources) {
        // undici checks header and body timeouts on a coarse timer (about 0.5 s); the total leaves room for that.
        source.timeouts = { headersMs: 300, bodyMs: 300, totalMs: 3000 };
        source.retries = { max: 2, maxRetryAfterSeconds: 1 };
        source.circuitBreaker = { failureThreshold: 3, openSeconds: 1 };
      }
    },
  });
}

/** Upstream attempts the gateway made for a source, from its own metrics (down upstreams count nothing themselves). */
async function attempts(h: Harness, source: string): Promise<number> {
  const text = (await h.http('/metrics')).text;
  return text
    .split('\n')
    .filter((line) => line.startsWith(`gateway_upstream_requests_total{source="${source}"`))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

type Expectation = { code: string; message?: RegExp; extensions?: Record<string, unknown> };

/** The failed source is named once; the other source's 40 (or 30) sessions are all there. */
function expectPartial(answer: GraphQLAnswer, failed: 'contoso' | 'vbo-eu', expected: Expectation): void {
  expect(answer.status).toBe(200);
  const other = failed === 'contoso' ? { vendor: 'VEEAM', count: 40 } : { vendor: 'MICROSOFT_GRAPH', count: 30 };
  expect(answer.body.data.restoreSessions.totalCount).toBe(other.count);
  expect(answer.body.data.restoreSessions.nodes.every((n: { vendor: string }) => n.vendor === other.vendor)).toBe(true);
  expect(answer.body.errors).toHaveLength(1);
  const error = answer.body.errors![0];
  expect(error.extensions).toMatchObject({ code: expected.code, sourceId: failed, ...expected.extensions });
  if (expected.message) expect(error.message).toMatch(expected.message);
}

async function expectRecovered(h: Harness): Promise<void> {
  h.graph.server.faults.reset();
  h.veeam.server.faults.reset();
  // Past the breaker's open time, the half-open probe succeeds and full answers return.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const answer = await readThenList(h);
  expect(answer.body.errors).toBeUndefined();
  expect(answer.body.data.restoreSessions.totalCount).toBe(70);
}

describe('fault injection: every fault yields a contract error for its source only, bounded calls, and recovery', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await faultHarness();
    expect((await h.query(LIST)).body.errors).toBeUndefined(); // tokens in hand, breaker closed
    h.resetCounters();
  });
  afterEach(() => h.close());

  it('upstream down: UPSTREAM_UNAVAILABLE; the breaker opens after 3 failed reads and then fails fast', async () => {
    h.graph.server.faults.update({ down: true });
    const before = await attempts(h, 'contoso');
    for (let i = 0; i < 6; i++) expectPartial(await readThenList(h), 'contoso', { code: 'UPSTREAM_UNAVAILABLE', message: /contoso/ });
    const made = (await attempts(h, 'contoso')) - before;
    expect(made).toBeLessThanOrEqual(3 * 3); // three reads of 1 try + 2 retries, then none
    expect(made).toBeGreaterThanOrEqual(3);
    const sources = await h.query('{ sources { id health } }');
    expect(sources.body.data.sources).toContainEqual({ id: 'contoso', health: 'DOWN' });
    expect((await h.http('/metrics')).text).toContain('gateway_circuit_state{source="contoso",vendor="MICROSOFT_GRAPH"} 2');
    await expectRecovered(h);
  });

  it('slow upstream past the first-byte timeout: UPSTREAM_UNAVAILABLE naming the timeout', async () => {
    h.veeam.server.faults.update({ latencyMs: 1500 });
    expectPartial(await readThenList(h), 'vbo-eu', { code: 'UPSTREAM_UNAVAILABLE', message: /did not start answering within 300 ms/ });
    expect(h.veeam.server.counters.count(VEEAM_ROUTES.list)).toBeLessThanOrEqual(3);
    await expectRecovered(h);
  });

  it('slow body past the body timeout: UPSTREAM_UNAVAILABLE', async () => {
    h.veeam.server.faults.update({ slowBodyMs: 5000 });
    expectPartial(await readThenList(h), 'vbo-eu', { code: 'UPSTREAM_UNAVAILABLE' });
    await expectRecovered(h);
  });

  it('429 storm with a short fractional Retry-After: retried twice, then UPSTREAM_THROTTLED with retryAfterSeconds', async () => {
    h.graph.server.faults.update({ throttleCount: 1000, retryAfter: '0.15' });
    expectPartial(await readThenList(h), 'contoso', { code: 'UPSTREAM_THROTTLED', extensions: { vendor: 'MICROSOFT_GRAPH', retryAfterSeconds: 0.15 } });
    expect(h.graph.server.counters.count(GRAPH_ROUTES.list)).toBe(3);
    await expectRecovered(h);
  });

  it('429 with a Retry-After beyond the cap (seconds or an HTTP date): not waited out, answered at once', async () => {
    h.graph.server.faults.update({ throttleCount: 1000, retryAfter: '30' });
    expectPartial(await readThenList(h), 'contoso', { code: 'UPSTREAM_THROTTLED', extensions: { retryAfterSeconds: 30 } });
    expect(h.graph.server.counters.count(GRAPH_ROUTES.list)).toBe(1);
    h.graph.server.faults.update({ retryAfter: new Date(Date.now() + 120_000).toUTCString() });
    const dated = await readThenList(h);
    expect(dated.body.errors![0].extensions!.retryAfterSeconds).toBeGreaterThan(100);
    await expectRecovered(h);
  });

  it('intermittent 5xx: retries absorb most failures, never more than 3 calls a read', async () => {
    h.veeam.server.faults.update({ errorRate: 0.4 });
    let full = 0;
    for (let i = 0; i < 10; i++) {
      const before = h.veeam.server.counters.count(VEEAM_ROUTES.list);
      const answer = await readThenList(h);
      expect(h.veeam.server.counters.count(VEEAM_ROUTES.list) - before).toBeLessThanOrEqual(3);
      if (!answer.body.errors) full++;
      else expectPartial(answer, 'vbo-eu', { code: 'UPSTREAM_UNAVAILABLE', extensions: { upstreamStatus: 503 } });
    }
    expect(full).toBeGreaterThanOrEqual(7);
  });

  it.each([
    ['malformed JSON', { malformedJson: true }, /malformed JSON/],
    ['a truncated body', { truncateBody: true }, /truncated|dropped|reached/],
    ['a wrong content type', { contentTypeOverride: 'text/html; charset=utf-8' }, /content type 'text\/html'/],
    ['a 50 MB body', { padBodyBytes: 50_000_000 }, /larger than 33554432 bytes/],
  ])('%s: UPSTREAM_UNAVAILABLE for that source, no crash, next request served', async (_name, fault, message) => {
    h.graph.server.faults.update({ ...fault, routeMatch: 'restoreSessions' });
    expectPartial(await readThenList(h), 'contoso', { code: 'UPSTREAM_UNAVAILABLE', message });
    expect(h.graph.server.counters.count(GRAPH_ROUTES.list)).toBeLessThanOrEqual(3);
    await expectRecovered(h);
  });

  it('token endpoint down: UPSTREAM_UNAVAILABLE for that source when its token must be renewed', async () => {
    h.veeam.expireTokens();
    h.veeam.server.faults.update({ errorRate: 1, routeMatch: '/token' });
    expectPartial(await readThenList(h), 'vbo-eu', { code: 'UPSTREAM_UNAVAILABLE' });
    expect(h.veeam.server.counters.count(VEEAM_ROUTES.token)).toBeLessThanOrEqual(4);
    await expectRecovered(h);
  });
});

describe('fault injection: upstream credentials', () => {
  it('a 401 on every API call: one renewal and one retry, then UPSTREAM_AUTH_FAILED', async () => {
    // Tokens that are already expired when issued: every API call answers 401.
    const h = await startHarness({ graph: { sessionCount: 30, tokenLifetimeSeconds: 0 }, veeam: { sessionCount: 40, tls: false }, configure: RESTING });
    try {
      expectPartial(await readThenList(h), 'contoso', { code: 'UPSTREAM_AUTH_FAILED', extensions: { vendor: 'MICROSOFT_GRAPH' } });
      // The first read left a token cached: this read's first call uses it, is refused, renews once and retries once.
      expect(h.graph.server.counters.count(GRAPH_ROUTES.token)).toBe(1);
      expect(h.graph.server.counters.count(GRAPH_ROUTES.list)).toBe(2);
    } finally {
      await h.close();
    }
  });

  it('refused gateway credentials open the breaker: no token storm, and the same code while open', async () => {
    const h = await startHarness({
      graph: { sessionCount: 30 },
      veeam: { sessionCount: 40, tls: false },
      configure: (raw) => {
        RESTING(raw);
        raw.sources[1].auth.password = 'not-the-password';
        raw.sources[1].circuitBreaker = { failureThreshold: 3, openSeconds: 60 };
      },
    });
    try {
      for (let i = 0; i < 8; i++) expectPartial(await readThenList(h), 'vbo-eu', { code: 'UPSTREAM_AUTH_FAILED' });
      // Three refused logins open the circuit: the first read made the first, two reads the others.
      expect(h.veeam.server.counters.count(VEEAM_ROUTES.token)).toBe(2);
      expect(h.veeam.server.counters.count(VEEAM_ROUTES.list)).toBe(0);
    } finally {
      await h.close();
    }
  });
});
