import { randomBytes } from 'node:crypto';

/** A thin v8 change-feed event (`RESTEvent`); only restore-session kinds are emitted. */
export type VeeamFeedEvent = { eventType: 'RestoreSessionUpdate'; id: string; eTag: number } | { eventType: 'RestoreSessionDelete'; id: string };

export interface ChangeFeedOptions {
  /** How many of the newest events are kept; a token older than that is refused. Default 10,000. */
  retention?: number;
  /** Whether `GET /v8/Events` is served at all (default true). */
  enabled?: boolean;
}

/** Why a `from` token cannot be used. */
export type TokenProblem = 'malformed' | 'outdated';

export type FeedPosition = { ok: true; seq: number } | { ok: false; problem: TokenProblem };

/**
 * The server-wide change feed behind `GET /v8/Events` (notes §12.1).
 *
 * Every event gets a sequence number. A change token names the last sequence number a client has
 * seen, plus this feed's epoch (random per simulator instance), encoded as an opaque string. The
 * literal `latest` is the current head: no backlog. Only the newest `retention` events are kept;
 * a token from before them (events the client would miss), from another instance (a restarted
 * server) or ahead of the head is `outdated`, and a token that does not decode is `malformed`:
 * either way the client must re-read everything and start again from `latest`.
 *
 * Long polls wait on {@link wait}; {@link close} wakes them all, and their timers are unref'd.
 */
export class ChangeFeed {
  private readonly epoch = randomBytes(6).toString('hex');
  private readonly events: Array<{ seq: number; event: VeeamFeedEvent }> = [];
  private head = 0;
  private readonly waiters = new Set<() => void>();
  private closed = false;
  private readonly retention: number;
  private isEnabled: boolean;

  constructor(options: ChangeFeedOptions = {}) {
    this.retention = Math.max(1, Math.floor(options.retention ?? 10_000));
    this.isEnabled = options.enabled ?? true;
  }

  /** Whether `GET /v8/Events` is served; when false it answers 404 so clients fall back to polling. */
  get enabled(): boolean {
    return this.isEnabled;
  }

  set enabled(value: boolean) {
    this.isEnabled = value;
    // Pending long polls re-check and answer 404 now rather than when their timeout runs out.
    if (!value) this.wakeAll();
  }

  /** Sequence number of the newest event (0 before the first). */
  get headSeq(): number {
    return this.head;
  }

  /** Long polls currently waiting for an event. */
  get waiting(): number {
    return this.waiters.size;
  }

  /** Events still retained. */
  get size(): number {
    return this.events.length;
  }

  emit(event: VeeamFeedEvent): void {
    this.head += 1;
    this.events.push({ seq: this.head, event });
    if (this.events.length > this.retention) this.events.splice(0, this.events.length - this.retention);
    this.wakeAll();
  }

  tokenFor(seq: number): string {
    return Buffer.from(`vb365-feed:${this.epoch}:${seq}`).toString('base64url');
  }

  /** The current head as a token (what `from=latest` starts at). */
  latestToken(): string {
    return this.tokenFor(this.head);
  }

  /** Resolves a `from` value to a position, or says why it cannot be used. */
  position(from: string): FeedPosition {
    if (from.toLowerCase() === 'latest') return { ok: true, seq: this.head };
    let text: string;
    try {
      text = Buffer.from(from, 'base64url').toString('utf8');
    } catch {
      return { ok: false, problem: 'malformed' };
    }
    const m = /^vb365-feed:([0-9a-f]{12}):(\d{1,15})$/.exec(text);
    if (!m || Buffer.from(text).toString('base64url') !== from) return { ok: false, problem: 'malformed' };
    const seq = Number(m[2]);
    if (m[1] !== this.epoch || seq > this.head) return { ok: false, problem: 'outdated' };
    const oldestKept = this.events.length ? this.events[0].seq : this.head + 1;
    // Events seq+1 .. oldestKept-1 are gone: the client would miss them.
    if (seq + 1 < oldestKept) return { ok: false, problem: 'outdated' };
    return { ok: true, seq };
  }

  /** Up to `limit` events after `seq`, and the sequence number to continue from. */
  read(seq: number, limit: number): { events: VeeamFeedEvent[]; nextSeq: number } {
    const start = this.events.findIndex((e) => e.seq > seq);
    if (start < 0) return { events: [], nextSeq: seq };
    const slice = this.events.slice(start, start + limit);
    return { events: slice.map((e) => e.event), nextSeq: slice[slice.length - 1].seq };
  }

  /**
   * Waits (wall-clock) until an event after `seq` exists, `timeoutMs` passes, the feed is disabled
   * or closed. Resolves true when there is something to read.
   */
  wait(seq: number, timeoutMs: number): Promise<boolean> {
    if (this.head > seq) return Promise.resolve(true);
    if (this.closed || timeoutMs <= 0 || !this.isEnabled) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        // Let events emitted in the same tick join the answer.
        setImmediate(() => resolve(this.head > seq));
      };
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      this.waiters.add(done);
    });
  }

  /** Ends every pending long poll now; later waits return at once. */
  close(): void {
    this.closed = true;
    this.wakeAll();
  }

  private wakeAll(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
