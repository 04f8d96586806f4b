import type { DashboardSessionChangedSubscription, DashboardSessionsQuery, RestoreSessionFilter, RestoreSessionStatus, Vendor, Workload } from './gql/graphql';

export type SessionRow = DashboardSessionsQuery['restoreSessions']['nodes'][number];
export type SessionChange = DashboardSessionChangedSubscription['restoreSessionChanged'];

export const STATUSES: RestoreSessionStatus[] = ['DRAFT', 'ACTIVATING', 'RUNNING', 'COMPLETED', 'COMPLETED_WITH_ISSUES', 'FAILED', 'UNKNOWN'];
export const VENDORS: Vendor[] = ['MICROSOFT_GRAPH', 'VEEAM'];
export const WORKLOADS: Workload[] = ['EXCHANGE', 'ONEDRIVE', 'SHAREPOINT', 'TEAMS'];

/** What the filter bar holds: one value per field, '' for any. */
export interface Filters {
  status: RestoreSessionStatus | '';
  vendor: Vendor | '';
  workload: Workload | '';
  search: string;
}

export const NO_FILTERS: Filters = { status: '', vendor: '', workload: '', search: '' };

export function toFilterInput(f: Filters): RestoreSessionFilter | undefined {
  const input: RestoreSessionFilter = {};
  if (f.status) input.statuses = [f.status];
  if (f.vendor) input.vendors = [f.vendor];
  if (f.workload) input.workloads = [f.workload];
  if (f.search.trim()) input.search = f.search.trim();
  return Object.keys(input).length ? input : undefined;
}

/**
 * The subscription's filter: everything but the status. A session whose status leaves the
 * filter is still heard (and leaves the table); the status is matched here, with {@link matchesStatus}.
 */
export function toChangeFilterInput(f: Filters): RestoreSessionFilter | undefined {
  return toFilterInput({ ...f, status: '' });
}

export const matchesStatus = (f: Filters, s: { status: RestoreSessionStatus }) => !f.status || f.status === s.status;

/** The gateway's order: createdAt descending (no createdAt last), then id ascending. */
export function compareSessions(a: SessionRow, b: SessionRow): number {
  if (a.createdAt !== b.createdAt) {
    if (!a.createdAt) return 1;
    if (!b.createdAt) return -1;
    // DateTime is always UTC with milliseconds (…T10:00:00.123Z): text order is time order.
    return a.createdAt < b.createdAt ? 1 : -1;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export interface Page {
  rows: SessionRow[];
  totalCount: number;
  /** A session newer than the first row belongs on this page (it is the first page). */
  isFirstPage: boolean;
  /** A session older than the last row belongs on a later page. */
  hasNextPage: boolean;
}

/**
 * Applies live changes to a page in order: a changed row is replaced, a session that left the
 * filter or was removed disappears, a new matching session is inserted where the order puts it,
 * if that is on this page. `totalCount` follows as far as the changes tell (a background refresh
 * makes it exact).
 */
export function applyChanges(page: Page, changes: readonly SessionChange[], filters: Filters): Page {
  let { rows, totalCount } = page;
  for (const { kind, session } of changes) {
    const at = rows.findIndex((r) => r.id === session.id);
    const matches = kind !== 'REMOVED' && matchesStatus(filters, session);
    if (at >= 0) {
      rows = matches ? rows.map((r, i) => (i === at ? session : r)) : rows.filter((_, i) => i !== at);
      if (!matches) totalCount -= 1;
      continue;
    }
    if (kind === 'REMOVED') {
      if (matchesStatus(filters, session)) totalCount = Math.max(0, totalCount - 1);
      continue;
    }
    if (!matches) continue;
    if (kind === 'CREATED') totalCount += 1;
    const position = rows.findIndex((r) => compareSessions(session, r) < 0);
    const insertAt = position === -1 ? rows.length : position;
    if (insertAt === 0 && !page.isFirstPage) continue;
    if (insertAt === rows.length && page.hasNextPage) continue;
    rows = [...rows.slice(0, insertAt), session, ...rows.slice(insertAt)];
  }
  return { ...page, rows, totalCount };
}

/** "RUNNING" → "Running", "COMPLETED_WITH_ISSUES" → "Completed with issues". */
export function label(value: string): string {
  const words = value.toLowerCase().replace(/_/g, ' ');
  return words === 'microsoft graph' ? 'Microsoft Graph' : words.charAt(0).toUpperCase() + words.slice(1);
}

export function sessionTitle(s: SessionRow): string {
  if (s.__typename === 'VeeamRestoreSession') return s.name || s.organizationName || 'Veeam restore session';
  return s.initiatedBy ? `Restore by ${s.initiatedBy}` : 'Graph restore session';
}
