import { SeededRandom, deriveSeed } from '../common/random';
import { formatTicksWithOffset, type TickTime } from '../common/timestamps';
import { CONTOSO_DIRECTORY, DIRECTORY_SEED, WELL_KNOWN_DIRECTORY } from '../common/tenant';
import {
  WORKLOAD_INFO,
  type GraphDiscoveryData,
  type GraphPolicyKind,
  type GraphPolicyRecord,
  type GraphRestorePointRecord,
  type GraphUnitKind,
  type GraphUnitRecord,
  type GraphUnitStatus,
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

function createdBy(
  rng: SeededRandom,
  apps: Array<{ id: string; displayName: string }>,
  people: Array<{ id: string; displayName: string }>,
): GraphIdentitySetRecord | null {
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
export function seededArtifactStatus(status: GraphSessionStatus, index: number, count: number, failed: number): GraphArtifactStatus {
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

export function countsOf(status: GraphSessionStatus, count: number, failed: number): GraphArtifactCounts {
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
      record.createdText = `${new Date(record.created.ms).toISOString().slice(0, 19)}.${String(record.created.ms % 1000)
        .padStart(3, '0')
        .slice(0, 2)}Z`;
    }
    if (created && i % 89 === 11) record.createdText = formatTicksWithOffset(created, 120);
    sessions.push(record);
  }
  return sessions;
}

// ---------------------------------------------------------------------------------------------
// Discovery seed: the Contoso tenant as Microsoft 365 Backup protects it.

const DAY_MS = 86_400_000;
/** Days of daily restore points the well-known units have (others have 3..this many). */
export const GRAPH_DISCOVERY_MAX_DAYS = 28;
/** Restore points younger than this many days (before the anchor) are tagged `fastRestore`. */
export const GRAPH_FAST_RESTORE_DAYS = 14;

/** A GUID fixed by a natural key (e.g. `unit:mailbox:adele.vance@contoso.com`), the same for every seed. */
function guidFor(label: string): string {
  return new SeededRandom(deriveSeed(DIRECTORY_SEED, label)).guid();
}

/**
 * Seeds Graph discovery: the backup service status, one active protection policy per service
 * plus a retired Exchange policy, mailbox/drive/site protection units for Contoso's people and
 * sites (every status the notes list), and daily restore points per unit. It depends on no seed:
 * the tenant is the same world the Veeam simulator protects, and its ids are exported below.
 *
 * Shapes: 47 mailbox units (44 users + 3 shared mailboxes), 30 drive units, 15 site units; each
 * protected unit has one restore point a day for 3..28 days before {@link GRAPH_SEED_ANCHOR_MS}
 * (the well-known units have all 28), newest first; `unprotected` units only have points from
 * 40+ days ago; `protectRequested` units have none yet.
 */
export function seedGraphDiscovery(): GraphDiscoveryData {
  const rng = new SeededRandom(deriveSeed(DIRECTORY_SEED, 'graph-discovery'));
  const anchor = GRAPH_SEED_ANCHOR_MS;
  const dayStart = anchor - (anchor % DAY_MS);
  const t = (ms: number): TickTime => ({ ms: Math.floor(ms), ticks: rng.int(0, 9999) });
  const megan = CONTOSO_DIRECTORY.people[1];
  const admin: GraphIdentitySetRecord = { user: { id: megan.directoryObjectId, displayName: megan.displayName } };
  const service: GraphIdentitySetRecord = { application: { id: guidFor('app:m365-backup'), displayName: 'Microsoft 365 Backup' } };
  const retention = [
    // Learn's sample says P2W / P1Y, but the OpenAPI pattern only admits days: sent as days.
    { interval: 'R/PT10M', period: 'P14D' },
    { interval: 'R/P1W', period: 'P365D' },
  ];
  const policy = (
    key: string,
    kind: GraphPolicyKind,
    displayName: string,
    status: GraphPolicyRecord['status'],
    createdDaysAgo: number,
    modifiedDaysAgo: number,
  ): GraphPolicyRecord => ({
    id: guidFor(`policy:${key}`),
    kind,
    displayName,
    status,
    retentionSettings: retention,
    created: t(anchor - createdDaysAgo * DAY_MS),
    createdBy: admin,
    lastModified: t(anchor - modifiedDaysAgo * DAY_MS),
    lastModifiedBy: admin,
  });
  const retired = policy('exchange-retired', 'exchange', 'Exchange pilot (retired)', 'inactive', 200, 90);
  const policies: GraphPolicyRecord[] = [
    policy('exchange', 'exchange', 'Contoso mailboxes', 'active', 120, 30),
    policy('oneDrive', 'oneDrive', 'Contoso OneDrive accounts', 'active', 120, 30),
    policy('sharePoint', 'sharePoint', 'Contoso SharePoint sites', 'active', 120, 12),
    retired,
  ];
  const activeFor = (kind: GraphPolicyKind) => policies.find((p) => p.kind === kind && p.status === 'active') as GraphPolicyRecord;

  const units: GraphUnitRecord[] = [];
  const restorePoints: GraphRestorePointRecord[] = [];
  const addUnit = (
    kind: GraphUnitKind,
    key: string,
    fields: Partial<GraphUnitRecord>,
    plan: { status: GraphUnitStatus; policyId: string; days: number; startDay: number },
  ) => {
    const id = guidFor(`unit:${kind}:${key}`);
    const pointRng = new SeededRandom(deriveSeed(DIRECTORY_SEED, `points:${id}`));
    const minute = pointRng.int(0, 179);
    const points: GraphRestorePointRecord[] = [];
    for (let d = plan.startDay; d < plan.startDay + plan.days; d++) {
      const ms = dayStart - d * DAY_MS + 60 * 60_000 + minute * 60_000 + pointRng.int(0, 59_999);
      const protection = { ms, ticks: pointRng.int(0, 9999) };
      points.push({
        id: pointRng.guid(),
        unitId: id,
        protection,
        expiration: { ms: ms + 365 * DAY_MS, ticks: protection.ticks },
        tags: d < GRAPH_FAST_RESTORE_DAYS ? 'fastRestore' : 'none',
      });
    }
    const oldest = points.length ? points[points.length - 1].protection.ms : anchor - 2 * 3_600_000;
    const created = t(oldest - rng.int(1, 6) * 3_600_000);
    units.push({
      id,
      kind,
      policyId: plan.policyId,
      status: plan.status,
      ...fields,
      created,
      createdBy: rng.chance(0.7) ? admin : service,
      lastModified: plan.status === 'protected' ? created : t(anchor - rng.int(1, 20) * 3_600_000),
      lastModifiedBy: admin,
    });
    restorePoints.push(...points);
  };

  const wellKnown = (email?: string, url?: string) => email === WELL_KNOWN_DIRECTORY.mailboxEmail || url === WELL_KNOWN_DIRECTORY.siteUrl;
  const users = CONTOSO_DIRECTORY.people.filter((p) => p.accountType === 'User');
  const shared = CONTOSO_DIRECTORY.people.filter((p) => p.accountType === 'SharedMailbox');
  [...users.slice(0, 44), ...shared].forEach((p, i) => {
    const fields = { directoryObjectId: p.directoryObjectId, displayName: p.displayName, email: p.email };
    const days = wellKnown(p.email) ? GRAPH_DISCOVERY_MAX_DAYS : rng.int(3, GRAPH_DISCOVERY_MAX_DAYS);
    if (i === 40 || i === 41) addUnit('mailbox', p.email, fields, { status: 'unprotected', policyId: retired.id, days: rng.int(8, 20), startDay: 40 });
    else if (i === 42) addUnit('mailbox', p.email, fields, { status: 'protectRequested', policyId: activeFor('exchange').id, days: 0, startDay: 0 });
    else addUnit('mailbox', p.email, fields, { status: i === 43 ? 'unprotectRequested' : 'protected', policyId: activeFor('exchange').id, days, startDay: 0 });
  });
  users.slice(0, 30).forEach((p, i) => {
    const fields = { directoryObjectId: p.directoryObjectId, displayName: p.displayName, email: p.email };
    const days = wellKnown(p.email) ? GRAPH_DISCOVERY_MAX_DAYS : rng.int(3, GRAPH_DISCOVERY_MAX_DAYS);
    addUnit(
      'drive',
      p.email,
      fields,
      i === 29
        ? { status: 'protectRequested', policyId: activeFor('oneDrive').id, days: 0, startDay: 0 }
        : { status: 'protected', policyId: activeFor('oneDrive').id, days, startDay: 0 },
    );
  });
  CONTOSO_DIRECTORY.sites.slice(0, 15).forEach((s, i) => {
    const fields = { siteId: s.siteId, siteName: s.name, siteWebUrl: s.url };
    const days = wellKnown(undefined, s.url) ? GRAPH_DISCOVERY_MAX_DAYS : rng.int(3, GRAPH_DISCOVERY_MAX_DAYS);
    addUnit('site', s.url, fields, { status: i === 14 ? 'removeRequested' : 'protected', policyId: activeFor('sharePoint').id, days, startDay: 0 });
  });

  return {
    serviceStatus: {
      status: 'enabled',
      disableReason: 'none',
      backupServiceConsumer: 'firstparty',
      gracePeriod: null,
      restoreAllowedTill: null,
      lastModified: t(anchor - 200 * DAY_MS),
      lastModifiedBy: admin,
    },
    policies,
    units,
    restorePoints,
  };
}

const wellKnownData = seedGraphDiscovery();
const wellKnownUnit = (kind: GraphUnitKind, key: string) => {
  const id = guidFor(`unit:${kind}:${key}`);
  return { id, restorePointIds: wellKnownData.restorePoints.filter((p) => p.unitId === id).map((p) => p.id) };
};
const wkMailbox = wellKnownUnit('mailbox', WELL_KNOWN_DIRECTORY.mailboxEmail);
const wkDrive = wellKnownUnit('drive', WELL_KNOWN_DIRECTORY.mailboxEmail);
const wkSite = wellKnownUnit('site', WELL_KNOWN_DIRECTORY.siteUrl);

/**
 * Well-known Graph discovery ids, for gateway tests (the same for every simulator seed). Restore
 * point id lists are newest first.
 */
export const GRAPH_WELL_KNOWN = Object.freeze({
  ...WELL_KNOWN_DIRECTORY,
  exchangePolicyId: guidFor('policy:exchange'),
  oneDrivePolicyId: guidFor('policy:oneDrive'),
  sharePointPolicyId: guidFor('policy:sharePoint'),
  retiredExchangePolicyId: guidFor('policy:exchange-retired'),
  mailboxUnitId: wkMailbox.id,
  driveUnitId: wkDrive.id,
  siteUnitId: wkSite.id,
  mailboxRestorePointIds: Object.freeze(wkMailbox.restorePointIds),
  driveRestorePointIds: Object.freeze(wkDrive.restorePointIds),
  siteRestorePointIds: Object.freeze(wkSite.restorePointIds),
});
