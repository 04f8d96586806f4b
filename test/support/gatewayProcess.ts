import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function writeConfig(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'gw-process-')), 'gateway.yaml');
  writeFileSync(file, text);
  return file;
}

/** A gateway process as it runs in production: compiled, NODE_ENV=production, its output captured. */
export interface GatewayProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Log lines (JSON) written so far. */
  logs(): Array<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();

/** Kills what a test started and left running (a failed assertion must not leave a gateway behind). */
export async function killLeftovers(): Promise<void> {
  await Promise.all(
    [...running].map(async (child) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    }),
  );
  running.clear();
}

function watch(child: ChildProcess): GatewayProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    logs: () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    exited,
    async waitForOutput(text, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!out.includes(text) && !err.includes(text)) {
        if (child.exitCode !== null || Date.now() > deadline)
          throw new Error(`gateway never printed '${text}'; stdout:\n${out.slice(-2000)}\nstderr:\n${err.slice(-2000)}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  };
}

/** `node dist/main.js --config <file>` with NODE_ENV=production. */
export function startCompiledGateway(configFile: string | null, env: Record<string, string> = {}): GatewayProcess {
  const args = ['dist/main.js', ...(configFile ? ['--config', configFile] : [])];
  return watch(spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, NODE_ENV: 'production', ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** Waits until /readyz answers 200 (every source's start-up check has ended). */
export async function waitUntilReady(port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`gateway on ${port} never became ready`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `npm start` itself (without its prestart build: Jest's global setup built dist/ already). */
export function startWithNpm(env: Record<string, string>): GatewayProcess {
  return watch(
    spawn('npm', ['start', '--ignore-scripts', '--silent'], { cwd: ROOT, env: { ...process.env, NODE_ENV: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] }),
  );
}

/** Whether a process with this id still exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
