import type http from 'node:http';
import { parseArgs } from 'node:util';
import { systemClock } from './clock';
import { ConfigError, loadConfigFile, type GatewayConfig } from './config';
import { createGateway, GRAPHQL_PATH, type Gateway } from './gateway';
import { startDemo, type Demo } from './demo';

/** A start-up problem that is the operator's to fix: printed as one line, no stack. */
class StartupError extends Error {}

/**
 * SIGTERM or SIGINT: /readyz answers 503 for `shutdownDelaySeconds` while requests are still
 * served (load balancers take the instance out), then the listener closes, subscriptions end
 * with 1001, requests in flight get `shutdownGraceSeconds` to finish, and the process exits 0.
 * The gateway owns these signals (Apollo Server's own handlers are off), and a repeated signal
 * (npm forwards the one the terminal also delivers) does not cut the drain short.
 */
function drainOnSignals(server: http.Server, gateway: Gateway, demo: Demo | null): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      gateway.logger.info({ signal }, 'already shutting down');
      return;
    }
    stopping = true;
    const { shutdownDelaySeconds, shutdownGraceSeconds } = gateway.config.server;
    gateway.logger.info(
      { signal, delaySeconds: shutdownDelaySeconds, graceSeconds: shutdownGraceSeconds },
      'shutting down: readiness is 503 now; the listener closes after the delay',
    );
    gateway.beginShutdown();
    await systemClock.sleep(shutdownDelaySeconds * 1000);

    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive connections go as soon as their request is answered, not after their idle timeout.
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    server.closeIdleConnections();
    await gateway.closeSubscriptions();
    const graceOver = systemClock.sleep(shutdownGraceSeconds * 1000).then(() => 'grace' as const);
    if ((await Promise.race([closed.then(() => 'drained' as const), graceOver])) === 'grace') {
      gateway.logger.warn('shutdown grace period over: closing the connections still open');
      server.closeAllConnections();
    }
    clearInterval(sweep);
    let code = 0;
    try {
      await gateway.close();
      await demo?.simulators.close();
    } catch (err) {
      gateway.logger.error({ err }, 'error while closing');
      code = 1;
    }
    gateway.logger.info({ code }, 'stopped');
    gateway.logger.flush(() => process.exit(code));
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE')
        reject(new StartupError(`port ${port} on ${host} is already in use: stop what holds it, or set PORT (or server.port) to another port`));
      else if (err.code === 'EACCES')
        reject(new StartupError(`port ${port} on ${host} needs privileges this process lacks: set PORT (or server.port) to a port above 1023`));
      else if (err.code === 'EADDRNOTAVAIL') reject(new StartupError(`address ${host} is not an address of this machine: set HOST (or server.host)`));
      else reject(err);
    });
    server.listen(port, host, () => resolve());
  });
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
  const server = gateway.createHttpServer();
  try {
    await listen(server, config.server.port, config.server.host);
  } catch (err) {
    await gateway.close();
    await demo?.simulators.close();
    throw err;
  }
  gateway.attachSubscriptions(server);
  drainOnSignals(server, gateway, demo);
  const shownHost = config.server.host === '0.0.0.0' || config.server.host === '::' ? 'localhost' : config.server.host;
  const url = `http://${shownHost}:${config.server.port}${GRAPHQL_PATH}`;
  gateway.logger.info({ url, host: config.server.host, sources: config.sources.map((s) => s.id), demo: demo !== null }, 'gateway listening');
  process.stdout.write(
    demo
      ? `\nDemo gateway ready: open ${url} in a browser for GraphiQL.\n` +
          `Simulated upstreams: Microsoft Graph ${demo.simulators.graph.apiBaseUrl}, Veeam ${demo.simulators.veeam.url}\n` +
          `Try: curl -s ${url} -H 'content-type: application/json' -d '{"query":"{ restoreSessions(first: 3) { totalCount nodes { id vendor status } } }"}'\n\n`
      : `\nGateway ready at ${url}\n\n`,
  );
}

main().catch((err: unknown) => {
  const known = err instanceof ConfigError || err instanceof StartupError;
  process.stderr.write(known ? `gateway: ${err.message}\n` : `gateway: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
