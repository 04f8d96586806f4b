import { label, sessionTitle, type SessionRow } from '../sessions';
import type { TimedChange } from '../useDashboard';

interface Props {
  rows: SessionRow[];
  selectedId: string | null;
  onSelect: (row: SessionRow) => void;
  /** Live changes: rows they touched in the last seconds are highlighted. */
  changes: TimedChange[];
  now: number;
}

const HIGHLIGHT_MS = 4000;

export function SessionTable({ rows, selectedId, onSelect, changes, now }: Props) {
  const touched = new Map<string, TimedChange>();
  for (const c of changes) if (now - c.at < HIGHLIGHT_MS && !touched.has(c.session.id)) touched.set(c.session.id, c);

  if (rows.length === 0)
    return (
      <p className="empty" data-testid="no-sessions">
        No restore sessions match.
      </p>
    );
  return (
    <table className="sessions" data-testid="session-table">
      <thead>
        <tr>
          <th>Session</th>
          <th>Status</th>
          <th>Workload</th>
          <th>Source</th>
          <th>Created</th>
          <th>Progress</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((s) => {
          const change = touched.get(s.id);
          return (
            <tr
              key={s.id}
              data-testid="session-row"
              data-session-id={s.id}
              data-status={s.status}
              className={[change ? `changed changed-${change.kind.toLowerCase()}` : '', s.id === selectedId ? 'selected' : ''].join(' ')}
              aria-selected={s.id === selectedId}
              tabIndex={0}
              onClick={() => onSelect(s)}
              onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && onSelect(s)}
            >
              <td>
                <div className="title">{sessionTitle(s)}</div>
                <div className="muted">{s.initiatedBy ?? '—'}</div>
              </td>
              <td>
                <span className={`status status-${s.status.toLowerCase()}`} data-testid="session-status">
                  {label(s.status)}
                </span>
              </td>
              <td>{s.workload ? label(s.workload) : '—'}</td>
              <td>{s.source.name}</td>
              <td>
                <time dateTime={s.createdAt ?? undefined}>{formatTime(s.createdAt)}</time>
              </td>
              <td>{s.progress?.percent != null ? `${Math.round(s.progress.percent)} %` : '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}
