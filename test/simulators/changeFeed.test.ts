import { startVeeamSimulator, type VeeamSimulator } from '../../src/simulators/veeam/server';
import { call, form, jsonBody, type HttpAnswer } from '../support/upstreamHttp';

type FeedEvent = { eventType: string; id: string; eTag?: number };

/** Resolves once `check` holds, polling on the event loop (for "the long poll is now waiting"). */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting until ${what}`);
}

async function login(sim: VeeamSimulator): Promise<Record<string, string>> {
  const answer = await call(`${sim.url}/v8/token`, {
    method: 'POST',
    ...form({ username: sim.username, password: sim.password, disable_antiforgery_token: 'true' }),
  });
  return { authorization: `Bearer ${answer.json.access_token}` };
}

describe('Veeam v8 change feed (GET /v8/Events)', () => {
  let sim: VeeamSimulator;
  let auth: Record<string, string>;
  const get = (path: string) => call(`${sim.url}${path}`, { headers: auth });
  const feed = (from: string, extra = '') => get(`/v8/Events?from=${encodeURIComponent(from)}${extra}`);
  /** Reads the feed from `token` page by page (limit 2) until it is empty; returns events and the last token. */
  const drain = async (token: string): Promise<{ events: FeedEvent[]; token: string; pages: number }> => {
    const events: FeedEvent[] = [];
    let pages = 0;
    for (;;) {
      const page = await feed(token, '&limit=2');
      expect(page.status).toBe(200);
      expect(page.json.limit).toBe(2);
      expect(page.json).not.toHaveProperty('offset');
      expect(page.json).not.toHaveProperty('totalCount');
      pages++;
      token = page.json.nextChangeToken;
      if (page.json.results.length === 0) return { events, token, pages };
      events.push(...page.json.results);
    }
  };

  beforeAll(async () => {
    sim = await startVeeamSimulator({ sessionCount: 40, tls: false });
    auth = await login(sim);
  });
  afterAll(() => sim.close());

  it('from=latest starts at the head with no backlog, even after many changes', async () => {
    for (let i = 0; i < 5; i++) sim.addSession({ state: 'Working' });
    const latest = await feed('latest');
    expect(latest.status).toBe(200);
    expect(latest.json.results).toEqual([]);
    expect(latest.json.limit).toBe(30);
    expect(typeof latest.json.nextChangeToken).toBe('string');
    const again = await feed(latest.json.nextChangeToken);
    expect(again.json.results).toEqual([]);
  });

  it('resumes from nextChangeToken: every change once, in order, none lost or repeated, eTags matching the sessions', async () => {
    const start = (await feed('latest')).json.nextChangeToken as string;
    const added = sim.addSession({ state: 'Working', type: 'Vesp' });
    const explored = await call(`${sim.url}/v8/Organizations/${sim.organizations[0].id}/explore`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"type":"Vex"}',
    });
    expect(explored.status).toBe(201);
    expect(explored.json.eTag).toBe(1);
    sim.updateSession(added.id, { result: 'Warning' });
    sim.updateSession(added.id, { result: 'Warning' }); // no change: no eTag bump, no event
    sim.updateSession(added.id, { state: 'Stopped' });
    expect((await call(`${sim.url}/v8/RestoreSessions/${explored.json.id}/Stop`, { method: 'POST', headers: auth })).status).toBe(204);
    const doomed = sim.addSession({ state: 'Stopped', result: 'Failed' });
    sim.removeSession(doomed.id);

    const first = await drain(start);
    expect(first.events).toEqual([
      { eventType: 'RestoreSessionUpdate', id: added.id, eTag: 1 },
      { eventType: 'RestoreSessionUpdate', id: explored.json.id, eTag: 1 },
      { eventType: 'RestoreSessionUpdate', id: added.id, eTag: 2 },
      { eventType: 'RestoreSessionUpdate', id: added.id, eTag: 3 },
      { eventType: 'RestoreSessionUpdate', id: explored.json.id, eTag: 2 },
      { eventType: 'RestoreSessionUpdate', id: doomed.id, eTag: 1 },
      { eventType: 'RestoreSessionDelete', id: doomed.id },
    ]);
    expect(first.pages).toBe(5); // 2 + 2 + 2 + 1 events, then the empty page
    for (const id of [added.id, explored.json.id]) {
      const session = await get(`/v8/RestoreSessions/${id}`);
      expect(session.json.eTag).toBe(Math.max(...first.events.filter((e) => e.id === id).map((e) => e.eTag ?? 0)));
    }
    expect((await get(`/v8/RestoreSessions/${doomed.id}`)).status).toBe(404);
    expect((await get(`/v8/RestoreSessions/${added.id}`)).json).toMatchObject({ state: 'Stopped', result: 'Warning', endTime: expect.stringMatching(/Z$/) });

    // The last token resumes exactly after the last event: a new change is the only one read.
    const later = sim.addSession();
    expect((await drain(first.token)).events).toEqual([{ eventType: 'RestoreSessionUpdate', id: later.id, eTag: 1 }]);
  });

  it('a long poll returns as soon as an event appears', async () => {
    const start = (await feed('latest')).json.nextChangeToken as string;
    const target = sim.addSession({ state: 'Working' });
    const afterAdd = (await drain(start)).token;
    const polling = feed(afterAdd, '&timeoutSeconds=20');
    await until(() => sim.changeFeed.waiting === 1, 'the long poll waits');
    sim.updateSession(target.id, { state: 'Stopped', result: 'Success' });
    const answer = await polling;
    expect(answer.status).toBe(200);
    expect(answer.json.results).toEqual([{ eventType: 'RestoreSessionUpdate', id: target.id, eTag: 2 }]);
    expect(sim.changeFeed.waiting).toBe(0);
  });

  it('a long poll that runs out answers results [] with a token that still works; timeoutSeconds is capped', async () => {
    const capped = await startVeeamSimulator({ sessionCount: 1, tls: false, changeFeedMaxWaitSeconds: 1 });
    try {
      const headers = await login(capped);
      const polled = await call(`${capped.url}/v8/Events?from=latest&timeoutSeconds=3600`, { headers });
      expect(polled.status).toBe(200);
      expect(polled.json.results).toEqual([]);
      const record = capped.addSession();
      const next = await call(`${capped.url}/v8/Events?from=${polled.json.nextChangeToken}`, { headers });
      expect(next.json.results).toEqual([{ eventType: 'RestoreSessionUpdate', id: record.id, eTag: 1 }]);
    } finally {
      await capped.close();
    }
  });

  it('refuses a token older than the retention, garbled or from another server with 400 (v8 error shape)', async () => {
    const small = await startVeeamSimulator({ sessionCount: 1, tls: false, changeFeedRetention: 3 });
    const other = await startVeeamSimulator({ sessionCount: 1, tls: false });
    try {
      const headers = await login(small);
      const old = (await call(`${small.url}/v8/Events?from=latest`, { headers })).json.nextChangeToken;
      small.addSession();
      small.addSession();
      small.addSession();
      expect((await call(`${small.url}/v8/Events?from=${old}`, { headers })).json.results).toHaveLength(3); // exactly within the retention
      small.addSession();
      const outdated = await call(`${small.url}/v8/Events?from=${old}`, { headers });
      expect(outdated.status).toBe(400);
      expect(outdated.json).toEqual({ message: expect.stringMatching(/outdated/), errorCode: 'OutdatedChangeToken' });
      const garbled = await call(`${small.url}/v8/Events?from=not-a-token`, { headers });
      expect(garbled.status).toBe(400);
      expect(garbled.json.errorCode).toBe('ParameterValidationFailure');
      const foreign = (await call(`${other.url}/v8/Events?from=latest`, { headers: await login(other) })).json.nextChangeToken;
      const fromOther = await call(`${small.url}/v8/Events?from=${foreign}`, { headers });
      expect(fromOther.status).toBe(400);
      expect(fromOther.json.errorCode).toBe('OutdatedChangeToken');
      // The way out: start again from latest.
      expect((await call(`${small.url}/v8/Events?from=latest`, { headers })).status).toBe(200);
    } finally {
      await Promise.all([small.close(), other.close()]);
    }
  });

  it('validates from, limit and timeoutSeconds', async () => {
    expect((await get('/v8/Events')).json).toEqual({ message: expect.stringMatching(/from/), errorCode: 'ParameterValidationFailure' });
    expect((await feed('latest', '&limit=0')).status).toBe(400);
    expect((await feed('latest', '&timeoutSeconds=-1')).status).toBe(400);
    expect((await feed('latest', '&limit=20000')).json.limit).toBe(10_000);
  });

  it('does not exist on v6 and v7 (the not-found 404)', async () => {
    const v8Missing = await get('/v8/NoSuchThing');
    for (const version of ['v6', 'v7']) {
      const answer = await get(`/${version}/Events?from=latest`);
      expect(answer.status).toBe(404);
      expect(answer.json.message).toBe(v8Missing.json.message.replace('/v8/NoSuchThing', `/${version}/Events`));
    }
  });

  it('can be unavailable (option or run-time switch): 404, the signal to fall back to polling; a pending long poll gets it too', async () => {
    const without = await startVeeamSimulator({ sessionCount: 1, tls: false, changeFeed: false });
    try {
      const answer = await call(`${without.url}/v8/Events?from=latest`, { headers: await login(without) });
      expect(answer.status).toBe(404);
      expect(answer.json).toEqual({ message: expect.stringContaining('No HTTP resource was found') });
    } finally {
      await without.close();
    }
    const polling = feed('latest', '&timeoutSeconds=20');
    await until(() => sim.changeFeed.waiting === 1, 'the long poll waits');
    expect((await call(`${sim.url}/_sim/changeFeed`, { method: 'PUT', ...jsonBody({ enabled: false }) })).json.enabled).toBe(false);
    expect((await polling).status).toBe(404);
    expect((await feed('latest')).status).toBe(404);
    sim.changeFeed.enabled = true;
    expect((await feed('latest')).status).toBe(200);
  });

  it('counts feed calls exactly', async () => {
    sim.server.counters.reset();
    const token = (await feed('latest')).json.nextChangeToken;
    await feed(token);
    await get('/v6/Events?from=latest');
    expect(sim.server.counters.count('GET /{version}/Events')).toBe(3);
  });

  it('ends pending long polls promptly on close()', async () => {
    const short = await startVeeamSimulator({ sessionCount: 1, tls: false });
    const headers = await login(short);
    const polling: Promise<HttpAnswer | Error> = call(`${short.url}/v8/Events?from=latest&timeoutSeconds=60`, { headers }).catch((err: Error) => err);
    await until(() => short.changeFeed.waiting === 1, 'the long poll waits');
    await short.close();
    const outcome = await polling; // settles now, not after 60 s (the test's own timeout would fail first)
    expect(outcome instanceof Error || outcome.json?.results?.length === 0).toBe(true);
    expect(short.changeFeed.waiting).toBe(0);
  }, 10_000);
});

describe('Veeam v8 GET /RestoreSessions ordering and end-time filters', () => {
  let sim: VeeamSimulator;
  let auth: Record<string, string>;
  const list = async (query: string) => {
    const answer = await call(`${sim.url}/${query}`, { headers: auth });
    expect(answer.status).toBe(200);
    return answer.json.results as Array<{ id: string; creationTime: string; endTime?: string | null; state: string }>;
  };
  const ms = (text: string) => Date.parse(text);

  beforeAll(async () => {
    sim = await startVeeamSimulator({ sessionCount: 150, tls: false });
    auth = await login(sim);
  });
  afterAll(() => sim.close());

  it('sorts by creationTime, newest first, by default; orderAsc=true reverses it; paging follows the order', async () => {
    const byTicks = [...sim.sessions.values()]
      .sort((a, b) => b.creation.ms - a.creation.ms || b.creation.ticks - a.creation.ticks || (b.id < a.id ? -1 : 1))
      .map((s) => s.id);
    const pages = [...(await list('v8/RestoreSessions?limit=100')), ...(await list('v8/RestoreSessions?limit=100&offset=100'))];
    expect(pages.map((s) => s.id)).toEqual(byTicks);
    const asc = [
      ...(await list('v8/RestoreSessions?limit=100&orderAsc=true&orderBy=CreationTime')),
      ...(await list('v8/RestoreSessions?limit=100&offset=100&orderAsc=true')),
    ];
    expect(asc.map((s) => s.id)).toEqual([...byTicks].reverse());
  });

  it('orderBy=EndTime sorts by endTime, Working sessions (no endTime) last when ascending', async () => {
    const sessions = await list('v8/RestoreSessions?limit=1000&orderBy=EndTime&orderAsc=true');
    const ended = sessions.filter((s) => s.endTime);
    const times = ended.map((s) => ms(s.endTime as string));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(sessions.slice(ended.length).every((s) => !s.endTime)).toBe(true);
    const desc = await list('v8/RestoreSessions?limit=1000&orderBy=endtime');
    expect(desc.map((s) => s.id)).toEqual(sessions.map((s) => s.id).reverse());
  });

  it('endTimeFrom/endTimeTo keep sessions that finished inside the range (Working ones have not finished)', async () => {
    const ends = [...sim.sessions.values()]
      .filter((s) => s.end)
      .map((s) => s.end!.ms)
      .sort((a, b) => a - b);
    const from = new Date(ends[10]).toISOString();
    const to = new Date(ends[40]).toISOString();
    const inside = await list(`v8/RestoreSessions?limit=1000&endTimeFrom=${from}&endTimeTo=${to}`);
    const expected = [...sim.sessions.values()].filter((s) => s.end && s.end.ms >= Date.parse(from) && s.end.ms <= Date.parse(to)).map((s) => s.id);
    expect(inside.map((s) => s.id).sort()).toEqual(expected.sort());
    expect(inside.every((s) => s.state !== 'Working')).toBe(true);
  });

  it('refuses an unknown orderBy or a non-boolean orderAsc; v6 ignores them and keeps its unordered results', async () => {
    const bad = await call(`${sim.url}/v8/RestoreSessions?orderBy=Name`, { headers: auth });
    expect(bad.status).toBe(400);
    expect(bad.json.errorCode).toBe('ParameterValidationFailure');
    expect((await call(`${sim.url}/v8/RestoreSessions?orderAsc=maybe`, { headers: auth })).status).toBe(400);
    const v6 = await list('v6/RestoreSessions?limit=50&orderBy=CreationTime&orderAsc=true&endTimeFrom=2000-01-01T00:00:00Z');
    expect(v6).toHaveLength(50);
    const times = v6.map((s) => ms(s.creationTime));
    expect(times).not.toEqual([...times].sort((a, b) => a - b));
    expect(times).not.toEqual([...times].sort((a, b) => b - a));
  });
});
