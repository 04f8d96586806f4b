import type { RestoreSessionModel } from '../model';

/** A position in the merged order: the createdAt key (null sorts last) and the global id. */
export interface OrderPoint {
  key: string | null;
  id: string;
}

export function orderPointOf(session: RestoreSessionModel): OrderPoint {
  return { key: session.createdAt?.key ?? null, id: session.id };
}

/**
 * The contract's order: createdAt descending at full precision, sessions without createdAt last,
 * then global id ascending in byte order (ids are ASCII, so code-unit order is byte order).
 */
export function comparePoints(a: OrderPoint, b: OrderPoint): number {
  if (a.key !== b.key) {
    if (a.key === null) return 1;
    if (b.key === null) return -1;
    return a.key < b.key ? 1 : -1;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function compareSessions(a: RestoreSessionModel, b: RestoreSessionModel): number {
  return comparePoints(orderPointOf(a), orderPointOf(b));
}

/** Index of the first session strictly after `point` in a sorted array (binary search). */
export function indexAfter(sorted: readonly RestoreSessionModel[], point: OrderPoint): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (comparePoints(orderPointOf(sorted[mid]), point) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
