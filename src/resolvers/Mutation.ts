import type { GatewayContext } from '../context';
import { badUserInput, ErrorCode, GatewayError } from '../errors';
import { decodeGlobalId } from '../ids';
import { parseInstant, formatInstant } from '../instant';
import type { GraphCollectionKind, RestoreSessionModel, VeeamTypeValue } from '../model';
import { audited } from '../mutations/audit';
import { checkCanActivate, checkCanDelete, checkCanStop, invalidState } from '../mutations/rules';
import type { WriteOutcome } from '../sources/writeOutcome';
import type { MutationResolvers, Workload } from '../__generated__/resolvers-types';
import { GraphConnector } from '../upstreams/msgraph/client';
import { VeeamConnector } from '../upstreams/veeam/client';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLLECTION_OF: Partial<Record<Workload, GraphCollectionKind>> = { EXCHANGE: 'exchange', ONEDRIVE: 'oneDrive', SHAREPOINT: 'sharePoint' };
const VEEAM_TYPE: Record<VeeamTypeValue, string> = { VEX: 'Vex', VEOD: 'Veod', VESP: 'Vesp', VET: 'Vet' };

function notFound(sourceId: string, what: string): GatewayError {
  return new GatewayError(ErrorCode.NOT_FOUND, `${what} does not exist.`, { sourceId });
}

/** The session a mutation acts on, read fresh from its upstream before anything is written. */
async function currentSession(ctx: GatewayContext, id: string): Promise<RestoreSessionModel> {
  const { sourceId, vendorId } = decodeGlobalId(id, 'id');
  const connector = ctx.services.connectors.get(sourceId);
  if (!connector) throw notFound(sourceId, `Restore session ${id}`);
  const session = connector instanceof GraphConnector ? await ctx.loaders.graph(sourceId).sessionById.load(vendorId) : await ctx.loaders.veeam(sourceId).sessionById.load(vendorId);
  if (!session) throw notFound(sourceId, `Restore session ${id}`);
  return session;
}

/** Turns a write's outcome into its value or the contract's error; a refusal reads as INVALID_STATE. */
function settle<T>(outcome: WriteOutcome<T>, session: RestoreSessionModel | null, sourceId: string, what: string): T {
  switch (outcome.kind) {
    case 'ok':
      return outcome.value;
    case 'notFound':
      throw notFound(sourceId, what);
    case 'refused':
      if (session) throw invalidState(session, `The upstream refused the action in the session's current state (${outcome.upstreamCode ?? `HTTP ${outcome.upstreamStatus}`}).`);
      throw new GatewayError(ErrorCode.UPSTREAM_ERROR, `Source '${sourceId}' refused the request (HTTP ${outcome.upstreamStatus}).`, { sourceId, upstreamStatus: outcome.upstreamStatus, upstreamCode: outcome.upstreamCode });
    default: {
      const unreachable: never = outcome;
      return unreachable;
    }
  }
}

/**
 * After a write: the source's list snapshots and the session's cached entries are dropped (on
 * every replica when the cache is shared), and this request's loaders see the new state.
 */
async function afterWrite(ctx: GatewayContext, session: RestoreSessionModel | null, sourceId: string, vendorId: string): Promise<void> {
  await ctx.services.invalidateSession(sourceId, vendorId);
  const connector = ctx.services.connectors.get(sourceId);
  if (connector instanceof GraphConnector) {
    const loader = ctx.loaders.graph(sourceId).sessionById.clear(vendorId);
    if (session?.__typename === 'GraphRestoreSession') loader.prime(vendorId, session);
  } else {
    const loader = ctx.loaders.veeam(sourceId).sessionById.clear(vendorId);
    if (session?.__typename === 'VeeamRestoreSession') loader.prime(vendorId, session);
  }
}

/**
 * The shape every mutation on an existing session shares: read it fresh upstream, name it in the
 * audit line, check the vendor/state rule (nothing is written when it fails), then act.
 */
function onCurrentSession<T>(ctx: GatewayContext, action: string, id: string, check: (session: RestoreSessionModel) => void, act: (session: RestoreSessionModel) => Promise<T>): Promise<T> {
  return audited(ctx, action, { sessionId: id }, async (target) => {
    const session = await currentSession(ctx, id);
    Object.assign(target, { sourceId: session.sourceId, vendorId: session.vendorId });
    check(session);
    return act(session);
  });
}

function connectorOf<T>(ctx: GatewayContext, sourceId: string, type: new (...args: never[]) => T, vendorName: string): T {
  const connector = ctx.services.connectors.get(sourceId);
  if (!connector) throw badUserInput('input.sourceId', `Unknown source id '${sourceId.slice(0, 64)}'.`);
  if (!(connector instanceof type)) throw badUserInput('input.sourceId', `Source '${sourceId}' is not a ${vendorName} source.`);
  return connector;
}

