import type { Clock, TimerHandle } from '../clock';
import type { Logger } from '../logger';
import type { ProgressModel } from '../model';
import type { SourceConnector } from '../upstreams/connector';
import { sameData } from '../util/sameData';

interface Watch {
  listeners: Set<(progress: ProgressModel | null) => void>;
  last: ProgressModel | null | undefined;
  timer: TimerHandle | null;
}

/**
 * Progress that is not part of a session record (Veeam v8 `/Statistics`) changes without the
 * session changing, so the index cannot see it. While someone subscribes to a session's progress,
 * it is read every live interval (one read per session however many subscribe) and each change is
 * passed on; nobody subscribing costs nothing.
 */
export class ProgressWatchers {
  private readonly watches = new Map<string, Watch>();

  constructor(
    private readonly connectors: ReadonlyMap<string, SourceConnector>,
    private readonly intervalMs: number,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Null when the source keeps progress in the record (nothing to watch). Otherwise the stop function. */
  watch(sourceId: string, vendorId: string, onProgress: (progress: ProgressModel | null) => void): (() => void) | null {
    const connector = this.connectors.get(sourceId);
    const read = connector?.sessions.readProgress?.bind(connector.sessions);
    if (!read) return null;
    const key = `${sourceId}\n${vendorId.toLowerCase()}`;
    let watch = this.watches.get(key);
    if (!watch) {
      const created: Watch = { listeners: new Set(), last: undefined, timer: null };
      this.watches.set(key, created);
      const tick = async () => {
        try {
          const progress = await read(vendorId, true);
          if (created.last === undefined || !sameData(created.last, progress)) {
            created.last = progress;
            for (const listener of [...created.listeners]) listener(progress);
          }
        } catch (err) {
          this.logger.debug({ source: sourceId, vendorId, err: (err as Error).message }, 'progress read failed');
        }
        if (this.watches.get(key) === created) created.timer = this.clock.schedule(this.intervalMs, () => void tick());
      };
      created.timer = this.clock.schedule(this.intervalMs, () => void tick());
      watch = created;
    }
    const listeners = watch.listeners;
    listeners.add(onProgress);
    return () => {
      listeners.delete(onProgress);
      const current = this.watches.get(key);
      if (current && current.listeners.size === 0) {
        current.timer?.cancel();
        this.watches.delete(key);
      }
    };
  }

  close(): void {
    for (const watch of this.watches.values()) watch.timer?.cancel();
    this.watches.clear();
  }
}
