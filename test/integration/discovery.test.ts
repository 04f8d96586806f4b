import { WELL_KNOWN_MAILBOX_EMAIL, WELL_KNOWN_SITE_URL } from '../../src/simulators/common/tenant';
import { GRAPH_WELL_KNOWN } from '../../src/simulators/msgraph/seed';
import type { RestorePointSearchInput } from '../../src/simulators/msgraph/discovery';
import type { RequestCounters } from '../../src/simulators/common/counters';
import { startHarness, type GraphQLAnswer, type Harness } from '../support/harness';
import { ManualClock } from '../support/manualClock';

/** Calls made by discovery: anything but restore sessions (which the background index reads) and tokens. */
function discoveryCalls(counters: RequestCounters): Record<string, number> {
  return Object.fromEntries(Object.entries(counters.snapshot()).filter(([route]) => !/restoreSessions|RestoreSessions|token|\$batch|\/Events$/i.test(route)));
}
const total = (calls: Record<string, number>) => Object.values(calls).reduce((sum, n) => sum + n, 0);

const ITEM = 'id kind vendor displayName address source { id } restorePoints(first: 2) { id vendorId createdAt protectedItem { id } }';
const FIND = `query($search: String!) { protectedItems(filter: { search: $search }) { totalCount nodes { ${ITEM} } } }`;
const G = {
  units: 'GET /v1.0/solutions/backupRestore/protectionUnits',
  policies: 'GET /v1.0/solutions/backupRestore/protectionPolicies',
  search: 'POST /v1.0/solutions/backupRestore/restorePoints/search',
  qualifiedSearch: 'POST /v1.0/solutions/backupRestore/restorePoints/microsoft.graph.search',
  createExchange: 'POST /v1.0/solutions/backupRestore/exchangeRestoreSessions',
  activate: 'POST /v1.0/solutions/backupRestore/restoreSessions/{id}/activate',
};
const V = {
  restorePoint: 'GET /{version}/RestorePoints/{restorePointId}',
  exploreJob: 'POST /{version}/Jobs/{jobId}/explore',
};

interface Item {
  id: string;
  kind: string;
  vendor: string;
  displayName: string;
  address: string | null;
  source: { id: string };
  restorePoints: Array<{ id: string; vendorId: string; createdAt: string; protectedItem: { id: string } }>;
}

const errorOf = (answer: GraphQLAnswer) => answer.body.errors?.[0];
const newestFirst = (points: Array<{ createdAt: string }>) => points.every((p, i) => i === 0 || Date.parse(points[i - 1].createdAt) > Date.parse(p.createdAt));

