import { badUserInput } from './errors';
import type { ProtectedItemKindValue } from './model';

const PREFIX = 'rs1:';

/** Global ids: opaque, stable across restarts, decoding to (source, vendor id). */
export function encodeGlobalId(sourceId: string, vendorId: string): string {
  return Buffer.from(`${PREFIX}${sourceId}:${vendorId}`, 'utf8').toString('base64url');
}

export interface DecodedGlobalId {
  sourceId: string;
  vendorId: string;
}

export function decodeGlobalId(id: string, argument: string): DecodedGlobalId {
  if (!/^[A-Za-z0-9_-]+$/.test(id)) throw badUserInput(argument, `'${id.slice(0, 80)}' is not a restore session id.`);
  const text = Buffer.from(id, 'base64url').toString('utf8');
  const rest = text.startsWith(PREFIX) ? text.slice(PREFIX.length) : null;
  const sep = rest?.indexOf(':') ?? -1;
  if (!rest || sep <= 0 || sep === rest.length - 1) throw badUserInput(argument, `'${id.slice(0, 80)}' is not a restore session id.`);
  return { sourceId: rest.slice(0, sep), vendorId: rest.slice(sep + 1) };
}

// Discovery ids carry more parts than a session id (a restore point names its item too), and
// vendor ids may hold any character (a SharePoint site id has commas), so their parts travel as a
// JSON array rather than joined by a separator.
const PROTECTED_ITEM = 'pi1';
const RESTORE_POINT = 'rp1';
const KINDS: ReadonlySet<string> = new Set<ProtectedItemKindValue>(['MAILBOX', 'ONEDRIVE', 'SITE', 'USER', 'GROUP', 'TEAM']);

/** What a protected item's global id decodes to. */
export interface ProtectedItemRef {
  sourceId: string;
  kind: ProtectedItemKindValue;
  vendorId: string;
}

/** What a restore point's global id decodes to: its item, and the vendor's id of the point. */
export interface RestorePointRef {
  item: ProtectedItemRef;
  vendorId: string;
}

function encodeParts(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

/** The parts of a discovery id with the given tag, or null when `id` is not one. */
function decodeParts(id: string, tag: string, count: number): string[] | null {
  if (!/^[A-Za-z0-9_-]+$/.test(id)) return null;
  try {
    const value = JSON.parse(Buffer.from(id, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === count && value[0] === tag && value.every((p) => typeof p === 'string' && p.length > 0))
      return value as string[];
  } catch {
    // not JSON: not an id of this kind
  }
  return null;
}

export function encodeProtectedItemId(ref: ProtectedItemRef): string {
  return encodeParts([PROTECTED_ITEM, ref.sourceId, ref.kind, ref.vendorId]);
}

export function encodeRestorePointId(ref: RestorePointRef): string {
  return encodeParts([RESTORE_POINT, ref.item.sourceId, ref.item.kind, ref.item.vendorId, ref.vendorId]);
}

function itemRef(sourceId: string, kind: string, vendorId: string): ProtectedItemRef | null {
  return KINDS.has(kind) ? { sourceId, kind: kind as ProtectedItemKindValue, vendorId } : null;
}

/** A `ProtectedItem.id`, or null when `id` is something else (a caller decides whether that is an error). */
export function parseProtectedItemId(id: string): ProtectedItemRef | null {
  const parts = decodeParts(id, PROTECTED_ITEM, 4);
  return parts ? itemRef(parts[1], parts[2], parts[3]) : null;
}

/** A `RestorePoint.id`, or null when `id` is something else (for instance a vendor's own restore point id). */
export function parseRestorePointId(id: string): RestorePointRef | null {
  const parts = decodeParts(id, RESTORE_POINT, 5);
  const item = parts ? itemRef(parts[1], parts[2], parts[3]) : null;
  return parts && item ? { item, vendorId: parts[4] } : null;
}

export function decodeProtectedItemId(id: string, argument: string): ProtectedItemRef {
  const ref = parseProtectedItemId(id);
  if (!ref) throw badUserInput(argument, `'${id.slice(0, 80)}' is not a protected item id (\`ProtectedItem.id\`).`);
  return ref;
}

export function decodeRestorePointId(id: string, argument: string): RestorePointRef {
  const ref = parseRestorePointId(id);
  if (!ref) throw badUserInput(argument, `'${id.slice(0, 80)}' is not a restore point id (\`RestorePoint.id\`).`);
  return ref;
}
