import { badUserInput } from '../../errors';
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

/** The source a Veeam-only mutation names, which must be a Veeam server. */
function veeamSource(ctx: GatewayContext, sourceId: string): VeeamConnector {
  const connector = ctx.services.connectors.get(sourceId);
  if (!connector) throw badUserInput('input.sourceId', `Unknown source id '${sourceId.slice(0, 64)}'.`);
  if (!(connector instanceof VeeamConnector)) throw badUserInput('input.sourceId', `Source '${sourceId}' is not a Veeam source.`);
  return connector;
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
        const { organizationId, jobId } = input;
        if ((organizationId == null) === (jobId == null)) throw badUserInput('input.organizationId', 'Give exactly one of organizationId and jobId.');
        if (organizationId != null && !GUID.test(organizationId))
          throw badUserInput('input.organizationId', 'organizationId must be a Veeam organisation GUID.');
        if (jobId != null && !GUID.test(jobId)) throw badUserInput('input.jobId', 'jobId must be a Veeam backup job GUID.');
        let pointInTime: string | null = null;
        if (input.pointInTime != null) {
          const instant = parseInstant(input.pointInTime);
          if (!instant) throw badUserInput('input.pointInTime', `'${input.pointInTime.slice(0, 60)}' is not an RFC 3339 date-time with an offset.`);
          pointInTime = formatInstant(instant);
        }
        const what = organizationId != null ? `Organisation ${organizationId}` : `Backup job ${jobId}`;
        const outcome = await connector.explore(organizationId != null ? { organizationId } : { jobId: jobId as string }, VEEAM_TYPE[input.type], pointInTime);
        const session = settle(outcome, null, connector, what);
        Object.assign(target, { sessionId: session.id, vendorId: session.vendorId });
        await afterWrite(ctx, connector, session, session.vendorId);
        return { restoreSession: session };
      }),
  },
};
