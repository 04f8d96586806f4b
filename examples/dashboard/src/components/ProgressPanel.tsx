import { useSubscription } from 'urql';
import { SessionProgressSubscription } from '../documents';
import { label, sessionTitle, type SessionRow } from '../sessions';

/** The selected session; while it can still change, its progress follows `restoreSessionProgress`. */
export function ProgressPanel({ session }: { session: SessionRow }) {
  const [{ data, error }] = useSubscription({ query: SessionProgressSubscription, variables: { id: session.id }, pause: session.isTerminal });
  const live = data?.restoreSessionProgress.id === session.id ? data.restoreSessionProgress : undefined;
  const status = live?.status ?? session.status;
  const progress = live ? live.progress : session.progress;
  const percent = progress?.percent ?? null;

  return (
    <section className="panel progress" aria-label="Selected session" data-testid="progress-panel" data-session-id={session.id}>
      <h2>{sessionTitle(session)}</h2>
      <p>
        <span className={`status status-${status.toLowerCase()}`} data-testid="progress-status">
          {label(status)}
        </span>{' '}
        {session.source.name}
        {!session.isTerminal && !live?.isTerminal && <span className="muted"> · following live</span>}
      </p>
      <div
        className={`bar${percent === null ? ' bar-unknown' : ''}`}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
        aria-label="Restore progress"
        data-testid="progress-bar"
        data-percent={percent ?? ''}
      >
        <div className="fill" style={{ width: `${percent ?? 0}%` }} />
      </div>
      <p className="muted" data-testid="progress-text">
        {progress && progress.total > 0
          ? `${percent !== null ? Math.round(percent) : 0} % · ${progress.completed} completed, ${progress.failed} failed of ${progress.total}`
          : 'No progress reported for this session.'}
      </p>
      {error && <p className="banner banner-error">{error.message}</p>}
    </section>
  );
}
