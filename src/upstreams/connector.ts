import type { ProgressModel, RestoreSessionModel, RestoreSessionStatusValue, SourceModel } from '../model';
import type { SourceDiscovery } from './discovery';
import type { SourceHealthTracker } from './health';

/** What an upstream write came to, before the gateway turns it into a payload or a contract error. */
export type WriteOutcome<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'notFound' }
  /** The upstream refused the action in this state (Graph RestoreSessionActionNotAllowed, Veeam 400). */
  | { kind: 'refused'; upstreamStatus: number; upstreamCode?: string };

/** A change the vendor's feed reports: thin, so changed sessions are read again by id. */
export type FeedChange = { kind: 'changed'; vendorId: string; revision: string | null } | { kind: 'removed'; vendorId: string };

/** The server has no change feed (an older server, or it is switched off): poll instead. */
export class FeedUnavailableError extends Error {}
/** The feed no longer knows the token (too old, or the server restarted): read everything, start again at the head. */
export class FeedTokenExpiredError extends Error {}

/** A vendor's server-wide change feed (Veeam v8 `/Events`). */
export interface ChangeFeedReader {
  /** A token at the feed's head: no backlog. */
  head(signal?: AbortSignal): Promise<string>;
  /** Changes after `token`, waiting up to `waitSeconds` for one to appear. */
  poll(token: string, waitSeconds: number, signal?: AbortSignal): Promise<{ next: string; changes: FeedChange[] }>;
}

/** How the session index reads a source, in the ways its vendor allows. */
export interface SessionReader {
  /** Every session, following the upstream's paging; `onProgress` hears the running count. */
  readAll(onProgress?: (loaded: number) => void, signal?: AbortSignal): Promise<RestoreSessionModel[]>;
  /** Sessions by id in key order: the session, null when the upstream does not know it, or an Error for that id. */
  readMany(vendorIds: readonly string[], signal?: AbortSignal): Promise<Array<RestoreSessionModel | null | Error>>;
  /** Sessions created at or after `fromMs` (an upstream time filter); absent when the vendor has none. */
  readCreatedSince?(fromMs: number, signal?: AbortSignal): Promise<RestoreSessionModel[]>;
  /** Present when the vendor (and, at run time, the server) has a change feed. */
  readonly changeFeed?: ChangeFeedReader;
  /** Progress kept apart from the session record (Veeam v8 `/Statistics`); absent when progress is in the record or unknown. */
  readProgress?(vendorId: string, running: boolean): Promise<ProgressModel | null>;
}

/** A vendor-neutral action on an existing session, where the vendor has it. */
export interface SessionAction {
  /** The statuses the action is allowed in. */
  allowedIn: ReadonlySet<RestoreSessionStatusValue>;
  /** Performs it; the session as it is afterwards (null once deleted). */
  run(session: RestoreSessionModel): Promise<WriteOutcome<RestoreSessionModel | null>>;
}

export type SessionActionName = 'activate' | 'delete' | 'stop';

/**
 * One configured upstream, whatever its vendor: everything the index, the loaders and the
 * mutations need goes through this seam, so nothing outside `src/upstreams/` asks which vendor
 * a source is.
 */
export interface SourceConnector {
  readonly source: SourceModel;
  readonly health: SourceHealthTracker;
  /** Names this source and the credentials it uses, for cache and index keys. */
  readonly cacheScope: string;
  readonly sessions: SessionReader;
  /** Actions on existing sessions this vendor supports. */
  readonly actions: Partial<Record<SessionActionName, SessionAction>>;
  /** Why this vendor has no such action, in words for an INVALID_STATE answer. */
  explainUnsupported(action: SessionActionName): string;
  /** What the source protects and its restore points; absent for a vendor without discovery. */
  readonly discovery?: SourceDiscovery;
  close(): Promise<void>;
}
