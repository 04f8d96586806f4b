import { SeededRandom, deriveSeed } from '../common/random';
import { formatTicks, type TickTime } from '../common/timestamps';
import type { SimClock } from '../common/clock';
import { countsOf, seededArtifacts, seededArtifactStatus } from './seed';
import {
  TERMINAL_STATUSES,
  WORKLOAD_INFO,
  type GraphArtifactCounts,
  type GraphArtifactRecord,
  type GraphArtifactStatus,
  type GraphIdentitySetRecord,
  type GraphSessionRecord,
  type GraphSessionStatus,
  type GraphWorkloadKind,
} from './records';

export interface GraphLifecycleOptions {
  /** How long a session stays `activating` after activate. */
  activatingMs: number;
  /** How long one artifact's restore runs. */
  perArtifactMs: number;
  /** How many artifacts of one session restore at the same time. */
  parallelArtifacts: number;
}

export const DEFAULT_LIFECYCLE: GraphLifecycleOptions = { activatingMs: 3000, perArtifactMs: 4000, parallelArtifacts: 2 };

export interface NewArtifactInput {
  restorePointId: string;
  protectedResourceId?: string;
  destinationType: 'new' | 'inPlace';
  /** The restore point's protection time (discovery restore points); default: a day before creation. */
  protectionTime?: TickTime;
  expirationTime?: TickTime;
  /** Whether the artifact's restore fails once it runs; default: when an id contains `fail`. */
  willFail?: boolean;
}

/** A time a test may give as a TickTime, epoch milliseconds, a Date or an ISO string. */
export type TimeInput = TickTime | number | Date | string;

function toTick(value: TimeInput): TickTime {
  if (typeof value === 'number') return { ms: Math.floor(value), ticks: 0 };
  if (value instanceof Date) return { ms: value.getTime(), ticks: 0 };
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) throw new RangeError(`not a date-time: ${value}`);
    return { ms, ticks: 0 };
  }
  return value;
}

/** Input of {@link GraphStore.addSession}. */
export interface AddGraphSessionInput {
  workload: GraphWorkloadKind;
  /** Default `draft`. A draft with `artifacts` can be activated and then runs the lifecycle. */
  status?: GraphSessionStatus;
  /** Default: now (simulated clock). */
  createdDateTime?: TimeInput;
  /** Artifacts to restore; without them a session gets `artifactCount` generated artifacts. */
  artifacts?: NewArtifactInput[];
  /** Number of generated artifacts when `artifacts` is absent (default 3; 0 allowed). */
  artifactCount?: number;
  /** Counts to report instead of the ones derived from the status. */
  counts?: Partial<GraphArtifactCounts>;
  restoreJobType?: 'standard' | 'bulk' | 'granular' | null;
  createdBy?: GraphIdentitySetRecord | null;
  id?: string;
}

/** Input of {@link GraphStore.updateSession}. */
export interface UpdateGraphSessionInput {
  status?: GraphSessionStatus;
  /** Merged over the counts the session reports now. */
  counts?: Partial<GraphArtifactCounts>;
}

interface ArtifactView {
  status: GraphArtifactStatus;
  start: TickTime | null;
  completion: TickTime | null;
}

interface SessionView {
  status: GraphSessionStatus;
  counts: { total: number; completed: number; failed: number; inProgress: number };
  completed: TickTime | null;
  lastModified: TickTime | null;
  artifacts: ArtifactView[];
}

const tt = (ms: number): TickTime => ({ ms: Math.floor(ms), ticks: 0 });

/** State of the simulated tenant: sessions, their lifecycle over simulated time, and JSON rendering. */
export class GraphStore {
  private readonly sessions = new Map<string, GraphSessionRecord>();
  private readonly rng: SeededRandom;

  constructor(
    seeded: GraphSessionRecord[],
    private readonly clock: SimClock,
    private readonly lifecycle: GraphLifecycleOptions,
    seed: number,
  ) {
    for (const s of seeded) this.sessions.set(s.id.toLowerCase(), s);
    this.rng = new SeededRandom(deriveSeed(seed, 'runtime'));
  }

  get size(): number {
    return this.sessions.size;
  }

  all(): GraphSessionRecord[] {
    return [...this.sessions.values()];
  }

  get(id: string): GraphSessionRecord | undefined {
    return this.sessions.get(id.toLowerCase());
  }

  remove(id: string): boolean {
    return this.sessions.delete(id.toLowerCase());
  }

  /** Removes a session whatever its status (as Graph's one-year clean-up does); false if unknown. */
  removeSession(id: string): boolean {
    return this.remove(id);
  }

