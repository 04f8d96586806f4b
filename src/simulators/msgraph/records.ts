import type { TickTime } from '../common/timestamps';

export type GraphWorkloadKind = 'exchange' | 'oneDrive' | 'sharePoint';
export type GraphSessionStatus = 'draft' | 'activating' | 'active' | 'completedWithError' | 'completed' | 'failed' | 'unknownFutureValue';
export type GraphArtifactStatus = 'added' | 'scheduling' | 'scheduled' | 'inProgress' | 'succeeded' | 'failed';

export interface GraphIdentity {
  id: string;
  displayName: string;
}

export interface GraphIdentitySetRecord {
  user?: GraphIdentity;
  application?: GraphIdentity;
}

export interface GraphPublicErrorRecord {
  code: string;
  message: string;
  target: string | null;
  details: Array<{ code: string; message: string; target: string | null }>;
}

export interface GraphArtifactCounts {
  total: number;
  completed: number;
  failed: number;
  inProgress: number;
}

export interface GraphArtifactRecord {
  id: string;
  protectedResourceId: string;
  restorePointId: string;
  protectionTime: TickTime;
  /** The restore point's expiry, when it came from the discovery data. */
  expirationTime?: TickTime;
  destinationType: 'new' | 'inPlace';
  /** Decided at creation: whether this artifact's restore will fail once it runs. */
  willFail: boolean;
  /** For seeded sessions whose history is fixed. */
  fixedStatus?: GraphArtifactStatus;
  fixedStart?: TickTime | null;
  fixedCompletion?: TickTime | null;
}

export interface GraphSessionRecord {
  id: string;
  workload: GraphWorkloadKind;
  /** The exact `@odata.type` text sent (a few seeded sessions use the docs' lower-case spelling). */
  odataType: string;
  /** Stored status; for activated sessions the lifecycle computes it from the clock. */
  status: GraphSessionStatus;
  restoreJobType: 'standard' | 'bulk' | 'granular' | null;
  created: TickTime | null;
  /** Overrides how createdDateTime is printed (odd but valid forms: 2 digits, an offset). */
  createdText?: string;
  createdBy: GraphIdentitySetRecord | null;
  lastModified: TickTime | null;
  lastModifiedBy: GraphIdentitySetRecord | null;
  completed: TickTime | null;
  error: GraphPublicErrorRecord | null;
  /** Null: the upstream omits restoreSessionArtifactCount for this session. */
  countsHidden: boolean;
  /** Artifacts of sessions created through the API; seeded sessions generate theirs on demand. */
  artifacts: GraphArtifactRecord[];
  /** For seeded sessions: how to regenerate the artifacts, and their fixed counts. */
  seeded?: { artifactSeed: number; artifactCount: number; failedCount: number; counts: GraphArtifactCounts };
  /** Simulated time of activation; set only for sessions activated through the API. */
  activatedAtMs?: number;
  /** Artifact counts set by a test (`GraphStore.updateSession`); win over the computed ones. */
  countsOverride?: GraphArtifactCounts;
}

export const WORKLOAD_INFO: Record<
  GraphWorkloadKind,
  { odataType: string; collection: string; artifactCollection: string; artifactType: string; label: string }
> = {
  exchange: {
    odataType: '#microsoft.graph.exchangeRestoreSession',
    collection: 'exchangeRestoreSessions',
    artifactCollection: 'mailboxRestoreArtifacts',
    artifactType: '#microsoft.graph.mailboxRestoreArtifact',
    label: 'mailbox',
  },
  oneDrive: {
    odataType: '#microsoft.graph.oneDriveForBusinessRestoreSession',
    collection: 'oneDriveForBusinessRestoreSessions',
    artifactCollection: 'driveRestoreArtifacts',
    artifactType: '#microsoft.graph.driveRestoreArtifact',
    label: 'drive',
  },
  sharePoint: {
    odataType: '#microsoft.graph.sharePointRestoreSession',
    collection: 'sharePointRestoreSessions',
    artifactCollection: 'siteRestoreArtifacts',
    artifactType: '#microsoft.graph.siteRestoreArtifact',
    label: 'site',
  },
};

export function workloadByCollection(collection: string): GraphWorkloadKind | undefined {
  const lower = collection.toLowerCase();
  return (Object.keys(WORKLOAD_INFO) as GraphWorkloadKind[]).find((w) => WORKLOAD_INFO[w].collection.toLowerCase() === lower);
}

export const TERMINAL_STATUSES: ReadonlySet<GraphSessionStatus> = new Set(['completed', 'completedWithError', 'failed']);

