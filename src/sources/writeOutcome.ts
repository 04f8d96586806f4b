/** What an upstream write came to, before the gateway turns it into a payload or a contract error. */
export type WriteOutcome<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'notFound' }
  /** The upstream refused the action in this state (Graph RestoreSessionActionNotAllowed, Veeam 400). */
  | { kind: 'refused'; upstreamStatus: number; upstreamCode?: string };
