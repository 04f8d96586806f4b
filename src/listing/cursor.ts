import { badUserInput } from '../errors';
import type { OrderPoint } from './order';

const KEYSET = 'k1';
const OFFSET = 'o1';

/**
 * Keyset cursors for the merged list: the position itself (createdAt key and id), not an offset,
 * so sessions added upstream while a client pages never shift or repeat later pages.
 */
export function encodeKeysetCursor(point: OrderPoint): string {
  return Buffer.from(JSON.stringify([KEYSET, point.key, point.id])).toString('base64url');
}

export function decodeKeysetCursor(cursor: string, argument: string): OrderPoint {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 3 &&
      value[0] === KEYSET &&
      (value[1] === null || typeof value[1] === 'string') &&
      typeof value[2] === 'string'
    ) {
      return { key: value[1] as string | null, id: value[2] };
    }
  } catch {
    // fall through to the input error
  }
  throw badUserInput(argument, `'${cursor.slice(0, 80)}' is not a cursor of this list.`);
}

/** Offset cursors for the small nested lists (events, artifacts) that the upstream keeps in order. */
export function encodeOffsetCursor(index: number): string {
  return Buffer.from(`${OFFSET}:${index}`).toString('base64url');
}

export function decodeOffsetCursor(cursor: string, argument: string): number {
  const match = /^o1:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw badUserInput(argument, `'${cursor.slice(0, 80)}' is not a cursor of this list.`);
  return Number(match[1]);
}
