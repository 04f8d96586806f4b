import type { DashboardOverviewQuery } from '../gql/graphql';
import { useLiveState } from '../liveStatus';
import { describeProblem, type SourceProblem } from '../problems';
import { STATUSES, label, sessionTitle } from '../sessions';
import type { TimedChange } from '../useDashboard';

type Overview = DashboardOverviewQuery | undefined;

/** One banner per source left out of an answer; the page keeps showing everything else. */
export function Banners({ problems, general, sources }: { problems: SourceProblem[]; general: string[]; sources: Overview }) {
  const nameOf = (id: string) => sources?.sources.find((s) => s.id === id)?.name ?? id;
  return (
    <div className="banners">
      {problems.map((p) => (
        <div
          key={p.sourceId}
          role="alert"
          className={`banner banner-${p.code === 'SOURCE_WARMING_UP' ? 'info' : 'warning'}`}
          data-testid="source-banner"
          data-source-id={p.sourceId}
          data-code={p.code}
        >
          <strong>{nameOf(p.sourceId)}</strong> {describeProblem(p)}
        </div>
      ))}
      {general.map((message) => (
        <div key={message} role="alert" className="banner banner-error" data-testid="error-banner">
          {message}
        </div>
      ))}
    </div>
  );
}

export function LiveIndicator() {
  const state = useLiveState();
  const text = state === 'live' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Offline: reconnecting';
  return (
    <span className={`live live-${state}`} data-testid="live-indicator" data-state={state} title="Live updates over graphql-ws">
      <span className="dot" aria-hidden="true" /> {text}
    </span>
  );
}

export function StatsPanel({ overview }: { overview: Overview }) {
  const stats = overview?.restoreSessionStats;
  const count = (status: string) => stats?.byStatus.find((s) => s.status === status)?.count ?? 0;
  return (
    <section className="panel stats" aria-label="Statistics">
      <h2>
        Sessions <span data-testid="stats-total">{stats?.total ?? '…'}</span>
      </h2>
      <ul className="chips">
        {STATUSES.map((status) => (
          <li key={status} className={`status status-${status.toLowerCase()}`} data-testid={`stat-status-${status}`} data-count={count(status)}>
            {label(status)} <b>{stats ? count(status) : '…'}</b>
          </li>
        ))}
      </ul>
      <ul className="by-source">
        {stats?.bySource.map(({ source, count }) => (
          <li key={source.id} data-testid={`stat-source-${source.id}`} data-count={count}>
            {source.name} <b>{count}</b>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function SourcesPanel({ overview }: { overview: Overview }) {
  return (
    <section className="panel sources" aria-label="Sources">
      <h2>Sources</h2>
      <ul>
        {overview?.sources.map((s) => (
          <li key={s.id} data-testid={`source-${s.id}`} data-health={s.health} data-sync={s.sync.state}>
            <span className={`health health-${s.health.toLowerCase()}`}>{label(s.health)}</span> {s.name}
            <div className="muted">
              {label(s.sync.state)} · {s.sync.sessions} sessions{s.sync.lagSeconds != null ? ` · lag ${s.sync.lagSeconds.toFixed(1)} s` : ''}
              {s.lastError ? ` · ${s.lastError}` : ''}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ChangeLog({ changes }: { changes: TimedChange[] }) {
  return (
    <section className="panel changes" aria-label="Live changes">
      <h2>Live changes</h2>
      {changes.length === 0 ? (
        <p className="muted">Waiting for changes…</p>
      ) : (
        <ol data-testid="change-log">
          {changes.slice(0, 12).map((c) => (
            <li key={c.seq} data-testid="change-item" data-kind={c.kind} data-session-id={c.session.id}>
              <time>{new Date(c.at).toLocaleTimeString()}</time> <span className={`kind kind-${c.kind.toLowerCase()}`}>{label(c.kind)}</span>{' '}
              {sessionTitle(c.session)} <span className={`status status-${c.session.status.toLowerCase()}`}>{label(c.session.status)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
