import { execFileSync } from 'node:child_process';
import { request } from 'undici';
import WebSocket from 'ws';
import { startSimulators, type SimulatorPair } from '../../src/simulators/startSimulators';
import { freePort, killLeftovers, processAlive, startCompiledGateway, startWithNpm, waitUntilReady, writeConfig } from '../support/gatewayProcess';

/**
 * The gateway as a process, the way `npm start` and the Dockerfile run it: compiled, with
 * NODE_ENV=production (Apollo Server installs its own signal handlers unless NODE_ENV=test, which
 * is what Jest sets, so only a production-mode process shows whether the drain really works).
 */
describe('the gateway process in production mode', () => {
  let sims: SimulatorPair;
  beforeAll(async () => {
    sims = await startSimulators({ graph: { sessionCount: 20 }, veeam: { sessionCount: 20, tls: false } });
  });
  afterAll(() => sims.close());
  afterEach(async () => {
    sims.graph.server.faults.reset();
    await killLeftovers();
  });

  const configFor = (port: number, server = '') => `server: { port: ${port}, host: 127.0.0.1, shutdownDelaySeconds: 1, shutdownGraceSeconds: 5${server} }
logging: { level: info }
cache: { listTtlSeconds: 5 }
sources:
  - { id: contoso, vendor: msgraph, name: Contoso, baseUrl: "${sims.graph.apiBaseUrl}", auth: { tenantId: "${sims.graph.tenantId}", clientId: "${sims.graph.clientId}", clientSecret: "\${GRAPH_SECRET}", tokenUrl: "${sims.graph.tokenUrl}" } }
`;
  const env = () => ({ GRAPH_SECRET: sims.graph.clientSecret });
  // The list comes from the index; the artifacts are read upstream during the request (slowed below).
  const QUERY =
    '{ restoreSessions(first: 1, filter: { workloads: [EXCHANGE] }) { totalCount nodes { ... on GraphRestoreSession { artifacts { totalCount } } } } }';
  const SLOW = { routeMatch: '/{artifacts}' };
  const listQuery = (port: number) =>
    request(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY }) });
  const readyz = async (port: number) => {
    const res = await request(`http://127.0.0.1:${port}/readyz`);
    return { status: res.statusCode, body: (await res.body.json()) as { status: string } };
  };

  it('on SIGTERM: readiness 503 while still serving, then the listener closes, the request in flight and subscriptions end cleanly, exit 0', async () => {
    const port = await freePort();
    const gw = startCompiledGateway(writeConfig(configFor(port)), env());
    await gw.waitForOutput('Gateway ready');
    await waitUntilReady(port);

    const socket = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
    const wsClosed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve) => socket.on('open', () => resolve()));
    socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
    await new Promise<void>((resolve) => socket.once('message', () => resolve()));

    sims.graph.server.faults.update({ latencyMs: 3000, ...SLOW });
    const inFlight = listQuery(port);
    await new Promise((resolve) => setTimeout(resolve, 600));
    gw.child.kill('SIGTERM');
    await gw.waitForOutput('shutting down');

    // During shutdownDelaySeconds: not ready, but still answering.
    const during = await readyz(port);
    expect(during).toMatchObject({ status: 503, body: { status: 'stopping' } });
    sims.graph.server.faults.reset();
    const servedDuringDelay = await listQuery(port);
    expect(servedDuringDelay.statusCode).toBe(200);
    expect(servedDuringDelay.headers.connection).toBe('close');
    await servedDuringDelay.body.dump();

    expect(await wsClosed).toBe(1001);
    const answer = await inFlight;
    expect(answer.statusCode).toBe(200);
    const body = (await answer.body.json()) as { data: { restoreSessions: { totalCount: number; nodes: Array<{ artifacts: { totalCount: number } }> } } };
    expect(body.data.restoreSessions.totalCount).toBe(sims.graph.store.all().filter((r) => r.workload === 'exchange').length);
    expect(body.data.restoreSessions.nodes[0].artifacts.totalCount).toBeGreaterThanOrEqual(0);
    expect(await gw.exited).toEqual({ code: 0, signal: null });
    await expect(request(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    const messages = gw.logs().map((l) => l.msg);
    expect(messages).toEqual(expect.arrayContaining([expect.stringContaining('shutting down'), 'stopped']));
  }, 40_000);

  it('a second signal (npm forwards the terminal’s Ctrl+C too) does not cut the drain short', async () => {
    const port = await freePort();
    const gw = startCompiledGateway(writeConfig(configFor(port)), env());
    await waitUntilReady(port);
    sims.graph.server.faults.update({ latencyMs: 1500, ...SLOW });
    const inFlight = listQuery(port);
    await new Promise((resolve) => setTimeout(resolve, 300));
    gw.child.kill('SIGINT');
    await gw.waitForOutput('shutting down');
    gw.child.kill('SIGINT');
    expect((await inFlight).statusCode).toBe(200);
    expect(await gw.exited).toEqual({ code: 0, signal: null });
    expect(gw.logs().some((l) => l.msg === 'already shutting down')).toBe(true);
  }, 40_000);

  it('SIGTERM to `npm start` reaches node (no orphan left answering) and the drain runs', async () => {
    const port = await freePort();
    const gw = startWithNpm({ ...env(), GATEWAY_CONFIG: writeConfig(configFor(port)) });
    await waitUntilReady(port);
    const children = execFileSync('pgrep', ['-P', String(gw.child.pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(Number);
    expect(children).toHaveLength(1); // `exec`: node replaced the shell
    const nodePid = children[0];
    expect(execFileSync('ps', ['-o', 'args=', '-p', String(nodePid)], { encoding: 'utf8' })).toContain('dist/main.js');
    gw.child.kill('SIGTERM');
    const { code } = await gw.exited;
    expect(code).toBe(0);
    expect(processAlive(nodePid)).toBe(false);
    await expect(request(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    expect(gw.logs().some((l) => typeof l.msg === 'string' && l.msg.includes('shutting down'))).toBe(true);
  }, 40_000);

  it('finishes within the grace period when a request runs longer, still exiting 0', async () => {
    const port = await freePort();
    const gw = startCompiledGateway(
      writeConfig(configFor(port).replace('shutdownGraceSeconds: 5', 'shutdownGraceSeconds: 1').replace('shutdownDelaySeconds: 1', 'shutdownDelaySeconds: 0')),
      env(),
    );
    await waitUntilReady(port);
    sims.graph.server.faults.update({ latencyMs: 20_000, ...SLOW });
    const inFlight = listQuery(port).then(
      () => 'answered',
      () => 'cut',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    gw.child.kill('SIGTERM');
    expect(await gw.exited).toEqual({ code: 0, signal: null });
    expect(await inFlight).toBe('cut');
    expect(gw.logs().some((l) => typeof l.msg === 'string' && l.msg.includes('grace period over'))).toBe(true);
  }, 40_000);

  it('says in one line that the port is taken, naming PORT', async () => {
    const port = await freePort();
    const first = startCompiledGateway(writeConfig(configFor(port)), env());
    await first.waitForOutput('Gateway ready');
    const second = startCompiledGateway(writeConfig(configFor(port)), env());
    const { code } = await second.exited;
    first.child.kill('SIGTERM');
    await first.exited;
    expect(code).toBe(1);
    expect(second.stderr().trim().split('\n')).toEqual([
      `gateway: port ${port} on 127.0.0.1 is already in use: stop what holds it, or set PORT (or server.port) to another port`,
    ]);
  }, 40_000);

  it('logs the start-up check of each source: refused credentials are named before any query, and /readyz shows the source DOWN', async () => {
    const port = await freePort();
    const gw = startCompiledGateway(writeConfig(configFor(port)), { GRAPH_SECRET: 'not-the-secret' });
    await gw.waitForOutput('source check failed');
    const line = gw.logs().find((l) => l.msg === 'source check failed: the source is left out of answers until it recovers');
    expect(line).toMatchObject({ level: 50, source: 'contoso', code: 'UPSTREAM_AUTH_FAILED' });
    expect(String(line?.error)).toMatch(/the identity platform refused the gateway's credentials \(invalid_client\)/);
    const ready = await readyz(port);
    expect(ready.body).toMatchObject({ status: 'degraded', sources: [{ id: 'contoso', health: 'DOWN' }] });
    gw.child.kill('SIGTERM');
    await gw.exited;
  }, 40_000);

  it('refuses to start on a bad configuration, naming the key', async () => {
    const child = startCompiledGateway(
      writeConfig(`sources:\n  - { id: vbo, vendor: veeam, name: V, baseUrl: "https://x:4443", auth: { username: u, password: "\${MISSING_PASSWORD}" } }\n`),
    );
    expect((await child.exited).code).toBe(1);
    expect(child.stderr()).toContain('sources[0].auth.password: environment variable MISSING_PASSWORD is not set');
  }, 30_000);

  it('shows a YAML syntax error with its line and a caret under the column', async () => {
    const child = startCompiledGateway(writeConfig(`sources:\n  - id: vbo\n    vendor: veeam\n    auth: { username: "TECH\\svc-gateway", password: x }\n`));
    expect((await child.exited).code).toBe(1);
    expect(child.stderr()).toContain(
      'is not valid YAML: Invalid escape sequence \\s\n  line 4, column 28:\n        auth: { username: "TECH\\svc-gateway", password: x }\n                               ^',
    );
  }, 30_000);
});
