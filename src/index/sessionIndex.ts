import type { Clock } from '../clock';
import type { GatewayError } from '../errors';
import type { RestoreSessionModel, SourceModel } from '../model';
import { compareSessions } from '../listing/order';
import { ContentDigest, type ContentHash } from '../util/contentDigest';
import { sameData } from '../util/sameData';

export type SyncStateValue = 'WARMING' | 'LIVE' | 'FAILED';

export type IndexChangeKind = 'CREATED' | 'UPDATED' | 'REMOVED';

export interface IndexChange {
  kind: IndexChangeKind;
  /** For REMOVED, the session as it was last held. */
  session: RestoreSessionModel;
  /** For UPDATED, the session as it was before (subscribers with a filter see sessions enter and leave it). */
  previous?: RestoreSessionModel;
}

/** Where a source's index stands: what `Source.sync` and `/readyz` show. */
export interface SyncStatus {
  state: SyncStateValue;
  /** End of the last complete read of the source's list (ms). */
  lastFullReadAt: number | null;
  /** Last time the index changed (ms). */
  lastChangeAt: number | null;
  /** The oldest moment the index may still be describing (ms): its data is at least this fresh. */
  coveredAt: number | null;
  /** Why the latest read failed (null while LIVE). */
  lastError: GatewayError | null;
  /** Sessions loaded so far by a first read still under way. */
  loading: number;
}

interface Entry {
  session: RestoreSessionModel;
  /** When this entry last changed, by the index's clock: older reads never overwrite newer data. */
  updatedAt: number;
  /** The session's share of the content digest. */
  hash: ContentHash;
}

const key = (vendorId: string) => vendorId.toLowerCase();

/**
 * One source's sessions, kept current in the background by its syncer (or, on a replica that
 * does not hold the source's lease, by what the holder publishes). Queries read it without ever
 * waiting for an upstream: the sorted view and anything derived from it (a filtered list, counts)
 * are computed once per version. Every real change is announced once to listeners (subscriptions).
 */
export class SessionIndex {
  private readonly entries = new Map<string, Entry>();
  private sortedView: readonly RestoreSessionModel[] | null = null;
  private readonly derived = new Map<string, unknown>();
  private readonly listeners = new Set<(changes: readonly IndexChange[]) => void>();
  private warmedResolve!: () => void;
  /** Settles when the first read has ended, successfully or not. */
  readonly warmed: Promise<void>;
  private firstReadEnded = false;
  /** Bumped on every change: anything derived from the index is valid for one version. */
  version = 0;
  private readonly digest = new ContentDigest();
  status: SyncStatus = { state: 'WARMING', lastFullReadAt: null, lastChangeAt: null, coveredAt: null, lastError: null, loading: 0 };

  constructor(
    readonly source: SourceModel,
    private readonly clock: Clock,
  ) {
    this.warmed = new Promise((resolve) => (this.warmedResolve = resolve));
  }

  get size(): number {
    return this.entries.size;
  }

  /** True once a complete read has filled the index (later failures do not empty it). */
  get isWarm(): boolean {
    return this.status.lastFullReadAt !== null;
  }

  /**
   * Names what the index answers with now, the same on every replica holding the same sessions in
   * the same state: its sync state, its size and a digest of its sessions. Answers computed from
   * the index are cached under it (`cache/responseCache.ts`).
   */
  get contentVersion(): string {
    return `${this.status.state}:${this.entries.size}:${this.digest.toString()}`;
  }

  get(vendorId: string): RestoreSessionModel | null {
    return this.entries.get(key(vendorId))?.session ?? null;
  }

  /** Every session in the contract's order (createdAt descending, then id), computed once per version. */
  sorted(): readonly RestoreSessionModel[] {
    this.sortedView ??= [...this.entries.values()].map((e) => e.session).sort(compareSessions);
    return this.sortedView;
  }

  /** Anything derived from this version of the index (a filtered list, counts), computed once. */
  memo<T>(memoKey: string, compute: () => T): T {
    if (this.derived.has(memoKey)) return this.derived.get(memoKey) as T;
    const value = compute();
    if (this.derived.size >= 64) this.derived.delete(this.derived.keys().next().value as string);
    this.derived.set(memoKey, value);
    return value;
  }

