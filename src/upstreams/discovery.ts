import type DataLoader from 'dataloader';
import type { EntityCache } from '../cache/entityCache';
import type { LoaderFactory } from '../context';
import { ErrorCode, GatewayError, type SourceRef } from '../errors';
import { encodeRestorePointId } from '../ids';
import type { Instant, ProtectedItemModel, RestorePointModel } from '../model';

/** The newest `first` restore points of one protected item in a window (bounds exclusive, ms), newest first. */
export interface RestorePointsKey {
  item: ProtectedItemModel;
  first: number;
  beforeMs: number | null;
  afterMs: number | null;
}

export const restorePointsKeyOf = (k: RestorePointsKey): string => `${k.item.id}|${k.first}|${k.beforeMs ?? ''}|${k.afterMs ?? ''}`;

/** What discovery asks of one source within one GraphQL request (made through `ctx.loaders.of`). */
export interface DiscoveryLoaders {
  /** Every item the source protects, in no particular order; shared across requests for the discovery TTL. */
  protectedItems(): Promise<readonly ProtectedItemModel[]>;
  /** One item by its global id; null when the source no longer protects it. */
  protectedItem(id: string): Promise<ProtectedItemModel | null>;
  /** Restore points by item, batched the way the vendor allows and deduplicated within the request. */
  restorePoints: DataLoader<RestorePointsKey, RestorePointModel[], string>;
}

/**
 * A source's discovery, whatever its vendor: code outside `src/upstreams/` lists what is protected
 * and its restore points through these loaders and never asks which vendor it talks to.
 */
export interface SourceDiscovery {
  readonly loaders: LoaderFactory<DiscoveryLoaders>;
}

/**
 * Upstream calls one GraphQL request may still make to one source to find restore points. Graph
 * answers at most 5 points per search, so a large query would otherwise turn into hundreds of
 * calls; past the budget the fields that need more answer QUERY_TOO_COMPLEX instead.
 */
export class UpstreamCallBudget {
  private spent = 0;

  constructor(
    private readonly source: SourceRef,
    readonly limit: number,
  ) {}

  /** Takes one call from the budget, or refuses with the error the caller's field gets. */
  spend(): void {
    if (this.spent >= this.limit)
      throw new GatewayError(
        ErrorCode.QUERY_TOO_COMPLEX,
        `Finding these restore points needs more than ${this.limit} calls to source '${this.source.id}' in one request; ask for fewer items or fewer restore points per item.`,
        { sourceId: this.source.id, vendor: this.source.vendor },
      );
    this.spent++;
  }
}

/**
 * How long discovery's catalogue (protected items, Veeam jobs, what a Veeam restore point holds)
 * is kept across requests: it changes rarely, like the organisations it shares the setting with
 * (`cache.organizationTtlSeconds`). Restore points themselves are read per request.
 */
export function discoveryTtlMs(cache: EntityCache): number {
  return cache.ttls.organizationsMs;
}

/**
 * A source's catalogue within one request: read through the entity cache at most once (requests
 * in flight at the same moment share one upstream read), then looked up by id.
 */
export function catalogueOf(
  cacheKey: string,
  cache: EntityCache,
  load: () => Promise<ProtectedItemModel[]>,
): Pick<DiscoveryLoaders, 'protectedItems' | 'protectedItem'> {
  let items: Promise<readonly ProtectedItemModel[]> | null = null;
  let byId: Promise<ReadonlyMap<string, ProtectedItemModel>> | null = null;
  const protectedItems = () =>
    (items ??= cache
      .readThrough<string, ProtectedItemModel[]>(
        'protectedItems',
        [cacheKey],
        (key) => key,
        async () => [await load()],
        () => discoveryTtlMs(cache),
      )
      .then(([list]) => {
        if (list instanceof Error) throw list;
        return list;
      }));
  return {
    protectedItems,
    protectedItem: async (id) => (await (byId ??= protectedItems().then((list) => new Map(list.map((item) => [item.id, item]))))).get(id) ?? null,
  };
}

/** One of an item's restore points, as either vendor names it. */
export function restorePointOf(item: ProtectedItemModel, vendorId: string, createdAt: Instant, expiresAt: Instant | null): RestorePointModel {
  return {
    id: encodeRestorePointId({ item: { sourceId: item.sourceId, kind: item.kind, vendorId: item.vendorId }, vendorId }),
    vendorId,
    sourceId: item.sourceId,
    vendor: item.vendor,
    createdAt,
    expiresAt,
    protectedItem: item,
  };
}
