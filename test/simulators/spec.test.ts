import { startGraphSimulator, type GraphSimulator } from '../../src/simulators/msgraph/server';
import { startVeeamSimulator, type VeeamSimulator } from '../../src/simulators/veeam/server';
import { call, form } from '../support/upstreamHttp';
import { describeWithShared } from '../support/sharedDir';
import { loadSpecValidator, type SpecValidator } from '../support/specValidator';

const B = '/solutions/backupRestore';

describeWithShared('simulators answer in the shapes of the vendors’ OpenAPI documents', () => {
  describe('Microsoft Graph v1.0', () => {
    let sim: GraphSimulator;
    let spec: SpecValidator;
    let headers: Record<string, string>;
    const expectValid = (method: string, template: string, status: number, body: unknown) => expect(spec.check(method, template, status, body)).toBeNull();

    beforeAll(async () => {
      spec = loadSpecValidator('msgraph-backuprestore-v1.0.restore-sessions.yaml', { graphRelaxations: true });
      sim = await startGraphSimulator({ sessionCount: 400, pageSize: 1000 });
      const token = await call(sim.tokenUrl, { method: 'POST', ...form({ grant_type: 'client_credentials', client_id: sim.clientId, client_secret: sim.clientSecret, scope: 'https://graph.microsoft.com/.default' }) });
      headers = { authorization: `Bearer ${token.json.access_token}`, prefer: 'include-unknown-enum-members' };
    });
    afterAll(() => sim.close());

    it('catches a wrong shape (the validator is not a no-op)', () => {
      expect(spec.check('get', `${B}/restoreSessions/{restoreSessionBase-id}`, 200, { id: 5, status: 'exploded' })).not.toBeNull();
    });

    it('list, get and typed lists/gets for every seeded session', async () => {
      const list = await call(`${sim.apiBaseUrl}${B}/restoreSessions`, { headers });
      expect(list.json.value).toHaveLength(400);
      expectValid('get', `${B}/restoreSessions`, 200, list.json);
      const withoutPrefer = await call(`${sim.apiBaseUrl}${B}/restoreSessions`, { headers: { authorization: headers.authorization } });
      expectValid('get', `${B}/restoreSessions`, 200, withoutPrefer.json);
      for (const item of list.json.value.slice(0, 30)) {
        const one = await call(`${sim.apiBaseUrl}${B}/restoreSessions/${item.id}`, { headers });
        expectValid('get', `${B}/restoreSessions/{restoreSessionBase-id}`, 200, one.json);
      }
      for (const [collection, param] of [['exchangeRestoreSessions', 'exchangeRestoreSession-id'], ['oneDriveForBusinessRestoreSessions', 'oneDriveForBusinessRestoreSession-id'], ['sharePointRestoreSessions', 'sharePointRestoreSession-id']]) {
        const typed = await call(`${sim.apiBaseUrl}${B}/${collection}`, { headers });
        expectValid('get', `${B}/${collection}`, 200, typed.json);
        const one = await call(`${sim.apiBaseUrl}${B}/${collection}/${typed.json.value[0].id}`, { headers });
        expectValid('get', `${B}/${collection}/{${param}}`, 200, one.json);
      }
    });

    it('artifact collections of every workload, seeded and activated', async () => {
      for (const [collection, artifacts, param] of [
        ['exchangeRestoreSessions', 'mailboxRestoreArtifacts', 'exchangeRestoreSession-id'],
        ['oneDriveForBusinessRestoreSessions', 'driveRestoreArtifacts', 'oneDriveForBusinessRestoreSession-id'],
        ['sharePointRestoreSessions', 'siteRestoreArtifacts', 'sharePointRestoreSession-id'],
      ]) {
        const sessions = sim.store.all().filter((s) => s.odataType.toLowerCase().includes(collection.slice(0, 8).toLowerCase())).slice(0, 10);
        for (const s of sessions) {
          const answer = await call(`${sim.apiBaseUrl}${B}/${collection}/${s.id}/${artifacts}?$top=100`, { headers });
          expect(answer.status).toBe(200);
          expectValid('get', `${B}/${collection}/{${param}}/${artifacts}`, 200, answer.json);
        }
      }
    });

    it('create (201), activate (200), delete (204) and the error bodies', async () => {
      const created = await call(`${sim.apiBaseUrl}${B}/sharePointRestoreSessions`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ siteRestoreArtifacts: [{ restorePoint: { id: 'site-rp-1' }, destinationType: 'inPlace' }] }) });
      expect(created.status).toBe(201);
      expectValid('post', `${B}/sharePointRestoreSessions`, 201, created.json);
      const draft = await call(`${sim.apiBaseUrl}${B}/exchangeRestoreSessions`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{}' });
      const activated = await call(`${sim.apiBaseUrl}${B}/restoreSessions/${created.json.id}/microsoft.graph.activate`, { method: 'POST', headers });
      expectValid('post', `${B}/restoreSessions/{restoreSessionBase-id}/microsoft.graph.activate`, 200, activated.json);
      const refused = await call(`${sim.apiBaseUrl}${B}/restoreSessions/${created.json.id}`, { method: 'DELETE', headers });
      expect(refused.status).toBe(403);
      expectValid('delete', `${B}/restoreSessions/{restoreSessionBase-id}`, 403, refused.json);
      const deleted = await call(`${sim.apiBaseUrl}${B}/restoreSessions/${draft.json.id}`, { method: 'DELETE', headers });
      expect(deleted.status).toBe(204);
      expectValid('delete', `${B}/restoreSessions/{restoreSessionBase-id}`, 204, undefined);
      for (const path of [`${B}/restoreSessions/nope`, `${B}/restoreSessions/00000000-0000-4000-8000-000000000000`]) {
        const err = await call(`${sim.apiBaseUrl}${path}`, { headers });
        expectValid('get', `${B}/restoreSessions/{restoreSessionBase-id}`, err.status, err.json);
      }
      const unauthorized = await call(`${sim.apiBaseUrl}${B}/restoreSessions`);
      expectValid('get', `${B}/restoreSessions`, 401, unauthorized.json);
      sim.server.faults.update({ throttleCount: 1 });
      const throttled = await call(`${sim.apiBaseUrl}${B}/restoreSessions`, { headers });
      sim.server.faults.reset();
      expect(throttled.status).toBe(429);
      expectValid('get', `${B}/restoreSessions`, 429, throttled.json);
    });

    it('$batch items carry the same shapes as direct calls', async () => {
      const ids = sim.store.all().slice(0, 20).map((s) => s.id);
      const answer = await call(`${sim.apiBaseUrl}/$batch`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ requests: ids.map((id, i) => ({ id: String(i), method: 'GET', url: `${B}/restoreSessions/${id}`, headers: { prefer: 'include-unknown-enum-members' } })) }) });
      for (const item of answer.json.responses) expectValid('get', `${B}/restoreSessions/{restoreSessionBase-id}`, item.status, item.body);
    });
  });

  for (const version of ['v6', 'v8'] as const) {
    describe(`Veeam VB365 ${version}`, () => {
      let sim: VeeamSimulator;
      let spec: SpecValidator;
      let auth: Record<string, string>;
      const get = (path: string) => call(`${sim.url}${path}`, { headers: auth, ca: sim.caPem });
      const p = (path: string) => `/${version}${path}`;
      const expectValid = (method: string, template: string, status: number, body: unknown) => expect(spec.check(method, p(template), status, body)).toBeNull();

      beforeAll(async () => {
        spec = loadSpecValidator(`vb365-rest-${version}.restore-sessions.json`, { graphRelaxations: false });
        sim = await startVeeamSimulator({ sessionCount: 200 });
        const token = await call(`${sim.url}${p('/token')}`, { method: 'POST', ...form({ grant_type: 'password', username: sim.username, password: sim.password, disable_antiforgery_token: 'true' }), ca: sim.caPem });
        expectValid('post', '/token', 200, token.json);
        auth = { authorization: `Bearer ${token.json.access_token}` };
      });
      afterAll(() => sim.close());

      it('catches a wrong shape (the validator is not a no-op)', () => {
        expect(spec.check('get', p('/RestoreSessions/{restoreSessionId}'), 200, { id: 'x', type: 'Vxx' })).not.toBeNull();
      });

      it('list pages, every session, its events pages, event, organization', async () => {
        const list = await get(p('/RestoreSessions?limit=200'));
        expectValid('get', '/RestoreSessions', 200, list.json);
        expect(list.json.results).toHaveLength(200);
        if (version === 'v6') expect(list.json).toHaveProperty('totalCount');
        else expect(list.json).not.toHaveProperty('totalCount');
        for (const s of list.json.results.slice(0, 25)) {
          expectValid('get', '/RestoreSessions/{restoreSessionId}', 200, (await get(p(`/RestoreSessions/${s.id}`))).json);
          const events = await get(p(`/RestoreSessions/${s.id}/Events?limit=100`));
          expectValid('get', '/RestoreSessions/{restoreSessionId}/Events', 200, events.json);
          expectValid('get', '/RestoreSessions/{restoreSessionId}/Events/{eventId}', 200, (await get(p(`/RestoreSessions/${s.id}/Events/${events.json.results[0].id}`))).json);
          expectValid('get', '/RestoreSessions/{restoreSessionId}/organization', 200, (await get(p(`/RestoreSessions/${s.id}/organization`))).json);
          if (version === 'v8') expectValid('get', '/RestoreSessions/{restoreSessionId}/Statistics', 200, (await get(p(`/RestoreSessions/${s.id}/Statistics`))).json);
        }
      });

      it('organisations (extended and not), explore, stop and error bodies', async () => {
        for (const view of ['true', 'false']) expectValid('get', '/Organizations', 200, (await get(p(`/Organizations?extendedView=${view}`))).json);
        const org = sim.organizations[0];
        expectValid('get', '/Organizations/{organizationId}', 200, (await get(p(`/Organizations/${org.id}?extendedView=true`))).json);
        const explore = await call(`${sim.url}${p(`/Organizations/${org.id}/explore`)}`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'Vesp', showDeleted: true }), ca: sim.caPem });
        expectValid('post', '/Organizations/{organizationId}/explore', explore.status, explore.json);
        const job = await call(`${sim.url}${p(`/Jobs/${sim.jobs[0].id}/explore`)}`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}', ca: sim.caPem });
        expectValid('post', '/Jobs/{jobId}/explore', job.status, job.json);
        const stop = await call(`${sim.url}${p(`/RestoreSessions/${explore.json.id}/Stop`)}`, { method: 'POST', headers: auth, ca: sim.caPem });
        expectValid('post', '/RestoreSessions/{restoreSessionId}/Stop', stop.status, stop.text || undefined);
        const refused = await call(`${sim.url}${p(`/RestoreSessions/${explore.json.id}/Stop`)}`, { method: 'POST', headers: auth, ca: sim.caPem });
        expect(refused.status).toBe(400);
        expectValid('post', '/RestoreSessions/{restoreSessionId}/Stop', 400, refused.json);
        const missing = await get(p('/RestoreSessions/00000000-0000-4000-8000-000000000000'));
        expectValid('get', '/RestoreSessions/{restoreSessionId}', 404, missing.json);
        const badToken = await call(`${sim.url}${p('/token')}`, { method: 'POST', ...form({ username: 'x', password: 'y' }), ca: sim.caPem });
        expectValid('post', '/token', 400, badToken.json);
      });
    });
  }
});
