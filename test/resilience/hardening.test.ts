import net from 'node:net';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { parseConfig } from '../../src/config';
import { startHarness, VEEAM_ROUTES, GRAPH_ROUTES, type Harness } from '../support/harness';
import { ManualClock } from '../support/manualClock';

const codes = (answer: { body: { errors?: Array<{ extensions?: Record<string, unknown> }> } }) => (answer.body.errors ?? []).map((e) => e.extensions?.code);
const veeamId = (vendorId: string) => Buffer.from(`rs1:vbo-eu:${vendorId}`).toString('base64url');
const LIST = '{ restoreSessions(first: 5) { totalCount } }';

describe('circuit breaker: on by default, and a probe always resolves', () => {
  it('an empty configuration gives every source the documented breaker (5 failures, 10 s)', () => {
    const config = parseConfig(
      { sources: [{ id: 'v', vendor: 'veeam', name: 'V', baseUrl: 'https://v:4443', auth: { username: 'u', password: 'p' } }] },
      { env: {} },
    );
    expect(config.sources[0].circuitBreaker).toEqual({ failureThreshold: 5, openSeconds: 10 });
    expect(config.sources[0].retries).toEqual({ max: 2, maxRetryAfterSeconds: 5 });
  });

  let h: Harness;
  const clock = new ManualClock();
  beforeAll(async () => {
    // Only retries are turned off (so each read is one failed call); the breaker keeps its defaults.
    // The background reads rest (long intervals), so the reads counted are the ones the test makes.
    h = await startHarness({
      clock,
      graph: { sessionCount: 5 },
      veeam: { sessionCount: 5, tls: false },
      configure: (raw) => {
        raw.sources[1].retries = { max: 0 };
        raw.cache.listTtlSeconds = 3600;
        raw.sync = { liveIntervalSeconds: 600, reconcileIntervalSeconds: 86_400 };
      },
    });
  });
  afterAll(() => h.close());
  const circuit = async () => /gateway_circuit_state\{source="vbo-eu",vendor="VEEAM"\} (\d)/.exec((await h.http('/metrics')).text)?.[1];
  const readThenList = async () => {
    await h.refresh();
    return h.query(LIST);
  };
  // A write on an id the server does not know: a fresh read answered 404, which is an answer.
  const probeWith404 = () => h.query(`mutation { stopRestoreSession(id: "${veeamId('00000000-0000-4000-8000-000000000000')}") { restoreSession { id } } }`);

  it('opens after 5 consecutive failures, fails fast while open, and a probe answered 404 closes it', async () => {
    h.veeam.server.faults.update({ errorRate: 1, routeMatch: 'RestoreSessions' });
    for (let i = 0; i < 5; i++) expect((await readThenList()).body.errors?.[0].extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', sourceId: 'vbo-eu' });
    expect(await circuit()).toBe('2');
    expect(h.veeam.server.counters.count(VEEAM_ROUTES.list)).toBe(5);
    const fast = await readThenList();
    expect(fast.body.errors?.[0].message).toMatch(/not calling it for 10 s/);
    expect(h.veeam.server.counters.count(VEEAM_ROUTES.list)).toBe(5);

    h.veeam.server.faults.reset();
    await clock.advance(10_000);
    expect((await probeWith404()).body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(await circuit()).toBe('0');
    expect((await readThenList()).body.errors).toBeUndefined();
  });

  it('a probe that fails opens the circuit again', async () => {
    h.veeam.server.faults.update({ errorRate: 1, routeMatch: 'RestoreSessions' });
    for (let i = 0; i < 5; i++) await readThenList();
    expect(await circuit()).toBe('2');
    await clock.advance(10_000);
    h.resetCounters();
    await readThenList(); // the probe, failing
    expect(h.veeam.server.counters.count(VEEAM_ROUTES.list)).toBe(1);
    expect(await circuit()).toBe('2');
    await readThenList();
    expect(h.veeam.server.counters.count(VEEAM_ROUTES.list)).toBe(1);
    h.veeam.server.faults.reset();
    await clock.advance(10_000);
    expect((await readThenList()).body.errors).toBeUndefined();
    expect(await circuit()).toBe('0');
  });
});

describe('hostile input costs bounded time, memory and upstream calls', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ graph: { sessionCount: 10 }, veeam: { sessionCount: 10 }, configure: (raw) => (raw.server.requestTimeoutSeconds = 1) });
  });
  afterAll(() => h.close());

  it('refuses a fragment bomb (2^22 spreads in under 1 KB) by cost, with fragments costed once each', async () => {
    let query = 'query Bomb { sources { ...F0 } }\n';
    for (let i = 0; i < 22; i++) query += `fragment F${i} on Source { id ...F${i + 1} ...F${i + 1} }\n`;
    query += 'fragment F22 on Source { id }\n';
    expect(query.length).toBeLessThan(1100);
    const answer = await h.query(query);
    expect(answer.status).toBe(400);
    expect(codes(answer)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(answer.body.errors![0].message).toMatch(/found 8388608/);
    expect((await h.http('/healthz')).status).toBe(200);
  });

  it('refuses a list literal nested 2,400 deep before parsing, instead of overflowing the stack', async () => {
    const answer = await h.query(`{ nodes(ids: ${'['.repeat(2400)}"a"${']'.repeat(2400)}) { id } }`);
    expect(answer.status).toBe(400);
    expect(codes(answer)).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(answer.body.errors![0].message).toMatch(/nests more than 64 levels/);
  });

  it('guards the document Apollo will read, however many URL parameters come before it', async () => {
    const hidden = (params: string) => h.http(`/graphql?${'&'.repeat(1000)}&${params}`, { headers: { 'apollo-require-preflight': '1' } });
    const deep = await hidden(`query=${encodeURIComponent(`{ nodes(ids: ${'['.repeat(2400)}"a"${']'.repeat(2400)}) { id } }`)}`);
    expect(deep.status).toBe(400);
    expect(JSON.parse(deep.text).errors[0].message).toMatch(/nests more than 64 levels/);
    // A repeated documentId (ours to read, ignored by Apollo) does not switch the guard off.
    const repeatedId = await h.http(
      `/graphql?query=${encodeURIComponent('query Short { sources { id } }')}&operationName=${'A'.repeat(300)}&documentId=1&documentId=2`,
      {
        headers: { 'apollo-require-preflight': '1' },
      },
    );
    expect(repeatedId.status).toBe(400);
    const longName = await hidden(`query=${encodeURIComponent('query Short { sources { id } }')}&operationName=${'A'.repeat(3000)}`);
    expect(longName.status).toBe(400);
    expect(longName.text).not.toContain('A'.repeat(200));
    expect(JSON.parse(longName.text).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('refuses a 900 KB operation name without echoing it', async () => {
    const name = `Op${'x'.repeat(900_000)}`;
    const answer = await h.http('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query Short { sources { id } }', operationName: name }),
    });
    expect(answer.status).toBe(400);
    expect(answer.text.length).toBeLessThan(300);
    expect(JSON.parse(answer.text).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('answers a subscription sent over HTTP with 400 naming graphql-ws, without an error log', async () => {
    const before = h.logs.filter((l) => (l.level as number) >= 50).length;
    const answer = await h.query('subscription { restoreSessionChanged { kind } }');
    expect(answer.status).toBe(400);
    expect(codes(answer)).toEqual(['BAD_REQUEST']);
    expect(answer.body.errors![0].message).toMatch(/graphql-ws/);
    expect(h.logs.filter((l) => (l.level as number) >= 50).length).toBe(before);
  });

  it('refuses a DateTime offset outside RFC 3339', async () => {
    const answer = await h.query('{ restoreSessions(filter: { createdAfter: "2026-01-01T00:00:00+99:99" }) { totalCount } }');
    expect(answer.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter.createdAfter' });
  });

  it('caps nodes(ids) at server.limits.maxIds (500) with no upstream call, and costs ids by their number', async () => {
    h.resetCounters();
    const ids = Array.from({ length: 5000 }, (_, i) => veeamId(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`));
    const tooMany = await h.query('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids });
    expect(tooMany.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'ids' });
    expect(h.veeam.server.counters.total() + h.graph.server.counters.total()).toBe(0);
    const costly = await h.query('query($ids: [ID!]!) { nodes(ids: $ids) { ... on VeeamRestoreSession { events(first: 50) { nodes { id title } } } } }', {
      ids: ids.slice(0, 500),
    }); // 500 × 50 × 3 = 75,000
    expect(codes(costly)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(h.veeam.server.counters.total()).toBe(0);
  });

  it('answers 500 unknown ids of warm sources as null from the index, with no upstream call', async () => {
    const ids = [
      ...Array.from({ length: 460 }, (_, i) => veeamId(`00000000-0000-4000-9000-${String(i).padStart(12, '0')}`)),
      ...Array.from({ length: 40 }, (_, i) => Buffer.from(`rs1:contoso:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`).toString('base64url')),
    ];
    h.resetCounters();
    const answer = await h.query('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids });
    expect(answer.body.data.nodes).toHaveLength(500);
    expect(answer.body.data.nodes.every((n: unknown) => n === null)).toBe(true);
    expect(h.veeam.server.counters.count(VEEAM_ROUTES.get) + h.graph.server.counters.count(GRAPH_ROUTES.batch)).toBe(0);
  });

  it('bounds operation names as metric labels: the first 100 distinct names, then `other`', async () => {
    for (let i = 0; i < 300; i++) await h.query(`query Dashboard${i} { sources { id } }`);
    const series = (await h.http('/metrics')).text.split('\n').filter((l) => l.startsWith('gateway_graphql_requests_total{'));
    const operations = new Set(series.map((l) => /operation="([^"]*)"/.exec(l)?.[1]));
    expect(operations.size).toBeLessThanOrEqual(103); // 100 names + anonymous + other (+ a name seen earlier)
    expect(operations.has('other')).toBe(true);
    expect((await h.http('/metrics')).text).toMatch(/gateway_graphql_request_duration_seconds_bucket\{le="0.005",type="query",outcome="ok"\}/);
  });

  it('answers a request whose body trickles in slower than server.requestTimeoutSeconds with 408', async () => {
    const port = Number(new URL(h.url).port);
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    // The server closes after its 408 while we still drip: a reset then is expected; the answer read before it is what counts.
    socket.on('error', () => undefined);
    socket.write('POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{"query":');
    const drip = setInterval(() => socket.writable && socket.write(' '), 200);
    await closed;
    clearInterval(drip);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });
});

describe('WebSocket limits', () => {
  let h: Harness;
  const KEY = 'reader-key-0123456789abcdef';
  beforeAll(async () => {
    h = await startHarness({
      graph: { sessionCount: 3 },
      veeam: { sessionCount: 3 },
      configure: (raw) => {
        raw.auth = { mode: 'apiKey', apiKeys: [{ key: KEY, role: 'reader' }] };
        raw.subscriptions = { maxConnectionsPerClient: 3 };
      },
    });
  });
  afterAll(() => h.close());
  const wsUrl = () => `${h.url.replace(/^http/, 'ws')}/graphql`;
  const open = async () => {
    const socket = new WebSocket(wsUrl(), 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    socket.on('error', () => undefined);
    const opened = await new Promise<boolean>((resolve) => {
      socket.once('open', () => resolve(true));
      socket.once('unexpected-response', () => resolve(false));
      socket.once('error', () => resolve(false));
    });
    return { socket, closed, opened };
  };

  it('closes a connection sending a 20 MB message with 1009 before authenticating it', async () => {
    const { socket, closed } = await open();
    socket.send(JSON.stringify({ type: 'connection_init', payload: { junk: 'x'.repeat(20 * 1024 * 1024) } }));
    expect(await closed).toBe(1009);
    const metrics = (await h.http('/metrics')).text;
    expect(metrics).toMatch(/gateway_websocket_connections 0/);
  });

  it('closes with 4403 on wrong credentials, and 4400 on a message type only servers send', async () => {
    const refused = await open();
    refused.socket.send(JSON.stringify({ type: 'connection_init', payload: { 'x-api-key': 'wrong-key-0123456789abcdef' } }));
    expect(await refused.closed).toBe(4403);
    expect(h.logs.some((l) => l.msg === 'subscription connection refused: caller authentication failed')).toBe(true);

    const rude = await open();
    rude.socket.send(JSON.stringify({ type: 'connection_init', payload: { 'x-api-key': KEY } }));
    await new Promise((resolve) => rude.socket.once('message', resolve));
    rude.socket.send(JSON.stringify({ type: 'next', id: '1', payload: { data: {} } }));
    expect(await rude.closed).toBe(4400);
  });

  it('refuses connections over the per-client limit at the upgrade', async () => {
    const held = await Promise.all([open(), open(), open()]);
    expect(held.every((c) => c.opened)).toBe(true);
    const fourth = await open();
    expect(fourth.opened).toBe(false);
    for (const c of held) c.socket.close();
    await Promise.all(held.map((c) => c.closed));
    const again = await open();
    expect(again.opened).toBe(true);
    again.socket.close();
    await again.closed;
  });
});

describe('who did what: authentication, refusals and request lines in the log', () => {
  const SECRET = 'jwt-secret-0123456789abcdef-0123456789';
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      graph: { sessionCount: 3 },
      veeam: { sessionCount: 3 },
      configure: (raw) => {
        raw.auth = {
          mode: 'jwt',
          jwt: {
            secret: SECRET,
            issuer: 'https://idp.example',
            audience: 'restore-gateway',
            roleMapping: { reader: ['Restore.Reader'], operator: ['Restore.Operator'] },
          },
        };
      },
    });
  });
  afterAll(() => h.close());
  const token = (claims: Record<string, unknown>, withExp = true) => {
    const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('user-7').setIssuer('https://idp.example').setAudience('restore-gateway');
    return (withExp ? jwt.setExpirationTime('5m') : jwt).sign(new TextEncoder().encode(SECRET));
  };

  it('maps Entra-style role values through auth.jwt.roleMapping (default claim `roles`)', async () => {
    const operator = { authorization: `Bearer ${await token({ roles: ['Restore.Operator'] })}` };
    const record = h.veeam.addSession({ state: 'Working' });
    const answer = await h.query(`mutation { stopRestoreSession(id: "${veeamId(record.id)}") { restoreSession { status } } }`, undefined, operator);
    expect(answer.body.errors).toBeUndefined();
    const plain = await h.query('{ sources { id } }', undefined, { authorization: `Bearer ${await token({ roles: ['operator'] })}` });
    expect(codes(plain)).toEqual(['FORBIDDEN']);
    expect(plain.body.errors![0].message).toMatch(/`roles` claim holds none of the values that grant a role \(Restore.Reader, Restore.Operator\)/);
  });

  it('refuses a token without exp (auth.jwt.requireExp defaults to true) and logs the 401 without the token', async () => {
    const bare = await token({ roles: ['Restore.Reader'] }, false);
    const answer = await h.query('{ sources { id } }', undefined, { authorization: `Bearer ${bare}` });
    expect(answer.status).toBe(401);
    expect(answer.body.errors![0].message).toMatch(/no `exp` claim/);
    const line = h.logs.find((l) => l.msg === 'caller authentication failed' && String(l.reason).includes('exp'));
    expect(line).toBeDefined();
    expect(JSON.stringify(h.logs)).not.toContain(bare);
  });

  it('writes an audit line for a refused mutation, and request lines carry the caller and the error codes', async () => {
    const reader = { authorization: `Bearer ${await token({ roles: ['Restore.Reader'] })}` };
    const answer = await h.query(
      `mutation Stop { stopRestoreSession(id: "${veeamId('00000000-0000-4000-8000-000000000001')}") { restoreSession { id } } }`,
      undefined,
      reader,
    );
    expect(codes(answer)).toEqual(['FORBIDDEN']);
    expect(h.logs.find((l) => l.audit === true && l.outcome === 'FORBIDDEN')).toMatchObject({ action: 'stopRestoreSession', caller: 'user-7', role: 'reader' });
    expect(h.logs.find((l) => l.msg === 'graphql request' && l.operation === 'Stop')).toMatchObject({
      caller: 'user-7',
      role: 'reader',
      outcome: 'error',
      codes: ['FORBIDDEN'],
    });
  });

  it('turning requireExp off accepts a token without exp', async () => {
    const lax = await startHarness({
      graph: { sessionCount: 1 },
      veeam: { sessionCount: 1 },
      configure: (raw) => (raw.auth = { mode: 'jwt', jwt: { secret: SECRET, issuer: 'https://idp.example', audience: 'restore-gateway', requireExp: false } }),
    });
    try {
      const answer = await lax.query('{ sources { id } }', undefined, { authorization: `Bearer ${await token({ roles: 'reader' }, false)}` });
      expect(answer.body.errors).toBeUndefined();
    } finally {
      await lax.close();
    }
  });
});
