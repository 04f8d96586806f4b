export interface RequestLogEntry {
  at: string;
  method: string;
  url: string;
  route: string;
  status: number;
  /** True for a request that arrived inside a Graph `$batch`. */
  batchItem: boolean;
  durationMs: number;
  /** The W3C trace context the client sent, if any. */
  traceparent?: string;
}

/**
 * Exact per-route request counts and a bounded request log. Routes are named by their pattern
 * (`GET /v6/RestoreSessions/{id}`), so a test can assert how often an upstream operation ran.
 */
export class RequestCounters {
  private readonly byRoute = new Map<string, number>();
  private readonly log: RequestLogEntry[] = [];

  constructor(private readonly logLimit = 5000) {}

  record(entry: RequestLogEntry): void {
    const key = entry.batchItem ? `$batch> ${entry.route}` : entry.route;
    this.byRoute.set(key, (this.byRoute.get(key) ?? 0) + 1);
    this.log.push(entry);
    if (this.log.length > this.logLimit) this.log.splice(0, this.log.length - this.logLimit);
  }

  /** Count for one route name; `$batch> ` prefixed names count requests inside batches. */
  count(route: string): number {
    return this.byRoute.get(route) ?? 0;
  }

  /** Sum over every route, HTTP requests only (not items inside batches). */
  total(): number {
    let sum = 0;
    for (const [route, n] of this.byRoute) if (!route.startsWith('$batch> ')) sum += n;
    return sum;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.byRoute.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  requests(): RequestLogEntry[] {
    return [...this.log];
  }

  reset(): void {
    this.byRoute.clear();
    this.log.length = 0;
  }
}
