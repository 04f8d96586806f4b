import { setMaxListeners } from 'node:events';
import type { Clock } from '../clock';
import { GatewayError, sourceError } from '../errors';
import type { Logger } from '../logger';
import type { GatewayMetrics } from '../metrics';
import type { RestoreSessionModel } from '../model';
import { FeedTokenExpiredError, FeedUnavailableError, type SourceConnector } from '../upstreams/connector';
import { LogThrottle } from '../util/logThrottle';
import type { SessionIndex, SyncStatus } from './sessionIndex';

export interface SyncOptions {
  /** Least rest between list reads (incremental reads; Graph full reads rest at least as long as the last took). */
  listTtlMs: number;
  /** Sessions that can still change are read again by id this often. */
  liveIntervalMs: number;
  /** A complete read this often where removals are not announced otherwise (Veeam without the feed, and as a safety net with it). */
  reconcileIntervalMs: number;
  /** Reads of what is new start this far before the newest session held, so none is missed at equal timestamps. */
  overlapMs: number;
  /** How long one change-feed call may wait for a change. */
  feedWaitSeconds: number;
  /** Live sessions read again per interval at most; beyond it they take turns (a source with thousands of stale drafts stays cheap). */
  maxLiveReadsPerInterval: number;
}

/** Where a syncer's findings go: this replica's index, and, with Redis, every replica's. */
export interface IndexWriter {
  replaceAll(sessions: readonly RestoreSessionModel[], readAt: number): Promise<void>;
  apply(upserts: readonly RestoreSessionModel[], removals: readonly string[], readAt: number): Promise<void>;
  setStatus(status: SyncStatus): Promise<void>;
  /** The feed position a replica taking over continues from. */
  saveFeedToken(token: string | null): Promise<void>;
}

export type ReadKind = 'full' | 'incremental' | 'live' | 'feed';
type Mode = 'feed' | 'incremental' | 'full';

class Stopped extends Error {}

/**
 * Keeps one source's index current in the background, from start-up, so that no query waits for
 * an upstream list call. How depends on what the vendor offers (never on which vendor it is):
 * - a change feed: thin notifications, changed sessions read again by id, removals applied;
 *   a complete read now and then as a safety net; the feed's absence falls back to polling;
 * - a creation-time filter: what is new since the newest session held (with an overlap), live
 *   sessions read again by id, and a slow complete read to find removals;
 * - neither: complete reads that rest at least as long as the last one took (the upstream busy at
 *   most half the time), live sessions read again by id in between.
 * Driven by the injected clock; `stop()` cancels what is in flight.
 */
export class SourceSyncer {
  /** One signal for every read of the source (dozens at once: reads by id run in parallel), so no listener limit. */
  private static sharedAbort(): AbortController {
    const controller = new AbortController();
    setMaxListeners(0, controller.signal);
    return controller;
  }

  private readonly abort = SourceSyncer.sharedAbort();
  private readonly running: Array<Promise<void>> = [];
  private readonly failureLog: LogThrottle;
  private lastFull = { startedAt: null as number | null };
  private lastIncrementalStart: number | null = null;
  /** Reads in flight (the feed's long poll aside): zero means the syncer is resting. */
  private reading = 0;

  constructor(
    private readonly connector: SourceConnector,
    private readonly index: SessionIndex,
    private readonly writer: IndexWriter,
    private readonly options: SyncOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly metrics: GatewayMetrics,
    private feedToken: string | null = null,
  ) {
    this.failureLog = new LogThrottle(3, 60_000, clock);
  }

  start(): void {
    this.running.push(this.guard(this.run()));
  }

  /** True while a read (other than the feed's waiting long poll) is under way. */
  get busy(): boolean {
    return this.reading > 0;
  }

  /** Counts a read in flight for `busy`. */
  private async counted<T>(read: () => Promise<T>): Promise<T> {
    this.reading++;
    try {
      return await read();
    } finally {
      this.reading--;
    }
  }

  /** One complete read now (an operator's "refresh", a test's barrier); false when it failed. */
  async readNow(): Promise<boolean> {
    return this.readAll('full');
  }

  async stop(): Promise<void> {
    this.abort.abort(new Stopped('stopped'));
    await Promise.all(this.running);
  }

