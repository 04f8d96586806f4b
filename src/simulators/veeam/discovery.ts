import type { RouteDefinition, RouteHandler, SimRequest, SimResponse } from '../common/simServer';
import { formatTicks, type TickTime } from '../common/timestamps';
import type {
  VeeamDiscoveryData,
  VeeamJobDetailRecord,
  VeeamJobRecord,
  VeeamOrganizationRecord,
  VeeamProtectedGroupRecord,
  VeeamProtectedSiteRecord,
  VeeamProtectedTeamRecord,
  VeeamProtectedUserRecord,
  VeeamRestorePointRecord,
} from './records';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Parses the UTC times Veeam accepts in queries: ISO 8601 and, as the v6 docs list for
 * `backupTime`, `yyyy-MM-dd HH:mm:ss.SSS` and `yyyy.MM.dd HH:mm:ss`. A time without a zone is
 * UTC (the docs say the parameters are UTC), never local time.
 */
export function parseVeeamTime(text: string): number | null {
  const m = /^(\d{4})[-.](\d{2})[-.](\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?(Z|[+-]\d{2}:?\d{2})?$/i.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), frac ? Number(frac.padEnd(3, '0').slice(0, 3)) : 0);
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return Number.isNaN(ms) ? null : ms;
}

/** The discovery data and its lookups: jobs' details, restore points and protected objects. */
export class VeeamDiscovery {
  readonly repositories: VeeamDiscoveryData['repositories'];
  readonly restorePoints: VeeamRestorePointRecord[];
  readonly users: VeeamProtectedUserRecord[];
  readonly groups: VeeamProtectedGroupRecord[];
  readonly sites: VeeamProtectedSiteRecord[];
  readonly teams: VeeamProtectedTeamRecord[];
  private readonly details = new Map<string, VeeamJobDetailRecord>();
  private readonly pointById = new Map<string, VeeamRestorePointRecord>();
  private readonly organizationIds: VeeamDiscoveryData['organizationIds'];

  constructor(data: VeeamDiscoveryData) {
    this.repositories = data.repositories;
    this.restorePoints = data.restorePoints;
    this.users = data.users;
    this.groups = data.groups;
    this.sites = data.sites;
    this.teams = data.teams;
    this.organizationIds = data.organizationIds;
    for (const d of data.jobDetails) this.details.set(d.jobId, d);
    for (const rp of data.restorePoints) this.pointById.set(rp.id.toLowerCase(), rp);
  }

  jobDetail(jobId: string): VeeamJobDetailRecord | undefined {
    return this.details.get(jobId);
  }

  restorePoint(id: string): VeeamRestorePointRecord | undefined {
    return this.pointById.get(id.toLowerCase());
  }

  /** Veeam's backed-up organisation id and the Microsoft tenant id of an organisation. */
  organizationIdsOf(organizationId: string): { backedUpOrganizationId: string; msid: string } | undefined {
    return this.organizationIds[organizationId];
  }

  /** Restore points holding a protected object (by its Veeam id), newest first. */
  restorePointsWith(kind: 'user' | 'group' | 'site' | 'team', objectId: string): VeeamRestorePointRecord[] {
    const key = { user: 'userIds', group: 'groupIds', site: 'siteIds', team: 'teamIds' }[kind] as 'userIds' | 'groupIds' | 'siteIds' | 'teamIds';
    const lower = objectId.toLowerCase();
    return this.restorePoints.filter((rp) => rp[key].some((id) => id.toLowerCase() === lower)).sort((a, b) => b.backupTime.ms - a.backupTime.ms);
  }
}

export interface DiscoveryRouteContext {
  organizations: VeeamOrganizationRecord[];
  jobs: VeeamJobRecord[];
  discovery: VeeamDiscovery;
  authenticated: (handler: (req: SimRequest, params: Record<string, string>, version: string) => SimResponse | Promise<SimResponse>) => RouteHandler;
  page: <T>(req: SimRequest, version: string, items: T[], render: (item: T) => unknown, withTotal: boolean) => SimResponse;
  error: (status: number, message: string, version: string | null, errorCode?: string) => SimResponse;
  notFound: (req: SimRequest) => SimResponse;
}

type Filter<T> = (item: T) => boolean;

