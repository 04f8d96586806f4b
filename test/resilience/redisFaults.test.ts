import Redis from 'ioredis';
import { startGraphSimulator, type GraphSimulator } from '../../src/simulators/msgraph/server';
import { startVeeamSimulator, type VeeamSimulator } from '../../src/simulators/veeam/server';
import { startHarnessGateway, type Harness } from '../support/harness';
import { REDIS_SERVER, startOwnRedis, type OwnRedis } from '../support/ownRedis';
import { describeWithTool } from '../support/tools';
import { until } from '../support/manualClock';

describeWithTool('redis-server', REDIS_SERVER, 'a sick Redis (a server of the test’s own) never takes the gateway down', () => {
  let graph: GraphSimulator;
  let veeam: VeeamSimulator;
  let redis: OwnRedis;
  let a: Harness;
  let b: Harness;
  const LIST = '{ restoreSessions(first: 3) { totalCount } }';
  const options = () => ({ listTtlSeconds: 1, configure: (raw: Record<string, any>) => (raw.cache.redis = { url: redis.url }) });

  beforeAll(async () => {
    [graph, veeam, redis] = await Promise.all([startGraphSimulator({ sessionCount: 40 }), startVeeamSimulator({ sessionCount: 40 }), startOwnRedis()]);
    a = await startHarnessGateway(graph, veeam, options());
    b = await startHarnessGateway(graph, veeam, options());
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.kill();
    await Promise.all([graph?.close(), veeam?.close()]);
  });

  it('drops malformed values read from Redis with a warning, on every replica, and keeps serving', async () => {
    const redisClient = new Redis(redis.url);
    try {
      const logKey = (await redisClient.keys('rsgw:v2:log:vbo-eu:*'))[0];
      const scope = logKey.slice('rsgw:v2:log:'.length);
      // Two log entries in sequence that are not changes: one not JSON, one of the wrong shape.
      for (const text of ['{not json', JSON.stringify({ op: 'apply', upserts: [{ id: 42 }], removals: [] })]) {
        const seq = await redisClient.hincrby(`rsgw:v2:meta:${scope}`, 'seq', 1);
        await redisClient.xadd(logKey, '*', 'seq', String(seq), 'e', text);
      }
      // And a session entry in the shared copy that is not a session.
      await redisClient.hset(`rsgw:v2:index:${scope}`, 'garbage', '{"__typename":"VeeamRestoreSession"}');
    } finally {
      redisClient.disconnect();
    }
    const warned = (h: Harness) => h.logs.filter((l) => l.msg === 'dropped a malformed value read from Redis').length;
    await until(() => warned(a) >= 2 && warned(b) >= 2, 'both replicas dropped the bad entries');
    expect((await a.query(LIST)).body.data.restoreSessions.totalCount).toBe(80);
    expect((await b.query(LIST)).body.data.restoreSessions.totalCount).toBe(80);
    const late = await startHarnessGateway(graph, veeam, options());
    try {
      expect((await late.query(LIST)).body.data.restoreSessions.totalCount).toBe(80);
      expect(warned(late)).toBe(1);
    } finally {
      await late.close();
    }
  });

  it('answers from the upstreams while Redis hangs (paused), and uses it again once it is back', async () => {
    redis.pause();
    try {
      const record = veeam.addSession({ state: 'Working' });
      for (const h of [a, b]) {
        // Each replica reads for itself while Redis hangs: the new session shows on both.
        // The holder goes on reading; the other waits until the holder's lease must have expired (10 s), then reads itself.
        await until(
          async () => (await h.query(`{ restoreSessions(filter: { search: "${record.id}" }) { totalCount } }`)).body.data.restoreSessions.totalCount === 1,
          'the replica read the new session',
          20_000,
        );
        const answer = await h.query(LIST);
        expect(answer.body.errors).toBeUndefined();
        expect(answer.body.data.restoreSessions.totalCount).toBe(81);
        await until(() => h.logs.some((l) => l.msg === 'Redis unavailable: answering from the upstreams'), 'the replica noticed Redis hangs');
      }
    } finally {
      redis.resume();
    }
  }, 60_000);

  it('answers from the upstreams when Redis is killed', async () => {
    await redis.kill();
    const record = veeam.addSession({ state: 'Working' });
    for (const h of [a, b]) {
      await until(
        async () => (await h.query(`{ restoreSessions(filter: { search: "${record.id}" }) { totalCount } }`)).body.data.restoreSessions.totalCount === 1,
        'the replica read the new session',
        20_000,
      );
      const answer = await h.query(LIST);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.restoreSessions.totalCount).toBe(82);
    }
  }, 60_000);
});
