import { encodeProtectedItemId } from '../../ids';
import { restorePointOf } from '../discovery';
import { parseInstant } from '../../instant';
import type { ProtectedItemKindValue, ProtectedItemModel, RestorePointModel } from '../../model';
import type { GraphProtectionUnitDto, GraphRestorePointDto } from './discoveryTypes';
import type { FoundRestorePoint } from './restorePointSearch';

/** The protected item kind of a unit, from its `@odata.type` (case-insensitive); null for a type this gateway cannot restore. */
export function protectedItemKindOfUnit(odataType: string | undefined): ProtectedItemKindValue | null {
  switch ((odataType ?? '').replace(/^#/, '').toLowerCase()) {
    case 'microsoft.graph.mailboxprotectionunit':
      return 'MAILBOX';
    case 'microsoft.graph.driveprotectionunit':
      return 'ONEDRIVE';
    case 'microsoft.graph.siteprotectionunit':
      return 'SITE';
    default:
      return null;
  }
}

const text = (value: string | null | undefined): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * One protection unit as a protected item. Mailbox and drive units carry a display name and an
 * e-mail only when Graph sends them (delegated permissions, notes §7.3); otherwise the item is
 * named by its directory object id. Null for a unit type the schema has no kind for (a future
 * one): discovery lists what the gateway can restore rather than failing the whole tenant.
 */
export function toGraphProtectedItem(sourceId: string, dto: GraphProtectionUnitDto, policyNames: ReadonlyMap<string, string>): ProtectedItemModel | null {
  const kind = protectedItemKindOfUnit(dto['@odata.type']);
  if (!kind) return null;
  const address = kind === 'SITE' ? text(dto.siteWebUrl) : text(dto.email);
  const displayName =
    (kind === 'SITE' ? (text(dto.siteName) ?? text(dto.siteId)) : (text(dto.displayName) ?? text(dto.directoryObjectId))) ?? address ?? dto.id;
  return {
    __typename: 'ProtectedItem',
    id: encodeProtectedItemId({ sourceId, kind, vendorId: dto.id }),
    vendorId: dto.id,
    sourceId,
    vendor: 'MICROSOFT_GRAPH',
    kind,
    displayName,
    address,
    organizationId: null,
    jobId: null,
    policyName: dto.policyId ? (policyNames.get(dto.policyId.toLowerCase()) ?? null) : null,
    protectionStatus: text(dto.status),
  };
}

/**
 * A search result's restore point, attributed to its (expanded) protection unit; a point without
 * one belongs to the only unit asked about, or cannot be placed (null). Null too without an id or
 * a readable protectionDateTime.
 */
export function toFoundRestorePoint(dto: GraphRestorePointDto | null | undefined, soleUnitId: string | null): FoundRestorePoint | null {
  const id = text(dto?.id);
  const createdText = text(dto?.protectionDateTime);
  const createdAt = createdText ? parseInstant(createdText) : null;
  const unitId = text(dto?.protectionUnit?.id) ?? soleUnitId;
  if (!id || !createdText || !createdAt || !unitId) return null;
  const expiresText = text(dto?.expirationDateTime);
  return { id, unitId, createdAt, createdText, expiresAt: expiresText ? parseInstant(expiresText) : null };
}

export function toGraphRestorePoint(item: ProtectedItemModel, point: FoundRestorePoint): RestorePointModel {
  return restorePointOf(item, point.id, point.createdAt, point.expiresAt);
}
