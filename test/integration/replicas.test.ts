import { startGraphSimulator, type GraphSimulator } from '../../src/simulators/msgraph/server';
import { startVeeamSimulator, type VeeamSimulator } from '../../src/simulators/veeam/server';
import { startHarnessGateway, GRAPH_ROUTES, type Harness } from '../support/harness';
import { ManualClock, until } from '../support/manualClock';
import { describeWithRedis, REDIS_URL, uniqueAccounts } from '../support/redis';

/** Accounts of this run's own (see uniqueAccounts). */
const accounts = uniqueAccounts();

/** Upstream calls (token requests aside) that keeping the index current costs over one simulated minute. */
async function callsPerMinute(replicas: number): Promise<{ graph: number; veeam: number }> {
  const clock = new ManualClock();
  const [graph, veeam]: [GraphSimulator, VeeamSimulator] = await Promise.all([
    startGraphSimulator({ sessionCount: 300, ...accounts.graph }),
    startVeeamSimulator({ sessionCount: 300, ...accounts.veeam }),
  ]);
  const gateways: Harness[] = [];
  try {
    for (let i = 0; i < replicas; i++)
      gateways.push(await startHarnessGateway(graph, veeam, { clock, configure: (raw) => (raw.cache.redis = { url: REDIS_URL }) }));
    const quiet = () => until(() => gateways.every((g) => !g.gateway.services.indexes.busy), 'the background reads to finish');
    await quiet();
    graph.server.counters.reset();
    veeam.server.counters.reset();
    for (let i = 0; i < 30; i++) {
      await clock.advance(2_000);
      await quiet();
    }
    const withoutTokens = (sim: GraphSimulator | VeeamSimulator, token: string) => sim.server.counters.total() - sim.server.counters.count(token);
    return { graph: withoutTokens(graph, GRAPH_ROUTES.token), veeam: withoutTokens(veeam, 'POST /{version}/token') };
  } finally {
    for (const g of gateways) await g.close();
    await Promise.all([graph.close(), veeam.close()]);
  }
}

describeWithRedis('replicas sharing the index through the real Redis', () => {
  it('three replicas make the same upstream calls per minute as one (only the lease holder reads a source)', async () => {
    const one = await callsPerMinute(1);
    const three = await callsPerMinute(3);
    expect(one.graph).toBeGreaterThan(10);
    expect(one.veeam).toBeGreaterThan(10);
    expect(Math.abs(three.graph - one.graph)).toBeLessThanOrEqual(Math.ceil(one.graph * 0.1));
    expect(Math.abs(three.veeam - one.veeam)).toBeLessThanOrEqual(Math.ceil(one.veeam * 0.1));
  }, 60_000);
});
