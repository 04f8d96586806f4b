import { startHarness, type Harness } from '../support/harness';

describe('partial results when a source fails', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ graph: { sessionCount: 50 }, veeam: { sessionCount: 70 } });
  });
  afterAll(() => h.close());
  afterEach(async () => {
    h.graph.server.faults.reset();
    h.veeam.server.faults.reset();
    await h.refresh();
  });

  it('returns the other source’s sessions plus one UPSTREAM_UNAVAILABLE error naming the source that is down', async () => {
    h.veeam.server.faults.update({ down: true });
    await h.refresh(); // the index's latest read meets the fault
    const answer = await h.query(
      '{ restoreSessions(first: 500) { totalCount nodes { vendor } } restoreSessionStats { total bySource { source { id } count } } }',
    );
    expect(answer.status).toBe(200);
    expect(answer.body.data.restoreSessions.totalCount).toBe(50);
    expect(answer.body.data.restoreSessions.nodes.every((n: { vendor: string }) => n.vendor === 'MICROSOFT_GRAPH')).toBe(true);
    expect(answer.body.data.restoreSessionStats).toEqual({ total: 50, bySource: [{ source: { id: 'contoso' }, count: 50 }] });
    expect(answer.body.errors).toHaveLength(1);
    expect(answer.body.errors![0]).toMatchObject({
      path: ['restoreSessions'],
      extensions: { code: 'UPSTREAM_UNAVAILABLE', sourceId: 'vbo-eu', vendor: 'VEEAM' },
    });
    expect(answer.body.errors![0].message).toContain('vbo-eu');
    expect(answer.body.errors![0].extensions).not.toHaveProperty('stacktrace');
  });

  it('reflects the failure in Source.health and /readyz, and recovers when the upstream comes back', async () => {
    h.veeam.server.faults.update({ down: true });
    await h.refresh(); // the index's latest read meets the fault
    await h.query('{ restoreSessions { totalCount } }');
    const sources = await h.query('{ sources { id vendor health lastError } }');
    const vbo = sources.body.data.sources.find((s: { id: string }) => s.id === 'vbo-eu');
    expect(vbo.health).toBe('DOWN');
    expect(vbo.lastError).toMatch(/vbo-eu/);
    const ready = await h.http('/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toEqual({
      status: 'degraded',
      sources: [
        { id: 'contoso', vendor: 'MICROSOFT_GRAPH', health: 'UP', sync: 'LIVE' },
        { id: 'vbo-eu', vendor: 'VEEAM', health: 'DOWN', sync: 'FAILED' },
      ],
    });
    const metrics = (await h.http('/metrics')).text;
    expect(metrics).toContain('gateway_source_health{source="vbo-eu",vendor="VEEAM",health="DOWN"} 1');

    h.veeam.server.faults.reset();
    await h.refresh();
    const back = await h.query('{ restoreSessions { totalCount } }');
    expect(back.body.errors).toBeUndefined();
    expect(back.body.data.restoreSessions.totalCount).toBe(120);
  });

  it('maps a throttled upstream to UPSTREAM_THROTTLED with retryAfterSeconds, and a refused request to UPSTREAM_ERROR', async () => {
    h.graph.server.faults.update({ throttleCount: 100, retryAfter: '30' });
    await h.refresh(); // the index's latest read meets the fault
    const throttled = await h.query('{ restoreSessions { totalCount } }');
    expect(throttled.body.data.restoreSessions.totalCount).toBe(70);
    expect(throttled.body.errors![0].extensions).toMatchObject({
      code: 'UPSTREAM_THROTTLED',
      sourceId: 'contoso',
      vendor: 'MICROSOFT_GRAPH',
      retryAfterSeconds: 30,
    });
  });

  it('retries a short throttle burst honouring a fractional Retry-After and answers in full', async () => {
    h.graph.server.faults.update({ throttleCount: 1, retryAfter: '0.2' });
    await h.refresh(); // the index's latest read meets the fault
    const answer = await h.query('{ restoreSessions { totalCount } }');
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.restoreSessions.totalCount).toBe(120);
  });

  it('turns malformed upstream JSON into UPSTREAM_UNAVAILABLE for that source only', async () => {
    h.graph.server.faults.update({ malformedJson: true, routeMatch: 'restoreSessions' });
    await h.refresh(); // the index's latest read meets the fault
    const answer = await h.query('{ restoreSessions { totalCount } }');
    expect(answer.body.data.restoreSessions.totalCount).toBe(70);
    expect(answer.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', sourceId: 'contoso' });
    expect(answer.body.errors![0].message).not.toMatch(/[{}]/);
  });

  it('gives a single-session read of a failed source a field error while the rest of the query answers', async () => {
    h.veeam.server.faults.update({ errorRate: 1 });
    await h.refresh(); // the index's latest read meets the fault
    const veeamId = Buffer.from(`rs1:vbo-eu:${[...h.veeam.sessions.keys()][0]}`).toString('base64url');
    const answer = await h.query(`query($id: ID!) { restoreSession(id: $id) { id } sources { id } }`, { id: veeamId });
    expect(answer.body.data.restoreSession).toBeNull();
    expect(answer.body.data.sources).toHaveLength(2);
    expect(answer.body.errors![0]).toMatchObject({
      path: ['restoreSession'],
      extensions: { code: 'UPSTREAM_UNAVAILABLE', sourceId: 'vbo-eu', upstreamStatus: 503 },
    });
  });
});
