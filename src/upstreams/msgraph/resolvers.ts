import { badUserInput } from '../../errors';
import { audited } from '../../mutations/audit';
import { afterWrite, settle } from '../../mutations/writes';
import { TERMINAL_STATUSES, type GraphCollectionKind } from '../../model';
import { connectionFields, offsetConnection } from '../../resolvers/connections';
import { sessionFields } from '../../resolvers/typeResolvers';
import type { Resolvers, Workload } from '../../__generated__/resolvers-types';
import type { GatewayContext } from '../../context';
import { GraphConnector } from './client';
import { graphLoaders } from './loaders';
import { progressFromCounts } from './mappers';

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
        let artifacts: Array<{ restorePointId: string; destinationType: 'new' | 'inPlace' }> | null = null;
        if (input.artifacts) {
          if (input.artifacts.length === 0) throw badUserInput('input.artifacts', 'Give at least one artifact, or leave artifacts out for an empty draft.');
          const seen = new Set<string>();
          input.artifacts.forEach((a, i) => {
            if (!a.restorePointId.trim()) throw badUserInput(`input.artifacts[${i}].restorePointId`, 'restorePointId must not be empty.');
            if (!a.protectedResourceId.trim()) throw badUserInput(`input.artifacts[${i}].protectedResourceId`, 'protectedResourceId must not be empty.');
            if (seen.has(a.restorePointId)) throw badUserInput(`input.artifacts[${i}].restorePointId`, `Restore point '${a.restorePointId}' is listed twice.`);
            seen.add(a.restorePointId);
          });
          if (new Set(input.artifacts.map((a) => a.destinationType ?? 'NEW')).size > 1)
            throw badUserInput('input.artifacts', 'All artifacts of one session must restore to the same destination type (NEW or IN_PLACE).');
          artifacts = input.artifacts.map((a) => ({ restorePointId: a.restorePointId, destinationType: a.destinationType === 'IN_PLACE' ? 'inPlace' : 'new' }));
        }
        const session = settle(await connector.createSession(collection, artifacts), null, connector, 'The restore point');
        Object.assign(target, { sessionId: session.id, vendorId: session.vendorId });
        await afterWrite(ctx, connector, session, session.vendorId);
        return { restoreSession: session };
      }),
  },
};
