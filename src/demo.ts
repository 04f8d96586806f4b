import { parseConfig, type GatewayConfig } from './config';
import { startSimulators, type SimulatorPair } from './simulators/startSimulators';

export interface Demo {
  config: GatewayConfig;
  simulators: SimulatorPair;
}

/**
 * The no-configuration demo: both simulated upstreams with seeded data, and a configuration that
 * points the gateway at them (Veeam over HTTPS with the CA file the simulator wrote, as in real life).
 */
export async function startDemo(env: NodeJS.ProcessEnv = process.env): Promise<Demo> {
  // Sessions start, progress, finish and go away upstream (12 events a minute): subscriptions in GraphiQL show it.
  // The Veeam server speaks v8, so the demo shows the change feed at work.
  const simulators = await startSimulators({
    churn: Number(env.DEMO_CHURN ?? 12),
    graph: { sessionCount: 400, seed: 1 },
    veeam: { sessionCount: 400, seed: 2, tls: true },
  });
  const { graph, veeam } = simulators;
  const config = parseConfig(
    {
      // Loopback unless asked (HOST=0.0.0.0): the demo has no caller authentication.
      server: {
        port: 4000,
        host: '127.0.0.1',
        // Pages served from any local port (the reference dashboard, a dev server) may call the demo.
        cors: { origins: ['http://localhost:*', 'http://127.0.0.1:*'] },
        // `npm run dashboard` hands the demo the dashboard's manifest (DEMO_PERSISTED_MODE=allowList with --allow-list).
        ...(env.DEMO_PERSISTED_DOCUMENTS
          ? { persistedDocuments: { manifest: env.DEMO_PERSISTED_DOCUMENTS, mode: env.DEMO_PERSISTED_MODE ?? 'preferred' } }
          : {}),
      },
      logging: { level: env.LOG_LEVEL ?? 'info' },
      sources: [
        {
          id: 'contoso-graph',
          vendor: 'msgraph',
          name: 'Contoso tenant (simulated Microsoft Graph)',
          baseUrl: graph.apiBaseUrl,
          auth: { tenantId: graph.tenantId, clientId: graph.clientId, clientSecret: graph.clientSecret, tokenUrl: graph.tokenUrl },
        },
        {
          id: 'vbo-eu',
          vendor: 'veeam',
          name: 'VB365 Europe (simulated Veeam)',
          baseUrl: veeam.url,
          apiVersion: 'v8',
          auth: { username: veeam.username, password: veeam.password },
          tls: { caFile: veeam.caFile },
        },
      ],
    },
    { env },
  );
  return { config, simulators };
}
