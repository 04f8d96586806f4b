import type { RestoreSessionModel } from '../model';
import type { ContentHash } from '../util/contentDigest';
import type { SyncStatus } from './sessionIndex';

/** One published change of a source's shared index, in the order every replica applies it. */
export type ReplicationEntry =
  | { op: 'apply'; upserts: RestoreSessionModel[]; removals: string[] }
  /** Too much changed to carry inline (a first read): the shared copy was rewritten, load it. */
  | { op: 'reload' }
  | { op: 'status'; status: SharedStatus };

/** SyncStatus as it travels between replicas (the error as its code and message). */
export interface SharedStatus extends Omit<SyncStatus, 'lastError' | 'loading'> {
  lastError: { code: string; message: string; extensions: Record<string, unknown> } | null;
}

/** What a replica joining late (or restarting) reads to be warm at once. */
export interface SharedIndexState {
  sessions: RestoreSessionModel[];
  /** Each session's content hash, in `sessions` order, where the store could compute it from what it holds. */
  hashes?: ContentHash[];
  status: SharedStatus | null;
  feedToken: string | null;
  /** Where to follow the change log from. */
  position: Position;
}

export interface Position {
  /** The log entry's id (Redis stream id). */
  id: string;
  /** Contiguous sequence number: a gap means entries were lost, so the replica loads again. */
  seq: number;
}

/**
 * How replicas share one index per source: a lease decides which replica reads the upstream,
 * the shared copy lets a (re)starting replica be warm at once, and an ordered change log brings
 * every change to every replica exactly once. With no Redis there is no replication: this
 * replica reads every source itself.
 */
export interface IndexReplication {
  readonly replicaId: string;
  /** True while this replica holds (or just took) the right to read the source's upstream. */
  holdLease(scope: string): Promise<boolean>;
  releaseLease(scope: string): Promise<void>;
  load(scope: string): Promise<SharedIndexState | null>;
  /** Rewrites the whole shared copy (after a first read, a takeover, or a Redis outage). */
  replaceShared(scope: string, sessions: readonly RestoreSessionModel[], status: SharedStatus | null): Promise<Position | null>;
  /** Publishes one change; null when it could not be carried (Redis down): the caller marks the shared copy stale. */
  publish(scope: string, entry: ReplicationEntry): Promise<Position | null>;
  saveFeedToken(scope: string, token: string | null): Promise<void>;
  /** The feed position the holder saved last (a replica taking over continues from it). */
  loadFeedToken(scope: string): Promise<string | null>;
  /** Resolves once every live replica has applied `position` (bounded wait). */
  awaitApplied(scope: string, position: Position): Promise<void>;
  /** Follows the log from `from`, in order; `onGap` when entries were lost (load again). Returns the stop function. */
  follow(scope: string, from: Position, onEntry: (entry: ReplicationEntry, position: Position) => Promise<void> | void, onGap: () => void): () => void;
  close(): Promise<void>;
}
