import { encodeGlobalId } from '../../src/ids';
import { startHarness, GRAPH_ROUTES, VEEAM_ROUTES, type GraphQLAnswer, type Harness } from '../support/harness';

describe('upstream call counts (DataLoader batching and dedup)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ graph: { sessionCount: 200 }, veeam: { sessionCount: 300 }, veeamVersion: 'v8' });
    await h.query('{ sources { id } restoreSessions(first: 1) { totalCount } }'); // tokens and snapshots warm
  });
  afterAll(() => h.close());
  beforeEach(() => h.resetCounters());

  it('lists 100 Veeam sessions with organization { name } for at most one call per distinct organisation', async () => {
    const answer = await h.query(`{ restoreSessions(first: 100, filter: { vendors: [VEEAM] }) { nodes { ... on VeeamRestoreSession { organizationName organization { id name } } } } }`);
    expect(answer.body.errors).toBeUndefined();
    const nodes = answer.body.data.restoreSessions.nodes as Array<{ organizationName: string; organization: { id: string; name: string } | null }>;
    expect(nodes).toHaveLength(100);
    for (const n of nodes) expect(n.organization?.name).toBe(n.organizationName);
    const distinct = new Set(nodes.map((n) => n.organizationName)).size;
    const orgCalls = h.veeam.server.counters.count(VEEAM_ROUTES.organizations) + h.veeam.server.counters.count(VEEAM_ROUTES.sessionOrganization);
    expect(orgCalls).toBeGreaterThan(0);
    expect(orgCalls).toBeLessThanOrEqual(distinct);
    expect(h.veeam.server.counters.count(VEEAM_ROUTES.get)).toBe(0);
  });

  it('falls back to the session link for an organisation the server no longer lists, at most once per organisation across requests', async () => {
    const legacy = [...h.veeam.sessions.values()].filter((s) => s.organizationName.startsWith('litware-legacy'));
    expect(legacy.length).toBeGreaterThan(1);
    const ids = legacy.map((s) => encodeGlobalId('vbo-eu', s.id));
    const answer = await h.query(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on VeeamRestoreSession { organization { id name } } } }`, { ids });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.nodes.every((n: { organization: { name: string } }) => n.organization.name === legacy[0].organizationName)).toBe(true);
    const again = await h.query(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on VeeamRestoreSession { organization { id name } } } }`, { ids });
    expect(again.body.errors).toBeUndefined();
    // The earlier listing may already have looked it up; either way, never more than once.
    expect(h.veeam.server.counters.count(VEEAM_ROUTES.sessionOrganization)).toBeLessThanOrEqual(1);
  });

  it('reads 40 Graph ids through at most 2 $batch calls and nothing else', async () => {
    const ids = h.graph.store.all().slice(0, 40).map((s) => encodeGlobalId('contoso', s.id));
    const answer = await h.query(`query($ids: [ID!]!) { nodes(ids: $ids) { id ... on GraphRestoreSession { graphStatus } } }`, { ids });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.nodes.map((n: { id: string }) => n.id)).toEqual(ids);
    expect(h.graph.server.counters.count(GRAPH_ROUTES.batch)).toBe(2);
    expect(h.graph.server.counters.count(GRAPH_ROUTES.batchGet)).toBe(40);
    expect(h.graph.server.counters.total()).toBe(2);
  });

  it('never asks an upstream twice for the same thing within one request', async () => {
    // Ids no earlier test loaded, so the cross-request cache holds nothing for them.
    const graphId = encodeGlobalId('contoso', h.graph.store.all()[150].id);
    const veeamSession = [...h.veeam.sessions.values()][250];
    const veeamId = encodeGlobalId('vbo-eu', veeamSession.id);
    const answer = await h.query(
      `query($g: ID!, $v: ID!) {
        a: node(id: $g) { id } b: restoreSession(id: $g) { id } c: nodes(ids: [$g, $g]) { id }
        d: node(id: $v) { ... on VeeamRestoreSession { events(first: 2) { totalCount } progress { percent } } }
        e: restoreSession(id: $v) { ... on VeeamRestoreSession { events(first: 5) { totalCount } progress { total } } }
      }`,
      { g: graphId, v: veeamId },
    );
    expect(answer.body.errors).toBeUndefined();
    expect(h.graph.server.counters.count(GRAPH_ROUTES.batchGet)).toBe(1);
    expect(h.veeam.server.counters.count(VEEAM_ROUTES.get)).toBe(1);
    expect(h.veeam.server.counters.count(VEEAM_ROUTES.events)).toBe(Math.ceil(veeamSession.eventCount / 1000));
    expect(h.veeam.server.counters.count(VEEAM_ROUTES.statistics)).toBe(1);
  });

  it('answers null for a well-formed id that does not exist, or whose source is not configured', async () => {
    const missing = encodeGlobalId('contoso', '00000000-0000-4000-8000-000000000000');
    const badGraphId = encodeGlobalId('contoso', 'not-a-guid');
    const missingVeeam = encodeGlobalId('vbo-eu', '00000000-0000-4000-8000-000000000000');
    const otherSource = encodeGlobalId('retired-source', '00000000-0000-4000-8000-000000000000');
    const answer = await h.query(`query($ids: [ID!]!, $one: ID!) { nodes(ids: $ids) { id } restoreSession(id: $one) { id } }`, { ids: [missing, badGraphId, missingVeeam, otherSource], one: missingVeeam });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data).toEqual({ nodes: [null, null, null, null], restoreSession: null });
  });
});

