import { startGraphSimulator, type GraphSimulator } from '../../src/simulators/msgraph/server';
import { startVeeamSimulator, type VeeamSimulator } from '../../src/simulators/veeam/server';
import { startHarnessGateway, type Harness } from '../support/harness';
import { describeWithRedis, REDIS_URL } from '../support/redis';
import { collect, waitFor, wsClient } from '../support/wsClient';

describeWithRedis('subscriptions across two replicas sharing the real Redis', () => {
  let graph: GraphSimulator;
  let veeam: VeeamSimulator;
  let a: Harness;
  let b: Harness;

  beforeAll(async () => {
    [graph, veeam] = await Promise.all([startGraphSimulator({ sessionCount: 20 }), startVeeamSimulator({ sessionCount: 20 })]);
    const configure = (raw: Record<string, any>) => { // eslint-disable-line @typescript-eslint/no-explicit-any
      raw.cache.listTtlSeconds = 0.1;
      raw.cache.redis = { url: REDIS_URL };
      raw.subscriptions = { activeIntervalSeconds: 0.15, idleIntervalSeconds: 0.15, maxPerConnection: 20 };
    };
    a = await startHarnessGateway(graph, veeam, { configure });
    b = await startHarnessGateway(graph, veeam, { configure });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await Promise.all([graph?.close(), veeam?.close()]);
  });

  const polls = async (h: Harness, source: string) => Number(new RegExp(`gateway_subscription_polls_total\\{source="${source}"\\} (\\d+)`).exec((await h.http('/metrics')).text)?.[1] ?? 0);

  it('a subscriber on B sees a change first observed by A, and only one instance polls the source', async () => {
    const clientA = wsClient(a.url);
    const clientB = wsClient(b.url);
    try {
      // A subscribes first and takes the polling lease; B subscribes afterwards.
      const onA = collect(clientA, 'subscription { restoreSessionChanged(filter: { vendors: [VEEAM] }) { kind } }');
      await new Promise((resolve) => setTimeout(resolve, 500));
      const onB = collect<{ restoreSessionChanged: { kind: string; session: { vendorId: string; status: string } } }>(clientB, 'subscription { restoreSessionChanged(filter: { vendors: [VEEAM] }) { kind session { vendorId status } } }');
      await new Promise((resolve) => setTimeout(resolve, 400));
      const [aBefore, bBefore] = [await polls(a, 'vbo-eu'), await polls(b, 'vbo-eu')];
      const record = veeam.addSession({ state: 'Working' });
      await waitFor(() => onB.items.some((i) => i.restoreSessionChanged.session.vendorId === record.id));
      expect(onB.items.find((i) => i.restoreSessionChanged.session.vendorId === record.id)?.restoreSessionChanged.kind).toBe('CREATED');
      await new Promise((resolve) => setTimeout(resolve, 500));
      const [aPolls, bPolls] = [(await polls(a, 'vbo-eu')) - aBefore, (await polls(b, 'vbo-eu')) - bBefore];
      expect(aPolls).toBeGreaterThan(2);
      expect(bPolls).toBe(0);
      // Each subscriber got the change exactly once.
      expect(onB.items.filter((i) => i.restoreSessionChanged.session.vendorId === record.id)).toHaveLength(1);
      onA.stop();
      onB.stop();
    } finally {
      await clientA.dispose();
      await clientB.dispose();
    }
  });
});
