import { SeededRandom, deriveSeed } from '../common/random';
import { formatTicksWithOffset, type TickTime } from '../common/timestamps';
import {
  WORKLOAD_INFO,
  type GraphArtifactCounts,
  type GraphArtifactRecord,
  type GraphArtifactStatus,
  type GraphIdentitySetRecord,
  type GraphSessionRecord,
  type GraphSessionStatus,
  type GraphWorkloadKind,
} from './records';

/** Fixed anchor so that a seed yields the same timestamps on every run. */
export const GRAPH_SEED_ANCHOR_MS = Date.UTC(2026, 9, 1, 12, 0, 0);

const PEOPLE = ['Adele Vance', 'Megan Bowen', 'Alex Wilber', 'Lee Gu', 'Nestor Wilke', 'Isaiah Langer', 'Pradeep Gupta', 'Johanna Lorenz', 'Zoë Durand'];
const APPS = ['Contoso Restore App', 'Microsoft Enhanced Restore'];

const STATUS_WEIGHTS: Array<[GraphSessionStatus, number]> = [
  ['draft', 10],
  ['activating', 5],
  ['active', 14],
  ['completed', 40],
  ['completedWithError', 15],
  ['failed', 14],
  ['unknownFutureValue', 2],
];

function weightedStatus(rng: SeededRandom): GraphSessionStatus {
  const total = STATUS_WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
  let roll = rng.next() * total;
  for (const [status, weight] of STATUS_WEIGHTS) {
    roll -= weight;
    if (roll < 0) return status;
  }
  return 'completed';
}

function createdBy(rng: SeededRandom, apps: Array<{ id: string; displayName: string }>, people: Array<{ id: string; displayName: string }>): GraphIdentitySetRecord | null {
  const roll = rng.next();
  const application = rng.pick(apps);
  if (roll < 0.05) return null; // older sessions: no createdBy at all
  if (roll < 0.3) return { application }; // app-only caller: no user
  return { user: rng.pick(people), application };
}

function tick(ms: number, rng: SeededRandom): TickTime {
  return { ms: Math.floor(ms), ticks: rng.int(0, 9999) };
}

/** What artifact `index` of a seeded session shows, from the session's status alone. */
function seededArtifactStatus(status: GraphSessionStatus, index: number, count: number, failed: number): GraphArtifactStatus {
  switch (status) {
    case 'draft':
      return 'added';
    case 'activating':
      return 'scheduling';
    case 'active':
      return index === 0 ? 'succeeded' : index < count / 2 ? 'inProgress' : 'scheduled';
    case 'unknownFutureValue':
      return 'scheduled';
    default:
      return index < failed ? 'failed' : 'succeeded';
  }
}

function countsOf(status: GraphSessionStatus, count: number, failed: number): GraphArtifactCounts {
  const counts = { total: count, completed: 0, failed: 0, inProgress: 0 };
  for (let i = 0; i < count; i++) {
    const s = seededArtifactStatus(status, i, count, failed);
    if (s === 'succeeded') counts.completed++;
    else if (s === 'failed') counts.failed++;
    else if (s !== 'added') counts.inProgress++;
  }
  return counts;
}

/** Regenerates a seeded session's artifacts; the same every time for the same session. */
export function seededArtifacts(record: GraphSessionRecord): GraphArtifactRecord[] {
  if (!record.seeded) return record.artifacts;
  const { artifactSeed, artifactCount, failedCount } = record.seeded;
  const rng = new SeededRandom(artifactSeed);
  const destinationType = rng.chance(0.6) ? 'new' : 'inPlace';
  const baseMs = record.created?.ms ?? GRAPH_SEED_ANCHOR_MS;
  const startMs = baseMs + rng.int(1, 30) * 60_000;
  const artifacts: GraphArtifactRecord[] = [];
  for (let i = 0; i < artifactCount; i++) {
    const protectedResourceId = rng.guid();
    const fixedStatus = seededArtifactStatus(record.status, i, artifactCount, failedCount);
    const started = fixedStatus === 'added' || fixedStatus === 'scheduling' || fixedStatus === 'scheduled' ? null : tick(startMs + i * 45_000, rng);
    const done = fixedStatus === 'succeeded' || fixedStatus === 'failed';
    artifacts.push({
      id: rng.guid(),
      protectedResourceId,
      restorePointId: `${protectedResourceId}-rp-${rng.int(1, 90)}`,
      protectionTime: tick(baseMs - rng.int(1, 30) * 86_400_000, rng),
      destinationType,
      willFail: fixedStatus === 'failed',
      fixedStatus,
      fixedStart: started,
      fixedCompletion: done && started ? { ms: Math.min(started.ms + rng.int(30, 900) * 1000, record.completed?.ms ?? Infinity), ticks: 0 } : null,
    });
  }
  return artifacts;
}