describe('upstream tokens', () => {
  it('renews expired tokens mid-traversal without a failed query (Graph: new client-credentials token; Veeam: refresh grant, then password)', async () => {
    const h = await startHarness({ graph: { sessionCount: 150 }, veeam: { sessionCount: 150, refreshTokenLifetimeSeconds: 3600 }, listTtlSeconds: 0 });
    try {
      const page = `query($after: String) { restoreSessions(first: 40, after: $after) { pageInfo { hasNextPage endCursor } nodes { id } } }`;
      let after: string | null = null;
      let pages = 0;
      const seen = new Set<string>();
      do {
        const answer: GraphQLAnswer = await h.query(page, { after });
        expect(answer.body.errors).toBeUndefined();
        for (const n of answer.body.data.restoreSessions.nodes) seen.add(n.id);
        after = answer.body.data.restoreSessions.pageInfo.hasNextPage ? answer.body.data.restoreSessions.pageInfo.endCursor : null;
        pages++;
        if (pages === 2) {
          h.graph.expireTokens();
          h.veeam.expireTokens();
        }
        if (pages === 4) {
          // Past the refresh token's life too: the refresh is refused and the gateway logs in again.
          h.veeam.clock.advance(3601_000);
          h.graph.clock.advance(3601_000);
        }
      } while (after);
      expect(seen.size).toBe(300);
      // The start-up check took the first token (before the counters were reset): two renewals since.
      expect(h.graph.server.counters.count(GRAPH_ROUTES.token)).toBe(2);
      const metrics = (await h.http('/metrics')).text;
      expect(metrics).toMatch(/gateway_token_renewals_total\{source="vbo-eu",vendor="VEEAM",grant="refresh_token",outcome="ok"\} 1/);
      expect(metrics).toMatch(/gateway_token_renewals_total\{source="vbo-eu",vendor="VEEAM",grant="refresh_token",outcome="refused"\} 1/);
      expect(metrics).toMatch(/gateway_token_renewals_total\{source="vbo-eu",vendor="VEEAM",grant="password",outcome="ok"\} 2/);
    } finally {
      await h.close();
    }
  });

  it('reports UPSTREAM_AUTH_FAILED for refused gateway credentials, with no secret in the answer or the logs', async () => {
    const h = await startHarness({
      configure: (raw) => {
        raw.sources[0].auth.clientSecret = 'wrong-secret-123';
        raw.sources[1].auth.password = 'wrong-password-456';
      },
    });
    try {
      const answer = await h.query('{ restoreSessions { totalCount } }');
      expect(answer.body.data.restoreSessions.totalCount).toBe(0);
      const codes = answer.body.errors!.map((e) => [e.extensions!.sourceId, e.extensions!.code, e.extensions!.vendor]).sort();
      expect(codes).toEqual([
        ['contoso', 'UPSTREAM_AUTH_FAILED', 'MICROSOFT_GRAPH'],
        ['vbo-eu', 'UPSTREAM_AUTH_FAILED', 'VEEAM'],
      ]);
      const everything = answer.text + JSON.stringify(h.logs);
      for (const secret of ['wrong-secret-123', 'wrong-password-456', h.graph.clientSecret, h.veeam.password]) expect(everything).not.toContain(secret);
    } finally {
      await h.close();
    }
  });
});
