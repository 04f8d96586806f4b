import { encodeGlobalId } from '../../src/ids';
import { startGraphSimulator, type GraphSimulator } from '../../src/simulators/msgraph/server';
import { startVeeamSimulator, type VeeamSimulator } from '../../src/simulators/veeam/server';
import { startHarnessGateway, GRAPH_ROUTES, VEEAM_ROUTES, type Harness } from '../support/harness';
import { describeWithRedis, REDIS_URL } from '../support/redis';

describeWithRedis('Redis as the shared cache of two gateway replicas (the real server)', () => {
  let graph: GraphSimulator;
  let veeam: VeeamSimulator;
  let a: Harness;
  let b: Harness;
  const resetCounters = () => {
    graph.server.counters.reset();
    veeam.server.counters.reset();
  };

  beforeAll(async () => {
    [graph, veeam] = await Promise.all([startGraphSimulator({ sessionCount: 150 }), startVeeamSimulator({ sessionCount: 150 })]);
    // Long TTLs: anything B sees fresh after A's write comes from invalidation, not expiry.
    const options = { listTtlSeconds: 60, configure: (raw: Record<string, any>) => Object.assign(raw.cache, { redis: { url: REDIS_URL }, sessionTtlSeconds: 60 }) }; // eslint-disable-line @typescript-eslint/no-explicit-any
    a = await startHarnessGateway(graph, veeam, options);
    b = await startHarnessGateway(graph, veeam, options);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await Promise.all([graph?.close(), veeam?.close()]);
  });

  it('shares the list snapshot: what A loaded, B serves without reading the upstream', async () => {
    resetCounters();
    expect((await a.query('{ restoreSessions { totalCount } }')).body.data.restoreSessions.totalCount).toBe(300);
    const loads = graph.server.counters.count(GRAPH_ROUTES.list) + veeam.server.counters.count(VEEAM_ROUTES.list);
    expect(loads).toBeGreaterThan(0);
    expect((await b.query('{ restoreSessions { totalCount } }')).body.data.restoreSessions.totalCount).toBe(300);
    expect(graph.server.counters.count(GRAPH_ROUTES.list) + veeam.server.counters.count(VEEAM_ROUTES.list)).toBe(loads);
  });

  it('shares entities: a session A read is served to B from Redis', async () => {
    const stopped = [...veeam.sessions.values()].find((s) => s.state === 'Stopped')!;
    const id = encodeGlobalId('vbo-eu', stopped.id);
    resetCounters();
    await a.query(`query($id: ID!) { node(id: $id) { id } }`, { id });
    await b.query(`query($id: ID!) { node(id: $id) { id } }`, { id });
    expect(veeam.server.counters.count(VEEAM_ROUTES.get)).toBe(1);
  });

  it('a write through A is seen by B at once (shared entries deleted, B told to drop its snapshot)', async () => {
    const record = veeam.addSession({ state: 'Working' });
    const id = encodeGlobalId('vbo-eu', record.id);
    const readB = async () => {
      const answer = await b.query(`query($id: ID!, $f: RestoreSessionFilter) { node(id: $id) { ... on RestoreSession { status } } restoreSessions(filter: $f) { nodes { status } } }`, { id, f: { search: record.id } });
      return [answer.body.data.node.status, answer.body.data.restoreSessions.nodes.map((n: { status: string }) => n.status)];
    };
    // B caches the session as RUNNING; its list snapshot (60 s) predates the session entirely.
    expect((await readB())[0]).toBe('RUNNING');
    expect((await a.query(`mutation($id: ID!) { stopRestoreSession(id: $id) { restoreSession { status } } }`, { id })).body.data.stopRestoreSession.restoreSession.status).toBe('COMPLETED');
    await new Promise((resolve) => setTimeout(resolve, 100)); // pub/sub delivery
    expect(await readB()).toEqual(['COMPLETED', ['COMPLETED']]);
  });

  it('keeps answering from the upstreams when Redis is unreachable', async () => {
    const lonely = await startHarnessGateway(graph, veeam, { configure: (raw) => Object.assign(raw.cache, { redis: { url: 'redis://127.0.0.1:1/0' } }) });
    try {
      const answer = await lonely.query('{ restoreSessions { totalCount } }');
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.restoreSessions.totalCount).toBeGreaterThanOrEqual(300);
      expect(lonely.logs.some((l) => typeof l.msg === 'string' && l.msg.includes('Redis unavailable'))).toBe(true);
    } finally {
      await lonely.close();
    }
  });
});
