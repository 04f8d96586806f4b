import { ErrorCode, GatewayError } from '../errors';
import type { RestoreSessionModel } from '../model';
import type { SessionAction, SessionActionName, SourceConnector } from '../upstreams/connector';

/** INVALID_STATE with the session's current status and a sentence saying why (contract §3). */
export function invalidState(session: RestoreSessionModel, why: string): GatewayError {
  return new GatewayError(ErrorCode.INVALID_STATE, why, { sourceId: session.sourceId, status: session.status });
}

const PAST: Record<SessionActionName, string> = { activate: 'activated', delete: 'deleted', stop: 'stopped' };

/**
 * The action the session's vendor offers, if its current state allows it; otherwise the
 * INVALID_STATE the contract asks for, naming why, and nothing is written.
 */
export function allowedAction(connector: SourceConnector, name: SessionActionName, session: RestoreSessionModel): SessionAction {
  const action = connector.actions[name];
  if (!action) throw invalidState(session, connector.explainUnsupported(name));
  if (!action.allowedIn.has(session.status))
    throw invalidState(session, `Only a ${[...action.allowedIn].join(' or ')} session can be ${PAST[name]}; this one is ${session.status}.`);
  return action;
}
