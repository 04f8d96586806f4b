import { GatewayError } from '../errors';
import type { GatewayContext } from '../context';

/** What an audit line says a mutation acted on; filled in as the mutation learns it. */
export interface AuditTarget {
  sourceId?: string;
  sessionId?: string;
  vendorId?: string;
}

/**
 * Runs a mutation and writes one audit line for it: who (the caller's id and role, never a
 * credential), what, which source and session, and the outcome (ok or the error code).
 */
export async function audited<T>(ctx: GatewayContext, action: string, target: AuditTarget, run: (target: AuditTarget) => Promise<T>): Promise<T> {
  const line = { audit: true, action, caller: ctx.caller.id, role: ctx.caller.role };
  try {
    const result = await run(target);
    ctx.logger.info({ ...line, ...target, outcome: 'ok' }, `audit: ${action}`);
    return result;
  } catch (err) {
    const outcome = err instanceof GatewayError ? err.code : 'INTERNAL_SERVER_ERROR';
    ctx.logger.warn({ ...line, ...target, outcome }, `audit: ${action} refused`);
    throw err;
  }
}
