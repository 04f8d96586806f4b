import type { RestoreSessionModel, SourceModel } from '../model';
import type { SourceHealthTracker } from './health';

/** A time range pushed down to an upstream that can filter by creation time. */
export interface CreatedRange {
  /** Inclusive, ms since the epoch. */
  fromMs?: number;
  /** Exclusive, ms since the epoch. */
  toMs?: number;
}

/** What every upstream connector offers the listing, whatever its vendor. */
export interface SourceConnector {
  readonly source: SourceModel;
  readonly health: SourceHealthTracker;
  /** Names this source and the credentials it uses, for cache keys. */
  readonly cacheScope: string;
  /** True when `listSessions(range)` asks the upstream to filter by creation time. */
  readonly filtersByCreatedRange: boolean;
  /** Every session the source holds (in the range, when given), following the upstream's paging. */
  listSessions(range?: CreatedRange): Promise<RestoreSessionModel[]>;
  /** A token and one small read: does the source accept the gateway and answer? Throws its error if not. */
  probe(): Promise<void>;
  close(): Promise<void>;
}
