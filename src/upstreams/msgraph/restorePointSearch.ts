import type { Instant } from '../../model';
import type { GraphRestorePointSearchBody } from './discoveryTypes';

/** At most this many protection unit ids in one `restorePoints/search` (Learn `restorepoint-search`). */
export const SEARCH_MAX_UNITS = 20;
/** At most this many restore points in one answer, whatever the number of units; no paging. */
export const SEARCH_MAX_POINTS = 5;

/**
 * Where a search starts when the caller gives no lower bound: before any Microsoft 365 Backup
 * restore point can exist (the service started in 2024), since Graph requires a start.
 */
const EARLIEST_PROTECTION = '2020-01-01T00:00:00Z';

/** A restore point a search found, attributed to its protection unit. */
export interface FoundRestorePoint {
  id: string;
  unitId: string;
  createdAt: Instant;
  /** protectionDateTime as Graph wrote it, so a follow-up search can end exactly there. */
  createdText: string;
  expiresAt: Instant | null;
}

export interface RestorePointSearchAnswer {
  points: FoundRestorePoint[];
  /** Units of the request that have no restore point in the period. */
  noResultUnitIds: string[];
}

/** One `restorePoints/search` call. */
export type RestorePointSearch = (body: GraphRestorePointSearchBody) => Promise<RestorePointSearchAnswer>;

/** One unit's wish: its newest `first` restore points. */
export interface UnitWanted {
  unitId: string;
  first: number;
}

/** Exclusive bounds in ms (DateTime inputs are milliseconds); null: unbounded. */
export interface SearchWindow {
  afterMs: number | null;
  beforeMs: number | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The last instant Graph can express (100 ns ticks) before `ms`: an inclusive end that excludes `ms` itself. */
export function justBefore(ms: number): string {
  return iso(ms - 1).replace(/Z$/, '9999Z');
}

/**
 * The newest `first` restore points of each unit in the window, newest first, keyed by the unit
 * id in lower case. Units go out in chunks of {@link SEARCH_MAX_UNITS} (one request's units share
 * calls), each chunk asking again until every unit has what it wants:
 *
 * - When every unit wants one point, the search asks for each unit's `latest` point; an answer
 *   carries at most 5, so units still without one are asked again in the same period.
 * - Otherwise it asks for every point in the period. Graph sends the newest ones first across the
 *   answer (the 5-point cap cuts the oldest), so an answer of 5 proves that everything newer than
 *   its oldest point is known: units that still want more are asked again with the period ending
 *   at that point (inclusive, so points sharing its instant are not lost; repeats are dropped).
 *   An answer with fewer than 5 points is the whole period.
 *
 * Every call goes through `search`, which the caller meters (see `UpstreamCallBudget`).
 */
export async function findNewestRestorePoints(
  units: readonly UnitWanted[],
  window: SearchWindow,
  search: RestorePointSearch,
): Promise<Map<string, FoundRestorePoint[]>> {
  const wanted = new Map<string, UnitWanted>();
  for (const unit of units) {
    const key = unit.unitId.toLowerCase();
    const known = wanted.get(key);
    if (unit.first > 0 && (!known || known.first < unit.first)) wanted.set(key, unit);
  }
  const chunks: UnitWanted[][] = [];
  const all = [...wanted.values()];
  for (let i = 0; i < all.length; i += SEARCH_MAX_UNITS) chunks.push(all.slice(i, i + SEARCH_MAX_UNITS));
  const found = new Map<string, FoundRestorePoint[]>();
  await Promise.all(chunks.map(async (chunk) => (await searchChunk(chunk, window, search)).forEach((points, unit) => found.set(unit, points))));
  return found;
}

async function searchChunk(chunk: readonly UnitWanted[], window: SearchWindow, search: RestorePointSearch): Promise<Map<string, FoundRestorePoint[]>> {
  const firstOf = new Map(chunk.map((u) => [u.unitId.toLowerCase(), u.first]));
  const found = new Map<string, Map<string, FoundRestorePoint>>(chunk.map((u) => [u.unitId.toLowerCase(), new Map()]));
  const latestOnly = chunk.every((u) => u.first === 1);
  const inWindow = (p: FoundRestorePoint) =>
    (window.afterMs === null || p.createdAt.epochMs > window.afterMs) && (window.beforeMs === null || p.createdAt.epochMs < window.beforeMs);
  const startDateTime = window.afterMs !== null ? iso(window.afterMs + 1) : EARLIEST_PROTECTION;
  let endDateTime = window.beforeMs !== null ? justBefore(window.beforeMs) : undefined;
  let pending = [...chunk];
  let stalled = false;

  while (pending.length > 0) {
    const answer = await search({
      protectionUnitIds: pending.map((u) => u.unitId),
      protectionTimePeriod: endDateTime === undefined ? { startDateTime } : { startDateTime, endDateTime },
      ...(latestOnly ? { restorePointPreference: 'latest' as const } : {}),
    });
    const noResult = new Set(answer.noResultUnitIds.map((id) => id.toLowerCase()));
    let added = 0;
    let oldest: FoundRestorePoint | null = null;
    for (const point of answer.points) {
      const mine = found.get(point.unitId.toLowerCase());
      // A unit this chunk did not ask about, or a point outside the window: not Graph's promise, so not ours either.
      if (!mine || !inWindow(point)) continue;
      if (!oldest || point.createdAt.key < oldest.createdAt.key) oldest = point;
      if (!mine.has(point.id)) {
        mine.set(point.id, point);
        added++;
      }
    }
    const wholePeriod = answer.points.length < SEARCH_MAX_POINTS;
    const next = pending.filter((u) => {
      const key = u.unitId.toLowerCase();
      return !wholePeriod && !noResult.has(key) && (found.get(key)?.size ?? 0) < (firstOf.get(key) ?? 0);
    });
    // An answer that taught nothing new would be asked again forever: in the general case one
    // step past the points sharing its oldest instant is allowed, then the search gives up.
    if (next.length === 0 || !oldest || (added === 0 && (latestOnly || stalled))) break;
    stalled = added === 0;
    if (!latestOnly) endDateTime = stalled ? justBefore(oldest.createdAt.epochMs) : oldest.createdText;
    pending = next;
  }

  const result = new Map<string, FoundRestorePoint[]>();
  for (const [unit, points] of found) {
    const newestFirst = [...points.values()].sort((a, b) =>
      a.createdAt.key < b.createdAt.key ? 1 : a.createdAt.key > b.createdAt.key ? -1 : a.id < b.id ? -1 : 1,
    );
    result.set(unit, newestFirst.slice(0, firstOf.get(unit) ?? 0));
  }
  return result;
}
