import { SeededRandom, deriveSeed } from '../common/random';
import type { TickTime } from '../common/timestamps';
import { SESSION_TYPE_LABEL, type VeeamEventRecord, type VeeamJobRecord, type VeeamOrganizationRecord, type VeeamSessionRecord, type VeeamSessionType } from './records';

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

const OPERATORS = ['TECH\\administrator', 'SRV0101\\Administrator', 'adele.vance@contoso.onmicrosoft.com', 'megan.bowen@fabrikam.onmicrosoft.com', 'lee.gu@adatum.com'];
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

export function seedJobs(orgs: VeeamOrganizationRecord[], seed: number): VeeamJobRecord[] {
  const rng = new SeededRandom(deriveSeed(seed, 'jobs'));
  return orgs.filter((o) => o.listed).flatMap((o) => [
    { id: rng.guid(), name: `${o.name} daily backup`, organizationId: o.id },
    { id: rng.guid(), name: `${o.name} Teams backup`, organizationId: o.id },
  ]);
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
      clientHost: cloudConnect ? `VB365-CC01 (via: 203.0.113.${rng.int(2, 250)})` : rng.pick(['srv0101 (via: 127.0.0.1)', 'BXYDEV01 (via: 203.0.113.10)', 'VB365-SRV01']),
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
  events.push({ id: rng.guid(), type: 'None', status: 'Success', start: session.creation, end: session.creation, title: 'Restore session started', message: 'Restore session started', itemSizeBytes: 0 });
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
      title: status === 'Success' ? `Item is successfully ${type === 'Save' ? 'saved' : 'restored'}.` : status === 'Running' ? 'Restoring item' : `Item ${status === 'Skipped' ? 'is skipped' : 'restore failed'}.`,
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
