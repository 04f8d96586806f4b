/**
 * The benchmark's baseline: the same schema and upstream connectors behind plain Apollo
 * resolvers, with no DataLoader, no snapshots and no cache. Each request reads every source's
 * list, sorts and slices it, as a straightforward REST-wrapping gateway would.
 */
import { parseArgs } from 'node:util';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { systemClock } from '../../src/clock';
import { loadConfigFile } from '../../src/config';
import { createLogger } from '../../src/logger';
import { GatewayMetrics } from '../../src/metrics';
import { SecretRedactor } from '../../src/redaction';
import { loadTypeDefs } from '../../src/schema';
import { compareSessions } from '../../src/listing/order';
import { formatInstant } from '../../src/instant';
import { GraphConnector } from '../../src/upstreams/msgraph/client';
import { VeeamConnector } from '../../src/upstreams/veeam/client';
import { TERMINAL_STATUSES, type Instant, type RestoreSessionModel } from '../../src/model';
import { GraphQLScalarType } from 'graphql';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: 'string' } } });
  const config = loadConfigFile(values.config as string);
  const redactor = new SecretRedactor();
  const logger = createLogger('warn', redactor);
  const deps = { metrics: new GatewayMetrics(), logger, redactor, clock: systemClock };
  const connectors = config.sources.map((s) => (s.vendor === 'msgraph' ? new GraphConnector(s, deps) : new VeeamConnector(s, deps)));
  const resolvers = {
    DateTime: new GraphQLScalarType({ name: 'DateTime', serialize: (v) => formatInstant(v as Instant) }),
    Query: {
      restoreSessions: async (_: unknown, args: { first?: number }) => {
        const lists = await Promise.all(connectors.map((c) => c.sessions.readAll()));
        const all = lists
          .flat()
          .sort(compareSessions)
          .slice(0, args.first ?? 50);
        return { items: all };
      },
    },
    RestoreSessionConnection: { nodes: (c: { items: RestoreSessionModel[] }) => c.items, totalCount: (c: { items: RestoreSessionModel[] }) => c.items.length },
    RestoreSession: { __resolveType: (s: RestoreSessionModel) => s.__typename },
    GraphRestoreSession: { isTerminal: (s: RestoreSessionModel) => TERMINAL_STATUSES.has(s.status) },
    VeeamRestoreSession: { isTerminal: (s: RestoreSessionModel) => TERMINAL_STATUSES.has(s.status) },
  };
  const server = new ApolloServer({ typeDefs: loadTypeDefs(), resolvers });
  const { url } = await startStandaloneServer(server, { listen: { port: config.server.port, host: config.server.host } });
  process.stdout.write(`Gateway ready at ${url} (naive baseline)\n`);
  process.once('SIGTERM', () => void server.stop().then(() => process.exit(0)));
}

main().catch((err: unknown) => {
  process.stderr.write(`baseline: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
