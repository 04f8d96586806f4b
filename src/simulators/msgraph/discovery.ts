import { randomUUID } from 'node:crypto';
import { deriveSeed } from '../common/random';
import { formatTicks } from '../common/timestamps';
import {
  POLICY_INFO,
  UNIT_INFO,
  type GraphDiscoveryData,
  type GraphPolicyKind,
  type GraphPolicyRecord,
  type GraphRestorePointRecord,
  type GraphServiceStatusRecord,
  type GraphUnitKind,
  type GraphUnitRecord,
  type GraphUnitStatus,
} from './records';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A Graph error to send: the server wraps it in the Graph error envelope. */
export interface GraphFailure {
  status: number;
  code: string;
  message: string;
}

export const isFailure = (value: unknown): value is GraphFailure =>
  typeof value === 'object' && value !== null && 'code' in value && 'status' in value && 'message' in value;

/** The parsed, required query options of `GET /restorePoints`. */
export interface RestorePointQuery {
  unitId: string;
  /** Exclusive upper bound (`protectionDateTime lt …`), ms. */
  before: number;
  /** Optional further bounds: `le`, `gt`, `ge`. */
  notAfter?: number;
  after?: number;
  notBefore?: number;
  ascending: boolean;
}

/** Body of `POST /restorePoints/search` (and `/restorePoints/microsoft.graph.search`). */
export interface RestorePointSearchInput {
  protectionUnitIds?: unknown;
  protectionTimePeriod?: unknown;
  restorePointPreference?: unknown;
  tags?: unknown;
  artifactQuery?: unknown;
}

export interface RestorePointSearchResult {
  results: Array<{ point: GraphRestorePointRecord; artifactHitCount: number | null }>;
  noResultProtectionUnitIds: string[];
}

/** A protection unit a test adds (see {@link GraphDiscovery.addUnit}). */
export interface NewUnitInput {
  kind: GraphUnitKind;
  /** Mailbox and drive units. */
  displayName?: string;
  email?: string;
  /** Site units. */
  siteName?: string;
  siteWebUrl?: string;
  /** Default `protected`, or `protectRequested` for a unit without restore points. */
  status?: GraphUnitStatus;
  /** When its restore points were taken (ms since the epoch), in any order. */
  restorePointTimes?: number[];
}

/** At most this many restore points come back from one search (Learn `restorepoint-search`). */
export const SEARCH_MAX_RESULTS = 5;
/** At most this many protection unit ids in one search request. */
export const SEARCH_MAX_UNITS = 20;
const MAX_FILTER_CLAUSES = 4;

const tickText = (t: { ms: number; ticks: number } | null) => (t ? formatTicks(t) : null);

/**
 * Graph backup discovery (notes §7): service status, protection policies, protection units and
 * their restore points, with the list, get and search semantics the simulator serves.
 */
export class GraphDiscovery {
  readonly serviceStatus: GraphServiceStatusRecord;
  private readonly policyList: GraphPolicyRecord[];
  private readonly unitList: GraphUnitRecord[];
  private readonly policyById = new Map<string, GraphPolicyRecord>();
  private readonly unitById = new Map<string, GraphUnitRecord>();
  private readonly pointById = new Map<string, GraphRestorePointRecord>();
  private readonly pointsByUnit = new Map<string, GraphRestorePointRecord[]>();

  constructor(data: GraphDiscoveryData) {
    this.serviceStatus = data.serviceStatus;
    this.policyList = data.policies;
    this.unitList = data.units;
    for (const p of data.policies) this.policyById.set(p.id.toLowerCase(), p);
    for (const u of data.units) this.unitById.set(u.id.toLowerCase(), u);
    for (const rp of data.restorePoints) {
      this.pointById.set(rp.id.toLowerCase(), rp);
      const list = this.pointsByUnit.get(rp.unitId) ?? [];
      list.push(rp);
      this.pointsByUnit.set(rp.unitId, list);
    }
    for (const list of this.pointsByUnit.values()) list.sort((a, b) => b.protection.ms - a.protection.ms || b.protection.ticks - a.protection.ticks);
  }

  policies(kind?: GraphPolicyKind): GraphPolicyRecord[] {
    return kind ? this.policyList.filter((p) => p.kind === kind) : [...this.policyList];
  }

  policy(id: string): GraphPolicyRecord | undefined {
    return this.policyById.get(id.toLowerCase());
  }

  units(kind?: GraphUnitKind, policyId?: string): GraphUnitRecord[] {
    return this.unitList.filter((u) => (!kind || u.kind === kind) && (!policyId || u.policyId === policyId));
  }

