import { SeededRandom, deriveSeed } from '../common/random';
import type { TickTime } from '../common/timestamps';
import { CONTOSO_DIRECTORY, DIRECTORY_SEED, WELL_KNOWN_DIRECTORY, directoryFor } from '../common/tenant';
import {
  SESSION_TYPE_LABEL,
  type VeeamDiscoveryData,
  type VeeamEventRecord,
  type VeeamJobDetailRecord,
  type VeeamJobKind,
  type VeeamJobRecord,
  type VeeamOrganizationRecord,
  type VeeamProtectedGroupRecord,
  type VeeamProtectedSiteRecord,
  type VeeamProtectedTeamRecord,
  type VeeamProtectedUserRecord,
  type VeeamRestorePointRecord,
  type VeeamSessionRecord,
  type VeeamSessionType,
} from './records';

export const VEEAM_SEED_ANCHOR_MS = Date.UTC(2026, 9, 1, 9, 30, 0);

const ORGS: Array<Pick<VeeamOrganizationRecord, 'name' | 'type' | 'region' | 'listed'>> = [
  { name: 'contoso.onmicrosoft.com', type: 'Office365', region: 'Worldwide', listed: true },
  { name: 'fabrikam.onmicrosoft.com', type: 'Office365', region: 'Germany', listed: true },
  { name: 'northwind.local', type: 'OnPremises', region: null, listed: true },
  { name: 'adatum.com', type: 'Hybrid', region: 'Worldwide', listed: true },
  { name: 'wingtip-müller.onmicrosoft.com', type: 'Office365', region: 'Worldwide', listed: true },
  // Removed from the server: its old sessions still name it, /Organizations no longer lists it.
  { name: 'litware-legacy.onmicrosoft.com', type: 'Office365', region: 'Worldwide', listed: false },
];

const OPERATORS = [
  'TECH\\administrator',
  'SRV0101\\Administrator',
  'adele.vance@contoso.onmicrosoft.com',
  'megan.bowen@fabrikam.onmicrosoft.com',
  'lee.gu@adatum.com',
];
const TYPES: VeeamSessionType[] = ['Vex', 'Veod', 'Vesp', 'Vet'];

function tick(ms: number, rng: SeededRandom): TickTime {
  return { ms: Math.floor(ms), ticks: rng.int(0, 9999) };
}