// ---------------------------------------------------------------------------------------------
// Discovery: protection policies, protection units and restore points (notes §7).

export type GraphUnitKind = 'mailbox' | 'drive' | 'site';
export type GraphPolicyKind = 'exchange' | 'oneDrive' | 'sharePoint';
export type GraphPolicyStatus = 'inactive' | 'activeWithErrors' | 'updating' | 'active' | 'unknownFutureValue';
export type GraphUnitStatus = 'protectRequested' | 'protected' | 'unprotectRequested' | 'unprotected' | 'removeRequested' | 'unknownFutureValue';

export interface GraphPolicyRecord {
  id: string;
  kind: GraphPolicyKind;
  displayName: string;
  status: GraphPolicyStatus;
  retentionSettings: Array<{ interval: string; period: string }>;
  created: TickTime;
  createdBy: GraphIdentitySetRecord;
  lastModified: TickTime;
  lastModifiedBy: GraphIdentitySetRecord;
}

export interface GraphUnitRecord {
  id: string;
  kind: GraphUnitKind;
  policyId: string;
  status: GraphUnitStatus;
  /** Mailbox and drive units. */
  directoryObjectId?: string;
  displayName?: string;
  email?: string;
  /** Site units. */
  siteId?: string;
  siteName?: string;
  siteWebUrl?: string;
  created: TickTime;
  createdBy: GraphIdentitySetRecord;
  lastModified: TickTime;
  lastModifiedBy: GraphIdentitySetRecord;
}

export interface GraphRestorePointRecord {
  id: string;
  /** Every restore point belongs to exactly one protection unit. */
  unitId: string;
  protection: TickTime;
  expiration: TickTime;
  tags: 'none' | 'fastRestore';
}

export interface GraphServiceStatusRecord {
  status: 'disabled' | 'enabled' | 'protectionChangeLocked' | 'restoreLocked' | 'unknownFutureValue';
  disableReason: 'none' | 'invalidBillingProfile' | 'userRequested' | 'unknownFutureValue';
  backupServiceConsumer: 'unknown' | 'firstparty' | 'thirdparty' | 'unknownFutureValue';
  gracePeriod: TickTime | null;
  restoreAllowedTill: TickTime | null;
  lastModified: TickTime;
  lastModifiedBy: GraphIdentitySetRecord;
}

export interface GraphDiscoveryData {
  serviceStatus: GraphServiceStatusRecord;
  policies: GraphPolicyRecord[];
  units: GraphUnitRecord[];
  restorePoints: GraphRestorePointRecord[];
}

export const UNIT_INFO: Record<
  GraphUnitKind,
  { odataType: string; collection: string; cast: string; policyKind: GraphPolicyKind; workload: GraphWorkloadKind }
> = {
  mailbox: {
    odataType: '#microsoft.graph.mailboxProtectionUnit',
    collection: 'mailboxProtectionUnits',
    cast: 'microsoft.graph.mailboxProtectionUnit',
    policyKind: 'exchange',
    workload: 'exchange',
  },
  drive: {
    odataType: '#microsoft.graph.driveProtectionUnit',
    collection: 'driveProtectionUnits',
    cast: 'microsoft.graph.driveProtectionUnit',
    policyKind: 'oneDrive',
    workload: 'oneDrive',
  },
  site: {
    odataType: '#microsoft.graph.siteProtectionUnit',
    collection: 'siteProtectionUnits',
    cast: 'microsoft.graph.siteProtectionUnit',
    policyKind: 'sharePoint',
    workload: 'sharePoint',
  },
};

export const POLICY_INFO: Record<GraphPolicyKind, { odataType: string; collection: string; unitKind: GraphUnitKind }> = {
  exchange: { odataType: '#microsoft.graph.exchangeProtectionPolicy', collection: 'exchangeProtectionPolicies', unitKind: 'mailbox' },
  oneDrive: { odataType: '#microsoft.graph.oneDriveForBusinessProtectionPolicy', collection: 'oneDriveForBusinessProtectionPolicies', unitKind: 'drive' },
  sharePoint: { odataType: '#microsoft.graph.sharePointProtectionPolicy', collection: 'sharePointProtectionPolicies', unitKind: 'site' },
};

/** The unit kind whose restore points a session of this workload restores. */
export const WORKLOAD_UNIT: Record<GraphWorkloadKind, GraphUnitKind> = { exchange: 'mailbox', oneDrive: 'drive', sharePoint: 'site' };
