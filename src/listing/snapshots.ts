import type { GatewayMetrics } from '../metrics';
import type { RestoreSessionModel } from '../model';
import type { CreatedRange, SourceConnector } from '../sources/connector';
import { compareSessions } from './order';

/** One source's session list, sorted in the contract's order, as loaded at `loadedAt`. */
export class SessionListSnapshot {
  private readonly derived = new Map<string, unknown>();

  constructor(
    readonly sessions: readonly RestoreSessionModel[],
    readonly loadedAt: number,
  ) {}

  /** The sessions matching a predicate, computed once per snapshot and predicate. */
  select(cacheKey: string, matches: ((s: RestoreSessionModel) => boolean) | null): readonly RestoreSessionModel[] {
    if (!matches) return this.sessions;
    return this.memo(`select:${cacheKey}`, () => this.sessions.filter(matches));
  }

  /** Anything derived from this snapshot (a filtered list, counts), computed once. */
  memo<T>(key: string, compute: () => T): T {
    if (this.derived.has(key)) return this.derived.get(key) as T;
    const value = compute();
    if (this.derived.size >= 64) this.derived.delete(this.derived.keys().next().value as string);
    this.derived.set(key, value);
    return value;
  }
}

/** Full-list snapshots shared between replicas (Redis); absent for a single in-memory gateway. */
export interface SharedSnapshots {
  read(scope: string): Promise<{ loadedAt: number; sessions: RestoreSessionModel[] } | undefined>;
  write(scope: string, snapshot: { loadedAt: number; sessions: readonly RestoreSessionModel[] }, ttlMs: number): Promise<void>;
  /** Deletes the shared copy and tells every replica to drop its own. */
  invalidate(scope: string): Promise<void>;
  onInvalidate(listener: (scope: string) => void): void;
}

interface Entry {
  snapshot?: SessionListSnapshot;
  loading?: Promise<SessionListSnapshot>;
}

const MAX_RANGE_SNAPSHOTS = 16;

/**
 * Per-source list snapshots shared by every request on this instance (and, with Redis, by every
 * replica): at most `ttlMs` old, one load in flight per source and range however many requests
 * wait, so paging through 10,000 sessions reads the upstream once per TTL, not once per page.
 */
export class SnapshotStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly metrics: GatewayMetrics,
    private readonly shared?: SharedSnapshots,
  ) {
    shared?.onInvalidate((scope) => this.dropLocal(scope));
  }

  /**
   * The source's snapshot. With a range and an upstream that filters by time, a fresh full
   * snapshot is still preferred; otherwise a smaller range snapshot is loaded (kept locally).
   */
  get(connector: SourceConnector, range?: CreatedRange): Promise<SessionListSnapshot> {
    const fullKey = connector.cacheScope;
    const now = Date.now();
    if (range && connector.filtersByCreatedRange && !this.isFresh(this.entries.get(fullKey), now)) {
      return this.load(`${fullKey}|${range.fromMs ?? ''}|${range.toMs ?? ''}`, connector, range, now);
    }
    return this.load(fullKey, connector, undefined, now);
  }

  /** Forgets a source's snapshots after a write through the gateway, here and on every replica. */
  async invalidate(connector: SourceConnector): Promise<void> {
    this.dropLocal(connector.cacheScope);
    await this.shared?.invalidate(connector.cacheScope);
  }

  private dropLocal(scope: string): void {
    for (const key of [...this.entries.keys()]) if (key === scope || key.startsWith(`${scope}|`)) this.entries.delete(key);
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
      this.evictRanges(connector.cacheScope);
    }
    const target = entry;
    target.loading = this.fetch(connector, range)
      .then((snapshot) => {
        // Dropped while loading (a write invalidated it): serve this answer, keep nothing stale.
        if (this.entries.get(key) === target) target.snapshot = snapshot;
        return snapshot;
      })
      .catch((err: unknown) => {
        // A failed load leaves nothing stale behind: the next request asks the upstream again.
        if (!target.snapshot) this.entries.delete(key);
        throw err;
      })
      .finally(() => {
        target.loading = undefined;
      });
    return target.loading;
  }

  private async fetch(connector: SourceConnector, range: CreatedRange | undefined): Promise<SessionListSnapshot> {
    const source = connector.source.id;
    if (!range && this.shared) {
      const copy = await this.shared.read(connector.cacheScope);
      if (copy && Date.now() - copy.loadedAt < this.ttlMs) {
        this.metrics.cacheRequests.inc({ cache: 'snapshot', result: 'hit' });
        return new SessionListSnapshot(copy.sessions, copy.loadedAt);
      }
      this.metrics.cacheRequests.inc({ cache: 'snapshot', result: 'miss' });
    }
    try {
      const sessions = await connector.listSessions(range);
      const snapshot = new SessionListSnapshot([...sessions].sort(compareSessions), Date.now());
      this.metrics.snapshotLoads.inc({ source, outcome: 'ok' });
      if (!range && this.shared) await this.shared.write(connector.cacheScope, snapshot, this.ttlMs);
      return snapshot;
    } catch (err) {
      this.metrics.snapshotLoads.inc({ source, outcome: 'error' });
      throw err;
    }
  }

  private evictRanges(scope: string): void {
    const rangeKeys = [...this.entries.keys()].filter((k) => k.startsWith(`${scope}|`));
    for (const key of rangeKeys.slice(0, Math.max(0, rangeKeys.length - MAX_RANGE_SNAPSHOTS))) this.entries.delete(key);
  }
}
