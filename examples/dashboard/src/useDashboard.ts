import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useClient, useQuery, type CombinedError } from 'urql';
import { onEnd, pipe, subscribe } from 'wonka';
import { OverviewQuery, SessionChangedSubscription, SessionsQuery } from './documents';
import type { DashboardOverviewQuery } from './gql/graphql';
import { useConnectionCount } from './liveStatus';
import { applyChanges, toChangeFilterInput, toFilterInput, type Filters, type Page, type SessionChange } from './sessions';

export interface TimedChange extends SessionChange {
  /** When it arrived (Date.now()). */
  at: number;
  seq: number;
}

export interface Dashboard {
  page: Page | null;
  overview: DashboardOverviewQuery | undefined;
  fetching: boolean;
  errors: Array<CombinedError | undefined>;
  /** The latest live changes, newest first. */
  changes: TimedChange[];
  endCursor: string | null;
  refresh: () => void;
}

const KEEP_CHANGES = 50;
/** After live changes, counts and the page are asked again this much later, coalesced... */
const SETTLE_MS = 1000;
/** ...and at most once in this long, however busy the sources are. */
const MIN_REFRESH_GAP_MS = 5000;
/** A subscription the gateway ended (or refused) is started again after this, doubling up to a minute. */
const RESTART_MIN_MS = 2000;
const RESTART_MAX_MS = 60_000;

/**
 * The sessions page (keyset paging: `after` is the previous page's endCursor), stats and
 * sources, kept current by `restoreSessionChanged`: changes apply to the page at once, and a
 * refresh once they settle (and every `refreshSeconds`, and after a reconnection) makes the page
 * and the counts exact again.
 */
export function useDashboard(filters: Filters, after: string | null, pageSize: number, refreshSeconds: number): Dashboard {
  const client = useClient();
  const filter = useMemo(() => toFilterInput(filters), [filters]);
  const [sessions, reexecuteSessions] = useQuery({ query: SessionsQuery, variables: { first: pageSize, after, filter } });
  const [overview, reexecuteOverview] = useQuery({ query: OverviewQuery, variables: { filter } });

  // When the request behind the page on screen was made: live changes since then apply on top.
  const requestedAt = useRef(Date.now());
  const [baseAt, setBaseAt] = useState(requestedAt.current);
  useEffect(() => {
    requestedAt.current = Date.now();
  }, [pageSize, after, filter]);
  useEffect(() => {
    if (sessions.data && !sessions.stale) setBaseAt(requestedAt.current);
  }, [sessions.data, sessions.stale]);

  const lastRefreshAt = useRef(0);
  const refresh = useCallback(() => {
    requestedAt.current = lastRefreshAt.current = Date.now();
    reexecuteSessions({ requestPolicy: 'network-only' });
    reexecuteOverview({ requestPolicy: 'network-only' });
  }, [reexecuteSessions, reexecuteOverview]);
  // The latest refresh, for timers and the subscription (which must not restart with the page).
  const refreshLatest = useRef(refresh);
  refreshLatest.current = refresh;

  const settle = useRef<ReturnType<typeof setTimeout>>();
  const scheduleRefresh = useCallback(() => {
    if (settle.current) return;
    const delay = Math.max(SETTLE_MS, MIN_REFRESH_GAP_MS - (Date.now() - lastRefreshAt.current));
    settle.current = setTimeout(() => {
      settle.current = undefined;
      refreshLatest.current();
    }, delay);
  }, []);
  useEffect(() => () => clearTimeout(settle.current), []);

  // The last status seen of each session (from pages and changes).
  const knownStatus = useRef(new Map<string, string>());
  useEffect(() => {
    for (const row of sessions.data?.restoreSessions.nodes ?? []) knownStatus.current.set(row.id, row.status);
  }, [sessions.data]);

  // Live changes: every filter but the status goes to the gateway (see toChangeFilterInput).
  const [changes, setChanges] = useState<TimedChange[]>([]);
  const [liveError, setLiveError] = useState<CombinedError>();
  const [generation, setGeneration] = useState(0);
  const restartDelay = useRef(RESTART_MIN_MS);
  const changeFilter = useMemo(() => toChangeFilterInput(filters), [filters]);
  useEffect(() => setChanges([]), [changeFilter]);
  useEffect(() => {
    let seq = Date.now();
    let closing = false;
    let restart: ReturnType<typeof setTimeout> | undefined;
    const subscription = pipe(
      client.subscription(SessionChangedSubscription, { filter: changeFilter }),
      // The gateway ends a subscriber that falls far behind: subscribe again, and refresh.
      onEnd(() => {
        if (closing) return;
        restart = setTimeout(() => setGeneration((g) => g + 1), restartDelay.current);
        restartDelay.current = Math.min(restartDelay.current * 2, RESTART_MAX_MS);
      }),
      subscribe((result) => {
        setLiveError(result.error);
        const change = result.data?.restoreSessionChanged;
        if (!change) return;
        restartDelay.current = RESTART_MIN_MS;
        setChanges((previous) => [{ ...change, at: Date.now(), seq: ++seq }, ...previous].slice(0, KEEP_CHANGES));
        // Progress alone changes no count: only new, removed and re-statused sessions need a refresh.
        const { id, status } = change.session;
        if (change.kind !== 'UPDATED' || knownStatus.current.get(id) !== status) scheduleRefresh();
        if (change.kind === 'REMOVED') knownStatus.current.delete(id);
        else knownStatus.current.set(id, status);
      }),
    );
    if (generation > 0) refreshLatest.current();
    return () => {
      closing = true;
      clearTimeout(restart);
      subscription.unsubscribe();
    };
  }, [client, changeFilter, generation, scheduleRefresh]);

  // Periodic refresh (sources' health, counts), and after the live connection comes back.
  useEffect(() => {
    if (!refreshSeconds) return;
    const timer = setInterval(() => refreshLatest.current(), refreshSeconds * 1000);
    return () => clearInterval(timer);
  }, [refreshSeconds]);
  const connections = useConnectionCount();
  const seenConnections = useRef(connections);
  useEffect(() => {
    if (connections > 1 && connections !== seenConnections.current) refreshLatest.current();
    seenConnections.current = connections;
  }, [connections]);

  const connection = sessions.data?.restoreSessions;
  const page = useMemo<Page | null>(() => {
    if (!connection) return null;
    const base: Page = { rows: connection.nodes, totalCount: connection.totalCount, isFirstPage: !after, hasNextPage: connection.pageInfo.hasNextPage };
    // Oldest first, and only those the page's request could not have seen.
    const pending = changes.filter((c) => c.at >= baseAt).reverse();
    return applyChanges(base, pending, filters);
  }, [connection, changes, baseAt, after, filters]);

  return {
    page,
    overview: overview.data,
    fetching: sessions.fetching || overview.fetching,
    errors: [sessions.error, overview.error, liveError],
    changes,
    endCursor: connection?.pageInfo.endCursor ?? null,
    refresh,
  };
}
