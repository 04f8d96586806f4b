/** Veeam VB365 REST wire shapes (v6 with the v7/v8 additions the gateway reads). */

export interface VeeamRestoreSessionDto {
  id: string;
  name?: string | null;
  organization?: string | null;
  type?: string | null;
  creationTime?: string | null;
  endTime?: string | null;
  state?: string | null;
  result?: string | null;
  initiatedBy?: string | null;
  details?: string | null;
  scopeName?: string | null;
  clientHost?: string | null;
  reason?: string | null;
  /** v8: the session's version, bumped when it is modified. */
  eTag?: number | string | null;
}

/** v8 `/Events` answer: thin notifications and the token to resume from. */
export interface VeeamEventsPage {
  nextChangeToken?: string;
  results?: Array<{ eventType?: unknown; id?: unknown; eTag?: unknown }>;
}

export interface VeeamPage<T> {
  offset: number;
  limit: number;
  results: T[];
  totalCount?: number | null;
  _links?: Record<string, { href?: string }>;
}

export interface VeeamEventDto {
  id: string;
  type?: string | null;
  status?: string | null;
  startTime?: string | null;
  endTime?: string | null;
  duration?: string | null;
  title?: string | null;
  message?: string | null;
  itemName?: string | null;
  order?: number | null;
}

export interface VeeamOrganizationDto {
  id?: string | null;
  name?: string | null;
  type?: string | null;
}

export interface VeeamStatisticsDto {
  totalItemsCount?: number;
  restoredItemsCount?: number;
  failedItemsCount?: number;
  skippedItemsCount?: number;
}
