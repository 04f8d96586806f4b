import { startGraphSimulator, type GraphSimulator } from '../../src/simulators/msgraph/server';
import { startVeeamSimulator, type VeeamSimulator } from '../../src/simulators/veeam/server';
import { startSimulators } from '../../src/simulators/startSimulators';
import { TERMINAL_STATUSES } from '../../src/simulators/msgraph/records';
import { call, form, jsonBody, graphAccessToken } from '../support/upstreamHttp';

const B = '/solutions/backupRestore';

async function graphToken(sim: GraphSimulator): Promise<Record<string, string>> {
  const answer = await graphAccessToken(sim);
  return { authorization: `Bearer ${answer}`, prefer: 'include-unknown-enum-members' };
}

describe('Graph restore-session controls', () => {
  let sim: GraphSimulator;
  let headers: Record<string, string>;
  const get = async (id: string) => (await call(`${sim.apiBaseUrl}${B}/restoreSessions/${id}`, { headers })).json;

  beforeAll(async () => {
    sim = await startGraphSimulator({ sessionCount: 20 });
    headers = await graphToken(sim);
  });
  afterAll(() => sim.close());

  it('adds a session of any status and workload with a chosen createdDateTime', async () => {
    const failed = sim.store.addSession({ workload: 'sharePoint', status: 'failed', createdDateTime: '2025-12-24T08:00:00Z', artifactCount: 4 });
    expect(await get(failed.id)).toMatchObject({
      '@odata.type': '#microsoft.graph.sharePointRestoreSession',
      status: 'failed',
      createdDateTime: '2025-12-24T08:00:00.0000000Z',
      restoreSessionArtifactCount: { total: 4, completed: 0, failed: 4, inProgress: 0 },
      completedDateTime: expect.stringMatching(/Z$/),
      error: { code: 'RestoreFailed' },
    });
    const active = sim.store.addSession({ workload: 'oneDrive', status: 'active', artifactCount: 6 });
    expect((await get(active.id)).restoreSessionArtifactCount).toMatchObject({ total: 6, inProgress: 5, completed: 1 });
    const artifacts = await call(`${sim.apiBaseUrl}${B}/oneDriveForBusinessRestoreSessions/${active.id}/driveRestoreArtifacts`, { headers });
    expect(artifacts.json.value).toHaveLength(6);
    const counted = sim.store.addSession({ workload: 'exchange', status: 'completedWithError', counts: { total: 10, completed: 7, failed: 3 } });
    expect((await get(counted.id)).restoreSessionArtifactCount).toEqual({ total: 10, completed: 7, failed: 3, inProgress: 0 });
  });

  it('changes status and counts, also of a session running the lifecycle, and removes any session', async () => {
    const draft = sim.store.addSession({
      workload: 'exchange',
      artifacts: [
        { restorePointId: 'mbx-7-rp-1', destinationType: 'new' },
        { restorePointId: 'mbx-8-rp-1', destinationType: 'new' },
      ],
    });
    expect((await get(draft.id)).status).toBe('draft');
    expect((await call(`${sim.apiBaseUrl}${B}/restoreSessions/${draft.id}/activate`, { method: 'POST', headers })).status).toBe(200);
    sim.clock.advance(3_500);
    expect((await get(draft.id)).status).toBe('active');
    sim.store.updateSession(draft.id, { counts: { completed: 1, inProgress: 1 } });
    sim.clock.advance(60_000); // frozen: no longer follows the clock
    expect(await get(draft.id)).toMatchObject({ status: 'active', restoreSessionArtifactCount: { total: 2, completed: 1, inProgress: 1, failed: 0 } });
    sim.store.updateSession(draft.id, { status: 'completedWithError' });
    expect(await get(draft.id)).toMatchObject({
      status: 'completedWithError',
      restoreSessionArtifactCount: { total: 2, completed: 1, failed: 1, inProgress: 0 },
      error: { code: 'PartialFailure' },
    });

    const seeded = sim.store.all().find((s) => s.status === 'completed')!;
    sim.store.updateSession(seeded.id, { status: 'failed' });
    expect((await get(seeded.id)).status).toBe('failed');
    expect(sim.store.removeSession(seeded.id)).toBe(true);
    expect((await call(`${sim.apiBaseUrl}${B}/restoreSessions/${seeded.id}`, { headers })).status).toBe(404);
    expect(sim.store.removeSession(seeded.id)).toBe(false);
    expect(() => sim.store.updateSession(seeded.id, { status: 'completed' })).toThrow(RangeError);
  });

  it('offers the same controls over /_sim/sessions', async () => {
    const added = await call(`${sim.url}/_sim/sessions`, {
      method: 'POST',
      ...jsonBody({ workload: 'exchange', status: 'active', createdDateTime: '2026-11-30T10:00:00Z' }),
    });
    expect(added.status).toBe(201);
    const patched = await call(`${sim.url}/_sim/sessions/${added.json.id}`, { method: 'PATCH', ...jsonBody({ status: 'completed' }) });
    expect(patched.json.status).toBe('completed');
    expect((await call(`${sim.url}/_sim/sessions/${added.json.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(sim.store.get(added.json.id)).toBeUndefined();
  });
});

describe('churn', () => {
  it('Graph: deterministic under the seed; drafts are activated, run on the simulated clock to a terminal status; the total stays put', async () => {
    const [a, b, other] = await Promise.all([
      startGraphSimulator({ sessionCount: 60, seed: 11 }),
      startGraphSimulator({ sessionCount: 60, seed: 11 }),
      startGraphSimulator({ sessionCount: 60, seed: 12 }),
    ]);
    try {
      const run = (sim: GraphSimulator) => Array.from({ length: 12 }, () => sim.churn.step());
      const stepsA = run(a);
      expect(run(b)).toEqual(stepsA);
      expect(run(other)).not.toEqual(stepsA);
      expect(stepsA.every((s) => s.added.length === 1)).toBe(true);
      expect(stepsA.slice(1).every((s) => s.advanced.length === 1)).toBe(true);
      expect(a.store.size).toBe(60);
      const render = (sim: GraphSimulator) =>
        sim.store
          .all()
          .map((s) => sim.store.renderSession(s, true))
          .sort((x, y) => String(x.id).localeCompare(String(y.id)));
      const [ra, rb] = [render(a), render(b)].map((list) => list.map(({ lastModifiedDateTime, completedDateTime, createdDateTime, ...rest }) => rest));
      expect(rb).toEqual(ra);

      // The lifecycle: a churned draft is activated by the next event, then moves with the clock.
      const headers = await graphToken(a);
      const first = stepsA[0].added[0];
      const seen = new Set<string>();
      for (let i = 0; i < 12; i++) {
        const session = (await call(`${a.apiBaseUrl}${B}/restoreSessions/${first}`, { headers })).json;
        seen.add(session.status);
        a.clock.advance(2_000);
      }
      expect(seen.has('active')).toBe(true);
      expect([...seen].some((s) => TERMINAL_STATUSES.has(s as never))).toBe(true);

      // Many more events: churned sessions finish and old terminal ones go, the total never grows.
      for (let i = 0; i < 60; i++) {
        a.churn.step();
        a.clock.advance(10_000);
        expect(a.store.size).toBe(60);
      }
      const outcomes = a.store
        .all()
        .filter((s) => s.activatedAtMs !== undefined)
        .map((s) => a.store.view(s).status);
      expect(outcomes.filter((status) => status === 'completed').length).toBeGreaterThan(5);
      expect(outcomes.some((status) => status === 'completedWithError' || status === 'failed')).toBe(true);
    } finally {
      await Promise.all([a.close(), b.close(), other.close()]);
    }
  });

  it('Veeam: deterministic; Working sessions appear and stop, old Stopped ones go; every change is on the v8 feed', async () => {
    const [a, b] = await Promise.all([
      startVeeamSimulator({ sessionCount: 50, seed: 5, tls: false }),
      startVeeamSimulator({ sessionCount: 50, seed: 5, tls: false }),
    ]);
    try {
      const token = a.changeFeed.latestToken();
      const stepsA = Array.from({ length: 25 }, () => a.churn.step());
      expect(Array.from({ length: 25 }, () => b.churn.step())).toEqual(stepsA);
      expect(a.sessions.size).toBe(50);
      const states = (sim: VeeamSimulator) => [...sim.sessions.values()].map((s) => `${s.id}:${s.state}:${s.result}:${s.eTag}`).sort();
      expect(states(b)).toEqual(states(a));
      const stopped = stepsA.flatMap((s) => s.advanced);
      expect(stopped.length).toBeGreaterThan(15);
      expect(new Set(stopped.filter((id) => a.sessions.has(id)).map((id) => a.sessions.get(id)!.state))).toEqual(new Set(['Stopped']));

      const auth = {
        authorization: `Bearer ${(await call(`${a.url}/v8/token`, { method: 'POST', ...form({ username: a.username, password: a.password }) })).json.access_token}`,
      };
      const feed = await call(`${a.url}/v8/Events?from=${token}&limit=1000`, { headers: auth });
      const events = feed.json.results as Array<{ eventType: string; id: string }>;
      const added = stepsA.flatMap((s) => s.added);
      const removed = stepsA.flatMap((s) => s.removed);
      expect(events.filter((e) => e.eventType === 'RestoreSessionDelete').map((e) => e.id)).toEqual(removed);
      expect(events.filter((e) => e.eventType === 'RestoreSessionUpdate')).toHaveLength(added.length + stopped.length);
      expect(removed.length).toBe(25);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('runs on a wall-clock timer at the chosen rate, stops, and is stopped by close(); startSimulators and the control route turn it on', async () => {
    const sim = await startVeeamSimulator({ sessionCount: 10, tls: false });
    sim.churn.start(6_000); // one event every 10 ms
    for (let i = 0; i < 200 && sim.churn.stepCount < 3; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sim.churn.stepCount).toBeGreaterThanOrEqual(3);
    sim.churn.stop();
    expect(sim.churn.running).toBe(false);
    const after = sim.churn.stepCount;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sim.churn.stepCount).toBe(after);
    const set = await call(`${sim.url}/_sim/churn`, { method: 'PUT', ...jsonBody({ ratePerMinute: 30 }) });
    expect(set.json.ratePerMinute).toBe(30);
    expect(sim.churn.running).toBe(true);
    expect((await call(`${sim.url}/_sim/churn/step`, { method: 'POST' })).json.added).toHaveLength(1);
    await sim.close();
    expect(sim.churn.running).toBe(false);

    const pair = await startSimulators({ graph: { sessionCount: 5 }, veeam: { sessionCount: 5, tls: false }, churn: 12 });
    try {
      expect([pair.graph.churn.rate, pair.veeam.churn.rate]).toEqual([12, 12]);
    } finally {
      await pair.close();
    }
    expect(pair.graph.churn.running || pair.veeam.churn.running).toBe(false);
    expect(() => pair.graph.churn.start(-1)).toThrow(RangeError);
  });
});
