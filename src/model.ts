/**
 * The gateway's own model of what the upstreams return, independent of wire formats. Resolver
 * types map GraphQL types onto these (codegen `mappers`); the vendor mappers build them.
 */

export type VendorValue = 'MICROSOFT_GRAPH' | 'VEEAM';
export type WorkloadValue = 'EXCHANGE' | 'ONEDRIVE' | 'SHAREPOINT' | 'TEAMS';
export type RestoreSessionStatusValue = 'DRAFT' | 'ACTIVATING' | 'RUNNING' | 'COMPLETED' | 'COMPLETED_WITH_ISSUES' | 'FAILED' | 'UNKNOWN';
export type SourceHealthValue = 'UP' | 'DEGRADED' | 'DOWN';

/** The enums' values in the schema's declaration order (unknown workload last), for stable listings. */
export const STATUS_ORDER: readonly RestoreSessionStatusValue[] = ['DRAFT', 'ACTIVATING', 'RUNNING', 'COMPLETED', 'COMPLETED_WITH_ISSUES', 'FAILED', 'UNKNOWN'];
export const VENDOR_ORDER: readonly VendorValue[] = ['MICROSOFT_GRAPH', 'VEEAM'];
export const WORKLOAD_ORDER: ReadonlyArray<WorkloadValue | null> = ['EXCHANGE', 'ONEDRIVE', 'SHAREPOINT', 'TEAMS', null];

/** A timestamp as the upstream sent it, reduced to what the gateway needs. */
export interface Instant {
  /** Milliseconds since the epoch (what DateTime prints). */
  epochMs: number;
  /** Sortable text at the upstream's full precision (up to nanoseconds). */
  key: string;
}

export interface ProgressModel {
  total: number;
  completed: number;
  failed: number;
  inProgress: number;
}

interface RestoreSessionCommon {
  /** Global id (opaque). */
  id: string;
  vendorId: string;
  sourceId: string;
  workload: WorkloadValue | null;
  status: RestoreSessionStatusValue;
  createdAt: Instant | null;
  completedAt: Instant | null;
  initiatedBy: string | null;
  /** The upstream's version of the session where it has one (Veeam v8 eTag, Graph lastModifiedDateTime): a cheap "did it change". */
  revision: string | null;
}

export interface GraphIdentityModel {
  id: string | null;
  displayName: string | null;
}

export interface GraphIdentitySetModel {
  user: GraphIdentityModel | null;
  application: GraphIdentityModel | null;
  device: GraphIdentityModel | null;
}

export interface GraphPublicErrorModel {
  code: string | null;
  message: string | null;
  target: string | null;
  details: Array<{ code: string | null; message: string | null; target: string | null }> | null;
}

export type GraphStatusValue = 'DRAFT' | 'ACTIVATING' | 'ACTIVE' | 'COMPLETED_WITH_ERROR' | 'COMPLETED' | 'FAILED' | 'UNKNOWN_FUTURE_VALUE';
export type GraphJobTypeValue = 'STANDARD' | 'BULK' | 'GRANULAR' | 'UNKNOWN_FUTURE_VALUE';
/** Which typed collection holds the session: decides the artifact path. */
export type GraphCollectionKind = 'exchange' | 'oneDrive' | 'sharePoint';

export interface GraphRestoreSessionModel extends RestoreSessionCommon {
  __typename: 'GraphRestoreSession';
  vendor: 'MICROSOFT_GRAPH';
  collection: GraphCollectionKind | null;
  graphStatus: GraphStatusValue;
  restoreJobType: GraphJobTypeValue | null;
  /** Graph's restoreSessionArtifactCount; `progress` is derived from it when asked for. */
  artifactCount: { total: number | null; completed: number | null; failed: number | null; inProgress: number | null } | null;
  createdBy: GraphIdentitySetModel | null;
  lastModifiedBy: GraphIdentitySetModel | null;
  lastModifiedAt: Instant | null;
  error: GraphPublicErrorModel | null;
}

export type VeeamTypeValue = 'VEX' | 'VEOD' | 'VESP' | 'VET';
export type VeeamStateValue = 'WORKING' | 'STOPPED' | 'STARTING' | 'STOPPING' | 'UNKNOWN';
export type VeeamResultValue = 'SUCCESS' | 'WARNING' | 'FAILED';

