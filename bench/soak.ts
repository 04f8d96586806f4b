/**
 * npm run soak [-- --seconds 600]: a bounded run of mixed queries and mutations against two
 * gateway replicas (their own processes) sharing a Redis of the soak's own (a redis-server on a
 * free port, never the machine's shared one), while faults toggle every 5 s on the simulated
 * upstreams and on that Redis (paused, then killed and started again, empty). Loopback only.
 * Prints requests served, HTTP statuses and error codes seen, and the replicas' memory every minute.
 */
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { startSimulators } from '../src/simulators/startSimulators';
import { encodeGlobalId } from '../src/ids';
import type { FaultSettings } from '../src/simulators/common/faults';
import { startOwnRedis } from '../test/support/ownRedis';
import { PRODUCTION_NODE_OPTIONS, startGatewayProcess, type GatewayProcess } from './gatewayProcess';

const QUERIES = [
  { weight: 4, query: 'query Page($after: String) { restoreSessions(first: 50, after: $after) { pageInfo { endCursor } nodes { id status vendor } } }' },
  {
    weight: 2,
    query:
      'query Running { restoreSessions(first: 100, filter: { statuses: [RUNNING, FAILED] }) { totalCount nodes { id progress { percent } ... on VeeamRestoreSession { organization { name } } } } }',
  },
  { weight: 2, query: 'query Stats { restoreSessionStats { total byStatus { status count } bySource { source { id } count } } sources { id health } }' },
  {
    weight: 1,
    query:
      'query Details($ids: [ID!]!) { nodes(ids: $ids) { id ... on VeeamRestoreSession { events(first: 5) { nodes { title } } } ... on GraphRestoreSession { artifacts(first: 5) { nodes { status } } } } }',
  },
];
const FAULTS: Array<Partial<FaultSettings>> = [
  {},
  { down: true },
  { errorRate: 0.3 },
  { throttleCount: 40, retryAfter: '0.2' },
  { latencyMs: 150 },
  { malformedJson: true },
  {},
  {},
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: process.env.SOAK_SECONDS ?? '60' },
      concurrency: { type: 'string', default: '8' },
      /** Caps each replica's V8 old space (MB): growth that is only lazy collection stays under it, a leak ends in an out-of-memory crash. */
      'max-old-space-mb': { type: 'string' },
    },
  });
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  if (!(seconds > 0 && seconds <= 3600) || !(concurrency > 0 && concurrency <= 64)) throw new Error('--seconds 1..3600, --concurrency 1..64');

  const sims = await startSimulators({ graph: { sessionCount: 2000 }, veeam: { sessionCount: 2000, tls: false } });
  const redis = await startOwnRedis();
  const replicas: GatewayProcess[] = [];
  const heapCap = values['max-old-space-mb'] ? ` --max-old-space-size=${Number(values['max-old-space-mb'])}` : '';
  for (let i = 0; i < 2; i++)
    replicas.push(
      await startGatewayProcess(
        sims,
        `cache: { listTtlSeconds: 2, redis: { url: "${redis.url}" } }`,
        'v8',
        'dist/main.js',
        `${PRODUCTION_NODE_OPTIONS}${heapCap}`,
      ),
    );
  const pools = replicas.map((r) => new Pool(r.url, { connections: concurrency }));
  const statuses = new Map<number, number>();
  const codes = new Map<string, number>();
  let served = 0;
  let transportErrors = 0;
  const ids: string[] = [];
  const started = Date.now();
  const deadline = started + seconds * 1000;
  const rss: Array<{ minute: number; mb: number[] }> = [{ minute: 0, mb: await Promise.all(replicas.map(async (r) => (await r.usage()).rssBytes / 1048576)) }];
  const rssTimer = setInterval(() => {
    const minute = Math.round((Date.now() - started) / 60_000);
    void Promise.all(replicas.map(async (r) => (await r.usage()).rssBytes / 1048576)).then((mb) => rss.push({ minute, mb }));
  }, 60_000);
  const redisEvents: string[] = [];
  let redisSlot = 0;
  const bag = QUERIES.flatMap((q) => Array.from({ length: q.weight }, () => q));

  const faultTimer = setInterval(() => {
    for (const sim of [sims.graph, sims.veeam]) {
      sim.server.faults.reset();
      sim.server.faults.update(FAULTS[Math.floor(Math.random() * FAULTS.length)]);
    }
    // Redis: well for six slots, paused for one, well for six, killed (and started again, empty) after one.
    redisSlot = (redisSlot + 1) % 14;
    if (redisSlot === 6) {
      redis.pause();
      redisEvents.push('paused');
    } else if (redisSlot === 7) redis.resume();
    else if (redisSlot === 13) {
      redisEvents.push('killed');
      void redis.kill();
    } else if (redisSlot === 0 && redisEvents.length > 0 && redisEvents[redisEvents.length - 1] === 'killed') void redis.restart();
  }, 5000);

  const worker = async (w: number) => {
    const pool = pools[w % pools.length];
    let after: string | null = null;
    while (Date.now() < deadline) {
      const pick = bag[Math.floor(Math.random() * bag.length)];
      const variables = pick.query.includes('$after') ? { after } : pick.query.includes('$ids') ? { ids: ids.slice(-20) } : {};
      let body: string;
      const mutation = Math.random() < 0.02;
      if (mutation) {
        const working = sims.veeam.addSession({ state: 'Working' });
        body = JSON.stringify({
          query: 'mutation Stop($id: ID!) { stopRestoreSession(id: $id) { restoreSession { status } } }',
          variables: { id: encodeGlobalId('vbo-eu', working.id) },
        });
      } else {
        body = JSON.stringify({ query: pick.query, variables });
      }
      try {
        const res = await pool.request({ path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const json = (await res.body.json()) as {
          data?: { restoreSessions?: { pageInfo?: { endCursor: string | null }; nodes?: Array<{ id: string }> } };
          errors?: Array<{ extensions?: { code?: string } }>;
        };
        served++;
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        for (const e of json.errors ?? []) codes.set(e.extensions?.code ?? 'none', (codes.get(e.extensions?.code ?? 'none') ?? 0) + 1);
        const list = json.data?.restoreSessions;
        if (list?.pageInfo) after = list.pageInfo.endCursor;
        if (list?.nodes && ids.length < 500) ids.push(...list.nodes.slice(0, 2).map((n) => n.id));
      } catch {
        transportErrors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  clearInterval(faultTimer);
  clearInterval(rssTimer);
  for (const sim of [sims.graph, sims.veeam]) sim.server.faults.reset();
  redis.resume();
  rss.push({ minute: Math.round((Date.now() - started) / 600) / 100, mb: await Promise.all(replicas.map(async (r) => (await r.usage()).rssBytes / 1048576)) });
  const cpu = await Promise.all(replicas.map(async (r) => (await r.usage()).cpuSeconds));
  await Promise.all(pools.map((p) => p.close()));
  await Promise.all(replicas.map((r) => r.stop()));
  await redis.kill();
  await sims.close();

  process.stdout.write(
    [
      `soak: ${seconds} s, ${concurrency} concurrent clients over 2 replicas, upstream faults toggling every 5 s; own Redis ${redisEvents.filter((e) => e === 'paused').length}x paused for 5 s, ${redisEvents.filter((e) => e === 'killed').length}x killed and restarted empty after 5 s`,
      `requests served      ${served} (${(served / seconds).toFixed(0)}/s), transport errors ${transportErrors}`,
      `HTTP statuses        ${[...statuses].map(([s, n]) => `${s}: ${n}`).join(', ')}`,
      `error codes          ${
        [...codes]
          .sort((a, b) => b[1] - a[1])
          .map(([c, n]) => `${c}: ${n}`)
          .join(', ') || 'none'
      }`,
      `replica RSS (MB)     ${rss.map((r) => `${r.minute} min: ${r.mb.map((m) => m.toFixed(0)).join(' / ')}`).join('; ')}`,
      `replica CPU          ${cpu.map((c) => `${c.toFixed(1)} s`).join(' / ')}`,
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`soak: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
