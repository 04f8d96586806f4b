import { startGraphSimulator, type GraphSimulator } from '../../src/simulators/msgraph/server';
import { startVeeamSimulator, type VeeamSimulator } from '../../src/simulators/veeam/server';
import { GRAPH_WELL_KNOWN } from '../../src/simulators/msgraph/seed';
import { VEEAM_WELL_KNOWN } from '../../src/simulators/veeam/seed';
import { call, form, graphAccessToken } from '../support/upstreamHttp';
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
      const token = await graphAccessToken(sim);
      headers = { authorization: `Bearer ${token}`, prefer: 'include-unknown-enum-members' };
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
      for (const [collection, param] of [
        ['exchangeRestoreSessions', 'exchangeRestoreSession-id'],
        ['oneDriveForBusinessRestoreSessions', 'oneDriveForBusinessRestoreSession-id'],
        ['sharePointRestoreSessions', 'sharePointRestoreSession-id'],
      ]) {
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
        const sessions = sim.store
          .all()
          .filter((s) => s.odataType.toLowerCase().includes(collection.slice(0, 8).toLowerCase()))
          .slice(0, 10);
        for (const s of sessions) {
          const answer = await call(`${sim.apiBaseUrl}${B}/${collection}/${s.id}/${artifacts}?$top=100`, { headers });
          expect(answer.status).toBe(200);
          expectValid('get', `${B}/${collection}/{${param}}/${artifacts}`, 200, answer.json);
        }
      }
    });

    it('create (201), activate (200), delete (204) and the error bodies', async () => {
      const created = await call(`${sim.apiBaseUrl}${B}/sharePointRestoreSessions`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ siteRestoreArtifacts: [{ restorePoint: { id: 'site-rp-1' }, destinationType: 'inPlace' }] }),
      });
      expect(created.status).toBe(201);
      expectValid('post', `${B}/sharePointRestoreSessions`, 201, created.json);
      const draft = await call(`${sim.apiBaseUrl}${B}/exchangeRestoreSessions`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: '{}',
      });
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
      const ids = sim.store
        .all()
        .slice(0, 20)
        .map((s) => s.id);
      const answer = await call(`${sim.apiBaseUrl}/$batch`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({
          requests: ids.map((id, i) => ({
            id: String(i),
            method: 'GET',
            url: `${B}/restoreSessions/${id}`,
            headers: { prefer: 'include-unknown-enum-members' },
          })),
        }),
      });
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
        const token = await call(`${sim.url}${p('/token')}`, {
          method: 'POST',
          ...form({ grant_type: 'password', username: sim.username, password: sim.password, disable_antiforgery_token: 'true' }),
          ca: sim.caPem,
        });
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
          expectValid(
            'get',
            '/RestoreSessions/{restoreSessionId}/Events/{eventId}',
            200,
            (await get(p(`/RestoreSessions/${s.id}/Events/${events.json.results[0].id}`))).json,
          );
          expectValid('get', '/RestoreSessions/{restoreSessionId}/organization', 200, (await get(p(`/RestoreSessions/${s.id}/organization`))).json);
          if (version === 'v8')
            expectValid('get', '/RestoreSessions/{restoreSessionId}/Statistics', 200, (await get(p(`/RestoreSessions/${s.id}/Statistics`))).json);
        }
      });

      it('organisations (extended and not), explore, stop and error bodies', async () => {
        for (const view of ['true', 'false']) expectValid('get', '/Organizations', 200, (await get(p(`/Organizations?extendedView=${view}`))).json);
        const org = sim.organizations[0];
        expectValid('get', '/Organizations/{organizationId}', 200, (await get(p(`/Organizations/${org.id}?extendedView=true`))).json);
        const explore = await call(`${sim.url}${p(`/Organizations/${org.id}/explore`)}`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'Vesp', showDeleted: true }),
          ca: sim.caPem,
        });
        expectValid('post', '/Organizations/{organizationId}/explore', explore.status, explore.json);
        const job = await call(`${sim.url}${p(`/Jobs/${sim.jobs[0].id}/explore`)}`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: '{}',
          ca: sim.caPem,
        });
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

  describe('Microsoft Graph v1.0 discovery', () => {
    let sim: GraphSimulator;
    let spec: SpecValidator;
    let sessionsSpec: SpecValidator;
    let headers: Record<string, string>;
    const get = (path: string) => call(`${sim.apiBaseUrl}${B}${path}`, { headers });
    const post = (path: string, body: unknown) =>
      call(`${sim.apiBaseUrl}${B}${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const expectValid = (method: string, template: string, status: number, body: unknown) =>
      expect(spec.check(method, `${B}${template}`, status, body)).toBeNull();
    /** Every page of a list, each page validated. */
    const allPages = async (path: string, template: string) => {
      const items: Array<Record<string, unknown>> = [];
      let url: string | undefined = `${sim.apiBaseUrl}${B}${path}`;
      while (url) {
        const answer = await call(url, { headers });
        expect(answer.status).toBe(200);
        expectValid('get', template, 200, answer.json);
        items.push(...answer.json.value);
        url = answer.json['@odata.nextLink'];
      }
      return items;
    };

    beforeAll(async () => {
      spec = loadSpecValidator('msgraph-backuprestore-v1.0.discovery.yaml', { graphRelaxations: true });
      sessionsSpec = loadSpecValidator('msgraph-backuprestore-v1.0.restore-sessions.yaml', { graphRelaxations: true });
      sim = await startGraphSimulator({ sessionCount: 5 });
      const token = await graphAccessToken(sim);
      headers = { authorization: `Bearer ${token}`, prefer: 'include-unknown-enum-members' };
    });
    afterAll(() => sim.close());

    it('catches a wrong shape (the validator is not a no-op)', () => {
      expect(spec.check('get', `${B}/protectionUnits/{protectionUnitBase-id}`, 200, { id: 1, status: 'sleeping' })).not.toBeNull();
      expect(spec.check('post', `${B}/restorePoints/microsoft.graph.search`, 200, { searchResults: [{ restorePoint: { tags: 'slow' } }] })).not.toBeNull();
    });

    it('service root: backupRestoreRoot with serviceStatus only', async () => {
      const root = await get('');
      expectValid('get', '', 200, root.json);
      expect(Object.keys(root.json).sort()).toEqual(['@odata.context', 'serviceStatus']);
    });

    it('protection policies: polymorphic list, typed lists and every get', async () => {
      const all = await allPages('/protectionPolicies', '/protectionPolicies');
      expect(all.every((p) => typeof p['@odata.type'] === 'string')).toBe(true);
      for (const p of all) expectValid('get', '/protectionPolicies/{protectionPolicyBase-id}', 200, (await get(`/protectionPolicies/${p.id}`)).json);
      for (const [collection, param] of [
        ['exchangeProtectionPolicies', 'exchangeProtectionPolicy-id'],
        ['oneDriveForBusinessProtectionPolicies', 'oneDriveForBusinessProtectionPolicy-id'],
        ['sharePointProtectionPolicies', 'sharePointProtectionPolicy-id'],
      ]) {
        const typed = await allPages(`/${collection}`, `/${collection}`);
        expect(typed.length).toBeGreaterThan(0);
        expectValid('get', `/${collection}/{${param}}`, 200, (await get(`/${collection}/${typed[0].id}`)).json);
      }
      const missing = await get('/protectionPolicies/00000000-0000-4000-8000-000000000000');
      expect(missing.status).toBe(404);
      expectValid('get', '/protectionPolicies/{protectionPolicyBase-id}', 404, missing.json);
    });

    it('protection units: polymorphic list, the three casts, the typed collections and their gets', async () => {
      const all = await allPages('/protectionUnits?$top=40', '/protectionUnits');
      expect(all).toHaveLength(sim.discovery.units().length);
      for (const u of all.filter((_, i) => i % 7 === 0))
        expectValid('get', '/protectionUnits/{protectionUnitBase-id}', 200, (await get(`/protectionUnits/${u.id}`)).json);
      for (const [kind, collection, param] of [
        ['mailbox', 'mailboxProtectionUnits', 'mailboxProtectionUnit-id'],
        ['drive', 'driveProtectionUnits', 'driveProtectionUnit-id'],
        ['site', 'siteProtectionUnits', 'siteProtectionUnit-id'],
      ]) {
        const cast = await allPages(`/protectionUnits/microsoft.graph.${kind}ProtectionUnit`, `/protectionUnits/microsoft.graph.${kind}ProtectionUnit`);
        const typed = await allPages(`/${collection}`, `/${collection}`);
        expect(typed.map((u) => u.id)).toEqual(cast.map((u) => u.id));
        expectValid('get', `/${collection}/{${param}}`, 200, (await get(`/${collection}/${typed[0].id}`)).json);
      }
      const bad = await get('/protectionUnits/not-a-guid');
      expect(bad.status).toBe(400);
      expectValid('get', '/protectionUnits/{protectionUnitBase-id}', 400, bad.json);
    });

    it('restore points: list (with the two required options), get, its protection unit, and the 400 without them', async () => {
      const unit = GRAPH_WELL_KNOWN.siteUnitId;
      const points = await allPages(
        `/restorePoints?$expand=protectionUnit($filter=id eq '${unit}')&$filter=protectionDateTime lt 2030-01-01T00:00:00Z`,
        '/restorePoints',
      );
      expect(points.length).toBeGreaterThanOrEqual(12);
      for (const p of points.slice(0, 3)) {
        expectValid('get', '/restorePoints/{restorePoint-id}', 200, (await get(`/restorePoints/${p.id}`)).json);
        expectValid('get', '/restorePoints/{restorePoint-id}', 200, (await get(`/restorePoints/${p.id}?$expand=protectionUnit`)).json);
        expectValid('get', '/restorePoints/{restorePoint-id}/protectionUnit', 200, (await get(`/restorePoints/${p.id}/protectionUnit`)).json);
      }
      const refused = await get('/restorePoints');
      expect(refused.status).toBe(400);
      expectValid('get', '/restorePoints', 400, refused.json);
    });

    it('search, on both paths, and its 400', async () => {
      const body = {
        protectionUnitIds: [GRAPH_WELL_KNOWN.mailboxUnitId, GRAPH_WELL_KNOWN.siteUnitId, '00000000-0000-4000-8000-000000000000'],
        protectionTimePeriod: { startDateTime: '2026-09-01T00:00:00Z', endDateTime: '2026-10-02T00:00:00Z' },
      };
      for (const path of ['/restorePoints/search', '/restorePoints/microsoft.graph.search']) {
        const answer = await post(path, body);
        expect(answer.status).toBe(200);
        expectValid('post', '/restorePoints/microsoft.graph.search', 200, answer.json);
        expect(answer.json.searchResults.length).toBeGreaterThan(0);
      }
      const withQuery = await post('/restorePoints/search', {
        protectionUnitIds: [GRAPH_WELL_KNOWN.mailboxUnitId],
        protectionTimePeriod: { startDateTime: '2026-09-01T00:00:00Z' },
        restorePointPreference: 'oldest',
        tags: 'fastRestore',
        artifactQuery: { artifactType: 'message', queryExpression: 'budget' },
      });
      expectValid('post', '/restorePoints/microsoft.graph.search', 200, withQuery.json);
      const tooMany = await post('/restorePoints/search', { ...body, protectionUnitIds: Array.from({ length: 21 }, () => GRAPH_WELL_KNOWN.mailboxUnitId) });
      expect(tooMany.status).toBe(400);
      expectValid('post', '/restorePoints/microsoft.graph.search', 400, tooMany.json);
    });

    it('a restore session created on a discovered restore point keeps the restore-sessions shapes', async () => {
      const created = await call(`${sim.apiBaseUrl}${B}/exchangeRestoreSessions`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ mailboxRestoreArtifacts: [{ restorePoint: { id: GRAPH_WELL_KNOWN.mailboxRestorePointIds[3] }, destinationType: 'new' }] }),
      });
      expect(created.status).toBe(201);
      expect(sessionsSpec.check('post', `${B}/exchangeRestoreSessions`, 201, created.json)).toBeNull();
      const artifacts = await call(`${sim.apiBaseUrl}${B}/exchangeRestoreSessions/${created.json.id}/mailboxRestoreArtifacts`, { headers });
      expect(sessionsSpec.check('get', `${B}/exchangeRestoreSessions/{exchangeRestoreSession-id}/mailboxRestoreArtifacts`, 200, artifacts.json)).toBeNull();
      const refused = await call(`${sim.apiBaseUrl}${B}/exchangeRestoreSessions`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ mailboxRestoreArtifacts: [{ restorePoint: { id: '00000000-0000-4000-8000-000000000000' } }] }),
      });
      expect(refused.status).toBe(400);
      expect(sessionsSpec.check('post', `${B}/exchangeRestoreSessions`, 400, refused.json)).toBeNull();
    });
  });

  describe('Veeam VB365 v8 change feed and discovery', () => {
    let sim: VeeamSimulator;
    let spec: SpecValidator;
    let auth: Record<string, string>;
    const get = (path: string) => call(`${sim.url}/v8${path}`, { headers: auth, ca: sim.caPem });
    const expectValid = (method: string, template: string, status: number, body: unknown) =>
      expect(spec.check(method, `/v8${template}`, status, body)).toBeNull();
    /** Every page of a v8 list, each page validated. */
    const allPages = async (path: string, template: string) => {
      const items: Array<Record<string, unknown>> = [];
      let next: string | undefined = `/v8${path}`;
      while (next) {
        const answer = await call(`${sim.url}${next}`, { headers: auth, ca: sim.caPem });
        expect(answer.status).toBe(200);
        expectValid('get', template, 200, answer.json);
        items.push(...answer.json.results);
        next = answer.json._links.next?.href;
      }
      return items;
    };

    beforeAll(async () => {
      spec = loadSpecValidator('vb365-rest-v8.change-feed-and-discovery.json', { graphRelaxations: false, openEnums: ['RESTEventType'] });
      sim = await startVeeamSimulator({ sessionCount: 60 });
      const token = await call(`${sim.url}/v8/token`, {
        method: 'POST',
        ...form({ grant_type: 'password', username: sim.username, password: sim.password, disable_antiforgery_token: 'true' }),
        ca: sim.caPem,
      });
      expectValid('post', '/token', 200, token.json);
      auth = { authorization: `Bearer ${token.json.access_token}` };
    });
    afterAll(() => sim.close());

    it('catches a wrong shape (the validator is not a no-op)', () => {
      expect(spec.check('get', '/v8/Events', 200, { results: [], limit: 30 })).not.toBeNull();
      expect(spec.checkSchema('RESTRestoreSessionUpdateEvent', { eventType: 'RestoreSessionUpdate', id: 'x' })).not.toBeNull();
      // The event type is an open string (specs README): an unknown kind is not a shape error.
      expect(spec.checkSchema('RESTEvent', { eventType: 'SomethingNew', id: 'x' })).toBeNull();
    });

    it('change feed: latest, events of every restore-session kind, each valid as its subtype', async () => {
      const latest = await get('/Events?from=latest');
      expectValid('get', '/Events', 200, latest.json);
      const added = sim.addSession({ state: 'Working' });
      sim.updateSession(added.id, { state: 'Stopped', result: 'Warning' });
      sim.removeSession(added.id);
      const explored = await call(`${sim.url}/v8/Jobs/${sim.jobs[0].id}/explore`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: '{}',
        ca: sim.caPem,
      });
      expectValid('post', '/Jobs/{jobId}/explore', 201, explored.json);
      const page = await get(`/Events?from=${latest.json.nextChangeToken}&limit=100`);
      expectValid('get', '/Events', 200, page.json);
      expect(page.json.results.map((e: { eventType: string }) => e.eventType)).toEqual([
        'RestoreSessionUpdate',
        'RestoreSessionUpdate',
        'RestoreSessionDelete',
        'RestoreSessionUpdate',
      ]);
      for (const event of page.json.results) expect(spec.checkSchema(`REST${event.eventType}Event`, event)).toBeNull();
      const outdated = await get('/Events?from=nonsense');
      expect(outdated.status).toBe(400);
      expectValid('get', '/Events', 400, outdated.json);
    });

    it('restore sessions with the v8 filters and ordering, and one session', async () => {
      const list = await get('/RestoreSessions?orderBy=EndTime&orderAsc=true&endTimeFrom=2026-01-01T00:00:00Z&limit=100');
      expectValid('get', '/RestoreSessions', 200, list.json);
      expectValid('get', '/RestoreSessions/{restoreSessionId}', 200, (await get(`/RestoreSessions/${list.json.results[0].id}`)).json);
    });

    it('organisations, jobs and their gets', async () => {
      const orgs = await get(`/Organizations?msid=${VEEAM_WELL_KNOWN.tenantId}`);
      expectValid('get', '/Organizations', 200, orgs.json);
      expect(orgs.json.results.map((o: { name: string }) => o.name)).toEqual([VEEAM_WELL_KNOWN.organizationName]);
      expectValid('get', '/Organizations/{organizationId}', 200, (await get(`/Organizations/${orgs.json.results[0].id}?extendedView=true`)).json);
      const jobs = await allPages('/Jobs?limit=4', '/Jobs');
      expect(jobs).toHaveLength(sim.jobs.length);
      for (const j of jobs) expectValid('get', '/Jobs/{jobId}', 200, (await get(`/Jobs/${j.id}`)).json);
      const missing = await get('/Jobs/00000000-0000-4000-8000-000000000000');
      expectValid('get', '/Jobs/{jobId}', 404, missing.json);
    });

    it('restore points (filtered and paged) and their gets', async () => {
      const all = await allPages('/RestorePoints?limit=100', '/RestorePoints');
      expect(all).toHaveLength(sim.discovery.restorePoints.length);
      await allPages(`/RestorePoints?userId=${VEEAM_WELL_KNOWN.protectedUserId}&from=2026-09-20T00:00:00Z&orderAsc=true`, '/RestorePoints');
      for (const rp of all.filter((_, i) => i % 25 === 0))
        expectValid('get', '/RestorePoints/{restorePointId}', 200, (await get(`/RestorePoints/${rp.id}`)).json);
    });

    it('protected users, groups, sites and teams: pages and gets', async () => {
      for (const kind of ['Users', 'Groups', 'Sites', 'Teams']) {
        const items = await allPages(`/Protected${kind}?limit=50`, `/Protected${kind}`);
        expect(items.length).toBeGreaterThan(0);
        await allPages(`/Protected${kind}?restorePointId=${all0(kind)}`, `/Protected${kind}`);
        const param = { Users: 'protectedUserId', Groups: 'protectedGroupId', Sites: 'protectedSiteId', Teams: 'protectedTeamId' }[kind];
        expectValid('get', `/Protected${kind}/{${param}}`, 200, (await get(`/Protected${kind}/${items[0].id}`)).json);
      }
      const missing = await get('/ProtectedUsers/nobody');
      expect(missing.status).toBe(404);
      expectValid('get', '/ProtectedUsers/{protectedUserId}', 404, missing.json);
    });

    /** The newest restore point of a job that holds objects of that kind. */
    function all0(kind: string): string {
      const key = { Users: 'userIds', Groups: 'groupIds', Sites: 'siteIds', Teams: 'teamIds' }[kind] as 'userIds';
      return sim.discovery.restorePoints.filter((rp) => rp[key].length > 0).sort((a, b) => b.backupTime.ms - a.backupTime.ms)[0].id;
    }
  });

  describe('Veeam VB365 v6 discovery (and v7, which follows the v6 shapes)', () => {
    let sim: VeeamSimulator;
    let spec: SpecValidator;
    let auth: Record<string, string>;
    const get = (path: string) => call(`${sim.url}${path}`, { headers: auth, ca: sim.caPem });
    const expectValid = (method: string, template: string, status: number, body: unknown) =>
      expect(spec.check(method, `/v6${template}`, status, body)).toBeNull();

    beforeAll(async () => {
      spec = loadSpecValidator('vb365-rest-v6.discovery.json', { graphRelaxations: false });
      sim = await startVeeamSimulator({ sessionCount: 20 });
      const token = await call(`${sim.url}/v6/token`, {
        method: 'POST',
        ...form({ grant_type: 'password', username: sim.username, password: sim.password }),
        ca: sim.caPem,
      });
      expectValid('post', '/token', 200, token.json);
      auth = { authorization: `Bearer ${token.json.access_token}` };
    });
    afterAll(() => sim.close());

    it('catches a wrong shape (the validator is not a no-op)', () => {
      expect(spec.check('get', '/v6/Jobs', 200, { results: [] })).not.toBeNull();
      expect(spec.check('get', '/v6/RestorePoints/{restorePointId}/mailboxes', 200, [{ id: 'not-a-uuid' }])).not.toBeNull();
    });

    it('organisations, jobs (all, by organisation, one) and explore by job', async () => {
      for (const version of ['v6', 'v7']) {
        const orgs = await get(`/${version}/Organizations?extendedView=true`);
        expectValid('get', '/Organizations', 200, orgs.json);
        expectValid('get', '/Organizations/{organizationId}', 200, (await get(`/${version}/Organizations/${orgs.json[0].id}?extendedView=true`)).json);
        const jobs = await get(`/${version}/Jobs`);
        expectValid('get', '/Jobs', 200, jobs.json);
        expect(jobs.json).toHaveLength(sim.jobs.length);
        for (const o of orgs.json) expectValid('get', '/Organizations/{organizationId}/Jobs', 200, (await get(`/${version}/Organizations/${o.id}/Jobs`)).json);
        for (const j of jobs.json) expectValid('get', '/Jobs/{jobId}', 200, (await get(`/${version}/Jobs/${j.id}`)).json);
        const explored = await call(`${sim.url}/${version}/Jobs/${sim.jobs[1].id}/explore`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: '{"type":"Vet"}',
          ca: sim.caPem,
        });
        expect(explored.status).toBe(200);
        expectValid('post', '/Jobs/{jobId}/explore', 200, explored.json);
      }
    });

    it('restore points (filtered), one, and what each holds', async () => {
      for (const version of ['v6', 'v7']) {
        const all = await get(`/${version}/RestorePoints`);
        expectValid('get', '/RestorePoints', 200, all.json);
        expect(all.json).toHaveLength(sim.discovery.restorePoints.length);
        expectValid(
          'get',
          '/RestorePoints',
          200,
          (await get(`/${version}/RestorePoints?jobId=${sim.jobs[0].id}&backupTime=2026-09-25 00:00:00.000&isRetrieved=false`)).json,
        );
        for (const rp of all.json.filter((_: unknown, i: number) => i % 20 === 0)) {
          expectValid('get', '/RestorePoints/{restorePointId}', 200, (await get(`/${version}/RestorePoints/${rp.id}`)).json);
          for (const list of ['mailboxes', 'onedrives', 'webs', 'teams'])
            expectValid('get', `/RestorePoints/{restorePointId}/${list}`, 200, (await get(`/${version}/RestorePoints/${rp.id}/${list}`)).json);
        }
      }
      const missing = await get('/v6/RestorePoints/00000000-0000-4000-8000-000000000000');
      expect(missing.status).toBe(404);
      expectValid('get', '/RestorePoints/{restorePointId}', 404, missing.json);
    });
  });
});
