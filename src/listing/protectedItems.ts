import { badUserInput } from '../errors';
import type { ConnectionModel, ProtectedItemKindValue, ProtectedItemModel, VendorValue } from '../model';

/** Longest `filter.search` accepted: an e-mail address or a site URL fits with room to spare. */
export const MAX_SEARCH_LENGTH = 200;

/** The filter as GraphQL hands it over. */
export interface ProtectedItemFilterInput {
  sourceIds?: string[] | null;
  vendors?: VendorValue[] | null;
  kinds?: ProtectedItemKindValue[] | null;
  search?: string | null;
}

/** A validated filter: which sources to ask, and a predicate for the items they protect. */
export interface CompiledProtectedItemFilter {
  selects(source: { id: string; vendor: VendorValue }): boolean;
  /** Null when every item matches. */
  matches: ((item: ProtectedItemModel) => boolean) | null;
}

/**
 * Validates and compiles a filter: fields combine with AND, list values with OR, an empty list
 * matches nothing; unknown source ids and over-long searches are BAD_USER_INPUT.
 */
export function compileProtectedItemFilter(
  input: ProtectedItemFilterInput | null | undefined,
  knownSourceIds: ReadonlySet<string>,
): CompiledProtectedItemFilter {
  const filter = input ?? {};
  if (filter.sourceIds) {
    const unknown = filter.sourceIds.filter((id) => !knownSourceIds.has(id));
    if (unknown.length > 0)
      throw badUserInput('filter.sourceIds', `Unknown source id${unknown.length > 1 ? 's' : ''}: ${unknown.map((id) => `'${id.slice(0, 64)}'`).join(', ')}.`);
  }
  if (filter.search != null && (filter.search.length === 0 || filter.search.length > MAX_SEARCH_LENGTH))
    throw badUserInput('filter.search', `search must be 1 to ${MAX_SEARCH_LENGTH} characters, got ${filter.search.length}.`);
  const sourceIds = filter.sourceIds ? new Set(filter.sourceIds) : null;
  const vendors = filter.vendors ? new Set(filter.vendors) : null;
  const kinds = filter.kinds ? new Set(filter.kinds) : null;
  const search = filter.search ? filter.search.toLowerCase() : null;
  const tests: Array<(item: ProtectedItemModel) => boolean> = [];
  if (kinds) tests.push((item) => kinds.has(item.kind));
  if (search) tests.push((item) => item.displayName.toLowerCase().includes(search) || (item.address?.toLowerCase().includes(search) ?? false));
  return {
    selects: (source) => (!sourceIds || sourceIds.has(source.id)) && (!vendors || vendors.has(source.vendor)),
    matches: tests.length === 0 ? null : (item) => tests.every((test) => test(item)),
  };
}

/** A position in the order: the item's display name and global id. */
interface ItemPoint {
  displayName: string;
  id: string;
}

/**
 * The list's order: display name compared case-insensitively (then exactly, so the order is
 * total), then global id in byte order. Locale-free, so every replica and every cursor agree.
 */
function comparePoints(a: ItemPoint, b: ItemPoint): number {
  const al = a.displayName.toLowerCase();
  const bl = b.displayName.toLowerCase();
  if (al !== bl) return al < bl ? -1 : 1;
  if (a.displayName !== b.displayName) return a.displayName < b.displayName ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const CURSOR_TAG = 'i1';

export function encodeProtectedItemCursor(item: ItemPoint): string {
  return Buffer.from(JSON.stringify([CURSOR_TAG, item.displayName, item.id])).toString('base64url');
}

export function decodeProtectedItemCursor(cursor: string, argument: string): ItemPoint {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 3 && value[0] === CURSOR_TAG && typeof value[1] === 'string' && typeof value[2] === 'string')
      return { displayName: value[1], id: value[2] };
  } catch {
    // fall through to the input error
  }
  throw badUserInput(argument, `'${cursor.slice(0, 80)}' is not a cursor of this list.`);
}

/**
 * One page of the merged list. Keyset cursors hold the position itself, so items that appear or
 * go between two pages never shift or repeat the rest of the list.
 */
export function pageOfProtectedItems(items: readonly ProtectedItemModel[], first: number, after: ItemPoint | null): ConnectionModel<ProtectedItemModel> {
  const sorted = [...items].sort(comparePoints);
  let start = 0;
  if (after) {
    // The first item strictly after the cursor (binary search).
    let hi = sorted.length;
    while (start < hi) {
      const mid = (start + hi) >>> 1;
      if (comparePoints(sorted[mid], after) <= 0) start = mid + 1;
      else hi = mid;
    }
  }
  const page = sorted.slice(start, start + first);
  return {
    items: page,
    cursorOf: (item) => encodeProtectedItemCursor(item),
    hasNextPage: start + first < sorted.length,
    hasPreviousPage: after !== null,
    totalCount: sorted.length,
  };
}
