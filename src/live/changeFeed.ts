import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger';
import { TERMINAL_STATUSES, type RestoreSessionModel } from '../model';
import type { SnapshotStore } from '../listing/snapshots';
import type { SourceConnector } from '../sources/connector';

export type ChangeKind = 'CREATED' | 'UPDATED' | 'REMOVED';

export interface ChangeEvent {
  kind: ChangeKind;
  session: RestoreSessionModel;
}

/** How replicas share change detection (Redis): one poller per source, changes fanned out to all. */
export interface ChangeBus {
  /** False when the bus could not carry it (the feed then delivers locally). */
  publish(event: ChangeEvent): Promise<boolean>;
  onEvent(listener: (event: ChangeEvent) => void): void;
  /** True while this instance holds (or just took) the right to poll the source. */
  holdLease(scope: string, holder: string, ttlMs: number): Promise<boolean>;
  releaseLease(scope: string, holder: string): Promise<void>;
}

export interface ChangeFeedOptions {
  /** Told of every poll this instance makes (metrics). */
  onPoll?: (sourceId: string) => void;
  /** Poll interval while the source has sessions that can still change. */
  activeIntervalMs: number;
  /** Poll interval while everything is terminal. */
  idleIntervalMs: number;
}

/** What a subscriber sees change: status, progress and completion. */
function fingerprint(s: RestoreSessionModel): string {
  const p = s.__typename === 'GraphRestoreSession' ? s.artifactCount : null;
  return `${s.status}|${s.completedAt?.key ?? ''}|${p ? `${p.total}/${p.completed}/${p.failed}/${p.inProgress}` : ''}|${s.__typename === 'VeeamRestoreSession' ? s.state : s.graphStatus}`;
}

/**
 * Polls each source while anyone listens, shared by every subscriber on this instance (and, with a
 * bus, by every replica: one holds a lease and polls, all receive its changes). It reads through
 * the same snapshot store, connectors, retries and breaker as queries, diffs successive lists and
 * emits only changes. It polls faster while a source has live sessions, slower when all is idle.
 */
export class ChangeFeed {
  private readonly listeners = new Set<(event: ChangeEvent) => void>();
  private readonly pollers = new Map<string, SourcePoller>();
  private readonly instanceId = randomUUID();

  constructor(
    private readonly connectors: ReadonlyMap<string, SourceConnector>,
    private readonly snapshots: SnapshotStore,
    private readonly options: ChangeFeedOptions,
    private readonly logger: Logger,
    private readonly bus?: ChangeBus,
  ) {
    bus?.onEvent((event) => this.dispatch(event));
  }

  /** Adds a listener; pollers run while at least one listener exists. Returns the unsubscribe. */
  subscribe(listener: (event: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) for (const connector of this.connectors.values()) this.start(connector);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopAll();
    };
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  close(): void {
    this.listeners.clear();
    this.stopAll();
  }

  /** Changes go through the bus when there is one (so every replica sees them once), else straight to listeners. */
  private emit(event: ChangeEvent): void {
    if (!this.bus) return this.dispatch(event);
    void this.bus.publish(event).then((carried) => {
      if (!carried) this.dispatch(event);
    });
  }

  private dispatch(event: ChangeEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  private start(connector: SourceConnector): void {
    if (this.pollers.has(connector.source.id)) return;
    const poller = new SourcePoller(connector, this.snapshots, this.options, this.logger, (e) => this.emit(e), this.bus, this.instanceId);
    this.pollers.set(connector.source.id, poller);
    poller.start();
  }

  private stopAll(): void {
    for (const poller of this.pollers.values()) poller.stop();
    this.pollers.clear();
  }
}

class SourcePoller {
  private previous: Map<string, { print: string; session: RestoreSessionModel }> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly connector: SourceConnector,
    private readonly snapshots: SnapshotStore,
    private readonly options: ChangeFeedOptions,
    private readonly logger: Logger,
    private readonly emit: (event: ChangeEvent) => void,
    private readonly bus: ChangeBus | undefined,
    private readonly instanceId: string,
  ) {}

  start(): void {
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.bus) void this.bus.releaseLease(this.connector.cacheScope, this.instanceId);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    let live = true;
    try {
      const leaseMs = this.options.idleIntervalMs * 3;
      if (this.bus && !(await this.bus.holdLease(this.connector.cacheScope, this.instanceId, leaseMs))) {
        // Another replica polls this source; its changes arrive through the bus.
        this.previous = null;
      } else {
        this.options.onPoll?.(this.connector.source.id);
        const snapshot = await this.snapshots.get(this.connector);
        live = snapshot.sessions.some((s) => !TERMINAL_STATUSES.has(s.status));
        this.diff(snapshot.sessions);
      }
    } catch (err) {
      this.logger.warn({ source: this.connector.source.id, err: (err as Error).message }, 'change poll failed');
    }
    this.schedule(live ? this.options.activeIntervalMs : this.options.idleIntervalMs);
  }

  private diff(sessions: readonly RestoreSessionModel[]): void {
    const current = new Map<string, { print: string; session: RestoreSessionModel }>();
    for (const session of sessions) current.set(session.id, { print: fingerprint(session), session });
    const previous = this.previous;
    this.previous = current;
    if (!previous) return; // the first look is the baseline
    for (const [id, now] of current) {
      const before = previous.get(id);
      if (!before) this.emit({ kind: 'CREATED', session: now.session });
      else if (before.print !== now.print) this.emit({ kind: 'UPDATED', session: now.session });
    }
    for (const [id, before] of previous) if (!current.has(id)) this.emit({ kind: 'REMOVED', session: before.session });
  }
}