describe.each(['v6', 'v8'] as const)('discovery across both vendors (Veeam %s)', (veeamVersion) => {
  let h: Harness;
  // A manual clock keeps the background sync resting and moves the cache's TTL on demand.
  const clock = new ManualClock();

  beforeAll(async () => {
    h = await startHarness({
      clock,
      veeamVersion,
      graph: { sessionCount: 40 },
      veeam: { sessionCount: 40 },
      configure: (raw) => (raw.cache.organizationTtlSeconds = 30),
    });
  });
  afterAll(() => h.close());
  beforeEach(() => h.resetCounters());

  it('finds a mailbox by e-mail in both vendors, with its restore points newest first', async () => {
    const answer = await h.query(FIND, { search: WELL_KNOWN_MAILBOX_EMAIL.toUpperCase() });
    expect(answer.body.errors).toBeUndefined();
    const items = answer.body.data.protectedItems.nodes as Item[];
    const graph = items.filter((i) => i.vendor === 'MICROSOFT_GRAPH');
    const veeam = items.filter((i) => i.vendor === 'VEEAM');
    expect(graph.map((i) => i.kind).sort()).toEqual(['MAILBOX', 'ONEDRIVE']);
    // v8 protects the user; v6 only says which mailboxes (and OneDrives, by URL) its restore points hold.
    expect(veeam.map((i) => i.kind)).toEqual([veeamVersion === 'v8' ? 'USER' : 'MAILBOX']);
    for (const item of items) {
      expect(item).toMatchObject({
        displayName: 'Adele Vance',
        address: WELL_KNOWN_MAILBOX_EMAIL,
        source: { id: item.vendor === 'VEEAM' ? 'vbo-eu' : 'contoso' },
      });
      expect(item.restorePoints).toHaveLength(2);
      expect(newestFirst(item.restorePoints)).toBe(true);
      expect(item.restorePoints.every((p) => p.protectedItem.id === item.id)).toBe(true);
    }
    const mailbox = graph.find((i) => i.kind === 'MAILBOX') as Item;
    expect(mailbox.restorePoints.map((p) => p.vendorId)).toEqual(GRAPH_WELL_KNOWN.mailboxRestorePointIds.slice(0, 2));
    // A node: the same item again by its id.
    const node = await h.query('query($id: ID!) { node(id: $id) { id ... on ProtectedItem { kind address } } }', { id: mailbox.id });
    expect(node.body.data.node).toEqual({ id: mailbox.id, kind: 'MAILBOX', address: WELL_KNOWN_MAILBOX_EMAIL });
  });

  it('finds a site by URL in both vendors', async () => {
    const answer = await h.query(FIND, { search: WELL_KNOWN_SITE_URL });
    expect(answer.body.errors).toBeUndefined();
    // A substring: sites under it (…/sites/FinanceTeam) match too.
    const items = (answer.body.data.protectedItems.nodes as Item[]).filter((i) => i.address === WELL_KNOWN_SITE_URL);
    expect(items.map((i) => [i.vendor, i.kind]).sort()).toEqual([
      ['MICROSOFT_GRAPH', 'SITE'],
      ['VEEAM', 'SITE'],
    ]);
    for (const item of items) expect(newestFirst(item.restorePoints)).toBe(true);
  });

  it('pages the merged list by displayName then id with keyset cursors: every item once, in order', async () => {
    const all = await h.query('{ protectedItems(first: 500, filter: { kinds: [SITE, TEAM] }) { totalCount nodes { id displayName } } }');
    const expected = all.body.data.protectedItems.nodes as Array<{ id: string; displayName: string }>;
    expect(expected.length).toBe(all.body.data.protectedItems.totalCount);
    expect(new Set(expected.map((i) => i.displayName.split(' ')[0])).size).toBeGreaterThan(3);
    for (let i = 1; i < expected.length; i++) {
      const [a, b] = [expected[i - 1], expected[i]];
      expect(a.displayName.toLowerCase() < b.displayName.toLowerCase() || (a.displayName.toLowerCase() === b.displayName.toLowerCase() && a.id <= b.id)).toBe(
        true,
      );
    }
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page++) {
      const answer: GraphQLAnswer = await h.query(
        'query($after: String) { protectedItems(first: 7, after: $after, filter: { kinds: [SITE, TEAM] }) { pageInfo { hasNextPage endCursor } nodes { id } } }',
        { after },
      );
      const { pageInfo, nodes } = answer.body.data.protectedItems;
      seen.push(...nodes.map((n: { id: string }) => n.id));
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(seen).toEqual(expected.map((i) => i.id));
  });

  it('lists Veeam organisations and jobs (jobs per organisation on v6), each with its source', async () => {
    const answer = await h.query(
      '{ veeamOrganizations { id name source { id } } veeamJobs(sourceId: "vbo-eu") { id name lastRun organization { id } source { id } } }',
    );
    expect(answer.body.errors).toBeUndefined();
    const { veeamOrganizations: organizations, veeamJobs: jobs } = answer.body.data;
    expect(organizations.map((o: { name: string }) => o.name)).toContain('contoso.onmicrosoft.com');
    expect(organizations.every((o: { source: { id: string } }) => o.source.id === 'vbo-eu')).toBe(true);
    expect(jobs).toHaveLength(h.veeam.jobs.length);
    expect(jobs.every((j: { organization: { id: string } | null }) => organizations.some((o: { id: string }) => o.id === j.organization?.id))).toBe(true);
    const jobCalls =
      veeamVersion === 'v8' ? h.veeam.server.counters.count('GET /{version}/Jobs') : h.veeam.server.counters.count('GET /{version}/Organizations/{orgId}/Jobs');
    expect(jobCalls).toBe(veeamVersion === 'v8' ? 1 : organizations.length);
    const contoso = organizations.find((o: { name: string }) => o.name === 'contoso.onmicrosoft.com');
    const filtered = await h.query('query($org: String) { veeamJobs(sourceId: "vbo-eu", organizationId: $org) { organization { id } } }', { org: contoso.id });
    expect(filtered.body.data.veeamJobs.length).toBeGreaterThan(0);
    expect(filtered.body.data.veeamJobs.every((j: { organization: { id: string } }) => j.organization.id === contoso.id)).toBe(true);
  });

  it('serves a repeated discovery query from the cache within its TTL, and reads the upstreams again after it', async () => {
    const query = '{ protectedItems(first: 500) { totalCount } veeamOrganizations { id } veeamJobs(sourceId: "vbo-eu") { id } }';
    const first = await h.query(query);
    expect(first.body.errors).toBeUndefined();
    h.resetCounters();
    const again = await h.query(query);
    expect(again.body).toEqual(first.body);
    expect(total(discoveryCalls(h.graph.server.counters)) + total(discoveryCalls(h.veeam.server.counters))).toBe(0);
    await clock.advance(31_000); // past cache.organizationTtlSeconds (30 s here)
    h.resetCounters();
    expect((await h.query(query)).body).toEqual(first.body);
    expect(total(discoveryCalls(h.graph.server.counters))).toBeGreaterThan(0);
    expect(total(discoveryCalls(h.veeam.server.counters))).toBeGreaterThan(0);
  });

  it('starts a Veeam explore from a found restore point: RUNNING, and in the list', async () => {
    const found = await h.query(FIND, { search: WELL_KNOWN_MAILBOX_EMAIL });
    const item = (found.body.data.protectedItems.nodes as Item[]).find((i) => i.vendor === 'VEEAM') as Item;
    const point = item.restorePoints[1];
    h.resetCounters();
    const started = await h.query(
      `mutation($input: StartVeeamExploreSessionInput!) { startVeeamExploreSession(input: $input) { restoreSession { id vendorId status ... on VeeamRestoreSession { state veeamType } } } }`,
      { input: { sourceId: 'vbo-eu', type: 'VEX', restorePointId: point.id } },
    );
    expect(started.body.errors).toBeUndefined();
    const session = started.body.data.startVeeamExploreSession.restoreSession;
    expect(session).toMatchObject({ status: 'RUNNING', state: 'WORKING', veeamType: 'VEX' });
    // One read of the point (its job and backup time), one explore of that job.
    expect(discoveryCalls(h.veeam.server.counters)).toEqual({ [V.restorePoint]: 1, [V.exploreJob]: 1 });
    const listed = await h.query('query($f: RestoreSessionFilter) { restoreSessions(filter: $f) { nodes { id status } } }', {
      f: { search: session.vendorId },
    });
    expect(listed.body.data.restoreSessions.nodes).toEqual([{ id: session.id, status: 'RUNNING' }]);
  });

  it('starts a Veeam explore from a found job', async () => {
    const jobs = await h.query('{ veeamJobs(sourceId: "vbo-eu") { id name } }');
    const job = jobs.body.data.veeamJobs.find((j: { name: string }) => /contoso.*daily/.test(j.name));
    const started = await h.query(
      `mutation($input: StartVeeamExploreSessionInput!) { startVeeamExploreSession(input: $input) { restoreSession { vendorId status } } }`,
      { input: { sourceId: 'vbo-eu', type: 'VEX', jobId: job.id } },
    );
    expect(started.body.errors).toBeUndefined();
    expect(started.body.data.startVeeamExploreSession.restoreSession.status).toBe('RUNNING');
    const listed = await h.query('query($f: RestoreSessionFilter) { restoreSessions(filter: $f) { totalCount } }', {
      f: { search: started.body.data.startVeeamExploreSession.restoreSession.vendorId },
    });
    expect(listed.body.data.restoreSessions.totalCount).toBe(1);
  });
});

