import { encodeGlobalId } from '../../src/ids';
import { startHarness, GRAPH_ROUTES, VEEAM_ROUTES, type Harness } from '../support/harness';
import { ManualClock, until } from '../support/manualClock';
import { collect, waitFor, waitForSubscriptions, wsClient } from '../support/wsClient';
import { BoundedQueue } from '../../src/live/boundedQueue';

/** An index that reads new sessions every 0.1 s and live ones every 0.15 s: changes arrive quickly. */
const LIVE = (raw: Record<string, any>) => {
  raw.cache.listTtlSeconds = 0.1;
  raw.sync = { liveIntervalSeconds: 0.15 };
};

describe('subscriptions over graphql-ws', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      graph: { sessionCount: 20, lifecycle: { activatingMs: 400, perArtifactMs: 400, parallelArtifacts: 1 } },
      veeam: { sessionCount: 20 },
      configure: LIVE,
    });
  });
  afterAll(() => h.close());

  it('follows a Graph draft through ACTIVATING, RUNNING and a terminal status with progress increasing, then completes', async () => {
    const created = await h.query(
      `mutation { createGraphRestoreSession(input: { sourceId: "contoso", workload: ONEDRIVE, artifacts: [{ protectedResourceId: "d1", restorePointId: "d1-rp-1" }, { protectedResourceId: "d2", restorePointId: "d2-rp-1" }, { protectedResourceId: "fail-3", restorePointId: "fail-3-rp-1" }] }) { restoreSession { id } } }`,
    );
    const id = created.body.data.createGraphRestoreSession.restoreSession.id;
    const client = wsClient(h.url);
    try {
      const sub = collect<{ restoreSessionProgress: { status: string; progress: { completed: number; failed: number; total: number } } }>(
        client,
        `subscription($id: ID!) { restoreSessionProgress(id: $id) { status progress { completed failed total } } }`,
        { id },
      );
      await waitFor(() => sub.items.length > 0);
      expect(sub.items[0].restoreSessionProgress.status).toBe('DRAFT');
      expect((await h.query(`mutation($id: ID!) { activateRestoreSession(id: $id) { restoreSession { status } } }`, { id })).body.errors).toBeUndefined();
      await Promise.race([sub.done, new Promise((_, reject) => setTimeout(() => reject(new Error('no completion')), 15_000))]);
      expect(sub.errors).toEqual([]);
      const statuses = sub.items.map((i) => i.restoreSessionProgress.status);
      expect(statuses).toContain('ACTIVATING');
      expect(statuses).toContain('RUNNING');
      expect(statuses[statuses.length - 1]).toBe('COMPLETED_WITH_ISSUES');
      const done = sub.items.map((i) => i.restoreSessionProgress.progress.completed + i.restoreSessionProgress.progress.failed);
      for (let i = 1; i < done.length; i++) expect(done[i]).toBeGreaterThanOrEqual(done[i - 1]);
      expect(done[done.length - 1]).toBe(3);
      expect(new Set(done).size).toBeGreaterThan(2);
    } finally {
      await client.dispose();
    }
  });

  it('reports a Veeam session created upstream and then stopped through the gateway', async () => {
    const client = wsClient(h.url);
    try {
      const sub = collect<{ restoreSessionChanged: { kind: string; session: { vendorId: string; status: string } } }>(
        client,
        `subscription { restoreSessionChanged(filter: { vendors: [VEEAM] }) { kind session { vendorId status } } }`,
      );
      await waitForSubscriptions(h.http, 1);
      const record = h.veeam.addSession({ state: 'Working' });
      await waitFor(() => sub.items.some((i) => i.restoreSessionChanged.session.vendorId === record.id));
      expect(sub.items.find((i) => i.restoreSessionChanged.session.vendorId === record.id)?.restoreSessionChanged).toMatchObject({
        kind: 'CREATED',
        session: { status: 'RUNNING' },
      });
      await h.query(`mutation($id: ID!) { stopRestoreSession(id: $id) { restoreSession { id } } }`, { id: encodeGlobalId('vbo-eu', record.id) });
      await waitFor(() => sub.items.some((i) => i.restoreSessionChanged.kind === 'UPDATED' && i.restoreSessionChanged.session.vendorId === record.id));
      expect(
        sub.items
          .filter((i) => i.restoreSessionChanged.session.vendorId === record.id)
          .map((i) => [i.restoreSessionChanged.kind, i.restoreSessionChanged.session.status]),
      ).toEqual([
        ['CREATED', 'RUNNING'],
        ['UPDATED', 'COMPLETED'],
      ]);
      expect(sub.items.every((i) => i.restoreSessionChanged.session.vendorId !== undefined)).toBe(true);
      sub.stop();
    } finally {
      await client.dispose();
    }
  });

  it('tells a filtered subscriber when a session enters its filter (CREATED) and leaves it (REMOVED, with the new state)', async () => {
    const client = wsClient(h.url);
    try {
      const sub = collect<{ restoreSessionChanged: { kind: string; session: { vendorId: string; status: string } } }>(
        client,
        `subscription { restoreSessionChanged(filter: { vendors: [VEEAM], statuses: [FAILED] }) { kind session { vendorId status } } }`,
      );
      await waitForSubscriptions(h.http, 1);
      const record = h.veeam.addSession({ state: 'Working' });
      // Not FAILED yet: the subscriber hears nothing of it until it fails.
      await waitFor(() => (h.gateway.services.indexes.index('vbo-eu')?.get(record.id) ?? null) !== null);
      h.veeam.updateSession(record.id, { state: 'Stopped', result: 'Failed' });
      await waitFor(() => sub.items.some((i) => i.restoreSessionChanged.session.vendorId === record.id));
      h.veeam.updateSession(record.id, { state: 'Working' });
      await waitFor(() => sub.items.filter((i) => i.restoreSessionChanged.session.vendorId === record.id).length >= 2);
      expect(
        sub.items
          .filter((i) => i.restoreSessionChanged.session.vendorId === record.id)
          .map((i) => [i.restoreSessionChanged.kind, i.restoreSessionChanged.session.status]),
      ).toEqual([
        ['CREATED', 'FAILED'],
        ['REMOVED', 'RUNNING'],
      ]);
      sub.stop();
    } finally {
      await client.dispose();
    }
  });

  it('costs the upstreams nothing: 50 subscribers make the same calls as none, because changes come from the index', async () => {
    const clock = new ManualClock();
    const quiet = await startHarness({ clock, graph: { sessionCount: 30 }, veeam: { sessionCount: 30 } });
    try {
      const callsOver = async (subscribers: number) => {
        const clients = Array.from({ length: Math.ceil(subscribers / 10) }, () => wsClient(quiet.url));
        const subs = Array.from({ length: subscribers }, (_, i) => collect(clients[i % clients.length], 'subscription { restoreSessionChanged { kind } }'));
        await waitForSubscriptions(quiet.http, subscribers);
        quiet.resetCounters();
        for (let i = 0; i < 10; i++) await clock.advance(2_000); // 20 s of background sync
        await until(() => quiet.graph.server.counters.count(GRAPH_ROUTES.batch) >= 10, 'the live re-reads');
        const calls = {
          graphBatch: quiet.graph.server.counters.count(GRAPH_ROUTES.batch),
          graphList: quiet.graph.server.counters.count(GRAPH_ROUTES.list),
          veeamList: quiet.veeam.server.counters.count(VEEAM_ROUTES.list),
        };
        subs.forEach((sub) => sub.stop());
        await Promise.all(clients.map(async (c) => c.dispose()));
        return calls;
      };
      const none = await callsOver(0);
      const fifty = await callsOver(50);
      expect(fifty).toEqual(none);
    } finally {
      await quiet.close();
    }
  });

  it('limits subscriptions per connection and ends a subscriber that falls too far behind', async () => {
    const client = wsClient(h.url);
    try {
      const subs = Array.from({ length: 21 }, () => collect(client, 'subscription { restoreSessionChanged { kind } }'));
      await waitFor(() => subs.some((s) => s.errors.length > 0));
      const refused = subs.filter((s) => s.errors.length > 0);
      expect(refused).toHaveLength(1);
      expect(JSON.stringify(refused[0].errors)).toMatch(/At most 20 subscriptions per connection/);
      subs.forEach((s) => s.stop());
    } finally {
      await client.dispose();
    }
    let closed = false;
    const queue = new BoundedQueue<number>(3, () => (closed = true));
    for (let i = 0; i < 5; i++) queue.push(i);
    expect(closed).toBe(true);
    await expect(queue.next()).rejects.toThrow(/fell more than 3 updates behind/);
  });
});

