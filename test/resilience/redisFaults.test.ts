import Redis from 'ioredis';
import { startGraphSimulator, type GraphSimulator } from '../../src/simulators/msgraph/server';
import { startVeeamSimulator, type VeeamSimulator } from '../../src/simulators/veeam/server';
import { startHarnessGateway, type Harness } from '../support/harness';
import { REDIS_SERVER, startOwnRedis, type OwnRedis } from '../support/ownRedis';
import { describeWithTool } from '../support/tools';

describeWithTool('redis-server', REDIS_SERVER, 'a sick Redis (a server of the test’s own) never takes the gateway down', () => {
  let graph: GraphSimulator;
  let veeam: VeeamSimulator;
  let redis: OwnRedis;
  let a: Harness;
  let b: Harness;
  const LIST = '{ restoreSessions(first: 3) { totalCount } }';

  beforeAll(async () => {
    [graph, veeam, redis] = await Promise.all([startGraphSimulator({ sessionCount: 40 }), startVeeamSimulator({ sessionCount: 40 }), startOwnRedis()]);
    const options = { listTtlSeconds: 1, configure: (raw: Record<string, any>) => (raw.cache.redis = { url: redis.url }) }; // eslint-disable-line @typescript-eslint/no-explicit-any -- raw configuration
    a = await startHarnessGateway(graph, veeam, options);
    b = await startHarnessGateway(graph, veeam, options);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.kill();
    await Promise.all([graph?.close(), veeam?.close()]);
  });

  it('drops malformed pub/sub messages with a warning, on every replica, and keeps serving', async () => {
    const publisher = new Redis(redis.url);
    try {
      await publisher.publish('rsgw:v1:changes', '{not json');
      await publisher.publish('rsgw:v1:changes', JSON.stringify({ kind: 'CREATED', session: { id: 42 } }));
      await publisher.publish('rsgw:v1:invalidate', 'x'.repeat(10_000));
    } finally {
      publisher.disconnect();
    }
    const warned = (h: Harness) => h.logs.filter((l) => l.msg === 'dropped a malformed value read from Redis').length;
    for (let i = 0; i < 100 && (warned(a) < 3 || warned(b) < 3); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(warned(a)).toBe(3);
    expect(warned(b)).toBe(3);
    expect((await a.query(LIST)).body.data.restoreSessions.totalCount).toBe(80);
    expect((await b.query(LIST)).body.data.restoreSessions.totalCount).toBe(80);
  });

  it('answers from the upstreams while Redis hangs (paused), and uses it again once it is back', async () => {
    redis.pause();
    try {
      await new Promise((resolve) => setTimeout(resolve, 1100)); // the list snapshots expire
      for (const h of [a, b]) {
        const answer = await h.query(LIST);
        expect(answer.body.errors).toBeUndefined();
        expect(answer.body.data.restoreSessions.totalCount).toBe(80);
        expect(h.logs.some((l) => l.msg === 'Redis unavailable: answering from the upstreams')).toBe(true);
      }
    } finally {
      redis.resume();
    }
  });

  it('answers from the upstreams when Redis is killed', async () => {
    await redis.kill();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    for (const h of [a, b]) {
      const answer = await h.query(LIST);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.restoreSessions.totalCount).toBe(80);
    }
  });
});
