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