  private get signal(): AbortSignal {
    return this.abort.signal;
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  /** Loops end when stopped; anything else escaping one is a bug, logged, never a crash. */
  private async guard(loop: Promise<void>): Promise<void> {
    try {
      await loop;
    } catch (err) {
      if (this.stopped) return;
      this.logger.error({ source: this.connector.source.id, err }, 'session index sync stopped unexpectedly');
    }
  }

  private async run(): Promise<void> {
    const reader = this.connector.sessions;
    let mode: Mode = reader.changeFeed ? 'feed' : reader.readCreatedSince ? 'incremental' : 'full';
    // A new feed position is taken before the complete read, so no change in between is lost.
    const newPosition = mode === 'feed' && !this.feedToken;
    if (newPosition) {
      try {
        this.feedToken = await this.startFeed();
      } catch (err) {
        if (!(err instanceof FeedUnavailableError)) throw err;
        mode = this.noFeed(err);
      }
    }
    if (!this.index.isWarm) await this.warmUp();
    // Taking over a warm index without a feed position: what changed meanwhile is read whole.
    else if (newPosition && mode === 'feed') await this.readAll('full');
    switch (mode) {
      case 'feed':
        this.running.push(this.guard(this.reconcileLoop()));
        return this.feedLoop();
      case 'incremental':
        return this.startPolling(true);
      case 'full':
        return this.startPolling(false);
    }
  }

  /** A token at the feed's head, retried until the source answers (the feed's absence is final). */
  private async startFeed(): Promise<string> {
    const feed = this.connector.sessions.changeFeed;
    for (;;) {
      try {
        if (!feed) throw new FeedUnavailableError('no change feed');
        return await feed.head(this.signal);
      } catch (err) {
        if (err instanceof FeedUnavailableError || this.stopped) throw err;
        await this.failed('feed', err);
        await this.rest(this.options.listTtlMs);
      }
    }
  }

  private noFeed(err: Error): Mode {
    this.logger.warn({ source: this.connector.source.id, reason: err.message }, 'change feed unavailable: keeping the index current by polling instead');
    return this.connector.sessions.readCreatedSince ? 'incremental' : 'full';
  }

  private startPolling(incremental: boolean): Promise<void> {
    this.running.push(this.guard(this.liveLoop()));
    if (!incremental) return this.fullLoop();
    this.running.push(this.guard(this.reconcileLoop()));
    return this.incrementalLoop();
  }

  /** The first complete read; until it succeeds the source is WARMING (then FAILED while it keeps failing). */
  private async warmUp(): Promise<void> {
    while (!(await this.readAll('full'))) await this.rest(this.options.listTtlMs);
    this.logger.info(
      { source: this.connector.source.id, vendor: this.connector.source.vendor, sessions: this.index.size },
      'source check passed: first read finished, the index is warm',
    );
  }

  private async fullLoop(): Promise<void> {
    for (;;) {
      const startedAt = this.clock.now();
      const ok = await this.readAll('full');
      // Rest at least as long as the read took: the upstream is busy at most half of the time.
      await this.rest(ok ? Math.max(this.options.listTtlMs, this.clock.now() - startedAt) : this.options.listTtlMs);
    }
  }

  private async reconcileLoop(): Promise<void> {
    for (;;) {
      const since = this.lastFull.startedAt ?? this.index.status.lastFullReadAt ?? this.clock.now();
      await this.rest(Math.max(this.options.listTtlMs, since + this.options.reconcileIntervalMs - this.clock.now()));
      if (!(await this.readAll('full'))) await this.rest(this.options.listTtlMs);
    }
  }

  private async incrementalLoop(): Promise<void> {
    const sessions = this.connector.sessions;
    if (!sessions.readCreatedSince) return;
    for (;;) {
      await this.rest(this.options.listTtlMs);
      const startedAt = this.clock.now();
      const newest = this.index.newestCreatedAt();
      try {
        await this.counted(async () => {
          const found = await sessions.readCreatedSince?.(newest === null ? 0 : newest - this.options.overlapMs, this.signal);
          await this.writer.apply(found ?? [], [], startedAt);
        });
        this.lastIncrementalStart = startedAt;
        await this.succeeded('incremental');
      } catch (err) {
        await this.failed('incremental', err);
      }
    }
  }

  private async liveLoop(): Promise<void> {
    let turn = 0;
    for (;;) {
      await this.rest(this.options.liveIntervalMs);
      const ids = this.index.liveIds();
      if (ids.length === 0) continue;
      const cap = this.options.maxLiveReadsPerInterval;
      if (ids.length <= cap) {
        await this.readById('live', ids);
        continue;
      }
      // More live sessions than one interval may read: they take turns, each read every ceil(n / cap) intervals.
      const start = (turn * cap) % ids.length;
      turn++;
      await this.readById('live', [...ids.slice(start, start + cap), ...ids.slice(0, Math.max(0, start + cap - ids.length))]);
    }
  }

  private async feedLoop(): Promise<void> {
    const feed = this.connector.sessions.changeFeed;
    if (!feed) return;
    for (;;) {
      if (this.stopped) throw new Stopped('stopped');
      const token = this.feedToken as string;
      try {
        const { next, changes } = await feed.poll(token, this.options.feedWaitSeconds, this.signal);
        const removed = changes.filter((c) => c.kind === 'removed').map((c) => c.vendorId);
        // Thin events: only sessions whose version moved are read again.
        const stale = [
          ...new Set(
            changes.flatMap((c) => (c.kind === 'changed' && (c.revision === null || this.index.get(c.vendorId)?.revision !== c.revision) ? [c.vendorId] : [])),
          ),
        ];
        if (removed.length > 0) await this.writer.apply([], removed, this.clock.now());
        if (stale.length > 0 && !(await this.readById('feed', stale))) {
          await this.rest(this.options.listTtlMs);
          continue; // the same token again: nothing is lost
        }
        this.feedToken = next;
        await this.writer.saveFeedToken(next);
        await this.succeeded('feed');
      } catch (err) {
        if (this.stopped) throw err;
        if (err instanceof FeedTokenExpiredError) {
          this.logger.warn(
            { source: this.connector.source.id, reason: err.message },
            'change feed token expired: reading everything again from a new position',
          );
          this.feedToken = await this.startFeed();
          await this.readAll('full');
        } else if (err instanceof FeedUnavailableError) {
          this.feedToken = null;
          await this.writer.saveFeedToken(null);
          this.noFeed(err);
          return this.startPolling(!!this.connector.sessions.readCreatedSince);
        } else {
          await this.failed('feed', err);
          await this.rest(this.options.listTtlMs);
        }
      }
    }
  }

  /** A complete read into the index; false when it failed (recorded). */
  private readAll(kind: 'full'): Promise<boolean> {
    return this.counted(() => this.readAllNow(kind));
  }

  private async readAllNow(kind: 'full'): Promise<boolean> {
    const startedAt = this.clock.now();
    const firstRead = !this.index.isWarm;
    try {
      const sessions = await this.connector.sessions.readAll((loaded) => {
        if (firstRead) this.index.status = { ...this.index.status, loading: loaded };
      }, this.signal);
      await this.writer.replaceAll(sessions, startedAt);
      this.lastFull = { startedAt };
      await this.succeeded(kind);
      return true;
    } catch (err) {
      if (this.stopped) throw err;
      await this.failed(kind, err, firstRead);
      return false;
    }
  }

  /** Reads sessions again by id: gone ones leave the index. False when the read failed as a whole. */
  private readById(kind: ReadKind, ids: readonly string[]): Promise<boolean> {
    return this.counted(() => this.readByIdNow(kind, ids));
  }

  private async readByIdNow(kind: ReadKind, ids: readonly string[]): Promise<boolean> {
    const startedAt = this.clock.now();
    try {
      const results = await this.connector.sessions.readMany(ids, this.signal);
      const upserts: RestoreSessionModel[] = [];
      const removals: string[] = [];
      let errors = 0;
      results.forEach((result, i) => {
        if (result instanceof Error) errors++;
        else if (result === null) removals.push(ids[i]);
        else upserts.push(result);
      });
      await this.writer.apply(upserts, removals, startedAt);
      const firstError = results.find((r): r is Error => r instanceof Error);
      if (errors === results.length && firstError) throw firstError;
      await this.succeeded(kind);
      return errors === 0;
    } catch (err) {
      if (this.stopped) throw err;
      await this.failed(kind, err);
      return false;
    }
  }

  private async succeeded(kind: ReadKind): Promise<void> {
    this.metrics.syncReads.inc({ source: this.connector.source.id, kind, outcome: 'ok' });
    const before = this.index.status;
    if (before.state === 'FAILED' && this.index.isWarm) this.logger.info({ source: this.connector.source.id }, 'source recovered: the index is current again');
    const now = this.clock.now();
    await this.writer.setStatus({
      ...before,
      state: this.index.isWarm ? 'LIVE' : before.state,
      lastError: null,
      coveredAt: this.coveredAt(kind, now) ?? before.coveredAt,
    });
  }

  /**
   * The oldest moment the index may still describe: what the last reads covered. The feed covers
   * everything up to its answer; polling covers additions up to the last incremental read and
   * removals up to the last complete read; complete reads cover everything up to their start.
   */
  private coveredAt(kind: ReadKind, now: number): number | null {
    if (kind === 'feed') return now;
    if (kind === 'live') return null;
    const full = this.lastFull.startedAt;
    if (kind === 'incremental' && full !== null && this.lastIncrementalStart !== null) return Math.min(full, this.lastIncrementalStart);
    return full;
  }

  private async failed(kind: ReadKind, err: unknown, firstRead = false): Promise<void> {
    this.metrics.syncReads.inc({ source: this.connector.source.id, kind, outcome: 'error' });
    const error = asGatewayError(err, this.connector);
    const line = { source: this.connector.source.id, vendor: this.connector.source.vendor, kind, code: error.extensions.code, error: error.message };
    if (!(err instanceof GatewayError)) this.logger.error({ ...line, err }, 'unexpected failure while syncing a source');
    else if (firstRead && this.index.status.state === 'WARMING')
      this.logger.error(line, 'source check failed: the source is left out of answers until it recovers');
    else {
      const admitted = this.failureLog.admit();
      if (admitted) this.logger.warn({ ...line, ...admitted }, 'source sync read failed');
    }
    await this.writer.setStatus({ ...this.index.status, state: 'FAILED', lastError: error });
  }

  private async rest(ms: number): Promise<void> {
    await this.clock.sleep(ms, this.signal);
  }
}

/** A failure as the contract's error for that source; a bug in our own code is INTERNAL_SERVER_ERROR (logged), never blamed on the upstream. */
export function asGatewayError(err: unknown, connector: SourceConnector): GatewayError {
  return err instanceof GatewayError ? err : sourceError.internal(connector.source);
}
