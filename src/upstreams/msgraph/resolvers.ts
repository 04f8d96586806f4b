import { badUserInput } from '../../errors';
import { audited } from '../../mutations/audit';
import { afterWrite, settle } from '../../mutations/writes';
import { TERMINAL_STATUSES, type GraphCollectionKind } from '../../model';
import { connectionFields, offsetConnection } from '../../resolvers/connections';
import { sessionFields } from '../../resolvers/typeResolvers';
import type { Resolvers, Workload } from '../../__generated__/resolvers-types';
import type { GatewayContext } from '../../context';
import { GraphConnector } from './client';
import { meteredSearch } from './discoveryLoaders';
import { graphLoaders } from './loaders';
import { progressFromCounts } from './mappers';
import { planArtifacts } from './restoreArtifacts';

const COLLECTION_OF: Partial<Record<Workload, GraphCollectionKind>> = { EXCHANGE: 'exchange', ONEDRIVE: 'oneDrive', SHAREPOINT: 'sharePoint' };

/** The source a Graph-only mutation names, which must be a Microsoft Graph tenant. */
function graphSource(ctx: GatewayContext, sourceId: string): GraphConnector {
  const connector = ctx.services.connectors.get(sourceId);
  if (!connector) throw badUserInput('input.sourceId', `Unknown source id '${sourceId.slice(0, 64)}'.`);
  if (!(connector instanceof GraphConnector)) throw badUserInput('input.sourceId', `Source '${sourceId}' is not a Microsoft Graph source.`);
  return connector;
}

/** The Microsoft Graph parts of the schema: its session type and its draft-creating mutation. */
export const graphResolvers: Pick<Resolvers, 'GraphRestoreSession' | 'GraphRestoreArtifactConnection' | 'Mutation'> = {
  GraphRestoreSession: {
    ...sessionFields,
    progress: (s) => progressFromCounts(s.artifactCount),
    artifacts: async (s, { first, after }, ctx) => {
      const list = s.collection
        ? await ctx.loaders
            .of(s.sourceId, graphLoaders)
            .artifacts.load({ vendorId: s.vendorId, collection: s.collection, terminal: TERMINAL_STATUSES.has(s.status) })
        : [];
      return offsetConnection(list, first, after);
    },
  },
  GraphRestoreArtifactConnection: connectionFields,
  Mutation: {
    createGraphRestoreSession: (_parent, { input }, ctx) =>
      audited(ctx, 'createGraphRestoreSession', { sourceId: input.sourceId }, async (target) => {
        const connector = graphSource(ctx, input.sourceId);
        const collection = COLLECTION_OF[input.workload];
        if (!collection) throw badUserInput('input.workload', `Microsoft Graph restores EXCHANGE, ONEDRIVE or SHAREPOINT, not ${input.workload}.`);
        const artifacts = await planArtifacts(input, connector.source, collection, ctx.services.limits.maxIds, meteredSearch(connector));
        const session = settle(await connector.createSession(collection, artifacts), null, connector, 'The restore point');
        Object.assign(target, { sessionId: session.id, vendorId: session.vendorId });
        await afterWrite(ctx, connector, session, session.vendorId);
        return { restoreSession: session };
      }),
  },
};