  /**
   * Adds a session as if it had been created upstream by someone else: any workload and status,
   * with a chosen createdDateTime. A `draft` with explicit `artifacts` behaves like one created
   * through the API (activate runs the lifecycle); any other session keeps the status it is given
   * (change it with {@link updateSession}), its artifacts and counts derived from that status.
   */
  addSession(input: AddGraphSessionInput): GraphSessionRecord {
    const status = input.status ?? 'draft';
    const created = input.createdDateTime === undefined ? { ms: Math.floor(this.clock.now()), ticks: this.rng.int(0, 9999) } : toTick(input.createdDateTime);
    const createdBy =
      input.createdBy === undefined ? { application: { id: '00000000-0000-4000-8000-00000000a11c', displayName: 'Simulator tests' } } : input.createdBy;
    if (status === 'draft' && input.artifacts) {
      const record = this.create(input.workload, input.artifacts, createdBy ?? {}, input.restoreJobType === 'granular' ? 'granular' : 'standard', {
        id: input.id,
        created,
      });
      record.createdBy = createdBy;
      if (input.restoreJobType !== undefined) record.restoreJobType = input.restoreJobType;
      if (input.counts) record.countsOverride = { ...countArtifacts(this.view(record).artifacts), ...input.counts };
      return record;
    }
    const artifactCount = Math.max(0, Math.floor(input.artifactCount ?? input.artifacts?.length ?? 3));
    const failedCount = failedFor(status, artifactCount);
    const terminal = TERMINAL_STATUSES.has(status);
    const now = Math.max(created.ms, Math.floor(this.clock.now()));
    const record: GraphSessionRecord = {
      id: input.id ?? this.rng.guid(),
      workload: input.workload,
      odataType: WORKLOAD_INFO[input.workload].odataType,
      status,
      restoreJobType: input.restoreJobType === undefined ? 'standard' : input.restoreJobType,
      created,
      createdBy,
      lastModified: terminal ? tt(now) : created,
      lastModifiedBy: createdBy,
      completed: terminal ? tt(now) : null,
      error: sessionError(status, failedCount, artifactCount),
      countsHidden: false,
      artifacts: [],
      seeded: { artifactSeed: this.rng.int(1, 2 ** 31), artifactCount, failedCount, counts: countsOf(status, artifactCount, failedCount) },
    };
    if (input.counts) record.countsOverride = { ...record.seeded!.counts, ...input.counts };
    this.sessions.set(record.id.toLowerCase(), record);
    return record;
  }

  /**
   * Changes a session's status and/or artifact counts, as if the upstream had moved it. A session
   * running the activation lifecycle stops following the clock and keeps the status it is given.
   * Throws for an unknown id.
   */
  updateSession(id: string, change: UpdateGraphSessionInput): GraphSessionRecord {
    const record = this.get(id);
    if (!record) throw new RangeError(`no Graph restore session ${id}`);
    const before = this.view(record);
    if (record.activatedAtMs !== undefined) {
      // Freeze the lifecycle where it is: artifacts keep their current statuses.
      const views = this.view(record, true).artifacts;
      record.artifacts.forEach((a, i) => {
        a.fixedStatus = views[i].status;
        a.fixedStart = views[i].start;
        a.fixedCompletion = views[i].completion;
      });
      record.activatedAtMs = undefined;
      record.status = before.status;
      record.completed = before.completed;
      if (!change.counts) record.countsOverride = before.counts;
    }
    const now = tt(this.clock.now());
    if (change.status !== undefined && change.status !== record.status) {
      const status = change.status;
      record.status = status;
      const total = record.seeded?.artifactCount ?? record.artifacts.length;
      const failedCount = failedFor(status, total);
      if (record.seeded) {
        record.seeded = { ...record.seeded, failedCount, counts: countsOf(status, total, failedCount) };
      } else {
        record.artifacts.forEach((a, i) => {
          a.fixedStatus = seededArtifactStatus(status, i, total, failedCount);
          a.willFail = a.fixedStatus === 'failed';
        });
      }
      record.countsOverride = undefined;
      record.completed = TERMINAL_STATUSES.has(status) ? now : null;
      record.error = sessionError(status, failedCount, total);
    }
    if (change.counts) record.countsOverride = { ...this.view(record).counts, ...change.counts };
    record.lastModified = now;
    return record;
  }

  countActivating(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (this.view(s).status === 'activating') n++;
    return n;
  }

