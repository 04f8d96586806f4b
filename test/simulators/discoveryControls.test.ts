import { startGraphSimulator, type GraphSimulator } from '../../src/simulators/msgraph/server';
import { call, graphAccessToken, jsonBody } from '../support/upstreamHttp';

const B = '/solutions/backupRestore';

describe('Graph discovery test controls', () => {
  let sim: GraphSimulator;
  let headers: Record<string, string>;
  const search = (path: string, body: unknown) =>
    call(`${sim.apiBaseUrl}${B}/restorePoints/${path}`, { method: 'POST', ...jsonBody(body), headers: { ...headers, 'content-type': 'application/json' } });

  beforeAll(async () => {
    sim = await startGraphSimulator({ sessionCount: 5, searchPaths: ['microsoft.graph.search'] });
    const token = await graphAccessToken(sim);
    headers = { authorization: `Bearer ${token}` };
  });
  afterAll(() => sim.close());

  it('addUnit protects one more unit under the active policy, listed and searched like the seeded ones', async () => {
    const now = Date.now();
    const { unit, restorePoints } = sim.discovery.addUnit({
      kind: 'mailbox',
      displayName: 'New Hire',
      email: 'new.hire@contoso.com',
      restorePointTimes: [now - 2000, now - 1000],
    });
    expect(unit).toMatchObject({ status: 'protected', policyId: sim.discovery.policies('exchange').find((p) => p.status === 'active')?.id });
    const listed = await call(`${sim.apiBaseUrl}${B}/mailboxProtectionUnits/${unit.id}`, { headers });
    expect(listed.json).toMatchObject({ id: unit.id, displayName: 'New Hire', email: 'new.hire@contoso.com' });
    const found = await search('microsoft.graph.search', { protectionUnitIds: [unit.id], protectionTimePeriod: { startDateTime: '2026-01-01T00:00:00Z' } });
    expect(found.json.searchResults.map((r: { restorePoint: { id: string } }) => r.restorePoint.id)).toEqual(restorePoints.map((p) => p.id));
    expect(sim.discovery.addUnit({ kind: 'site', siteName: 'Empty', siteWebUrl: 'https://contoso.sharepoint.com/sites/Empty' }).unit.status).toBe(
      'protectRequested',
    );
  });

  it('serves only the search paths it is told to: the other name reads as a restore point id (405)', async () => {
    const answer = await search('search', {
      protectionUnitIds: ['0f8fad5b-d9cb-469f-a165-70867728950e'],
      protectionTimePeriod: { startDateTime: '2026-01-01T00:00:00Z' },
    });
    expect(answer.status).toBe(405);
  });
});