const time = (t: TickTime | null) => (t ? formatTicks(t) : null);

/**
 * The discovery routes (notes §12.2), with the v6 / v8 differences exactly as tabled there:
 * - `GET /Jobs`: v6/v7 a bare array, no query parameters; v8 a page filtered by `organizationId`,
 *   `repositoryId`. `RESTJob` v6/v7 carries `selectedItems`/`excludedItems`, v8 `organizationId`,
 *   `lastBackup`, `eTag`.
 * - `GET /Organizations/{id}/Jobs`: v6/v7 only (v8 removed it: 404 not-found).
 * - `GET /RestorePoints`: v6/v7 a bare array filtered by `organizationId`, `jobId`,
 *   `repositoryId`, `backupTime` (created at or after it, per the v6 docs), `isLongTermCopy`,
 *   `isRetrieved`, in job order; v8 a page, newest first unless `orderAsc=true`, filtered by those
 *   (with `from`/`to` instead of `backupTime`) plus `isCopy` and the per-object `userId`,
 *   `groupId`, `siteId`, `teamId` (the points that hold that object).
 * - `GET /RestorePoints/{id}/mailboxes|onedrives|webs|teams`: v6/v7 only, bare arrays of what the
 *   point holds.
 * - `GET /ProtectedUsers|ProtectedGroups|ProtectedSites|ProtectedTeams` (+ `/{id}`): v8 only,
 *   pages filtered by `organizationId`, `backedUpOrganizationId`, `repositoryId`,
 *   `restorePointId`.
 */
