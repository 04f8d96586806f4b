import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { startSimulators, type SimulatorPair } from '../../src/simulators/startSimulators';

const ROOT = path.resolve(__dirname, '../..');

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('graceful shutdown and start-up errors of the real process', () => {
  let sims: SimulatorPair;
  let dir: string;
  beforeAll(async () => {
    sims = await startSimulators({ graph: { sessionCount: 20 }, veeam: { sessionCount: 20, tls: false } });
    dir = mkdtempSync(path.join(tmpdir(), 'gw-shutdown-'));
  });
  afterAll(() => sims.close());

  const startProcess = (configFile: string, env: Record<string, string> = {}) =>
    spawn(process.execPath, ['--require', 'tsx/cjs', path.join(ROOT, 'src/main.ts'), '--config', configFile], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });

  it('on SIGTERM finishes the request in flight, refuses new connections, and exits 0', async () => {
    const port = await freePort();
    const configFile = path.join(dir, 'gateway.yaml');
    writeFileSync(
      configFile,
      `server: { port: ${port}, host: 127.0.0.1, shutdownGraceSeconds: 5 }
logging: { level: warn }
cache: { listTtlSeconds: 0 }
sources:
  - { id: contoso, vendor: msgraph, name: Contoso, baseUrl: "${sims.graph.apiBaseUrl}", auth: { tenantId: "${sims.graph.tenantId}", clientId: "${sims.graph.clientId}", clientSecret: "\${GRAPH_SECRET}", tokenUrl: "${sims.graph.tokenUrl}" } }
`,
    );
    const child = startProcess(configFile, { GRAPH_SECRET: sims.graph.clientSecret });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 200 && !stdout.includes('Gateway ready'); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stdout).toContain('Gateway ready');

    sims.graph.server.faults.update({ latencyMs: 1200 });
    const inFlight = request(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ restoreSessions { totalCount } }' }) });
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(request(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    const answer = await inFlight;
    expect(answer.statusCode).toBe(200);
    expect(((await answer.body.json()) as { data: { restoreSessions: { totalCount: number } } }).data.restoreSessions.totalCount).toBe(20);
    expect(await exited).toBe(0);
    sims.graph.server.faults.reset();
  }, 30_000);

  it('refuses to start on a bad configuration, naming the key', async () => {
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, `sources:\n  - { id: vbo, vendor: veeam, name: V, baseUrl: "https://x:4443", auth: { username: u, password: "\${MISSING_PASSWORD}" } }\n`);
    const child = startProcess(bad);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(stderr).toContain('sources[0].auth.password: environment variable MISSING_PASSWORD is not set');
  }, 30_000);
});
