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
}

export const WORKLOAD_INFO: Record<GraphWorkloadKind, { odataType: string; collection: string; artifactCollection: string; artifactType: string; label: string }> = {
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
