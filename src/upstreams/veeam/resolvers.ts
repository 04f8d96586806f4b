import { badUserInput, notFound } from '../../errors';
import { decodeRestorePointId } from '../../ids';
import { formatInstant, parseInstant } from '../../instant';
import { audited } from '../../mutations/audit';
import { afterWrite, settle } from '../../mutations/writes';
import { TERMINAL_STATUSES, type VeeamTypeValue } from '../../model';
import { connectionFields, offsetConnection } from '../../resolvers/connections';
import { sessionFields } from '../../resolvers/typeResolvers';
import type { Resolvers } from '../../__generated__/resolvers-types';
import type { GatewayContext } from '../../context';
import { VeeamConnector } from './client';
import { veeamLoaders } from './loaders';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VEEAM_TYPE: Record<VeeamTypeValue, string> = { VEX: 'Vex', VEOD: 'Veod', VESP: 'Vesp', VET: 'Vet' };

/** The source a Veeam-only field or mutation names (in `argument`), which must be a Veeam server. */
export function veeamSource(ctx: GatewayContext, sourceId: string, argument = 'input.sourceId'): VeeamConnector {
  const connector = ctx.services.connectors.get(sourceId);
  if (!connector) throw badUserInput(argument, `Unknown source id '${sourceId.slice(0, 64)}'.`);
  if (!(connector instanceof VeeamConnector)) throw badUserInput(argument, `Source '${sourceId}' is not a Veeam source.`);
  return connector;
}

/** What an explore opens, as of when, and how a NOT_FOUND names it. */
interface ExplorePlan {
  target: { organizationId: string } | { jobId: string };
  pointInTime: string | null;
  what: string;
}

/**
 * What exploring a `RestorePoint.id` means upstream: the backup job that made the point, as of the
 * point's own backup time (sent as Veeam wrote it, at full precision, so Veeam picks exactly that
 * point and not the one before). Costs one read of the point; NOT_FOUND once it is gone.
 */
async function restorePointPlan(connector: VeeamConnector, restorePointId: string): Promise<ExplorePlan> {
  const ref = decodeRestorePointId(restorePointId, 'input.restorePointId');
  if (ref.item.sourceId !== connector.source.id)
    throw badUserInput('input.restorePointId', `Restore point of source '${ref.item.sourceId.slice(0, 64)}' given for source '${connector.source.id}'.`);
  const point = await connector.discoveryClient.getRestorePoint(ref.vendorId);
  if (!point || typeof point.jobId !== 'string' || typeof point.backupTime !== 'string') throw notFound(connector.source.id, `Restore point ${restorePointId}`);
  return { target: { jobId: point.jobId }, pointInTime: point.backupTime, what: `Backup job ${point.jobId}` };
}

/** The Veeam parts of the schema: its session type (lazy organisation, events, progress) and explore. */
export const veeamResolvers: Pick<Resolvers, 'VeeamRestoreSession' | 'VeeamRestoreSessionEventConnection' | 'Mutation'> = {
  VeeamRestoreSession: {
    ...sessionFields,
    // A subscription update may carry live progress; otherwise v8 `/Statistics` is read when asked.
    progress: (s, _args, ctx) =>
      s.progress !== undefined
        ? s.progress
        : ctx.loaders.of(s.sourceId, veeamLoaders).progress.load({ vendorId: s.vendorId, terminal: TERMINAL_STATUSES.has(s.status) }),
    organization: (s, _args, ctx) =>
      ctx.loaders.of(s.sourceId, veeamLoaders).organization.load({ name: s.organizationName ?? `#${s.vendorId}`, sessionVendorId: s.vendorId }),
    events: async (s, { first, after }, ctx) =>
      offsetConnection(
        await ctx.loaders.of(s.sourceId, veeamLoaders).events.load({ vendorId: s.vendorId, terminal: TERMINAL_STATUSES.has(s.status) }),
        first,
        after,
      ),
  },
  VeeamRestoreSessionEventConnection: connectionFields,
  Mutation: {
    startVeeamExploreSession: (_parent, { input }, ctx) =>
      audited(ctx, 'startVeeamExploreSession', { sourceId: input.sourceId }, async (target) => {
        const connector = veeamSource(ctx, input.sourceId);
        const { organizationId, jobId, restorePointId } = input;
        if ([organizationId, jobId, restorePointId].filter((given) => given != null).length !== 1)
          throw badUserInput('input.organizationId', 'Give exactly one of organizationId, jobId and restorePointId.');
        if (organizationId != null && !GUID.test(organizationId))
          throw badUserInput('input.organizationId', 'organizationId must be a Veeam organisation GUID.');
        if (jobId != null && !GUID.test(jobId)) throw badUserInput('input.jobId', 'jobId must be a Veeam backup job GUID.');
        let pointInTime: string | null = null;
        if (input.pointInTime != null) {
          if (restorePointId != null) throw badUserInput('input.pointInTime', 'A restore point fixes the point in time: leave pointInTime out.');
          const instant = parseInstant(input.pointInTime);
          if (!instant) throw badUserInput('input.pointInTime', `'${input.pointInTime.slice(0, 60)}' is not an RFC 3339 date-time with an offset.`);
          pointInTime = formatInstant(instant);
        }
        const plan: ExplorePlan =
          restorePointId != null
            ? await restorePointPlan(connector, restorePointId)
            : organizationId != null
              ? { target: { organizationId }, pointInTime, what: `Organisation ${organizationId}` }
              : { target: { jobId: jobId as string }, pointInTime, what: `Backup job ${jobId}` };
        const outcome = await connector.explore(plan.target, VEEAM_TYPE[input.type], plan.pointInTime);
        const session = settle(outcome, null, connector, plan.what);
        Object.assign(target, { sessionId: session.id, vendorId: session.vendorId });
        await afterWrite(ctx, connector, session, session.vendorId);
        return { restoreSession: session };
      }),
  },
};
