import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SimClock } from '../common/clock';
import { SimServer, type RouteDefinition, type RouteHandler, type SimRequest, type SimResponse, type VendorErrors } from '../common/simServer';
import { generateServerTls } from '../common/tls';
import { formatTicks, parseQueryTime, compareTickTime, type TickTime } from '../common/timestamps';
import { deriveSeed, SeededRandom } from '../common/random';
import { generateEvents, seedJobs, seedOrganizations, seedVeeamSessions, sessionName } from './seed';
import type { VeeamEventRecord, VeeamJobRecord, VeeamOrganizationRecord, VeeamSessionRecord, VeeamSessionType } from './records';

export interface VeeamSimulatorOptions {
  sessionCount?: number;
  seed?: number;
  username?: string;
  password?: string;
  tokenLifetimeSeconds?: number;
  refreshTokenLifetimeSeconds?: number;
  /** Largest `limit` the server honours (VB365: 10,000). */
  maxPageSize?: number;
  /** Seed some sessions with the Starting/Stopping states older servers printed. */
  legacyStates?: boolean;
  /** HTTPS with a generated CA (default, as real VB365 on 4443); false for plain HTTP. */
  tls?: boolean;
  /** Where to write the CA file; a temporary folder by default. */
  caFile?: string;
  /** Host names the certificate is valid for (the name clients dial, e.g. a compose service). */
  tlsHostNames?: string[];
  port?: number;
  host?: string;
}

