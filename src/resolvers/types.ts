import type { GatewayContext } from '../context';
import { TERMINAL_STATUSES, type RestoreSessionModel, type SourceModel } from '../model';
import type { Resolvers } from '../__generated__/resolvers-types';
import { connectionFields, offsetConnection } from './connections';
import { progressFromCounts } from '../upstreams/msgraph/mappers';

const sourceOf = (session: RestoreSessionModel, ctx: GatewayContext): SourceModel => {
  const connector = ctx.services.connectors.get(session.sourceId);
  if (!connector) throw new Error(`session of unconfigured source ${session.sourceId}`);
  return connector.source;
};

/** Fields every RestoreSession computes the same way, whatever its vendor. */
const sessionFields = {
  source: (s: RestoreSessionModel, _args: unknown, ctx: GatewayContext) => sourceOf(s, ctx),
  isTerminal: (s: RestoreSessionModel) => TERMINAL_STATUSES.has(s.status),
};

type TypeResolvers = Pick<
  Resolvers,
  | 'Node'
  | 'RestoreSession'
  | 'GraphRestoreSession'
  | 'VeeamRestoreSession'
  | 'RestoreProgress'
  | 'Source'
  | 'RestoreSessionConnection'
  | 'VeeamRestoreSessionEventConnection'
  | 'GraphRestoreArtifactConnection'
>;

export const typeResolvers: TypeResolvers = {
  // The model says what it is: never guessed from which fields are present.
  Node: { __resolveType: (s) => s.__typename },
  RestoreSession: { __resolveType: (s) => s.__typename },
  GraphRestoreSession: {
    ...sessionFields,
    progress: (s) => progressFromCounts(s.artifactCount),
    artifacts: async (s, { first, after }, ctx) => {
      const list = s.collection ? await ctx.loaders.graph(s.sourceId).artifacts.load({ vendorId: s.vendorId, collection: s.collection, terminal: TERMINAL_STATUSES.has(s.status) }) : [];
      return offsetConnection(list, first, after);
    },
  },
  VeeamRestoreSession: {
    ...sessionFields,
    progress: (s, _args, ctx) => ctx.loaders.veeam(s.sourceId).progress.load({ vendorId: s.vendorId, terminal: TERMINAL_STATUSES.has(s.status) }),
    organization: (s, _args, ctx) => ctx.loaders.veeam(s.sourceId).organization.load({ name: s.organizationName ?? `#${s.vendorId}`, sessionVendorId: s.vendorId }),
    events: async (s, { first, after }, ctx) => offsetConnection(await ctx.loaders.veeam(s.sourceId).events.load({ vendorId: s.vendorId, terminal: TERMINAL_STATUSES.has(s.status) }), first, after),
  },
  RestoreProgress: {
    percent: (p) => (p.total > 0 ? Math.min(100, ((p.completed + p.failed) / p.total) * 100) : null),
  },
  Source: {
    health: (source, _args, ctx) => ctx.services.connectors.get(source.id)?.health.health ?? 'DOWN',
    lastError: (source, _args, ctx) => ctx.services.connectors.get(source.id)?.health.lastError ?? null,
  },
  RestoreSessionConnection: connectionFields,
  VeeamRestoreSessionEventConnection: connectionFields,
  GraphRestoreArtifactConnection: connectionFields,
};