export interface VeeamRestoreSessionModel extends RestoreSessionCommon {
  __typename: 'VeeamRestoreSession';
  vendor: 'VEEAM';
  name: string | null;
  veeamType: VeeamTypeValue;
  state: VeeamStateValue;
  result: VeeamResultValue | null;
  organizationName: string | null;
  details: string | null;
  scopeName: string | null;
  clientHost: string | null;
  reason: string | null;
  /** Live progress carried by a subscription update (absent: read `/Statistics` when asked). */
  progress?: ProgressModel | null;
}

export type RestoreSessionModel = GraphRestoreSessionModel | VeeamRestoreSessionModel;

export interface SourceModel {
  id: string;
  name: string;
  vendor: VendorValue;
}

export interface VeeamOrganizationModel {
  id: string;
  name: string;
  type: string | null;
  /** The Veeam server (source) that lists it. */
  sourceId: string;
}

export interface VeeamEventModel {
  id: string;
  type: string | null;
  status: string | null;
  title: string | null;
  message: string | null;
  itemName: string | null;
  startTime: Instant | null;
  endTime: Instant | null;
  duration: string | null;
  order: number | null;
}

export interface GraphArtifactModel {
  id: string;
  status: string | null;
  protectedResourceId: string | null;
  restorePointId: string | null;
  destinationType: string | null;
  startedAt: Instant | null;
  completedAt: Instant | null;
  error: GraphPublicErrorModel | null;
}

/** A page of any Relay connection before field resolution; cursors are encoded only if asked for. */
export interface ConnectionModel<T> {
  items: T[];
  cursorOf: (item: T, index: number) => string;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  totalCount: number;
}

export interface RestoreSessionStatsModel {
  total: number;
  byStatus: Array<{ status: RestoreSessionStatusValue; count: number }>;
  byVendor: Array<{ vendor: VendorValue; count: number }>;
  byWorkload: Array<{ workload: WorkloadValue | null; count: number }>;
  bySource: Array<{ source: SourceModel; count: number }>;
}

export const TERMINAL_STATUSES: ReadonlySet<RestoreSessionStatusValue> = new Set(['COMPLETED', 'COMPLETED_WITH_ISSUES', 'FAILED']);

// ---------------------------------------------------------------------------------------------
// Discovery: what the sources protect, and the restore points a restore starts from.

export type ProtectedItemKindValue = 'MAILBOX' | 'ONEDRIVE' | 'SITE' | 'USER' | 'GROUP' | 'TEAM';

/** Something a source backs up (a Graph protection unit, a Veeam protected object), as discovery found it. */
export interface ProtectedItemModel {
  __typename: 'ProtectedItem';
  /** Global id (opaque): source, kind and the vendor's id. */
  id: string;
  vendorId: string;
  sourceId: string;
  vendor: VendorValue;
  kind: ProtectedItemKindValue;
  displayName: string;
  /** E-mail address or site URL, where the vendor gives one. */
  address: string | null;
  /** Veeam: the organisation's GUID; null for Graph. */
  organizationId: string | null;
  /** Veeam v6/v7: the backup job whose restore points hold the item (its points are found through the job). */
  jobId: string | null;
  /** Graph: the protection policy's display name; null for Veeam. */
  policyName: string | null;
  /** Graph: the protection unit's status as sent (e.g. `protected`); null for Veeam. */
  protectionStatus: string | null;
}

/** A point in time one protected item can be restored to. */
export interface RestorePointModel {
  /** Global id (opaque): source, item and the vendor's restore point id. */
  id: string;
  vendorId: string;
  sourceId: string;
  vendor: VendorValue;
  createdAt: Instant;
  /** Graph's expirationDateTime; null for Veeam (retention is the repository's). */
  expiresAt: Instant | null;
  protectedItem: ProtectedItemModel;
}

/** A Veeam backup job. */
export interface VeeamJobModel {
  id: string;
  sourceId: string;
  name: string;
  description: string | null;
  /** v8 sends it on the job; on v6/v7 it is the organisation the job was listed under. */
  organizationId: string | null;
  lastRun: Instant | null;
  nextRun: Instant | null;
  /** v8 only. */
  lastBackup: Instant | null;
  lastStatus: string | null;
  isEnabled: boolean | null;
}

/** Whatever `node(id)` can return. */
export type NodeModel = RestoreSessionModel | ProtectedItemModel;