describe('Microsoft Graph restore points within the search limits', () => {
  let h: Harness;
  let searches: string[][];
  const clock = new ManualClock();
  const DAY = 86_400_000;
  // Restore points an hour ago and earlier (the simulator's search ends at its own now by default).
  const NOW = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
  const points = (search: string, first: number) =>
    h.query(
      `query($s: String!, $n: Int) { protectedItems(first: 100, filter: { search: $s, vendors: [MICROSOFT_GRAPH] }) { nodes { displayName restorePoints(first: $n) { vendorId createdAt } } } }`,
      {
        s: search,
        n: first,
      },
    );

  beforeAll(async () => {
    h = await startHarness({
      clock,
      graph: { sessionCount: 20 },
      veeam: { sessionCount: 20 },
      // Room for the searches below, not for the 7 that 28 points take.
      configure: (raw) => (raw.sources[0].maxDiscoveryCallsPerRequest = 6),
    });
    const add = (name: string, times: number[]) =>
      h.graph.discovery.addUnit({
        kind: 'mailbox',
        displayName: name,
        email: `${name.toLowerCase().replace(/ /g, '.')}@contoso.com`,
        restorePointTimes: times,
      });
    // Newly protected: 25 mailboxes of which three have their first restore point.
    for (let i = 1; i <= 25; i++) add(`Falcon Unit ${String(i).padStart(2, '0')}`, [5, 12, 23].includes(i) ? [NOW - i * 60_000] : []);
    // Protected a while: 25 mailboxes with a restore point each.
    for (let i = 1; i <= 25; i++) add(`Osprey Unit ${String(i).padStart(2, '0')}`, [NOW - i * 60_000]);
    add(
      'Twelve Points',
      Array.from({ length: 12 }, (_, d) => NOW - d * DAY),
    );
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.resetCounters();
    searches = [];
    const search = h.graph.discovery.search.bind(h.graph.discovery);
    jest.spyOn(h.graph.discovery, 'search').mockImplementation((input: RestorePointSearchInput, nowMs: number) => {
      searches.push(input.protectionUnitIds as string[]);
      return search(input, nowMs);
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it('searches the 25 units of one query in chunks of 20: 2 searches, of 20 and of 5 units', async () => {
    const answer = await points('Falcon Unit', 1);
    expect(answer.body.errors).toBeUndefined();
    const nodes = answer.body.data.protectedItems.nodes as Array<{ displayName: string; restorePoints: unknown[] }>;
    expect(nodes).toHaveLength(25);
    expect(nodes.filter((n) => n.restorePoints.length === 1).map((n) => n.displayName)).toEqual(['Falcon Unit 05', 'Falcon Unit 12', 'Falcon Unit 23']);
    expect(h.graph.server.counters.count(G.search)).toBe(2);
    expect(searches.map((units) => units.length).sort((a, b) => a - b)).toEqual([5, 20]);
  });

  it('asks again while the 5-point cap cuts answers: the latest point of 25 units takes 5 searches', async () => {
    const answer = await points('Osprey Unit', 1);
    expect(answer.body.errors).toBeUndefined();
    const nodes = answer.body.data.protectedItems.nodes as Array<{ restorePoints: Array<{ createdAt: string }> }>;
    expect(nodes.every((n, i) => n.restorePoints.length === 1 && Date.parse(n.restorePoints[0].createdAt) === NOW - (i + 1) * 60_000)).toBe(true);
    expect(h.graph.server.counters.count(G.search)).toBe(5);
    expect(searches.every((units) => units.length <= 20)).toBe(true);
  });

  it('reads 12 points with first: 12 by searching again with an earlier period, newest first', async () => {
    const answer = await points('Twelve', 12);
    expect(answer.body.errors).toBeUndefined();
    const [unit] = answer.body.data.protectedItems.nodes as Array<{ restorePoints: Array<{ createdAt: string }> }>;
    expect(unit.restorePoints.map((p) => Date.parse(p.createdAt))).toEqual(Array.from({ length: 12 }, (_, d) => NOW - d * DAY));
    // 5 per answer: 5 new, then 4 new (the boundary point comes back), then the last 3.
    expect(h.graph.server.counters.count(G.search)).toBe(3);
  });

  it('honours before and after, exclusively', async () => {
    const answer = await h.query(
      `query($s: String!, $b: DateTime, $a: DateTime) { protectedItems(filter: { search: $s }) { nodes { restorePoints(first: 50, before: $b, after: $a) { createdAt } } } }`,
      { s: 'Twelve', b: new Date(NOW - 2 * DAY).toISOString(), a: new Date(NOW - 6 * DAY).toISOString() },
    );
    expect(answer.body.data.protectedItems.nodes[0].restorePoints.map((p: { createdAt: string }) => Date.parse(p.createdAt))).toEqual([
      NOW - 3 * DAY,
      NOW - 4 * DAY,
      NOW - 5 * DAY,
    ]);
  });

  it('stops at the per-request call budget with QUERY_TOO_COMPLEX for the field that needs more', async () => {
    const answer = await h.query(
      `query($s: String!) { protectedItems(filter: { search: $s, kinds: [MAILBOX], vendors: [MICROSOFT_GRAPH] }) { nodes { restorePoints(first: 28) { id } } } }`,
      {
        s: GRAPH_WELL_KNOWN.mailboxEmail,
      },
    );
    expect(errorOf(answer)?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', sourceId: 'contoso', vendor: 'MICROSOFT_GRAPH' });
    expect(errorOf(answer)?.path).toEqual(['protectedItems', 'nodes', 0, 'restorePoints']);
    expect(h.graph.server.counters.count(G.search)).toBe(6);
  });

  it('starts a Graph restore from a found restore point: DRAFT, then ACTIVATING, and in the list', async () => {
    const found = await h.query(
      `query($s: String!) { protectedItems(filter: { search: $s, kinds: [MAILBOX], vendors: [MICROSOFT_GRAPH] }) { nodes { source { id } restorePoints(first: 1) { id } } } }`,
      {
        s: GRAPH_WELL_KNOWN.mailboxEmail,
      },
    );
    const [mailbox] = found.body.data.protectedItems.nodes;
    const created = await h.query(
      `mutation($input: CreateGraphRestoreSessionInput!) { createGraphRestoreSession(input: $input) { restoreSession { id vendorId status ... on GraphRestoreSession { artifacts { nodes { restorePointId } } } } } }`,
      { input: { sourceId: mailbox.source.id, workload: 'EXCHANGE', artifacts: [{ restorePointId: mailbox.restorePoints[0].id }] } },
    );
    expect(created.body.errors).toBeUndefined();
    const session = created.body.data.createGraphRestoreSession.restoreSession;
    expect(session.status).toBe('DRAFT');
    expect(session.artifacts.nodes).toEqual([{ restorePointId: GRAPH_WELL_KNOWN.mailboxRestorePointIds[0] }]);
    const activated = await h.query('mutation($id: ID!) { activateRestoreSession(id: $id) { restoreSession { status } } }', { id: session.id });
    expect(activated.body.data.activateRestoreSession.restoreSession.status).toBe('ACTIVATING');
    const listed = await h.query('query($f: RestoreSessionFilter) { restoreSessions(filter: $f) { nodes { id status } } }', {
      f: { search: session.vendorId },
    });
    expect(listed.body.data.restoreSessions.nodes).toEqual([{ id: session.id, status: 'ACTIVATING' }]);
  });

  it('restores a list of protected items from their latest points before an instant, found in one call', async () => {
    const found = await h.query('{ protectedItems(first: 3, filter: { search: "Osprey Unit" }) { nodes { id } } }');
    const ids = found.body.data.protectedItems.nodes.map((n: { id: string }) => n.id);
    const twelve = await h.query('{ protectedItems(filter: { search: "Twelve" }) { nodes { id } } }');
    // Twelve Points has one at NOW itself (left out: strictly before), the Osprey units minutes before.
    const before = new Date(NOW).toISOString();
    h.resetCounters();
    const created = await h.query(
      `mutation($input: CreateGraphRestoreSessionInput!) { createGraphRestoreSession(input: $input) { restoreSession { status ... on GraphRestoreSession { artifacts { nodes { restorePointId } } } } } }`,
      {
        input: {
          sourceId: 'contoso',
          workload: 'EXCHANGE',
          latestRestorePoints: { protectedItemIds: [...ids, twelve.body.data.protectedItems.nodes[0].id], before },
        },
      },
    );
    expect(created.body.errors).toBeUndefined();
    const restored = created.body.data.createGraphRestoreSession.restoreSession.artifacts.nodes.map((a: { restorePointId: string }) => a.restorePointId);
    const twelvePoint = h.graph.discovery
      .units('mailbox')
      .filter((u) => u.displayName === 'Twelve Points')
      .flatMap((u) => h.graph.discovery.restorePointsOf(u.id))
      .find((p) => p.protection.ms === NOW - DAY);
    expect(restored).toHaveLength(4);
    expect(restored).toContain(twelvePoint?.id);
    // Four latest points fit one answer: one search, then the write.
    expect(h.graph.server.counters.count(G.search)).toBe(1);
    expect(h.graph.server.counters.count(G.createExchange)).toBe(1);

    const none = await h.query(`mutation($input: CreateGraphRestoreSessionInput!) { createGraphRestoreSession(input: $input) { restoreSession { id } } }`, {
      input: { sourceId: 'contoso', workload: 'EXCHANGE', latestRestorePoints: { protectedItemIds: ids, before: '2020-06-01T00:00:00Z' } },
    });
    expect(errorOf(none)?.extensions).toMatchObject({ code: 'NOT_FOUND', sourceId: 'contoso' });
  });
});

describe('discovery when a source is down, and a tenant that knows one search path', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ graph: { sessionCount: 20, searchPaths: ['microsoft.graph.search'] }, veeam: { sessionCount: 20 }, veeamVersion: 'v8' });
  });
  afterAll(() => h.close());
  afterEach(() => {
    h.graph.server.faults.reset();
    h.veeam.server.faults.reset();
  });

  it('answers with the other source’s items plus one error naming the source that is down', async () => {
    h.veeam.server.faults.update({ down: true });
    const answer = await h.query(FIND, { search: WELL_KNOWN_MAILBOX_EMAIL });
    expect(answer.status).toBe(200);
    const items = answer.body.data.protectedItems.nodes as Item[];
    expect(items.map((i) => i.vendor)).toEqual(['MICROSOFT_GRAPH', 'MICROSOFT_GRAPH']);
    expect(answer.body.data.protectedItems.totalCount).toBe(2);
    expect(answer.body.errors).toHaveLength(1);
    expect(errorOf(answer)).toMatchObject({ path: ['protectedItems'], extensions: { code: 'UPSTREAM_UNAVAILABLE', sourceId: 'vbo-eu', vendor: 'VEEAM' } });
    const organizations = await h.query('{ veeamOrganizations { id } }');
    expect(organizations.body.data.veeamOrganizations).toEqual([]);
    expect(errorOf(organizations)?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', sourceId: 'vbo-eu' });
  });

  it('finds the search path the tenant knows, once, and keeps it', async () => {
    // The first test searched already: the tenant did not know Learn's path (405, as for a restore point id), the qualified one answered.
    expect(h.graph.server.counters.count('POST (unmatched)')).toBe(1);
    expect(h.graph.server.counters.count(G.qualifiedSearch)).toBeGreaterThan(0);
    h.resetCounters();
    // Graph only: Veeam's circuit is still open after the first test.
    const answer = await h.query(`{ protectedItems(filter: { vendors: [MICROSOFT_GRAPH], kinds: [SITE] }) { nodes { restorePoints(first: 1) { id } } } }`);
    expect(answer.body.errors).toBeUndefined();
    expect(h.graph.server.counters.count('POST (unmatched)')).toBe(0);
    // 15 sites, the latest point of 5 per answer.
    expect(h.graph.server.counters.count(G.qualifiedSearch)).toBe(3);
  });
});

describe('discovery input errors', () => {
  let h: Harness;
  const itemId = async () =>
    (
      await h.query(`query($s: String!) { protectedItems(filter: { search: $s, kinds: [SITE], vendors: [MICROSOFT_GRAPH] }) { nodes { id } } }`, {
        s: WELL_KNOWN_SITE_URL,
      })
    ).body.data.protectedItems.nodes[0].id as string;

  beforeAll(async () => {
    h = await startHarness({ clock: new ManualClock(), graph: { sessionCount: 10 }, veeam: { sessionCount: 10 }, veeamVersion: 'v8' });
  });
  afterAll(() => h.close());

  it.each([
    ['{ protectedItems(first: 501) { totalCount } }', 'first'],
    ['{ protectedItems(first: 100000) { nodes { id displayName } } }', 'first'],
    ['{ protectedItems(first: -1) { totalCount } }', 'first'],
    ['{ protectedItems(after: "bm90IGEgY3Vyc29y") { totalCount } }', 'after'],
    ['{ protectedItems(filter: { sourceIds: ["nowhere"] }) { totalCount } }', 'filter.sourceIds'],
    [`{ protectedItems(filter: { search: "${'x'.repeat(201)}" }) { totalCount } }`, 'filter.search'],
    ['{ protectedItems(filter: { search: "" }) { totalCount } }', 'filter.search'],
    ['{ protectedItems { nodes { restorePoints(first: 51) { id } } } }', 'first'],
    ['{ protectedItems { nodes { restorePoints(before: "yesterday") { id } } } }', 'before'],
    ['{ node(id: "WyJwaTEiXQ") { id } }', 'id'],
    ['{ veeamJobs(sourceId: "contoso") { id } }', 'sourceId'],
    ['{ veeamJobs(sourceId: "vbo-eu", organizationId: "contoso") { id } }', 'organizationId'],
    ['{ veeamOrganizations(sourceId: "nowhere") { id } }', 'sourceId'],
  ])('%s → BAD_USER_INPUT (%s)', async (query, argument) => {
    const answer = await h.query(query);
    expect(errorOf(answer)?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
  });

  it('refuses bad restore point and protected item ids in the mutations with their input path, and writes nothing', async () => {
    const site = await itemId();
    const found = await h.query(`query($id: ID!) { node(id: $id) { ... on ProtectedItem { restorePoints(first: 1) { id } } } }`, { id: site });
    const sitePoint = found.body.data.node.restorePoints[0].id as string;
    h.resetCounters();
    const create = (input: unknown) =>
      h.query('mutation($input: CreateGraphRestoreSessionInput!) { createGraphRestoreSession(input: $input) { restoreSession { id } } }', { input });
    const explore = (input: unknown) =>
      h.query('mutation($input: StartVeeamExploreSessionInput!) { startVeeamExploreSession(input: $input) { restoreSession { id } } }', { input });
    const cases: Array<[Promise<GraphQLAnswer>, string]> = [
      [create({ sourceId: 'contoso', workload: 'EXCHANGE', artifacts: [{ restorePointId: 'raw-graph-id' }] }), 'input.artifacts[0].protectedResourceId'],
      [create({ sourceId: 'contoso', workload: 'EXCHANGE', artifacts: [{ restorePointId: sitePoint }] }), 'input.artifacts[0].restorePointId'],
      [
        create({ sourceId: 'contoso', workload: 'SHAREPOINT', artifacts: [{ restorePointId: sitePoint, protectedResourceId: 'other' }] }),
        'input.artifacts[0].protectedResourceId',
      ],
      [
        create({ sourceId: 'contoso', workload: 'SHAREPOINT', latestRestorePoints: { protectedItemIds: ['not-an-id'] } }),
        'input.latestRestorePoints.protectedItemIds[0]',
      ],
      [
        create({ sourceId: 'contoso', workload: 'SHAREPOINT', latestRestorePoints: { protectedItemIds: [site, site] } }),
        'input.latestRestorePoints.protectedItemIds[1]',
      ],
      [
        create({ sourceId: 'contoso', workload: 'EXCHANGE', latestRestorePoints: { protectedItemIds: [site] } }),
        'input.latestRestorePoints.protectedItemIds[0]',
      ],
      [create({ sourceId: 'contoso', workload: 'SHAREPOINT', latestRestorePoints: { protectedItemIds: [] } }), 'input.latestRestorePoints.protectedItemIds'],
      [
        create({ sourceId: 'contoso', workload: 'SHAREPOINT', latestRestorePoints: { protectedItemIds: [site], before: 'soon' } }),
        'input.latestRestorePoints.before',
      ],
      [
        create({
          sourceId: 'contoso',
          workload: 'SHAREPOINT',
          artifacts: [{ restorePointId: sitePoint }],
          latestRestorePoints: { protectedItemIds: [site], destinationType: 'IN_PLACE' },
        }),
        'input.latestRestorePoints.destinationType',
      ],
      [explore({ sourceId: 'vbo-eu', type: 'VEX', restorePointId: 'not-an-id' }), 'input.restorePointId'],
      [explore({ sourceId: 'vbo-eu', type: 'VESP', restorePointId: sitePoint }), 'input.restorePointId'],
      [explore({ sourceId: 'vbo-eu', type: 'VEX', restorePointId: sitePoint, jobId: '0f8fad5b-d9cb-469f-a165-70867728950e' }), 'input.organizationId'],
    ];
    for (const [answer, argument] of cases) expect(errorOf(await answer)?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    // Refused before any upstream call (the background sync rests on the manual clock).
    expect(h.graph.server.counters.total() + h.veeam.server.counters.total()).toBe(0);
  });

  it('answers NOT_FOUND with the sourceId for a well-formed restore point the server does not know', async () => {
    const veeamUser = await h.query(
      `query($s: String!) { protectedItems(filter: { search: $s, vendors: [VEEAM] }) { nodes { restorePoints(first: 1) { id } } } }`,
      {
        s: WELL_KNOWN_MAILBOX_EMAIL,
      },
    );
    const real = veeamUser.body.data.protectedItems.nodes[0].restorePoints[0].id as string;
    const [tag, source, kind, item] = JSON.parse(Buffer.from(real, 'base64url').toString('utf8')) as string[];
    const gone = Buffer.from(JSON.stringify([tag, source, kind, item, '0f8fad5b-d9cb-469f-a165-70867728950e'])).toString('base64url');
    const answer = await h.query('mutation($input: StartVeeamExploreSessionInput!) { startVeeamExploreSession(input: $input) { restoreSession { id } } }', {
      input: { sourceId: 'vbo-eu', type: 'VEX', restorePointId: gone },
    });
    expect(errorOf(answer)?.extensions).toMatchObject({ code: 'NOT_FOUND', sourceId: 'vbo-eu' });
  });
});

describe('the README walk-through: from "find the mailbox" to "restore running"', () => {
  let h: Harness;
  /** Upstream calls since the last reset, leaving out the v8 change feed's long poll (the index's, not the request's). */
  const calls = () => ({
    graph: h.graph.server.counters.snapshot(),
    veeam: Object.fromEntries(Object.entries(h.veeam.server.counters.snapshot()).filter(([route]) => route !== 'GET /{version}/Events')),
  });
  const FIND_MAILBOX = `query Find($email: String!) {
    protectedItems(filter: { search: $email }) {
      nodes { id kind vendor displayName address source { id } restorePoints(first: 3) { id createdAt } }
    }
  }`;

  beforeAll(async () => {
    h = await startHarness({ clock: new ManualClock(), veeamVersion: 'v8' });
  });
  afterAll(() => h.close());
  beforeEach(() => h.resetCounters());

  it('finds, creates and activates a Graph restore, and opens a Veeam explore, with the upstream calls the README lists', async () => {
    // 1. Find the mailbox and its restore points in every source.
    const found = await h.query(FIND_MAILBOX, { email: WELL_KNOWN_MAILBOX_EMAIL });
    expect(found.body.errors).toBeUndefined();
    expect(calls()).toEqual({
      graph: { [G.units]: 1, [G.policies]: 1, [G.search]: 2 },
      veeam: {
        'GET /{version}/ProtectedUsers': 1,
        'GET /{version}/ProtectedGroups': 1,
        'GET /{version}/ProtectedSites': 1,
        'GET /{version}/ProtectedTeams': 1,
        'GET /{version}/RestorePoints': 1,
      },
    });
    const items = found.body.data.protectedItems.nodes as Array<{ id: string; kind: string; vendor: string; restorePoints: Array<{ id: string }> }>;
    const mailbox = items.find((i) => i.vendor === 'MICROSOFT_GRAPH' && i.kind === 'MAILBOX')!;
    const user = items.find((i) => i.vendor === 'VEEAM')!;

    // Within the discovery TTL only the restore points are read again.
    h.resetCounters();
    await h.query(FIND_MAILBOX, { email: WELL_KNOWN_MAILBOX_EMAIL });
    expect(calls()).toEqual({ graph: { [G.search]: 2 }, veeam: { 'GET /{version}/RestorePoints': 1 } });

    // 2. A Graph draft from the newest point, 3. activated.
    h.resetCounters();
    const created = await h.query(
      `mutation Create($point: String!) { createGraphRestoreSession(input: { sourceId: "contoso", workload: EXCHANGE, artifacts: [{ restorePointId: $point }] }) { restoreSession { id status } } }`,
      { point: mailbox.restorePoints[0].id },
    );
    const draft = created.body.data.createGraphRestoreSession.restoreSession;
    expect(draft.status).toBe('DRAFT');
    expect(calls()).toEqual({ graph: { [G.createExchange]: 1 }, veeam: {} });
    h.resetCounters();
    const activated = await h.query(`mutation Activate($id: ID!) { activateRestoreSession(id: $id) { restoreSession { id status } } }`, { id: draft.id });
    expect(activated.body.data.activateRestoreSession.restoreSession.status).toBe('ACTIVATING');
    // The session is read fresh (through $batch) before the write.
    expect(calls()).toEqual({
      graph: { 'POST /v1.0/$batch': 1, '$batch> GET /v1.0/solutions/backupRestore/restoreSessions/{id}': 1, [G.activate]: 1 },
      veeam: {},
    });

    // Or, for Veeam, 2. an explore of a found restore point.
    h.resetCounters();
    const explored = await h.query(
      `mutation Explore($point: ID!) { startVeeamExploreSession(input: { sourceId: "vbo-eu", type: VEX, restorePointId: $point }) { restoreSession { id status } } }`,
      { point: user.restorePoints[0].id },
    );
    const explore = explored.body.data.startVeeamExploreSession.restoreSession;
    expect(explore.status).toBe('RUNNING');
    expect(calls()).toEqual({ graph: {}, veeam: { [V.restorePoint]: 1, [V.exploreJob]: 1 } });

    // 4. Both are in the list at once, served from the session index.
    h.resetCounters();
    const running = await h.query(`{ restoreSessions(first: 500, filter: { statuses: [ACTIVATING, RUNNING] }) { nodes { id status } } }`);
    expect(running.body.data.restoreSessions.nodes).toEqual(
      expect.arrayContaining([
        { id: draft.id, status: 'ACTIVATING' },
        { id: explore.id, status: 'RUNNING' },
      ]),
    );
    expect(calls()).toEqual({ graph: {}, veeam: {} });

    // The shortcut: the latest point of each listed item found by the gateway in the create call.
    h.resetCounters();
    const latest = await h.query(
      `mutation Latest($ids: [ID!]!) { createGraphRestoreSession(input: { sourceId: "contoso", workload: EXCHANGE, latestRestorePoints: { protectedItemIds: $ids } }) { restoreSession { status } } }`,
      { ids: [mailbox.id] },
    );
    expect(latest.body.data.createGraphRestoreSession.restoreSession.status).toBe('DRAFT');
    expect(calls()).toEqual({ graph: { [G.search]: 1, [G.createExchange]: 1 }, veeam: {} });
  });
});