  create(
    workload: GraphWorkloadKind,
    artifacts: NewArtifactInput[],
    createdBy: GraphIdentitySetRecord,
    jobType: 'standard' | 'granular' = 'standard',
    options: { id?: string; created?: TickTime } = {},
  ): GraphSessionRecord {
    const now = this.clock.now();
    const created: TickTime = options.created ?? { ms: Math.floor(now), ticks: this.rng.int(0, 9999) };
    const record: GraphSessionRecord = {
      id: options.id ?? this.rng.guid(),
      workload,
      odataType: WORKLOAD_INFO[workload].odataType,
      status: 'draft',
      restoreJobType: jobType,
      created,
      createdBy,
      lastModified: created,
      lastModifiedBy: createdBy,
      completed: null,
      error: null,
      countsHidden: false,
      artifacts: artifacts.map((a) => {
        const protectedResourceId = a.protectedResourceId ?? a.restorePointId.split('-rp-')[0];
        return {
          id: this.rng.guid(),
          protectedResourceId,
          restorePointId: a.restorePointId,
          protectionTime: a.protectionTime ?? tt(now - 86_400_000),
          expirationTime: a.expirationTime,
          destinationType: a.destinationType,
          // A resource whose id says so fails: tests and demos can ask for a failure.
          willFail: a.willFail ?? (/fail/i.test(protectedResourceId) || /fail/i.test(a.restorePointId)),
        };
      }),
    };
    this.sessions.set(record.id.toLowerCase(), record);
    return record;
  }

  activate(record: GraphSessionRecord): void {
    if (record.seeded) {
      // A seeded or added draft: its generated artifacts become real ones that the lifecycle runs.
      record.artifacts = seededArtifacts(record).map((a) => ({ ...a, fixedStatus: undefined, fixedStart: undefined, fixedCompletion: undefined }));
      record.seeded = undefined;
    }
    record.countsOverride = undefined;
    record.activatedAtMs = this.clock.now();
    record.status = 'activating';
    record.lastModified = tt(record.activatedAtMs);
  }

  /** The session as it is now: seeded sessions are fixed, activated ones move with the clock. */
  view(record: GraphSessionRecord, withArtifacts = false): SessionView {
    if (record.activatedAtMs === undefined) {
      if (record.seeded && !withArtifacts)
        return {
          status: record.status,
          counts: record.countsOverride ?? record.seeded.counts,
          completed: record.completed,
          lastModified: record.lastModified,
          artifacts: [],
        };
      const artifacts = this.artifactsOf(record).map((a) => ({
        status: a.fixedStatus ?? 'added',
        start: a.fixedStart ?? null,
        completion: a.fixedCompletion ?? null,
      }));
      return {
        status: record.status,
        counts: record.countsOverride ?? record.seeded?.counts ?? countArtifacts(artifacts),
        completed: record.completed,
        lastModified: record.lastModified,
        artifacts,
      };
    }
    const now = this.clock.now();
    const { activatingMs, perArtifactMs, parallelArtifacts } = this.lifecycle;
    const t0 = record.activatedAtMs;
    const artifacts: ArtifactView[] = record.artifacts.map((a, i) => {
      const startMs = t0 + activatingMs + Math.floor(i / parallelArtifacts) * perArtifactMs;
      const endMs = startMs + perArtifactMs;
      if (now < t0 + activatingMs) return { status: 'scheduling', start: null, completion: null };
      if (now < startMs) return { status: 'scheduled', start: null, completion: null };
      if (now < endMs) return { status: 'inProgress', start: tt(startMs), completion: null };
      return { status: a.willFail ? 'failed' : 'succeeded', start: tt(startMs), completion: tt(endMs) };
    });
    const counts = countArtifacts(artifacts);
    const lastEnd = t0 + activatingMs + Math.ceil(record.artifacts.length / parallelArtifacts) * perArtifactMs;
    let status: GraphSessionStatus;
    if (now < t0 + activatingMs) status = 'activating';
    else if (now < lastEnd && record.artifacts.length > 0) status = 'active';
    else if (counts.failed === 0) status = 'completed';
    else if (counts.failed === counts.total) status = 'failed';
    else status = 'completedWithError';
    const terminal = TERMINAL_STATUSES.has(status);
    const changedAt = terminal
      ? lastEnd
      : status === 'active'
        ? Math.max(t0 + activatingMs, ...artifacts.map((a) => a.completion?.ms ?? a.start?.ms ?? 0))
        : t0;
    if (terminal && counts.failed > 0 && !record.error) {
      record.error = {
        code: counts.failed === counts.total ? 'RestoreFailed' : 'PartialFailure',
        message: `${counts.failed} of ${counts.total} artifacts failed to restore.`,
        target: null,
        details: [],
      };
    }
    return { status, counts, completed: terminal ? tt(lastEnd) : null, lastModified: tt(changedAt), artifacts };
  }

