import DataLoader from 'dataloader';
import { cacheKeys } from '../../cache/cacheKeys';
import type { EntityCache } from '../../cache/entityCache';
import type { LoaderFactory } from '../../context';
import type { ProgressModel, VeeamEventModel, VeeamOrganizationModel } from '../../model';
import { mapWithConcurrency } from '../../util/mapWithConcurrency';
import type { VeeamConnector } from './client';

export interface OrganizationKey {
  /** The organisation name printed on the session. */
  name: string;
  /** A session of that organisation, for the fallback when the server no longer lists it. */
  sessionVendorId: string;
}

/** A session's sub-resource; `terminal` sessions' data no longer changes and is cached longer. */
export interface SessionPartKey {
  vendorId: string;
  terminal: boolean;
}

export interface VeeamLoaders {
  /** Every organisation the server lists (read once per organisation TTL, across requests). */
  organizations(): Promise<readonly VeeamOrganizationModel[]>;
  /** By organisation name: the organisation list once (cached across requests), whatever the number of sessions. */
  organization: DataLoader<OrganizationKey, VeeamOrganizationModel | null, string>;
  /** By Veeam's organisation GUID, from the same list; null when the server does not list it. */
  organizationById: DataLoader<string, VeeamOrganizationModel | null, string>;
  events: DataLoader<SessionPartKey, VeeamEventModel[], string>;
  progress: DataLoader<SessionPartKey, ProgressModel | null, string>;
}

/** The server's organisation list through the entity cache (one read per organisation TTL, shared by concurrent requests). */
export async function cachedOrganizations(connector: VeeamConnector, cache: EntityCache): Promise<VeeamOrganizationModel[]> {
  const [list] = await cache.readThrough<string, VeeamOrganizationModel[]>(
    'organizations',
    [cacheKeys.organizations(connector.cacheScope)],
    (key) => key,
    async () => [await connector.listOrganizations()],
    () => cache.ttls.organizationsMs,
  );
  if (list instanceof Error) throw list;
  return list;
}

/** Made per GraphQL request (through `ctx.loaders.of`): they dedupe within the request; the entity cache spans requests. */
export const veeamLoaders: LoaderFactory<VeeamLoaders> = (source, cache) => {
  const connector = source as VeeamConnector;
  const limit = connector.maxConcurrency;
  const scope = connector.cacheScope;
  let organizationList: Promise<VeeamOrganizationModel[]> | null = null;
  const organizations = () => (organizationList ??= cachedOrganizations(connector, cache));
  let byName: Promise<Map<string, VeeamOrganizationModel>> | null = null;
  const organizationsByName = () => (byName ??= organizations().then((list) => new Map(list.map((o) => [o.name.toLowerCase(), o]))));
  const name = (what: string) => `veeam:${connector.source.id}:${what}`;
  return {
    organizations,
    organizationById: new DataLoader(
      async (ids) => {
        const byId = new Map((await organizations()).map((o) => [o.id.toLowerCase(), o]));
        return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
      },
      { cacheKeyFn: (id) => id.toLowerCase(), name: name('organizationById') },
    ),
    organization: new DataLoader(
      async (keys) => {
        const byName = await organizationsByName();
        const listed = keys.map((key) => byName.get(key.name.toLowerCase()));
        const unlisted = keys.filter((_, i) => !listed[i]);
        // Sessions of an organisation the server no longer lists fall back to the session's own link (cached by name too).
        const fallback = await cache.readThrough<OrganizationKey, VeeamOrganizationModel | null>(
          'organizations',
          unlisted,
          (key) => cacheKeys.organizationByName(scope, key.name),
          (missing) => mapWithConcurrency(missing, limit, (key) => connector.getSessionOrganization(key.sessionVendorId)),
          () => cache.ttls.organizationsMs,
        );
        let next = 0;
        return listed.map((org) => org ?? fallback[next++]);
      },
      { cacheKeyFn: (key) => key.name.toLowerCase(), name: name('organization') },
    ),
    events: new DataLoader(
      (keys) =>
        cache.readThrough<SessionPartKey, VeeamEventModel[]>(
          'events',
          keys,
          (k) => cacheKeys.events(scope, k.vendorId),
          (missing) => mapWithConcurrency(missing, limit, (k) => connector.listEvents(k.vendorId)),
          (_events, k) => cache.ttlFor(k.terminal),
        ),
      { cacheKeyFn: (k) => k.vendorId, name: name('events') },
    ),
    progress: new DataLoader(
      (keys) =>
        cache.readThrough<SessionPartKey, ProgressModel | null>(
          'statistics',
          keys,
          (k) => cacheKeys.statistics(scope, k.vendorId),
          (missing) => mapWithConcurrency(missing, limit, (k) => connector.getProgress(k.vendorId, !k.terminal)),
          (_progress, k) => (connector.apiVersion === 'v8' ? cache.ttlFor(k.terminal) : 0),
        ),
      { cacheKeyFn: (k) => k.vendorId, name: name('progress') },
    ),
  };
};
