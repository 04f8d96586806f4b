import http from 'node:http';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFile, type GatewayConfig } from './config';
import { createGateway, GRAPHQL_PATH, type Gateway } from './gateway';
import { startDemo, type Demo } from './demo';

/**
 * SIGTERM: stop accepting (readiness goes 503, the listener closes, idle keep-alive connections
 * close), let requests in flight finish within the grace period, then close what is left.
 */
function drainOnSignals(server: http.Server, gateway: Gateway, demo: Demo | null): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const graceMs = gateway.config.server.shutdownGraceSeconds * 1000;
    gateway.logger.info({ signal, graceMs }, 'shutting down: no new connections, finishing requests in flight');
    gateway.beginShutdown();
    const deadline = setTimeout(() => {
      gateway.logger.warn('shutdown grace period over: closing the remaining connections');
      server.closeAllConnections();
    }, graceMs);
    deadline.unref();
    server.close(() => {
      clearTimeout(deadline);
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
  gateway.attachSubscriptions(server);
  // Longer than typical load-balancer idle timeouts, so the balancer closes first.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, resolve);
  });
  drainOnSignals(server, gateway, demo);
  const url = `http://localhost:${config.server.port}${GRAPHQL_PATH}`;
  gateway.logger.info({ url, sources: config.sources.map((s) => s.id), demo: demo !== null }, 'gateway listening');
  process.stdout.write(
    demo
      ? `\nDemo gateway ready: open ${url} in a browser for GraphiQL.\n` +
          `Simulated upstreams: Microsoft Graph ${demo.simulators.graph.apiBaseUrl}, Veeam ${demo.simulators.veeam.url}\n` +
          `Try: curl -s ${url} -H 'content-type: application/json' -d '{"query":"{ restoreSessions(first: 3) { totalCount nodes { id vendor status } } }"}'\n\n`
      : `\nGateway ready at ${url}\n\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(err instanceof ConfigError ? `gateway: ${err.message}\n` : `gateway: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
