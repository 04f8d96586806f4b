import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { freePort } from './gatewayProcess';
import { findExecutable } from './tools';

export const REDIS_SERVER = findExecutable(['redis-server']);

/**
 * A Redis server of the test's own, on a free port, for faults the machine's shared Redis must
 * never see (paused, killed, fed malformed messages). Stopped by its PID, never by name.
 */
export interface OwnRedis {
  url: string;
  port: number;
  pause(): void;
  resume(): void;
  kill(): Promise<void>;
  /** Starts it again on the same port after `kill` (empty: it keeps nothing on disk). */
  restart(): Promise<void>;
}

async function spawnRedis(server: string, port: number): Promise<ChildProcess> {
  const child: ChildProcess = spawn(server, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return child;
    if (Date.now() > deadline) throw new Error('own redis-server did not start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const server = REDIS_SERVER;
  if (!server) throw new Error('redis-server is not installed');
  const port = await freePort();
  let child = await spawnRedis(server, port);
  let dead = false;
  const kill = async () => {
    if (dead) return;
    dead = true;
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    if (child.exitCode === null && child.signalCode === null) await new Promise((resolve) => child.once('exit', resolve));
  };
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    kill,
    restart: async () => {
      await kill();
      child = await spawnRedis(server, port);
      dead = false;
    },
  };
}
