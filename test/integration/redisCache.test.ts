import { encodeGlobalId } from '../../src/ids';
import { startGraphSimulator, type GraphSimulator } from '../../src/simulators/msgraph/server';
import { startVeeamSimulator, type VeeamSimulator } from '../../src/simulators/veeam/server';
import { startHarnessGateway, VEEAM_ROUTES, type Harness } from '../support/harness';
import { until } from '../support/manualClock';
import { describeWithRedis, REDIS_URL, uniqueAccounts } from '../support/redis';

/** Accounts of this run's own (see uniqueAccounts). */
const accounts = uniqueAccounts();

/** Upstream calls one gateway made, by route prefix, from its own metrics. */
async function callsBy(h: Harness, route: string): Promise<number> {
  const text = (await h.http('/metrics')).text;
  return text
    .split('\n')
    .filter((l) => l.startsWith('gateway_upstream_requests_total{') && l.includes(`route="${route}"`))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

describeWithRedis('Redis as the shared index and cache of several replicas (the real server)', () => {
  let graph: GraphSimulator;
  let veeam: VeeamSimulator;
  let a: Harness;
  let b: Harness;
  const withRedis = { configure: (raw: Record<string, any>) => Object.assign(raw.cache, { redis: { url: REDIS_URL }, sessionTtlSeconds: 60 }) };

  beforeAll(async () => {
    [graph, veeam] = await Promise.all([
      startGraphSimulator({ sessionCount: 150, ...accounts.graph }),
      startVeeamSimulator({ sessionCount: 150, ...accounts.veeam }),
    ]);
    a = await startHarnessGateway(graph, veeam, withRedis);
    b = await startHarnessGateway(graph, veeam, withRedis);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await Promise.all([graph?.close(), veeam?.close()]);
  });

  it('one replica reads each source; the other serves the same sessions from the shared index without reading the list', async () => {
    expect((await a.query('{ restoreSessions { totalCount } }')).body.data.restoreSessions.totalCount).toBe(300);
    expect((await b.query('{ restoreSessions { totalCount } }')).body.data.restoreSessions.totalCount).toBe(300);
    const listReads = [await callsBy(a, 'GET /restoreSessions'), await callsBy(b, 'GET /restoreSessions')];
    expect(listReads.filter((n) => n > 0)).toHaveLength(1);
    const sync = (await b.query('{ sources { id sync { state sessions } } }')).body.data.sources;
    expect(sync).toEqual([
      { id: 'contoso', sync: { state: 'LIVE', sessions: 150 } },
      { id: 'vbo-eu', sync: { state: 'LIVE', sessions: 150 } },
    ]);
  });

  it('a replica started later is warm at once from Redis: no list read of its own', async () => {
    const c = await startHarnessGateway(graph, veeam, withRedis);
    try {
      expect((await c.query('{ restoreSessions { totalCount } }')).body.data.restoreSessions.totalCount).toBe(300);
      expect(await callsBy(c, 'GET /restoreSessions')).toBe(0);
      expect(await callsBy(c, 'GET /RestoreSessions')).toBe(0);
    } finally {
      await c.close();
    }
  });

  it('a write through A is in B’s index before the mutation answers (list and node alike)', async () => {
    const record = veeam.addSession({ state: 'Working' });
    await Promise.all([a.refresh(), b.refresh()]); // whichever holds the lease reads it now
    const id = encodeGlobalId('vbo-eu', record.id);
    await until(async () => (await b.query(`query($id: ID!) { node(id: $id) { id } }`, { id })).body.data.node !== null, 'B holds the new session');
    const readB = async () => {
      const answer = await b.query(
        `query($id: ID!, $f: RestoreSessionFilter) { node(id: $id) { ... on RestoreSession { status } } restoreSessions(filter: $f) { nodes { status } } }`,
        { id, f: { search: record.id } },
      );
      return [answer.body.data.node.status, answer.body.data.restoreSessions.nodes.map((n: { status: string }) => n.status)];
    };
    expect(await readB()).toEqual(['RUNNING', ['RUNNING']]);
    expect(
      (await a.query(`mutation($id: ID!) { stopRestoreSession(id: $id) { restoreSession { status } } }`, { id })).body.data.stopRestoreSession.restoreSession
        .status,
    ).toBe('COMPLETED');
    expect(await readB()).toEqual(['COMPLETED', ['COMPLETED']]);
  });

  it('shares cached parts: events A read are served to B from Redis', async () => {
    const stopped = [...veeam.sessions.values()].filter((s) => s.state === 'Stopped')[3];
    const ids = [encodeGlobalId('vbo-eu', stopped.id)];
    const query = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on VeeamRestoreSession { events { totalCount } } } }`;
    veeam.server.counters.reset();
    await a.query(query, { ids });
    await b.query(query, { ids });
    expect(veeam.server.counters.count(VEEAM_ROUTES.events)).toBe(1);
  });

  it('keeps answering, reading the sources itself, when Redis is unreachable', async () => {
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
