import { encodeGlobalId } from '../../src/ids';
import { startHarness, startHarnessGateway, GRAPH_ROUTES, VEEAM_ROUTES, type Harness } from '../support/harness';
import { ManualClock, until } from '../support/manualClock';

/** Another gateway on a harness's simulators, returned before its first read ends. */
function startHarnessGatewayWarming(h: Harness): Promise<Harness> {
  return startHarnessGateway(h.graph, h.veeam, { waitForFirstRead: false, configure: (raw) => (raw.sync = { warmupWaitSeconds: 0 }) });
}

describe('upstream call counts (DataLoader batching and dedup)', () => {
  let h: Harness;
  // A manual clock keeps the background sync resting, so the calls counted are the requests'.
  const clock = new ManualClock();

  beforeAll(async () => {
    h = await startHarness({ clock, graph: { sessionCount: 200 }, veeam: { sessionCount: 300 }, veeamVersion: 'v8' });
  });
  afterAll(() => h.close());
  beforeEach(() => h.resetCounters());

  it('lists 100 Veeam sessions with organization { name } for at most one call per distinct organisation', async () => {
    const answer = await h.query(
      `{ restoreSessions(first: 100, filter: { vendors: [VEEAM] }) { nodes { ... on VeeamRestoreSession { organizationName organization { id name } } } } }`,
    );
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

  it('answers node and nodes of a warm source from its index, with no upstream call', async () => {
    const ids = [
      ...h.graph.store
        .all()
        .slice(0, 40)
        .map((s) => encodeGlobalId('contoso', s.id)),
      ...[...h.veeam.sessions.keys()].slice(0, 40).map((id) => encodeGlobalId('vbo-eu', id)),
    ];
    const answer = await h.query(
      `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on GraphRestoreSession { graphStatus } ... on VeeamRestoreSession { state } } }`,
      { ids },
    );
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.nodes.map((n: { id: string }) => n.id)).toEqual(ids);
    expect(h.graph.server.counters.total() + h.veeam.server.counters.count(VEEAM_ROUTES.get)).toBe(0);
  });

  it('re-reads the sessions that can still change through Graph $batch, 20 per call, every live interval', async () => {
    const live = h.graph.store.all().filter((s) => ['draft', 'activating', 'active'].includes(s.status));
    expect(live.length).toBeGreaterThan(20);
    await clock.advance(2_000);
    await until(() => h.graph.server.counters.count(GRAPH_ROUTES.batchGet) >= live.length, 'the live re-read');
    expect(h.graph.server.counters.count(GRAPH_ROUTES.batch)).toBe(Math.ceil(live.length / 20));
    expect(h.graph.server.counters.count(GRAPH_ROUTES.batchGet)).toBe(live.length);
    expect(h.graph.server.counters.count(GRAPH_ROUTES.list)).toBe(0);
  });

  it('reads ids of a source still on its first read through the loaders: 40 Graph ids in 2 $batch calls', async () => {
    const slow = await startHarness({ graph: { sessionCount: 60 }, veeam: { sessionCount: 5 }, configure: (raw) => (raw.sync = { warmupWaitSeconds: 0 }) });
    try {
      slow.graph.server.faults.update({ latencyMs: 3000, routeMatch: 'GET /v1.0/solutions/backupRestore/restoreSessions' });
      // A fresh gateway on the slowed simulator: its first read takes 3 s.
      const fresh = await startHarnessGatewayWarming(slow);
      try {
        const ids = slow.graph.store
          .all()
          .slice(0, 40)
          .map((s) => encodeGlobalId('contoso', s.id));
        slow.resetCounters();
        const answer = await fresh.query(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids });
        expect(answer.body.data.nodes.map((n: { id: string }) => n.id)).toEqual(ids);
        expect(slow.graph.server.counters.count(GRAPH_ROUTES.batch)).toBe(2);
        expect(slow.graph.server.counters.count(GRAPH_ROUTES.batchGet)).toBe(40);
      } finally {
        await fresh.close();
      }
    } finally {
      await slow.close();
    }
  });

  it('never asks an upstream twice for the same thing within one request', async () => {
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
    expect(h.graph.server.counters.total()).toBe(0);
    expect(h.veeam.server.counters.count(VEEAM_ROUTES.get)).toBe(0);
    expect(h.veeam.server.counters.count(VEEAM_ROUTES.events)).toBe(Math.ceil(veeamSession.eventCount / 1000));
    expect(h.veeam.server.counters.count(VEEAM_ROUTES.statistics)).toBe(1);
  });

  it('answers null for a well-formed id that does not exist, or whose source is not configured', async () => {
    const missing = encodeGlobalId('contoso', '00000000-0000-4000-8000-000000000000');
    const badGraphId = encodeGlobalId('contoso', 'not-a-guid');
    const missingVeeam = encodeGlobalId('vbo-eu', '00000000-0000-4000-8000-000000000000');
    const otherSource = encodeGlobalId('retired-source', '00000000-0000-4000-8000-000000000000');
    const answer = await h.query(`query($ids: [ID!]!, $one: ID!) { nodes(ids: $ids) { id } restoreSession(id: $one) { id } }`, {
      ids: [missing, badGraphId, missingVeeam, otherSource],
      one: missingVeeam,
    });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data).toEqual({ nodes: [null, null, null, null], restoreSession: null });
  });
});

describe('upstream tokens', () => {
  it('renews expired tokens in the background reads without a failed read (Graph: new client-credentials token; Veeam: refresh grant, then password)', async () => {
    const h = await startHarness({ clock: new ManualClock(), graph: { sessionCount: 150 }, veeam: { sessionCount: 150, refreshTokenLifetimeSeconds: 3600 } });
    try {
      const graphTokens = () => h.graph.server.counters.count(GRAPH_ROUTES.token);
      // A refresh may join a background read that used the token before it expired: read until one meets the expiry.
      const refreshUntil = async (tokens: number) => {
        for (let i = 0; i < 5 && graphTokens() < tokens; i++) await h.refresh();
      };
      h.graph.expireTokens();
      h.veeam.expireTokens();
      await refreshUntil(1);
      expect(graphTokens()).toBe(1);
      // Past the refresh token's life too: the refresh is refused and the gateway logs in again.
      h.veeam.clock.advance(3601_000);
      h.graph.clock.advance(3601_000);
      await refreshUntil(2);
      const answer = await h.query('{ restoreSessions(first: 1) { totalCount } sources { sync { state } } }');
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.restoreSessions.totalCount).toBe(300);
      expect(answer.body.data.sources.map((s: { sync: { state: string } }) => s.sync.state)).toEqual(['LIVE', 'LIVE']);
      // The first read took the first token (before the counters were reset): two renewals since.
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
