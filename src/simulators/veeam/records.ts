import type { TickTime } from '../common/timestamps';

export type VeeamSessionType = 'Vex' | 'Veod' | 'Vesp' | 'Vet';

export interface VeeamOrganizationRecord {
  id: string;
  name: string;
  officeName: string;
  type: 'Office365' | 'OnPremises' | 'Hybrid';
  region: 'Worldwide' | 'Germany' | 'China' | 'USDefence' | 'USGovernment' | null;
  isExchangeOnline: boolean;
  isSharePointOnline: boolean;
  isTeamsOnline: boolean;
  firstBackup: TickTime | null;
  lastBackup: TickTime | null;
  /** False for an organisation removed from the server whose old sessions still name it. */
  listed: boolean;
}

export interface VeeamJobRecord {
  id: string;
  name: string;
  organizationId: string;
  /** What the job backs up: users and groups (daily), teams, or SharePoint sites. */
  kind?: 'daily' | 'teams' | 'sharepoint';
}

export interface VeeamEventRecord {
  id: string;
  type: 'None' | 'Save' | 'Export' | 'Send' | 'Restore' | 'View';
  status: 'Running' | 'Success' | 'Warning' | 'Failed' | 'Cancelled' | 'Skipped';
  start: TickTime;
  end: TickTime | null;
  title: string;
  message: string;
  itemName?: string;
  itemType?: string;
  itemSizeBytes: number;
  source?: string;
  target?: string;
}

export interface VeeamSessionRecord {
  id: string;
  name: string;
  organizationId: string;
  /** The organisation's name as printed on the session (`organization`). */
  organizationName: string;
  type: VeeamSessionType;
  creation: TickTime;
  end: TickTime | null;
  /** A Working session may omit `endTime` instead of sending null. */
  omitEndTime: boolean;
  state: string;
  result: string;
  initiatedBy: string;
  details: string;
  scopeName: string;
  clientHost: string;
  reason: string;
  eTag: number;
  /** Events are generated from this seed on demand, so 50,000 sessions stay cheap. */
  eventSeed: number;
  eventCount: number;
  /** Events added at run time (a Stop). */
  extraEvents: VeeamEventRecord[];
  stats: { total: number; restored: number; failed: number; skipped: number };
}

export const SESSION_TYPE_LABEL: Record<VeeamSessionType, string> = { Vex: 'Exchange', Veod: 'OneDrive', Vesp: 'SharePoint', Vet: 'Teams' };

// ---------------------------------------------------------------------------------------------
// Discovery (notes §12.2): what jobs protect, their restore points, and the protected objects.

export type VeeamJobKind = 'daily' | 'teams' | 'sharepoint';

export interface VeeamRepositoryRecord {
  id: string;
  name: string;
}

/** Everything about a job beyond `VeeamJobRecord` (id, name, organisation). */
export interface VeeamJobDetailRecord {
  jobId: string;
  kind: VeeamJobKind;
  description: string;
  repositoryId: string;
  backupType: 'EntireOrganization' | 'SelectedItems';
  dailyTime: string;
  isEnabled: boolean;
  lastStatus: 'Success' | 'Warning' | 'Failed' | 'NotConfigured';
  lastRun: TickTime | null;
  nextRun: TickTime | null;
  lastBackup: TickTime | null;
  eTag: number;
}

interface ProtectedBase {
  /** Veeam's own id of the object (plain string; teams: a GUID). */
  id: string;
  /** Microsoft's id of the object. */
  msid: string;
  displayName: string;
  organizationId: string;
  backedUpOrganizationId: string;
  /** The job that protects it, and the restore point index from which on it is in that job's points. */
  jobId: string;
  sinceIndex: number;
  eTag: number;
}

export interface VeeamProtectedUserRecord extends ProtectedBase {
  email: string;
  accountType: 'User' | 'SharedMailbox' | 'PublicMailbox';
  mailboxId: string;
  archiveMailboxId: string | null;
  oneDriveId: string | null;
  oneDriveUrl: string | null;
}

export interface VeeamProtectedGroupRecord extends ProtectedBase {
  mail: string;
  mailboxId: string;
  siteId: string;
  siteUrl: string;
}

export interface VeeamProtectedSiteRecord extends ProtectedBase {
  url: string;
}

export interface VeeamProtectedTeamRecord extends ProtectedBase {
  description: string;
  mail: string;
}

export interface VeeamRestorePointRecord {
  id: string;
  jobId: string;
  organizationId: string;
  repositoryId: string;
  /** Position in its job's series (0 = first backup). */
  index: number;
  backupTime: TickTime;
  isExchange: boolean;
  isOneDrive: boolean;
  isSharePoint: boolean;
  isTeams: boolean;
  isLongTermCopy: boolean;
  isCopy: boolean;
  isRetrieved: boolean;
  eTag: number;
  objectsEtag: number;
  /** Ids of the protected objects in this point: exactly what the job protected at backupTime. */
  userIds: string[];
  groupIds: string[];
  siteIds: string[];
  teamIds: string[];
}

export interface VeeamDiscoveryData {
  repositories: VeeamRepositoryRecord[];
  jobDetails: VeeamJobDetailRecord[];
  users: VeeamProtectedUserRecord[];
  groups: VeeamProtectedGroupRecord[];
  sites: VeeamProtectedSiteRecord[];
  teams: VeeamProtectedTeamRecord[];
  restorePoints: VeeamRestorePointRecord[];
  /** Veeam's backed-up organisation id and Microsoft tenant id, by organisation id. */
  organizationIds: Record<string, { backedUpOrganizationId: string; msid: string }>;
}
