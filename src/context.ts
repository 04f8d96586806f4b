import type { Caller } from './auth/callerAuth';
import type { Clock } from './clock';
import type { GatewayConfig } from './config';
import type { Logger } from './logger';
import type { GatewayMetrics } from './metrics';
import type { SourceModel } from './model';
import { ErrorCode, GatewayError } from './errors';
import type { RestoreSessionDirectory } from './listing/directory';
import type { EntityCache } from './cache/entityCache';
import type { ChangeFeed } from './live/changeFeed';
import type { SourceConnector } from './sources/connector';
import { GraphConnector } from './upstreams/msgraph/client';
import { createGraphLoaders, type GraphLoaders } from './upstreams/msgraph/loaders';
import { VeeamConnector } from './upstreams/veeam/client';
import { createVeeamLoaders, type VeeamLoaders } from './upstreams/veeam/loaders';

/** Long-lived pieces, built once per gateway and shared by every request. */
export interface GatewayServices {
  connectors: ReadonlyMap<string, SourceConnector>;
  directory: RestoreSessionDirectory;
  cache: EntityCache;
  /** Live change detection for subscriptions. */
  feed: ChangeFeed;
  /** After a write through the gateway: the source's list and every cached entry of the session go. */
  invalidateSession(sourceId: string, vendorId: string): Promise<void>;
  sourceIds: ReadonlySet<string>;
  metrics: GatewayMetrics;
  logger: Logger;
  clock: Clock;
  limits: GatewayConfig['server']['limits'];
}

/** Per-request DataLoaders, created on first use for each source and dropped with the request. */
export class RequestLoaders {
  private readonly graphLoaders = new Map<string, GraphLoaders>();
  private readonly veeamLoaders = new Map<string, VeeamLoaders>();

  constructor(
    private readonly connectors: ReadonlyMap<string, SourceConnector>,
    private readonly cache: EntityCache,
  ) {}

  graph(sourceId: string): GraphLoaders {
    let loaders = this.graphLoaders.get(sourceId);
    if (!loaders) {
      const connector = this.connectors.get(sourceId);
      if (!(connector instanceof GraphConnector)) throw new Error(`source ${sourceId} is not a Microsoft Graph source`);
      loaders = createGraphLoaders(connector, this.cache);
      this.graphLoaders.set(sourceId, loaders);
    }
    return loaders;
  }

  veeam(sourceId: string): VeeamLoaders {
    let loaders = this.veeamLoaders.get(sourceId);
    if (!loaders) {
      const connector = this.connectors.get(sourceId);
      if (!(connector instanceof VeeamConnector)) throw new Error(`source ${sourceId} is not a Veeam source`);
      loaders = createVeeamLoaders(connector, this.cache);
      this.veeamLoaders.set(sourceId, loaders);
    }
    return loaders;
  }
}

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
    const known = error instanceof GatewayError ? error : new GatewayError(ErrorCode.UPSTREAM_UNAVAILABLE, `Source '${source.id}' is unavailable.`, { sourceId: source.id, vendor: source.vendor });
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
export function createContext(services: GatewayServices, caller: Caller, ids: { requestId: string; traceId?: string; subscriptionId?: string }): GatewayContext {
  const logger = services.logger.child({ requestId: ids.requestId, traceId: ids.traceId, subscription: ids.subscriptionId });
  return { requestId: ids.requestId, caller, logger, services, loaders: new RequestLoaders(services.connectors, services.cache), partialFailures: new PartialFailures(logger) };
}