function usDate(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 || 12}:${String(d.getUTCMinutes()).padStart(2, '0')}:${String(d.getUTCSeconds()).padStart(2, '0')} ${h < 12 ? 'AM' : 'PM'}`;
}

export function seedOrganizations(seed: number): VeeamOrganizationRecord[] {
  const rng = new SeededRandom(deriveSeed(seed, 'orgs'));
  return ORGS.map((o) => ({
    ...o,
    id: rng.guid(),
    officeName: o.type === 'OnPremises' ? '' : o.name,
    isExchangeOnline: o.type !== 'OnPremises',
    isSharePointOnline: o.type !== 'OnPremises',
    isTeamsOnline: o.type === 'Office365',
    firstBackup: tick(VEEAM_SEED_ANCHOR_MS - 400 * 86_400_000, rng),
    lastBackup: tick(VEEAM_SEED_ANCHOR_MS - rng.int(1, 48) * 3_600_000, rng),
  }));
}

/**
 * Two jobs per listed organisation (daily backup of users and groups, Teams backup), then a
 * SharePoint backup job for each organisation with SharePoint Online (drawn from their own
 * sequence so the first jobs' ids are what they always were).
 */
export function seedJobs(orgs: VeeamOrganizationRecord[], seed: number): VeeamJobRecord[] {
  const rng = new SeededRandom(deriveSeed(seed, 'jobs'));
  const listed = orgs.filter((o) => o.listed);
  const jobs: VeeamJobRecord[] = listed.flatMap((o) => [
    { id: rng.guid(), name: `${o.name} daily backup`, organizationId: o.id, kind: 'daily' as const },
    { id: rng.guid(), name: `${o.name} Teams backup`, organizationId: o.id, kind: 'teams' as const },
  ]);
  const extra = new SeededRandom(deriveSeed(seed, 'jobs-sharepoint'));
  for (const o of listed.filter((org) => org.isSharePointOnline))
    jobs.push({ id: extra.guid(), name: `${o.name} SharePoint backup`, organizationId: o.id, kind: 'sharepoint' });
  return jobs;
}

export function sessionName(type: VeeamSessionType, scope: string, ms: number): string {
  return `${SESSION_TYPE_LABEL[type]} restore (${scope} - ${usDate(ms)})`;
}

/**
 * Seeds Veeam restore sessions: every type and state/result pair, sessions of an organisation
 * the server no longer lists, empty strings, omitted vs null endTime, Cloud Connect initiators.
 * `legacyStates` adds the Starting/Stopping states older servers printed.
 */
export function seedVeeamSessions(count: number, seed: number, orgs: VeeamOrganizationRecord[], legacyStates: boolean): VeeamSessionRecord[] {
  const rng = new SeededRandom(seed);
  const sessions: VeeamSessionRecord[] = [];
  const combos: Array<[string, string]> = [
    ['Working', 'Success'],
    ['Stopped', 'Success'],
    ['Stopped', 'Warning'],
    ['Stopped', 'Failed'],
    ['Working', 'Warning'],
  ];
  for (let i = 0; i < count; i++) {
    const org = i < orgs.length ? orgs[i] : rng.chance(0.03) ? orgs[orgs.length - 1] : rng.pick(orgs.slice(0, -1));
    const type = TYPES[i % TYPES.length];
    let state: string;
    let result: string;
    if (i < combos.length) [state, result] = combos[i];
    else {
      state = rng.chance(0.15) ? 'Working' : 'Stopped';
      const roll = rng.next();
      result = state === 'Working' ? (roll < 0.9 ? 'Success' : 'Warning') : roll < 0.65 ? 'Success' : roll < 0.85 ? 'Warning' : 'Failed';
    }
    if (legacyStates && i % 50 === 7) state = i % 100 === 7 ? 'Starting' : 'Stopping';
    const creation = tick(VEEAM_SEED_ANCHOR_MS - rng.int(0, 180 * 24 * 3600 * 1000), rng);
    if (i > 0 && i % 83 === 0) creation.ms = sessions[i - 1].creation.ms; // same millisecond, other ticks
    const working = state !== 'Stopped';
    const cloudConnect = rng.chance(0.08);
    const total = rng.int(0, 400);
    const failedItems = result === 'Failed' ? Math.max(1, Math.floor(total / 3)) : result === 'Warning' ? Math.min(total, rng.int(0, 5)) : 0;
    const skipped = Math.min(total - failedItems, rng.int(0, 3));
    sessions.push({
      id: rng.guid(),
      name: sessionName(type, rng.chance(0.5) ? `Organization: ${org.name}` : `Job: ${org.name} daily backup`, creation.ms),
      organizationId: org.id,
      organizationName: org.name,
      type,
      creation,
      end: working ? null : tick(creation.ms + rng.int(60, 7200) * 1000, rng),
      omitEndTime: working && rng.chance(0.5),
      state,
      result,
      initiatedBy: cloudConnect ? org.name : rng.pick(OPERATORS),
      details: working ? '' : rng.chance(0.3) ? '' : `${total} items processed (${total - failedItems} success)`,
      scopeName: rng.chance(0.1) ? 'Finance team' : '',
      clientHost: cloudConnect
        ? `VB365-CC01 (via: 203.0.113.${rng.int(2, 250)})`
        : rng.pick(['srv0101 (via: 127.0.0.1)', 'BXYDEV01 (via: 203.0.113.10)', 'VB365-SRV01']),
      reason: rng.chance(0.1) ? 'Ticket 4711 – user deleted channel files' : '',
      eTag: rng.int(1, 40),
      eventSeed: deriveSeed(seed, `events-${i}`),
      eventCount: rng.int(1, 45),
      extraEvents: [],
      stats: { total, restored: working ? Math.floor((total - failedItems - skipped) / 2) : total - failedItems - skipped, failed: failedItems, skipped },
    });
  }
  return sessions;
}

const ITEM_NAMES = ['Q1 budget.msg', 'Board minutes.docx', 'Roadmap.pptx', 'Invoice 2231.pdf', 'General', 'Shared Documents', 'Project plan.xlsx'];

/** The session's events, generated the same way every time from the session's seed. */
export function generateEvents(session: VeeamSessionRecord): VeeamEventRecord[] {
  const rng = new SeededRandom(session.eventSeed);
  const events: VeeamEventRecord[] = [];
  let at = session.creation.ms;
  events.push({
    id: rng.guid(),
    type: 'None',
    status: 'Success',
    start: session.creation,
    end: session.creation,
    title: 'Restore session started',
    message: 'Restore session started',
    itemSizeBytes: 0,
  });
  for (let i = 1; i < session.eventCount; i++) {
    at += rng.int(1, 120) * 1000;
    const last = i === session.eventCount - 1;
    const running = last && session.state === 'Working';
    const status = running ? 'Running' : rng.chance(0.85) ? 'Success' : rng.pick(['Warning', 'Failed', 'Skipped'] as const);
    const itemName = rng.pick(ITEM_NAMES);
    const type = rng.pick(['Save', 'Export', 'Send', 'Restore', 'View'] as const);
    const start: TickTime = { ms: at, ticks: rng.int(0, 9999) };
    events.push({
      id: rng.guid(),
      type,
      status,
      start,
      end: running ? null : { ms: at + rng.int(0, 5000), ticks: rng.int(0, 9999) },
      title:
        status === 'Success'
          ? `Item is successfully ${type === 'Save' ? 'saved' : 'restored'}.`
          : status === 'Running'
            ? 'Restoring item'
            : `Item ${status === 'Skipped' ? 'is skipped' : 'restore failed'}.`,
      message: `Item ${itemName} ${status === 'Success' ? 'was restored successfully' : status === 'Running' ? 'is being restored' : `finished with ${status.toLowerCase()}`} (type: Item; source: /${session.organizationName}/${itemName})`,
      itemName,
      itemType: rng.pick(['Item', 'Folder', 'List']),
      itemSizeBytes: rng.int(100, 5_000_000),
      source: `/${session.organizationName}/${itemName}`,
      target: rng.chance(0.5) ? 'C:\\Users\\admin\\Desktop' : 'Original location',
    });
  }
  return events;
}

// ---------------------------------------------------------------------------------------------
// Discovery seed: what each job protects, its daily restore points, the protected objects.

const DAY_MS = 86_400_000;
/** Daily restore points per job (the newest the evening before the anchor). */
export const VEEAM_RESTORE_POINTS_PER_JOB = 21;

/** A GUID fixed by a natural key, the same for every simulator seed. */
function guidFor(label: string): string {
  return new SeededRandom(deriveSeed(DIRECTORY_SEED, `veeam:${label}`)).guid();
}

export const VEEAM_REPOSITORIES = [
  { id: guidFor('repository:default'), name: 'Default Backup Repository' },
  { id: guidFor('repository:object'), name: 'Object storage (S3 compatible)' },
];

function jobKind(job: VeeamJobRecord): VeeamJobKind {
  return job.kind ?? (/teams/i.test(job.name) ? 'teams' : /sharepoint/i.test(job.name) ? 'sharepoint' : 'daily');
}

/** Restore point ids are fixed by organisation, job kind and position, so they do not depend on the seed. */
export function veeamRestorePointId(organizationName: string, kind: VeeamJobKind, index: number): string {
  return guidFor(`restore-point:${organizationName}:${kind}:${index}`);
}

/**
 * Seeds Veeam discovery from the shared tenant directories (`common/tenant.ts`): each listed
 * organisation's daily job protects its users (mailbox, archive, OneDrive) and groups, its Teams
 * job its teams, its SharePoint job its sites. Objects join their job over time (`sinceIndex`),
 * and each job has one restore point a day for {@link VEEAM_RESTORE_POINTS_PER_JOB} days, from its
 * first protected object on; a restore point holds exactly the objects its job protected then. A
 * job with nothing to protect (northwind's Teams job) has no restore points. Object ids and
 * restore point ids depend on the directory only; organisation and job ids on the seed.
 */
export function seedVeeamDiscovery(orgs: VeeamOrganizationRecord[], jobs: VeeamJobRecord[], seed: number): VeeamDiscoveryData {
  const rng = new SeededRandom(deriveSeed(seed, 'discovery'));
  const dayStart = VEEAM_SEED_ANCHOR_MS - (VEEAM_SEED_ANCHOR_MS % DAY_MS);
  const data: VeeamDiscoveryData = {
    repositories: VEEAM_REPOSITORIES,
    jobDetails: [],
    users: [],
    groups: [],
    sites: [],
    teams: [],
    restorePoints: [],
    organizationIds: {},
  };
  for (const org of orgs) {
    const directory = directoryFor(org.name);
    data.organizationIds[org.id] = {
      backedUpOrganizationId: guidFor(`backed-up-organization:${org.name}`),
      msid: directory?.tenantId ?? guidFor(`tenant:${org.name}`),
    };
    if (!org.listed || !directory) continue;
    const ids = data.organizationIds[org.id];
    const objectRng = new SeededRandom(deriveSeed(DIRECTORY_SEED, `veeam-objects:${org.name}`));
    const since = (wellKnown: boolean, early: boolean) => (wellKnown || early ? 0 : objectRng.int(0, 15));
    const repositoryId =
      org.name === CONTOSO_DIRECTORY.organizationName || org.name.startsWith('fabrikam') ? VEEAM_REPOSITORIES[0].id : VEEAM_REPOSITORIES[1].id;
    for (const job of jobs.filter((j) => j.organizationId === org.id)) {
      const kind = jobKind(job);
      const base = { organizationId: org.id, backedUpOrganizationId: ids.backedUpOrganizationId, jobId: job.id, eTag: 1 };
      const users: VeeamProtectedUserRecord[] = [];
      const groups: VeeamProtectedGroupRecord[] = [];
      const sites: VeeamProtectedSiteRecord[] = [];
      const teams: VeeamProtectedTeamRecord[] = [];
      if (kind === 'daily') {
        const people =
          org.name === CONTOSO_DIRECTORY.organizationName
            ? [...directory.people.filter((p) => p.accountType === 'User').slice(0, 50), ...directory.people.filter((p) => p.accountType !== 'User')]
            : directory.people;
        people.forEach((p, i) => {
          users.push({
            ...base,
            id: guidFor(`user:${org.name}:${p.email}`),
            msid: p.directoryObjectId,
            displayName: p.displayName,
            email: p.email,
            accountType: p.accountType,
            mailboxId: guidFor(`mailbox:${p.email}`),
            archiveMailboxId: p.hasArchive ? guidFor(`archive:${p.email}`) : null,
            oneDriveId: p.oneDriveUrl ? guidFor(`onedrive:${p.email}`) : null,
            oneDriveUrl: p.oneDriveUrl,
            sinceIndex: since(p.email === WELL_KNOWN_DIRECTORY.mailboxEmail, i < 10),
          });
        });
        for (const g of directory.groups) {
          groups.push({
            ...base,
            id: guidFor(`group:${g.mail}`),
            msid: g.groupId,
            displayName: g.displayName,
            mail: g.mail,
            mailboxId: guidFor(`group-mailbox:${g.mail}`),
            siteId: guidFor(`group-site:${g.siteUrl}`),
            siteUrl: g.siteUrl,
            sinceIndex: since(false, false),
          });
        }
      } else if (kind === 'sharepoint') {
        directory.sites.forEach((site, i) => {
          sites.push({
            ...base,
            id: guidFor(`site:${site.url}`),
            msid: site.siteId,
            displayName: site.name,
            url: site.url,
            sinceIndex: since(site.url === WELL_KNOWN_DIRECTORY.siteUrl, i < 3),
          });
        });
      } else {
        directory.teams.forEach((team, i) => {
          teams.push({
            ...base,
            id: guidFor(`team:${team.mail}`),
            msid: team.teamId,
            displayName: team.displayName,
            description: team.description,
            mail: team.mail,
            sinceIndex: since(false, i < 2),
          });
        });
      }
      const all = [...users, ...groups, ...sites, ...teams];
      const first = all.length ? Math.min(...all.map((o) => o.sinceIndex)) : VEEAM_RESTORE_POINTS_PER_JOB;
      const minute = rng.int(0, 59);
      const points: VeeamRestorePointRecord[] = [];
      for (let index = first; index < VEEAM_RESTORE_POINTS_PER_JOB; index++) {
        const ms = dayStart - (VEEAM_RESTORE_POINTS_PER_JOB - index) * DAY_MS + 22 * 3_600_000 + minute * 60_000 + rng.int(0, 59_999);
        const inPoint = <T extends { sinceIndex: number; id: string }>(list: T[]) => list.filter((o) => o.sinceIndex <= index).map((o) => o.id);
        const userIds = inPoint(users);
        points.push({
          id: veeamRestorePointId(org.name, kind, index),
          jobId: job.id,
          organizationId: org.id,
          repositoryId,
          index,
          backupTime: { ms, ticks: rng.int(0, 9999) },
          isExchange: kind === 'daily',
          isOneDrive: kind === 'daily' && users.some((u) => u.oneDriveId && u.sinceIndex <= index),
          isSharePoint: kind === 'sharepoint' || (kind === 'daily' && groups.some((g) => g.sinceIndex <= index)),
          isTeams: kind === 'teams',
          isLongTermCopy: false,
          isCopy: false,
          isRetrieved: false,
          eTag: 1,
          objectsEtag: 1 + index - first,
          userIds,
          groupIds: inPoint(groups),
          siteIds: inPoint(sites),
          teamIds: inPoint(teams),
        });
      }
      const last = points[points.length - 1];
      const detail: VeeamJobDetailRecord = {
        jobId: job.id,
        kind,
        description: kind === 'daily' ? 'Mailboxes, archives, OneDrive and group mailboxes' : kind === 'teams' ? 'Microsoft Teams' : 'SharePoint Online sites',
        repositoryId,
        backupType: org.name === CONTOSO_DIRECTORY.organizationName || kind !== 'daily' ? 'SelectedItems' : 'EntireOrganization',
        dailyTime: '22:00:00',
        isEnabled: true,
        lastStatus: !last ? 'NotConfigured' : org.name.startsWith('fabrikam') && kind === 'daily' ? 'Warning' : 'Success',
        lastRun: last ? last.backupTime : null,
        nextRun: last ? { ms: last.backupTime.ms + DAY_MS, ticks: 0 } : null,
        lastBackup: last ? last.backupTime : null,
        eTag: 1 + rng.int(0, 6),
      };
      data.jobDetails.push(detail);
      data.users.push(...users);
      data.groups.push(...groups);
      data.sites.push(...sites);
      data.teams.push(...teams);
      data.restorePoints.push(...points);
    }
  }
  return data;
}

const contosoName = CONTOSO_DIRECTORY.organizationName;
/**
 * Well-known Veeam discovery ids and names, for gateway tests (the same for every simulator seed;
 * organisation and job ids are not: find them by `organizationName` in `sim.organizations`).
 * Restore point id lists are newest first.
 */
export const VEEAM_WELL_KNOWN = Object.freeze({
  ...WELL_KNOWN_DIRECTORY,
  organizationName: contosoName,
  protectedUserId: guidFor(`user:${contosoName}:${WELL_KNOWN_DIRECTORY.mailboxEmail}`),
  mailboxId: guidFor(`mailbox:${WELL_KNOWN_DIRECTORY.mailboxEmail}`),
  protectedSiteId: guidFor(`site:${WELL_KNOWN_DIRECTORY.siteUrl}`),
  dailyJobRestorePointIds: Object.freeze(
    Array.from({ length: VEEAM_RESTORE_POINTS_PER_JOB }, (_, i) => veeamRestorePointId(contosoName, 'daily', VEEAM_RESTORE_POINTS_PER_JOB - 1 - i)),
  ),
  sharePointJobRestorePointIds: Object.freeze(
    Array.from({ length: VEEAM_RESTORE_POINTS_PER_JOB }, (_, i) => veeamRestorePointId(contosoName, 'sharepoint', VEEAM_RESTORE_POINTS_PER_JOB - 1 - i)),
  ),
});
