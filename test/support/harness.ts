import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { request } from 'undici';
import type { Clock } from '../../src/clock';
import { parseConfig, type GatewayConfig } from '../../src/config';
import { createGateway, type Gateway } from '../../src/gateway';
import { startGraphSimulator, type GraphSimulator, type GraphSimulatorOptions } from '../../src/simulators/msgraph/server';
import { startVeeamSimulator, type VeeamSimulator, type VeeamSimulatorOptions } from '../../src/simulators/veeam/server';
import { uniqueAccounts } from './redis';

export interface GraphQLAnswer<T = any> {
  status: number;
  headers: Record<string, string>;
  body: { data?: T; errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }> };
  text: string;
}

export interface Harness {
  graph: GraphSimulator;
  veeam: VeeamSimulator;
  gateway: Gateway;
  url: string;
  config: GatewayConfig;
  /** Every log line the gateway wrote, parsed. */
  logs: Array<Record<string, unknown>>;
  query<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLAnswer<T>>;
  http(
    path: string,
    init?: { method?: string; headers?: Record<string, string>; body?: string },
  ): Promise<{ status: number; headers: Record<string, string>; text: string }>;
  resetCounters(): void;
  /** Reads every source completely now: once it resolves, the index holds what the upstreams hold. */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  graph?: GraphSimulatorOptions;
  veeam?: VeeamSimulatorOptions;
  veeamVersion?: 'v6' | 'v7' | 'v8';
  listTtlSeconds?: number;
  /** Return before every source's first read has ended (default: wait for it). */
  waitForFirstRead?: boolean;
  /** Time for the gateway (a ManualClock in tests that drive time). */
  clock?: Clock;
  /** Adjusts the raw configuration before validation. */
  configure?: (raw: Record<string, any>) => void;
}

/** Both simulators and a gateway configured against them, listening on port 0. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const accounts = uniqueAccounts();
  const [graph, veeam] = await Promise.all([
    // Accounts of their own: Redis keys carry them (see uniqueAccounts).
    startGraphSimulator({ sessionCount: 120, ...accounts.graph, ...options.graph }),
    startVeeamSimulator({ sessionCount: 120, ...accounts.veeam, ...options.veeam }),
  ]);
  let gateway: Harness;
  try {
    gateway = await startHarnessGateway(graph, veeam, options);
  } catch (err) {
    // A configuration the gateway refuses must not leave the simulators holding jest open.
    await Promise.all([graph.close(), veeam.close()]);
    throw err;
  }
  // The start-up checks made their calls: tests count from here.
  gateway.resetCounters();
  return {
    ...gateway,
    async close() {
      await gateway.close();
      await Promise.all([graph.close(), veeam.close()]);
    },
  };
}

/** A gateway against simulators that someone else owns (several gateways may share them); close() leaves them running. */
export async function startHarnessGateway(graph: GraphSimulator, veeam: VeeamSimulator, options: HarnessOptions = {}): Promise<Harness> {
  const raw: Record<string, any> = {
    server: { port: 0 },
    logging: { level: 'info' },
    cache: { listTtlSeconds: options.listTtlSeconds ?? 5 },
    sources: [
      {
        id: 'contoso',
        vendor: 'msgraph',
        name: 'Contoso tenant',
        baseUrl: graph.apiBaseUrl,
        auth: { tenantId: graph.tenantId, clientId: graph.clientId, clientSecret: graph.clientSecret, tokenUrl: graph.tokenUrl },
      },
      {
        id: 'vbo-eu',
        vendor: 'veeam',
        name: 'VB365 Europe',
        baseUrl: veeam.url,
        apiVersion: options.veeamVersion ?? 'v6',
        auth: { username: veeam.username, password: veeam.password },
        ...(veeam.caFile ? { tls: { caFile: veeam.caFile } } : {}),
      },
    ],
  };
  options.configure?.(raw);
  const config = parseConfig(raw, { env: {} });
  const logs: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  const gateway = await createGateway(config, { logDestination: destination, clock: options.clock });
  if (options.waitForFirstRead !== false) await gateway.started;
  const server = gateway.createHttpServer();
  gateway.attachSubscriptions(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const httpCall = async (path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) => {
    const res = await request(`${url}${path}`, { method: (init.method ?? 'GET') as 'GET', headers: init.headers, body: init.body });
    const text = await res.body.text();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers[k] = v;
    return { status: res.statusCode, headers, text };
  };

  return {
    graph,
    veeam,
    gateway,
    url,
    config,
    logs,
    http: httpCall,
    async query(query, variables, headers = {}) {
      const answer = await httpCall('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: answer.status, headers: answer.headers, text: answer.text, body: JSON.parse(answer.text) };
    },
    resetCounters() {
      graph.server.counters.reset();
      veeam.server.counters.reset();
    },
    refresh: () => gateway.services.indexes.refresh(),
    async close() {
      // The gateway first: it ends WebSocket subscriptions, which the HTTP server would wait for.
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const GRAPH_ROUTES = {
  list: 'GET /v1.0/solutions/backupRestore/restoreSessions',
  get: 'GET /v1.0/solutions/backupRestore/restoreSessions/{id}',
  batch: 'POST /v1.0/$batch',
  batchGet: '$batch> GET /v1.0/solutions/backupRestore/restoreSessions/{id}',
  token: 'POST /{tenant}/oauth2/v2.0/token',
};

export const VEEAM_ROUTES = {
  list: 'GET /{version}/RestoreSessions',
  get: 'GET /{version}/RestoreSessions/{id}',
  organizations: 'GET /{version}/Organizations',
  sessionOrganization: 'GET /{version}/RestoreSessions/{id}/organization',
  events: 'GET /{version}/RestoreSessions/{id}/Events',
  statistics: 'GET /{version}/RestoreSessions/{id}/Statistics',
  token: 'POST /{version}/token',
};