  unit(id: string): GraphUnitRecord | undefined {
    return this.unitById.get(id.toLowerCase());
  }

  /** Restore points of one unit, newest first. */
  restorePointsOf(unitId: string): GraphRestorePointRecord[] {
    return [...(this.pointsByUnit.get(this.unit(unitId)?.id ?? unitId) ?? [])];
  }

  restorePoint(id: string): GraphRestorePointRecord | undefined {
    return this.pointById.get(id.toLowerCase());
  }

  /**
   * Test control: one more protection unit under the active policy of its kind, as a policy's
   * bulk addition would add it, with restore points at the given times (served by every list,
   * get and search from now on).
   */
  addUnit(input: NewUnitInput): { unit: GraphUnitRecord; restorePoints: GraphRestorePointRecord[] } {
    const policyKind = UNIT_INFO[input.kind].policyKind;
    const policy = this.policyList.find((p) => p.kind === policyKind && p.status === 'active') ?? this.policyList.find((p) => p.kind === policyKind);
    if (!policy) throw new Error(`no ${policyKind} protection policy to add a unit to`);
    const times = [...(input.restorePointTimes ?? [])].sort((a, b) => b - a);
    const id = randomUUID();
    const restorePoints: GraphRestorePointRecord[] = times.map((ms, i) => ({
      id: randomUUID(),
      unitId: id,
      protection: { ms, ticks: (i * 7919) % 10_000 },
      expiration: { ms: ms + 365 * 86_400_000, ticks: 0 },
      tags: 'none',
    }));
    const created = { ms: (times.length ? times[times.length - 1] : Date.now()) - 3_600_000, ticks: 0 };
    const unit: GraphUnitRecord = {
      id,
      kind: input.kind,
      policyId: policy.id,
      status: input.status ?? (times.length ? 'protected' : 'protectRequested'),
      ...(input.kind === 'site'
        ? { siteId: randomUUID(), siteName: input.siteName, siteWebUrl: input.siteWebUrl }
        : { directoryObjectId: randomUUID(), displayName: input.displayName, email: input.email }),
      created,
      createdBy: policy.createdBy,
      lastModified: created,
      lastModifiedBy: policy.createdBy,
    };
    this.unitList.push(unit);
    this.unitById.set(id, unit);
    for (const rp of restorePoints) this.pointById.set(rp.id, rp);
    this.pointsByUnit.set(id, restorePoints);
    return { unit, restorePoints };
  }

  /** Every restore point, grouped by unit, newest first within a unit. */
  allRestorePoints(): GraphRestorePointRecord[] {
    return [...this.pointsByUnit.values()].flat();
  }

  renderServiceStatus(): Record<string, unknown> {
    const s = this.serviceStatus;
    return {
      status: s.status,
      disableReason: s.disableReason,
      backupServiceConsumer: s.backupServiceConsumer,
      gracePeriodDateTime: tickText(s.gracePeriod),
      restoreAllowedTillDateTime: tickText(s.restoreAllowedTill),
      lastModifiedDateTime: tickText(s.lastModified),
      lastModifiedBy: s.lastModifiedBy,
    };
  }

  renderPolicy(p: GraphPolicyRecord, withType: boolean): Record<string, unknown> {
    return {
      ...(withType ? { '@odata.type': POLICY_INFO[p.kind].odataType } : {}),
      id: p.id,
      displayName: p.displayName,
      status: p.status,
      retentionSettings: p.retentionSettings,
      createdBy: p.createdBy,
      createdDateTime: formatTicks(p.created),
      lastModifiedBy: p.lastModifiedBy,
      lastModifiedDateTime: formatTicks(p.lastModified),
    };
  }

  renderUnit(u: GraphUnitRecord, withType: boolean): Record<string, unknown> {
    const specific =
      u.kind === 'site'
        ? { siteId: u.siteId ?? null, siteName: u.siteName ?? null, siteWebUrl: u.siteWebUrl ?? null }
        : { directoryObjectId: u.directoryObjectId ?? null, displayName: u.displayName ?? null, email: u.email ?? null };
    return {
      ...(withType ? { '@odata.type': UNIT_INFO[u.kind].odataType } : {}),
      id: u.id,
      policyId: u.policyId,
      status: u.status,
      createdBy: u.createdBy,
      createdDateTime: formatTicks(u.created),
      lastModifiedBy: u.lastModifiedBy,
      lastModifiedDateTime: formatTicks(u.lastModified),
      error: null,
      ...specific,
    };
  }

