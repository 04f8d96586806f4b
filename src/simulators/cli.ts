import { parseArgs } from 'node:util';
import { startSimulators } from './startSimulators';

const HELP = `Starts the simulated Microsoft Graph and Veeam VB365 upstreams.

Options:
  --graph-port N        Graph simulator port (default 4101; 0 = any)
  --veeam-port N        Veeam simulator port (default 4443; 0 = any)
  --host H              address to bind (default 127.0.0.1; 0.0.0.0 inside containers)
  --graph-sessions N    seeded Graph sessions (default 300, up to 50000)
  --veeam-sessions N    seeded Veeam sessions (default 300, up to 50000)
  --seed N              data seed (default 1)
  --plain-http          serve Veeam over HTTP instead of HTTPS
  --ca-file PATH        where to write the Veeam CA certificate
  --tls-hosts A,B       host names the Veeam certificate is valid for (default localhost)
  --latency MS          added latency on every API answer
  --churn N             session churn on both simulators: N events per minute (default 0 = off);
                        new sessions appear and finish, old finished ones are removed
  --no-change-feed      start Veeam without the v8 change feed (GET /v8/Events answers 404)
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'graph-port': { type: 'string', default: process.env.GRAPH_SIM_PORT ?? '4101' },
      'veeam-port': { type: 'string', default: process.env.VEEAM_SIM_PORT ?? '4443' },
      host: { type: 'string', default: process.env.SIM_HOST ?? '127.0.0.1' },
      'graph-sessions': { type: 'string', default: '300' },
      'veeam-sessions': { type: 'string', default: '300' },
      seed: { type: 'string', default: '1' },
      'plain-http': { type: 'boolean', default: false },
      'ca-file': { type: 'string' },
      'tls-hosts': { type: 'string', default: 'localhost' },
      latency: { type: 'string', default: '0' },
      churn: { type: 'string', default: process.env.SIM_CHURN ?? '0' },
      'no-change-feed': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const int = (name: string, text: string, max: number) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0 || n > max) throw new Error(`--${name} must be a whole number from 0 to ${max}`);
    return n;
  };
  const seed = int('seed', values.seed, 2 ** 31);
  const churn = int('churn', values.churn, 6_000);
  const pair = await startSimulators({
    graph: {
      port: int('graph-port', values['graph-port'], 65535),
      host: values.host,
      sessionCount: int('graph-sessions', values['graph-sessions'], 50_000),
      seed,
    },
    veeam: {
      port: int('veeam-port', values['veeam-port'], 65535),
      host: values.host,
      sessionCount: int('veeam-sessions', values['veeam-sessions'], 50_000),
      seed: seed + 1,
      tls: !values['plain-http'],
      caFile: values['ca-file'],
      tlsHostNames: values['tls-hosts']
        .split(',')
        .map((h) => h.trim())
        .filter(Boolean),
      changeFeed: !values['no-change-feed'],
    },
    churn,
  });
  const latency = int('latency', values.latency, 60_000);
  if (latency > 0) {
    pair.graph.server.faults.update({ latencyMs: latency });
    pair.veeam.server.faults.update({ latencyMs: latency });
  }
  const lines = [
    'Simulated upstreams are running.',
    '',
    'Microsoft Graph backup storage',
    `  API base URL   ${pair.graph.apiBaseUrl}`,
    `  token URL      ${pair.graph.tokenUrl}`,
    `  tenantId       ${pair.graph.tenantId}`,
    `  clientId       ${pair.graph.clientId}`,
    `  clientSecret   ${pair.graph.clientSecret}`,
    `  sessions       ${pair.graph.store.size}`,
    '',
    'Veeam Backup for Microsoft 365 (v6, v7, v8)',
    `  base URL       ${pair.veeam.url}`,
    `  username       ${pair.veeam.username}`,
    `  password       ${pair.veeam.password}`,
    `  CA file        ${pair.veeam.caFile ?? '(plain HTTP)'}`,
    `  sessions       ${pair.veeam.sessions.size}`,
    `  change feed    ${pair.veeam.changeFeed.enabled ? `${pair.veeam.url}/v8/Events?from=latest` : 'off (GET /v8/Events answers 404)'}`,
    '',
    `Churn: ${churn > 0 ? `${churn} events per minute on each simulator` : 'off'}`,
    `Control endpoints: ${pair.graph.url}/_sim/counters, /_sim/requests, /_sim/faults (GET, PUT, PATCH), /_sim/clock/advance, /_sim/tokens/expire,`,
    '  /_sim/sessions (POST; PATCH, DELETE /_sim/sessions/{id}), /_sim/churn (PUT {"ratePerMinute":N}), /_sim/churn/step (POST);',
    '  Veeam also /_sim/changeFeed (GET, PUT {"enabled":false})',
    'Press Ctrl+C to stop.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = () => {
    pair.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`simulators: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
