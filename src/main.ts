import http from 'node:http';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFile, type GatewayConfig } from './config';
import { createGateway, GRAPHQL_PATH } from './gateway';
import { startDemo, type Demo } from './demo';

const DRAIN_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: 'string' } } });
  const configFile = values.config ?? process.env.GATEWAY_CONFIG;
  let config: GatewayConfig;
  let demo: Demo | null = null;
  if (configFile) {
    config = loadConfigFile(configFile);
  } else {
    demo = await startDemo();
    config = demo.config;
  }

  const gateway = await createGateway(config);
  const server = http.createServer(gateway.app);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, resolve);
  });
  const url = `http://localhost:${config.server.port}${GRAPHQL_PATH}`;
  gateway.logger.info({ url, sources: config.sources.map((s) => s.id), demo: demo !== null }, 'gateway listening');
  process.stdout.write(
    demo
      ? `\nDemo gateway ready: open ${url} in a browser for GraphiQL.\n` +
          `Simulated upstreams: Microsoft Graph ${demo.simulators.graph.apiBaseUrl}, Veeam ${demo.simulators.veeam.url}\n` +
          `Try: curl -s ${url} -H 'content-type: application/json' -d '{"query":"{ restoreSessions(first: 3) { totalCount nodes { id vendor status } } }"}'\n\n`
      : `\nGateway ready at ${url}\n\n`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    gateway.logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    const deadline = setTimeout(() => {
      server.closeAllConnections();
    }, DRAIN_DEADLINE_MS);
    deadline.unref();
    server.close(() => {
      void gateway
        .close()
        .then(() => demo?.simulators.close())
        .then(
          () => process.exit(0),
          () => process.exit(1),
        );
    });
    server.closeIdleConnections();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(err instanceof ConfigError ? `gateway: ${err.message}\n` : `gateway: failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
