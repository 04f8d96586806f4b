import DataLoader from 'dataloader';
import { cacheKeys } from '../../cache/cacheKeys';
import type { LoaderFactory } from '../../context';
import type { RestorePointModel } from '../../model';
import { catalogueOf, restorePointsKeyOf, UpstreamCallBudget, type DiscoveryLoaders, type RestorePointsKey } from '../discovery';
import type { GraphConnector } from './client';
import { toGraphRestorePoint } from './discoveryMappers';
import { findNewestRestorePoints, SEARCH_MAX_UNITS, type RestorePointSearch } from './restorePointSearch';

/** Restore points of many units at once: keys asking for the same window share their searches. */
async function restorePointsOf(keys: readonly RestorePointsKey[], search: RestorePointSearch): Promise<Array<RestorePointModel[] | Error>> {
  const byWindow = new Map<string, number[]>();
  keys.forEach((key, index) => {
    const window = `${key.beforeMs ?? ''}|${key.afterMs ?? ''}`;
    byWindow.set(window, [...(byWindow.get(window) ?? []), index]);
  });
  const results = new Array<RestorePointModel[] | Error>(keys.length);
  await Promise.all(
    [...byWindow.values()].map(async (indexes) => {
      const { beforeMs, afterMs } = keys[indexes[0]];
      try {
        const found = await findNewestRestorePoints(
          indexes.map((i) => ({ unitId: keys[i].item.vendorId, first: keys[i].first })),
          { beforeMs, afterMs },
          search,
        );
        for (const i of indexes) {
          const { item, first } = keys[i];
          results[i] = (found.get(item.vendorId.toLowerCase()) ?? []).slice(0, first).map((point) => toGraphRestorePoint(item, point));
        }
      } catch (err) {
        for (const i of indexes) results[i] = err instanceof Error ? err : new Error(String(err));
      }
    }),
  );
  return results;
}

/**
 * Made per GraphQL request (through `ctx.loaders.of`): the catalogue through the entity cache, and
 * restore points batched 20 units per search (what one search accepts), every search metered by
 * the request's call budget for this tenant.
 */
export const graphDiscoveryLoaders: LoaderFactory<DiscoveryLoaders> = (source, cache) => {
  const connector = source as GraphConnector;
  const search = meteredSearch(connector);
  return {
    ...catalogueOf(cacheKeys.protectedItems(connector.cacheScope), cache, () => connector.discoveryClient.listProtectedItems()),
    restorePoints: new DataLoader((keys) => restorePointsOf(keys, search), {
      maxBatchSize: SEARCH_MAX_UNITS,
      cacheKeyFn: restorePointsKeyOf,
      name: `graph:${connector.source.id}:restorePoints`,
    }),
  };
};

/** Searches that spend one call budget (one per request, per tenant). */
export function meteredSearch(connector: GraphConnector): RestorePointSearch {
  const budget = new UpstreamCallBudget(connector.source, connector.maxDiscoveryCallsPerRequest);
  return (body) => {
    budget.spend();
    return connector.discoveryClient.search(body);
  };
}
