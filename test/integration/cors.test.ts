import WebSocket from 'ws';
import { ConfigError, parseConfig } from '../../src/config';
import { startHarness, type Harness } from '../support/harness';

const DASHBOARD = 'https://dash.example.com';
const READER_KEY = 'reader-key-for-cors-tests';

/** The preflight a browser sends before a JSON POST with an API key. */
function preflight(h: Harness, origin: string) {
  return h.http('/graphql', {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-api-key' },
  });
}

/** Resolves with the HTTP status of the upgrade answer (101 when the WebSocket opened). */
function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', { headers });
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('error', reject);
  });
}

describe('CORS for browser pages on other origins', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      graph: { sessionCount: 3 },
      veeam: { sessionCount: 3 },
      configure: (raw) => {
        raw.server.cors = { origins: [DASHBOARD, 'http://localhost:*'] };
        raw.auth = { mode: 'apiKey', apiKeys: [{ key: READER_KEY, role: 'reader' }] };
      },
    });
  });
  afterAll(() => h.close());

  it('answers the preflight of an allowed origin with 204 and the allow headers, before CSRF prevention and caller authentication', async () => {
    const answer = await preflight(h, DASHBOARD);
    expect(answer.status).toBe(204);
    expect(answer.headers['access-control-allow-origin']).toBe(DASHBOARD);
    expect(answer.headers.vary).toMatch(/Origin/);
    expect(answer.headers['access-control-allow-methods']).toMatch(/POST/);
    expect(answer.headers['access-control-allow-headers']).toEqual(expect.stringContaining('x-api-key'));
    expect(answer.headers['access-control-allow-headers']).toEqual(expect.stringContaining('content-type'));
    expect(answer.headers['access-control-max-age']).toBe('600');
    expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('puts the allow header on answers and on refusals, so the page can read the error', async () => {
    const body = JSON.stringify({ query: '{ sources { id } }' });
    const ok = await h.http('/graphql', { method: 'POST', headers: { origin: DASHBOARD, 'content-type': 'application/json', 'x-api-key': READER_KEY }, body });
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe(DASHBOARD);
    expect(ok.headers['access-control-expose-headers']).toMatch(/x-request-id/);
    const refused = await h.http('/graphql', { method: 'POST', headers: { origin: DASHBOARD, 'content-type': 'application/json' }, body });
    expect(refused.status).toBe(401);
    expect(refused.headers['access-control-allow-origin']).toBe(DASHBOARD);
  });

  it('gives another origin no allow header, on the preflight and on the request', async () => {
    for (const origin of ['https://evil.example.com', 'https://dash.example.com.evil.net', 'http://localhost.evil.net', 'http://localhost:80x']) {
      const answer = await preflight(h, origin);
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    }
    const request = await h.http('/graphql', {
      method: 'POST',
      headers: { origin: 'https://evil.example.com', 'content-type': 'application/json', 'x-api-key': READER_KEY },
      body: JSON.stringify({ query: '{ sources { id } }' }),
    });
    expect(request.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('matches an origin with any port where the list says :*', async () => {
    for (const origin of ['http://localhost:5173', 'http://localhost:4001', 'http://localhost']) {
      expect((await preflight(h, origin)).headers['access-control-allow-origin']).toBe(origin);
    }
    expect((await preflight(h, 'https://localhost:5173')).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('checks a WebSocket’s Origin against the same list; its own pages and non-browser clients connect', async () => {
    expect(await upgradeStatus(h.url, { origin: DASHBOARD })).toBe(101);
    expect(await upgradeStatus(h.url, { origin: 'http://localhost:5173' })).toBe(101);
    expect(await upgradeStatus(h.url, { origin: 'https://evil.example.com' })).toBe(403);
    expect(await upgradeStatus(h.url, { origin: 'null' })).toBe(403);
    // GraphiQL, served by the gateway itself.
    expect(await upgradeStatus(h.url, { origin: h.url })).toBe(101);
    // A program: no Origin header.
    expect(await upgradeStatus(h.url, {})).toBe(101);
  });
});

describe('CORS settings', () => {
  it('never allows credentials for every origin: a start-up error that says what to do', () => {
    expect(() => parseConfig({ server: { cors: { origins: '*', credentials: true } }, sources: [] })).toThrow(ConfigError);
    expect(() => parseConfig({ server: { cors: { origins: '*', credentials: true } }, sources: [] })).toThrow(/list the origins/);
    expect(() => parseConfig({ server: { cors: { origins: ['dash.example.com'] } }, sources: [] })).toThrow(/server\.cors\.origins\[0\].*must be an origin/);
  });

  it('answers "*" to every origin without credentials, and echoes the origin with credentials when listed', async () => {
    const open = await startHarness({ graph: { sessionCount: 1 }, veeam: { sessionCount: 1 }, configure: (raw) => (raw.server.cors = { origins: '*' }) });
    try {
      const answer = await preflight(open, 'https://anywhere.example.org');
      expect(answer.headers['access-control-allow-origin']).toBe('*');
      expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
    } finally {
      await open.close();
    }
    const withCredentials = await startHarness({
      graph: { sessionCount: 1 },
      veeam: { sessionCount: 1 },
      configure: (raw) => (raw.server.cors = { origins: [DASHBOARD], credentials: true, maxAgeSeconds: 60 }),
    });
    try {
      const answer = await preflight(withCredentials, DASHBOARD);
      expect(answer.headers['access-control-allow-origin']).toBe(DASHBOARD);
      expect(answer.headers['access-control-allow-credentials']).toBe('true');
      expect(answer.headers['access-control-max-age']).toBe('60');
    } finally {
      await withCredentials.close();
    }
  });

  it('without server.cors a preflight gets no allow header and a cross-origin WebSocket is refused', async () => {
    const closed = await startHarness({ graph: { sessionCount: 1 }, veeam: { sessionCount: 1 } });
    try {
      expect((await preflight(closed, DASHBOARD)).headers['access-control-allow-origin']).toBeUndefined();
      expect(await upgradeStatus(closed.url, { origin: DASHBOARD })).toBe(403);
      expect(await upgradeStatus(closed.url, { origin: closed.url })).toBe(101);
    } finally {
      await closed.close();
    }
  });
});

describe('the root path', () => {
  it('redirects / to /graphql when GraphiQL is on, and is not found when it is off', async () => {
    const on = await startHarness({ graph: { sessionCount: 1 }, veeam: { sessionCount: 1 } });
    try {
      const answer = await on.http('/');
      expect(answer.status).toBe(302);
      expect(answer.headers.location).toBe('/graphql');
    } finally {
      await on.close();
    }
    const off = await startHarness({ graph: { sessionCount: 1 }, veeam: { sessionCount: 1 }, configure: (raw) => (raw.server.graphiql = false) });
    try {
      expect((await off.http('/')).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});

describe('Host names the gateway answers for (DNS rebinding)', () => {
  const query = JSON.stringify({ query: '{ sources { id } }' });
  const post = (h: Harness, host: string) => h.http('/graphql', { method: 'POST', headers: { host, 'content-type': 'application/json' }, body: query });

  it('on a loopback listener answers only the loopback names by default; probes answer any name', async () => {
    const h = await startHarness({ graph: { sessionCount: 1 }, veeam: { sessionCount: 1 }, configure: (raw) => (raw.server.host = '127.0.0.1') });
    try {
      const port = new URL(h.url).port;
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) expect((await post(h, host)).status).toBe(200);
      // A page at rebind.example.com whose name now resolves to 127.0.0.1 sends its own name.
      const refused = await post(h, `rebind.example.com:${port}`);
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.text).errors[0].extensions.code).toBe('BAD_REQUEST');
      expect(refused.text).toContain('server.allowedHosts');
      expect((await h.http('/graphql', { headers: { host: `rebind.example.com:${port}`, accept: 'text/html' } })).status).toBe(403);
      expect((await h.http('/healthz', { headers: { host: `10.0.0.7:${port}` } })).status).toBe(200);
      expect(await upgradeStatus(h.url, { host: `rebind.example.com:${port}`, origin: `http://rebind.example.com:${port}` })).toBe(403);
      expect(await upgradeStatus(h.url, { origin: h.url })).toBe(101);
    } finally {
      await h.close();
    }
  });

  it('answers exactly server.allowedHosts when set, and any name on a non-loopback listener without it', async () => {
    const listed = await startHarness({
      graph: { sessionCount: 1 },
      veeam: { sessionCount: 1 },
      configure: (raw) => (raw.server.allowedHosts = ['Gateway.Example.com']),
    });
    try {
      expect((await post(listed, 'gateway.example.com')).status).toBe(200);
      expect((await post(listed, 'gateway.example.com:443')).status).toBe(200);
      expect((await post(listed, new URL(listed.url).host)).status).toBe(403);
    } finally {
      await listed.close();
    }
    const open = await startHarness({ graph: { sessionCount: 1 }, veeam: { sessionCount: 1 }, configure: (raw) => (raw.server.host = '0.0.0.0') });
    try {
      expect((await post(open, 'gateway.internal:4000')).status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it('refuses an empty list at start-up', () => {
    expect(() =>
      parseConfig({
        server: { allowedHosts: [] },
        sources: [{ id: 's', vendor: 'veeam', name: 'S', baseUrl: 'https://s', auth: { username: 'u', password: 'p' } }],
      }),
    ).toThrow(ConfigError);
  });
});
