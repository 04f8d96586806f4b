import DataLoader from 'dataloader';
import { cacheKeys } from '../../cache/cacheKeys';
import type { EntityCache } from '../../cache/entityCache';
import { TERMINAL_STATUSES, type GraphArtifactModel, type GraphCollectionKind, type GraphRestoreSessionModel } from '../../model';
import type { GraphConnector } from './client';

export interface ArtifactsKey {
  vendorId: string;
  collection: GraphCollectionKind;
  /** A terminal session's artifacts no longer change: cached longer. */
  terminal: boolean;
}

export interface GraphLoaders {
  /** Sessions by Graph id: the cache first, then 20 per `$batch` call (Graph's limit). */
  sessionById: DataLoader<string, GraphRestoreSessionModel | null>;
  /** A session's artifacts, all pages. */
  artifacts: DataLoader<ArtifactsKey, GraphArtifactModel[], string>;
}

/** Made per GraphQL request: they dedupe within the request; the entity cache spans requests. */
export function createGraphLoaders(connector: GraphConnector, cache: EntityCache): GraphLoaders {
  const scope = connector.cacheScope;
  return {
    sessionById: new DataLoader(
      (ids) =>
        cache.readThrough<string, GraphRestoreSessionModel | null>(
          'session',
          ids,
          (id) => cacheKeys.session(scope, id),
          (missing) => connector.getSessions(missing),
          (session) => (session ? cache.ttlFor(TERMINAL_STATUSES.has(session.status)) : cache.ttls.notFoundMs),
        ),
      { maxBatchSize: 20, name: `graph:${connector.source.id}:sessionById` },
    ),
    artifacts: new DataLoader(
      (keys) =>
        cache.readThrough<ArtifactsKey, GraphArtifactModel[]>(
          'artifacts',
          keys,
          (k) => cacheKeys.artifacts(scope, k.vendorId),
          (missing) => Promise.all(missing.map((k) => connector.listArtifacts(k.vendorId, k.collection).catch((err: Error) => err))),
          (_list, k) => cache.ttlFor(k.terminal),
        ),
      { cacheKeyFn: (k) => `${k.collection}:${k.vendorId}`, name: `graph:${connector.source.id}:artifacts` },
    ),
  };
}
