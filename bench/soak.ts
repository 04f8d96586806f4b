/**
 * npm run soak [-- --seconds 60]: a bounded run of mixed queries and mutations against the
 * gateway (its own process) while faults toggle on the simulated upstreams. Loopback only.
 * Prints requests served, HTTP statuses and error codes seen, and the gateway's memory at
 * start and end.
 */
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { startSimulators } from '../src/simulators/startSimulators';
import type { FaultSettings } from '../src/simulators/common/faults';
import { startGatewayProcess } from './gatewayProcess';

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
    options: { seconds: { type: 'string', default: process.env.SOAK_SECONDS ?? '60' }, concurrency: { type: 'string', default: '8' } },
  });
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  if (!(seconds > 0 && seconds <= 3600) || !(concurrency > 0 && concurrency <= 64)) throw new Error('--seconds 1..3600, --concurrency 1..64');

  const sims = await startSimulators({ graph: { sessionCount: 2000 }, veeam: { sessionCount: 2000, tls: false } });
  const gateway = await startGatewayProcess(sims, 'cache: { listTtlSeconds: 2 }');
  const pool = new Pool(gateway.url, { connections: concurrency });
  const statuses = new Map<number, number>();
  const codes = new Map<string, number>();
  let served = 0;
  let transportErrors = 0;
  const ids: string[] = [];
  const start = await gateway.usage();
  const deadline = Date.now() + seconds * 1000;
  const bag = QUERIES.flatMap((q) => Array.from({ length: q.weight }, () => q));

  const faultTimer = setInterval(() => {
    for (const sim of [sims.graph, sims.veeam]) {
      sim.server.faults.reset();
      sim.server.faults.update(FAULTS[Math.floor(Math.random() * FAULTS.length)]);
    }
  }, 5000);

  const worker = async () => {
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
          variables: { id: Buffer.from(`rs1:vbo-eu:${working.id}`).toString('base64url') },
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
  await Promise.all(Array.from({ length: concurrency }, worker));
  clearInterval(faultTimer);
  for (const sim of [sims.graph, sims.veeam]) sim.server.faults.reset();
  const end = await gateway.usage();
  await pool.close();
  await gateway.stop();
  await sims.close();

  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  process.stdout.write(
    [
      `soak: ${seconds} s, ${concurrency} concurrent clients, faults toggling every 5 s`,
      `requests served      ${served} (${(served / seconds).toFixed(0)}/s), transport errors ${transportErrors}`,
      `HTTP statuses        ${[...statuses].map(([s, n]) => `${s}: ${n}`).join(', ')}`,
      `error codes          ${
        [...codes]
          .sort((a, b) => b[1] - a[1])
          .map(([c, n]) => `${c}: ${n}`)
          .join(', ') || 'none'
      }`,
      `gateway RSS          start ${mb(start.rssBytes)}, end ${mb(end.rssBytes)}`,
      `gateway CPU          ${(end.cpuSeconds - start.cpuSeconds).toFixed(1)} s`,
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`soak: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
