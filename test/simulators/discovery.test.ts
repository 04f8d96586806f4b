import { startGraphSimulator, type GraphSimulator } from '../../src/simulators/msgraph/server';
import { startVeeamSimulator, type VeeamSimulator } from '../../src/simulators/veeam/server';
import { GRAPH_WELL_KNOWN } from '../../src/simulators/msgraph/seed';
import { VEEAM_WELL_KNOWN, VEEAM_RESTORE_POINTS_PER_JOB } from '../../src/simulators/veeam/seed';
import { WELL_KNOWN_MAILBOX_EMAIL, WELL_KNOWN_SITE_URL } from '../../src/simulators/common/tenant';
import { call, form, graphAccessToken } from '../support/upstreamHttp';

const B = '/solutions/backupRestore';
type Json = Record<string, any>;

describe('Graph discovery', () => {
  let sim: GraphSimulator;
  let headers: Record<string, string>;
  const get = (path: string) => call(path.startsWith('http') ? path : `${sim.apiBaseUrl}${B}${path}`, { headers });
  const search = (body: unknown, path = '/restorePoints/search') =>
    call(`${sim.apiBaseUrl}${B}${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const pointsOf = (unitId: string, before = '2030-01-01T00:00:00Z', extra = '') =>
    `/restorePoints?$expand=protectionUnit($filter=id eq '${unitId}')&$filter=protectionDateTime lt ${before}${extra}`;
  const allPages = async (path: string) => {
    const items: Json[] = [];
    let url: string | undefined = path;
    let pages = 0;
    while (url) {
      const answer = await get(url);
      expect(answer.status).toBe(200);
      items.push(...answer.json.value);
      url = answer.json['@odata.nextLink'];
      pages++;
    }
    return { items, pages };
  };

  beforeAll(async () => {
    sim = await startGraphSimulator({ sessionCount: 250, maxTop: 120 });
    const token = await graphAccessToken(sim);
    headers = { authorization: `Bearer ${token}`, prefer: 'include-unknown-enum-members' };
  });
  afterAll(() => sim.close());

  it('seeds the shared tenant: the well-known mailbox and site, 25+ mailbox units, a unit with 12+ restore points', async () => {
    const mailboxes = (await allPages(`/protectionUnits/microsoft.graph.mailboxProtectionUnit`)).items;
    expect(mailboxes.length).toBeGreaterThanOrEqual(25);
    const adele = mailboxes.find((u) => u.email === WELL_KNOWN_MAILBOX_EMAIL);
    expect(adele).toMatchObject({
      id: GRAPH_WELL_KNOWN.mailboxUnitId,
      directoryObjectId: GRAPH_WELL_KNOWN.mailboxDirectoryObjectId,
      displayName: 'Adele Vance',
      policyId: GRAPH_WELL_KNOWN.exchangePolicyId,
      status: 'protected',
    });
    const sites = (await allPages('/siteProtectionUnits')).items;
    expect(sites.find((u) => u.siteWebUrl === WELL_KNOWN_SITE_URL)).toMatchObject({
      id: GRAPH_WELL_KNOWN.siteUnitId,
      siteId: GRAPH_WELL_KNOWN.siteId,
      siteName: 'Finance',
    });
    expect(new Set(mailboxes.map((u) => u.status))).toEqual(new Set(['protected', 'unprotected', 'protectRequested', 'unprotectRequested']));
    expect(GRAPH_WELL_KNOWN.mailboxRestorePointIds.length).toBeGreaterThanOrEqual(12);
    // Every restore point belongs to exactly one unit, of a unit that exists.
    for (const rp of sim.discovery.allRestorePoints()) expect(sim.discovery.unit(rp.unitId)).toBeDefined();
  });

  it('lists restore sessions at the default page size without $top, honours $top and caps it at maxTop', async () => {
    const plain = await get('/restoreSessions');
    expect(plain.json.value).toHaveLength(100);
    expect(plain.json['@odata.nextLink']).toBeDefined();
    const small = await get('/restoreSessions?$top=7');
    expect(small.json.value).toHaveLength(7);
    const capped = await get('/restoreSessions?$top=100000');
    expect(capped.status).toBe(200);
    expect(capped.json.value).toHaveLength(120);
    const { items, pages } = await allPages('/restoreSessions?$top=100000');
    expect(new Set(items.map((s) => s.id)).size).toBe(250);
    expect(pages).toBe(3);
    expect((await get('/restoreSessions?$top=lots')).status).toBe(400);
    const none = await get('/restoreSessions?$top=0');
    expect(none.json.value).toEqual([]);
    expect(none.json['@odata.nextLink']).toBeUndefined();
  });

  it('pages protection units on @odata.nextLink with $skiptoken, $top kept', async () => {
    const { items, pages } = await allPages('/protectionUnits?$top=10');
    expect(items).toHaveLength(sim.discovery.units().length);
    expect(pages).toBe(Math.ceil(items.length / 10));
    expect(new Set(items.map((u) => u['@odata.type']))).toEqual(
      new Set(['#microsoft.graph.mailboxProtectionUnit', '#microsoft.graph.driveProtectionUnit', '#microsoft.graph.siteProtectionUnit']),
    );
    const perPolicy = (await allPages(`/exchangeProtectionPolicies/${GRAPH_WELL_KNOWN.exchangePolicyId}/mailboxProtectionUnits`)).items;
    expect(perPolicy.every((u) => u.policyId === GRAPH_WELL_KNOWN.exchangePolicyId)).toBe(true);
    expect(perPolicy.length).toBeGreaterThan(25);
  });

  it('GET restorePoints requires both $expand=protectionUnit($filter=id eq …) and $filter=protectionDateTime lt …', async () => {
    const unit = GRAPH_WELL_KNOWN.mailboxUnitId;
    for (const path of [
      '/restorePoints',
      `/restorePoints?$filter=protectionDateTime lt 2030-01-01T00:00:00Z`,
      `/restorePoints?$expand=protectionUnit($filter=id eq '${unit}')`,
      `/restorePoints?$expand=protectionUnit&$filter=protectionDateTime lt 2030-01-01T00:00:00Z`,
    ]) {
      const answer = await get(path);
      expect(answer.status).toBe(400);
      expect(answer.json.error.code).toBe('BadRequest');
    }
    expect((await get(pointsOf('00000000-0000-4000-8000-000000000000'))).json.error.code).toBe('InvalidProtectionUnitId');
    expect((await get(pointsOf(unit, 'yesterday'))).json.error.code).toBe('InvalidSearchRequest');
    expect(
      (
        await get(
          pointsOf(
            unit,
            '2030-01-01T00:00:00Z',
            ' and protectionDateTime gt 2020-01-01T00:00:00Z and protectionDateTime gt 2020-01-02T00:00:00Z and protectionDateTime gt 2020-01-03T00:00:00Z and protectionDateTime gt 2020-01-04T00:00:00Z',
          ),
        )
      ).json.error.code,
    ).toBe('FilterLengthExceeded');
  });

  it('lists one unit’s restore points before a time, newest first, five a page, each with its expanded unit', async () => {
    const unit = GRAPH_WELL_KNOWN.mailboxUnitId;
    const all = sim.discovery.restorePointsOf(unit);
    const cut = all[3].protection.ms; // strictly before the 4th newest
    sim.server.counters.reset();
    const { items, pages } = await allPages(pointsOf(unit, new Date(cut).toISOString()));
    expect(sim.server.counters.count('GET /v1.0/solutions/backupRestore/restorePoints')).toBe(pages);
    expect(items.map((p) => p.id)).toEqual(all.slice(4).map((p) => p.id));
    expect(pages).toBe(Math.ceil(items.length / 5));
    expect(items.every((p) => p.protectionUnit.id === unit && p.protectionUnit['@odata.type'] === '#microsoft.graph.mailboxProtectionUnit')).toBe(true);
    expect(items.every((p) => Date.parse(p.protectionDateTime) < cut)).toBe(true);
    const oldestFirst = await get(pointsOf(unit, '2030-01-01T00:00:00Z', '&$orderby=protectionDateTime asc&$top=3'));
    expect(oldestFirst.json.value.map((p: Json) => p.id)).toEqual(
      all
        .slice(-3)
        .reverse()
        .map((p) => p.id),
    );
    const one = await get(`/restorePoints/${all[0].id}`);
    expect(one.json).toMatchObject({ id: all[0].id, tags: 'fastRestore' });
    expect(one.json.protectionUnit).toBeUndefined();
    expect((await get(`/restorePoints/${all[0].id}/protectionUnit`)).json).toMatchObject({ id: unit, email: WELL_KNOWN_MAILBOX_EMAIL });
    expect((await get('/restorePoints/nope')).status).toBe(404);
  });

  it('search: at most 20 unit ids (21 → 400), at most 5 points, no paging, units without points reported', async () => {
    const period = { startDateTime: '2026-09-01T00:00:00Z', endDateTime: '2026-10-02T00:00:00Z' };
    const tooMany = await search({
      protectionUnitIds: sim.discovery
        .units('mailbox')
        .slice(0, 21)
        .map((u) => u.id),
      protectionTimePeriod: period,
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error.code).toBe('InvalidSearchRequest');

    const twenty = sim.discovery
      .units('mailbox')
      .slice(0, 20)
      .map((u) => u.id);
    const pending = sim.discovery.units('mailbox').find((u) => u.status === 'protectRequested')!.id;
    const unknown = '00000000-0000-4000-8000-000000000000';
    const wide = await search({ protectionUnitIds: [...twenty.slice(0, 18), pending, unknown], protectionTimePeriod: period });
    expect(wide.status).toBe(200);
    expect(wide.json.searchResults).toHaveLength(5);
    expect(wide.json['@odata.nextLink']).toBeUndefined();
    expect(wide.json.noResultProtectionUnitIds).toEqual([pending, unknown]);
    expect(typeof wide.json.searchResponseId).toBe('string');
    const times = wide.json.searchResults.map((r: Json) => Date.parse(r.restorePoint.protectionDateTime));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(wide.json.searchResults.every((r: Json) => r.artifactHitCount === null && twenty.includes(r.restorePoint.protectionUnit.id))).toBe(true);

    // One unit, no preference: its 5 newest points in the period. latest / oldest: one point each.
    const unit = GRAPH_WELL_KNOWN.siteUnitId;
    const inPeriod = sim.discovery
      .restorePointsOf(unit)
      .filter((p) => p.protection.ms >= Date.parse(period.startDateTime) && p.protection.ms <= Date.parse(period.endDateTime));
    expect((await search({ protectionUnitIds: [unit], protectionTimePeriod: period })).json.searchResults.map((r: Json) => r.restorePoint.id)).toEqual(
      inPeriod.slice(0, 5).map((p) => p.id),
    );
    expect(
      (await search({ protectionUnitIds: [unit], protectionTimePeriod: period, restorePointPreference: 'latest' })).json.searchResults.map(
        (r: Json) => r.restorePoint.id,
      ),
    ).toEqual([inPeriod[0].id]);
    const oldest = await search(
      { protectionUnitIds: [unit, GRAPH_WELL_KNOWN.mailboxUnitId], protectionTimePeriod: period, restorePointPreference: 'oldest' },
      '/restorePoints/microsoft.graph.search',
    );
    expect(oldest.json.searchResults).toHaveLength(2);
    expect(
      oldest.json.searchResults[0].restorePoint.id === inPeriod[inPeriod.length - 1].id ||
        oldest.json.searchResults[1].restorePoint.id === inPeriod[inPeriod.length - 1].id,
    ).toBe(true);
    const fast = await search({ protectionUnitIds: [unit], protectionTimePeriod: period, tags: 'FastRestore' });
    expect(fast.json.searchResults.every((r: Json) => r.restorePoint.tags === 'fastRestore')).toBe(true);
  });

  it('search validates its body with Graph codes', async () => {
    const unit = GRAPH_WELL_KNOWN.mailboxUnitId;
    const period = { startDateTime: '2026-09-01T00:00:00Z' };
    expect((await search({ protectionTimePeriod: period })).json.error.code).toBe('InvalidSearchRequest');
    expect((await search({ protectionUnitIds: [unit] })).json.error.code).toBe('InvalidSearchRequest');
    expect((await search({ protectionUnitIds: ['not-a-guid'], protectionTimePeriod: period })).json.error.code).toBe('InvalidProtectionUnitId');
    expect(
      (await search({ protectionUnitIds: [unit], protectionTimePeriod: { startDateTime: '2026-10-01T00:00:00Z', endDateTime: '2026-09-01T00:00:00Z' } }))
        .status,
    ).toBe(400);
    expect((await search({ protectionUnitIds: [unit], protectionTimePeriod: period, restorePointPreference: 'middle' })).status).toBe(400);
    expect(
      (
        await search({
          protectionUnitIds: [unit, GRAPH_WELL_KNOWN.siteUnitId],
          protectionTimePeriod: period,
          artifactQuery: { artifactType: 'message', queryExpression: 'x' },
        })
      ).status,
    ).toBe(400);
    const withQuery = await search({
      protectionUnitIds: [unit],
      protectionTimePeriod: period,
      artifactQuery: { artifactType: 'message', queryExpression: 'budget' },
    });
    expect(withQuery.json.searchResults.every((r: Json) => Number.isInteger(r.artifactHitCount))).toBe(true);
  });

  it('creates restore sessions on discovered restore points; refuses unknown or mismatched ones with 400 InvalidRestorePoint', async () => {
    const create = (collection: string, body: unknown) =>
      call(`${sim.apiBaseUrl}${B}/${collection}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const pointId = GRAPH_WELL_KNOWN.siteRestorePointIds[2];
    const point = sim.discovery.restorePoint(pointId)!;
    const created = await create('sharePointRestoreSessions', { siteRestoreArtifacts: [{ restorePoint: { id: pointId }, destinationType: 'inPlace' }] });
    expect(created.status).toBe(201);
    const record = sim.store.get(created.json.id)!;
    expect(record.artifacts[0]).toMatchObject({ restorePointId: pointId, protectedResourceId: GRAPH_WELL_KNOWN.siteUnitId, protectionTime: point.protection });
    const artifacts = await get(`/sharePointRestoreSessions/${created.json.id}/siteRestoreArtifacts`);
    expect(Date.parse(artifacts.json.value[0].restorePoint.protectionDateTime)).toBe(point.protection.ms);
    const unknown = await create('exchangeRestoreSessions', { mailboxRestoreArtifacts: [{ restorePoint: { id: '11111111-2222-4333-8444-555555555555' } }] });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.code).toBe('InvalidRestorePoint');
    const wrongKind = await create('exchangeRestoreSessions', { mailboxRestoreArtifacts: [{ restorePoint: { id: pointId } }] });
    expect(wrongKind.json.error.code).toBe('InvalidRestorePoint');
    // The older synthetic ids still work unless strictRestorePoints is on.
    expect((await create('exchangeRestoreSessions', { mailboxRestoreArtifacts: [{ restorePoint: { id: 'mbx-1-rp-1' } }] })).status).toBe(201);
    const strict = await startGraphSimulator({ sessionCount: 1, strictRestorePoints: true });
    try {
      const token = await graphAccessToken(strict);
      const refused = await call(`${strict.apiBaseUrl}${B}/exchangeRestoreSessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ mailboxRestoreArtifacts: [{ restorePoint: { id: 'mbx-1-rp-1' } }] }),
      });
      expect(refused.json.error.code).toBe('InvalidRestorePoint');
    } finally {
      await strict.close();
    }
  });

  it('answers unknown and malformed policy and unit ids with the documented codes', async () => {
    expect((await get('/protectionPolicies/x')).json.error.code).toBe('InvalidPolicyId');
    expect((await get('/protectionPolicies/00000000-0000-4000-8000-000000000000')).json.error.code).toBe('PolicyNotFound');
    expect((await get(`/sharePointProtectionPolicies/${GRAPH_WELL_KNOWN.exchangePolicyId}`)).status).toBe(404);
    expect((await get('/mailboxProtectionUnits/x')).json.error.code).toBe('InvalidProtectionUnitId');
    expect((await get(`/siteProtectionUnits/${GRAPH_WELL_KNOWN.mailboxUnitId}`)).status).toBe(404);
  });
});

describe('Veeam discovery', () => {
  let sim: VeeamSimulator;
  let auth: Record<string, string>;
  const get = (path: string) => call(`${sim.url}${path}`, { headers: auth });
  const allPages = async (path: string) => {
    const items: Json[] = [];
    let next: string | undefined = path;
    while (next) {
      const answer = await get(next);
      expect(answer.status).toBe(200);
      items.push(...answer.json.results);
      next = answer.json._links.next?.href;
    }
    return items;
  };
  const contoso = () => sim.organizations.find((o) => o.name === VEEAM_WELL_KNOWN.organizationName)!;
  const jobOf = (kind: string) => sim.jobs.find((j) => j.organizationId === contoso().id && j.kind === kind)!;

  beforeAll(async () => {
    sim = await startVeeamSimulator({ sessionCount: 10, tls: false });
    const token = await call(`${sim.url}/v8/token`, { method: 'POST', ...form({ username: sim.username, password: sim.password }) });
    auth = { authorization: `Bearer ${token.json.access_token}` };
  });
  afterAll(() => sim.close());

  it('v6 (and v7) answer bare arrays without paging; v8 answers pages', async () => {
    for (const version of ['v6', 'v7']) {
      for (const path of ['Jobs?limit=1', 'RestorePoints?limit=1', `Organizations/${contoso().id}/Jobs`]) {
        const answer = await get(`/${version}/${path}`);
        expect(Array.isArray(answer.json)).toBe(true);
        expect(answer.json.length).toBeGreaterThan(1);
      }
    }
    for (const path of ['Jobs', 'RestorePoints', 'ProtectedUsers', 'ProtectedGroups', 'ProtectedSites', 'ProtectedTeams']) {
      const answer = await get(`/v8/${path}`);
      expect(answer.json).toMatchObject({ offset: 0, limit: 30, results: expect.any(Array) });
      expect(answer.json).not.toHaveProperty('totalCount');
    }
    const jobs = await allPages(`/v8/Jobs?organizationId=${contoso().id}`);
    expect(jobs.map((j) => j.id).sort()).toEqual(
      sim.jobs
        .filter((j) => j.organizationId === contoso().id)
        .map((j) => j.id)
        .sort(),
    );
    expect(jobs[0]).toMatchObject({ organizationId: contoso().id, eTag: expect.any(Number), lastBackup: expect.stringMatching(/Z$/) });
    const v6Job = (await get(`/v6/Jobs/${jobOf('daily').id}`)).json;
    expect(v6Job).not.toHaveProperty('organizationId');
    expect(v6Job).not.toHaveProperty('eTag');
    expect(v6Job.selectedItems.some((i: Json) => i.user?.name === WELL_KNOWN_MAILBOX_EMAIL)).toBe(true);
  });

  it('keeps the notes’ v6 / v8 route differences exactly', async () => {
    const notFound = (await get('/v8/NoSuchThing')).json.message as string;
    const expectNotFound = async (path: string) => {
      const answer = await get(path);
      expect(answer.status).toBe(404);
      expect(answer.json.message).toBe(notFound.replace('/v8/NoSuchThing', path.split('?')[0]));
    };
    await expectNotFound(`/v8/Organizations/${contoso().id}/Jobs`);
    for (const version of ['v6', 'v7']) for (const kind of ['Users', 'Groups', 'Sites', 'Teams']) await expectNotFound(`/${version}/Protected${kind}`);
    await expectNotFound(`/v8/RestorePoints/${VEEAM_WELL_KNOWN.dailyJobRestorePointIds[0]}/mailboxes`);
    expect((await get(`/v6/Jobs/not-a-guid`)).status).toBe(400);
    expect((await get(`/v8/RestorePoints?organizationId=nope`)).json.errorCode).toBe('ParameterValidationFailure');
  });

  it('finds the same mailbox by e-mail and the same site by URL as Graph does (same Microsoft ids)', async () => {
    const users = await allPages(`/v8/ProtectedUsers?organizationId=${contoso().id}&limit=20`);
    expect(users.length).toBeGreaterThanOrEqual(50);
    const adele = users.find((u) => u.mailboxes.some((m: Json) => m.email === WELL_KNOWN_MAILBOX_EMAIL))!;
    expect(adele).toMatchObject({ id: VEEAM_WELL_KNOWN.protectedUserId, msid: GRAPH_WELL_KNOWN.mailboxDirectoryObjectId, accountType: 'User' });
    expect(adele.oneDrives[0].url).toBe(VEEAM_WELL_KNOWN.oneDriveUrl);
    const sites = await allPages(`/v8/ProtectedSites?organizationId=${contoso().id}`);
    expect(sites.find((s) => s.url === WELL_KNOWN_SITE_URL)).toMatchObject({ id: VEEAM_WELL_KNOWN.protectedSiteId, msid: GRAPH_WELL_KNOWN.siteId });
    const [newest] = VEEAM_WELL_KNOWN.dailyJobRestorePointIds;
    expect(
      (await get(`/v6/RestorePoints/${newest}/mailboxes`)).json.some((m: Json) => m.email === WELL_KNOWN_MAILBOX_EMAIL && m.id === VEEAM_WELL_KNOWN.mailboxId),
    ).toBe(true);
    expect(
      (await get(`/v6/RestorePoints/${VEEAM_WELL_KNOWN.sharePointJobRestorePointIds[0]}/webs`)).json.some((w: Json) => w.url === WELL_KNOWN_SITE_URL),
    ).toBe(true);
    expect((await get(`/v8/Organizations/${contoso().id}`)).json.msid).toBe(GRAPH_WELL_KNOWN.tenantId);
  });

  it('filters v8 restore points per object, time and job, newest first unless orderAsc', async () => {
    const forAdele = await allPages(`/v8/RestorePoints?userId=${VEEAM_WELL_KNOWN.protectedUserId}`);
    expect(forAdele.map((p) => p.id)).toEqual(VEEAM_WELL_KNOWN.dailyJobRestorePointIds);
    expect(forAdele).toHaveLength(VEEAM_RESTORE_POINTS_PER_JOB);
    const forFinance = await allPages(`/v8/RestorePoints?siteId=${VEEAM_WELL_KNOWN.protectedSiteId}&orderAsc=true`);
    expect(forFinance.map((p) => p.id)).toEqual([...VEEAM_WELL_KNOWN.sharePointJobRestorePointIds].reverse());
    expect(forFinance.every((p) => p.isSharePoint && !p.isExchange)).toBe(true);
    const team = sim.discovery.teams[0];
    const forTeam = await allPages(`/v8/RestorePoints?teamId=${team.id}`);
    expect(forTeam.length).toBe(sim.discovery.restorePointsWith('team', team.id).length);
    expect(forTeam.every((p) => p.jobId === team.jobId && p.isTeams)).toBe(true);
    expect((await get('/v8/RestorePoints?teamId=not-a-uuid')).status).toBe(400);
    const from = '2026-09-25T00:00:00Z';
    const to = '2026-09-28T00:00:00Z';
    const window = await allPages(`/v8/RestorePoints?jobId=${jobOf('daily').id}&from=${from}&to=${to}`);
    expect(window).toHaveLength(3);
    expect(window.every((p) => p.backupTime >= from && p.backupTime <= to)).toBe(true);
    expect(await allPages('/v8/RestorePoints?isCopy=true')).toEqual([]);
    const v6After = (await get(`/v6/RestorePoints?jobId=${jobOf('daily').id}&backupTime=2026.09.28 00:00:00`)).json;
    expect(v6After.map((p: Json) => p.id).sort()).toEqual(VEEAM_WELL_KNOWN.dailyJobRestorePointIds.slice(0, 3).slice().sort());
  });

  it('restore points hold exactly what their job protected then (objects only join over time)', async () => {
    const points = (await get(`/v6/RestorePoints?jobId=${jobOf('daily').id}`)).json as Json[];
    let previous = new Set<string>();
    for (const p of points) {
      const users = await allPages(`/v8/ProtectedUsers?restorePointId=${p.id}&limit=100`);
      const ids = new Set(users.map((u) => u.id as string));
      for (const id of previous) expect(ids.has(id)).toBe(true);
      expect(users.every((u) => sim.discovery.users.find((d) => d.id === u.id)?.jobId === jobOf('daily').id)).toBe(true);
      expect((await get(`/v6/RestorePoints/${p.id}/onedrives`)).json.length).toBe(users.filter((u) => u.oneDrives.length > 0).length);
      previous = ids;
    }
    expect(previous.size).toBeGreaterThan(sim.discovery.restorePoints.find((p) => p.id === points[0].id)!.userIds.length);
    const empty = sim.jobs.find((j) => j.kind === 'teams' && !sim.discovery.restorePoints.some((p) => p.jobId === j.id))!;
    expect((await get(`/v8/Jobs/${empty.id}`)).json).toMatchObject({ lastStatus: 'NotConfigured', lastBackup: null });
  });

  it('gets protected objects by id and answers 404 ResourceNotFound for unknown ones', async () => {
    expect((await get(`/v8/ProtectedUsers/${VEEAM_WELL_KNOWN.protectedUserId}`)).json.displayName).toBe('Adele Vance');
    const group = sim.discovery.groups[0];
    expect((await get(`/v8/ProtectedGroups/${group.id}`)).json).toMatchObject({ id: group.id, mailboxes: [{ email: group.mail }] });
    const missing = await get('/v8/ProtectedTeams/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.json.errorCode).toBe('ResourceNotFound');
    expect((await get('/v8/RestorePoints/nope')).json.errorCode).toBe('ResourceNotFound');
  });
});
