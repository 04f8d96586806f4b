import type { Caller } from './auth/callerAuth';
import type { Clock } from './clock';
import type { GatewayConfig } from './config';
import type { Logger } from './logger';
import type { GatewayMetrics } from './metrics';
import { TERMINAL_STATUSES, type RestoreSessionModel, type SourceModel } from './model';
import { GatewayError, sourceError } from './errors';
import type { RestoreSessionDirectory } from './listing/directory';
import type { EntityCache } from './cache/entityCache';
import DataLoader from 'dataloader';
import { cacheKeys } from './cache/cacheKeys';
import type { SessionIndexes } from './index/sessionIndexes';
import type { ProgressWatchers } from './live/progressWatchers';
import type { SourceConnector } from './upstreams/connector';

/** Long-lived pieces, built once per gateway and shared by every request. */
export interface GatewayServices {
  connectors: ReadonlyMap<string, SourceConnector>;
  /** Every source's session index, kept current in the background. */
  indexes: SessionIndexes;
  directory: RestoreSessionDirectory;
  cache: EntityCache;
  sourceIds: ReadonlySet<string>;
  metrics: GatewayMetrics;
  logger: Logger;
  clock: Clock;
  limits: GatewayConfig['server']['limits'];
  /** Watches live progress that is not part of a session record (Veeam v8 statistics) while someone subscribes. */
  progress: ProgressWatchers;
}

/** Makes one kind of loaders for one source; identity matters (a module-level function). */
export type LoaderFactory<T> = (connector: SourceConnector, cache: EntityCache) => T;

/**
 * Per-request DataLoaders, created on first use for each source and dropped with the request.
 * Vendor modules ask for their own kinds through `of`; sessions by id are the same for all.
 */
export class RequestLoaders {
  private readonly made = new Map<LoaderFactory<unknown>, Map<string, unknown>>();

  constructor(
    private readonly connectors: ReadonlyMap<string, SourceConnector>,
    private readonly cache: EntityCache,
  ) {}

  of<T>(sourceId: string, factory: LoaderFactory<T>): T {
    let bySource = this.made.get(factory);
    if (!bySource) this.made.set(factory, (bySource = new Map<string, unknown>()));
    let loaders = bySource.get(sourceId) as T | undefined;
    if (loaders === undefined) {
      const connector = this.connectors.get(sourceId);
      if (!connector) throw new Error(`no source '${sourceId}'`);
      loaders = factory(connector, this.cache);
      bySource.set(sourceId, loaders);
    }
    return loaders;
  }

  /** Sessions by id for a source whose index is not warm yet: the entity cache, then the upstream. */
  sessions(sourceId: string): DataLoader<string, RestoreSessionModel | null> {
    return this.of(sourceId, sessionLoader);
  }
}

const sessionLoader: LoaderFactory<DataLoader<string, RestoreSessionModel | null>> = (connector, cache) =>
  new DataLoader(
    (ids) =>
      cache.readThrough<string, RestoreSessionModel | null>(
        'session',
        ids,
        (id) => cacheKeys.session(connector.cacheScope, id),
        (missing) => connector.sessions.readMany(missing),
        (session) => (session ? cache.ttlFor(TERMINAL_STATUSES.has(session.status)) : cache.ttls.notFoundMs),
      ),
    { maxBatchSize: 100, name: `${connector.source.id}:sessionById` },
  );

/**
 * Sources that failed while a list was assembled: the list still answers with the others, and
 * each failed source adds one error (its code and sourceId) to the response.
 */
export class PartialFailures {
  private readonly bySource = new Map<string, { error: GatewayError; path: ReadonlyArray<string | number> }>();

  constructor(private readonly logger: Logger) {}

  report(source: SourceModel, error: unknown, path: ReadonlyArray<string | number>): void {
    if (this.bySource.has(source.id)) return;
    if (!(error instanceof GatewayError)) this.logger.error({ err: error, source: source.id }, 'unexpected failure while reading a source');
    const known = error instanceof GatewayError ? error : sourceError.internal(source);
    this.bySource.set(source.id, { error: known, path });
  }

  get failures(): Array<{ error: GatewayError; path: ReadonlyArray<string | number> }> {
    return [...this.bySource.values()];
  }
}

export interface GatewayContext {
  requestId: string;
  caller: Caller;
  logger: Logger;
  services: GatewayServices;
  loaders: RequestLoaders;
  partialFailures: PartialFailures;
}

/**
 * The one place a request's context is born, for HTTP (Apollo) and WebSocket (graphql-ws)
 * alike: its id, the caller, a logger that names both, and loaders of its own.
 */
export function createContext(
  services: GatewayServices,
  caller: Caller,
  ids: { requestId: string; traceId?: string; subscriptionId?: string },
): GatewayContext {
  const logger = services.logger.child({ requestId: ids.requestId, traceId: ids.traceId, subscription: ids.subscriptionId });
  return {
    requestId: ids.requestId,
    caller,
    logger,
    services,
    loaders: new RequestLoaders(services.connectors, services.cache),
    partialFailures: new PartialFailures(logger),
  };
}
