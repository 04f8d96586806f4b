import type { GatewayMetrics } from '../metrics';
import type { RestoreSessionModel } from '../model';
import type { CreatedRange, SourceConnector } from '../sources/connector';
import { compareSessions } from './order';

/** One source's session list, sorted in the contract's order, as loaded at `loadedAt`. */
export class SessionListSnapshot {
  private readonly filtered = new Map<string, RestoreSessionModel[]>();

  constructor(
    readonly sessions: readonly RestoreSessionModel[],
    readonly loadedAt: number,
  ) {}

  /** The sessions matching a predicate, computed once per snapshot and predicate. */
  select(cacheKey: string, matches: ((s: RestoreSessionModel) => boolean) | null): readonly RestoreSessionModel[] {
    if (!matches) return this.sessions;
    let list = this.filtered.get(cacheKey);
    if (!list) {
      list = this.sessions.filter(matches);
      if (this.filtered.size >= 32) this.filtered.delete(this.filtered.keys().next().value as string);
      this.filtered.set(cacheKey, list);
    }
    return list;
  }
}

interface Entry {
  snapshot?: SessionListSnapshot;
  loading?: Promise<SessionListSnapshot>;
}

const MAX_RANGE_SNAPSHOTS = 16;

/**
 * Per-source list snapshots shared by every request on this instance: at most `ttlMs` old, one
 * load in flight per source and range however many requests wait, so paging through 10,000
 * sessions reads the upstream once per TTL rather than once per page.
 */
export class SnapshotStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly metrics: GatewayMetrics,
  ) {}

  /**
   * The source's snapshot. With a range and an upstream that filters by time, a fresh full
   * snapshot is still preferred; otherwise a smaller range snapshot is loaded.
   */
  get(connector: SourceConnector, range?: CreatedRange): Promise<SessionListSnapshot> {
    const fullKey = connector.source.id;
    const now = Date.now();
    if (range && connector.filtersByCreatedRange && !this.isFresh(this.entries.get(fullKey), now)) {
      return this.load(`${fullKey}|${range.fromMs ?? ''}|${range.toMs ?? ''}`, connector, range, now);
    }
    return this.load(fullKey, connector, undefined, now);
  }

  /** Forgets a source's snapshots (after a write through the gateway). */
  invalidate(sourceId: string): void {
    for (const key of [...this.entries.keys()]) if (key === sourceId || key.startsWith(`${sourceId}|`)) this.entries.delete(key);
  }

  private isFresh(entry: Entry | undefined, now: number): boolean {
    return entry?.snapshot !== undefined && now - entry.snapshot.loadedAt < this.ttlMs;
  }

  private load(key: string, connector: SourceConnector, range: CreatedRange | undefined, now: number): Promise<SessionListSnapshot> {
    let entry = this.entries.get(key);
    if (entry && this.isFresh(entry, now)) return Promise.resolve(entry.snapshot as SessionListSnapshot);
    if (entry?.loading) return entry.loading;
    if (!entry) {
      entry = {};
      this.entries.set(key, entry);
      this.evictRanges(connector.source.id);
    }
    const target = entry;
    target.loading = connector
      .listSessions(range)
      .then((sessions) => {
        const sorted = [...sessions].sort(compareSessions);
        target.snapshot = new SessionListSnapshot(sorted, Date.now());
        this.metrics.snapshotLoads.inc({ source: connector.source.id, outcome: 'ok' });
        return target.snapshot;
      })
      .catch((err: unknown) => {
        this.metrics.snapshotLoads.inc({ source: connector.source.id, outcome: 'error' });
        // A failed load leaves nothing stale behind: the next request asks the upstream again.
        if (!target.snapshot) this.entries.delete(key);
        throw err;
      })
      .finally(() => {
        target.loading = undefined;
      });
    return target.loading;
  }

  private evictRanges(sourceId: string): void {
    const rangeKeys = [...this.entries.keys()].filter((k) => k.startsWith(`${sourceId}|`));
    for (const key of rangeKeys.slice(0, Math.max(0, rangeKeys.length - MAX_RANGE_SNAPSHOTS))) this.entries.delete(key);
  }
}
