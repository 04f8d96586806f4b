import DataLoader from 'dataloader';
import { cacheKeys } from '../../cache/cacheKeys';
import type { LoaderFactory } from '../../context';
import type { GraphArtifactModel, GraphCollectionKind } from '../../model';
import type { GraphConnector } from './client';

export interface ArtifactsKey {
  vendorId: string;
  collection: GraphCollectionKind;
  /** A terminal session's artifacts no longer change: cached longer. */
  terminal: boolean;
}

export interface GraphLoaders {
  /** A session's artifacts, all pages. */
  artifacts: DataLoader<ArtifactsKey, GraphArtifactModel[], string>;
}

/** Made per GraphQL request (through `ctx.loaders.of`): they dedupe within the request; the entity cache spans requests. */
export const graphLoaders: LoaderFactory<GraphLoaders> = (source, cache) => {
  const connector = source as GraphConnector;
  const scope = connector.cacheScope;
  return {
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
};
