/**
 * The scale scenario: 20,000 sessions per source, 200 ms per upstream call, 20 clients. Measures
 * how long the index takes to warm, query latency once warm (first page, a filtered page, stats),
 * upstream calls per minute at steady state by kind, memory, the same with three replicas on a
 * Redis of the bench's own, and how fast a restarted replica answers.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { request } from 'undici';
import { freePort, startGatewayProcess, track, type GatewayProcess } from './gatewayProcess';
import { runLoad, type LoadResult } from './load';
import { startSimulatorProcess, type SimProcess } from './simulatorProcess';

export interface ScaleOptions {
  sessions: number;
  latencyMs: number;
  concurrency: number;
  seconds: number;
  /** Length of the steady-state window in which upstream calls are counted. */
  windowSeconds: number;
  log: (line: string) => void;
}

const gql = (query: string) => ({ path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
const QUERIES = {
  'first page (20)': gql('query Scale1 { restoreSessions(first: 20) { nodes { id vendor status createdAt initiatedBy } } }'),
  'filtered page (RUNNING or FAILED, Exchange)': gql(
    'query Scale2 { restoreSessions(first: 50, filter: { statuses: [RUNNING, FAILED], workloads: [EXCHANGE] }) { totalCount nodes { id status } } }',
  ),
  restoreSessionStats: gql('query Scale3 { restoreSessionStats { total byStatus { status count } bySource { source { id } count } } }'),
};

/** Calls by kind that keeping the index current cost, from the simulators' own counters. */
async function upstreamByKind(sims: SimProcess): Promise<Record<string, number>> {
  const routes = async (url: string) => ((await (await request(`${url}/_sim/counters`)).body.json()) as { byRoute: Record<string, number> }).byRoute;
  const [g, v] = [await routes(sims.graphUrl), await routes(sims.veeamUrl)];
  const sum = (r: Record<string, number>, match: (name: string) => boolean) => Object.entries(r).reduce((n, [name, count]) => n + (match(name) ? count : 0), 0);
  return {
    'Graph list pages': sum(g, (n) => n === 'GET /v1.0/solutions/backupRestore/restoreSessions'),
    'Graph $batch': sum(g, (n) => n === 'POST /v1.0/$batch'),
    'Veeam list pages': sum(v, (n) => n === 'GET /{version}/RestoreSessions'),
    'Veeam reads by id': sum(v, (n) => n === 'GET /{version}/RestoreSessions/{id}'),
    'Veeam change feed': sum(v, (n) => n === 'GET /{version}/Events'),
  };
}

async function resetCounters(sims: SimProcess): Promise<void> {
  for (const url of [sims.graphUrl, sims.veeamUrl]) await (await request(`${url}/_sim/counters/reset`, { method: 'POST' })).body.text();
}

async function waitReady(url: string, timeoutMs = 600_000): Promise<number> {
  const started = performance.now();
  for (;;) {
    try {
      const res = await request(`${url}/readyz`);
      await res.body.text();
      if (res.statusCode === 200) return performance.now() - started;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > timeoutMs) throw new Error(`${url} never became ready`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function startRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = track(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }));
  for (let i = 0; i < 100; i++) {
    try {
      await new Promise<void>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1');
        socket.once('connect', () => {
          socket.end();
          resolve();
        });
        socket.once('error', reject);
      });
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    url: `redis://127.0.0.1:${port}/0`,
    stop: async () => {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface ScaleResult {
  warmSeconds: number;
  queries: Array<{ name: string; load: LoadResult }>;
  perMinute: Record<string, number>;
  rssMb: number;
  replicated: { warmSeconds: number; perMinute: Record<string, number>; restartFirstAnswerMs: number; restartReadyMs: number };
}

export async function runScale(options: ScaleOptions): Promise<ScaleResult> {
  const { log } = options;
  log(`scale: starting simulators (${options.sessions.toLocaleString('en')} sessions each, ${options.latencyMs} ms per call)...`);
  const sims = await startSimulatorProcess(options.sessions, options.sessions, options.latencyMs);
  try {
    const config = 'cache: { listTtlSeconds: 5 }';
    log('scale: one gateway, warming...');
    const gateway = await startGatewayProcess(sims.endpoints, config, 'v8');
    const warmSeconds = (await waitReady(gateway.url)) / 1000 + gateway.startSeconds;
    const queries: ScaleResult['queries'] = [];
    for (const [name, body] of Object.entries(QUERIES)) {
      log(`scale: ${name}...`);
      queries.push({
        name,
        load: await runLoad(gateway.url, { concurrency: options.concurrency, seconds: options.seconds, warmupSeconds: 1, next: () => body }),
      });
    }
    log(`scale: counting upstream calls over ${options.windowSeconds} s at steady state...`);
    await resetCounters(sims);
    await new Promise((resolve) => setTimeout(resolve, options.windowSeconds * 1000));
    const perMinute = scalePerMinute(await upstreamByKind(sims), options.windowSeconds);
    const rssMb = (await gateway.usage()).rssBytes / 1048576;
    await gateway.stop();

    log('scale: three replicas sharing a Redis...');
    const redis = await startRedis();
    const replicas: GatewayProcess[] = [];
    try {
      const shared = `cache: { listTtlSeconds: 5, redis: { url: "${redis.url}" } }`;
      const startedAt = performance.now();
      for (let i = 0; i < 3; i++) replicas.push(await startGatewayProcess(sims.endpoints, shared, 'v8'));
      await Promise.all(replicas.map((r) => waitReady(r.url)));
      const replicatedWarm = (performance.now() - startedAt) / 1000;
      await resetCounters(sims);
      await new Promise((resolve) => setTimeout(resolve, options.windowSeconds * 1000));
      const replicatedPerMinute = scalePerMinute(await upstreamByKind(sims), options.windowSeconds);
      log('scale: restarting one replica (warm from Redis)...');
      const last = replicas.pop() as GatewayProcess;
      await last.stop();
      const again = await startGatewayProcess(sims.endpoints, shared, 'v8');
      replicas.push(again);
      // From listening (the process itself takes about a second to boot Node and load) to its first full answer.
      const restartedAt = performance.now();
      const first = await request(`${again.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: QUERIES['first page (20)'].body,
      });
      const answer = (await first.body.json()) as { data?: { restoreSessions?: { nodes: unknown[] } } };
      const restartFirstAnswerMs = performance.now() - restartedAt;
      if (!answer.data?.restoreSessions?.nodes.length) throw new Error('the restarted replica answered without sessions');
      const restartReadyMs = (await waitReady(again.url)) + restartFirstAnswerMs;
      log(`scale: the restarted replica booted in ${again.startSeconds.toFixed(1)} s, then answered in ${restartFirstAnswerMs.toFixed(0)} ms`);
      return {
        warmSeconds,
        queries,
        perMinute,
        rssMb,
        replicated: { warmSeconds: replicatedWarm, perMinute: replicatedPerMinute, restartFirstAnswerMs, restartReadyMs },
      };
    } finally {
      for (const r of replicas) await r.stop();
      await redis.stop();
    }
  } finally {
    await sims.stop();
  }
}

function scalePerMinute(counts: Record<string, number>, seconds: number): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, (v * 60) / seconds]));
}
