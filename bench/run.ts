/**
 * npm run bench: the simulators (plain HTTP, 10 ms added latency) and the gateway each run in
 * their own process; closed-loop load at 20 concurrent requests per scenario. Prints a table:
 * requests/s, p50/p95/p99, gateway CPU per request, upstream calls per GraphQL request, gateway
 * CPU and RSS; then every scenario side by side against the same gateway with its response cache
 * off and against the DataLoader baseline (plain Apollo Server with per-request DataLoaders, no
 * index), the upstream ceiling, the naive baseline, the scale scenario and the gateway's memory
 * with 50,000 sessions loaded. Loopback only.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { startGatewayProcess, type GatewayProcess } from './gatewayProcess';
import { runLoad, type LoadResult } from './load';
import { runScale, type ScaleResult } from './scale';
import { startSimulatorProcess, type SimProcess } from './simulatorProcess';

const LIST_TTL_SECONDS = 5;

async function upstreamCalls(sims: SimProcess): Promise<number> {
  let total = 0;
  for (const url of [sims.graphUrl, sims.veeamUrl]) total += ((await (await request(`${url}/_sim/counters`)).body.json()) as { total: number }).total;
  return total;
}

async function resetCounters(sims: SimProcess): Promise<void> {
  for (const url of [sims.graphUrl, sims.veeamUrl]) await (await request(`${url}/_sim/counters/reset`, { method: 'POST' })).body.text();
}

async function gatewayUpstreamSeconds(gateway: GatewayProcess): Promise<number> {
  const text = await (await request(`${gateway.url}/metrics`)).body.text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('gateway_upstream_request_duration_seconds_sum'))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

/** The response cache's counters (zero for a process that has none). */
async function responseCacheResults(target: GatewayProcess): Promise<{ hits: number; all: number }> {
  const text = await (await request(`${target.url}/metrics`)).body.text();
  let hits = 0;
  let all = 0;
  for (const m of text.matchAll(/^gateway_response_cache_requests_total\{result="(\w+)"\} (\d+)/gm)) {
    all += Number(m[2]);
    if (m[1] !== 'miss' && m[1] !== 'uncacheable') hits += Number(m[2]);
  }
  return { hits, all };
}

