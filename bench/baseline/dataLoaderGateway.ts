/**
 * The benchmark's second baseline: what a careful team writes by hand. Apollo Server 5 with the
 * same schema and the same upstream clients over undici, and per-request DataLoaders: each
 * source's list read once per request however many fields need it, sessions by id batched
 * (Graph `$batch`), the Veeam organisation list once per request. No session index, no snapshot,
 * no response cache: every request reads what it needs from the upstreams.
 */
import { parseArgs } from 'node:util';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import DataLoader from 'dataloader';
import { GraphQLScalarType } from 'graphql';
import { systemClock } from '../../src/clock';
import { loadConfigFile } from '../../src/config';
import { decodeGlobalId } from '../../src/ids';
import { formatInstant } from '../../src/instant';
import { decodeKeysetCursor, encodeKeysetCursor } from '../../src/listing/cursor';
import { compareSessions, indexAfter, orderPointOf } from '../../src/listing/order';
import { createLogger } from '../../src/logger';
import { GatewayMetrics } from '../../src/metrics';
import { TERMINAL_STATUSES, type Instant, type RestoreSessionModel, type VeeamOrganizationModel } from '../../src/model';
import { SecretRedactor } from '../../src/redaction';
import { loadTypeDefs } from '../../src/schema';
import { GraphConnector } from '../../src/upstreams/msgraph/client';
import { VeeamConnector } from '../../src/upstreams/veeam/client';

type Connector = GraphConnector | VeeamConnector;

interface Loaders {
  /** By source id: that source's whole list, once per request. */
  lists: DataLoader<string, RestoreSessionModel[]>;
  /** By global id. */
  sessions: DataLoader<string, RestoreSessionModel | null>;
  /** By source id, then organisation name. */
  organizations: DataLoader<string, Map<string, VeeamOrganizationModel>>;
}

function loadersFor(connectors: ReadonlyMap<string, Connector>): Loaders {
  return {
    lists: new DataLoader((ids) => Promise.all(ids.map((id) => (connectors.get(id) as Connector).sessions.readAll()))),
    sessions: new DataLoader(async (ids) => {
      const decoded = ids.map((id) => decodeGlobalId(id, 'ids'));
      const bySource = new Map<string, string[]>();
      for (const d of decoded) bySource.set(d.sourceId, [...(bySource.get(d.sourceId) ?? []), d.vendorId]);
      const found = new Map<string, RestoreSessionModel | null | Error>();
      await Promise.all(
        [...bySource].map(async ([sourceId, vendorIds]) => {
          const sessions = await (connectors.get(sourceId) as Connector).sessions.readMany(vendorIds);
          vendorIds.forEach((v, i) => found.set(`${sourceId}/${v}`, sessions[i]));
        }),
      );
      return decoded.map((d) => found.get(`${d.sourceId}/${d.vendorId}`) ?? null);
    }),
    organizations: new DataLoader((ids) =>
      Promise.all(ids.map(async (id) => new Map((await (connectors.get(id) as VeeamConnector).listOrganizations()).map((o) => [o.name.toLowerCase(), o])))),
    ),
  };
}

async function merged(connectors: ReadonlyMap<string, Connector>, loaders: Loaders): Promise<RestoreSessionModel[]> {
  const lists = await loaders.lists.loadMany([...connectors.keys()]);
  return lists.flatMap((l) => (l instanceof Error ? [] : l)).sort(compareSessions);
}

