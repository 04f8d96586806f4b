import { useCallback, useEffect, useMemo, useState } from 'react';
import { ChangeLog, Banners, LiveIndicator, SourcesPanel, StatsPanel } from './components/Panels';
import { FilterBar } from './components/Filters';
import { ProgressPanel } from './components/ProgressPanel';
import { SessionTable } from './components/SessionTable';
import { generalErrors, sourceProblems } from './problems';
import { NO_FILTERS, type Filters, type SessionRow } from './sessions';
import { useDashboard } from './useDashboard';

const PAGE_SIZE = 25;

export function App({ refreshSeconds }: { refreshSeconds: number }) {
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  // Keyset paging goes forwards only: the cursors of the pages before this one, for "Previous".
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const after = cursors[cursors.length - 1];
  const [selected, setSelected] = useState<SessionRow | null>(null);
  const { page, overview, fetching, errors, changes, endCursor, refresh } = useDashboard(filters, after, PAGE_SIZE, refreshSeconds);
  // Ticks while a live change is recent enough to be highlighted.
  const now = useNow(changes.length > 0 && Date.now() - changes[0].at < 5000 ? 1000 : 0);

  const changeFilters = useCallback((next: Filters) => {
    setFilters(next);
    setCursors([null]);
  }, []);
  // The selected session as the page now shows it (live), else as it was selected.
  const current = useMemo(() => (selected ? (page?.rows.find((r) => r.id === selected.id) ?? selected) : null), [selected, page]);
  const problems = sourceProblems(errors);
  const general = generalErrors(errors);

  return (
    <div className="app">
      <header>
        <h1>Restore sessions</h1>
        <LiveIndicator />
        <button type="button" onClick={refresh} data-testid="refresh" disabled={fetching}>
          Refresh
        </button>
      </header>
      <Banners problems={problems} general={general} sources={overview} />
      <FilterBar value={filters} onChange={changeFilters} />
      <main>
        <section className="list" aria-label="Restore sessions" aria-busy={fetching}>
          <div className="list-head">
            <span>
              <b data-testid="total-count">{page ? page.totalCount : '…'}</b> sessions
            </span>
            <span className="pager">
              <button type="button" data-testid="prev-page" disabled={cursors.length < 2} onClick={() => setCursors((c) => c.slice(0, -1))}>
                ← Newer
              </button>
              <span data-testid="page-number">Page {cursors.length}</span>
              <button type="button" data-testid="next-page" disabled={!page?.hasNextPage || !endCursor} onClick={() => setCursors((c) => [...c, endCursor])}>
                Older →
              </button>
            </span>
          </div>
          {page ? (
            <SessionTable rows={page.rows} selectedId={current?.id ?? null} onSelect={setSelected} changes={changes} now={now} />
          ) : (
            <p className="empty">{fetching ? 'Loading…' : 'No data.'}</p>
          )}
        </section>
        <aside>
          {current && <ProgressPanel key={current.id} session={current} />}
          <StatsPanel overview={overview} />
          <SourcesPanel overview={overview} />
          <ChangeLog changes={changes} />
        </aside>
      </main>
    </div>
  );
}

/** The time, re-rendered every `intervalMs` while it matters (0: not at all). */
function useNow(intervalMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    setNow(Date.now());
    if (!intervalMs) return;
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
