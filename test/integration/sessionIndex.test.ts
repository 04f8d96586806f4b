import { encodeGlobalId } from '../../src/ids';
import { startGraphSimulator } from '../../src/simulators/msgraph/server';
import { startVeeamSimulator } from '../../src/simulators/veeam/server';
import { startHarness, startHarnessGateway, GRAPH_ROUTES, VEEAM_ROUTES, type Harness } from '../support/harness';
import { ManualClock, until } from '../support/manualClock';

const node = (h: Harness, id: string) =>
  h.query(`query($id: ID!) { node(id: $id) { ... on RestoreSession { status } } }`, { id }).then((a) => a.body.data.node as { status: string } | null);
const veeamId = (vendorId: string) => encodeGlobalId('vbo-eu', vendorId);
const graphId = (vendorId: string) => encodeGlobalId('contoso', vendorId);

/** Moves the gateway's clock and waits until the reads it started have finished. */
async function tick(h: Harness, clock: ManualClock, ms: number): Promise<void> {
  await clock.advance(ms);
  await until(() => !h.gateway.services.indexes.busy, 'the background reads to finish');
}

describe('the session index: Veeam v8 through its change feed', () => {
  let h: Harness;
  const clock = new ManualClock();
  beforeAll(async () => {
    h = await startHarness({
      clock,
      graph: { sessionCount: 20 },
      veeam: { sessionCount: 60 },
      veeamVersion: 'v8',
      configure: (raw) => (raw.sync = { feedWaitSeconds: 5 }),
    });
  });
  afterAll(() => h.close());

  it('sees a session change upstream through the feed: one read by id, no list read', async () => {
    const record = h.veeam.addSession({ state: 'Working' });
    await until(async () => (await node(h, veeamId(record.id)))?.status === 'RUNNING', 'the new session reached the index');
    h.resetCounters();
    h.veeam.updateSession(record.id, { state: 'Stopped', result: 'Warning' });
    await until(async () => (await node(h, veeamId(record.id)))?.status === 'COMPLETED_WITH_ISSUES', 'the change reached the index');
    expect(h.veeam.server.counters.count(VEEAM_ROUTES.get)).toBe(1);
    expect(h.veeam.server.counters.count(VEEAM_ROUTES.list)).toBe(0);
  });

  it('drops a session removed upstream: null by id, gone from the list, with no query asking the upstream', async () => {
    const victim = [...h.veeam.sessions.values()].find((s) => s.state === 'Stopped')!;
    expect(await node(h, veeamId(victim.id))).not.toBeNull();
    h.veeam.removeSession(victim.id);
    await until(async () => (await node(h, veeamId(victim.id))) === null, 'the removal reached the index');
    const list = await h.query(`{ restoreSessions(filter: { search: "${victim.id}" }) { totalCount } }`);
    expect(list.body.data.restoreSessions.totalCount).toBe(0);
  });

  it('reports the sync of each source: state, sessions, last full read, last change, lag', async () => {
    const answer = await h.query('{ sources { id sync { state sessions lastFullReadAt lastChangeAt lagSeconds } } }');
    const veeam = answer.body.data.sources.find((s: { id: string }) => s.id === 'vbo-eu').sync;
    expect(veeam).toMatchObject({ state: 'LIVE', sessions: h.veeam.sessions.size });
    expect(veeam.lastFullReadAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(veeam.lagSeconds).toBeGreaterThanOrEqual(0);
    expect(veeam.lagSeconds).toBeLessThanOrEqual(10);
  });
});

describe('the session index: when the Veeam v8 feed forgets the token, or is not there', () => {
  it('takes a new feed position and reads everything again when the server no longer knows its token', async () => {
    const clock = new ManualClock();
    const h = await startHarness({
      clock,
      graph: { sessionCount: 5 },
      veeam: { sessionCount: 20, changeFeedRetention: 5 },
      veeamVersion: 'v8',
      configure: (raw) => (raw.sync = { feedWaitSeconds: 5 }),
    });
    try {
      const beforeFull = await fullReads(h, 'vbo-eu');
      // The feed fails: the syncer rests (on the manual clock) while more changes happen than the feed keeps.
      h.veeam.server.faults.update({ errorRate: 1, routeMatch: '/Events' });
      h.veeam.addSession({ state: 'Working' }); // wakes the poll in flight; the next one fails
      // The failing poll's retries wait on the manual clock: move it until the poll gives up.
      await until(async () => {
        await clock.advance(1_000);
        return (await failedReads(h, 'vbo-eu', 'feed')) > 0;
      }, 'a failed feed poll');
      for (let i = 0; i < 10; i++) h.veeam.addSession({ state: 'Working' });
      h.veeam.server.faults.reset();
      await clock.advance(5_000);
      await until(async () => (await fullReads(h, 'vbo-eu')) > beforeFull, 'a complete read after the token expired');
      expect(h.logs.some((l) => l.msg === 'change feed token expired: reading everything again from a new position')).toBe(true);
      const total = await h.query('{ restoreSessions(filter: { vendors: [VEEAM] }) { totalCount } }');
      expect(total.body.data.restoreSessions.totalCount).toBe(h.veeam.sessions.size);
    } finally {
      await h.close();
    }
  });

  it('falls back to polling (what is new, live sessions by id) on a v8 server without the feed', async () => {
    const clock = new ManualClock();
    const h = await startHarness({ clock, graph: { sessionCount: 5 }, veeam: { sessionCount: 20, changeFeed: false }, veeamVersion: 'v8' });
    try {
      expect(h.logs.some((l) => l.msg === 'change feed unavailable: keeping the index current by polling instead')).toBe(true);
      const record = h.veeam.addSession({ state: 'Working' });
      h.resetCounters();
      await tick(h, clock, 5_000);
      expect(await node(h, veeamId(record.id))).toEqual({ status: 'RUNNING' });
      expect(
        h.veeam.server.counters
          .requests()
          .filter((r) => r.route === VEEAM_ROUTES.list)
          .map((r) => r.url),
      ).toEqual([expect.stringMatching(/startTimeFrom=.*orderBy=CreationTime|orderBy=CreationTime.*startTimeFrom=/)]);
    } finally {
      await h.close();
    }
  });
});

async function syncReads(h: Harness, source: string, kind: string, outcome: string): Promise<number> {
  const text = (await h.http('/metrics')).text;
  return Number(new RegExp(`gateway_sync_reads_total\\{source="${source}",kind="${kind}",outcome="${outcome}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
}
const fullReads = (h: Harness, source: string) => syncReads(h, source, 'full', 'ok');
const failedReads = (h: Harness, source: string, kind: string) => syncReads(h, source, kind, 'error');

describe('the session index: Veeam v6 and Graph by polling, on the injected clock', () => {
  let h: Harness;
  const clock = new ManualClock();
  beforeAll(async () => {
    h = await startHarness({ clock, graph: { sessionCount: 40 }, veeam: { sessionCount: 40 } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.resetCounters());

  it('finds a new Veeam v6 session with a read of what is new (startTimeFrom), within one list TTL', async () => {
    const record = h.veeam.addSession({ state: 'Working' });
    expect(await node(h, veeamId(record.id))).toBeNull();
    await tick(h, clock, 5_000);
    expect(await node(h, veeamId(record.id))).toEqual({ status: 'RUNNING' });
    const reads = h.veeam.server.counters.requests().filter((r) => r.route === VEEAM_ROUTES.list);
    expect(reads).toHaveLength(1);
    expect(reads[0].url).toMatch(/startTimeFrom=/);
  });

  it('re-reads live Veeam sessions by id every live interval: a stop upstream shows within 2 s', async () => {
    const record = h.veeam.addSession({ state: 'Working' });
    await tick(h, clock, 5_000);
    h.veeam.updateSession(record.id, { state: 'Stopped', result: 'Success' });
    await tick(h, clock, 2_000);
    expect(await node(h, veeamId(record.id))).toEqual({ status: 'COMPLETED' });
  });

  it('finds Veeam v6 removals at the slow complete read, and Graph removals at its next complete read', async () => {
    const veeamVictim = [...h.veeam.sessions.values()].find((s) => s.state === 'Stopped')!;
    const graphVictim = h.graph.store.all().find((s) => s.status === 'completed')!;
    h.veeam.removeSession(veeamVictim.id);
    h.graph.store.removeSession(graphVictim.id);
    await tick(h, clock, 5_000);
    expect(await node(h, graphId(graphVictim.id))).toBeNull(); // Graph reads whole at least every list TTL
    expect(await node(h, veeamId(veeamVictim.id))).not.toBeNull(); // v6 finds removals only by reconciliation
    await tick(h, clock, 300_000);
    expect(await node(h, veeamId(veeamVictim.id))).toBeNull();
  });

  it('rests a Graph complete read at least as long as the last one took, and reads it with the largest page', async () => {
    await tick(h, clock, 5_000);
    const lists = h.graph.server.counters.requests().filter((r) => r.route === GRAPH_ROUTES.list);
    expect(lists.length).toBeGreaterThan(0);
    expect(lists.every((r) => /\$top=999/.test(decodeURIComponent(r.url)))).toBe(true);
  });

  it('puts a mutation’s result in the index before it answers', async () => {
    const created = await h.query(
      'mutation { createGraphRestoreSession(input: { sourceId: "contoso", workload: EXCHANGE }) { restoreSession { id status } } }',
    );
    const { id } = created.body.data.createGraphRestoreSession.restoreSession;
    expect(await node(h, id)).toEqual({ status: 'DRAFT' });
    const deleted = await h.query(`mutation { deleteRestoreSession(id: "${id}") { deletedId } }`);
    expect(deleted.body.errors).toBeUndefined();
    expect(await node(h, id)).toBeNull();
  });
});

describe('the session index while a source warms up', () => {
  it('answers without a slow source after sync.warmupWaitSeconds, with SOURCE_WARMING_UP; /readyz says warming until the first read ends', async () => {
    const [graph, veeam] = await Promise.all([startGraphSimulator({ sessionCount: 30 }), startVeeamSimulator({ sessionCount: 30 })]);
    // Graph's list answers after 3 s: the gateway's first read of it takes that long.
    graph.server.faults.update({ latencyMs: 3000, routeMatch: 'GET /v1.0/solutions/backupRestore/restoreSessions' });
    const h = await startHarnessGateway(graph, veeam, { waitForFirstRead: false, configure: (raw) => (raw.sync = { warmupWaitSeconds: 0.2 }) });
    try {
      await h.gateway.services.indexes.index('vbo-eu')!.warmed;
      const ready = await h.http('/readyz');
      expect(ready.status).toBe(503);
      expect(JSON.parse(ready.text)).toMatchObject({
        status: 'warming',
        sources: [
          { id: 'contoso', sync: 'WARMING' },
          { id: 'vbo-eu', sync: 'LIVE' },
        ],
      });
      const answer = await h.query('{ restoreSessions { totalCount } sources { id sync { state } } }');
      expect(answer.body.data.restoreSessions.totalCount).toBe(30);
      expect(answer.body.errors).toHaveLength(1);
      expect(answer.body.errors![0].extensions).toMatchObject({ code: 'SOURCE_WARMING_UP', sourceId: 'contoso', vendor: 'MICROSOFT_GRAPH', sessionsLoaded: 0 });
      expect(answer.body.data.sources.map((s: { sync: { state: string } }) => s.sync.state)).toEqual(['WARMING', 'LIVE']);
      await h.gateway.started;
      expect((await h.http('/readyz')).status).toBe(200);
      const warm = await h.query('{ restoreSessions { totalCount } }');
      expect(warm.body.errors).toBeUndefined();
      expect(warm.body.data.restoreSessions.totalCount).toBe(60);
    } finally {
      await h.close();
      await Promise.all([graph.close(), veeam.close()]);
    }
  });
});
