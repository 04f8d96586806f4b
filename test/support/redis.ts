import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

/** Whether a Redis answers PING at REDIS_URL (checked synchronously, so a suite can skip with a reason). */
export function redisReachable(): boolean {
  const { hostname, port } = new URL(REDIS_URL);
  const probe = `const s=require('net').connect(${Number(port) || 6379},'${hostname}');s.setTimeout(1000,()=>process.exit(1));s.on('error',()=>process.exit(1));s.on('data',d=>process.exit(String(d).startsWith('+PONG')?0:1));s.write('PING\\r\\n');`;
  return spawnSync(process.execPath, ['-e', probe], { timeout: 3000 }).status === 0;
}

export function describeWithRedis(name: string, body: () => void): void {
  if (redisReachable()) describe(name, body);
  // The real tests, reported as skipped with the reason in their title.
  else describe.skip(`${name} (skipped: no Redis answers at ${REDIS_URL}; start one with: redis-server --port 6379, or set TEST_REDIS_URL)`, body);
}

/**
 * Simulator accounts of their own for one test's upstreams. Shared-index keys in Redis carry the
 * upstream's URL and account and live for days; simulators listen on ports the OS hands out again
 * in later runs, so without this a test could load another run's shared copy of a different
 * simulated upstream as its own (seen as 171 sessions where 300 were seeded).
 */
export function uniqueAccounts(): { graph: { clientId: string }; veeam: { username: string } } {
  const id = randomUUID();
  return { graph: { clientId: id }, veeam: { username: `TECH\\svc-${id.slice(0, 8)}` } };
}
