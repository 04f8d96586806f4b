import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { request } from 'undici';
import { freePort, track, type UpstreamEndpoints } from './gatewayProcess';

const ROOT = path.resolve(__dirname, '..');

export interface SimProcess {
  endpoints: UpstreamEndpoints;
  graphUrl: string;
  veeamUrl: string;
  stop(): Promise<void>;
}

/** Starts `npm run simulators`' code as its own process and reads where it listens. */
export async function startSimulatorProcess(graphSessions: number, veeamSessions: number, latencyMs: number): Promise<SimProcess> {
  const [graphPort, veeamPort] = [await freePort(), await freePort()];
  const child: ChildProcess = track(
    spawn(
      process.execPath,
      [
        '--require',
        'tsx/cjs',
        path.join(ROOT, 'src/simulators/cli.ts'),
        '--plain-http',
        '--latency',
        String(latencyMs),
        '--graph-port',
        String(graphPort),
        '--veeam-port',
        String(veeamPort),
        '--graph-sessions',
        String(graphSessions),
        '--veeam-sessions',
        String(veeamSessions),
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    ),
  );
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  for (let i = 0; i < 600 && !out.includes('Press Ctrl+C'); i++) await new Promise((r) => setTimeout(r, 50));
  const graphUrl = `http://localhost:${graphPort}`;
  const veeamUrl = `http://localhost:${veeamPort}`;
  const info = (await (await request(`${graphUrl}/_sim/info`)).body.json()) as { tenantId: string; clientId: string; tokenUrl: string; apiBaseUrl: string };
  const veeamInfo = (await (await request(`${veeamUrl}/_sim/info`)).body.json()) as { username: string };
  const value = (label: string) => new RegExp(`${label}\\s+(\\S+)`).exec(out)?.[1] as string;
  return {
    graphUrl,
    veeamUrl,
    endpoints: {
      graph: { apiBaseUrl: info.apiBaseUrl, tokenUrl: info.tokenUrl, tenantId: info.tenantId, clientId: info.clientId, clientSecret: value('clientSecret') },
      veeam: { url: veeamUrl, username: veeamInfo.username, password: value('password') },
    },
    stop: async () => {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