function tally<K>(items: readonly RestoreSessionModel[], keyOf: (s: RestoreSessionModel) => K): Array<[K, number]> {
  const counts = new Map<K, number>();
  for (const s of items) counts.set(keyOf(s), (counts.get(keyOf(s)) ?? 0) + 1);
  return [...counts];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: 'string' } } });
  const config = loadConfigFile(values.config as string);
  const redactor = new SecretRedactor();
  const deps = { metrics: new GatewayMetrics(), logger: createLogger('warn', redactor), redactor, clock: systemClock };
  const connectors = new Map<string, Connector>(
    config.sources.map((s) => [s.id, s.vendor === 'msgraph' ? new GraphConnector(s, deps) : new VeeamConnector(s, deps)]),
  );
  type Ctx = { loaders: Loaders };
  const sourceOf = (s: RestoreSessionModel) => (connectors.get(s.sourceId) as Connector).source;
  const resolvers = {
    DateTime: new GraphQLScalarType({ name: 'DateTime', serialize: (v) => formatInstant(v as Instant) }),
    Query: {
      restoreSessions: async (_: unknown, args: { first?: number; after?: string | null }, ctx: Ctx) => {
        const all = await merged(connectors, ctx.loaders);
        const start = args.after ? indexAfter(all, decodeKeysetCursor(args.after, 'after')) : 0;
        const items = all.slice(start, start + (args.first ?? 50));
        return { items, hasNextPage: start + items.length < all.length, hasPreviousPage: start > 0, totalCount: all.length };
      },
      restoreSessionStats: async (_: unknown, _args: unknown, ctx: Ctx) => {
        const all = await merged(connectors, ctx.loaders);
        return {
          total: all.length,
          byStatus: tally(all, (s) => s.status).map(([status, count]) => ({ status, count })),
          byVendor: tally(all, (s) => s.vendor).map(([vendor, count]) => ({ vendor, count })),
          byWorkload: tally(all, (s) => s.workload).map(([workload, count]) => ({ workload, count })),
          bySource: tally(all, sourceOf).map(([source, count]) => ({ source, count })),
        };
      },
      nodes: (_: unknown, args: { ids: string[] }, ctx: Ctx) => ctx.loaders.sessions.loadMany(args.ids),
    },
    RestoreSessionConnection: {
      nodes: (c: { items: RestoreSessionModel[] }) => c.items,
      edges: (c: { items: RestoreSessionModel[] }) => c.items.map((node) => ({ node, cursor: encodeKeysetCursor(orderPointOf(node)) })),
      pageInfo: (c: { items: RestoreSessionModel[]; hasNextPage: boolean; hasPreviousPage: boolean }) => ({
        hasNextPage: c.hasNextPage,
        hasPreviousPage: c.hasPreviousPage,
        startCursor: c.items.length > 0 ? encodeKeysetCursor(orderPointOf(c.items[0])) : null,
        endCursor: c.items.length > 0 ? encodeKeysetCursor(orderPointOf(c.items[c.items.length - 1])) : null,
      }),
    },
    Node: { __resolveType: (s: RestoreSessionModel) => s.__typename },
    RestoreSession: { __resolveType: (s: RestoreSessionModel) => s.__typename },
    GraphRestoreSession: { isTerminal: (s: RestoreSessionModel) => TERMINAL_STATUSES.has(s.status), source: sourceOf },
    VeeamRestoreSession: {
      isTerminal: (s: RestoreSessionModel) => TERMINAL_STATUSES.has(s.status),
      source: sourceOf,
      organization: async (s: RestoreSessionModel & { organizationName: string | null }, _: unknown, ctx: Ctx) =>
        s.organizationName ? ((await ctx.loaders.organizations.load(s.sourceId)).get(s.organizationName.toLowerCase()) ?? null) : null,
    },
  };
  const server = new ApolloServer<Ctx>({ typeDefs: loadTypeDefs(), resolvers });
  const { url } = await startStandaloneServer(server, {
    listen: { port: config.server.port, host: config.server.host },
    context: async () => ({ loaders: loadersFor(connectors) }),
  });
  process.stdout.write(`Gateway ready at ${url} (DataLoader baseline)\n`);
  process.once('SIGTERM', () => void server.stop().then(() => process.exit(0)));
}

main().catch((err: unknown) => {
  process.stderr.write(`baseline: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
