import { encodeGlobalId } from '../../src/ids';
import { ManualClock } from '../support/manualClock';
import { startHarness, VEEAM_ROUTES, type Harness } from '../support/harness';

describe('caching across requests (in-memory)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      graph: { sessionCount: 80 },
      veeam: { sessionCount: 80 },
      veeamVersion: 'v8',
      // The entity cache under test sits below the response cache, which would answer repeats before it is asked.
      configure: (raw) => (raw.cache.responses = { enabled: false }),
    });
  });
  afterAll(() => h.close());
  beforeEach(() => h.resetCounters());

  const metric = async (cache: string, result: string) =>
    Number(new RegExp(`gateway_cache_requests_total\\{cache="${cache}",result="${result}"\\} (\\d+)`).exec((await h.http('/metrics')).text)?.[1] ?? 0);

  const EVENTS = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on VeeamRestoreSession { events(first: 1) { totalCount } } } }`;

  it('serves a terminal session’s events from the cache on the next request: a miss, then hits, one upstream read', async () => {
    const terminal = [...h.veeam.sessions.values()].find((s) => s.state === 'Stopped')!;
    const id = encodeGlobalId('vbo-eu', terminal.id);
    const [hits, misses] = [await metric('events', 'hit'), await metric('events', 'miss')];
    for (let i = 0; i < 3; i++) expect((await h.query(EVENTS, { ids: [id] })).body.data.nodes[0].events.totalCount).toBe(terminal.eventCount);
    expect(h.veeam.server.counters.count(VEEAM_ROUTES.events)).toBe(1);
    expect(await metric('events', 'miss')).toBe(misses + 1);
    expect(await metric('events', 'hit')).toBe(hits + 2);
  });

  it('keeps a running session’s parts only for the short TTL, a terminal one’s for the long one', async () => {
    const clock = new ManualClock();
    const short = await startHarness({
      clock,
      graph: { sessionCount: 30 },
      veeam: { sessionCount: 30 },
      configure: (raw) => Object.assign(raw.cache, { sessionTtlSeconds: 5, terminalSessionTtlSeconds: 60 }),
    });
    try {
      const running = [...short.veeam.sessions.values()].find((s) => s.state === 'Working')!;
      const stopped = [...short.veeam.sessions.values()].find((s) => s.state === 'Stopped')!;
      const ids = [encodeGlobalId('vbo-eu', running.id), encodeGlobalId('vbo-eu', stopped.id)];
      await short.query(EVENTS, { ids });
      short.resetCounters();
      await short.query(EVENTS, { ids });
      expect(short.veeam.server.counters.count(VEEAM_ROUTES.events)).toBe(0);
      await clock.advance(6_000); // past the 5 s TTL of a running session’s parts
      await short.query(EVENTS, { ids });
      expect(
        short.veeam.server.counters
          .requests()
          .filter((r) => r.route === VEEAM_ROUTES.events)
          .map((r) => r.url.split('?')[0]),
      ).toEqual([`/v6/RestoreSessions/${running.id}/Events`]);
    } finally {
      await short.close();
    }
  });

  it('reads the organisation list once across requests', async () => {
    const query = '{ restoreSessions(first: 60, filter: { vendors: [VEEAM] }) { nodes { ... on VeeamRestoreSession { organization { name } } } } }';
    await h.query(query);
    await h.query(query);
    await h.query(query);
    expect(h.veeam.server.counters.count(VEEAM_ROUTES.organizations)).toBeLessThanOrEqual(1);
  });

  it('invalidates on a write: the next read sees the new state, not the cached one', async () => {
    const record = h.veeam.addSession({ state: 'Working' });
    await h.refresh();
    const id = encodeGlobalId('vbo-eu', record.id);
    const read = async () =>
      (await h.query(`query($id: ID!) { node(id: $id) { ... on VeeamRestoreSession { state events { totalCount } } } }`, { id })).body.data.node;
    expect(await read()).toMatchObject({ state: 'WORKING', events: { totalCount: 1 } });
    expect((await h.query(`mutation($id: ID!) { stopRestoreSession(id: $id) { restoreSession { id } } }`, { id })).body.errors).toBeUndefined();
    expect(await read()).toMatchObject({ state: 'STOPPED', events: { totalCount: 2 } });
  });

  it('dedupes identical upstream GETs in flight across concurrent GraphQL requests', async () => {
    const fresh = [...h.veeam.sessions.values()].filter((s) => s.state === 'Stopped')[20]; // not read by any earlier test
    const id = encodeGlobalId('vbo-eu', fresh.id);
    h.veeam.server.faults.update({ latencyMs: 100, routeMatch: 'GET /{version}/RestoreSessions/{id}/Events' });
    try {
      const answers = await Promise.all(Array.from({ length: 10 }, () => h.query(EVENTS, { ids: [id] })));
      expect(answers.every((a) => a.body.data.nodes[0].events.totalCount === fresh.eventCount)).toBe(true);
      expect(h.veeam.server.counters.count(VEEAM_ROUTES.events)).toBe(1);
    } finally {
      h.veeam.server.faults.reset();
    }
  });

  it('exposes cache, breaker, token and GraphQL metrics with their labels', async () => {
    const text = (await h.http('/metrics')).text;
    for (const pattern of [
      /gateway_cache_requests_total\{cache="events",result="hit"\}/,
      /gateway_cache_requests_total\{cache="organizations",result="(hit|miss)"\}/,
      /gateway_circuit_state\{source="contoso",vendor="MICROSOFT_GRAPH"\} 0/,
      /gateway_token_renewals_total\{source="vbo-eu",vendor="VEEAM",grant="password",outcome="ok"\}/,
      /gateway_graphql_requests_total\{operation="anonymous",outcome="ok"\}/,
      /gateway_upstream_request_duration_seconds_bucket\{le="0\.005",source="vbo-eu",vendor="VEEAM",route="GET \/RestoreSessions\/\{id\}\/Events"\}/,
      /gateway_index_sessions\{source="vbo-eu"\} \d+/,
      /gateway_sync_lag_seconds\{source="contoso"\} [\d.]+/,
      /gateway_sync_reads_total\{source="vbo-eu",kind="full",outcome="ok"\} \d+/,
      /gateway_cache_requests_total\{cache="inflight",result="hit"\}/,
      /gateway_process_resident_memory_bytes \d+/,
    ]) {
      expect(text).toMatch(pattern);
    }
  });
});

describe('trace context', () => {
  it('accepts a W3C traceparent, forwards it to every upstream call with a new span id, and logs both ids', async () => {
    const h = await startHarness({ graph: { sessionCount: 5 }, veeam: { sessionCount: 5 }, configure: (raw) => (raw.logging.level = 'debug') });
    try {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const sessions = [...h.veeam.sessions.keys()].slice(0, 2).map((id) => encodeGlobalId('vbo-eu', id));
      h.resetCounters();
      const answer = await h.query(
        `query($ids: [ID!]!) { nodes(ids: $ids) { ... on VeeamRestoreSession { events { totalCount } organization { name } } } }`,
        { ids: sessions },
        { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, 'x-request-id': 'trace-test-1' },
      );
      expect(answer.body.errors).toBeUndefined();
      const calls = h.logs.filter((l) => l.msg === 'upstream call' && l.requestId === 'trace-test-1');
      expect(calls.length).toBeGreaterThanOrEqual(2);
      for (const call of calls) {
        expect(call.traceId).toBe(traceId);
        expect(call.callId).toMatch(/^[0-9a-f]{16}$/);
      }
      expect(new Set(calls.map((c) => c.callId)).size).toBe(calls.length);
      expect(h.logs.find((l) => l.msg === 'graphql request' && l.requestId === 'trace-test-1')?.traceId).toBe(traceId);
      const upstream = [...h.graph.server.counters.requests(), ...h.veeam.server.counters.requests()].filter((r) => r.traceparent);
      expect(upstream.length).toBe(calls.length);
      for (const r of upstream) expect(r.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
      expect(upstream.map((r) => r.traceparent!.split('-')[2]).sort()).toEqual(calls.map((c) => c.callId).sort());
    } finally {
      await h.close();
    }
  });
});