export const Mutation: MutationResolvers = {
  createGraphRestoreSession: (_parent, { input }, ctx) =>
    audited(ctx, 'createGraphRestoreSession', { sourceId: input.sourceId }, async (target) => {
      const connector = connectorOf(ctx, input.sourceId, GraphConnector, 'Microsoft Graph');
      const collection = COLLECTION_OF[input.workload];
      if (!collection) throw badUserInput('input.workload', `Microsoft Graph restores EXCHANGE, ONEDRIVE or SHAREPOINT, not ${input.workload}.`);
      let artifacts: Array<{ restorePointId: string; destinationType: 'new' | 'inPlace' }> | null = null;
      if (input.artifacts) {
        if (input.artifacts.length === 0) throw badUserInput('input.artifacts', 'Give at least one artifact, or leave artifacts out for an empty draft.');
        const seen = new Set<string>();
        input.artifacts.forEach((a, i) => {
          if (!a.restorePointId.trim()) throw badUserInput(`input.artifacts[${i}].restorePointId`, 'restorePointId must not be empty.');
          if (!a.protectedResourceId.trim()) throw badUserInput(`input.artifacts[${i}].protectedResourceId`, 'protectedResourceId must not be empty.');
          if (seen.has(a.restorePointId)) throw badUserInput(`input.artifacts[${i}].restorePointId`, `Restore point '${a.restorePointId}' is listed twice.`);
          seen.add(a.restorePointId);
        });
        if (new Set(input.artifacts.map((a) => a.destinationType ?? 'NEW')).size > 1) throw badUserInput('input.artifacts', 'All artifacts of one session must restore to the same destination type (NEW or IN_PLACE).');
        artifacts = input.artifacts.map((a) => ({ restorePointId: a.restorePointId, destinationType: a.destinationType === 'IN_PLACE' ? 'inPlace' : 'new' }));
      }
      const session = settle(await connector.createSession(collection, artifacts), null, input.sourceId, 'The restore point');
      target.sessionId = session.id;
      target.vendorId = session.vendorId;
      await afterWrite(ctx, session, input.sourceId, session.vendorId);
      return { restoreSession: session };
    }),

  activateRestoreSession: (_parent, { id }, ctx) =>
    onCurrentSession(ctx, 'activateRestoreSession', id, checkCanActivate, async (session) => {
      const connector = ctx.services.connectors.get(session.sourceId) as GraphConnector;
      const activated = settle(await connector.activate(session.vendorId), session, session.sourceId, `Restore session ${id}`);
      await afterWrite(ctx, activated, session.sourceId, session.vendorId);
      return { restoreSession: activated };
    }),

  deleteRestoreSession: (_parent, { id }, ctx) =>
    onCurrentSession(ctx, 'deleteRestoreSession', id, checkCanDelete, async (session) => {
      const connector = ctx.services.connectors.get(session.sourceId) as GraphConnector;
      settle(await connector.deleteSession(session.vendorId), session, session.sourceId, `Restore session ${id}`);
      await afterWrite(ctx, null, session.sourceId, session.vendorId);
      return { deletedId: session.id };
    }),

  startVeeamExploreSession: (_parent, { input }, ctx) =>
    audited(ctx, 'startVeeamExploreSession', { sourceId: input.sourceId }, async (target) => {
      const connector = connectorOf(ctx, input.sourceId, VeeamConnector, 'Veeam');
      const { organizationId, jobId } = input;
      if ((organizationId == null) === (jobId == null)) throw badUserInput('input.organizationId', 'Give exactly one of organizationId and jobId.');
      if (organizationId != null && !GUID.test(organizationId)) throw badUserInput('input.organizationId', 'organizationId must be a Veeam organisation GUID.');
      if (jobId != null && !GUID.test(jobId)) throw badUserInput('input.jobId', 'jobId must be a Veeam backup job GUID.');
      let pointInTime: string | null = null;
      if (input.pointInTime != null) {
        const instant = parseInstant(input.pointInTime);
        if (!instant) throw badUserInput('input.pointInTime', `'${input.pointInTime.slice(0, 60)}' is not an RFC 3339 date-time with an offset.`);
        pointInTime = formatInstant(instant);
      }
      const what = organizationId != null ? `Organisation ${organizationId}` : `Backup job ${jobId}`;
      const outcome = await connector.explore(organizationId != null ? { organizationId } : { jobId: jobId as string }, VEEAM_TYPE[input.type], pointInTime);
      const session = settle(outcome, null, input.sourceId, what);
      Object.assign(target, { sessionId: session.id, vendorId: session.vendorId });
      await afterWrite(ctx, session, input.sourceId, session.vendorId);
      return { restoreSession: session };
    }),

  stopRestoreSession: (_parent, { id }, ctx) =>
    onCurrentSession(ctx, 'stopRestoreSession', id, checkCanStop, async (session) => {
      const connector = ctx.services.connectors.get(session.sourceId) as VeeamConnector;
      settle(await connector.stop(session.vendorId), session, session.sourceId, `Restore session ${id}`);
      const stopped = (await connector.getSession(session.vendorId)) ?? session;
      await afterWrite(ctx, stopped, session.sourceId, session.vendorId);
      return { restoreSession: stopped };
    }),
};