  /** JSON as Graph sends it. Without the Prefer header, evolvable members read `unknownFutureValue`. */
  renderSession(record: GraphSessionRecord, includeUnknownEnumMembers: boolean): Record<string, unknown> {
    const view = this.view(record);
    const status = !includeUnknownEnumMembers && view.status === 'failed' ? 'unknownFutureValue' : view.status;
    // v1.0's restoreJobType has no `granular` member (only beta metadata does): v1.0 always says unknownFutureValue.
    const jobType = record.restoreJobType === 'granular' ? 'unknownFutureValue' : record.restoreJobType;
    return {
      '@odata.type': record.odataType,
      id: record.id,
      status,
      restoreJobType: jobType,
      restoreSessionArtifactCount: record.countsHidden ? null : view.counts,
      createdBy: record.createdBy,
      createdDateTime: record.createdText ?? (record.created ? formatTicks(record.created) : null),
      lastModifiedBy: record.lastModifiedBy,
      lastModifiedDateTime: view.lastModified ? formatTicks(view.lastModified) : null,
      completedDateTime: view.completed ? formatTicks(view.completed) : null,
      error: record.error ? { ...record.error, innerError: null } : null,
    };
  }

  artifactsOf(record: GraphSessionRecord): GraphArtifactRecord[] {
    return record.seeded ? seededArtifacts(record) : record.artifacts;
  }

  renderArtifacts(record: GraphSessionRecord): Array<Record<string, unknown>> {
    const view = this.view(record, true);
    const info = WORKLOAD_INFO[record.workload];
    return this.artifactsOf(record).map((a: GraphArtifactRecord, i) => {
      const v = view.artifacts[i];
      const extra =
        record.workload === 'exchange'
          ? {
              restoredFolderId: v.status === 'succeeded' && a.destinationType === 'new' ? `AAMkAD${a.id.replace(/-/g, '').slice(0, 20)}` : null,
              restoredFolderName: a.destinationType === 'new' ? `Restored-${a.id.slice(0, 8)}` : null,
              restoredItemCount: v.status === 'succeeded' ? 1 + (parseInt(a.id.slice(0, 4), 16) % 500) : null,
            }
          : {
              restoredSiteId: v.status === 'succeeded' ? a.id : null,
              restoredSiteName: a.destinationType === 'new' ? `Restored ${info.label} ${a.id.slice(0, 8)}` : null,
              restoredSiteWebUrl: v.status === 'succeeded' ? `https://contoso.sharepoint.com/sites/restored-${a.id.slice(0, 8)}` : null,
            };
      return {
        '@odata.type': info.artifactType,
        id: a.id,
        destinationType: a.destinationType,
        status: v.status,
        startDateTime: v.start ? formatTicks(v.start) : null,
        completionDateTime: v.completion ? formatTicks(v.completion) : null,
        error:
          v.status === 'failed'
            ? { code: 'ArtifactCannotBeRestored', message: 'The artifact could not be restored.', target: a.protectedResourceId, details: [], innerError: null }
            : null,
        ...extra,
        restorePoint: {
          id: a.restorePointId,
          protectionDateTime: formatTicks(a.protectionTime),
          expirationDateTime: formatTicks(a.expirationTime ?? { ms: a.protectionTime.ms + 365 * 86_400_000, ticks: a.protectionTime.ticks }),
          tags: 'none',
        },
      };
    });
  }
}

/** How many artifacts of a session with this status failed. */
function failedFor(status: GraphSessionStatus, total: number): number {
  if (status === 'failed') return total;
  if (status === 'completedWithError') return total > 1 ? Math.max(1, Math.floor(total / 3)) : total;
  return 0;
}

function sessionError(status: GraphSessionStatus, failed: number, total: number): GraphSessionRecord['error'] {
  if (status !== 'failed' && status !== 'completedWithError') return null;
  return {
    code: status === 'failed' ? 'RestoreFailed' : 'PartialFailure',
    message: `${failed} of ${total} artifacts failed to restore.`,
    target: null,
    details: [],
  };
}

function countArtifacts(artifacts: ArtifactView[]) {
  let completed = 0;
  let failed = 0;
  let inProgress = 0;
  for (const a of artifacts) {
    if (a.status === 'succeeded') completed++;
    else if (a.status === 'failed') failed++;
    else if (a.status === 'inProgress' || a.status === 'scheduled' || a.status === 'scheduling') inProgress++;
  }
  return { total: artifacts.length, completed, failed, inProgress };
}
