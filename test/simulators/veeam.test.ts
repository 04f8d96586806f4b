import { readFileSync } from 'node:fs';
import { startVeeamSimulator, type VeeamSimulator } from '../../src/simulators/veeam/server';
import { call, form } from '../support/upstreamHttp';

describe('Veeam VB365 simulator', () => {
  let sim: VeeamSimulator;
  let token: string;
  let refresh: string;
  const get = (path: string) => call(`${sim.url}${path}`, { headers: { authorization: `Bearer ${token}` }, ca: sim.caPem });

  beforeAll(async () => {
    sim = await startVeeamSimulator({ sessionCount: 120, maxPageSize: 50 });
    const answer = await call(`${sim.url}/v6/token`, {
      method: 'POST',
      ...form({ grant_type: 'password', username: sim.username, password: sim.password }),
      ca: sim.caPem,
    });
    expect(answer.status).toBe(200);
    token = answer.json.access_token;
    refresh = answer.json.refresh_token;
  });
  afterAll(() => sim.close());

  describe('TLS', () => {
    it('serves HTTPS with a certificate signed by the CA file it wrote', async () => {
      expect(sim.url).toMatch(/^https:\/\//);
      const ca = readFileSync(sim.caFile!, 'utf8');
      expect(ca).toContain('BEGIN CERTIFICATE');
      const answer = await call(`${sim.url}/v6/RestoreSessions`, { headers: { authorization: `Bearer ${token}` }, ca });
      expect(answer.status).toBe(200);
    });

    it('is refused by a client that does not trust the CA', async () => {
      await expect(call(`${sim.url}/v6/RestoreSessions`)).rejects.toThrow(/certificate/i);
    });

    it('can serve plain HTTP for benchmarks', async () => {
      const plain = await startVeeamSimulator({ sessionCount: 1, tls: false });
      try {
        expect(plain.url).toMatch(/^http:\/\//);
        expect((await call(`${plain.url}/v6/token`, { method: 'POST', ...form({ username: plain.username, password: plain.password }) })).status).toBe(200);
      } finally {
        await plain.close();
      }
    });
  });

  describe('token grants', () => {
    it('answers the password grant with expires_in, refresh_token and userName', async () => {
      const answer = await call(`${sim.url}/v6/token`, {
        method: 'POST',
        ...form({ grant_type: 'password', username: sim.username, password: sim.password }),
        ca: sim.caPem,
      });
      expect(answer.json).toMatchObject({ token_type: 'bearer', expires_in: 3600, userName: sim.username });
      expect(typeof answer.json.refresh_token).toBe('string');
    });

    it('rejects bad credentials with 400 invalid_grant (OAuth shape, not {message})', async () => {
      const answer = await call(`${sim.url}/v6/token`, {
        method: 'POST',
        ...form({ grant_type: 'password', username: sim.username, password: 'nope' }),
        ca: sim.caPem,
      });
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ error: 'invalid_grant', error_description: 'The user name or password is incorrect.' });
    });

    it('renews through the refresh_token grant with a new pair; the old refresh token is spent', async () => {
      const renewed = await call(`${sim.url}/v6/token`, { method: 'POST', ...form({ grant_type: 'refresh_token', refresh_token: refresh }), ca: sim.caPem });
      expect(renewed.status).toBe(200);
      expect(renewed.json.refresh_token).not.toBe(refresh);
      const again = await call(`${sim.url}/v6/token`, { method: 'POST', ...form({ grant_type: 'refresh_token', refresh_token: refresh }), ca: sim.caPem });
      expect(again.status).toBe(400);
      token = renewed.json.access_token;
      refresh = renewed.json.refresh_token;
    });

    it('on v8 refuses a refresh without disable_antiforgery_token=true', async () => {
      const login = await call(`${sim.url}/v8/token`, {
        method: 'POST',
        ...form({ grant_type: 'password', username: sim.username, password: sim.password, disable_antiforgery_token: 'true' }),
        ca: sim.caPem,
      });
      const without = await call(`${sim.url}/v8/token`, {
        method: 'POST',
        ...form({ grant_type: 'refresh_token', refresh_token: login.json.refresh_token }),
        ca: sim.caPem,
      });
      expect(without.status).toBe(400);
      const withFlag = await call(`${sim.url}/v8/token`, {
        method: 'POST',
        ...form({ grant_type: 'refresh_token', refresh_token: login.json.refresh_token, disable_antiforgery_token: 'true' }),
        ca: sim.caPem,
      });
      expect(withFlag.status).toBe(200);
    });

    it('answers 401 with {message} for a missing or expired access token', async () => {
      const missing = await call(`${sim.url}/v6/RestoreSessions`, { ca: sim.caPem });
      expect(missing.status).toBe(401);
      expect(missing.json.message).toMatch(/denied/);
      const login = await call(`${sim.url}/v6/token`, { method: 'POST', ...form({ username: sim.username, password: sim.password }), ca: sim.caPem });
      sim.clock.advance(3601_000);
      const expired = await call(`${sim.url}/v6/RestoreSessions`, { headers: { authorization: `Bearer ${login.json.access_token}` }, ca: sim.caPem });
      expect(expired.status).toBe(401);
      const relogin = await call(`${sim.url}/v6/token`, { method: 'POST', ...form({ username: sim.username, password: sim.password }), ca: sim.caPem });
      token = relogin.json.access_token;
    });
  });

  describe('restore sessions', () => {
    it('pages with offset/limit, a relative _links.next while more remain, and caps limit at the server maximum', async () => {
      const ids = new Set<string>();
      let path: string | undefined = '/v6/RestoreSessions?limit=35';
      let pages = 0;
      while (path) {
        const answer = await get(path);
        expect(answer.status).toBe(200);
        expect(answer.json).toHaveProperty('setId');
        expect(answer.json.totalCount).toBe(120);
        for (const s of answer.json.results) ids.add(s.id);
        path = answer.json._links.next?.href;
        if (path) expect(path).toMatch(/^\/v6\/RestoreSessions\?/);
        pages++;
      }
      expect(ids.size).toBe(120);
      expect(pages).toBe(4);
      const capped = await get('/v6/RestoreSessions?limit=5000');
      expect(capped.json.limit).toBe(50);
      expect(capped.json.results).toHaveLength(50);
    });

    it('defaults limit to 30 and does not order results by time', async () => {
      const answer = await get('/v6/RestoreSessions');
      expect(answer.json.limit).toBe(30);
      const times = answer.json.results.map((s: { creationTime: string }) => Date.parse(s.creationTime));
      const sorted = [...times].sort((a, b) => b - a);
      expect(times).not.toEqual(sorted);
    });

    it('filters by startTimeFrom/startTimeTo on creationTime', async () => {
      const all = [...sim.sessions.values()].map((s) => s.creation.ms).sort((a, b) => a - b);
      const from = new Date(all[40]).toISOString();
      const to = new Date(all[79]).toISOString();
      const answer = await get(`/v6/RestoreSessions?limit=50&startTimeFrom=${from}&startTimeTo=${to}`);
      for (const s of answer.json.results) {
        const t = Date.parse(s.creationTime);
        expect(t).toBeGreaterThanOrEqual(all[40]);
        expect(t).toBeLessThanOrEqual(all[79] + 1);
      }
      expect(answer.json.results.length).toBeGreaterThanOrEqual(39);
    });

    it('sends 7-digit timestamps, both Working-with-result and omitted or null endTime', async () => {
      const answer = await get('/v6/RestoreSessions?limit=50');
      const all = [
        ...answer.json.results,
        ...(await get('/v6/RestoreSessions?limit=50&offset=50')).json.results,
        ...(await get('/v6/RestoreSessions?limit=50&offset=100')).json.results,
      ];
      expect(all.every((s: { creationTime: string }) => /\.\d{7}Z$/.test(s.creationTime))).toBe(true);
      const working = all.filter((s: { state: string }) => s.state === 'Working');
      expect(working.some((s: Record<string, unknown>) => !('endTime' in s))).toBe(true);
      expect(working.some((s: Record<string, unknown>) => s.endTime === null)).toBe(true);
      expect(new Set(all.map((s: { type: string }) => s.type))).toEqual(new Set(['Vex', 'Veod', 'Vesp', 'Vet']));
      expect(new Set(all.map((s: { result: string }) => s.result))).toEqual(new Set(['Success', 'Warning', 'Failed']));
    });

    it('answers get, events (paged, in order), organization, and 404 {message} for an unknown id', async () => {
      const session = [...sim.sessions.values()].find((s) => s.eventCount > 35)!;
      const one = await get(`/v6/RestoreSessions/${session.id}`);
      expect(one.json.id).toBe(session.id);
      const lower = await call(`${sim.url}/v6/restoresessions/${session.id}/events`, { headers: { authorization: `Bearer ${token}` }, ca: sim.caPem });
      expect(lower.status).toBe(200); // paths are case-insensitive
      expect(lower.json.results).toHaveLength(30);
      expect(lower.json._links.next.href).toContain('offset=30');
      expect(lower.json.results.map((e: { order: number }) => e.order)).toEqual(Array.from({ length: 30 }, (_, i) => i));
      const org = await get(`/v6/RestoreSessions/${session.id}/organization`);
      expect(org.json).toMatchObject({ id: session.organizationId, name: session.organizationName });
      const missing = await get('/v6/RestoreSessions/00000000-0000-4000-8000-000000000000');
      expect(missing.status).toBe(404);
      expect(missing.json).toEqual({ message: expect.stringContaining('was not found') });
      const missingV8 = await get('/v8/RestoreSessions/00000000-0000-4000-8000-000000000000');
      expect(missingV8.json.errorCode).toBe('ResourceNotFound');
    });

    it('lists organisations as an array on v6 and a page on v8, without the removed one', async () => {
      const v6 = await get('/v6/Organizations?extendedView=false');
      expect(Array.isArray(v6.json)).toBe(true);
      expect(v6.json.map((o: { name: string }) => o.name)).not.toContain('litware-legacy.onmicrosoft.com');
      expect(v6.json[0]).not.toHaveProperty('lastBackuptime');
      const v8 = await get('/v8/Organizations');
      expect(v8.json).toMatchObject({ offset: 0, results: expect.any(Array) });
    });

    it('v8 answers Statistics and eTag; v6 has no Statistics', async () => {
      const session = [...sim.sessions.values()][0];
      const v8 = await get(`/v8/RestoreSessions/${session.id}/Statistics`);
      expect(v8.json).toMatchObject({ totalItemsCount: session.stats.total, restoredItemsCount: session.stats.restored });
      expect((await get(`/v8/RestoreSessions/${session.id}`)).json.eTag).toBe(session.eTag);
      expect((await get(`/v6/RestoreSessions/${session.id}/Statistics`)).status).toBe(404);
    });
  });

  describe('explore and stop', () => {
    it('explores an organisation into a new Working session (200 on v6, 201 on v8) and stops it (200 empty / 204)', async () => {
      const org = sim.organizations[0];
      const v6 = await call(`${sim.url}/v6/Organizations/${org.id}/explore`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'Veod', dateTime: null }),
        ca: sim.caPem,
      });
      expect(v6.status).toBe(200);
      expect(v6.json).toMatchObject({ state: 'Working', type: 'Veod', organization: org.name, initiatedBy: sim.username });
      const stop = await call(`${sim.url}/v6/RestoreSessions/${v6.json.id}/Stop`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        ca: sim.caPem,
      });
      expect(stop.status).toBe(200);
      expect(stop.text).toBe('');
      expect((await get(`/v6/RestoreSessions/${v6.json.id}`)).json.state).toBe('Stopped');
      const again = await call(`${sim.url}/v6/RestoreSessions/${v6.json.id}/Stop`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        ca: sim.caPem,
      });
      expect(again.status).toBe(400);
      expect(again.json.message).toMatch(/not running/);

      const job = sim.jobs[0];
      const v8 = await call(`${sim.url}/v8/Jobs/${job.id}/explore`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'Vex' }),
        ca: sim.caPem,
      });
      expect(v8.status).toBe(201);
      const stop8 = await call(`${sim.url}/v8/RestoreSessions/${v8.json.id}/Stop`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        ca: sim.caPem,
      });
      expect(stop8.status).toBe(204);
    });
  });
});