export function discoveryRoutes(ctx: DiscoveryRouteContext): RouteDefinition[] {
  const { discovery, organizations, jobs } = ctx;
  const orgById = (id: string) => organizations.find((o) => o.listed && o.id.toLowerCase() === id.toLowerCase());

  /** Validates and collects query filters; a bad value answers 400 ParameterValidationFailure. */
  const filters = <T>(
    req: SimRequest,
    version: string,
    spec: Record<string, { kind: 'uuid' | 'string' | 'bool' | 'time'; test: (item: T, value: string | boolean | number) => boolean }>,
  ): Filter<T>[] | SimResponse => {
    const out: Filter<T>[] = [];
    for (const [name, { kind, test }] of Object.entries(spec)) {
      const raw = [...req.query.entries()].find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
      if (raw === undefined || raw === '') continue;
      let value: string | boolean | number;
      if (kind === 'uuid') {
        if (!GUID.test(raw)) return ctx.error(400, `The value '${raw}' is not valid for ${name}.`, version, 'ParameterValidationFailure');
        value = raw.toLowerCase();
      } else if (kind === 'bool') {
        if (!/^(true|false)$/i.test(raw)) return ctx.error(400, `The value '${raw}' is not valid for ${name}.`, version, 'ParameterValidationFailure');
        value = raw.toLowerCase() === 'true';
      } else if (kind === 'time') {
        const ms = parseVeeamTime(raw);
        if (ms === null) return ctx.error(400, `The value '${raw}' is not valid for ${name}: use a UTC date and time.`, version, 'ParameterValidationFailure');
        value = ms;
      } else {
        value = raw;
      }
      out.push((item) => test(item, value));
    }
    return out;
  };
  const apply = <T>(items: T[], list: Filter<T>[]) => items.filter((item) => list.every((f) => f(item)));

  // ---- rendering ----------------------------------------------------------------------------

  const schedulePolicy = (d: VeeamJobDetailRecord) => ({
    scheduleEnabled: true,
    backupWindowEnabled: false,
    periodicallyWindowEnabled: false,
    type: 'Daily',
    dailyType: 'Everyday',
    dailyTime: d.dailyTime,
    retryEnabled: true,
    retryNumber: 3,
    retryWaitInterval: 10,
  });

  const selectedItems = (job: VeeamJobRecord, d: VeeamJobDetailRecord) => {
    if (d.backupType === 'EntireOrganization') return [];
    const mine = <T extends { jobId: string }>(list: T[]) => list.filter((o) => o.jobId === job.id);
    return [
      ...mine(discovery.users).map((u) => ({
        type: 'User',
        id: u.id,
        user: { id: u.id, displayName: u.displayName, name: u.email, type: u.accountType === 'User' ? 'User' : 'Shared', locationType: 'Cloud' },
        mailbox: true,
        archiveMailbox: u.archiveMailboxId !== null,
        oneDrive: u.oneDriveId !== null,
        personalSite: false,
      })),
      ...mine(discovery.groups).map((g) => ({
        type: 'Group',
        id: g.id,
        group: { id: g.id, displayName: g.displayName, name: g.mail, type: 'Office365', locationType: 'Cloud' },
        mailbox: true,
        groupSite: true,
        members: false,
      })),
      ...mine(discovery.sites).map((s) => ({
        type: 'Site',
        id: s.id,
        site: { id: s.id, url: s.url, title: s.displayName, name: s.displayName, isCloud: true, isPersonal: false },
      })),
      ...mine(discovery.teams).map((t) => ({
        type: 'Team',
        id: t.id,
        team: { id: t.id, displayName: t.displayName, description: t.description, mail: t.mail },
        chats: false,
      })),
    ];
  };

  const renderJob = (version: string, job: VeeamJobRecord): Record<string, unknown> => {
    const d = discovery.jobDetail(job.id) as VeeamJobDetailRecord;
    const body: Record<string, unknown> = { description: d.description, backupType: d.backupType };
    if (version !== 'v8') Object.assign(body, { selectedItems: selectedItems(job, d), excludedItems: [] });
    Object.assign(body, { schedulePolicy: schedulePolicy(d), id: job.id });
    if (version === 'v8') body.organizationId = job.organizationId;
    Object.assign(body, { repositoryId: d.repositoryId, name: job.name, lastRun: time(d.lastRun), nextRun: time(d.nextRun) });
    if (version === 'v8') body.lastBackup = time(d.lastBackup);
    Object.assign(body, { isEnabled: d.isEnabled, lastStatus: d.lastStatus });
    if (version === 'v8') body.eTag = d.eTag;
    body._links = { self: { href: `/${version}/jobs/${job.id}` }, organization: { href: `/${version}/organizations/${job.organizationId}` } };
    return body;
  };

  const renderPoint = (version: string, rp: VeeamRestorePointRecord): Record<string, unknown> => {
    const body: Record<string, unknown> = { id: rp.id };
    if (version === 'v8') body.isDeleted = false;
    Object.assign(body, {
      repositoryId: rp.repositoryId,
      backupTime: formatTicks(rp.backupTime),
      jobId: rp.jobId,
      organizationId: rp.organizationId,
      isExchange: rp.isExchange,
      isSharePoint: rp.isSharePoint,
      isOneDrive: rp.isOneDrive,
      isTeams: rp.isTeams,
      isLongTermCopy: rp.isLongTermCopy,
    });
    if (version === 'v8') body.isCopy = rp.isCopy;
    body.isRetrieved = rp.isRetrieved;
    if (version === 'v8') Object.assign(body, { eTag: rp.eTag, objectsEtag: rp.objectsEtag, immutabilityExpiresOn: null });
    const self = `/${version}/restorepoints/${rp.id}`;
    body._links =
      version === 'v8'
        ? {
            self: { href: self },
            job: { href: `/v8/jobs/${rp.jobId}` },
            organization: { href: `/v8/organizations/${rp.organizationId}` },
            protectedUsers: { href: `/v8/protectedusers?restorePointId=${rp.id}` },
          }
        : {
            self: { href: self },
            job: { href: `/${version}/jobs/${rp.jobId}` },
            organization: { href: `/${version}/organizations/${rp.organizationId}` },
            mailboxes: { href: `${self}/mailboxes` },
            onedrives: { href: `${self}/onedrives` },
            webs: { href: `${self}/webs` },
            teams: { href: `${self}/teams` },
          };
    return body;
  };

  const mailboxesOf = (u: VeeamProtectedUserRecord) => [
    { id: u.mailboxId, displayName: u.displayName, email: u.email, isArchive: false },
    ...(u.archiveMailboxId ? [{ id: u.archiveMailboxId, displayName: `${u.displayName} (In-Place Archive)`, email: u.email, isArchive: true }] : []),
  ];

  const renderSite = (s: VeeamProtectedSiteRecord) => ({
    id: s.id,
    msid: s.msid,
    displayName: s.displayName,
    url: s.url,
    organizationId: s.organizationId,
    backedUpOrganizationId: s.backedUpOrganizationId,
    eTag: s.eTag,
  });

  const renderers = {
    user: (u: VeeamProtectedUserRecord) => ({
      id: u.id,
      msid: u.msid,
      displayName: u.displayName,
      accountType: u.accountType,
      organizationId: u.organizationId,
      backedUpOrganizationId: u.backedUpOrganizationId,
      mailboxes: mailboxesOf(u),
      oneDrives: u.oneDriveId ? [{ id: u.oneDriveId, displayName: u.displayName, url: u.oneDriveUrl }] : [],
      sites: [],
      eTag: u.eTag,
    }),
    group: (g: VeeamProtectedGroupRecord) => ({
      id: g.id,
      msid: g.msid,
      displayName: g.displayName,
      organizationId: g.organizationId,
      backedUpOrganizationId: g.backedUpOrganizationId,
      mailboxes: [{ id: g.mailboxId, displayName: g.displayName, email: g.mail, isArchive: false }],
      sites: [
        {
          id: g.siteId,
          msid: g.msid,
          displayName: g.displayName,
          url: g.siteUrl,
          organizationId: g.organizationId,
          backedUpOrganizationId: g.backedUpOrganizationId,
          eTag: g.eTag,
        },
      ],
      eTag: g.eTag,
    }),
    site: renderSite,
    team: (t: VeeamProtectedTeamRecord) => ({
      id: t.id,
      msid: t.msid,
      displayName: t.displayName,
      description: t.description,
      organizationId: t.organizationId,
      backedUpOrganizationId: t.backedUpOrganizationId,
      eTag: t.eTag,
    }),
  };

  // ---- handlers -----------------------------------------------------------------------------

  const v8Only = (handler: (req: SimRequest, params: Record<string, string>, version: string) => SimResponse) =>
    ctx.authenticated((req, params, version) => (version === 'v8' ? handler(req, params, version) : ctx.notFound(req)));
  const beforeV8 = (handler: (req: SimRequest, params: Record<string, string>, version: string) => SimResponse) =>
    ctx.authenticated((req, params, version) => (version === 'v8' ? ctx.notFound(req) : handler(req, params, version)));

  const findJob = (req: SimRequest, version: string, jobId: string): VeeamJobRecord | SimResponse => {
    if (!GUID.test(jobId)) return ctx.error(400, `The value '${jobId}' is not valid for jobId.`, version, 'ParameterValidationFailure');
    return jobs.find((j) => j.id.toLowerCase() === jobId.toLowerCase()) ?? ctx.error(404, `Job with ID ${jobId} was not found.`, version, 'ResourceNotFound');
  };
  const findPoint = (version: string, id: string): VeeamRestorePointRecord | SimResponse =>
    discovery.restorePoint(id) ?? ctx.error(404, `Restore point with ID ${id} was not found.`, version, 'ResourceNotFound');
  const isResponse = (value: unknown): value is SimResponse =>
    typeof value === 'object' && value !== null && 'status' in value && typeof (value as SimResponse).status === 'number' && !('id' in value);

  const listJobs = ctx.authenticated((req, _params, version) => {
    if (version !== 'v8') return { status: 200, body: jobs.map((j) => renderJob(version, j)) };
    const f = filters<VeeamJobRecord>(req, version, {
      organizationId: { kind: 'uuid', test: (j, v) => j.organizationId.toLowerCase() === v },
      repositoryId: { kind: 'uuid', test: (j, v) => discovery.jobDetail(j.id)?.repositoryId.toLowerCase() === v },
    });
    if (!Array.isArray(f)) return f;
    return ctx.page(req, version, apply(jobs, f), (j) => renderJob(version, j), false);
  });

  const pointFilters = (req: SimRequest, version: string) => {
    const common: Record<string, { kind: 'uuid' | 'string' | 'bool' | 'time'; test: (rp: VeeamRestorePointRecord, v: string | boolean | number) => boolean }> =
      {
        organizationId: { kind: 'uuid', test: (rp, v) => rp.organizationId.toLowerCase() === v },
        jobId: { kind: 'uuid', test: (rp, v) => rp.jobId.toLowerCase() === v },
        repositoryId: { kind: 'uuid', test: (rp, v) => rp.repositoryId.toLowerCase() === v },
        isLongTermCopy: { kind: 'bool', test: (rp, v) => rp.isLongTermCopy === v },
        isRetrieved: { kind: 'bool', test: (rp, v) => rp.isRetrieved === v },
      };
    const has = (ids: string[], v: string | boolean | number) => ids.some((id) => id.toLowerCase() === String(v).toLowerCase());
    if (version !== 'v8')
      return filters<VeeamRestorePointRecord>(req, version, { ...common, backupTime: { kind: 'time', test: (rp, v) => rp.backupTime.ms >= (v as number) } });
    return filters<VeeamRestorePointRecord>(req, version, {
      ...common,
      from: { kind: 'time', test: (rp, v) => rp.backupTime.ms >= (v as number) },
      to: { kind: 'time', test: (rp, v) => rp.backupTime.ms <= (v as number) },
      isCopy: { kind: 'bool', test: (rp, v) => rp.isCopy === v },
      userId: { kind: 'string', test: (rp, v) => has(rp.userIds, v) },
      groupId: { kind: 'string', test: (rp, v) => has(rp.groupIds, v) },
      siteId: { kind: 'string', test: (rp, v) => has(rp.siteIds, v) },
      teamId: { kind: 'uuid', test: (rp, v) => has(rp.teamIds, v) },
    });
  };

  const listPoints = ctx.authenticated((req, _params, version) => {
    const f = pointFilters(req, version);
    if (!Array.isArray(f)) return f;
    const points = apply(discovery.restorePoints, f);
    if (version !== 'v8') return { status: 200, body: points.map((rp) => renderPoint(version, rp)) };
    const orderAsc = req.query.get('orderAsc');
    if (orderAsc !== null && !/^(true|false)$/i.test(orderAsc))
      return ctx.error(400, `The value '${orderAsc}' is not valid for orderAsc.`, version, 'ParameterValidationFailure');
    const asc = (orderAsc ?? 'false').toLowerCase() === 'true';
    points.sort((a, b) => (a.backupTime.ms - b.backupTime.ms || a.backupTime.ticks - b.backupTime.ticks) * (asc ? 1 : -1) || a.id.localeCompare(b.id));
    return ctx.page(req, version, points, (rp) => renderPoint(version, rp), false);
  });

  const perPoint = beforeV8((req, { restorePointId, list }, version) => {
    const rp = findPoint(version, restorePointId);
    if (isResponse(rp)) return rp;
    const inPoint = <T extends { id: string }>(items: T[], ids: string[]) => {
      const set = new Set(ids);
      return items.filter((o) => set.has(o.id));
    };
    const self = (kind: string, id: string) => ({ self: { href: `/${version}/restorepoints/${rp.id}/${kind}/${id}` } });
    switch (list.toLowerCase()) {
      case 'mailboxes':
        return {
          status: 200,
          body: [
            ...inPoint(discovery.users, rp.userIds).flatMap((u) => mailboxesOf(u).map((m) => ({ ...m, _links: self('mailboxes', m.id) }))),
            ...inPoint(discovery.groups, rp.groupIds).map((g) => ({
              id: g.mailboxId,
              displayName: g.displayName,
              email: g.mail,
              isArchive: false,
              _links: self('mailboxes', g.mailboxId),
            })),
          ],
        };
      case 'onedrives':
        return {
          status: 200,
          body: inPoint(discovery.users, rp.userIds)
            .filter((u) => u.oneDriveId)
            .map((u) => ({ id: u.oneDriveId, name: u.displayName, url: u.oneDriveUrl, _links: self('onedrives', u.oneDriveId as string) })),
        };
      case 'webs':
        return {
          status: 200,
          body: [
            ...inPoint(discovery.sites, rp.siteIds).map((s) => ({ siteId: s.id, name: s.displayName, url: s.url, _links: self('webs', s.id) })),
            ...inPoint(discovery.groups, rp.groupIds).map((g) => ({ siteId: g.siteId, name: g.displayName, url: g.siteUrl, _links: self('webs', g.siteId) })),
          ],
        };
      case 'teams':
        return {
          status: 200,
          body: inPoint(discovery.teams, rp.teamIds).map((t) => ({
            id: t.id,
            displayName: t.displayName,
            description: t.description,
            _links: self('teams', t.id),
          })),
        };
      default:
        return ctx.notFound(req);
    }
  });

  const protectedRoutes = <T extends { id: string; organizationId: string; backedUpOrganizationId: string; jobId: string }>(
    path: string,
    label: string,
    items: () => T[],
    render: (item: T) => unknown,
    idsIn: (rp: VeeamRestorePointRecord) => string[],
  ): RouteDefinition[] => [
    {
      method: 'GET',
      pattern: `/{version}/${path}`,
      handler: v8Only((req, _params, version) => {
        const inPoint = new Map<string, Set<string>>();
        const holds = (restorePointId: string, id: string) => {
          let ids = inPoint.get(restorePointId);
          if (!ids) {
            const rp = discovery.restorePoint(restorePointId);
            ids = new Set(rp ? idsIn(rp) : []);
            inPoint.set(restorePointId, ids);
          }
          return ids.has(id);
        };
        const f = filters<T>(req, version, {
          organizationId: { kind: 'uuid', test: (o, v) => o.organizationId.toLowerCase() === v },
          backedUpOrganizationId: { kind: 'string', test: (o, v) => o.backedUpOrganizationId.toLowerCase() === String(v).toLowerCase() },
          repositoryId: { kind: 'uuid', test: (o, v) => discovery.jobDetail(o.jobId)?.repositoryId.toLowerCase() === v },
          restorePointId: { kind: 'string', test: (o, v) => holds(String(v), o.id) },
        });
        if (!Array.isArray(f)) return f;
        return ctx.page(req, version, apply(items(), f), render, false);
      }),
    },
    {
      method: 'GET',
      pattern: `/{version}/${path}/{objectId}`,
      handler: v8Only((_req, { objectId }, version) => {
        const item = items().find((o) => o.id.toLowerCase() === objectId.toLowerCase());
        return item ? { status: 200, body: render(item) } : ctx.error(404, `${label} with ID ${objectId} was not found.`, version, 'ResourceNotFound');
      }),
    },
  ];

  return [
    { method: 'GET', pattern: '/{version}/Jobs', handler: listJobs },
    {
      method: 'GET',
      pattern: '/{version}/Jobs/{jobId}',
      handler: ctx.authenticated((req, { jobId }, version) => {
        const job = findJob(req, version, jobId);
        return isResponse(job) ? job : { status: 200, body: renderJob(version, job) };
      }),
    },
    {
      method: 'GET',
      pattern: '/{version}/Organizations/{orgId}/Jobs',
      handler: beforeV8((_req, { orgId }, version) => {
        if (!GUID.test(orgId)) return ctx.error(400, `The value '${orgId}' is not valid for organizationId.`, version, 'ParameterValidationFailure');
        const org = orgById(orgId);
        if (!org) return ctx.error(404, `Organization with ID ${orgId} was not found.`, version, 'ResourceNotFound');
        return { status: 200, body: jobs.filter((j) => j.organizationId === org.id).map((j) => renderJob(version, j)) };
      }),
    },
    { method: 'GET', pattern: '/{version}/RestorePoints', handler: listPoints },
    {
      method: 'GET',
      pattern: '/{version}/RestorePoints/{restorePointId}',
      handler: ctx.authenticated((_req, { restorePointId }, version) => {
        const rp = findPoint(version, restorePointId);
        return isResponse(rp) ? rp : { status: 200, body: renderPoint(version, rp) };
      }),
    },
    { method: 'GET', pattern: '/{version}/RestorePoints/{restorePointId}/{list}', handler: perPoint },
    ...protectedRoutes(
      'ProtectedUsers',
      'Protected user',
      () => discovery.users,
      renderers.user,
      (rp) => rp.userIds,
    ),
    ...protectedRoutes(
      'ProtectedGroups',
      'Protected group',
      () => discovery.groups,
      renderers.group,
      (rp) => rp.groupIds,
    ),
    ...protectedRoutes(
      'ProtectedSites',
      'Protected site',
      () => discovery.sites,
      renderers.site,
      (rp) => rp.siteIds,
    ),
    ...protectedRoutes(
      'ProtectedTeams',
      'Protected team',
      () => discovery.teams,
      renderers.team,
      (rp) => rp.teamIds,
    ),
  ];
}