/** One GraphQL POST outside the load loop. */
async function postGraphql<T>(origin: string, query: string): Promise<T> {
  const res = await request(`${origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return (await res.body.json()) as T;
}

const gql = (query: string, variables?: Record<string, unknown>) => ({
  path: '/graphql',
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ query, variables }),
});

interface Row {
  name: string;
  load: LoadResult;
  callsPerRequest: number;
  /** Upstream calls per minute while the scenario ran (the index's background reads included). */
  callsPerMinute: number;
  cpuPercent: number;
  rssMb: number;
  upstreamMsPerRequest: number;
  cpuMsPerRequest: number;
  /** Share of requests the response cache answered (NaN where there is none). */
  cacheHitShare: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '20' },
      latency: { type: 'string', default: '10' },
      scale: { type: 'string', default: 'on' },
      'scale-sessions': { type: 'string', default: '20000' },
      'scale-latency': { type: 'string', default: '200' },
      'scale-window': { type: 'string', default: '60' },
      /** `scale` runs the scale scenario alone. */
      only: { type: 'string' },
    },
  });
  if (values.only === 'scale') {
    const scale = await runScale({
      sessions: Number(values['scale-sessions']),
      latencyMs: Number(values['scale-latency']),
      concurrency: Number(values.concurrency),
      seconds: Number(values.seconds),
      windowSeconds: Number(values['scale-window']),
      log: (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(
      `${scaleLines(scale, Number(values['scale-sessions']), Number(values['scale-latency']), Number(values.concurrency), (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a')).join('\n')}\n`,
    );
    return;
  }
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  const latency = Number(values.latency);
  const log = (line: string) => process.stderr.write(`${line}\n`);

  log(`starting simulators (5,000 + 5,000 sessions, ${latency} ms latency) and the gateway...`);
  const sims = await startSimulatorProcess(5000, 5000, latency);
  const gateway = await startGatewayProcess(sims.endpoints, `cache: { listTtlSeconds: ${LIST_TTL_SECONDS} }`);
  await waitUntilReady(gateway.url);

  // Ids for scenario 3: 50 Graph and 50 Veeam sessions, with their statuses (running ones expire sooner).
  const sample = await postGraphql<{
    data: { g: { nodes: Array<{ id: string; isTerminal: boolean }> }; v: { nodes: Array<{ id: string; isTerminal: boolean }> } };
  }>(
    gateway.url,
    '{ g: restoreSessions(first: 50, filter: { vendors: [MICROSOFT_GRAPH] }) { nodes { id isTerminal } } v: restoreSessions(first: 50, filter: { vendors: [VEEAM] }) { nodes { id isTerminal } } }',
  );
  const mixed = [...sample.data.g.nodes, ...sample.data.v.nodes];

  const scenarios: Array<{ name: string; next: (w: number) => ReturnType<typeof gql>; onAnswer?: (w: number, status: number, body: string) => void }> = [];
  scenarios.push({
    name: '1. first 50, interface fields',
    next: () => gql('query S1 { restoreSessions(first: 50) { nodes { id vendorId vendor status workload createdAt initiatedBy isTerminal } } }'),
  });
  scenarios.push({
    name: '2. first 200 + organization + artifactCount',
    next: () =>
      gql(
        'query S2 { restoreSessions(first: 200) { nodes { id status ... on VeeamRestoreSession { organization { name } } ... on GraphRestoreSession { artifactCount { total completed failed } } } } }',
      ),
  });
  scenarios.push({
    name: '3. nodes of 100 mixed ids',
    next: () => gql('query S3($ids: [ID!]!) { nodes(ids: $ids) { id ... on RestoreSession { status createdAt } } }', { ids: mixed.map((n) => n.id) }),
  });
  const cursors = new Map<number, string | null>();
  scenarios.push({
    name: '4. deep paging to the end of 10,000 (pages of 500)',
    next: (w) =>
      gql('query S4($after: String) { restoreSessions(first: 500, after: $after) { pageInfo { hasNextPage endCursor } nodes { id status } } }', {
        after: cursors.get(w) ?? null,
      }),
    onAnswer: (w, _status, body) => {
      const info = (JSON.parse(body) as { data?: { restoreSessions?: { pageInfo: { hasNextPage: boolean; endCursor: string | null } } } }).data?.restoreSessions
        ?.pageInfo;
      cursors.set(w, info?.hasNextPage ? info.endCursor : null);
    },
  });
  scenarios.push({
    name: '5. restoreSessionStats',
    next: () =>
      gql(
        'query S5 { restoreSessionStats { total byStatus { status count } byVendor { vendor count } byWorkload { workload count } bySource { source { id } count } } }',
      ),
  });

  /** Measures every scenario against one gateway process (a warm-up first: tokens, indexes, caches). */
  const measureAll = async (target: GatewayProcess, path = '/graphql'): Promise<Row[]> => {
    const measured: Row[] = [];
    for (const scenario of scenarios) {
      const next = (w: number) => ({ ...scenario.next(w), path });
      log(`  ${scenario.name}...`);
      await runLoad(target.url, { concurrency, seconds: 2, next, onAnswer: scenario.onAnswer });
      await resetCounters(sims);
      const before = await target.usage();
      const upstreamBefore = await gatewayUpstreamSeconds(target);
      const hitsBefore = await responseCacheResults(target);
      const load = await runLoad(target.url, { concurrency, seconds, next, onAnswer: scenario.onAnswer });
      const after = await target.usage();
      const hitsAfter = await responseCacheResults(target);
      const calls = await upstreamCalls(sims);
      measured.push({
        name: scenario.name,
        load,
        callsPerRequest: calls / load.requests,
        callsPerMinute: (calls * 60) / load.seconds,
        cpuPercent: ((after.cpuSeconds - before.cpuSeconds) / load.seconds) * 100,
        cpuMsPerRequest: ((after.cpuSeconds - before.cpuSeconds) * 1000) / Math.max(1, load.requests),
        cacheHitShare: (hitsAfter.hits - hitsBefore.hits) / Math.max(1, hitsAfter.all - hitsBefore.all),
        rssMb: after.rssBytes / 1048576,
        upstreamMsPerRequest: (((await gatewayUpstreamSeconds(target)) - upstreamBefore) * 1000) / load.requests,
      });
    }
    return measured;
  };

  log('running scenario 1 with one client (latency without queueing)...');
  const single = await runLoad(gateway.url, { concurrency: 1, seconds: Math.min(5, seconds), warmupSeconds: 1, next: scenarios[0].next });
  log('running every scenario against the gateway...');
  const rows = await measureAll(gateway);
  // One cached first page: CPU per request with one client (no contention), the figure the response cache aims at.
  const cachedBefore = await gateway.usage();
  const cachedSingle = await runLoad(gateway.url, { concurrency: 1, seconds: Math.min(5, seconds), next: scenarios[0].next });
  const cachedAfter = await gateway.usage();
  const cachedCpuMs = ((cachedAfter.cpuSeconds - cachedBefore.cpuSeconds) * 1000) / Math.max(1, cachedSingle.requests);
  const cachedUserMs = ((cachedAfter.userSeconds - cachedBefore.userSeconds) * 1000) / Math.max(1, cachedSingle.requests);
  log('measuring the gateway idle (its background index reads)...');
  const idleBefore = await gateway.usage();
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const idleCpuMsPerSecond = (((await gateway.usage()).cpuSeconds - idleBefore.cpuSeconds) * 1000) / 5;

  log('running the ceiling: scenario 1 straight to the simulators...');
  const graphToken = (
    (await (
      await request(sims.endpoints.graph.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: sims.endpoints.graph.clientId,
          client_secret: sims.endpoints.graph.clientSecret,
          scope: 'https://graph.microsoft.com/.default',
        }).toString(),
      })
    ).body.json()) as { access_token: string }
  ).access_token;
  const veeamToken = (
    (await (
      await request(`${sims.veeamUrl}/v8/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'password', username: sims.endpoints.veeam.username, password: sims.endpoints.veeam.password }).toString(),
      })
    ).body.json()) as { access_token: string }
  ).access_token;
  // One client fetching the first 50 of each upstream in parallel, as the gateway's answer needs at least.
  const { Pool } = await import('undici');
  const graphPool = new Pool(sims.graphUrl, { connections: concurrency });
  const veeamPool = new Pool(sims.veeamUrl, { connections: concurrency });
  const ceilingLatencies: number[] = [];
  const ceilingDeadline = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < ceilingDeadline) {
        const t = performance.now();
        await Promise.all([
          graphPool
            .request({
              path: '/v1.0/solutions/backupRestore/restoreSessions?$top=50',
              method: 'GET',
              headers: { authorization: `Bearer ${graphToken}`, prefer: 'include-unknown-enum-members' },
            })
            .then((r) => r.body.text()),
          veeamPool
            .request({ path: '/v8/RestoreSessions?limit=50&offset=0', method: 'GET', headers: { authorization: `Bearer ${veeamToken}` } })
            .then((r) => r.body.text()),
        ]);
        ceilingLatencies.push(performance.now() - t);
      }
    }),
  );
  await graphPool.close();
  await veeamPool.close();
  ceilingLatencies.sort((a, b) => a - b);
  const ceiling = { rps: ceilingLatencies.length / seconds, p50: ceilingLatencies[Math.floor(ceilingLatencies.length / 2)] };
  await gateway.stop();

  log('running every scenario against the gateway with the response cache off...');
  const uncachedGateway = await startGatewayProcess(sims.endpoints, `cache: { listTtlSeconds: ${LIST_TTL_SECONDS}, responses: { enabled: false } }`);
  await waitUntilReady(uncachedGateway.url);
  const uncachedRows = await measureAll(uncachedGateway);
  await uncachedGateway.stop();

  log('running every scenario against the DataLoader baseline (Apollo Server 5, per-request DataLoaders over undici, no index)...');
  const dataLoader = await startGatewayProcess(sims.endpoints, '', 'v8', 'bench/baseline/dataLoaderGateway.ts');
  const dataLoaderRows = await measureAll(dataLoader, '/');
  await dataLoader.stop();

  log('running the baseline: scenario 1 through plain Apollo resolvers (no DataLoader, no snapshots)...');
  const baseline = await startGatewayProcess(sims.endpoints, '', 'v8', 'bench/baseline/naiveGateway.ts');
  const baselineQuery = () => ({
    ...gql('query S1 { restoreSessions(first: 50) { nodes { id vendorId vendor status workload createdAt initiatedBy isTerminal } } }'),
    path: '/',
  });
  await runLoad(baseline.url, { concurrency, seconds: 2, next: baselineQuery });
  await resetCounters(sims);
  const baselineLoad = await runLoad(baseline.url, { concurrency, seconds, next: baselineQuery });
  const baselineCalls = (await upstreamCalls(sims)) / Math.max(1, baselineLoad.requests);
  await baseline.stop();
  await sims.stop();

  let scale: ScaleResult | null = null;
  if (values.scale !== 'off')
    scale = await runScale({
      sessions: Number(values['scale-sessions']),
      latencyMs: Number(values['scale-latency']),
      concurrency,
      seconds,
      windowSeconds: Number(values['scale-window']),
      log,
    });

  log('loading 50,000 sessions (25,000 per upstream) into a fresh gateway...');
  const bigSims = await startSimulatorProcess(25_000, 25_000, 0);
  const big = await startGatewayProcess(bigSims.endpoints, 'cache: { listTtlSeconds: 600 }');
  await waitUntilReady(big.url);
  const stats = await postGraphql<{ data: { restoreSessionStats: { total: number } } }>(big.url, '{ restoreSessionStats { total } }');
  await runLoad(big.url, { concurrency: 4, seconds: 3, next: () => gql('{ restoreSessions(first: 100) { nodes { id status } } }') });
  const bigUsage = await big.usage();
  await big.stop();
  await bigSims.stop();

  const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
  const s1 = rows[0];
  const lines = [
    `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${concurrency} concurrent requests, ${seconds} s per scenario, upstream latency ${latency} ms; list TTL ${LIST_TTL_SECONDS} s.`,
    '',
    '| scenario | req/s | p50 ms | p95 ms | p99 ms | gateway CPU ms / request | response cache hits | upstream calls / request | upstream calls / min (background included) | gateway CPU | gateway RSS |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${f(r.load.rps, 0)} | ${f(r.load.p50, 2)} | ${f(r.load.p95, 2)} | ${f(r.load.p99, 2)} | ${f(r.cpuMsPerRequest, 3)} | ${f(r.cacheHitShare * 100, 0)}% | ${f(r.callsPerRequest, 3)} | ${f(r.callsPerMinute, 0)} | ${f(r.cpuPercent, 0)}% | ${f(r.rssMb, 0)} MB |`,
    ),
    '',
    'Side by side (req/s, p99 ms, CPU ms per request): the gateway, the gateway with the response cache off, and the DataLoader baseline.',
    '',
    '| scenario | gateway | response cache off | DataLoader baseline | gateway / DataLoader |',
    '|---|---:|---:|---:|---:|',
    ...rows.map((r, i) => {
      const cell = (x: Row) => `${f(x.load.rps, 0)} / ${f(x.load.p99, 1)} / ${f(x.cpuMsPerRequest, 3)}`;
      return `| ${r.name} | ${cell(r)} | ${cell(uncachedRows[i])} | ${cell(dataLoaderRows[i])} | ${f(r.load.rps / dataLoaderRows[i].load.rps, 1)}x |`;
    }),
    '',
    `A cached first page (scenario 1) with one client: ${f(cachedSingle.rps, 0)} req/s, p50 ${f(cachedSingle.p50, 3)} ms, ${f(cachedCpuMs, 3)} ms of gateway CPU per request (${f(cachedUserMs, 3)} ms in user space; the rest is the kernel's socket writes), of which ${f(idleCpuMsPerSecond / cachedSingle.rps, 3)} ms is the background index reads (${f(idleCpuMsPerSecond, 0)} ms of CPU per second when idle).`,
    '',
    `Ceiling (scenario 1's data straight from both simulators, in parallel): ${f(ceiling.rps, 0)} req/s, p50 ${f(ceiling.p50, 2)} ms.`,
    `Gateway overhead, scenario 1 (gateway p50 minus the direct upstream p50): ${f(s1.load.p50, 2)} - ${f(ceiling.p50, 2)} = ${f(s1.load.p50 - ceiling.p50, 2)} ms; upstream time inside the gateway per request ${f(s1.upstreamMsPerRequest, 2)} ms; with one client: p50 ${f(single.p50, 2)} ms, p99 ${f(single.p99, 2)} ms.`,
    `Baseline (plain Apollo resolvers, no DataLoader or snapshots), scenario 1: ${f(baselineLoad.rps, 1)} req/s, p50 ${f(baselineLoad.p50, 0)} ms, ${f(baselineCalls, 1)} upstream calls/request; the gateway does ${f(s1.load.rps / baselineLoad.rps, 0)}x its throughput.`,
    `Memory with ${stats.data.restoreSessionStats.total.toLocaleString('en')} sessions loaded: gateway RSS ${f(bigUsage.rssBytes / 1048576, 0)} MB.`,
    `Errors during measured runs: ${rows.reduce((n, r) => n + r.load.errors, 0) + (scale?.queries.reduce((n, q) => n + q.load.errors, 0) ?? 0)}.`,
    ...(scale ? ['', ...scaleLines(scale, Number(values['scale-sessions']), Number(values['scale-latency']), concurrency, f)] : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function scaleLines(scale: ScaleResult, sessions: number, latency: number, concurrency: number, f: (n: number, d?: number) => string): string[] {
  const kinds = Object.keys(scale.perMinute);
  return [
    `Scale: ${sessions.toLocaleString('en')} sessions per source, ${latency} ms per upstream call, ${concurrency} clients. Time to warm (start to /readyz 200): ${f(scale.warmSeconds, 1)} s; gateway RSS ${f(scale.rssMb, 0)} MB.`,
    '',
    '| after warm-up | req/s | p50 ms | p99 ms | max ms |',
    '|---|---:|---:|---:|---:|',
    ...scale.queries.map((q) => `| ${q.name} | ${f(q.load.rps, 0)} | ${f(q.load.p50, 2)} | ${f(q.load.p99, 2)} | ${f(q.load.max, 2)} |`),
    '',
    '| upstream calls per minute at steady state | one replica | three replicas on Redis |',
    '|---|---:|---:|',
    ...kinds.map((k) => `| ${k} | ${f(scale.perMinute[k], 1)} | ${f(scale.replicated.perMinute[k], 1)} |`),
    '',
    `Three replicas warm (all ready) in ${f(scale.replicated.warmSeconds, 1)} s; a restarted replica answered its first query ${f(scale.replicated.restartFirstAnswerMs, 0)} ms after listening (ready ${f(scale.replicated.restartReadyMs, 0)} ms after listening).`,
  ];
}

async function waitUntilReady(url: string): Promise<void> {
  for (let i = 0; i < 6000; i++) {
    const res = await request(`${url}/readyz`).catch(() => null);
    if (res) await res.body.text();
    if (res?.statusCode === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
