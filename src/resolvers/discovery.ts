import type { GatewayContext } from '../context';
import { badUserInput } from '../errors';
import { encodeProtectedItemId, type ProtectedItemRef } from '../ids';
import { parseInstant } from '../instant';
import { compileProtectedItemFilter, decodeProtectedItemCursor, pageOfProtectedItems } from '../listing/protectedItems';
import type { ProtectedItemModel, SourceModel } from '../model';
import type { Resolvers } from '../__generated__/resolvers-types';
import { checkFirst, connectionFields } from './connections';
import { pathOf } from './resolvePath';

/** Most restore points one item's `restorePoints` returns: points cost upstream calls (Graph finds 5 per search). */
const MAX_RESTORE_POINTS_PER_ITEM = 50;

const sourceOf = (sourceId: string, ctx: GatewayContext): SourceModel => {
  const connector = ctx.services.connectors.get(sourceId);
  if (!connector) throw new Error(`discovery result of unconfigured source ${sourceId}`);
  return connector.source;
};

/** A protected item by its decoded id: null when its source is not configured or no longer protects it. */
export async function loadProtectedItem(ctx: GatewayContext, ref: ProtectedItemRef): Promise<ProtectedItemModel | null> {
  const discovery = ctx.services.connectors.get(ref.sourceId)?.discovery;
  if (!discovery) return null;
  // Re-encoded: the catalogue is keyed by `ProtectedItem.id` as the gateway writes it.
  return ctx.loaders.of(ref.sourceId, discovery.loaders).protectedItem(encodeProtectedItemId(ref));
}

function parseBound(value: string | null | undefined, argument: string): number | null {
  if (value == null) return null;
  const instant = parseInstant(value);
  if (!instant) throw badUserInput(argument, `'${value.slice(0, 60)}' is not an RFC 3339 date-time with an offset.`);
  return instant.epochMs;
}

/** Discovery's vendor-neutral part of the schema: the merged list, items and their restore points. */
export const discoveryResolvers: Pick<Resolvers, 'Query' | 'ProtectedItem' | 'RestorePoint' | 'ProtectedItemConnection'> = {
  Query: {
    protectedItems: async (_parent, { filter, first, after }, ctx, info) => {
      const size = checkFirst(first);
      const point = after ? decodeProtectedItemCursor(after, 'after') : null;
      const compiled = compileProtectedItemFilter(filter, ctx.services.sourceIds);
      const path = pathOf(info);
      const lists = await Promise.all(
        [...ctx.services.connectors.values()].map(async ({ source, discovery }) => {
          if (!discovery || !compiled.selects(source)) return [];
          try {
            const items = await ctx.loaders.of(source.id, discovery.loaders).protectedItems();
            return compiled.matches ? items.filter(compiled.matches) : items;
          } catch (err) {
            ctx.partialFailures.report(source, err, path);
            return [];
          }
        }),
      );
      return pageOfProtectedItems(lists.flat(), size, point);
    },
  },
  ProtectedItem: {
    source: (item, _args, ctx) => sourceOf(item.sourceId, ctx),
    restorePoints: async (item, { before, after, first }, ctx) => {
      const count = first ?? 5;
      if (!Number.isInteger(count) || count < 0 || count > MAX_RESTORE_POINTS_PER_ITEM)
        throw badUserInput('first', `first must be between 0 and ${MAX_RESTORE_POINTS_PER_ITEM}, got ${count}.`);
      const beforeMs = parseBound(before, 'before');
      const afterMs = parseBound(after, 'after');
      const discovery = ctx.services.connectors.get(item.sourceId)?.discovery;
      if (count === 0 || !discovery || (beforeMs !== null && afterMs !== null && afterMs >= beforeMs - 1)) return [];
      return ctx.loaders.of(item.sourceId, discovery.loaders).restorePoints.load({ item, first: count, beforeMs, afterMs });
    },
  },
  RestorePoint: {
    source: (point, _args, ctx) => sourceOf(point.sourceId, ctx),
    protectedItem: (point) => point.protectedItem,
  },
  ProtectedItemConnection: connectionFields,
};
