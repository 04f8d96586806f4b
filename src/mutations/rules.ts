import { ErrorCode, GatewayError } from '../errors';
import type { RestoreSessionModel } from '../model';

/** INVALID_STATE with the session's current status and a sentence saying why (contract §3). */
export function invalidState(session: RestoreSessionModel, why: string): GatewayError {
  return new GatewayError(ErrorCode.INVALID_STATE, why, { sourceId: session.sourceId, status: session.status });
}

const VENDOR_NAME = { MICROSOFT_GRAPH: 'Microsoft Graph', VEEAM: 'Veeam' } as const;

/** Graph sessions can be activated only as drafts; Veeam has no activation. */
export function checkCanActivate(session: RestoreSessionModel): void {
  if (session.vendor !== 'MICROSOFT_GRAPH') throw invalidState(session, `${VENDOR_NAME[session.vendor]} restore sessions cannot be activated: they start when they are created.`);
  if (session.status !== 'DRAFT') throw invalidState(session, `Only a DRAFT session can be activated; this one is ${session.status}.`);
}

/** Graph deletes drafts only; Veeam sessions are not deleted through the API. */
export function checkCanDelete(session: RestoreSessionModel): void {
  if (session.vendor !== 'MICROSOFT_GRAPH') throw invalidState(session, `${VENDOR_NAME[session.vendor]} restore sessions cannot be deleted; stop a running one instead.`);
  if (session.status !== 'DRAFT') throw invalidState(session, `Only a DRAFT session can be deleted; this one is ${session.status}.`);
}

/** Veeam stops running sessions; Graph has no stop operation. */
export function checkCanStop(session: RestoreSessionModel): void {
  if (session.vendor !== 'VEEAM') throw invalidState(session, 'Microsoft Graph restore sessions cannot be stopped: Graph has no cancel operation.');
  if (session.status !== 'RUNNING') throw invalidState(session, `Only a RUNNING session can be stopped; this one is ${session.status}.`);
}
