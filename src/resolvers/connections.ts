import { badUserInput } from '../errors';
import { decodeOffsetCursor, encodeOffsetCursor } from '../listing/cursor';
import type { ConnectionModel } from '../model';

export const MAX_PAGE_SIZE = 500;

/** `first` must be 0..500 (contract §2). */
export function checkFirst(first: number | null | undefined, fallback = 50, argument = 'first'): number {
  const value = first ?? fallback;
  if (!Number.isInteger(value) || value < 0 || value > MAX_PAGE_SIZE)
    throw badUserInput(argument, `first must be between 0 and ${MAX_PAGE_SIZE}, got ${value}.`);
  return value;
}

/** A Relay page over a list the upstream already keeps in order (events, artifacts). */
export function offsetConnection<T>(list: readonly T[], first: number | null | undefined, after: string | null | undefined): ConnectionModel<T> {
  const size = checkFirst(first);
  const start = after ? decodeOffsetCursor(after, 'after') + 1 : 0;
  const slice = list.slice(start, start + size);
  return {
    items: slice,
    cursorOf: (_node, i) => encodeOffsetCursor(start + i),
    hasNextPage: start + size < list.length,
    hasPreviousPage: start > 0,
    totalCount: list.length,
  };
}

/** Field resolvers shared by every connection type. */
export const connectionFields = {
  edges: <T>(c: ConnectionModel<T>) => c.items.map((node, i) => ({ cursor: c.cursorOf(node, i), node })),
  nodes: <T>(c: ConnectionModel<T>) => c.items,
  pageInfo: <T>(c: ConnectionModel<T>) => ({
    hasNextPage: c.hasNextPage,
    hasPreviousPage: c.hasPreviousPage,
    startCursor: c.items.length > 0 ? c.cursorOf(c.items[0], 0) : null,
    endCursor: c.items.length > 0 ? c.cursorOf(c.items[c.items.length - 1], c.items.length - 1) : null,
  }),
  totalCount: <T>(c: ConnectionModel<T>) => c.totalCount,
};
