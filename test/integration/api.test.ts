import { encodeGlobalId } from '../../src/ids';
import { ManualClock } from '../support/manualClock';
import { startHarness, type Harness } from '../support/harness';

describe('query arguments, filters and the HTTP surface', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ graph: { sessionCount: 150 }, veeam: { sessionCount: 150 } });
  });
  afterAll(() => h.close());

  const list = (filter: unknown, first = 500) =>
    h.query(
      `query($f: RestoreSessionFilter, $first: Int) { restoreSessions(first: $first, filter: $f) { totalCount nodes { id vendor status workload createdAt initiatedBy vendorId source { id } ... on VeeamRestoreSession { name organizationName } } } }`,
      { f: filter, first },
    );
  const errorOf = (answer: { body: { errors?: Array<{ extensions?: Record<string, unknown> }> } }) => answer.body.errors?.[0]?.extensions;

  it.each([
    ['first above 500', '{ restoreSessions(first: 501) { totalCount } }', 'first'],
    // Far out of range: still the argument's error, not a cost refusal (the field is refused before any upstream call).
    ['first far above 500', '{ restoreSessions(first: 100000) { nodes { id } } }', 'first'],
    ['negative first', '{ restoreSessions(first: -1) { totalCount } }', 'first'],
    ['a malformed cursor', '{ restoreSessions(after: "nope") { totalCount } }', 'after'],
    ['an unknown source id', '{ restoreSessions(filter: { sourceIds: ["contoso", "ghost"] }) { totalCount } }', 'filter.sourceIds'],
    ['a createdAfter without offset', '{ restoreSessions(filter: { createdAfter: "2026-01-01T00:00:00" }) { totalCount } }', 'filter.createdAfter'],
    ['a malformed createdBefore', '{ restoreSessionStats(filter: { createdBefore: "yesterday" }) { total } }', 'filter.createdBefore'],
    ['a malformed node id', '{ node(id: "!!") { id } }', 'id'],
    ['a malformed id in nodes', '{ nodes(ids: ["bm9wZQ"]) { id } }', 'ids'],
    [
      'first out of range on events',
      `{ restoreSessions(first: 1, filter: { vendors: [VEEAM] }) { nodes { ... on VeeamRestoreSession { events(first: 1000) { totalCount } } } } }`,
      'first',
    ],
  ])('refuses %s with BAD_USER_INPUT naming the argument', async (_name, query, argument) => {
    const answer = await h.query(query);
    expect(answer.status).toBe(200);
    expect(errorOf(answer)).toMatchObject({ code: 'BAD_USER_INPUT', argument });
  });

  it('refuses a wrongly typed variable with BAD_USER_INPUT and a syntax error with GRAPHQL_PARSE_FAILED', async () => {
    const typed = await h.query('query($n: Int) { restoreSessions(first: $n) { totalCount } }', { n: 'ten' });
    expect(errorOf(typed)?.code).toBe('BAD_USER_INPUT');
    const parse = await h.query('{ restoreSessions( }');
    expect(errorOf(parse)?.code).toBe('GRAPHQL_PARSE_FAILED');
    const validation = await h.query('{ restoreSessions { bogus } }');
    expect(errorOf(validation)?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('filters with AND across fields, OR within a list, and nothing for an empty list', async () => {
    const all = (await list(null)).body.data.restoreSessions;
    expect(all.totalCount).toBe(300);
    const running = (await list({ statuses: ['RUNNING', 'FAILED'], vendors: ['VEEAM'] })).body.data.restoreSessions;
    expect(running.totalCount).toBeGreaterThan(0);
    expect(running.nodes.every((n: { status: string; vendor: string }) => ['RUNNING', 'FAILED'].includes(n.status) && n.vendor === 'VEEAM')).toBe(true);
    expect(running.totalCount).toBe(
      all.nodes.filter((n: { status: string; vendor: string }) => ['RUNNING', 'FAILED'].includes(n.status) && n.vendor === 'VEEAM').length,
    );
    expect((await list({ statuses: [] })).body.data.restoreSessions.totalCount).toBe(0);
    expect((await list({ sourceIds: [] })).body.data.restoreSessions.totalCount).toBe(0);
    const teams = (await list({ workloads: ['TEAMS'] })).body.data.restoreSessions;
    expect(teams.totalCount).toBeGreaterThan(0);
    expect(teams.nodes.every((n: { workload: string; vendor: string }) => n.workload === 'TEAMS' && n.vendor === 'VEEAM')).toBe(true);
    const bySource = (await list({ sourceIds: ['contoso'] })).body.data.restoreSessions;
    expect(bySource.totalCount).toBe(150);
  });

  it('searches name, initiatedBy, vendorId and organizationName case-insensitively', async () => {
    const all = (await list(null)).body.data.restoreSessions.nodes as Array<Record<string, string | null>>;
    const org = (await list({ search: 'FABRIKAM' })).body.data.restoreSessions.nodes as Array<Record<string, string | null>>;
    expect(org.length).toBe(
      all.filter((n) => [n.name, n.initiatedBy, n.vendorId, n.organizationName].some((f) => f?.toLowerCase().includes('fabrikam'))).length,
    );
    expect(org.length).toBeGreaterThan(0);
    const oneId = all[5].vendorId as string;
    expect((await list({ search: oneId.slice(0, 13).toUpperCase() })).body.data.restoreSessions.nodes.map((n: { vendorId: string }) => n.vendorId)).toContain(
      oneId,
    );
    const person = (await list({ search: 'adele' })).body.data.restoreSessions.nodes as Array<Record<string, string | null>>;
    expect(person.some((n) => n.vendor === 'MICROSOFT_GRAPH')).toBe(true);
  });

  it('filters createdAfter (inclusive) and createdBefore (exclusive) at full precision, from the index without an upstream call', async () => {
    const fresh = await startHarness({ clock: new ManualClock(), graph: { sessionCount: 100 }, veeam: { sessionCount: 100 } });
    try {
      const times = [...fresh.veeam.sessions.values()].map((s) => s.creation).sort((a, b) => a.ms - b.ms || a.ticks - b.ticks);
      const from = times[20];
      const to = times[60];
      const iso = (t: { ms: number; ticks: number }) => new Date(t.ms).toISOString().slice(0, 23) + String(t.ticks).padStart(4, '0') + 'Z';
      fresh.resetCounters();
      const answer = await fresh.query(
        `query($a: DateTime, $b: DateTime) { restoreSessions(first: 500, filter: { vendors: [VEEAM], createdAfter: $a, createdBefore: $b }) { totalCount } }`,
        { a: iso(from), b: iso(to) },
      );
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.restoreSessions.totalCount).toBe(40); // [20, 60) at full precision
      expect(fresh.veeam.server.counters.total()).toBe(0);
      const offset = await fresh.query(`{ restoreSessions(filter: { createdAfter: "2026-09-01T02:00:00+02:00" }) { totalCount nodes { createdAt } } }`);
      expect(offset.body.data.restoreSessions.nodes.every((n: { createdAt: string }) => n.createdAt >= '2026-09-01T00:00:00.000Z')).toBe(true);
    } finally {
      await fresh.close();
    }
  });

  it('prints DateTime in UTC with milliseconds and progress percent from the artifact counts', async () => {
    const answer = await h.query(
      '{ restoreSessions(first: 100, filter: { vendors: [MICROSOFT_GRAPH] }) { nodes { createdAt progress { total completed failed percent } } } }',
    );
    for (const node of answer.body.data.restoreSessions.nodes) {
      if (node.createdAt !== null) expect(node.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      if (node.progress)
        expect(node.progress.percent).toBe(node.progress.total === 0 ? null : ((node.progress.completed + node.progress.failed) / node.progress.total) * 100);
    }
  });

  it('counts stats by status, vendor, workload and source, omitting zeros', async () => {
    const answer = await h.query(
      '{ restoreSessionStats { total byStatus { status count } byVendor { vendor count } byWorkload { workload count } bySource { source { id name } count } } }',
    );
    const stats = answer.body.data.restoreSessionStats;
    expect(stats.total).toBe(300);
    const sum = (xs: Array<{ count: number }>) => xs.reduce((s, x) => s + x.count, 0);
    for (const key of ['byStatus', 'byVendor', 'byWorkload', 'bySource']) expect(sum(stats[key])).toBe(300);
    expect(stats.byVendor).toEqual(
      expect.arrayContaining([
        { vendor: 'MICROSOFT_GRAPH', count: 150 },
        { vendor: 'VEEAM', count: 150 },
      ]),
    );
    expect(stats.byStatus.every((s: { count: number }) => s.count > 0)).toBe(true);
  });

  it('serves events in Veeam order and Graph artifacts with offset cursors', async () => {
    const session = [...h.veeam.sessions.values()].find((s) => s.eventCount > 10)!;
    const id = encodeGlobalId('vbo-eu', session.id);
    const first = await h.query(
      `query($id: ID!) { node(id: $id) { ... on VeeamRestoreSession { events(first: 4) { totalCount pageInfo { hasNextPage endCursor } nodes { order title startTime } } } } }`,
      { id },
    );
    const events = first.body.data.node.events;
    expect(events.totalCount).toBe(session.eventCount);
    expect(events.nodes.map((e: { order: number }) => e.order)).toEqual([0, 1, 2, 3]);
    const next = await h.query(
      `query($id: ID!, $after: String) { node(id: $id) { ... on VeeamRestoreSession { events(first: 2, after: $after) { nodes { order } } } } }`,
      { id, after: events.pageInfo.endCursor },
    );
    expect(next.body.data.node.events.nodes.map((e: { order: number }) => e.order)).toEqual([4, 5]);
  });

  it('answers malformed JSON with 400, an oversized body with 413, and a GET query over HTTP', async () => {
    const malformed = await h.http('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(malformed.status).toBe(400);
    const big = await h.http('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ sources { id } } #${'x'.repeat(1_100_000)}` }),
    });
    expect(big.status).toBe(413);
    const get = await h.http(`/graphql?query=${encodeURIComponent('{ sources { id } }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(get.status).toBe(200);
    expect(JSON.parse(get.text).data.sources).toHaveLength(2);
  });

  it('serves /healthz, /metrics with the contract names, and echoes a request id', async () => {
    expect((await h.http('/healthz')).status).toBe(200);
    const answer = await h.query('query Dashboard { sources { id } }', undefined, { 'x-request-id': 'req-123' });
    expect(answer.headers['x-request-id']).toBe('req-123');
    const metrics = (await h.http('/metrics')).text;
    for (const name of [
      'gateway_upstream_requests_total',
      'gateway_upstream_request_duration_seconds',
      'gateway_graphql_requests_total',
      'gateway_source_health',
    ])
      expect(metrics).toContain(name);
    expect(metrics).toMatch(/gateway_graphql_requests_total\{operation="Dashboard",outcome="ok"\} 1/);
    expect(metrics).toMatch(/gateway_upstream_requests_total\{source="vbo-eu",vendor="VEEAM",route="GET \/RestoreSessions",status="200"\}/);
    expect(h.logs.some((l) => l.requestId === 'req-123' && l.msg === 'graphql request')).toBe(true);
  });

  it('serves GraphiQL to a browser on GET /graphql with its assets from the gateway itself', async () => {
    const page = await h.http('/graphql', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<div id="graphiql">');
    const srcs = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(srcs.length).toBe(6);
    for (const src of srcs) {
      expect(src.startsWith('/')).toBe(true);
      const asset = await h.http(src);
      expect(asset.status).toBe(200);
      expect(asset.text.length).toBeGreaterThan(50);
    }
  });

  it('answers a browser’s GET with a query (a shared link) with the result, not the GraphiQL page', async () => {
    const accept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
    const answer = await h.http(`/graphql?query=${encodeURIComponent('{ sources { id } }')}`, { headers: { accept, 'apollo-require-preflight': '1' } });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text).data.sources).toHaveLength(2);
  });
});
