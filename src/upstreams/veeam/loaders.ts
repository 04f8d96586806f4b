import DataLoader from 'dataloader';
import type { ProgressModel, VeeamEventModel, VeeamOrganizationModel, VeeamRestoreSessionModel } from '../../model';
import { mapWithConcurrency } from '../../util/mapWithConcurrency';
import type { VeeamConnector } from './client';

export interface OrganizationKey {
  /** The organisation name printed on the session. */
  name: string;
  /** A session of that organisation, for the fallback when the server no longer lists it. */
  sessionVendorId: string;
}

export interface VeeamLoaders {
  sessionById: DataLoader<string, VeeamRestoreSessionModel | null>;
  /** By organisation name: one `/Organizations` call per request, whatever the number of sessions. */
  organization: DataLoader<OrganizationKey, VeeamOrganizationModel | null, string>;
  events: DataLoader<string, VeeamEventModel[]>;
  progress: DataLoader<{ vendorId: string; running: boolean }, ProgressModel | null, string>;
}

/** Made per GraphQL request: caches live as long as the request, never longer. */
export function createVeeamLoaders(connector: VeeamConnector): VeeamLoaders {
  const limit = connector.maxConcurrency;
  let organizations: Promise<Map<string, VeeamOrganizationModel>> | null = null;
  const organizationsByName = () => {
    organizations ??= connector.listOrganizations().then((list) => new Map(list.map((o) => [o.name.toLowerCase(), o])));
    return organizations;
  };
  const name = (what: string) => `veeam:${connector.source.id}:${what}`;
  return {
    sessionById: new DataLoader((ids) => mapWithConcurrency(ids, limit, (id) => connector.getSession(id)), { name: name('sessionById') }),
    organization: new DataLoader(
      async (keys) => {
        const byName = await organizationsByName();
        // Sessions of an organisation the server no longer lists fall back to the session's own link.
        return mapWithConcurrency(keys, limit, async (key) => byName.get(key.name.toLowerCase()) ?? connector.getSessionOrganization(key.sessionVendorId));
      },
      { cacheKeyFn: (key) => key.name.toLowerCase(), name: name('organization') },
    ),
    events: new DataLoader((ids) => mapWithConcurrency(ids, limit, (id) => connector.listEvents(id)), { name: name('events') }),
    progress: new DataLoader((keys) => mapWithConcurrency(keys, limit, (k) => connector.getProgress(k.vendorId, k.running)), { cacheKeyFn: (k) => k.vendorId, name: name('progress') }),
  };
}