/**
 * Seeds `count` Graph restore sessions: every status, workload and job type, and the null and odd
 * values the notes describe (no createdBy, app-only creator, no artifact count, null job type,
 * the docs' lower-case `sharepointRestoreSession` spelling, 2-digit fractions, an offset, equal
 * timestamps, no createdDateTime). Insertion order is not time order, as Graph promises none.
 */
export function seedGraphSessions(count: number, seed: number): GraphSessionRecord[] {
  const rng = new SeededRandom(seed);
  const apps = APPS.map((displayName) => ({ id: rng.guid(), displayName }));
  const people = PEOPLE.map((displayName) => ({ id: rng.guid(), displayName }));
  const workloads: GraphWorkloadKind[] = ['exchange', 'oneDrive', 'sharePoint'];
  const sessions: GraphSessionRecord[] = [];
  for (let i = 0; i < count; i++) {
    // Cycle statuses for the first sessions so even a tiny seed covers them all.
    const status = i < STATUS_WEIGHTS.length ? STATUS_WEIGHTS[i][0] : weightedStatus(rng);
    const workload = workloads[i % 3];
    let created: TickTime | null = tick(GRAPH_SEED_ANCHOR_MS - rng.int(0, 180 * 24 * 3600 * 1000), rng);
    if (i > 0 && i % 97 === 0) created = sessions[i - 1].created; // equal timestamps: order falls to the id
    if (i % 499 === 17) created = null;
    const by = createdBy(rng, apps, people);
    const artifactCount = status === 'draft' && rng.chance(0.2) ? 0 : rng.int(1, 12);
    const failedCount = status === 'failed' ? artifactCount : status === 'completedWithError' ? Math.max(1, Math.min(artifactCount - 1, rng.int(1, 3))) : 0;
    const terminal = status === 'completed' || status === 'completedWithError' || status === 'failed';
    const completed = terminal ? tick((created?.ms ?? GRAPH_SEED_ANCHOR_MS) + rng.int(10, 600) * 60_000, rng) : null;
    const record: GraphSessionRecord = {
      id: rng.guid(),
      workload,
      odataType: workload === 'sharePoint' && i % 10 === 2 ? '#microsoft.graph.sharepointRestoreSession' : WORKLOAD_INFO[workload].odataType,
      status,
      restoreJobType: i % 53 === 5 ? null : rng.chance(0.15) ? 'bulk' : rng.chance(0.1) ? 'granular' : 'standard',
      created,
      createdBy: by,
      lastModified: completed ?? created,
      lastModifiedBy: by && by.application ? { application: by.application } : null,
      completed,
      error:
        status === 'failed' || status === 'completedWithError'
          ? {
              code: status === 'failed' ? 'RestoreFailed' : 'PartialFailure',
              message: status === 'failed' ? 'All artifacts failed to restore.' : `${failedCount} of ${artifactCount} artifacts failed to restore.`,
              target: null,
              details: rng.chance(0.5) ? [{ code: 'ArtifactCannotBeRestored', message: 'The item is under legal hold.', target: null }] : [],
            }
          : null,
      countsHidden: i % 61 === 9,
      artifacts: [],
      seeded: { artifactSeed: deriveSeed(seed, `artifacts-${i}`), artifactCount, failedCount, counts: countsOf(status, artifactCount, failedCount) },
    };
    if (created && i % 41 === 3) {
      // Two fractional digits, as the docs' examples print them; the stored time matches the text.
      record.created = { ms: created.ms - (created.ms % 10), ticks: 0 };
      record.createdText = `${new Date(record.created.ms).toISOString().slice(0, 19)}.${String(record.created.ms % 1000).padStart(3, '0').slice(0, 2)}Z`;
    }
    if (created && i % 89 === 11) record.createdText = formatTicksWithOffset(created, 120);
    sessions.push(record);
  }
  return sessions;
}
