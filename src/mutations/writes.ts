import type { GatewayContext } from '../context';
import { notFound, upstreamError } from '../errors';
import { decodeGlobalId } from '../ids';
import type { RestoreSessionModel } from '../model';
import { sessionKeys } from '../cache/cacheKeys';
import type { SourceConnector, WriteOutcome } from '../upstreams/connector';
import { invalidState } from './rules';

/**
 * The session a mutation acts on, read fresh from its upstream (never from the index or a
 * cache) before anything is written, so the state rules judge what the upstream holds now.
 */
export async function currentSession(ctx: GatewayContext, id: string): Promise<{ session: RestoreSessionModel; connector: SourceConnector }> {
  const { sourceId, vendorId } = decodeGlobalId(id, 'id');
  const connector = ctx.services.connectors.get(sourceId);
  if (!connector) throw notFound(sourceId, `Restore session ${id}`);
  const [read] = await connector.sessions.readMany([vendorId]);
  if (read instanceof Error) throw read;
  if (!read) throw notFound(sourceId, `Restore session ${id}`);
  return { session: read, connector };
}

/** Turns a write's outcome into its value or the contract's error; a refusal reads as INVALID_STATE. */
export function settle<T>(outcome: WriteOutcome<T>, session: RestoreSessionModel | null, connector: SourceConnector, what: string): T {
  switch (outcome.kind) {
    case 'ok':
      return outcome.value;
    case 'notFound':
      throw notFound(connector.source.id, what);
    case 'refused':
      if (session)
        throw invalidState(
          session,
          `The upstream refused the action in the session's current state (${outcome.upstreamCode ?? `HTTP ${outcome.upstreamStatus}`}).`,
        );
      throw upstreamError.refused(connector.source, outcome.upstreamStatus, outcome.upstreamCode);
    default: {
      const unreachable: never = outcome;
      return unreachable;
    }
  }
}

/**
 * After a write: the session's new state is in the index of every replica before the mutation
 * answers, and its cached parts (events, artifacts, statistics) are dropped.
 */
export async function afterWrite(ctx: GatewayContext, connector: SourceConnector, written: RestoreSessionModel | null, vendorId: string): Promise<void> {
  await Promise.all([
    ctx.services.indexes.recordWrite(connector.source.id, written ? [written] : [], written ? [] : [vendorId]),
    ctx.services.cache.delete(sessionKeys(connector.cacheScope, vendorId)),
  ]);
}