  /** Ids of the sessions that can still change (DRAFT, ACTIVATING, RUNNING). */
  liveIds(): string[] {
    const ids: string[] = [];
    for (const { session } of this.entries.values())
      if (session.status === 'DRAFT' || session.status === 'ACTIVATING' || session.status === 'RUNNING') ids.push(session.vendorId);
    return ids;
  }

  /** The newest createdAt held (ms), for reads of what is new since. */
  newestCreatedAt(): number | null {
    let newest: number | null = null;
    for (const { session } of this.entries.values())
      if (session.createdAt && (newest === null || session.createdAt.epochMs > newest)) newest = session.createdAt.epochMs;
    return newest;
  }

  onChange(listener: (changes: readonly IndexChange[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Applies sessions read at `readAt` and ids found gone. A session that changed in the index
   * after `readAt` (a mutation's answer, a later read) is not overwritten by this older copy.
   */
  apply(upserts: readonly RestoreSessionModel[], removals: readonly string[], readAt = this.clock.now()): IndexChange[] {
    const changes: IndexChange[] = [];
    const now = this.clock.now();
    for (const session of upserts) {
      const k = key(session.vendorId);
      const entry = this.entries.get(k);
      if (entry && entry.updatedAt > readAt) continue;
      if (entry && sameData(entry.session, session)) continue;
      if (entry) this.digest.remove(entry.hash);
      const hash = ContentDigest.hashOf(session);
      this.digest.add(hash);
      this.entries.set(k, { session, updatedAt: now, hash });
      changes.push(entry ? { kind: 'UPDATED', session, previous: entry.session } : { kind: 'CREATED', session });
    }
    for (const vendorId of removals) {
      const k = key(vendorId);
      const entry = this.entries.get(k);
      if (!entry) continue;
      this.entries.delete(k);
      this.digest.remove(entry.hash);
      changes.push({ kind: 'REMOVED', session: entry.session });
    }
    this.changed(changes);
    return changes;
  }

  /**
   * Makes the index what a complete read started at `readAt` found: new and changed sessions in,
   * sessions it no longer lists out, except those the index learnt about after the read began.
   */
  replaceAll(sessions: readonly RestoreSessionModel[], readAt: number): IndexChange[] {
    const listed = new Set(sessions.map((s) => key(s.vendorId)));
    const gone: string[] = [];
    for (const [k, entry] of this.entries) if (!listed.has(k) && entry.updatedAt <= readAt) gone.push(entry.session.vendorId);
    const changes = this.apply(sessions, gone, readAt);
    this.setStatus({ ...this.status, lastFullReadAt: this.clock.now(), loading: 0 });
    return changes;
  }

  /**
   * Replaces the content wholesale with what another replica holds (no change events: it is a
   * load, not news). `hashes`, when given, are the sessions' content hashes in the same order
   * (computed from the stored bytes, which saves hashing 20,000 sessions again on a restart).
   */
  load(sessions: readonly RestoreSessionModel[], status: SyncStatus, hashes?: readonly ContentHash[]): void {
    const now = this.clock.now();
    this.entries.clear();
    this.digest.clear();
    for (const [i, session] of sessions.entries()) {
      const hash = hashes?.[i] ?? ContentDigest.hashOf(session);
      this.digest.add(hash);
      this.entries.set(key(session.vendorId), { session, updatedAt: now, hash });
    }
    this.bump();
    this.setStatus(status);
  }

  setStatus(status: SyncStatus): void {
    this.status = status;
    if (!this.firstReadEnded && (status.lastFullReadAt !== null || status.state === 'FAILED')) {
      this.firstReadEnded = true;
      this.warmedResolve();
    }
  }

  /** Whether the first read has ended (successfully or not). */
  get firstReadDone(): boolean {
    return this.firstReadEnded;
  }

  private changed(changes: readonly IndexChange[]): void {
    if (changes.length === 0) return;
    this.bump();
    this.status = { ...this.status, lastChangeAt: this.clock.now() };
    for (const listener of [...this.listeners]) listener(changes);
  }

  private bump(): void {
    this.version++;
    this.sortedView = null;
    this.derived.clear();
  }
}
