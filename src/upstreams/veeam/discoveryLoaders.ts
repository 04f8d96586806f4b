import DataLoader from 'dataloader';
import { cacheKeys } from '../../cache/cacheKeys';
import type { EntityCache } from '../../cache/entityCache';
import type { LoaderFactory } from '../../context';
import type { VeeamJobModel } from '../../model';
import { mapWithConcurrency } from '../../util/mapWithConcurrency';
import { catalogueOf, discoveryTtlMs, restorePointsKeyOf, UpstreamCallBudget, type DiscoveryLoaders, type RestorePointsKey } from '../discovery';
import type { VeeamConnector } from './client';
import type { PointContentsReader } from './discoveryClient';
import {
  CONTENTS_LIST,
  newestPointFirst,
  PROTECTED_LISTS,
  toVeeamPointTime,
  toVeeamRestorePoint,
  type PointContentsList,
  type PointObject,
  type ProtectedObjectKind,
  type VeeamPointTime,
} from './discoveryMappers';
import { cachedOrganizations } from './loaders';

export interface VeeamDiscoveryLoaders extends DiscoveryLoaders {
  /** The server's backup jobs (cached across requests for the discovery TTL). */
  jobs(): Promise<readonly VeeamJobModel[]>;
}

interface ContentsKey {
  restorePointId: string;
  list: PointContentsList;
}

/** What a v6/v7 restore point holds never changes: read through the entity cache; `spend` meters the upstream reads. */
function contentsReader(connector: VeeamConnector, cache: EntityCache, spend: () => void): PointContentsReader {
  return async (restorePointId, list) => {
    const [objects] = await cache.readThrough<string, PointObject[]>(
      'restorePointContents',
      [cacheKeys.restorePointContents(connector.cacheScope, restorePointId, list)],
      (key) => key,
      async () => {
        spend();
        return [await connector.discoveryClient.listPointContents(restorePointId, list)];
      },
      () => discoveryTtlMs(cache),
    );
    if (objects instanceof Error) throw objects;
    return objects;
  };
}

/**
 * Made per GraphQL request (through `ctx.loaders.of`). The catalogue and the jobs come through the
 * entity cache; restore points are read per request. v8 finds an object's points with one call;
 * v6/v7 walk the item's job from its newest point back, asking what each point holds (cached:
 * it never changes, and the catalogue already read the newest ones), and stop at the first point
 * without the item: an object stays in its job from when it joins, so older points lack it too.
 */
export const veeamDiscoveryLoaders: LoaderFactory<VeeamDiscoveryLoaders> = (source, cache) => {
  const connector = source as VeeamConnector;
  const client = connector.discoveryClient;
  const limit = connector.maxConcurrency;
  const budget = new UpstreamCallBudget(connector.source, connector.maxDiscoveryCallsPerRequest);
  const name = (what: string) => `veeam:${connector.source.id}:${what}`;

  const contents = new DataLoader<ContentsKey, PointObject[], string>(
    (keys) => {
      const read = contentsReader(connector, cache, () => budget.spend());
      return mapWithConcurrency(keys, limit, (k) => read(k.restorePointId, k.list));
    },
    { cacheKeyFn: (k) => `${k.restorePointId.toLowerCase()}|${k.list}`, name: name('restorePointContents') },
  );
  const jobPoints = new DataLoader<string, VeeamPointTime[], string>(
    (jobIds) =>
      mapWithConcurrency(jobIds, limit, async (jobId) => {
        budget.spend();
        return (await client.listJobRestorePoints(jobId)).flatMap((dto) => toVeeamPointTime(dto) ?? []).sort(newestPointFirst);
      }),
    { cacheKeyFn: (id) => id.toLowerCase(), name: name('jobRestorePoints') },
  );

  const inWindow = (key: RestorePointsKey) => (point: VeeamPointTime) =>
    (key.afterMs === null || point.createdAt.epochMs > key.afterMs) && (key.beforeMs === null || point.createdAt.epochMs < key.beforeMs);

  const pointsOfObject = async (key: RestorePointsKey, kind: ProtectedObjectKind): Promise<VeeamPointTime[]> => {
    budget.spend();
    const dtos = await client.listObjectRestorePoints(kind, key.item.vendorId, key.first, key);
    return dtos
      .flatMap((dto) => toVeeamPointTime(dto) ?? [])
      .filter(inWindow(key))
      .sort(newestPointFirst)
      .slice(0, key.first);
  };

  const pointsThroughJob = async (key: RestorePointsKey, list: PointContentsList, jobId: string): Promise<VeeamPointTime[]> => {
    const found: VeeamPointTime[] = [];
    const wanted = key.item.vendorId.toLowerCase();
    for (const point of (await jobPoints.load(jobId)).filter(inWindow(key))) {
      if (found.length >= key.first) break;
      const objects = await contents.load({ restorePointId: point.vendorId, list });
      if (!objects.some((o) => o.vendorId.toLowerCase() === wanted)) break;
      found.push(point);
    }
    return found;
  };

  const pointTimesOf = (key: RestorePointsKey): Promise<VeeamPointTime[]> => {
    const { kind, jobId } = key.item;
    if (key.first === 0) return Promise.resolve([]);
    if (client.hasProtectedObjects) return kind in PROTECTED_LISTS ? pointsOfObject(key, kind as ProtectedObjectKind) : Promise.resolve([]);
    const list = CONTENTS_LIST[kind];
    return list && jobId ? pointsThroughJob(key, list, jobId) : Promise.resolve([]);
  };

  let jobList: Promise<VeeamJobModel[]> | null = null;
  return {
    ...catalogueOf(cacheKeys.protectedItems(connector.cacheScope), cache, () => client.listProtectedItems(contentsReader(connector, cache, () => undefined))),
    jobs: () =>
      (jobList ??= cache
        .readThrough<string, VeeamJobModel[]>(
          'jobs',
          [cacheKeys.jobs(connector.cacheScope)],
          (key) => key,
          async () => [await client.listJobs(() => cachedOrganizations(connector, cache))],
          () => discoveryTtlMs(cache),
        )
        .then(([jobs]) => {
          if (jobs instanceof Error) throw jobs;
          return jobs;
        })),
    restorePoints: new DataLoader(
      (keys) => mapWithConcurrency(keys, limit, async (key) => (await pointTimesOf(key)).map((point) => toVeeamRestorePoint(key.item, point))),
      { cacheKeyFn: restorePointsKeyOf, name: name('restorePoints') },
    ),
  };
};
