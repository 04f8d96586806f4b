import { encodeProtectedItemId } from '../../ids';
import { restorePointOf } from '../discovery';
import { parseInstant } from '../../instant';
import type { Instant, ProtectedItemKindValue, ProtectedItemModel, RestorePointModel, VeeamJobModel } from '../../model';
import type {
  VeeamJobDto,
  VeeamPointMailboxDto,
  VeeamPointOneDriveDto,
  VeeamPointSiteDto,
  VeeamPointTeamDto,
  VeeamProtectedObjectDto,
  VeeamRestorePointDto,
} from './discoveryTypes';

const text = (value: string | null | undefined): string | null => (typeof value === 'string' && value !== '' ? value : null);
const instant = (value: string | null | undefined): Instant | null => (typeof value === 'string' ? parseInstant(value) : null);

/** The v6/v7 lists of one restore point (`/RestorePoints/{id}/mailboxes` …), by what they hold. */
export type PointContentsList = 'mailboxes' | 'onedrives' | 'webs' | 'teams';

export const CONTENTS_LIST: Partial<Record<ProtectedItemKindValue, PointContentsList>> = {
  MAILBOX: 'mailboxes',
  ONEDRIVE: 'onedrives',
  SITE: 'webs',
  TEAM: 'teams',
};

/** The lists worth asking a v6/v7 restore point for, from the workloads it says it holds. */
export function contentsListsOf(point: VeeamRestorePointDto): PointContentsList[] {
  return [
    ...(point.isExchange ? (['mailboxes'] as const) : []),
    ...(point.isOneDrive ? (['onedrives'] as const) : []),
    ...(point.isSharePoint ? (['webs'] as const) : []),
    ...(point.isTeams ? (['teams'] as const) : []),
  ];
}

/** One object a v6/v7 restore point holds: enough to list it as a protected item (cached as is). */
export interface PointObject {
  kind: ProtectedItemKindValue;
  vendorId: string;
  displayName: string;
  address: string | null;
}

/** A v6/v7 per-restore-point list as objects; entries without an id are left out (nothing could be restored by them). */
export function toPointObjects(list: PointContentsList, dtos: readonly unknown[]): PointObject[] {
  const objects: Array<PointObject | null> = dtos.map((raw) => {
    if (!raw || typeof raw !== 'object') return null;
    switch (list) {
      case 'mailboxes': {
        const dto = raw as VeeamPointMailboxDto;
        const id = text(dto.id);
        return id ? { kind: 'MAILBOX', vendorId: id, displayName: text(dto.displayName) ?? text(dto.email) ?? id, address: text(dto.email) } : null;
      }
      case 'onedrives': {
        const dto = raw as VeeamPointOneDriveDto;
        const id = text(dto.id);
        return id ? { kind: 'ONEDRIVE', vendorId: id, displayName: text(dto.name) ?? text(dto.url) ?? id, address: text(dto.url) } : null;
      }
      case 'webs': {
        const dto = raw as VeeamPointSiteDto;
        const id = text(dto.siteId);
        return id ? { kind: 'SITE', vendorId: id, displayName: text(dto.name) ?? text(dto.url) ?? id, address: text(dto.url) } : null;
      }
      case 'teams': {
        const dto = raw as VeeamPointTeamDto;
        const id = text(dto.id);
        return id ? { kind: 'TEAM', vendorId: id, displayName: text(dto.displayName) ?? id, address: null } : null;
      }
      default: {
        const unreachable: never = list;
        return unreachable;
      }
    }
  });
  return objects.filter((o): o is PointObject => o !== null);
}

export function toVeeamProtectedItem(
  sourceId: string,
  object: PointObject,
  placement: { organizationId: string | null; jobId: string | null },
): ProtectedItemModel {
  return {
    __typename: 'ProtectedItem',
    id: encodeProtectedItemId({ sourceId, kind: object.kind, vendorId: object.vendorId }),
    vendorId: object.vendorId,
    sourceId,
    vendor: 'VEEAM',
    kind: object.kind,
    displayName: object.displayName,
    address: object.address,
    organizationId: placement.organizationId,
    jobId: placement.jobId,
    policyName: null,
    protectionStatus: null,
  };
}

/** v8 protected objects: what each list holds, and the `/RestorePoints` filter that finds an object's points. */
export const PROTECTED_LISTS = {
  USER: { path: '/ProtectedUsers', filter: 'userId' },
  GROUP: { path: '/ProtectedGroups', filter: 'groupId' },
  SITE: { path: '/ProtectedSites', filter: 'siteId' },
  TEAM: { path: '/ProtectedTeams', filter: 'teamId' },
} as const;

export type ProtectedObjectKind = keyof typeof PROTECTED_LISTS;

/** A v8 protected object as an item: a user or group is reached by its (non-archive) mailbox address, a site by its URL. */
export function fromProtectedObject(
  sourceId: string,
  kind: ProtectedObjectKind,
  dto: VeeamProtectedObjectDto,
): PointObject & { organizationId: string | null } {
  const id = dto.id as string;
  const mailbox = dto.mailboxes?.find((m) => m && !m.isArchive && text(m.email)) ?? dto.mailboxes?.find((m) => m && text(m.email));
  const address = kind === 'SITE' ? text(dto.url) : kind === 'TEAM' ? null : text(mailbox?.email);
  return { kind, vendorId: id, displayName: text(dto.displayName) ?? address ?? id, address, organizationId: text(dto.organizationId) };
}

/** A restore point as the gateway needs it: its id and its backup time; null without either. */
export interface VeeamPointTime {
  vendorId: string;
  createdAt: Instant;
}

export function toVeeamPointTime(dto: VeeamRestorePointDto): VeeamPointTime | null {
  const vendorId = text(dto.id);
  const createdAt = instant(dto.backupTime);
  return vendorId && createdAt ? { vendorId, createdAt } : null;
}

/** Newest first at full precision, then by id. */
export function newestPointFirst(a: VeeamPointTime, b: VeeamPointTime): number {
  if (a.createdAt.key !== b.createdAt.key) return a.createdAt.key < b.createdAt.key ? 1 : -1;
  return a.vendorId < b.vendorId ? -1 : a.vendorId > b.vendorId ? 1 : 0;
}

/** A (job's) restore point as one of an item's restore points. */
export function toVeeamRestorePoint(item: ProtectedItemModel, point: VeeamPointTime): RestorePointModel {
  return restorePointOf(item, point.vendorId, point.createdAt, null);
}

/** A backup job; v6/v7 jobs do not name their organisation, so the one they were listed under is given. */
export function toVeeamJob(sourceId: string, dto: VeeamJobDto, listedUnder: string | null): VeeamJobModel | null {
  const id = text(dto.id);
  if (!id) return null;
  return {
    id,
    sourceId,
    name: text(dto.name) ?? id,
    description: text(dto.description),
    organizationId: text(dto.organizationId) ?? listedUnder,
    lastRun: instant(dto.lastRun),
    nextRun: instant(dto.nextRun),
    lastBackup: instant(dto.lastBackup),
    lastStatus: text(dto.lastStatus),
    isEnabled: typeof dto.isEnabled === 'boolean' ? dto.isEnabled : null,
  };
}
