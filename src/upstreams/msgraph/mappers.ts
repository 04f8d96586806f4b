import { encodeGlobalId } from '../../ids';
import { parseInstant } from '../../instant';
import type {
  GraphArtifactModel,
  GraphCollectionKind,
  GraphIdentitySetModel,
  GraphJobTypeValue,
  GraphPublicErrorModel,
  GraphRestoreSessionModel,
  GraphStatusValue,
  Instant,
  ProgressModel,
  RestoreSessionStatusValue,
  WorkloadValue,
} from '../../model';
import type { GraphArtifactDto, GraphIdentitySetDto, GraphPublicErrorDto, GraphRestoreSessionDto } from './types';

/** Graph's restoreSessionStatus; anything the gateway does not know is UNKNOWN_FUTURE_VALUE. */
export function mapGraphStatus(status: string | null | undefined): GraphStatusValue {
  switch (status) {
    case 'draft':
      return 'DRAFT';
    case 'activating':
      return 'ACTIVATING';
    case 'active':
      return 'ACTIVE';
    case 'completedWithError':
      return 'COMPLETED_WITH_ERROR';
    case 'completed':
      return 'COMPLETED';
    case 'failed':
      return 'FAILED';
    default:
      return 'UNKNOWN_FUTURE_VALUE';
  }
}

/** Contract §2 status mapping, Graph column. */
export function toRestoreSessionStatus(status: GraphStatusValue): RestoreSessionStatusValue {
  switch (status) {
    case 'DRAFT':
      return 'DRAFT';
    case 'ACTIVATING':
      return 'ACTIVATING';
    case 'ACTIVE':
      return 'RUNNING';
    case 'COMPLETED':
      return 'COMPLETED';
    case 'COMPLETED_WITH_ERROR':
      return 'COMPLETED_WITH_ISSUES';
    case 'FAILED':
      return 'FAILED';
    case 'UNKNOWN_FUTURE_VALUE':
      return 'UNKNOWN';
    default: {
      const unreachable: never = status;
      return unreachable;
    }
  }
}

export function mapGraphJobType(jobType: string | null | undefined): GraphJobTypeValue | null {
  switch (jobType) {
    case null:
    case undefined:
      return null;
    case 'standard':
      return 'STANDARD';
    case 'bulk':
      return 'BULK';
    case 'granular':
      return 'GRANULAR';
    default:
      return 'UNKNOWN_FUTURE_VALUE';
  }
}

/** The typed collection from `@odata.type`, matched case-insensitively (docs spell `sharepoint`). */
export function graphCollectionOf(odataType: string | undefined): GraphCollectionKind | null {
  switch ((odataType ?? '').replace(/^#/, '').toLowerCase()) {
    case 'microsoft.graph.exchangerestoresession':
      return 'exchange';
    case 'microsoft.graph.onedriveforbusinessrestoresession':
      return 'oneDrive';
    case 'microsoft.graph.sharepointrestoresession':
      return 'sharePoint';
    default:
      return null;
  }
}

export function workloadOfCollection(collection: GraphCollectionKind | null): WorkloadValue | null {
  switch (collection) {
    case 'exchange':
      return 'EXCHANGE';
    case 'oneDrive':
      return 'ONEDRIVE';
    case 'sharePoint':
      return 'SHAREPOINT';
    case null:
      return null;
    default: {
      const unreachable: never = collection;
      return unreachable;
    }
  }
}

const text = (value: string | null | undefined): string | null => (typeof value === 'string' ? value : null);
const instant = (value: string | null | undefined): Instant | null => (typeof value === 'string' ? parseInstant(value) : null);
const count = (value: number | null | undefined): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

function identitySet(dto: GraphIdentitySetDto | null | undefined): GraphIdentitySetModel | null {
  if (!dto) return null;
  const one = (i: GraphIdentitySetDto['user']) => (i ? { id: text(i.id), displayName: text(i.displayName) } : null);
  return { user: one(dto.user), application: one(dto.application), device: one(dto.device) };
}

export function mapGraphPublicError(dto: GraphPublicErrorDto | null | undefined): GraphPublicErrorModel | null {
  if (!dto) return null;
  return {
    code: text(dto.code),
    message: text(dto.message),
    target: text(dto.target),
    details: Array.isArray(dto.details) ? dto.details.map((d) => ({ code: text(d.code), message: text(d.message), target: text(d.target) })) : null,
  };
}

export function progressFromCounts(
  counts: { total: number | null; completed: number | null; failed: number | null; inProgress: number | null } | null,
): ProgressModel | null {
  if (!counts) return null;
  return { total: counts.total ?? 0, completed: counts.completed ?? 0, failed: counts.failed ?? 0, inProgress: counts.inProgress ?? 0 };
}

/** One Graph restore session into the gateway model. */
export function toGraphRestoreSession(sourceId: string, dto: GraphRestoreSessionDto): GraphRestoreSessionModel {
  const graphStatus = mapGraphStatus(dto.status);
  const collection = graphCollectionOf(dto['@odata.type']);
  const rawCounts = dto.restoreSessionArtifactCount;
  const artifactCount = rawCounts
    ? { total: count(rawCounts.total), completed: count(rawCounts.completed), failed: count(rawCounts.failed), inProgress: count(rawCounts.inProgress) }
    : null;
  const createdBy = identitySet(dto.createdBy);
  return {
    __typename: 'GraphRestoreSession',
    id: encodeGlobalId(sourceId, dto.id),
    vendorId: dto.id,
    sourceId,
    vendor: 'MICROSOFT_GRAPH',
    collection,
    workload: workloadOfCollection(collection),
    status: toRestoreSessionStatus(graphStatus),
    graphStatus,
    restoreJobType: mapGraphJobType(dto.restoreJobType),
    artifactCount,
    createdAt: instant(dto.createdDateTime),
    completedAt: instant(dto.completedDateTime),
    lastModifiedAt: instant(dto.lastModifiedDateTime),
    initiatedBy: createdBy?.user?.displayName ?? createdBy?.application?.displayName ?? null,
    revision: text(dto.lastModifiedDateTime),
    createdBy,
    lastModifiedBy: identitySet(dto.lastModifiedBy),
    error: mapGraphPublicError(dto.error),
  };
}

export function toGraphArtifact(dto: GraphArtifactDto): GraphArtifactModel {
  return {
    id: dto.id,
    status: text(dto.status),
    protectedResourceId: text(dto.restorePoint?.protectionUnit?.id) ?? text(dto.restoredSiteId) ?? null,
    restorePointId: text(dto.restorePoint?.id),
    destinationType: text(dto.destinationType),
    startedAt: instant(dto.startDateTime),
    completedAt: instant(dto.completionDateTime),
    error: mapGraphPublicError(dto.error),
  };
}
