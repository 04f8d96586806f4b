import { encodeGlobalId } from '../../src/ids';
import { startHarness, startHarnessGateway, VEEAM_ROUTES, type Harness } from '../support/harness';
import { ManualClock } from '../support/manualClock';
import { describeWithRedis, REDIS_URL } from '../support/redis';

const DASHBOARD = `query Dashboard($first: Int!) {
  restoreSessions(first: $first, filter: { statuses: [RUNNING, FAILED, COMPLETED] }) {
    totalCount pageInfo { endCursor hasNextPage }
    nodes { id vendor status workload createdAt initiatedBy source { id name } ... on VeeamRestoreSession { name state result } }
  }
  restoreSessionStats { total byStatus { status count } bySource { source { id } count } }
}`;

async function resultsOf(h: Harness): Promise<Record<string, number>> {
  const text = (await h.http('/metrics')).text;
  const counts: Record<string, number> = {};
  for (const m of text.matchAll(/^gateway_response_cache_requests_total\{result="(\w+)"\} (\d+)/gm)) counts[m[1]] = Number(m[2]);
  return counts;
}

const upstreamCalls = (h: Harness) => h.graph.server.counters.total() + h.veeam.server.counters.total();

describe('the response cache', () => {
  let h: Harness;
  const clock = new ManualClock();

  beforeAll(async () => {
    h = await startHarness({
      clock,
      graph: { sessionCount: 40 },
      veeam: { sessionCount: 40 },
      configure: (raw) => {
        raw.auth = {
          mode: 'apiKey',
          apiKeys: [
            { key: 'reader-one-key-0123456789', role: 'reader' },
            { key: 'reader-two-key-0123456789', role: 'reader' },
            { key: 'operator-key-0123456789ab', role: 'operator' },
          ],
        };
      },
    });
  });
  afterAll(() => h.close());

  const asReader = { 'x-api-key': 'reader-one-key-0123456789' };

  it('answers a repeated query with the same bytes, without computing it, until the index changes; then computes it at once', async () => {
    const before = await resultsOf(h);
    const first = await h.query(DASHBOARD, { first: 20 }, asReader);
    expect(first.body.errors).toBeUndefined();
    const second = await h.query(DASHBOARD, { first: 20 }, asReader);
    const third = await h.query(DASHBOARD, { first: 20 }, asReader);
    expect(second.text).toBe(first.text);
    expect(third.text).toBe(first.text);
    let after = await resultsOf(h);
    expect((after.miss ?? 0) - (before.miss ?? 0)).toBe(1);
    expect((after.hit ?? 0) - (before.hit ?? 0)).toBe(2);

    // A session fails upstream; once the index has it, the very next answer is new.
    const record = h.veeam.addSession({ state: 'Stopped', result: 'Failed' });
    await h.refresh();
    const changed = await h.query(DASHBOARD, { first: 20 }, asReader);
    expect(changed.text).not.toBe(first.text);
    expect(changed.body.data.restoreSessions.totalCount).toBe(first.body.data.restoreSessions.totalCount + 1);
    expect(changed.body.data.restoreSessions.nodes.map((n: { id: string }) => n.id)).toContain(encodeGlobalId('vbo-eu', record.id));
    after = await resultsOf(h);
    expect((after.hit ?? 0) - (before.hit ?? 0)).toBe(2);
    expect((after.miss ?? 0) - (before.miss ?? 0)).toBe(2);
    expect(await h.query(DASHBOARD, { first: 20 }, asReader)).toMatchObject({ text: changed.text });
  });

  it('keys answers by role: another reader shares them, an operator gets its own', async () => {
    await h.query(DASHBOARD, { first: 7 }, asReader);
    const before = await resultsOf(h);
    const otherReader = await h.query(DASHBOARD, { first: 7 }, { 'x-api-key': 'reader-two-key-0123456789' });
    const operator = await h.query(DASHBOARD, { first: 7 }, { 'x-api-key': 'operator-key-0123456789ab' });
    const after = await resultsOf(h);
    expect(otherReader.body.errors).toBeUndefined();
    expect(operator.body.errors).toBeUndefined();
    expect((after.hit ?? 0) - (before.hit ?? 0)).toBe(1);
    expect((after.miss ?? 0) - (before.miss ?? 0)).toBe(1);
    // Other variables, another answer.
    const other = await h.query(DASHBOARD, { first: 8 }, asReader);
    expect(other.body.data.restoreSessions.nodes).toHaveLength(8);
  });

  it('never keeps an answer with errors, nor one with fields that do not come from the index or the entity cache', async () => {
    const before = await resultsOf(h);
    for (let i = 0; i < 2; i++) {
      const malformed = await h.query('{ restoreSession(id: "not-a-global-id") { id } }', {}, asReader);
      expect(malformed.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      const health = await h.query('{ sources { id health sync { lagSeconds } } }', {}, asReader);
      expect(health.body.errors).toBeUndefined();
    }
    const after = await resultsOf(h);
    expect((after.hit ?? 0) - (before.hit ?? 0)).toBe(0);
    expect((after.uncacheable ?? 0) - (before.uncacheable ?? 0)).toBe(4);
  });

  it('keeps an answer that used entity-cache data (a session’s events) only as long as that data, by the clock', async () => {
    const running = h.veeam.addSession({ state: 'Working' });
    await h.refresh();
    const query = `query Log($id: ID!) { restoreSession(id: $id) { id status ... on VeeamRestoreSession { events(first: 5) { totalCount nodes { title } } } } }`;
    const variables = { id: encodeGlobalId('vbo-eu', running.id) };
    h.resetCounters();
    const first = await h.query(query, variables, asReader);
    expect(first.body.errors).toBeUndefined();
    expect(await h.query(query, variables, asReader)).toMatchObject({ text: first.text });
    expect(h.veeam.server.counters.count(VEEAM_ROUTES.events)).toBe(1);
    // A running session's events are kept for the short TTL (5 s): past it, read again.
    await clock.advance(5_001);
    await h.query(query, variables, asReader);
    expect(h.veeam.server.counters.count(VEEAM_ROUTES.events)).toBe(2);
  });

  it('answers a GET with an ETag and Cache-Control, and a matching If-None-Match with 304 and no body', async () => {
    const url = `/graphql?query=${encodeURIComponent('{ restoreSessions(first: 3) { nodes { id status } } }')}`;
    const headers = { ...asReader, accept: 'application/json', 'apollo-require-preflight': 'true' };
    const computed = await h.http(url, { headers });
    expect(computed.status).toBe(200);
    expect(computed.headers.etag).toMatch(/^"[\w-]+"$/);
    expect(computed.headers['cache-control']).toBe('private, no-cache');
    const again = await h.http(url, { headers: { ...headers, 'if-none-match': computed.headers.etag } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect((await resultsOf(h)).not_modified).toBeGreaterThanOrEqual(1);
    // A CSRF-prone GET (no preflight header) is still Apollo's to refuse, cached answer or not.
    const simple = await h.http(url, { headers: { ...asReader, accept: 'application/json' } });
    expect(simple.status).toBe(400);
  });

  it('is answered by Apollo, not the cache, for a mutation; the mutation’s change drops the answers that read it', async () => {
    const running = h.veeam.addSession({ state: 'Working' });
    await h.refresh();
    const id = encodeGlobalId('vbo-eu', running.id);
    const query = 'query One($id: ID!) { restoreSession(id: $id) { id status } }';
    expect((await h.query(query, { id }, asReader)).body.data.restoreSession.status).toBe('RUNNING');
    expect((await h.query(query, { id }, asReader)).body.data.restoreSession.status).toBe('RUNNING');
    const stop = await h.query(
      'mutation Stop($id: ID!) { stopRestoreSession(id: $id) { restoreSession { status } } }',
      { id },
      { 'x-api-key': 'operator-key-0123456789ab' },
    );
    expect(stop.body.errors).toBeUndefined();
    expect((await h.query(query, { id }, asReader)).body.data.restoreSession.status).toBe('COMPLETED');
    const calls = upstreamCalls(h);
    await h.query(query, { id }, asReader);
    expect(upstreamCalls(h)).toBe(calls);
  });

  it('serves an answer only for the request Apollo runs: parameters past Express’s 1,000 cannot poison it', async () => {
    const stats = 'query Poison($filter: RestoreSessionFilter) { restoreSessionStats(filter: $filter) { total } }';
    const all = await h.query(stats, undefined, asReader);
    const total = all.body.data.restoreSessionStats.total as number;
    // 1,000 empty parameters between the document and its variables: Express's query parser stopped there and never saw the variables.
    const search = `query=${encodeURIComponent(stats)}${'&'.repeat(1000)}&variables=${encodeURIComponent(JSON.stringify({ filter: { statuses: ['FAILED'] } }))}`;
    const attacker = await h.http(`/graphql?${search}`, { headers: { ...asReader, 'apollo-require-preflight': '1' } });
    expect(attacker.status).toBe(200);
    const failedOnly = JSON.parse(attacker.text).data.restoreSessionStats.total as number;
    expect(failedOnly).toBeLessThan(total);
    expect((await h.query(stats, undefined, asReader)).body.data.restoreSessionStats.total).toBe(total);
    expect((await h.http(`/graphql?${search}`, { headers: { ...asReader, 'apollo-require-preflight': '1' } })).text).toBe(attacker.text);
  });

  it('refuses on a cached answer whatever Apollo refuses: repeated parameters, an empty preflight header, variables as a string', async () => {
    const stats = 'query Strict { restoreSessionStats { total } }';
    const get = (search: string, headers: Record<string, string> = { 'apollo-require-preflight': '1' }) =>
      h.http(`/graphql?${search}`, { headers: { ...asReader, ...headers } });
    const plain = `query=${encodeURIComponent(stats)}`;
    expect((await get(plain)).status).toBe(200);
    expect((await get(plain)).status).toBe(200);
    expect((await get(`${plain}&${plain}`)).status).toBe(400);
    expect((await get(plain, { 'apollo-require-preflight': '' })).status).toBe(400);
    // Node's url.parse, which Apollo's Express integration uses, reads no search after a `#`.
    expect((await h.http(`/graphql#?${plain}`, { headers: { ...asReader, 'apollo-require-preflight': '1' } })).status).toBe(400);
    expect((await get(plain, { 'apollo-require-preflight': '1', 'content-type': 'text/plain' })).status).toBe(415);
    expect((await h.http(`/graphql//%zz@h/?${plain}`, { headers: { ...asReader, 'apollo-require-preflight': '1' } })).status).toBe(404);
    const callback = await get(plain, { 'apollo-require-preflight': '1', accept: 'application/json;callbackSpec=1.0, application/json' });
    expect(callback.headers['content-type']).toMatch(/callbackspec=1\.0/i);
    const withVariables = 'query StrictVars($first: Int!) { restoreSessions(first: $first) { totalCount } }';
    expect((await h.query(withVariables, { first: 2 }, asReader)).status).toBe(200);
    const asString = await h.http('/graphql', {
      method: 'POST',
      headers: { ...asReader, 'content-type': 'application/json' },
      body: JSON.stringify({ query: withVariables, variables: JSON.stringify({ first: 2 }) }),
    });
    expect(asString.status).toBe(400);
  });

  it('labels an answer served from the cache with the operation the document names', async () => {
    const named = 'query LabelledByDocument { restoreSessionStats { total } }';
    const series = async () =>
      Number(/gateway_graphql_requests_total\{operation="LabelledByDocument",outcome="ok"\} (\d+)/.exec((await h.http('/metrics')).text)?.[1] ?? 0);
    for (let i = 0; i < 3; i++)
      await h.http('/graphql', { method: 'POST', headers: { ...asReader, 'content-type': 'application/json' }, body: JSON.stringify({ query: named }) });
    expect(await series()).toBe(3);
  });

  it('reports the bytes it holds', async () => {
    const metrics = (await h.http('/metrics')).text;
    expect(Number(/^gateway_response_cache_bytes (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(0);
  });
});

describe('the response cache while a source is down', () => {
  // Real time: the index's reads retry with backoff, which a manual clock would hold up.
  it('never keeps a partial answer', async () => {
    const h = await startHarness({ graph: { sessionCount: 10 }, veeam: { sessionCount: 10 } });
    try {
      h.veeam.server.faults.update({ down: true });
      await h.refresh();
      const before = await resultsOf(h);
      const a = await h.query(DASHBOARD, { first: 5 });
      const b = await h.query(DASHBOARD, { first: 5 });
      expect(a.body.errors?.[0].extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', sourceId: 'vbo-eu' });
      expect(b.body.errors?.[0].extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', sourceId: 'vbo-eu' });
      const after = await resultsOf(h);
      expect(after.hit ?? 0).toBe(before.hit ?? 0);
      expect((after.uncacheable ?? 0) - (before.uncacheable ?? 0)).toBe(2);
    } finally {
      await h.close();
    }
  });
});

describeWithRedis('the response cache shared by replicas through Redis', () => {
  it('a replica answers from another’s cached answer, and a mutation on one drops the answers on every replica', async () => {
    const first = await startHarness({
      graph: { sessionCount: 15 },
      veeam: { sessionCount: 15 },
      configure: (raw) => (raw.cache.redis = { url: REDIS_URL }),
    });
    const second = await startHarnessGateway(first.graph, first.veeam, { configure: (raw) => (raw.cache.redis = { url: REDIS_URL }) });
    try {
      const running = first.veeam.addSession({ state: 'Working' });
      await first.refresh();
      await second.refresh();
      const id = encodeGlobalId('vbo-eu', running.id);
      // Unique per run: the shared Redis outlives test runs.
      const query = `query Shared${Date.now()}($id: ID!) { restoreSession(id: $id) { id status } restoreSessions(first: 5) { totalCount } }`;
      const computed = await first.query(query, { id });
      const fromOther = await second.query(query, { id });
      expect(fromOther.text).toBe(computed.text);
      expect((await resultsOf(second)).shared_hit).toBe(1);

      const stop = await first.query('mutation($id: ID!) { stopRestoreSession(id: $id) { restoreSession { status } } }', { id });
      expect(stop.body.errors).toBeUndefined();
      // The mutation answers once every replica has applied it: no replica serves the old answer.
      expect((await second.query(query, { id })).body.data.restoreSession.status).toBe('COMPLETED');
      expect((await first.query(query, { id })).body.data.restoreSession.status).toBe('COMPLETED');
    } finally {
      await second.close();
      await first.close();
    }
  });
});
