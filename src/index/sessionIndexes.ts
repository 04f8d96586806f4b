import type { Clock, TimerHandle } from '../clock';
import { GatewayError, type ErrorCodeValue } from '../errors';
import type { Logger } from '../logger';
import type { GatewayMetrics } from '../metrics';
import type { RestoreSessionModel } from '../model';
import type { SourceConnector } from '../upstreams/connector';
import { sameData } from '../util/sameData';
import type { IndexReplication, Position, ReplicationEntry, SharedStatus } from './replication';
import { SessionIndex, type IndexChange, type SyncStatus } from './sessionIndex';
import { SourceSyncer, type IndexWriter, type SyncOptions } from './sourceSyncer';

export interface SessionIndexesOptions extends SyncOptions {
  /** How long a query waits for a source's first read before answering without it. */
  warmupWaitMs: number;
}

/** How often a replica tries for (or renews) a source's lease; the lease itself lives 10 s. */
const LEASE_CHECK_MS = 2_000;
/** Changes beyond this many are shared by rewriting the shared copy rather than inline. */
const INLINE_LIMIT = 500;

interface SourceState {
  connector: SourceConnector;
  index: SessionIndex;
  writer: IndexWriter;
  syncer: SourceSyncer | null;
  stopFollowing: (() => void) | null;
  /** The shared copy missed changes (Redis was away): rewrite it when this replica next writes. */
  sharedStale: boolean;
}

export function toSharedStatus(status: SyncStatus): SharedStatus {
  const { lastError, loading: _loading, ...rest } = status;
  return { ...rest, lastError: lastError ? { code: lastError.code, message: lastError.message, extensions: { ...lastError.extensions } } : null };
}

function fromSharedStatus(status: SharedStatus): SyncStatus {
  const error = status.lastError;
  return {
    ...status,
    loading: 0,
    lastError: error ? new GatewayError(error.code as ErrorCodeValue, error.message, error.extensions) : null,
  };
}

/**
 * Every source's session index, kept current in the background from start-up. Without Redis each
 * source is read by this replica. With Redis, one replica at a time (the lease holder) reads a
 * source and publishes what changed; every replica follows the shared change log, so queries,
 * `node` and subscriptions are served from local memory everywhere and upstream calls do not
 * grow with the number of replicas. A mutation's result is in every replica's index before the
 * mutation answers.
 */
export class SessionIndexes {
  private readonly states = new Map<string, SourceState>();
  private readonly leaseTimers = new Map<string, TimerHandle>();
  private stopped = false;

  constructor(
    connectors: ReadonlyMap<string, SourceConnector>,
    private readonly options: SessionIndexesOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly metrics: GatewayMetrics,
    private readonly replication: IndexReplication | null,
    /** Real time for the lease (it expires in Redis, by Redis's clock), even when tests drive `clock`. */
    private readonly leaseClock: Clock,
  ) {
    for (const connector of connectors.values()) {
      const index = new SessionIndex(connector.source, clock);
      const state: SourceState = { connector, index, writer: null as unknown as IndexWriter, syncer: null, stopFollowing: null, sharedStale: false };
      state.writer = this.writerFor(state);
      this.states.set(connector.source.id, state);
    }
    metrics.indexReport = () =>
      [...this.states.values()].map(({ connector, index }) => ({ source: connector.source.id, sessions: index.size, lagSeconds: this.lagSeconds(index) }));
  }

  /** Starts every source's sync (or, with Redis, loading, following and the lease). Returns at once. */
  start(): void {
    for (const state of this.states.values()) {
      if (!this.replication) this.startSyncer(state, null);
      else void this.join(state);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.leaseTimers.values()) timer.cancel();
    await Promise.all(
      [...this.states.values()].map(async (state) => {
        state.stopFollowing?.();
        const syncer = state.syncer;
        state.syncer = null;
        if (syncer) {
          await syncer.stop();
          await this.replication?.releaseLease(state.connector.cacheScope);
        }
      }),
    );
  }

