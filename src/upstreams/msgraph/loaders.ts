import DataLoader from 'dataloader';
import type { GraphArtifactModel, GraphCollectionKind, GraphRestoreSessionModel } from '../../model';
import type { GraphConnector } from './client';

export interface GraphLoaders {
  /** Sessions by Graph id, 20 per `$batch` call (Graph's limit). */
  sessionById: DataLoader<string, GraphRestoreSessionModel | null>;
  /** A session's artifacts, all pages. */
  artifacts: DataLoader<{ vendorId: string; collection: GraphCollectionKind }, GraphArtifactModel[], string>;
}

/** Made per GraphQL request: caches live as long as the request, never longer. */
export function createGraphLoaders(connector: GraphConnector): GraphLoaders {
  return {
    sessionById: new DataLoader((ids) => connector.getSessions(ids), { maxBatchSize: 20, name: `graph:${connector.source.id}:sessionById` }),
    artifacts: new DataLoader(
      (keys) => Promise.all(keys.map((k) => connector.listArtifacts(k.vendorId, k.collection).catch((err: Error) => err))),
      { cacheKeyFn: (k) => `${k.collection}:${k.vendorId}`, name: `graph:${connector.source.id}:artifacts` },
    ),
  };
}
