import { createHash } from 'node:crypto';

/**
 * Cache keys name the data and whose credentials fetched it: the source's id, and a hash of its
 * vendor, upstream and the account the gateway uses there (`identity`, given by the connector). Two gateways with different credentials for the same
 * source id (or one re-configured) never read each other's entries. Callers of the gateway do
 * not scope data (every caller sees what the gateway's credentials see), so no caller id is in
 * the key; a per-caller filter would have to add one.
 */
export function sourceScope(sourceId: string, identity: string): string {
  const hash = createHash('sha256').update(identity).digest('base64url').slice(0, 12);
  return `${sourceId}:${hash}`;
}

export const cacheKeys = {
  session: (scope: string, vendorId: string) => `rsgw:v1:session:${scope}:${vendorId.toLowerCase()}`,
  organizations: (scope: string) => `rsgw:v1:orgs:${scope}`,
  organizationByName: (scope: string, name: string) => `rsgw:v1:org:${scope}:${name.toLowerCase()}`,
  events: (scope: string, vendorId: string) => `rsgw:v1:events:${scope}:${vendorId.toLowerCase()}`,
  artifacts: (scope: string, vendorId: string) => `rsgw:v1:artifacts:${scope}:${vendorId.toLowerCase()}`,
  statistics: (scope: string, vendorId: string) => `rsgw:v1:statistics:${scope}:${vendorId.toLowerCase()}`,
  snapshot: (scope: string) => `rsgw:v1:snapshot:${scope}`,
  /** Every item a source protects (its discovery catalogue). */
  protectedItems: (scope: string) => `rsgw:v1:protected:${scope}`,
  /** A Veeam server's backup jobs. */
  jobs: (scope: string) => `rsgw:v1:jobs:${scope}`,
  /** What one Veeam v6/v7 restore point holds of one kind (`mailboxes`, `webs` …): it never changes. */
  restorePointContents: (scope: string, restorePointId: string, list: string) => `rsgw:v1:rpcontents:${scope}:${restorePointId.toLowerCase()}:${list}`,
};

/** The Redis channel on which replicas tell each other to drop a source's snapshot. */
export const INVALIDATION_CHANNEL = 'rsgw:v1:invalidate';

/** Every cached entry about one session, for invalidation after a write. */
export function sessionKeys(scope: string, vendorId: string): string[] {
  return [cacheKeys.session(scope, vendorId), cacheKeys.events(scope, vendorId), cacheKeys.artifacts(scope, vendorId), cacheKeys.statistics(scope, vendorId)];
}
