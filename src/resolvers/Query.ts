import { responseReads } from '../cache/responseReads';
import type { GatewayContext } from '../context';
import { badUserInput } from '../errors';
import { decodeGlobalId, parseProtectedItemId, parseRestorePointId, type DecodedGlobalId, type ProtectedItemRef } from '../ids';
import { decodeKeysetCursor } from '../listing/cursor';
import { unavailability } from '../listing/directory';
import { compileFilter } from '../listing/filter';
import type { NodeModel, RestoreSessionModel } from '../model';
import type { QueryResolvers } from '../__generated__/resolvers-types';
import { checkFirst } from './connections';
import { loadProtectedItem } from './discovery';
import { pathOf } from './resolvePath';

/**
 * A session by decoded id. A warm source answers from its index (null for an id it does not
 * hold, with no upstream call); a source whose latest read failed answers its failure; a source
 * still on its first read is asked by id through the request's loaders.
 */
export async function loadSession(ctx: GatewayContext, id: DecodedGlobalId): Promise<RestoreSessionModel | null> {
  const index = ctx.services.indexes.index(id.sourceId);
  if (!index) return null;
  // Whichever way it is answered, a cached answer is dropped once this index changes (or warms up).
  responseReads()?.index(id.sourceId, index.contentVersion);
  if (!index.isWarm) return ctx.loaders.sessions(id.sourceId).load(id.vendorId);
  if (index.status.state === 'FAILED') {
    const problem = unavailability(index);
    if (problem) throw problem;
  }
  return index.get(id.vendorId);
}

/** What a node id names: a restore session or a protected item (restore points are not nodes). */
type NodeRef = { session: DecodedGlobalId } | { protectedItem: ProtectedItemRef };

function decodeNodeId(id: string, argument: string): NodeRef {
  const protectedItem = parseProtectedItemId(id);
  if (protectedItem) return { protectedItem };
  if (parseRestorePointId(id))
    throw badUserInput(argument, `'${id.slice(0, 80)}' is a restore point id; restore points are not nodes (read them through ProtectedItem.restorePoints).`);
  return { session: decodeGlobalId(id, argument) };
}

function loadNode(ctx: GatewayContext, ref: NodeRef): Promise<NodeModel | null> {
  return 'protectedItem' in ref ? loadProtectedItem(ctx, ref.protectedItem) : loadSession(ctx, ref.session);
}

/** graphql-js turns an Error standing in a list into null at that index plus an error for it. */
function errorInList(err: unknown): NodeModel | null {
  return (err instanceof Error ? err : new Error(String(err))) as unknown as NodeModel;
}

export const Query: Pick<QueryResolvers, 'node' | 'nodes' | 'restoreSession' | 'restoreSessions' | 'restoreSessionStats' | 'sources'> = {
  node: (_parent, { id }, ctx) => loadNode(ctx, decodeNodeId(id, 'id')),
  restoreSession: (_parent, { id }, ctx) => loadSession(ctx, decodeGlobalId(id, 'id')),
  nodes: (_parent, { ids }, ctx) => {
    const { maxIds } = ctx.services.limits;
    if (ids.length > maxIds) throw badUserInput('ids', `At most ${maxIds} ids per request; got ${ids.length}.`);
    // A malformed id fails the whole field (contract §2); missing ones are null.
    const decoded = ids.map((id) => decodeNodeId(id, 'ids'));
    return Promise.all(decoded.map((ref) => loadNode(ctx, ref).catch(errorInList)));
  },
  restoreSessions: (_parent, { first, after, filter }, ctx, info) => {
    const size = checkFirst(first);
    const point = after ? decodeKeysetCursor(after, 'after') : null;
    const compiled = compileFilter(filter, ctx.services.sourceIds);
    const path = pathOf(info);
    return ctx.services.directory.page(compiled, size, point, (source, err) => ctx.partialFailures.report(source, err, path));
  },
  restoreSessionStats: (_parent, { filter }, ctx, info) => {
    const compiled = compileFilter(filter, ctx.services.sourceIds);
    const path = pathOf(info);
    return ctx.services.directory.stats(compiled, (source, err) => ctx.partialFailures.report(source, err, path));
  },
  sources: (_parent, _args, ctx) => [...ctx.services.connectors.values()].map((c) => c.source),
};
