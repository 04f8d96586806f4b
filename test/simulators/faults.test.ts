import { startGraphSimulator, type GraphSimulator } from '../../src/simulators/msgraph/server';
import { startVeeamSimulator, type VeeamSimulator } from '../../src/simulators/veeam/server';
import { call, form, jsonBody, graphAccessToken } from '../support/upstreamHttp';

describe('simulator fault injection and counters', () => {
  let graph: GraphSimulator;
  let veeam: VeeamSimulator;
  let graphToken: string;
  let veeamToken: string;
  const list = () => call(`${graph.apiBaseUrl}/solutions/backupRestore/restoreSessions`, { headers: { authorization: `Bearer ${graphToken}` } });

  beforeAll(async () => {
    [graph, veeam] = await Promise.all([startGraphSimulator({ sessionCount: 30 }), startVeeamSimulator({ sessionCount: 30, tls: false })]);
    graphToken = await graphAccessToken(graph);
    veeamToken = (await call(`${veeam.url}/v6/token`, { method: 'POST', ...form({ username: veeam.username, password: veeam.password }) })).json.access_token;
  });
  afterAll(async () => {
    await Promise.all([graph.close(), veeam.close()]);
  });
  afterEach(() => {
    graph.server.faults.reset();
    veeam.server.faults.reset();
  });

  it('counts exactly: N known calls read back as N, in-process and over the control endpoint', async () => {
    graph.server.counters.reset();
    for (let i = 0; i < 7; i++) await list();
    const session = graph.store.all()[0];
    for (let i = 0; i < 3; i++)
      await call(`${graph.apiBaseUrl}/solutions/backupRestore/restoreSessions/${session.id}`, { headers: { authorization: `Bearer ${graphToken}` } });
    expect(graph.server.counters.count('GET /v1.0/solutions/backupRestore/restoreSessions')).toBe(7);
    expect(graph.server.counters.count('GET /v1.0/solutions/backupRestore/restoreSessions/{id}')).toBe(3);
    expect(graph.server.counters.total()).toBe(10);
    const overHttp = await call(`${graph.url}/_sim/counters`);
    expect(overHttp.json.total).toBe(10);
    expect(overHttp.json.byRoute['GET /v1.0/solutions/backupRestore/restoreSessions']).toBe(7);
    const log = await call(`${graph.url}/_sim/requests`);
    expect(log.json.requests).toHaveLength(10);
    expect(log.json.requests[0]).toMatchObject({ method: 'GET', status: 200, batchItem: false });
    await call(`${graph.url}/_sim/counters/reset`, { method: 'POST' });
    expect(graph.server.counters.total()).toBe(0);
  });

  it('counts $batch items apart from the batch call itself', async () => {
    veeam.server.counters.reset();
    graph.server.counters.reset();
    const ids = graph.store
      .all()
      .slice(0, 4)
      .map((s) => s.id);
    await call(`${graph.apiBaseUrl}/$batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${graphToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ requests: ids.map((id, i) => ({ id: String(i), method: 'GET', url: `/solutions/backupRestore/restoreSessions/${id}` })) }),
    });
    expect(graph.server.counters.count('POST /v1.0/$batch')).toBe(1);
    expect(graph.server.counters.count('$batch> GET /v1.0/solutions/backupRestore/restoreSessions/{id}')).toBe(4);
    expect(graph.server.counters.total()).toBe(1);
  });

  it('adds latency', async () => {
    graph.server.faults.update({ latencyMs: 150 });
    const started = Date.now();
    await list();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('answers a configured 5xx rate with the vendor error body', async () => {
    veeam.server.faults.update({ errorRate: 1, errorStatus: 502 });
    const answer = await call(`${veeam.url}/v6/RestoreSessions`, { headers: { authorization: `Bearer ${veeamToken}` } });
    expect(answer.status).toBe(502);
    expect(answer.json).toEqual({ message: 'The service is unavailable.' });
    graph.server.faults.update({ errorRate: 0.5 });
    const statuses = [];
    for (let i = 0; i < 40; i++) statuses.push((await list()).status);
    const failures = statuses.filter((s) => s === 503).length;
    expect(failures).toBeGreaterThan(5);
    expect(failures).toBeLessThan(35);
  });

  it('throttles a burst of N requests with 429 and a fractional or HTTP-date Retry-After', async () => {
    graph.server.faults.update({ throttleCount: 2, retryAfter: '0.5' });
    const a = await list();
    const b = await list();
    const c = await list();
    expect([a.status, b.status, c.status]).toEqual([429, 429, 200]);
    expect(a.headers['retry-after']).toBe('0.5');
    expect(a.json.error.code).toBe('TooManyRequests');
    const date = new Date(Date.now() + 2000).toUTCString();
    veeam.server.faults.update({ throttleCount: 1, retryAfter: date });
    const v = await call(`${veeam.url}/v6/RestoreSessions`, { headers: { authorization: `Bearer ${veeamToken}` } });
    expect(v.status).toBe(429);
    expect(v.headers['retry-after']).toBe(date);
  });

  it('goes down entirely (connection dropped) and comes back', async () => {
    graph.server.faults.update({ down: true });
    await expect(list()).rejects.toThrow();
    graph.server.faults.update({ down: false });
    expect((await list()).status).toBe(200);
  });

  it('sends a slow body, a malformed body, a wrong content type and a padded huge body', async () => {
    graph.server.faults.update({ slowBodyMs: 300 });
    const started = Date.now();
    const slow = await list();
    expect(slow.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(slow.json.value).toBeDefined();

    graph.server.faults.update({ slowBodyMs: 0, malformedJson: true });
    const broken = await list();
    expect(broken.status).toBe(200);
    expect(() => JSON.parse(broken.text)).toThrow();

    graph.server.faults.update({ malformedJson: false, contentTypeOverride: 'text/html' });
    expect((await list()).headers['content-type']).toBe('text/html');

    graph.server.faults.update({ contentTypeOverride: null, padBodyBytes: 2_000_000 });
    expect((await list()).text.length).toBeGreaterThan(2_000_000);
  });

  it('limits faults to matching routes (e.g. only the token endpoint)', async () => {
    veeam.server.faults.update({ errorRate: 1, routeMatch: '/token' });
    expect((await call(`${veeam.url}/v6/token`, { method: 'POST', ...form({ username: veeam.username, password: veeam.password }) })).status).toBe(503);
    expect((await call(`${veeam.url}/v6/RestoreSessions`, { headers: { authorization: `Bearer ${veeamToken}` } })).status).toBe(200);
  });

  it('switches faults over the control endpoint and rejects unknown settings', async () => {
    const set = await call(`${graph.url}/_sim/faults`, { method: 'PUT', ...jsonBody({ throttleCount: 1, retryAfter: '3' }) });
    expect(set.status).toBe(200);
    expect((await list()).status).toBe(429);
    const bad = await call(`${graph.url}/_sim/faults`, { method: 'PATCH', ...jsonBody({ lag: 5 }) });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/unknown fault setting: lag/);
    const clock = await call(`${graph.url}/_sim/clock/advance`, { method: 'POST', ...jsonBody({ ms: 1000 }) });
    expect(clock.status).toBe(200);
  });
});

describe('simulator token control', () => {
  it('expires every issued token over the control endpoint', async () => {
    const graph = await startGraphSimulator({ sessionCount: 1 });
    try {
      const token = await graphAccessToken(graph);
      const list = () => call(`${graph.apiBaseUrl}/solutions/backupRestore/restoreSessions`, { headers: { authorization: `Bearer ${token}` } });
      expect((await list()).status).toBe(200);
      expect((await call(`${graph.url}/_sim/tokens/expire`, { method: 'POST' })).status).toBe(204);
      expect((await list()).status).toBe(401);
    } finally {
      await graph.close();
    }
  });
});