  /** A restore point; `expandUnit` inlines its protection unit (with its subtype `@odata.type`). */
  renderRestorePoint(rp: GraphRestorePointRecord, expandUnit: boolean): Record<string, unknown> {
    const body: Record<string, unknown> = {
      '@odata.type': '#microsoft.graph.restorePoint',
      id: rp.id,
      protectionDateTime: formatTicks(rp.protection),
      expirationDateTime: formatTicks(rp.expiration),
      tags: rp.tags,
    };
    const unit = this.unit(rp.unitId);
    if (expandUnit && unit) body.protectionUnit = this.renderUnit(unit, true);
    return body;
  }

  /**
   * Parses the two query options Learn marks required for `GET /restorePoints`:
   * `$expand=protectionUnit($filter=id eq '<unitId>')` and `$filter=protectionDateTime lt <time>`.
   * `$filter` may add `and`-ed `le`/`gt`/`ge` bounds on protectionDateTime (at most 4 clauses,
   * more is `FilterLengthExceeded`); `$orderby=protectionDateTime asc|desc` (default desc).
   */
  parseRestorePointQuery(query: URLSearchParams): RestorePointQuery | GraphFailure {
    const expand = query.get('$expand');
    const filter = query.get('$filter');
    const required = "Listing restore points requires $expand=protectionUnit($filter=id eq '<protectionUnitId>') and $filter=protectionDateTime lt <dateTime>.";
    if (expand === null || filter === null) return { status: 400, code: 'BadRequest', message: required };
    const unitMatch = /^\s*protectionUnit\s*\(\s*\$filter\s*=\s*id\s+eq\s+'([^']*)'\s*\)\s*$/i.exec(expand);
    if (!unitMatch) return { status: 400, code: 'BadRequest', message: required };
    const unitId = unitMatch[1];
    if (!GUID.test(unitId) || !this.unit(unitId))
      return { status: 400, code: 'InvalidProtectionUnitId', message: `The protection unit id '${unitId}' is invalid.` };
    const clauses = filter.split(/\s+and\s+/i);
    if (clauses.length > MAX_FILTER_CLAUSES)
      return { status: 400, code: 'FilterLengthExceeded', message: `The filter has more than ${MAX_FILTER_CLAUSES} clauses.` };
    const parsed: Partial<RestorePointQuery> = { unitId };
    for (const clause of clauses) {
      const m = /^\s*protectionDateTime\s+(lt|le|gt|ge)\s+'?([^'\s]+)'?\s*$/i.exec(clause);
      if (!m) return { status: 400, code: 'BadRequest', message: required };
      const ms = Date.parse(m[2]);
      if (Number.isNaN(ms) || !/(Z|[+-]\d\d:\d\d)$/i.test(m[2]))
        return { status: 400, code: 'InvalidSearchRequest', message: `'${m[2]}' is not a valid UTC date and time.` };
      const op = m[1].toLowerCase();
      if (op === 'lt') parsed.before = Math.min(parsed.before ?? Infinity, ms);
      else if (op === 'le') parsed.notAfter = ms;
      else if (op === 'gt') parsed.after = ms;
      else parsed.notBefore = ms;
    }
    if (parsed.before === undefined) return { status: 400, code: 'BadRequest', message: required };
    const orderBy = query.get('$orderby');
    let ascending = false;
    if (orderBy !== null) {
      const o = /^\s*protectionDateTime(?:\s+(asc|desc))?\s*$/i.exec(orderBy);
      if (!o) return { status: 400, code: 'BadRequest', message: `$orderby '${orderBy}' is not supported; use protectionDateTime asc|desc.` };
      ascending = (o[1] ?? 'asc').toLowerCase() === 'asc';
    }
    return { ...parsed, ascending } as RestorePointQuery;
  }

  /** The restore points a parsed list query selects, in its order. */
  listRestorePoints(q: RestorePointQuery): GraphRestorePointRecord[] {
    const points = this.restorePointsOf(q.unitId).filter((rp) => {
      const ms = rp.protection.ms;
      return (
        ms < q.before &&
        (q.notAfter === undefined || ms <= q.notAfter) &&
        (q.after === undefined || ms > q.after) &&
        (q.notBefore === undefined || ms >= q.notBefore)
      );
    });
    return q.ascending ? points.reverse() : points;
  }

  /**
   * `restorePoints/search`. Validation (400): `protectionUnitIds` a non-empty list of at most 20
   * strings (`InvalidSearchRequest`), each a GUID (`InvalidProtectionUnitId`);
   * `protectionTimePeriod.startDateTime` required, `endDateTime` optional (default `now`), both
   * UTC, start not after end (`InvalidSearchRequest`); `restorePointPreference` latest|oldest;
   * `tags` none|fastRestore (case-insensitive, as Learn capitalises them); with `artifactQuery`
   * exactly one unit id.
   *
   * Selection (Learn: at most 5 points, no paging): with a `restorePointPreference`, each unit
   * contributes only its latest (or oldest) point in the period; without one, every point in the
   * period is a candidate. Candidates are ordered newest first (oldest first for `oldest`), ties in
   * request order, and the first 5 are returned, so with a preference and more than 5 units the
   * later units' points are left out (send at most 5 units per call to get one point each).
   * `noResultProtectionUnitIds` lists, in request order, the requested units with no point in the
   * period (unknown ids included). `tags: fastRestore` keeps only fast-restore points.
   */
  search(input: RestorePointSearchInput, nowMs: number): RestorePointSearchResult | GraphFailure {
    const bad = (message: string, code = 'InvalidSearchRequest'): GraphFailure => ({ status: 400, code, message });
    const ids = input.protectionUnitIds;
    if (!Array.isArray(ids) || ids.length === 0 || ids.some((id) => typeof id !== 'string'))
      return bad('protectionUnitIds must be a non-empty list of protection unit ids.');
    if (ids.length > SEARCH_MAX_UNITS) return bad(`A search takes at most ${SEARCH_MAX_UNITS} protection unit ids; ${ids.length} were sent.`);
    const unitIds = [...new Set(ids as string[])];
    const malformed = unitIds.find((id) => !GUID.test(id));
    if (malformed !== undefined) return bad(`The protection unit id '${malformed}' is invalid.`, 'InvalidProtectionUnitId');
    const period = input.protectionTimePeriod as { startDateTime?: unknown; endDateTime?: unknown } | undefined;
    if (!period || typeof period !== 'object') return bad('protectionTimePeriod is required.');
    const time = (value: unknown): number | null =>
      typeof value === 'string' && /(Z|[+-]\d\d:\d\d)$/i.test(value) && !Number.isNaN(Date.parse(value)) ? Date.parse(value) : null;
    const start = time(period.startDateTime);
    if (start === null) return bad('protectionTimePeriod.startDateTime must be a UTC date and time.');
    const end = period.endDateTime === undefined || period.endDateTime === null ? nowMs : time(period.endDateTime);
    if (end === null) return bad('protectionTimePeriod.endDateTime must be a UTC date and time.');
    if (start > end) return bad('protectionTimePeriod starts after it ends.');
    const preference = input.restorePointPreference;
    if (preference !== undefined && preference !== null && preference !== 'latest' && preference !== 'oldest')
      return bad(`restorePointPreference ${JSON.stringify(preference)} is not valid; use latest or oldest.`);
    const tags =
      input.tags === undefined || input.tags === null ? 'none' : (typeof input.tags === 'string' ? input.tags : JSON.stringify(input.tags)).toLowerCase();
    if (tags !== 'none' && tags !== 'fastrestore') return bad(`tags ${JSON.stringify(input.tags)} is not valid; use none or fastRestore.`);
    const artifactQuery = input.artifactQuery as { queryExpression?: unknown } | undefined | null;
    if (artifactQuery && unitIds.length !== 1) return bad('A search with artifactQuery takes exactly one protection unit id.');

    const oldestFirst = preference === 'oldest';
    const candidates: Array<{ point: GraphRestorePointRecord; order: number }> = [];
    const noResult: string[] = [];
    unitIds.forEach((id, order) => {
      const unit = this.unit(id);
      let points = unit
        ? this.restorePointsOf(unit.id).filter((rp) => rp.protection.ms >= start && rp.protection.ms <= end && (tags === 'none' || rp.tags === 'fastRestore'))
        : [];
      if (points.length === 0) {
        noResult.push(id);
        return;
      }
      if (oldestFirst) points = points.reverse();
      if (preference) points = points.slice(0, 1);
      for (const point of points) candidates.push({ point, order });
    });
    candidates.sort(
      (a, b) => (oldestFirst ? a.point.protection.ms - b.point.protection.ms : b.point.protection.ms - a.point.protection.ms) || a.order - b.order,
    );
    const query = artifactQuery ? (typeof artifactQuery.queryExpression === 'string' ? artifactQuery.queryExpression : '') : null;
    return {
      results: candidates
        .slice(0, SEARCH_MAX_RESULTS)
        .map(({ point }) => ({ point, artifactHitCount: query === null ? null : deriveSeed(point.id.length, `${point.id}|${query}`) % 40 })),
      noResultProtectionUnitIds: noResult,
    };
  }
}