describe('subscriptions with caller authentication', () => {
  it('authenticates in connection_init: refused without a key, served with a reader key', async () => {
    const key = 'subscriber-key-0123456789';
    const h = await startHarness({
      graph: { sessionCount: 3 },
      veeam: { sessionCount: 3 },
      configure: (raw) => {
        LIVE(raw);
        raw.auth = { mode: 'apiKey', apiKeys: [{ key, role: 'reader' }] };
      },
    });
    try {
      const anonymous = wsClient(h.url);
      const refused = collect(anonymous, 'subscription { restoreSessionChanged { kind } }');
      await refused.done;
      expect((refused.errors[0] as { code?: number }).code).toBe(4403);
      await anonymous.dispose();
      const reader = wsClient(h.url, { 'x-api-key': key });
      const id = encodeGlobalId('vbo-eu', [...h.veeam.sessions.values()].find((s) => s.state === 'Stopped')!.id);
      const sub = collect<{ restoreSessionProgress: { status: string } }>(reader, 'subscription($id: ID!) { restoreSessionProgress(id: $id) { status } }', {
        id,
      });
      await sub.done;
      expect(sub.errors).toEqual([]);
      expect(sub.items).toHaveLength(1); // already terminal: one answer, then complete
      await reader.dispose();
    } finally {
      await h.close();
    }
  });
});
