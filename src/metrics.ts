import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The gateway's Prometheus metrics, on a registry of its own (several gateways may share a process). */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly upstreamRequests = new Counter({
    name: 'gateway_upstream_requests_total',
    help: 'Upstream HTTP calls by source, vendor and status (status "error" when none answered).',
    labelNames: ['source', 'vendor', 'status', 'route'] as const,
    registers: [this.registry],
  });
  readonly upstreamDuration = new Histogram({
    name: 'gateway_upstream_request_duration_seconds',
    help: 'Upstream HTTP call latency.',
    labelNames: ['source', 'vendor', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly graphqlRequests = new Counter({
    name: 'gateway_graphql_requests_total',
    help: 'GraphQL requests by operation name and outcome (ok, partial, error).',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly graphqlDuration = new Histogram({
    name: 'gateway_graphql_request_duration_seconds',
    help: 'GraphQL request duration over HTTP, by operation type and outcome.',
    labelNames: ['type', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly websocketConnections = new Gauge({
    name: 'gateway_websocket_connections',
    help: 'Open graphql-ws WebSocket connections.',
    registers: [this.registry],
  });
  readonly subscriptionsActive = new Gauge({
    name: 'gateway_subscriptions_active',
    help: 'Running GraphQL subscriptions.',
    registers: [this.registry],
  });
  readonly sourceHealth = new Gauge({
    name: 'gateway_source_health',
    help: 'Source health: 1 for the current state of each source, 0 for the others.',
    labelNames: ['source', 'vendor', 'health'] as const,
    registers: [this.registry],
  });
  readonly circuitState = new Gauge({
    name: 'gateway_circuit_state',
    help: 'Circuit breaker state per source: 0 closed, 1 half-open, 2 open.',
    labelNames: ['source', 'vendor'] as const,
    registers: [this.registry],
  });
  readonly tokenRenewals = new Counter({
    name: 'gateway_token_renewals_total',
    help: 'Upstream token acquisitions and renewals by source and grant.',
    labelNames: ['source', 'vendor', 'grant', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly cacheRequests = new Counter({
    name: 'gateway_cache_requests_total',
    help: 'Cache lookups by cache (session, organizations, events, artifacts, statistics, snapshot, protectedItems, jobs, restorePointContents, inflight) and result (hit, miss).',
    labelNames: ['cache', 'result'] as const,
    registers: [this.registry],
  });
  readonly responseCacheRequests = new Counter({
    name: 'gateway_response_cache_requests_total',
    help: 'Queries that could use the response cache, by result: hit (memory), shared_hit (Redis), not_modified (304), miss, uncacheable.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly responseCacheBytes = new Gauge({
    name: 'gateway_response_cache_bytes',
    help: 'Bytes of cached answers held in this replica’s memory.',
    registers: [this.registry],
  });
  readonly responseCacheEvictions = new Counter({
    name: 'gateway_response_cache_evictions_total',
    help: 'Cached answers dropped from memory, by reason: changed (what they read changed), expired, evicted (to stay within maxBytes).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  /** Reads each source's index at scrape time (set by the session indexes). */
  indexReport: () => Array<{ source: string; sessions: number; lagSeconds: number | null }> = () => [];
  readonly indexSessions = new Gauge({
    name: 'gateway_index_sessions',
    help: 'Sessions the index holds, by source.',
    labelNames: ['source'] as const,
    registers: [this.registry],
    collect: () => {
      for (const r of this.indexReport()) this.indexSessions.set({ source: r.source }, r.sessions);
    },
  });
  readonly syncLag = new Gauge({
    name: 'gateway_sync_lag_seconds',
    help: 'Age of the oldest data the index may be serving, by source (absent before the first read).',
    labelNames: ['source'] as const,
    registers: [this.registry],
    collect: () => {
      for (const r of this.indexReport()) if (r.lagSeconds !== null) this.syncLag.set({ source: r.source }, r.lagSeconds);
    },
  });
  readonly syncReads = new Counter({
    name: 'gateway_sync_reads_total',
    help: 'Background reads that keep the index current, by source, kind (full, incremental, live, feed) and outcome.',
    labelNames: ['source', 'kind', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'gateway_' });
  }
}

/**
 * Operation names are chosen by clients, so as label values they must come from a bounded set:
 * the first `max` distinct well-formed names (and every name registered up front, such as
 * persisted documents') keep their own label; any other name counts as `other`.
 */
export class OperationLabels {
  private readonly known = new Set<string>();
  private readonly registered = new Set<string>();

  constructor(private readonly max: number) {}

  /** Names that always keep their own label (persisted documents). */
  register(name: string): void {
    this.registered.add(name);
  }

  labelFor(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    if (this.registered.has(name) || this.known.has(name)) return name;
    if (this.known.size < this.max && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) {
      this.known.add(name);
      return name;
    }
    return 'other';
  }
}
