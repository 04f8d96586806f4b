import { SeededRandom, deriveSeed } from '../common/random';
import { formatTicks, type TickTime } from '../common/timestamps';
import type { SimClock } from '../common/clock';
import { seededArtifacts } from './seed';
import {
  TERMINAL_STATUSES,
  WORKLOAD_INFO,
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

  countActivating(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (this.view(s).status === 'activating') n++;
    return n;
  }

  create(workload: GraphWorkloadKind, artifacts: NewArtifactInput[], createdBy: GraphIdentitySetRecord, jobType: 'standard' | 'granular' = 'standard'): GraphSessionRecord {
    const now = this.clock.now();
    const created: TickTime = { ms: Math.floor(now), ticks: this.rng.int(0, 9999) };
    const record: GraphSessionRecord = {
      id: this.rng.guid(),
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
          protectionTime: tt(now - 86_400_000),
          destinationType: a.destinationType,
          // A resource whose id says so fails: tests and demos can ask for a failure.
          willFail: /fail/i.test(protectedResourceId) || /fail/i.test(a.restorePointId),
        };
      }),
    };
    this.sessions.set(record.id.toLowerCase(), record);
    return record;
  }

  activate(record: GraphSessionRecord): void {
    record.activatedAtMs = this.clock.now();
    record.status = 'activating';
    record.lastModified = tt(record.activatedAtMs);
  }

  /** The session as it is now: seeded sessions are fixed, activated ones move with the clock. */
  view(record: GraphSessionRecord, withArtifacts = false): SessionView {
    if (record.activatedAtMs === undefined) {
      if (record.seeded && !withArtifacts) return { status: record.status, counts: record.seeded.counts, completed: record.completed, lastModified: record.lastModified, artifacts: [] };
      const artifacts = this.artifactsOf(record).map((a) => ({ status: a.fixedStatus ?? 'added', start: a.fixedStart ?? null, completion: a.fixedCompletion ?? null }));
      return { status: record.status, counts: record.seeded?.counts ?? countArtifacts(artifacts), completed: record.completed, lastModified: record.lastModified, artifacts };
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
    const changedAt = terminal ? lastEnd : status === 'active' ? Math.max(t0 + activatingMs, ...artifacts.map((a) => a.completion?.ms ?? a.start?.ms ?? 0)) : t0;
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
          ? { restoredFolderId: v.status === 'succeeded' && a.destinationType === 'new' ? `AAMkAD${a.id.replace(/-/g, '').slice(0, 20)}` : null, restoredFolderName: a.destinationType === 'new' ? `Restored-${a.id.slice(0, 8)}` : null, restoredItemCount: v.status === 'succeeded' ? 1 + (parseInt(a.id.slice(0, 4), 16) % 500) : null }
          : { restoredSiteId: v.status === 'succeeded' ? a.id : null, restoredSiteName: a.destinationType === 'new' ? `Restored ${info.label} ${a.id.slice(0, 8)}` : null, restoredSiteWebUrl: v.status === 'succeeded' ? `https://contoso.sharepoint.com/sites/restored-${a.id.slice(0, 8)}` : null };
      return {
        '@odata.type': info.artifactType,
        id: a.id,
        destinationType: a.destinationType,
        status: v.status,
        startDateTime: v.start ? formatTicks(v.start) : null,
        completionDateTime: v.completion ? formatTicks(v.completion) : null,
        error: v.status === 'failed' ? { code: 'ArtifactCannotBeRestored', message: 'The artifact could not be restored.', target: a.protectedResourceId, details: [], innerError: null } : null,
        ...extra,
        restorePoint: {
          id: a.restorePointId,
          protectionDateTime: formatTicks(a.protectionTime),
          expirationDateTime: formatTicks({ ms: a.protectionTime.ms + 365 * 86_400_000, ticks: a.protectionTime.ticks }),
          tags: 'none',
        },
      };
    });
  }
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
