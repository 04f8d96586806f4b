import { startGraphSimulator, type GraphSimulator } from '../../src/simulators/msgraph/server';
import { call, form } from '../support/upstreamHttp';

const API = '/solutions/backupRestore';

describe('Microsoft Graph simulator', () => {
  let sim: GraphSimulator;
  let token: string;
  const auth = () => ({ authorization: `Bearer ${token}`, prefer: 'include-unknown-enum-members' });

  beforeAll(async () => {
    sim = await startGraphSimulator({
      sessionCount: 250,
      pageSize: 40,
      nextLinkStyle: 'alternate',
      lifecycle: { activatingMs: 1000, perArtifactMs: 1000, parallelArtifacts: 1 },
    });
    const answer = await call(sim.tokenUrl, {
      method: 'POST',
      ...form({ grant_type: 'client_credentials', client_id: sim.clientId, client_secret: sim.clientSecret, scope: 'https://graph.microsoft.com/.default' }),
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
    token = answer.json.access_token;
    expect(token.split('.')).toHaveLength(3);
  });
  afterAll(() => sim.close());

  describe('token endpoint', () => {
    it('rejects a wrong client secret with 401 invalid_client in the identity platform shape', async () => {
      const answer = await call(sim.tokenUrl, {
        method: 'POST',
        ...form({ grant_type: 'client_credentials', client_id: sim.clientId, client_secret: 'wrong', scope: 'https://graph.microsoft.com/.default' }),
      });
      expect(answer.status).toBe(401);
      expect(answer.json).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
      expect(answer.json.error_description).toMatch(/^AADSTS7000215/);
      expect(answer.json).toHaveProperty('trace_id');
      expect(answer.json).toHaveProperty('correlation_id');
    });

    it('rejects an unknown tenant, client, grant and scope with 400', async () => {
      const good = {
        grant_type: 'client_credentials',
        client_id: sim.clientId,
        client_secret: sim.clientSecret,
        scope: 'https://graph.microsoft.com/.default',
      };
      const otherTenant = sim.tokenUrl.replace(sim.tenantId, 'contoso.example');
      expect((await call(otherTenant, { method: 'POST', ...form(good) })).status).toBe(400);
      expect((await call(sim.tokenUrl, { method: 'POST', ...form({ ...good, client_id: 'nope' }) })).json.error).toBe('unauthorized_client');
      expect((await call(sim.tokenUrl, { method: 'POST', ...form({ ...good, grant_type: 'password' }) })).json.error).toBe('unsupported_grant_type');
      expect((await call(sim.tokenUrl, { method: 'POST', ...form({ ...good, scope: 'User.Read' }) })).json.error).toBe('invalid_scope');
    });

    it('answers 401 InvalidAuthenticationToken for a missing or expired token', async () => {
      const missing = await call(`${sim.apiBaseUrl}${API}/restoreSessions`);
      expect(missing.status).toBe(401);
      expect(missing.json.error.code).toBe('InvalidAuthenticationToken');
      expect(missing.json.error.innerError).toHaveProperty('request-id');

      const shortLived = await startGraphSimulator({ sessionCount: 1, tokenLifetimeSeconds: 60 });
      try {
        const t = await call(shortLived.tokenUrl, {
          method: 'POST',
          ...form({
            grant_type: 'client_credentials',
            client_id: shortLived.clientId,
            client_secret: shortLived.clientSecret,
            scope: 'https://graph.microsoft.com/.default',
          }),
        });
        const url = `${shortLived.apiBaseUrl}${API}/restoreSessions`;
        expect((await call(url, { headers: { authorization: `Bearer ${t.json.access_token}` } })).status).toBe(200);
        shortLived.clock.advance(61_000);
        const expired = await call(url, { headers: { authorization: `Bearer ${t.json.access_token}` } });
        expect(expired.status).toBe(401);
        expect(expired.json.error.message).toMatch(/expired/);
      } finally {
        await shortLived.close();
      }
    });
  });

  describe('listing', () => {
    it('pages with @odata.nextLink, alternating relative and absolute links, covering every session once', async () => {
      const seen = new Set<string>();
      let url: string | undefined = `${sim.apiBaseUrl}${API}/restoreSessions`;
      const styles: string[] = [];
      let pages = 0;
      while (url) {
        const answer = await call(url, { headers: auth() });
        expect(answer.status).toBe(200);
        expect(answer.json['@odata.context']).toMatch(/\$metadata#solutions\/backupRestore\/restoreSessions$/);
        for (const item of answer.json.value) seen.add(item.id);
        const next: string | undefined = answer.json['@odata.nextLink'];
        if (next) styles.push(next.startsWith('http') ? 'absolute' : 'relative');
        url = next ? (next.startsWith('http') ? next : `${sim.apiBaseUrl}${next}`) : undefined;
        pages++;
      }
      expect(seen.size).toBe(250);
      expect(pages).toBe(Math.ceil(250 / 40));
      expect(new Set(styles)).toEqual(new Set(['absolute', 'relative']));
    });

    it('sends polymorphic items with @odata.type, 7-digit timestamps and the odd values the notes describe', async () => {
      const all = sim.store.all().map((s) => sim.store.renderSession(s, true));
      const types = new Set(all.map((s) => s['@odata.type']));
      expect(types).toEqual(
        new Set([
          '#microsoft.graph.exchangeRestoreSession',
          '#microsoft.graph.oneDriveForBusinessRestoreSession',
          '#microsoft.graph.sharePointRestoreSession',
          '#microsoft.graph.sharepointRestoreSession',
        ]),
      );
      expect(new Set(all.map((s) => s.status))).toEqual(
        new Set(['draft', 'activating', 'active', 'completed', 'completedWithError', 'failed', 'unknownFutureValue']),
      );
      expect(all.some((s) => /\.\d{7}Z$/.test(String(s.createdDateTime)))).toBe(true);
      expect(all.some((s) => /\.\d{2}Z$/.test(String(s.createdDateTime)))).toBe(true);
      expect(all.some((s) => /\+02:00$/.test(String(s.createdDateTime)))).toBe(true);
      expect(all.some((s) => s.createdBy === null)).toBe(true);
      expect(all.some((s) => s.createdBy && !(s.createdBy as { user?: unknown }).user)).toBe(true);
      expect(all.some((s) => s.restoreSessionArtifactCount === null)).toBe(true);
      expect(all.some((s) => s.restoreJobType === null)).toBe(true);
    });

    it('sends failed only with Prefer: include-unknown-enum-members, as Graph does', async () => {
      const failed = sim.store.all().find((s) => s.status === 'failed');
      expect(failed).toBeDefined();
      const url = `${sim.apiBaseUrl}${API}/restoreSessions/${failed!.id}`;
      const withPrefer = await call(url, { headers: auth() });
      expect(withPrefer.json.status).toBe('failed');
      expect(withPrefer.headers['preference-applied']).toBe('include-unknown-enum-members');
      const without = await call(url, { headers: { authorization: `Bearer ${token}` } });
      expect(without.json.status).toBe('unknownFutureValue');
    });

    it('lists the typed collections with only their own workload', async () => {
      const answer = await call(`${sim.apiBaseUrl}${API}/exchangeRestoreSessions?$top=500`, { headers: auth() });
      expect(answer.status).toBe(200);
      expect(answer.json.value.length).toBeGreaterThan(0);
      expect(answer.json.value.every((s: { '@odata.type': string }) => s['@odata.type'] === '#microsoft.graph.exchangeRestoreSession')).toBe(true);
    });

    it('answers 400 InvalidRestoreSessionId and 404 RestoreSessionNotFound in Graph error shape', async () => {
      const bad = await call(`${sim.apiBaseUrl}${API}/restoreSessions/not-a-guid`, { headers: auth() });
      expect(bad.status).toBe(400);
      expect(bad.json.error.code).toBe('InvalidRestoreSessionId');
      const missing = await call(`${sim.apiBaseUrl}${API}/restoreSessions/00000000-0000-4000-8000-000000000000`, { headers: auth() });
      expect(missing.status).toBe(404);
      expect(missing.json.error.code).toBe('RestoreSessionNotFound');
      expect(missing.json.error.innerError['client-request-id']).toBeDefined();
    });
  });

  describe('create, activate, delete', () => {
    const create = (body: unknown) =>
      call(`${sim.apiBaseUrl}${API}/exchangeRestoreSessions`, {
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    it('creates a draft (201), activates it, and moves activating -> active -> completedWithError over simulated time', async () => {
      const created = await create({
        mailboxRestoreArtifacts: [
          { restorePoint: { id: 'mbx-1-rp-1' }, destinationType: 'new' },
          { restorePoint: { id: 'mbx-fail-rp-2' }, destinationType: 'new' },
        ],
      });
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({
        '@odata.type': '#microsoft.graph.exchangeRestoreSession',
        status: 'draft',
        restoreJobType: 'standard',
        restoreSessionArtifactCount: { total: 2, completed: 0, failed: 0, inProgress: 0 },
      });
      const id = created.json.id;

      const activated = await call(`${sim.apiBaseUrl}${API}/restoreSessions/${id}/activate`, { method: 'POST', headers: auth() });
      expect(activated.status).toBe(200);
      expect(activated.json.status).toBe('activating');

      const get = async () => (await call(`${sim.apiBaseUrl}${API}/restoreSessions/${id}`, { headers: auth() })).json;
      sim.clock.advance(1500);
      expect(await get()).toMatchObject({ status: 'active', restoreSessionArtifactCount: { total: 2, completed: 0, inProgress: 2 } });
      sim.clock.advance(1000);
      expect(await get()).toMatchObject({ status: 'active', restoreSessionArtifactCount: { completed: 1, inProgress: 1 } });
      sim.clock.advance(1000);
      const done = await get();
      expect(done).toMatchObject({ status: 'completedWithError', restoreSessionArtifactCount: { total: 2, completed: 1, failed: 1, inProgress: 0 } });
      expect(done.completedDateTime).toMatch(/Z$/);
      expect(done.error.code).toBe('PartialFailure');

      const artifacts = await call(`${sim.apiBaseUrl}${API}/exchangeRestoreSessions/${id}/mailboxRestoreArtifacts`, { headers: auth() });
      expect(artifacts.status).toBe(200);
      expect(artifacts.json.value.map((a: { status: string }) => a.status)).toEqual(['succeeded', 'failed']);
    });

    it('refuses to activate or delete a session that is not a draft (403 RestoreSessionActionNotAllowed)', async () => {
      const completed = sim.store.all().find((s) => s.status === 'completed')!;
      const activate = await call(`${sim.apiBaseUrl}${API}/restoreSessions/${completed.id}/microsoft.graph.activate`, { method: 'POST', headers: auth() });
      expect(activate.status).toBe(403);
      expect(activate.json.error.code).toBe('RestoreSessionActionNotAllowed');
      const del = await call(`${sim.apiBaseUrl}${API}/restoreSessions/${completed.id}`, { method: 'DELETE', headers: auth() });
      expect(del.status).toBe(403);
      expect(sim.store.get(completed.id)).toBeDefined();
    });

    it('deletes a draft with 204 and then answers 404', async () => {
      const created = await create({});
      expect(created.status).toBe(201);
      expect(created.json.restoreSessionArtifactCount.total).toBe(0);
      const del = await call(`${sim.apiBaseUrl}${API}/restoreSessions/${created.json.id}`, { method: 'DELETE', headers: auth() });
      expect(del.status).toBe(204);
      expect(del.text).toBe('');
      expect((await call(`${sim.apiBaseUrl}${API}/restoreSessions/${created.json.id}`, { headers: auth() })).status).toBe(404);
    });

    it('validates create bodies with Graph codes', async () => {
      expect((await create({ mailboxRestoreArtifacts: [] })).json.error.code).toBe('InvalidArtifactRequest');
      expect((await create({ mailboxRestoreArtifacts: [{ destinationType: 'new' }] })).json.error.code).toBe('InvalidRestorePoint');
      expect((await create({ mailboxRestoreArtifacts: [{ restorePoint: { id: 'a' } }, { restorePoint: { id: 'a' } }] })).json.error.code).toBe(
        'DuplicateArtifactInList',
      );
      expect(
        (
          await create({
            mailboxRestoreArtifacts: [
              { restorePoint: { id: 'a' }, destinationType: 'new' },
              { restorePoint: { id: 'b' }, destinationType: 'inPlace' },
            ],
          })
        ).json.error.code,
      ).toBe('DifferentRestoreDestinationType');
    });
  });

  describe('$batch', () => {
    const batchWithAuth = (requests: unknown[]) =>
      call(`${sim.apiBaseUrl}/$batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ requests }),
      });

    it('answers up to 20 requests with per-item status and body, correlated by id', async () => {
      const ids = sim.store
        .all()
        .slice(0, 20)
        .map((s) => s.id);
      ids[3] = '00000000-0000-4000-8000-000000000003';
      const answer = await batchWithAuth(
        ids.map((id, i) => ({ id: String(i + 1), method: 'GET', url: `${API}/restoreSessions/${id}`, headers: { prefer: 'include-unknown-enum-members' } })),
      );
      expect(answer.status).toBe(200);
      expect(answer.json.responses).toHaveLength(20);
      const byId = new Map(answer.json.responses.map((r: { id: string }) => [r.id, r]));
      expect((byId.get('1') as { status: number; body: { id: string } }).body.id).toBe(ids[0]);
      expect((byId.get('4') as { status: number; body: { error: { code: string } } }).status).toBe(404);
      expect((byId.get('4') as { body: { error: { code: string } } }).body.error.code).toBe('RestoreSessionNotFound');
      expect(answer.json.responses[0].id).not.toBe('1'); // not in request order: clients must correlate by id
    });

    it('refuses more than 20 requests and duplicate ids with 400 for the whole batch', async () => {
      const items = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: `${API}/restoreSessions` }));
      const tooMany = await batchWithAuth(items);
      expect(tooMany.status).toBe(400);
      expect(tooMany.json.error.code).toBe('BadRequest');
      const dup = await batchWithAuth([
        { id: 'a', method: 'GET', url: `${API}/restoreSessions` },
        { id: 'A', method: 'GET', url: `${API}/restoreSessions` },
      ]);
      expect(dup.status).toBe(400);
    });

    it('throttles items one by one with an inner 429 and Retry-After', async () => {
      sim.server.faults.update({ throttleCount: 2, retryAfter: '2.128' });
      try {
        const ids = sim.store
          .all()
          .slice(0, 5)
          .map((s) => s.id);
        const answer = await batchWithAuth(ids.map((id, i) => ({ id: String(i), method: 'GET', url: `${API}/restoreSessions/${id}` })));
        expect(answer.status).toBe(200);
        const throttled = answer.json.responses.filter((r: { status: number }) => r.status === 429);
        expect(throttled).toHaveLength(2);
        expect(throttled[0].headers['retry-after']).toBe('2.128');
        expect(throttled[0].body.error.code).toBe('TooManyRequests');
        expect(answer.json.responses.filter((r: { status: number }) => r.status === 200)).toHaveLength(3);
      } finally {
        sim.server.faults.reset();
      }
    });
  });
});