  index(sourceId: string): SessionIndex | undefined {
    return this.states.get(sourceId)?.index;
  }

  /** True once every source's first read has ended, successfully or not (readiness). */
  get firstReadsDone(): boolean {
    return [...this.states.values()].every((s) => s.index.firstReadDone);
  }

  /** Resolves when the source's first read has ended, or after the warm-up wait, whichever is first. */
  async waitFirstRead(sourceId: string): Promise<void> {
    const index = this.index(sourceId);
    if (!index || index.firstReadDone) return;
    const abort = new AbortController();
    await Promise.race([index.warmed, this.clock.sleep(this.options.warmupWaitMs, abort.signal).catch(() => undefined)]);
    abort.abort();
  }

  /**
   * Reads the sources this replica syncs completely, now, and resolves when their indexes hold
   * the result (elsewhere the lease holder's reads arrive through the shared log).
   */
  async refresh(sourceId?: string): Promise<void> {
    await Promise.all(
      [...this.states.values()].filter((s) => !sourceId || s.connector.source.id === sourceId).flatMap((s) => (s.syncer ? [s.syncer.readNow()] : [])),
    );
  }

  /** True while any of this replica's syncers is reading (tests wait for quiet after moving the clock). */
  get busy(): boolean {
    return [...this.states.values()].some((s) => s.syncer?.busy);
  }

  /** Every change of every source, as this replica's index sees it. */
  onChange(listener: (changes: readonly IndexChange[]) => void): () => void {
    const stops = [...this.states.values()].map((s) => s.index.onChange(listener));
    return () => stops.forEach((stop) => stop());
  }

  /** Age in seconds of the oldest data the index may be serving; null before the first read. */
  lagSeconds(index: SessionIndex): number | null {
    const covered = index.status.coveredAt;
    return covered === null ? null : Math.max(0, (this.clock.now() - covered) / 1000);
  }

  /**
   * A write made through the gateway: in this replica's index at once and, with Redis, in every
   * live replica's before this resolves.
   */
  async recordWrite(sourceId: string, upserts: readonly RestoreSessionModel[], removals: readonly string[]): Promise<void> {
    const state = this.states.get(sourceId);
    if (!state) return;
    const changes = state.index.apply(upserts, removals, this.clock.now());
    if (!this.replication || changes.length === 0) return;
    const position = await this.publish(state, { op: 'apply', upserts: [...upserts], removals: [...removals] });
    if (position) await this.replication.awaitApplied(state.connector.cacheScope, position);
  }

  private writerFor(state: SourceState): IndexWriter {
    const { index } = state;
    return {
      replaceAll: async (sessions, readAt) => {
        const changes = index.replaceAll(sessions, readAt);
        await this.share(state, changes);
      },
      apply: async (upserts, removals, readAt) => {
        const changes = index.apply(upserts, removals, readAt);
        await this.share(state, changes);
      },
      setStatus: async (status) => {
        const before = toSharedStatus(index.status);
        index.setStatus(status);
        const after = toSharedStatus(status);
        if (this.replication && !sameData(before, after)) await this.publish(state, { op: 'status', status: after });
      },
      saveFeedToken: async (token) => {
        await this.replication?.saveFeedToken(state.connector.cacheScope, token);
      },
    };
  }

  /** Carries what changed in this replica's index to the others (inline, or as a rewrite of the shared copy). */
  private async share(state: SourceState, changes: readonly IndexChange[]): Promise<void> {
    if (!this.replication) return;
    if (state.sharedStale || changes.length > INLINE_LIMIT) {
      const position = await this.replication.replaceShared(state.connector.cacheScope, state.index.sorted(), toSharedStatus(state.index.status));
      state.sharedStale = position === null;
      return;
    }
    if (changes.length === 0) return;
    const upserts = changes.filter((c) => c.kind !== 'REMOVED').map((c) => c.session);
    const removals = changes.filter((c) => c.kind === 'REMOVED').map((c) => c.session.vendorId);
    await this.publish(state, { op: 'apply', upserts, removals });
  }