export interface VeeamSimulator {
  server: SimServer;
  clock: SimClock;
  url: string;
  username: string;
  password: string;
  caPem?: string;
  caFile?: string;
  sessions: Map<string, VeeamSessionRecord>;
  organizations: VeeamOrganizationRecord[];
  jobs: VeeamJobRecord[];
  /** Adds a session as if someone started a restore on the server (not through the API). */
  addSession(partial?: Partial<Pick<VeeamSessionRecord, 'type' | 'state' | 'result' | 'organizationId'>> & { creation?: TickTime }): VeeamSessionRecord;
  expireTokens(): void;
  /** Every access and refresh token issued so far (tests check that none leaks). */
  issuedTokens(): string[];
  close(): Promise<void>;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VERSIONS = new Set(['v6', 'v7', 'v8']);
const TYPES: VeeamSessionType[] = ['Vex', 'Veod', 'Vesp', 'Vet'];

function veeamError(status: number, message: string, version: string | null, errorCode?: string): SimResponse {
  const body: Record<string, unknown> = { message };
  if (version === 'v8' && errorCode) body.errorCode = errorCode;
  return { status, body };
}

function versionOf(req: SimRequest): string | null {
  const m = /^\/(v\d+)\//i.exec(req.path);
  return m ? m[1].toLowerCase() : null;
}

const veeamErrors: VendorErrors = {
  notFound: (req) => veeamError(404, `No HTTP resource was found that matches the request URI '${req.path}'.`, null),
  methodNotAllowed: (req) => veeamError(405, `The requested resource does not support http method '${req.method}'.`, null),
  badRequest: (req, message) => veeamError(400, message, versionOf(req), 'ParameterValidationFailure'),
  serverError: (req, status) => veeamError(status, 'The service is unavailable.', versionOf(req), 'HttpError'),
  throttled: (req, retryAfter) => ({ status: 429, headers: { 'retry-after': retryAfter }, body: { message: 'Too many requests. Try again later.' } }),
};

/** .NET TimeSpan text, `hh:mm:ss[.fffffff]` with a `d.` prefix past a day. */
function timeSpan(startMs: number, endMs: number): string {
  const total = Math.max(0, endMs - startMs);
  const days = Math.floor(total / 86_400_000);
  const h = Math.floor((total % 86_400_000) / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = Math.floor((total % 60_000) / 1000);
  const frac = total % 1000;
  const base = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}${frac ? `.${String(frac).padStart(3, '0')}0000` : ''}`;
  return days ? `${days}.${base}` : base;
}

/**
 * Starts a simulated Veeam Backup for Microsoft 365 REST API (v6, v7 and v8 path prefixes, as a
 * VB365 8 server serves them). Behaviour follows `../shared/reference/upstream-notes-veeam.md`.
 */
export async function startVeeamSimulator(options: VeeamSimulatorOptions = {}): Promise<VeeamSimulator> {
  const seed = options.seed ?? 2;
  const username = options.username ?? 'TECH\\svc-gateway';
  const password = options.password ?? 'sim-veeam-password';
  const lifetime = options.tokenLifetimeSeconds ?? 3600;
  const refreshLifetime = options.refreshTokenLifetimeSeconds ?? 14 * 86_400;
  const maxPageSize = options.maxPageSize ?? 10_000;
  const clock = new SimClock();
  const organizations = seedOrganizations(seed);
  const jobs = seedJobs(organizations, seed);
  const sessions = new Map<string, VeeamSessionRecord>();
  for (const s of seedVeeamSessions(options.sessionCount ?? 300, seed, organizations, options.legacyStates ?? false)) sessions.set(s.id, s);
  const runtimeRng = new SeededRandom(deriveSeed(seed, 'runtime'));
  const accessTokens = new Map<string, { expires: number; user: string }>();
  const refreshTokens = new Map<string, { expires: number; user: string }>();
  // A stable but meaningless order, as v6/v7 promise none; computed once per session.
  const orderKeys = new WeakMap<VeeamSessionRecord, number>();
  const orderKey = (s: VeeamSessionRecord) => {
    let key = orderKeys.get(s);
    if (key === undefined) {
      key = deriveSeed(seed, s.id);
      orderKeys.set(s, key);
    }
    return key;
  };
  let sim: VeeamSimulator;

  const linksFor = (version: string, s: VeeamSessionRecord) => ({
    self: { href: `/${version}/restoresessions/${s.id}` },
    organization: { href: `/${version}/restoresessions/${s.id}/organization` },
    restoreSessionEvents: { href: `/${version}/restoresessions/${s.id}/events` },
  });

  const renderSession = (version: string, s: VeeamSessionRecord): Record<string, unknown> => {
    const body: Record<string, unknown> = {
      id: s.id,
      name: s.name,
      organization: s.organizationName,
      type: s.type,
      creationTime: formatTicks(s.creation),
    };
    if (!s.omitEndTime || s.end) body.endTime = s.end ? formatTicks(s.end) : null;
    Object.assign(body, { state: s.state, result: s.result, initiatedBy: s.initiatedBy, details: s.details, scopeName: s.scopeName, clientHost: s.clientHost, reason: s.reason });
    if (version === 'v8') body.eTag = s.eTag;
    body._links = linksFor(version, s);
    return body;
  };

  const renderEvent = (version: string, s: VeeamSessionRecord, e: VeeamEventRecord, order: number): Record<string, unknown> => {
    const body: Record<string, unknown> = {};
    if (e.itemName !== undefined) Object.assign(body, { itemName: e.itemName, itemType: e.itemType });
    body.itemSizeBytes = e.itemSizeBytes;
    if (e.source !== undefined) Object.assign(body, { source: e.source, target: e.target });
    Object.assign(body, {
      id: e.id,
      type: e.type,
      status: e.status,
      startTime: formatTicks(e.start),
      endTime: e.end ? formatTicks(e.end) : null,
      duration: timeSpan(e.start.ms, e.end?.ms ?? clock.now()),
      title: e.title,
      message: e.message,
      order,
    });
    if (version === 'v8') Object.assign(body, { organizationId: s.organizationId, backedUpOrganizationId: null, userId: null, groupId: null, siteId: null, teamId: null });
    body._links = { self: { href: `/${version}/restoresessions/${s.id}/events/${e.id}` } };
    return body;
  };

  const renderOrganization = (version: string, o: VeeamOrganizationRecord, extendedView: boolean): Record<string, unknown> => {
    const body: Record<string, unknown> = {
      isTeamsOnline: o.isTeamsOnline,
      isTeamsChatsOnline: false,
      isExchangeOnline: o.isExchangeOnline,
      isSharePointOnline: o.isSharePointOnline,
      type: o.type,
      // On-premises organisations have no Microsoft 365 region; the field is left out.
      ...(o.region ? { region: o.region } : {}),
      id: o.id,
      name: o.name,
      officeName: o.officeName,
    };
    if (version !== 'v6') body.description = null;
    if (version === 'v8') Object.assign(body, { msid: null, backedUpOrganizationId: null });
    if (extendedView) Object.assign(body, { isBackedup: true, firstBackuptime: o.firstBackup ? formatTicks(o.firstBackup) : null, lastBackuptime: o.lastBackup ? formatTicks(o.lastBackup) : null });
    body._links = { self: { href: `/${version}/organizations/${o.id}` }, jobs: { href: `/${version}/organizations/${o.id}/jobs` } };
    return body;
  };

  /** Veeam's page object: offset/limit, relative `_links` (next only while more remain), setId. */
  const page = <T>(req: SimRequest, version: string, items: T[], render: (item: T) => unknown, withTotal: boolean): SimResponse => {
    const offsetText = req.query.get('offset');
    const limitText = req.query.get('limit');
    if ((offsetText !== null && !/^\d+$/.test(offsetText)) || (limitText !== null && !/^\d+$/.test(limitText))) {
      return veeamError(400, 'The offset and limit parameters must be non-negative integers.', version, 'ParameterValidationFailure');
    }
    const offset = offsetText === null ? 0 : Number(offsetText);
    const limit = Math.min(limitText === null ? 30 : Number(limitText), maxPageSize);
    const link = (o: number) => {
      const query = new URLSearchParams(req.query);
      query.set('offset', String(o));
      query.set('limit', String(limit));
      return { href: `${req.path}?${query.toString()}` };
    };
    const links: Record<string, { href: string }> = { self: link(offset) };
    if (offset > 0) {
      links.first = link(0);
      links.prev = link(Math.max(0, offset - limit));
    }
    if (offset + limit < items.length) links.next = link(offset + limit);
    const body: Record<string, unknown> = { offset, limit, setId: randomUUID(), _links: links, results: items.slice(offset, offset + limit).map(render) };
    if (withTotal) body.totalCount = items.length;
    return { status: 200, body };
  };

  const authenticated = (handler: (req: SimRequest, params: Record<string, string>, version: string, user: string) => SimResponse | Promise<SimResponse>): RouteHandler => (req, params) => {
    const version = params.version.toLowerCase();
    if (!VERSIONS.has(version)) return veeamErrors.notFound(req);
    const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const token = match ? accessTokens.get(match[1]) : undefined;
    if (!token || token.expires <= clock.now()) return { status: 401, headers: { 'www-authenticate': 'Bearer' }, body: { message: 'Authorization has been denied for this request.' } };
    return handler(req, params, version, token.user);
  };

  const withSession = (handler: (req: SimRequest, s: VeeamSessionRecord, version: string, user: string) => SimResponse | Promise<SimResponse>) =>
    authenticated((req, params, version, user) => {
      const id = params.id;
      if (!GUID.test(id)) return veeamError(400, `The value '${id}' is not valid for restoreSessionId.`, version, 'ParameterValidationFailure');
      const s = sessions.get(id.toLowerCase());
      if (!s) return veeamError(404, `Restore session with ID ${id} was not found.`, version, 'ResourceNotFound');
      return handler(req, s, version, user);
    });

  const token: RouteHandler = (req, { version: rawVersion }) => {
    const version = rawVersion.toLowerCase();
    if (!VERSIONS.has(version)) return veeamErrors.notFound(req);
    const form = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    const issue = (user: string): SimResponse => {
      const access = randomBytes(48).toString('base64');
      const refresh = randomBytes(16).toString('hex');
      const now = clock.now();
      accessTokens.set(access, { expires: now + lifetime * 1000, user });
      refreshTokens.set(refresh, { expires: now + refreshLifetime * 1000, user });
      return {
        status: 200,
        body: { access_token: access, refresh_token: refresh, token_type: 'bearer', expires_in: lifetime, userName: user, '.issued': new Date(now).toISOString(), '.expires': new Date(now + lifetime * 1000).toISOString() },
      };
    };
    const oauthError = (error: string, description: string): SimResponse => ({ status: 400, body: { error, error_description: description } });
    switch (form.grant_type ?? 'password') {
      case 'password':
        if (typeof form.username !== 'string' || typeof form.password !== 'string') return oauthError('invalid_request', 'The user name and password are required.');
        if (form.username.toLowerCase() !== username.toLowerCase() || form.password !== password) return oauthError('invalid_grant', 'The user name or password is incorrect.');
        return issue(username);
      case 'refresh_token': {
        const entry = typeof form.refresh_token === 'string' ? refreshTokens.get(form.refresh_token) : undefined;
        if (!entry || entry.expires <= clock.now()) return oauthError('invalid_grant', 'The refresh token is invalid or expired.');
        // v8 wants an antiforgery cookie on refresh unless the client opts out, as server-to-server callers must.
        if (version === 'v8' && String(form.disable_antiforgery_token) !== 'true') return oauthError('invalid_grant', 'The antiforgery token is missing.');
        refreshTokens.delete(form.refresh_token as string);
        return issue(entry.user);
      }
      default:
        return oauthError('unsupported_grant_type', `The grant type '${String(form.grant_type)}' is not supported.`);
    }
  };

  const listSessions = authenticated((req, _params, version) => {
    const from = req.query.get('startTimeFrom');
    const to = req.query.get('startTimeTo');
    const fromMs = from === null ? null : parseQueryTime(from);
    const toMs = to === null ? null : parseQueryTime(to);
    if ((from !== null && fromMs === null) || (to !== null && toMs === null)) return veeamError(400, 'startTimeFrom and startTimeTo must be UTC date-times.', version, 'ParameterValidationFailure');
    let list = [...sessions.values()].filter((s) => (fromMs === null || s.creation.ms >= fromMs) && (toMs === null || s.creation.ms <= toMs));
    const orderBy = version === 'v8' ? req.query.get('orderBy') : null;
    if (orderBy !== null) {
      const asc = (req.query.get('orderAsc') ?? 'false').toLowerCase() === 'true';
      const key = orderBy.toLowerCase() === 'endtime' ? (s: VeeamSessionRecord) => s.end ?? { ms: Number.MAX_SAFE_INTEGER, ticks: 0 } : (s: VeeamSessionRecord) => s.creation;
      list.sort((a, b) => compareTickTime(key(a), key(b)) * (asc ? 1 : -1));
    } else {
      list.sort((a, b) => orderKey(a) - orderKey(b));
    }
    return page(req, version, list, (s) => renderSession(version, s), version !== 'v8');
  });

  const explore = (req: SimRequest, version: string, user: string, org: VeeamOrganizationRecord, scope: string): SimResponse => {
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    const type = (body.type ?? 'Vex') as VeeamSessionType;
    if (!TYPES.includes(type)) return veeamError(400, `The value '${String(body.type)}' is not valid for type.`, version, 'ParameterValidationFailure');
    if (body.dateTime !== undefined && body.dateTime !== null && (typeof body.dateTime !== 'string' || parseQueryTime(body.dateTime) === null)) {
      return veeamError(400, `The value '${String(body.dateTime)}' is not valid for dateTime.`, version, 'ParameterValidationFailure');
    }
    const record = sim.addSession({ type, organizationId: org.id, state: 'Working', result: 'Success' });
    record.name = sessionName(type, scope, record.creation.ms);
    record.initiatedBy = user;
    record.clientHost = 'VB365-SRV01';
    record.eventCount = 1;
    return { status: version === 'v8' ? 201 : 200, body: renderSession(version, record) };
  };

  const routes: RouteDefinition[] = [
    { method: 'POST', pattern: '/{version}/token', handler: token },
    { method: 'GET', pattern: '/{version}/RestoreSessions', handler: listSessions },
    { method: 'GET', pattern: '/{version}/RestoreSessions/{id}', handler: withSession((_req, s, version) => ({ status: 200, body: renderSession(version, s) })) },
    {
      method: 'GET',
      pattern: '/{version}/RestoreSessions/{id}/Events',
      handler: withSession((req, s, version) => {
        const events = [...generateEvents(s), ...s.extraEvents].map((e, order) => ({ e, order }));
        return page(req, version, events, ({ e, order }) => renderEvent(version, s, e, order), version !== 'v8');
      }),
    },
    {
      method: 'GET',
      pattern: '/{version}/RestoreSessions/{id}/Events/{eventId}',
      handler: withSession((req, s, version) => {
        const all = [...generateEvents(s), ...s.extraEvents];
        const eventId = req.path.split('/').pop() ?? '';
        const index = all.findIndex((e) => e.id.toLowerCase() === eventId.toLowerCase());
        if (index < 0) return veeamError(404, `Restore session event with ID ${eventId} was not found.`, version, 'ResourceNotFound');
        return { status: 200, body: renderEvent(version, s, all[index], index) };
      }),
    },
    {
      method: 'GET',
      pattern: '/{version}/RestoreSessions/{id}/organization',
      handler: withSession((_req, s, version) => {
        const o = organizations.find((org) => org.id === s.organizationId);
        return { status: 200, body: { id: s.organizationId, name: s.organizationName, type: o?.type ?? null, _links: { self: { href: `/${version}/organizations/${s.organizationId}` } } } };
      }),
    },
    {
      method: 'GET',
      pattern: '/{version}/RestoreSessions/{id}/Statistics',
      handler: withSession((req, s, version) => {
        if (version !== 'v8') return veeamErrors.notFound(req);
        const { total, restored, failed, skipped } = s.stats;
        return { status: 200, body: { totalItemsCount: total, restoredItemsCount: restored, failedItemsCount: failed, skippedItemsCount: skipped, warnings: s.result === 'Warning' ? ['Some items were skipped.'] : [], errors: failed ? [`${failed} items failed to restore.`] : [], items: [] } };
      }),
    },
    {
      method: 'POST',
      pattern: '/{version}/RestoreSessions/{id}/Stop',
      handler: withSession((_req, s, version) => {
        if (s.state !== 'Working') return veeamError(400, `Restore session ${s.id} is not running: its state is ${s.state}.`, version, 'OperationConflict');
        const now = clock.now();
        s.state = 'Stopped';
        s.end = { ms: Math.floor(now), ticks: runtimeRng.int(0, 9999) };
        s.eTag += 1;
        s.extraEvents.push({ id: runtimeRng.guid(), type: 'None', status: 'Success', start: s.end, end: s.end, title: 'Restore session stopped', message: 'Restore session stopped', itemSizeBytes: 0 });
        s.eventCount = Math.max(s.eventCount, 1);
        return version === 'v8' ? { status: 204 } : { status: 200 };
      }),
    },
    {
      method: 'GET',
      pattern: '/{version}/Organizations',
      handler: authenticated((req, _params, version) => {
        const extended = (req.query.get('extendedView') ?? (version === 'v6' ? 'true' : 'false')).toLowerCase() === 'true';
        const listed = organizations.filter((o) => o.listed);
        const render = (o: VeeamOrganizationRecord) => renderOrganization(version, o, extended);
        return version === 'v8' ? page(req, version, listed, render, false) : { status: 200, body: listed.map(render) };
      }),
    },
    {
      method: 'GET',
      pattern: '/{version}/Organizations/{orgId}',
      handler: authenticated((req, { orgId }, version) => {
        const o = organizations.find((org) => org.listed && org.id.toLowerCase() === orgId.toLowerCase());
        if (!o) return veeamError(404, `Organization with ID ${orgId} was not found.`, version, 'ResourceNotFound');
        const extended = (req.query.get('extendedView') ?? (version === 'v6' ? 'true' : 'false')).toLowerCase() === 'true';
        return { status: 200, body: renderOrganization(version, o, extended) };
      }),
    },
    {
      method: 'POST',
      pattern: '/{version}/Organizations/{orgId}/explore',
      handler: authenticated((req, { orgId }, version, user) => {
        const o = organizations.find((org) => org.listed && org.id.toLowerCase() === orgId.toLowerCase());
        if (!o) return veeamError(404, `Organization with ID ${orgId} was not found.`, version, 'ResourceNotFound');
        return explore(req, version, user, o, `Organization: ${o.name}`);
      }),
    },
    {
      method: 'POST',
      pattern: '/{version}/Jobs/{jobId}/explore',
      handler: authenticated((req, { jobId }, version, user) => {
        const job = jobs.find((j) => j.id.toLowerCase() === jobId.toLowerCase());
        if (!job) return veeamError(404, `Job with ID ${jobId} was not found.`, version, 'ResourceNotFound');
        const o = organizations.find((org) => org.id === job.organizationId);
        if (!o) return veeamError(404, `Organization with ID ${job.organizationId} was not found.`, version, 'ResourceNotFound');
        return explore(req, version, user, o, `Job: ${job.name}`);
      }),
    },
  ];

  const tlsEnabled = options.tls ?? true;
  const tls = tlsEnabled ? generateServerTls(options.tlsHostNames ?? ['localhost']) : undefined;
  let caFile: string | undefined;
  if (tls) {
    caFile = options.caFile ?? path.join(mkdtempSync(path.join(tmpdir(), 'vb365-sim-')), 'ca.pem');
    writeFileSync(caFile, tls.caPem);
  }
  const server = new SimServer({
    name: 'veeam',
    routes,
    errors: veeamErrors,
    clock,
    caseInsensitive: true,
    tls,
    faultSeed: seed,
    defaultHeaders: () => ({ server: 'Microsoft-HTTPAPI/2.0', 'cache-control': 'no-cache' }),
    expireTokens: () => sim.expireTokens(),
    controlRoutes: [
      {
        method: 'POST',
        pattern: '/_sim/sessions',
        handler: (req) => {
          const body = (req.body ?? {}) as { type?: VeeamSessionType; state?: string; result?: string };
          const record = sim.addSession({ type: body.type, state: body.state, result: body.result });
          return { status: 201, body: renderSession('v6', record) };
        },
      },
      { method: 'GET', pattern: '/_sim/info', handler: () => ({ status: 200, body: { vendor: 'veeam', sessions: sessions.size, organizations: organizations.filter((o) => o.listed).map((o) => ({ id: o.id, name: o.name })), jobs, username, caFile } }) },
    ],
  });
  const url = await server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  sim = {
    server,
    clock,
    url,
    username,
    password,
    caPem: tls?.caPem,
    caFile,
    sessions,
    organizations,
    jobs,
    addSession: (partial = {}) => {
      const org = organizations.find((o) => o.id === partial.organizationId) ?? organizations[0];
      const type = partial.type ?? 'Vex';
      const creation = partial.creation ?? { ms: Math.floor(clock.now()), ticks: runtimeRng.int(0, 9999) };
      const state = partial.state ?? 'Working';
      const record: VeeamSessionRecord = {
        id: runtimeRng.guid(),
        name: sessionName(type, `Organization: ${org.name}`, creation.ms),
        organizationId: org.id,
        organizationName: org.name,
        type,
        creation,
        end: state === 'Stopped' ? creation : null,
        omitEndTime: false,
        state,
        result: partial.result ?? 'Success',
        initiatedBy: username,
        details: '',
        scopeName: '',
        clientHost: 'VB365-SRV01',
        reason: '',
        eTag: 1,
        eventSeed: runtimeRng.int(1, 2 ** 31),
        eventCount: 1,
        extraEvents: [],
        stats: { total: 0, restored: 0, failed: 0, skipped: 0 },
      };
      sessions.set(record.id, record);
      return record;
    },
    expireTokens: () => {
      for (const entry of accessTokens.values()) entry.expires = 0;
    },
    issuedTokens: () => [...accessTokens.keys(), ...refreshTokens.keys()],
    close: () => server.close(),
  };
  return sim;
}
