import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
/** Where the upstreams are and how to log in: from in-process simulators or a simulator process. */
export interface UpstreamEndpoints {
  graph: { apiBaseUrl: string; tokenUrl: string; tenantId: string; clientId: string; clientSecret: string };
  veeam: { url: string; username: string; password: string; caFile?: string };
}

const ROOT = path.resolve(__dirname, '..');

/** Every child this process started: none outlives it, whatever ends it. */
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

export interface ProcessUsage {
  rssBytes: number;
  /** User and system time. */
  cpuSeconds: number;
  /** User time alone: the gateway's own work, without the kernel's (socket writes dominate there). */
  userSeconds: number;
}

/**
 * CPU seconds and RSS of a process: from /proc on Linux (any process, the baselines included),
 * else from the gateway's own /metrics.
 */
async function processUsage(pid: number | undefined, url: string): Promise<ProcessUsage> {
  if (pid !== undefined && existsSync(`/proc/${pid}/stat`)) {
    // Fields after the command name: state is 3rd, utime 14th, stime 15th (in clock ticks, 100 per second on Linux).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const user = Number(fields[11]);
    const residentPages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return { cpuSeconds: (user + Number(fields[12])) / 100, userSeconds: user / 100, rssBytes: residentPages * 4096 };
  }
  const text = await (await request(`${url}/metrics`)).body.text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  return {
    rssBytes: value('gateway_process_resident_memory_bytes'),
    cpuSeconds: value('gateway_process_cpu_seconds_total'),
    userSeconds: value('gateway_process_cpu_user_seconds_total'),
  };
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface GatewayProcess {
  url: string;
  child: ChildProcess;
  /** From spawning the process until it listened. */
  startSeconds: number;
  /** RSS and CPU seconds (all, and in user space only) of the gateway process. */
  usage(): Promise<ProcessUsage>;
  stop(): Promise<void>;
}

/**
 * Runs the gateway as its own process (the compiled `dist/main.js`: `npm run bench` builds first), configured against the given
 * simulators, so that its CPU and memory are measured apart from the load and the upstreams.
 */
/** The V8 flags production runs with (package.json start script, Dockerfile). */
export const PRODUCTION_NODE_OPTIONS = '--max-semi-space-size=2';

export async function startGatewayProcess(
  sims: UpstreamEndpoints,
  extraYaml = '',
  veeamVersion = 'v8',
  entry = 'dist/main.js',
  nodeOptions: string | undefined = PRODUCTION_NODE_OPTIONS,
): Promise<GatewayProcess> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'gw-bench-'));
  const configFile = path.join(dir, 'gateway.yaml');
  const veeamTls = sims.veeam.caFile ? `\n    tls: { caFile: "${sims.veeam.caFile}" }` : '';
  writeFileSync(
    configFile,
    `server: { port: ${port}, host: 127.0.0.1 }
logging: { level: warn }
${extraYaml}
sources:
  - id: contoso
    vendor: msgraph
    name: Contoso
    baseUrl: "${sims.graph.apiBaseUrl}"
    auth: { tenantId: "${sims.graph.tenantId}", clientId: "${sims.graph.clientId}", clientSecret: "${sims.graph.clientSecret}", tokenUrl: "${sims.graph.tokenUrl}" }
  - id: vbo-eu
    vendor: veeam
    name: VB365
    baseUrl: "${sims.veeam.url}"
    apiVersion: ${veeamVersion}
    auth: { username: '${sims.veeam.username}', password: "${sims.veeam.password}" }${veeamTls}
`,
  );
  // Compiled JavaScript runs as in production; TypeScript entries (the baseline) go through tsx.
  const loader = entry.endsWith('.ts') ? ['--require', 'tsx/cjs'] : [];
  const spawnedAt = performance.now();
  const child = track(
    spawn(process.execPath, [...loader, path.join(ROOT, entry), '--config', configFile], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production', ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) },
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  for (let i = 0; i < 400 && !stdout.includes('Gateway ready'); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!stdout.includes('Gateway ready')) throw new Error('the gateway process did not start');
  const url = `http://127.0.0.1:${port}`;
  const startSeconds = (performance.now() - spawnedAt) / 1000;
  return {
    url,
    child,
    startSeconds,
    async usage() {
      return processUsage(child.pid, url);
    },
    async stop() {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
