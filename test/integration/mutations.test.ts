import { encodeGlobalId } from '../../src/ids';
import { startHarness, type Harness } from '../support/harness';

const PAYLOAD = `restoreSession { id vendorId status ... on GraphRestoreSession { graphStatus artifactCount { total } } ... on VeeamRestoreSession { state veeamType organizationName } }`;
const G = {
  createExchange: 'POST /v1.0/solutions/backupRestore/exchangeRestoreSessions',
  activate: 'POST /v1.0/solutions/backupRestore/restoreSessions/{id}/activate',
  delete: 'DELETE /v1.0/solutions/backupRestore/restoreSessions/{id}',
};
const V = {
  exploreOrg: 'POST /{version}/Organizations/{orgId}/explore',
  exploreJob: 'POST /{version}/Jobs/{jobId}/explore',
  stop: 'POST /{version}/RestoreSessions/{id}/Stop',
};

describe('mutations', () => {
  let h: Harness;
  const writes = () => {
    const g = h.graph.server.counters;
    const v = h.veeam.server.counters;
    return (
      g.count(G.activate) +
      g.count(G.delete) +
      g.count(G.createExchange) +
      g.count('POST /v1.0/solutions/backupRestore/sharePointRestoreSessions') +
      g.count('POST /v1.0/solutions/backupRestore/oneDriveForBusinessRestoreSessions') +
      v.count(V.exploreOrg) +
      v.count(V.exploreJob) +
      v.count(V.stop)
    );
  };
  const gid = (vendorId: string) => encodeGlobalId('contoso', vendorId);
  const vid = (vendorId: string) => encodeGlobalId('vbo-eu', vendorId);
  const errorOf = (answer: { body: { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } }) => answer.body.errors?.[0];

  beforeAll(async () => {
    h = await startHarness({ graph: { sessionCount: 60 }, veeam: { sessionCount: 60 }, veeamVersion: 'v8', listTtlSeconds: 300 });
    await h.query('{ restoreSessions { totalCount } }'); // a long-lived snapshot: reads after writes must not be stale
  });
  afterAll(() => h.close());
  beforeEach(() => h.resetCounters());
  afterEach(() => {
    h.graph.server.faults.reset();
    h.veeam.server.faults.reset();
  });

  describe('createGraphRestoreSession', () => {
    const create = (input: unknown) =>
      h.query(`mutation($input: CreateGraphRestoreSessionInput!) { createGraphRestoreSession(input: $input) { ${PAYLOAD} } }`, { input });

    it('creates a DRAFT upstream with the artifacts, and the next list shows it', async () => {
      const answer = await create({
        sourceId: 'contoso',
        workload: 'EXCHANGE',
        artifacts: [
          { protectedResourceId: 'mbx-1', restorePointId: 'mbx-1-rp-7' },
          { protectedResourceId: 'mbx-2', restorePointId: 'mbx-2-rp-3' },
        ],
      });
      expect(answer.body.errors).toBeUndefined();
      const session = answer.body.data.createGraphRestoreSession.restoreSession;
      expect(session).toMatchObject({ status: 'DRAFT', graphStatus: 'DRAFT', artifactCount: { total: 2 } });
      const record = h.graph.store.get(session.vendorId)!;
      expect(record.status).toBe('draft');
      expect(record.artifacts.map((a) => [a.restorePointId, a.destinationType])).toEqual([
        ['mbx-1-rp-7', 'new'],
        ['mbx-2-rp-3', 'new'],
      ]);
      expect(h.graph.server.counters.count(G.createExchange)).toBe(1);
      const listed = await h.query(`query($f: RestoreSessionFilter) { restoreSessions(filter: $f) { nodes { id } } }`, { f: { search: session.vendorId } });
      expect(listed.body.data.restoreSessions.nodes).toEqual([{ id: session.id }]);
    });

    it('creates an empty draft when artifacts are left out', async () => {
      const answer = await create({ sourceId: 'contoso', workload: 'SHAREPOINT' });
      expect(answer.body.data.createGraphRestoreSession.restoreSession.artifactCount.total).toBe(0);
    });

    it.each([
      [{ sourceId: 'ghost', workload: 'EXCHANGE' }, 'input.sourceId'],
      [{ sourceId: 'vbo-eu', workload: 'EXCHANGE' }, 'input.sourceId'],
      [{ sourceId: 'contoso', workload: 'TEAMS' }, 'input.workload'],
      [{ sourceId: 'contoso', workload: 'EXCHANGE', artifacts: [] }, 'input.artifacts'],
      [
        {
          sourceId: 'contoso',
          workload: 'EXCHANGE',
          artifacts: [
            { protectedResourceId: 'a', restorePointId: 'r1', destinationType: 'NEW' },
            { protectedResourceId: 'b', restorePointId: 'r2', destinationType: 'IN_PLACE' },
          ],
        },
        'input.artifacts',
      ],
      [
        {
          sourceId: 'contoso',
          workload: 'EXCHANGE',
          artifacts: [
            { protectedResourceId: 'a', restorePointId: 'r1' },
            { protectedResourceId: 'b', restorePointId: 'r1' },
          ],
        },
        'input.artifacts[1].restorePointId',
      ],
    ])('refuses %j with BAD_USER_INPUT (%s) and writes nothing', async (input, argument) => {
      const answer = await create(input);
      expect(errorOf(answer)?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
      expect(writes()).toBe(0);
    });

    it('passes a Graph validation refusal on as UPSTREAM_ERROR with the upstream code', async () => {
      const many = Array.from({ length: 1001 }, (_, i) => ({ protectedResourceId: `m${i}`, restorePointId: `m${i}-rp` }));
      const answer = await create({ sourceId: 'contoso', workload: 'EXCHANGE', artifacts: many });
      expect(errorOf(answer)?.extensions).toMatchObject({
        code: 'UPSTREAM_ERROR',
        sourceId: 'contoso',
        upstreamStatus: 413,
        upstreamCode: 'RestoreArtifactsLimitBreached',
      });
    });
  });

  describe('activateRestoreSession and deleteRestoreSession', () => {
    const draft = () =>
      h.graph.store.create('oneDrive', [{ restorePointId: 'drive-9-rp-1', destinationType: 'new' }], { application: { id: 'x', displayName: 'Tests' } });

    it('activates a DRAFT: the upstream session moves to activating', async () => {
      const record = draft();
      const answer = await h.query(`mutation($id: ID!) { activateRestoreSession(id: $id) { ${PAYLOAD} } }`, { id: gid(record.id) });
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.activateRestoreSession.restoreSession).toMatchObject({ status: 'ACTIVATING', graphStatus: 'ACTIVATING' });
      expect(h.graph.store.view(record).status).toBe('activating');
      expect(h.graph.server.counters.count(G.activate)).toBe(1);
    });

    it('refuses a session that is not a DRAFT with INVALID_STATE, its status, and no upstream write', async () => {
      const completed = h.graph.store.all().find((s) => s.status === 'completed')!;
      for (const mutation of ['activateRestoreSession(id: $id) { restoreSession { id } }', 'deleteRestoreSession(id: $id) { deletedId }']) {
        const answer = await h.query(`mutation($id: ID!) { ${mutation} }`, { id: gid(completed.id) });
        const error = errorOf(answer)!;
        expect(error.extensions).toMatchObject({ code: 'INVALID_STATE', sourceId: 'contoso', status: 'COMPLETED' });
        expect(error.message).toMatch(/Only a DRAFT session can be/);
      }
      expect(writes()).toBe(0);
      expect(h.graph.store.get(completed.id)!.status).toBe('completed');
    });

    it('refuses activate and delete for a Veeam session with INVALID_STATE', async () => {
      const veeam = [...h.veeam.sessions.values()][0];
      const answer = await h.query(`mutation($id: ID!) { activateRestoreSession(id: $id) { restoreSession { id } } }`, { id: vid(veeam.id) });
      expect(errorOf(answer)?.extensions).toMatchObject({ code: 'INVALID_STATE', sourceId: 'vbo-eu' });
      const del = await h.query(`mutation($id: ID!) { deleteRestoreSession(id: $id) { deletedId } }`, { id: vid(veeam.id) });
      expect(errorOf(del)?.extensions?.code).toBe('INVALID_STATE');
      expect(writes()).toBe(0);
    });

    it('answers NOT_FOUND for an id that does not exist and BAD_USER_INPUT for a malformed one', async () => {
      const missing = await h.query(`mutation($id: ID!) { activateRestoreSession(id: $id) { restoreSession { id } } }`, {
        id: gid('00000000-0000-4000-8000-00000000abcd'),
      });
      expect(errorOf(missing)?.extensions).toMatchObject({ code: 'NOT_FOUND', sourceId: 'contoso' });
      const malformed = await h.query(`mutation { deleteRestoreSession(id: "%%") { deletedId } }`);
      expect(errorOf(malformed)?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'id' });
      expect(writes()).toBe(0);
    });

    it('maps an upstream refusal (RestoreSessionActionNotAllowed) to INVALID_STATE: two operators activate the same draft', async () => {
      const record = draft();
      // Both reads are answered before either write arrives; the second write is refused by Graph.
      h.graph.server.faults.update({ latencyMs: 200, routeMatch: '$batch' });
      const mutation = `mutation($id: ID!) { activateRestoreSession(id: $id) { restoreSession { status } } }`;
      const [a, b] = await Promise.all([h.query(mutation, { id: gid(record.id) }), h.query(mutation, { id: gid(record.id) })]);
      const outcomes = [a, b].map((x) => errorOf(x)?.extensions?.code ?? x.body.data.activateRestoreSession.restoreSession.status).sort();
      expect(outcomes).toEqual(['ACTIVATING', 'INVALID_STATE']);
      const refused = [a, b].find((x) => x.body.errors)!;
      expect(errorOf(refused)?.message).toMatch(/RestoreSessionActionNotAllowed/);
      expect(h.graph.server.counters.count(G.activate)).toBe(2);
    });

    it('deletes a DRAFT: gone upstream and from the next list', async () => {
      const record = draft();
      await h.query('{ restoreSessions(first: 500) { totalCount } }');
      const answer = await h.query(`mutation($id: ID!) { deleteRestoreSession(id: $id) { deletedId } }`, { id: gid(record.id) });
      expect(answer.body.data.deleteRestoreSession.deletedId).toBe(gid(record.id));
      expect(h.graph.store.get(record.id)).toBeUndefined();
      const after = await h.query(`query($id: ID!) { node(id: $id) { id } restoreSessions(first: 500) { nodes { id } } }`, { id: gid(record.id) });
      expect(after.body.data.node).toBeNull();
      expect(after.body.data.restoreSessions.nodes.map((n: { id: string }) => n.id)).not.toContain(gid(record.id));
    });
  });

  describe('startVeeamExploreSession and stopRestoreSession', () => {
    const start = (input: unknown) =>
      h.query(`mutation($input: StartVeeamExploreSessionInput!) { startVeeamExploreSession(input: $input) { ${PAYLOAD} } }`, { input });

    it('starts an explore session from an organisation and from a job (v8: 201), visible in the next list', async () => {
      const org = h.veeam.organizations[1];
      const fromOrg = await start({ sourceId: 'vbo-eu', organizationId: org.id, type: 'VESP', pointInTime: '2026-09-01T10:00:00+02:00' });
      expect(fromOrg.body.errors).toBeUndefined();
      const session = fromOrg.body.data.startVeeamExploreSession.restoreSession;
      expect(session).toMatchObject({ status: 'RUNNING', state: 'WORKING', veeamType: 'VESP', organizationName: org.name });
      expect(h.veeam.sessions.get(session.vendorId)?.state).toBe('Working');
      const fromJob = await start({ sourceId: 'vbo-eu', jobId: h.veeam.jobs[0].id, type: 'VEX' });
      expect(fromJob.body.data.startVeeamExploreSession.restoreSession.veeamType).toBe('VEX');
      expect(h.veeam.server.counters.count(V.exploreOrg)).toBe(1);
      expect(h.veeam.server.counters.count(V.exploreJob)).toBe(1);
      const listed = await h.query(`query($f: RestoreSessionFilter) { restoreSessions(filter: $f) { totalCount } }`, { f: { search: session.vendorId } });
      expect(listed.body.data.restoreSessions.totalCount).toBe(1);
    });

    it.each([
      [{ sourceId: 'vbo-eu', type: 'VEX' }, 'input.organizationId'],
      [
        { sourceId: 'vbo-eu', type: 'VEX', organizationId: '0f8fad5b-d9cb-469f-a165-70867728950e', jobId: '0f8fad5b-d9cb-469f-a165-70867728950e' },
        'input.organizationId',
      ],
      [{ sourceId: 'vbo-eu', type: 'VEX', organizationId: 'contoso' }, 'input.organizationId'],
      [{ sourceId: 'vbo-eu', type: 'VEX', jobId: 'nightly' }, 'input.jobId'],
      [{ sourceId: 'vbo-eu', type: 'VEX', jobId: '0f8fad5b-d9cb-469f-a165-70867728950e', pointInTime: 'last tuesday' }, 'input.pointInTime'],
      [{ sourceId: 'contoso', type: 'VEX', jobId: '0f8fad5b-d9cb-469f-a165-70867728950e' }, 'input.sourceId'],
    ])('refuses %j with BAD_USER_INPUT (%s) and writes nothing', async (input, argument) => {
      expect(errorOf(await start(input))?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
      expect(writes()).toBe(0);
    });

    it('answers NOT_FOUND for an organisation the server does not know', async () => {
      const answer = await start({ sourceId: 'vbo-eu', type: 'VEX', organizationId: '0f8fad5b-d9cb-469f-a165-70867728950e' });
      expect(errorOf(answer)?.extensions).toMatchObject({ code: 'NOT_FOUND', sourceId: 'vbo-eu' });
    });

    it('stops a RUNNING session: Stopped upstream, COMPLETED in the payload and the next list', async () => {
      const record = h.veeam.addSession({ state: 'Working', result: 'Success' });
      const answer = await h.query(`mutation($id: ID!) { stopRestoreSession(id: $id) { ${PAYLOAD} } }`, { id: vid(record.id) });
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.stopRestoreSession.restoreSession).toMatchObject({ state: 'STOPPED', status: 'COMPLETED' });
      expect(record.state).toBe('Stopped');
      expect(h.veeam.server.counters.count(V.stop)).toBe(1);
      const listed = await h.query(`query($f: RestoreSessionFilter) { restoreSessions(filter: $f) { nodes { status } } }`, { f: { search: record.id } });
      expect(listed.body.data.restoreSessions.nodes).toEqual([{ status: 'COMPLETED' }]);
    });

    it('refuses to stop a session that is not RUNNING, or a Graph session, with INVALID_STATE and no write', async () => {
      const stopped = [...h.veeam.sessions.values()].find((s) => s.state === 'Stopped' && s.result === 'Failed')!;
      const answer = await h.query(`mutation($id: ID!) { stopRestoreSession(id: $id) { restoreSession { id } } }`, { id: vid(stopped.id) });
      expect(errorOf(answer)?.extensions).toMatchObject({ code: 'INVALID_STATE', sourceId: 'vbo-eu', status: 'FAILED' });
      const graph = await h.query(`mutation($id: ID!) { stopRestoreSession(id: $id) { restoreSession { id } } }`, { id: gid(h.graph.store.all()[0].id) });
      expect(errorOf(graph)?.extensions?.code).toBe('INVALID_STATE');
      expect(errorOf(graph)?.message).toMatch(/no cancel operation/);
      expect(writes()).toBe(0);
    });

    it('maps Veeam’s 400 refusal to INVALID_STATE: two operators stop the same session', async () => {
      const record = h.veeam.addSession({ state: 'Working' });
      h.veeam.server.faults.update({ latencyMs: 200, routeMatch: 'GET /{version}/RestoreSessions/{id}' });
      const mutation = `mutation($id: ID!) { stopRestoreSession(id: $id) { restoreSession { ... on VeeamRestoreSession { state } } } }`;
      const results = await Promise.all([h.query(mutation, { id: vid(record.id) }), h.query(mutation, { id: vid(record.id) })]);
      const outcomes = results.map((x) => errorOf(x)?.extensions?.code ?? x.body.data.stopRestoreSession.restoreSession.state).sort();
      expect(outcomes).toEqual(['INVALID_STATE', 'STOPPED']);
      expect(h.veeam.server.counters.count(V.stop)).toBe(2);
    });

    it('never retries a write: a failing Stop is sent once and reported', async () => {
      const record = h.veeam.addSession({ state: 'Working' });
      h.veeam.server.faults.update({ errorRate: 1, routeMatch: '/Stop' });
      const answer = await h.query(`mutation($id: ID!) { stopRestoreSession(id: $id) { restoreSession { id } } }`, { id: vid(record.id) });
      expect(errorOf(answer)?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', sourceId: 'vbo-eu', upstreamStatus: 503 });
      expect(h.veeam.server.counters.count(V.stop)).toBe(1);
    });
  });

  it('writes an audit line for every mutation: who, what, source, session, outcome', async () => {
    const record = h.veeam.addSession({ state: 'Working' });
    await h.query(`mutation($id: ID!) { stopRestoreSession(id: $id) { restoreSession { id } } }`, { id: vid(record.id) });
    await h.query(`mutation($id: ID!) { stopRestoreSession(id: $id) { restoreSession { id } } }`, { id: vid(record.id) });
    const audit = h.logs.filter((l) => l.audit === true && l.vendorId === record.id);
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({ action: 'stopRestoreSession', caller: 'anonymous', sourceId: 'vbo-eu', sessionId: vid(record.id), outcome: 'ok' });
    expect(audit[1]).toMatchObject({ action: 'stopRestoreSession', outcome: 'INVALID_STATE' });
  });
});
