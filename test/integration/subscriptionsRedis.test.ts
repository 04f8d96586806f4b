import { startGraphSimulator, type GraphSimulator } from '../../src/simulators/msgraph/server';
import { startVeeamSimulator, type VeeamSimulator } from '../../src/simulators/veeam/server';
import { startHarnessGateway, type Harness } from '../support/harness';
import { describeWithRedis, REDIS_URL, uniqueAccounts } from '../support/redis';
import { collect, waitFor, waitForSubscriptions, wsClient } from '../support/wsClient';

/** Accounts of this run's own (see uniqueAccounts). */
const accounts = uniqueAccounts();

describeWithRedis('subscriptions across two replicas sharing the real Redis', () => {
  let graph: GraphSimulator;
  let veeam: VeeamSimulator;
  let a: Harness;
  let b: Harness;

  beforeAll(async () => {
    [graph, veeam] = await Promise.all([
      startGraphSimulator({ sessionCount: 20, ...accounts.graph }),
      startVeeamSimulator({ sessionCount: 20, ...accounts.veeam }),
    ]);
    const configure = (raw: Record<string, any>) => {
      raw.cache.listTtlSeconds = 0.1;
      raw.cache.redis = { url: REDIS_URL };
      raw.sync = { liveIntervalSeconds: 0.15 };
    };
    a = await startHarnessGateway(graph, veeam, { configure });
    b = await startHarnessGateway(graph, veeam, { configure });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await Promise.all([graph?.close(), veeam?.close()]);
  });

  /** List reads one gateway made of the Veeam source, from its own metrics. */
  const listReads = async (h: Harness) =>
    (await h.http('/metrics')).text
      .split('\n')
      .filter((l) => l.startsWith('gateway_upstream_requests_total{source="vbo-eu"') && l.includes('route="GET /RestoreSessions"'))
      .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);

  it('a subscriber on each replica hears a change exactly once, while only one replica reads the source', async () => {
    const clientA = wsClient(a.url);
    const clientB = wsClient(b.url);
    try {
      const query = 'subscription { restoreSessionChanged(filter: { vendors: [VEEAM] }) { kind session { vendorId status } } }';
      const onA = collect<{ restoreSessionChanged: { kind: string; session: { vendorId: string; status: string } } }>(clientA, query);
      const onB = collect<{ restoreSessionChanged: { kind: string; session: { vendorId: string; status: string } } }>(clientB, query);
      await Promise.all([waitForSubscriptions(a.http, 1), waitForSubscriptions(b.http, 1)]);
      const record = veeam.addSession({ state: 'Working' });
      const heard = (sub: typeof onA) => sub.items.filter((i) => i.restoreSessionChanged.session.vendorId === record.id);
      await waitFor(() => heard(onA).length > 0 && heard(onB).length > 0);
      await new Promise((resolve) => setTimeout(resolve, 500)); // time for any duplicate to arrive
      for (const sub of [onA, onB]) expect(heard(sub).map((i) => i.restoreSessionChanged.kind)).toEqual(['CREATED']);
      const reads = [await listReads(a), await listReads(b)];
      expect(reads.filter((n) => n > 0)).toHaveLength(1);
      onA.stop();
      onB.stop();
    } finally {
      await clientA.dispose();
      await clientB.dispose();
    }
  });
});
