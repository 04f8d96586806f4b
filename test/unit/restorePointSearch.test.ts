import { parseInstant } from '../../src/instant';
import type { GraphRestorePointSearchBody } from '../../src/upstreams/msgraph/discoveryTypes';
import {
  findNewestRestorePoints,
  justBefore,
  SEARCH_MAX_POINTS,
  type FoundRestorePoint,
  type RestorePointSearchAnswer,
} from '../../src/upstreams/msgraph/restorePointSearch';

/** A point of unit `unit` at `iso` (an RFC 3339 text, as Graph writes protectionDateTime). */
function point(unit: string, id: string, iso: string): FoundRestorePoint {
  const createdAt = parseInstant(iso);
  if (!createdAt) throw new Error(`bad time ${iso}`);
  return { id, unitId: unit, createdAt, createdText: iso, expiresAt: null };
}

/**
 * Graph's search as Learn describes it (and the simulator serves it): at most 20 units, the
 * period's bounds inclusive, with `latest` one point per unit, and the newest 5 points of the
 * answer kept.
 */
function fakeGraph(points: FoundRestorePoint[]) {
  const bodies: GraphRestorePointSearchBody[] = [];
  const search = async (body: GraphRestorePointSearchBody): Promise<RestorePointSearchAnswer> => {
    bodies.push(body);
    if (body.protectionUnitIds.length > 20) throw new Error('more than 20 units');
    const start = Date.parse(body.protectionTimePeriod.startDateTime);
    const end = body.protectionTimePeriod.endDateTime === undefined ? Infinity : Date.parse(body.protectionTimePeriod.endDateTime);
    const candidates: FoundRestorePoint[] = [];
    const noResultUnitIds: string[] = [];
    for (const unit of body.protectionUnitIds) {
      const mine = points
        .filter((p) => p.unitId.toLowerCase() === unit.toLowerCase() && p.createdAt.epochMs >= start && p.createdAt.epochMs <= end)
        .sort((a, b) => (a.createdAt.key < b.createdAt.key ? 1 : -1));
      if (mine.length === 0) noResultUnitIds.push(unit);
      candidates.push(...(body.restorePointPreference === 'latest' ? mine.slice(0, 1) : mine));
    }
    candidates.sort((a, b) => (a.createdAt.key < b.createdAt.key ? 1 : a.createdAt.key > b.createdAt.key ? -1 : 0));
    return { points: candidates.slice(0, SEARCH_MAX_POINTS), noResultUnitIds };
  };
  return { search, bodies };
}

const day = (d: number, extra = '') => `2026-10-${String(d).padStart(2, '0')}T01:00:00${extra}Z`;
const ids = (found: Map<string, FoundRestorePoint[]>, unit: string) => (found.get(unit.toLowerCase()) ?? []).map((p) => p.id);

