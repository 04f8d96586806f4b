import type { GatewayContext } from '../context';
import { TERMINAL_STATUSES, type RestoreSessionModel, type SourceModel } from '../model';
import type { Resolvers } from '../__generated__/resolvers-types';
import { connectionFields } from './connections';

const sourceOf = (session: RestoreSessionModel, ctx: GatewayContext): SourceModel => {
  const connector = ctx.services.connectors.get(session.sourceId);
  if (!connector) throw new Error(`session of unconfigured source ${session.sourceId}`);
  return connector.source;
};

/** Fields every RestoreSession implementation computes the same way, whatever its vendor. */
export const sessionFields = {
  source: (s: RestoreSessionModel, _args: unknown, ctx: GatewayContext) => sourceOf(s, ctx),
  isTerminal: (s: RestoreSessionModel) => TERMINAL_STATUSES.has(s.status),
};

// DateTime prints from epochMs; the sort key is not needed for these.
const instantOf = (ms: number | null) => (ms === null ? null : { epochMs: ms, key: '' });

type TypeResolvers = Pick<Resolvers, 'Node' | 'RestoreSession' | 'RestoreProgress' | 'Source' | 'SourceSync' | 'RestoreSessionConnection'>;

/** Resolvers of the vendor-neutral types; vendor types come with their vendor's module. */
export const typeResolvers: TypeResolvers = {
  // The model says what it is: never guessed from which fields are present.
  Node: { __resolveType: (s) => s.__typename },
  RestoreSession: { __resolveType: (s) => s.__typename },
  RestoreProgress: {
    percent: (p) => (p.total > 0 ? Math.min(100, ((p.completed + p.failed) / p.total) * 100) : null),
  },
  Source: {
    health: (source, _args, ctx) => ctx.services.connectors.get(source.id)?.health.health ?? 'DOWN',
    lastError: (source, _args, ctx) => ctx.services.connectors.get(source.id)?.health.lastError ?? null,
    sync: (source, _args, ctx) => {
      const index = ctx.services.indexes.index(source.id);
      if (!index) throw new Error(`no index for source ${source.id}`);
      return index;
    },
  },
  SourceSync: {
    state: (index) => index.status.state,
    sessions: (index) => index.size,
    lastFullReadAt: (index) => instantOf(index.status.lastFullReadAt),
    lastChangeAt: (index) => instantOf(index.status.lastChangeAt),
    lagSeconds: (index, _args, ctx) => ctx.services.indexes.lagSeconds(index),
  },
  RestoreSessionConnection: connectionFields,
};