  private async publish(state: SourceState, entry: ReplicationEntry): Promise<Position | null> {
    const position = (await this.replication?.publish(state.connector.cacheScope, entry)) ?? null;
    if (!position) state.sharedStale = true;
    return position;
  }

  private startSyncer(state: SourceState, feedToken: string | null): void {
    state.syncer = new SourceSyncer(state.connector, state.index, state.writer, this.options, this.clock, this.logger, this.metrics, feedToken);
    state.syncer.start();
  }

  /** With Redis: load the shared copy (warm at once when there is one), follow the log, compete for the lease. */
  private async join(state: SourceState): Promise<void> {
    const replication = this.replication as IndexReplication;
    const scope = state.connector.cacheScope;
    const startedAt = this.leaseClock.now();
    const loaded = await replication.load(scope);
    if (this.stopped) return;
    let feedToken: string | null = null;
    if (loaded) {
      if (loaded.status?.lastFullReadAt) state.index.load(loaded.sessions, fromSharedStatus(loaded.status), loaded.hashes);
      this.logger.info(
        { source: state.connector.source.id, sessions: loaded.sessions.length, warm: state.index.isWarm, ms: this.leaseClock.now() - startedAt },
        'loaded the shared index from Redis',
      );
      feedToken = loaded.feedToken;
      this.follow(state, loaded.position);
    } else {
      // No Redis to follow: this replica reads the source itself (and shares once Redis is back).
      state.sharedStale = true;
    }
    const checkLease = async () => {
      if (this.stopped) return;
      try {
        const holder = await replication.holdLease(scope);
        if (holder && !state.syncer && !this.stopped) {
          this.logger.info({ source: state.connector.source.id, replica: replication.replicaId }, 'this replica now reads the source (lease taken)');
          // Every published change updated the shared copy and the log atomically, so what this replica
          // followed is what Redis holds: no rewrite, unless it missed changes (sharedStale).
          this.startSyncer(state, (await replication.loadFeedToken(scope)) ?? feedToken);
        } else if (!holder && state.syncer) {
          this.logger.info({ source: state.connector.source.id }, 'another replica reads the source now (lease lost)');
          const syncer = state.syncer;
          state.syncer = null;
          await syncer.stop();
        }
        if (!state.stopFollowing && !this.stopped) {
          // Not following (Redis was away at start, or entries were lost): load again, then follow.
          const again = await replication.load(scope);
          if (again) {
            if (!state.syncer && again.status?.lastFullReadAt) state.index.load(again.sessions, fromSharedStatus(again.status), again.hashes);
            feedToken = again.feedToken ?? feedToken;
            this.follow(state, again.position);
          }
        }
      } catch (err) {
        this.logger.warn({ source: state.connector.source.id, err: (err as Error).message }, 'lease check failed');
      }
      if (!this.stopped)
        this.leaseTimers.set(
          scope,
          this.leaseClock.schedule(LEASE_CHECK_MS, () => void checkLease()),
        );
    };
    await checkLease();
  }

  private follow(state: SourceState, from: Position): void {
    const replication = this.replication as IndexReplication;
    const scope = state.connector.cacheScope;
    state.stopFollowing = replication.follow(
      scope,
      from,
      async (entry) => {
        switch (entry.op) {
          case 'apply':
            // Ordered by the log: applied as it comes (the writer already resolved which copy is newer).
            state.index.apply(entry.upserts, entry.removals, Number.POSITIVE_INFINITY);
            break;
          case 'status':
            state.index.setStatus({ ...fromSharedStatus(entry.status), loading: state.index.status.loading });
            break;
          case 'reload': {
            if (state.syncer) break; // the holder wrote it from its own index
            const loaded = await replication.load(scope);
            if (loaded?.status) state.index.load(loaded.sessions, fromSharedStatus(loaded.status), loaded.hashes);
            break;
          }
        }
      },
      () => {
        // Entries were lost (trimmed while this replica was away): load the shared copy again.
        state.stopFollowing?.();
        state.stopFollowing = null;
      },
    );
  }
}