describe('restore point search within Graph’s limits', () => {
  it('sends at most 20 units per search: 25 units with nothing to find take 2 searches', async () => {
    const units = Array.from({ length: 25 }, (_, i) => ({ unitId: `u${i}`, first: 5 }));
    const { search, bodies } = fakeGraph([]);
    const found = await findNewestRestorePoints(units, { beforeMs: null, afterMs: null }, search);
    expect(bodies.map((b) => b.protectionUnitIds.length).sort((a, b) => a - b)).toEqual([5, 20]);
    expect([...found.values()].every((list) => list.length === 0)).toBe(true);
  });

  it('asks for the latest point when every unit wants one, and again for the units an answer left out', async () => {
    const points = Array.from({ length: 8 }, (_, i) => point(`u${i}`, `p${i}`, day(i + 1)));
    const { search, bodies } = fakeGraph(points);
    const found = await findNewestRestorePoints(
      points.map((p) => ({ unitId: p.unitId, first: 1 })),
      { beforeMs: null, afterMs: null },
      search,
    );
    expect(bodies).toHaveLength(2);
    expect(bodies.every((b) => b.restorePointPreference === 'latest')).toBe(true);
    expect(bodies[1].protectionUnitIds.sort()).toEqual(['u0', 'u1', 'u2']);
    for (let i = 0; i < 8; i++) expect(ids(found, `u${i}`)).toEqual([`p${i}`]);
  });

  it('reads 12 points of one unit newest first, ending each period at the oldest point seen (inclusive, repeats dropped)', async () => {
    const points = Array.from({ length: 12 }, (_, i) => point('unit', `p${i + 1}`, day(i + 1)));
    const { search, bodies } = fakeGraph(points);
    const found = await findNewestRestorePoints([{ unitId: 'UNIT', first: 12 }], { beforeMs: null, afterMs: null }, search);
    expect(ids(found, 'unit')).toEqual(Array.from({ length: 12 }, (_, i) => `p${12 - i}`));
    expect(bodies.map((b) => b.protectionTimePeriod.endDateTime)).toEqual([undefined, day(8), day(4)]);
  });

  it('keeps points that share the boundary instant while they fit an answer, then steps past the tie', async () => {
    // Seven units backed up in the same second, plus one older point: the 5-point cap cuts the tie.
    const tied = Array.from({ length: 7 }, (_, i) => point(`u${i}`, `t${i}`, day(10)));
    const older = point('u0', 'old', day(9));
    const { search, bodies } = fakeGraph([...tied, older]);
    const found = await findNewestRestorePoints(
      tied.map((p) => ({ unitId: p.unitId, first: 2 })),
      { beforeMs: null, afterMs: null },
      search,
    );
    // The tie repeats itself (nothing new), so the search steps just before it and finds the older point;
    // two tied points the cap hid are lost: Graph cannot be asked for them.
    expect(ids(found, 'u0')).toContain('old');
    expect(bodies).toHaveLength(3);
    expect(bodies[2].protectionTimePeriod.endDateTime).toBe(justBefore(Date.parse(day(10))));
  });

  it('keeps to the window: after and before are exclusive, at millisecond precision', async () => {
    const points = [point('u', 'a', day(1)), point('u', 'b', day(2)), point('u', 'c', day(3)), point('u', 'd', day(3, '.0004'))];
    const { search, bodies } = fakeGraph(points);
    const found = await findNewestRestorePoints([{ unitId: 'u', first: 5 }], { afterMs: Date.parse(day(1)), beforeMs: Date.parse(day(3)) }, search);
    expect(ids(found, 'u')).toEqual(['b']);
    expect(bodies[0].protectionTimePeriod).toEqual({ startDateTime: '2026-10-01T01:00:00.001Z', endDateTime: '2026-10-03T00:59:59.9999999Z' });
  });

  it('asks once per unit, for the most points any key wants, whatever the case of its id', async () => {
    const points = Array.from({ length: 3 }, (_, i) => point('Unit', `p${i}`, day(i + 1)));
    const { search, bodies } = fakeGraph(points);
    const found = await findNewestRestorePoints(
      [
        { unitId: 'Unit', first: 1 },
        { unitId: 'unit', first: 3 },
      ],
      { beforeMs: null, afterMs: null },
      search,
    );
    expect(bodies).toHaveLength(1);
    expect(bodies[0].protectionUnitIds).toEqual(['unit']);
    expect(ids(found, 'UNIT')).toEqual(['p2', 'p1', 'p0']);
  });

  it('stops when an answer teaches nothing new (a server that ignores the period)', async () => {
    const stuck = Array.from({ length: 5 }, (_, i) => point('u', `p${i}`, day(20 - i)));
    let calls = 0;
    const found = await findNewestRestorePoints([{ unitId: 'u', first: 10 }], { beforeMs: null, afterMs: null }, async () => {
      calls++;
      return { points: stuck, noResultUnitIds: [] };
    });
    expect(ids(found, 'u')).toHaveLength(5);
    expect(calls).toBe(3);
  });
});
