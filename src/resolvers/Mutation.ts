import type { GatewayContext } from '../context';
import { audited } from '../mutations/audit';
import { allowedAction } from '../mutations/rules';
import { afterWrite, currentSession, settle } from '../mutations/writes';
import type { SessionActionName } from '../upstreams/connector';
import type { MutationResolvers } from '../__generated__/resolvers-types';

/**
 * The shape every action on an existing session shares, whatever its vendor: read it fresh
 * upstream, name it in the audit line, check that its vendor offers the action in its state
 * (nothing is written otherwise), act, and put the result in the index.
 */
function onSession(ctx: GatewayContext, mutation: string, name: SessionActionName, id: string) {
  return audited(ctx, mutation, { sessionId: id }, async (target) => {
    const { session, connector } = await currentSession(ctx, id);
    Object.assign(target, { sourceId: session.sourceId, vendorId: session.vendorId });
    const action = allowedAction(connector, name, session);
    const after = settle(await action.run(session), session, connector, `Restore session ${id}`);
    await afterWrite(ctx, connector, name === 'delete' ? null : (after ?? session), session.vendorId);
    return { session, after };
  });
}

/** Vendor-neutral mutations; vendor-specific ones (create, explore) come with their vendor's module. */
export const Mutation: Pick<MutationResolvers, 'activateRestoreSession' | 'deleteRestoreSession' | 'stopRestoreSession'> = {
  activateRestoreSession: async (_parent, { id }, ctx) => {
    const { session, after } = await onSession(ctx, 'activateRestoreSession', 'activate', id);
    return { restoreSession: after ?? session };
  },
  deleteRestoreSession: async (_parent, { id }, ctx) => {
    const { session } = await onSession(ctx, 'deleteRestoreSession', 'delete', id);
    return { deletedId: session.id };
  },
  stopRestoreSession: async (_parent, { id }, ctx) => {
    const { session, after } = await onSession(ctx, 'stopRestoreSession', 'stop', id);
    return { restoreSession: after ?? session };
  },
};
