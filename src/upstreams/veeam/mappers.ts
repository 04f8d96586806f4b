import { UnmappableItemError } from '../../errors';
import { encodeGlobalId } from '../../ids';
import { parseInstant } from '../../instant';
import type {
  Instant,
  ProgressModel,
  RestoreSessionStatusValue,
  VeeamEventModel,
  VeeamOrganizationModel,
  VeeamRestoreSessionModel,
  VeeamResultValue,
  VeeamStateValue,
  VeeamTypeValue,
  WorkloadValue,
} from '../../model';
import type { VeeamEventDto, VeeamOrganizationDto, VeeamRestoreSessionDto, VeeamStatisticsDto } from './types';

export function mapVeeamState(state: string | null | undefined): VeeamStateValue {
  switch (state) {
    case 'Working':
      return 'WORKING';
    case 'Stopped':
      return 'STOPPED';
    case 'Starting':
      return 'STARTING';
    case 'Stopping':
      return 'STOPPING';
    default:
      return 'UNKNOWN';
  }
}

export function mapVeeamResult(result: string | null | undefined): VeeamResultValue | null {
  switch (result) {
    case 'Success':
      return 'SUCCESS';
    case 'Warning':
      return 'WARNING';
    case 'Failed':
      return 'FAILED';
    default:
      return null;
  }
}

/**
 * Veeam `type`: Vex, Veod, Vesp, Vet. The schema makes `veeamType` non-null, so an unknown type
 * (none exists in v6-v8) cannot be represented; it is reported as a mapping failure by the caller.
 */
export function mapVeeamType(type: string | null | undefined): VeeamTypeValue | null {
  switch (type) {
    case 'Vex':
      return 'VEX';
    case 'Veod':
      return 'VEOD';
    case 'Vesp':
      return 'VESP';
    case 'Vet':
      return 'VET';
    default:
      return null;
  }
}

export function workloadOfVeeamType(type: VeeamTypeValue | null): WorkloadValue | null {
  switch (type) {
    case 'VEX':
      return 'EXCHANGE';
    case 'VEOD':
      return 'ONEDRIVE';
    case 'VESP':
      return 'SHAREPOINT';
    case 'VET':
      return 'TEAMS';
    case null:
      return null;
    default: {
      const unreachable: never = type;
      return unreachable;
    }
  }
}

/** Contract §2 status mapping, Veeam column: state first (Working ignores result, gotcha G5). */
export function toVeeamRestoreSessionStatus(state: VeeamStateValue, result: VeeamResultValue | null): RestoreSessionStatusValue {
  switch (state) {
    case 'WORKING':
    case 'STARTING':
    case 'STOPPING':
      return 'RUNNING';
    case 'STOPPED':
      switch (result) {
        case 'SUCCESS':
          return 'COMPLETED';
        case 'WARNING':
          return 'COMPLETED_WITH_ISSUES';
        case 'FAILED':
          return 'FAILED';
        case null:
          return 'UNKNOWN';
        default: {
          const unreachable: never = result;
          return unreachable;
        }
      }
    case 'UNKNOWN':
      return 'UNKNOWN';
    default: {
      const unreachable: never = state;
      return unreachable;
    }
  }
}

const text = (value: string | null | undefined): string | null => (typeof value === 'string' ? value : null);
const instant = (value: string | null | undefined): Instant | null => (typeof value === 'string' ? parseInstant(value) : null);

export function toVeeamRestoreSession(sourceId: string, dto: VeeamRestoreSessionDto): VeeamRestoreSessionModel {
  const state = mapVeeamState(dto.state);
  const result = mapVeeamResult(dto.result);
  const veeamType = mapVeeamType(dto.type);
  if (!veeamType) throw new UnmappableItemError(`restore session ${dto.id} has an unknown type`);
  return {
    __typename: 'VeeamRestoreSession',
    id: encodeGlobalId(sourceId, dto.id),
    vendorId: dto.id,
    sourceId,
    vendor: 'VEEAM',
    workload: workloadOfVeeamType(veeamType),
    status: toVeeamRestoreSessionStatus(state, result),
    createdAt: instant(dto.creationTime),
    completedAt: instant(dto.endTime),
    initiatedBy: text(dto.initiatedBy),
    revision: typeof dto.eTag === 'number' || typeof dto.eTag === 'string' ? String(dto.eTag) : null,
    name: text(dto.name),
    veeamType,
    state,
    result,
    organizationName: text(dto.organization),
    details: text(dto.details),
    scopeName: text(dto.scopeName),
    clientHost: text(dto.clientHost),
    reason: text(dto.reason),
  };
}

export function toVeeamEvent(dto: VeeamEventDto): VeeamEventModel {
  return {
    id: dto.id,
    type: text(dto.type),
    status: text(dto.status),
    title: text(dto.title),
    message: text(dto.message),
    itemName: text(dto.itemName),
    startTime: instant(dto.startTime),
    endTime: instant(dto.endTime),
    duration: text(dto.duration),
    order: typeof dto.order === 'number' ? dto.order : null,
  };
}

export function toVeeamOrganization(sourceId: string, dto: VeeamOrganizationDto): VeeamOrganizationModel | null {
  if (typeof dto.id !== 'string' || typeof dto.name !== 'string') return null;
  return { id: dto.id, name: dto.name, type: text(dto.type), sourceId };
}

/** v8 `/Statistics` into progress: restored = completed, failed, skipped counted as done. */
export function progressFromStatistics(dto: VeeamStatisticsDto, running: boolean): ProgressModel {
  const total = dto.totalItemsCount ?? 0;
  const completed = (dto.restoredItemsCount ?? 0) + (dto.skippedItemsCount ?? 0);
  const failed = dto.failedItemsCount ?? 0;
  return { total, completed, failed, inProgress: running ? Math.max(0, total - completed - failed) : 0 };
}
