import type { GatewayContext } from '../../context';
import { badUserInput } from '../../errors';
import type { SourceModel, VeeamOrganizationModel } from '../../model';
import { pathOf } from '../../resolvers/resolvePath';
import type { Resolvers } from '../../__generated__/resolvers-types';
import { VeeamConnector } from './client';
import { veeamDiscoveryLoaders } from './discoveryLoaders';
import { veeamLoaders } from './loaders';
import { veeamSource } from './resolvers';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const sourceOf = (sourceId: string, ctx: GatewayContext): SourceModel => {
  const connector = ctx.services.connectors.get(sourceId);
  if (!connector) throw new Error(`Veeam object of unconfigured source ${sourceId}`);
  return connector.source;
};

/** An organisation by Veeam's GUID, from the server's (cached) list; null for none. */
const organizationOf = (owner: { sourceId: string; organizationId: string | null }, ctx: GatewayContext): Promise<VeeamOrganizationModel | null> | null =>
  owner.organizationId ? ctx.loaders.of(owner.sourceId, veeamLoaders).organizationById.load(owner.organizationId) : null;

/** Veeam's part of discovery: its organisations and jobs, and the organisation a protected item belongs to. */
export const veeamDiscoveryResolvers: Pick<Resolvers, 'Query' | 'VeeamJob' | 'VeeamOrganization' | 'ProtectedItem'> = {
  Query: {
    veeamOrganizations: async (_parent, { sourceId }, ctx, info) => {
      const connectors =
        sourceId != null
          ? [veeamSource(ctx, sourceId, 'sourceId')]
          : [...ctx.services.connectors.values()].filter((c): c is VeeamConnector => c instanceof VeeamConnector);
      const path = pathOf(info);
      const lists = await Promise.all(
        connectors.map(async (connector) => {
          try {
            return await ctx.loaders.of(connector.source.id, veeamLoaders).organizations();
          } catch (err) {
            ctx.partialFailures.report(connector.source, err, path);
            return [];
          }
        }),
      );
      return lists.flat();
    },
    veeamJobs: async (_parent, { sourceId, organizationId }, ctx, info) => {
      const connector = veeamSource(ctx, sourceId, 'sourceId');
      if (organizationId != null && !GUID.test(organizationId)) throw badUserInput('organizationId', 'organizationId must be a Veeam organisation GUID.');
      try {
        const jobs = await ctx.loaders.of(connector.source.id, veeamDiscoveryLoaders).jobs();
        return jobs.filter((job) => organizationId == null || job.organizationId?.toLowerCase() === organizationId.toLowerCase());
      } catch (err) {
        ctx.partialFailures.report(connector.source, err, pathOf(info));
        return [];
      }
    },
  },
  VeeamJob: {
    source: (job, _args, ctx) => sourceOf(job.sourceId, ctx),
    organization: (job, _args, ctx) => organizationOf(job, ctx),
  },
  VeeamOrganization: {
    source: (organization, _args, ctx) => sourceOf(organization.sourceId, ctx),
  },
  ProtectedItem: {
    // Only Veeam items name an organisation; a Graph item's is null without asking anyone.
    organization: (item, _args, ctx) => organizationOf(item, ctx),
  },
};
