import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SimClock } from '../common/clock';
import { SimServer, type RouteDefinition, type RouteHandler, type SimRequest, type SimResponse, type VendorErrors } from '../common/simServer';
import { generateServerTls } from '../common/tls';
import { formatTicks, parseQueryTime, compareTickTime, type TickTime } from '../common/timestamps';
import { deriveSeed, SeededRandom } from '../common/random';
import { Churn, type ChurnStepResult } from '../common/churn';
import { generateEvents, seedJobs, seedOrganizations, seedVeeamDiscovery, seedVeeamSessions, sessionName } from './seed';
import { ChangeFeed } from './changeFeed';
import { VeeamDiscovery, discoveryRoutes } from './discovery';
import { veeamChurnEvent } from './churn';
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
  /** Serve the v8 change feed `GET /v8/Events` (default true); false answers it 404, as a server without the feed. */
  changeFeed?: boolean;
  /** Change-feed events kept; older tokens are refused with 400 OutdatedChangeToken (default 10,000). */
  changeFeedRetention?: number;
  /** Cap on `timeoutSeconds` of a change-feed long poll (default 60). */
  changeFeedMaxWaitSeconds?: number;
  /** Session churn events per wall-clock minute from the start (default 0 = off); see `sim.churn`. */
  churnPerMinute?: number;
}

/** What a test may change on a session with {@link VeeamSimulator.updateSession}. */
export interface VeeamSessionChange {
  state?: string;
  result?: string;
  /** `endTime`; by default set to now when the state becomes Stopped and cleared when it becomes Working. */
  end?: TickTime | null;
  details?: string;
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
  /** Protected objects, restore points and job details served by the discovery routes. */
  discovery: VeeamDiscovery;
  /**
   * The v8 change feed behind `GET /v8/Events`. `changeFeed.enabled = false` makes the feed
   * unavailable at run time (404, the fallback signal; also `PUT /_sim/changeFeed {"enabled":false}`);
   * `changeFeed.headSeq`, `.waiting` (pending long polls) and `.latestToken()` help tests.
   */
  changeFeed: ChangeFeed;
  /**
   * Session churn: `churn.step()` performs one event (new Working session, due ones stopped, old
   * Stopped ones removed while there are more sessions than at start-up); `churn.start(perMinute)`
   * / `churn.stop()` run it on a wall-clock timer (unref'd; `close()` stops it).
   */
  churn: Churn;
  /**
   * Adds a session as if someone started a restore on the server (not through the API). On v8 the
   * new session has eTag 1 and raises `RestoreSessionUpdate` on the change feed.
   */
  addSession(partial?: Partial<Pick<VeeamSessionRecord, 'type' | 'state' | 'result' | 'organizationId' | 'id'>> & { creation?: TickTime }): VeeamSessionRecord;
  /**
   * Changes a session's state / result / endTime / details as the server would; bumps its eTag and
   * raises `RestoreSessionUpdate` (only when something changed). A session becoming Stopped gets an
   * endTime (now) and a "Restore session stopped" event. Throws for an unknown id.
   */
  updateSession(id: string, change: VeeamSessionChange): VeeamSessionRecord;
  /** Removes a session and raises `RestoreSessionDelete`; false when the id is unknown. */
  removeSession(id: string): boolean;
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
  const discovery = new VeeamDiscovery(seedVeeamDiscovery(organizations, jobs, seed));
  const changeFeed = new ChangeFeed({ enabled: options.changeFeed ?? true, retention: options.changeFeedRetention });
  const maxFeedWaitSeconds = options.changeFeedMaxWaitSeconds ?? 60;
  // Churn works through the simulator's own controls (sim is assigned before any event can run).
  const churn = new Churn((step) => churnEvent(step));
  let churnEvent: (step: number) => ChurnStepResult = () => ({ added: [], advanced: [], removed: [] });
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
  // eslint-disable-next-line prefer-const -- assigned once below; handlers defined before it read it at request time
  let sim: VeeamSimulator;

  /** A new session record (not yet stored, no feed event). */
  const newSession = (
    partial: Partial<Pick<VeeamSessionRecord, 'type' | 'state' | 'result' | 'organizationId' | 'id'>> & { creation?: TickTime },
  ): VeeamSessionRecord => {
    const org = organizations.find((o) => o.id === partial.organizationId) ?? organizations[0];
    const type = partial.type ?? 'Vex';
    const creation = partial.creation ?? { ms: Math.floor(clock.now()), ticks: runtimeRng.int(0, 9999) };
    const state = partial.state ?? 'Working';
    return {
      id: (partial.id ?? runtimeRng.guid()).toLowerCase(),
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
  };

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
    Object.assign(body, {
      state: s.state,
      result: s.result,
      initiatedBy: s.initiatedBy,
      details: s.details,
      scopeName: s.scopeName,
      clientHost: s.clientHost,
      reason: s.reason,
    });
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
    if (version === 'v8')
      Object.assign(body, { organizationId: s.organizationId, backedUpOrganizationId: null, userId: null, groupId: null, siteId: null, teamId: null });
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
    if (version === 'v8') {
      const ids = discovery.organizationIdsOf(o.id);
      Object.assign(body, { msid: ids?.msid ?? null, backedUpOrganizationId: ids?.backedUpOrganizationId ?? null });
    }
    if (extendedView)
      Object.assign(body, {
        isBackedup: true,
        firstBackuptime: o.firstBackup ? formatTicks(o.firstBackup) : null,
        lastBackuptime: o.lastBackup ? formatTicks(o.lastBackup) : null,
      });
    // v8 removed /Organizations/{id}/Jobs: its jobs link is the filtered job list.
    body._links = {
      self: { href: `/${version}/organizations/${o.id}` },
      jobs: { href: version === 'v8' ? `/v8/jobs?organizationId=${o.id}` : `/${version}/organizations/${o.id}/jobs` },
    };
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

  const authenticated =
    (handler: (req: SimRequest, params: Record<string, string>, version: string, user: string) => SimResponse | Promise<SimResponse>): RouteHandler =>
    (req, params) => {
      const version = params.version.toLowerCase();
      if (!VERSIONS.has(version)) return veeamErrors.notFound(req);
      const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
      const token = match ? accessTokens.get(match[1]) : undefined;
      if (!token || token.expires <= clock.now())
        return { status: 401, headers: { 'www-authenticate': 'Bearer' }, body: { message: 'Authorization has been denied for this request.' } };
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
        body: {
          access_token: access,
          refresh_token: refresh,
          token_type: 'bearer',
          expires_in: lifetime,
          userName: user,
          '.issued': new Date(now).toISOString(),
          '.expires': new Date(now + lifetime * 1000).toISOString(),
        },
      };
    };
    const oauthError = (error: string, description: string): SimResponse => ({ status: 400, body: { error, error_description: description } });
    switch (form.grant_type ?? 'password') {
      case 'password':
        if (typeof form.username !== 'string' || typeof form.password !== 'string')
          return oauthError('invalid_request', 'The user name and password are required.');
        if (form.username.toLowerCase() !== username.toLowerCase() || form.password !== password)
          return oauthError('invalid_grant', 'The user name or password is incorrect.');
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

  /**
   * `GET /RestoreSessions`. All versions filter on creationTime with `startTimeFrom`/`startTimeTo`
   * (inclusive). v6/v7 keep a stable but meaningless order (they promise none). v8 also filters on
   * endTime with `endTimeFrom`/`endTimeTo` (inclusive; a Working session has no endTime and is left
   * out by either) and is always sorted: `orderBy` CreationTime (default) or EndTime, descending
   * unless `orderAsc=true`; with EndTime, Working sessions sort as if they ended last. Ties fall to
   * the creation time's 100 ns ticks, then the id.
   */
  const listSessions = authenticated((req, _params, version) => {
    const times: Record<string, number | null> = {};
    const names = version === 'v8' ? ['startTimeFrom', 'startTimeTo', 'endTimeFrom', 'endTimeTo'] : ['startTimeFrom', 'startTimeTo'];
    for (const name of names) {
      const text = req.query.get(name);
      times[name] = text === null ? null : parseQueryTime(text);
      if (text !== null && times[name] === null) return veeamError(400, `${names.join(', ')} must be UTC date-times.`, version, 'ParameterValidationFailure');
    }
    const inRange = (ms: number | undefined, from: number | null, to: number | null) =>
      (from === null || (ms !== undefined && ms >= from)) && (to === null || (ms !== undefined && ms <= to));
    const list = [...sessions.values()].filter(
      (s) =>
        inRange(s.creation.ms, times.startTimeFrom, times.startTimeTo) &&
        (version !== 'v8' || inRange(s.end?.ms, times.endTimeFrom ?? null, times.endTimeTo ?? null)),
    );
    if (version !== 'v8') {
      list.sort((a, b) => orderKey(a) - orderKey(b));
      return page(req, version, list, (s) => renderSession(version, s), true);
    }
    const orderBy = req.query.get('orderBy') ?? 'CreationTime';
    if (!/^(CreationTime|EndTime)$/i.test(orderBy))
      return veeamError(400, `The value '${orderBy}' is not valid for orderBy: use CreationTime or EndTime.`, version, 'ParameterValidationFailure');
    const orderAsc = req.query.get('orderAsc') ?? 'false';
    if (!/^(true|false)$/i.test(orderAsc)) return veeamError(400, `The value '${orderAsc}' is not valid for orderAsc.`, version, 'ParameterValidationFailure');
    const asc = orderAsc.toLowerCase() === 'true';
    const never = { ms: Number.MAX_SAFE_INTEGER, ticks: 0 };
    const key = orderBy.toLowerCase() === 'endtime' ? (s: VeeamSessionRecord) => s.end ?? never : (s: VeeamSessionRecord) => s.creation;
    list.sort(
      (a, b) => (compareTickTime(key(a), key(b)) || compareTickTime(a.creation, b.creation) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) * (asc ? 1 : -1),
    );
    return page(req, version, list, (s) => renderSession(version, s), false);
  });

  /**
   * `GET /v8/Events`, the server-wide change feed (v6/v7: 404). `from` is required (a token or
   * `latest`), `limit` 1..10,000 (default 30), `timeoutSeconds` a long poll in wall-clock seconds,
   * capped at `changeFeedMaxWaitSeconds` (60): with nothing after `from`, the answer waits until an
   * event appears or the time runs out, then sends `results: []` and a token the client can reuse.
   * A garbled token is 400 ParameterValidationFailure; one from before the retained events, from
   * another server instance or from the future is 400 OutdatedChangeToken: re-read everything and
   * start again from `latest`. When the feed is disabled the route answers the not-found 404.
   */
  const changeEvents = authenticated(async (req, _params, version) => {
    if (version !== 'v8' || !changeFeed.enabled) return veeamErrors.notFound(req);
    const from = req.query.get('from');
    if (from === null || from === '')
      return veeamError(400, "The 'from' parameter is required: a change token or 'latest'.", version, 'ParameterValidationFailure');
    const limitText = req.query.get('limit');
    if (limitText !== null && !/^[1-9]\d*$/.test(limitText))
      return veeamError(400, 'The limit parameter must be a positive integer.', version, 'ParameterValidationFailure');
    const limit = Math.min(limitText === null ? 30 : Number(limitText), maxPageSize);
    const timeoutText = req.query.get('timeoutSeconds');
    if (timeoutText !== null && !/^\d+$/.test(timeoutText))
      return veeamError(400, 'The timeoutSeconds parameter must be a non-negative integer.', version, 'ParameterValidationFailure');
    const timeoutSeconds = Math.min(timeoutText === null ? 0 : Number(timeoutText), maxFeedWaitSeconds);
    const refused = (problem: 'malformed' | 'outdated') =>
      problem === 'malformed'
        ? veeamError(400, `The change token '${from}' is not valid.`, version, 'ParameterValidationFailure')
        : veeamError(
            400,
            'The change token is outdated: events after it are no longer available. Read the current state again and continue from latest.',
            version,
            'OutdatedChangeToken',
          );
    const position = changeFeed.position(from);
    if (!position.ok) return refused(position.problem);
    let read = changeFeed.read(position.seq, limit);
    if (read.events.length === 0 && timeoutSeconds > 0) {
      await changeFeed.wait(position.seq, timeoutSeconds * 1000);
      if (!changeFeed.enabled) return veeamErrors.notFound(req);
      const again = changeFeed.position(changeFeed.tokenFor(position.seq));
      if (!again.ok) return refused(again.problem);
      read = changeFeed.read(position.seq, limit);
    }
    const self = new URLSearchParams(req.query);
    return {
      status: 200,
      body: {
        nextChangeToken: changeFeed.tokenFor(read.nextSeq),
        limit,
        setId: randomUUID(),
        results: read.events,
        _links: { self: { href: `${req.path}?${self.toString()}` } },
      },
    };
  });

  const explore = (req: SimRequest, version: string, user: string, org: VeeamOrganizationRecord, scope: string): SimResponse => {
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    const type = (body.type ?? 'Vex') as VeeamSessionType;
    if (!TYPES.includes(type)) return veeamError(400, `The value '${String(body.type)}' is not valid for type.`, version, 'ParameterValidationFailure');
    if (body.dateTime !== undefined && body.dateTime !== null && (typeof body.dateTime !== 'string' || parseQueryTime(body.dateTime) === null)) {
      return veeamError(400, `The value ${JSON.stringify(body.dateTime)} is not valid for dateTime.`, version, 'ParameterValidationFailure');
    }
    const record = newSession({ type, organizationId: org.id, state: 'Working', result: 'Success' });
    record.name = sessionName(type, scope, record.creation.ms);
    record.initiatedBy = user;
    record.clientHost = 'VB365-SRV01';
    record.eventCount = 1;
    sessions.set(record.id, record);
    changeFeed.emit({ eventType: 'RestoreSessionUpdate', id: record.id, eTag: record.eTag });
    return { status: version === 'v8' ? 201 : 200, body: renderSession(version, record) };
  };

  const routes: RouteDefinition[] = [
    { method: 'POST', pattern: '/{version}/token', handler: token },
    { method: 'GET', pattern: '/{version}/RestoreSessions', handler: listSessions },
    {
      method: 'GET',
      pattern: '/{version}/RestoreSessions/{id}',
      handler: withSession((_req, s, version) => ({ status: 200, body: renderSession(version, s) })),
    },
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
        return {
          status: 200,
          body: {
            id: s.organizationId,
            name: s.organizationName,
            type: o?.type ?? null,
            _links: { self: { href: `/${version}/organizations/${s.organizationId}` } },
          },
        };
      }),
    },
    {
      method: 'GET',
      pattern: '/{version}/RestoreSessions/{id}/Statistics',
      handler: withSession((req, s, version) => {
        if (version !== 'v8') return veeamErrors.notFound(req);
        const { total, restored, failed, skipped } = s.stats;
        return {
          status: 200,
          body: {
            totalItemsCount: total,
            restoredItemsCount: restored,
            failedItemsCount: failed,
            skippedItemsCount: skipped,
            warnings: s.result === 'Warning' ? ['Some items were skipped.'] : [],
            errors: failed ? [`${failed} items failed to restore.`] : [],
            items: [],
          },
        };
      }),
    },
    {
      method: 'POST',
      pattern: '/{version}/RestoreSessions/{id}/Stop',
      handler: withSession((_req, s, version) => {
        if (s.state !== 'Working') return veeamError(400, `Restore session ${s.id} is not running: its state is ${s.state}.`, version, 'OperationConflict');
        sim.updateSession(s.id, { state: 'Stopped' });
        return version === 'v8' ? { status: 204 } : { status: 200 };
      }),
    },
    { method: 'GET', pattern: '/{version}/Events', handler: changeEvents },
    {
      method: 'GET',
      pattern: '/{version}/Organizations',
      handler: authenticated((req, _params, version) => {
        const extended = (req.query.get('extendedView') ?? (version === 'v6' ? 'true' : 'false')).toLowerCase() === 'true';
        let listed = organizations.filter((o) => o.listed);
        if (version === 'v8') {
          // v8 filters by the Microsoft tenant id and by Veeam's backed-up organisation id.
          const msid = req.query.get('msid');
          const backedUp = req.query.get('backedUpOrganizationId');
          if (msid !== null && !GUID.test(msid)) return veeamError(400, `The value '${msid}' is not valid for msid.`, version, 'ParameterValidationFailure');
          if (msid !== null) listed = listed.filter((o) => discovery.organizationIdsOf(o.id)?.msid.toLowerCase() === msid.toLowerCase());
          if (backedUp !== null)
            listed = listed.filter((o) => discovery.organizationIdsOf(o.id)?.backedUpOrganizationId.toLowerCase() === backedUp.toLowerCase());
        }
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
    ...discoveryRoutes({
      organizations,
      jobs,
      discovery,
      authenticated: (handler) => authenticated((req, params, version) => handler(req, params, version)),
      page,
      error: veeamError,
      notFound: (req) => veeamErrors.notFound(req),
    }),
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
          const body = (req.body ?? {}) as { type?: VeeamSessionType; state?: string; result?: string; organizationId?: string };
          const record = sim.addSession({ type: body.type, state: body.state, result: body.result, organizationId: body.organizationId });
          return { status: 201, body: renderSession('v6', record) };
        },
      },
      {
        method: 'PATCH',
        pattern: '/_sim/sessions/{id}',
        handler: (req, { id }) => {
          if (!sessions.has(id.toLowerCase())) return { status: 404, body: { message: `no session ${id}` } };
          const body = (req.body ?? {}) as { state?: string; result?: string; details?: string };
          return { status: 200, body: renderSession('v8', sim.updateSession(id, { state: body.state, result: body.result, details: body.details })) };
        },
      },
      {
        method: 'DELETE',
        pattern: '/_sim/sessions/{id}',
        handler: (_req, { id }) => (sim.removeSession(id) ? { status: 204 } : { status: 404, body: { message: `no session ${id}` } }),
      },
      {
        method: 'GET',
        pattern: '/_sim/changeFeed',
        handler: () => ({
          status: 200,
          body: { enabled: changeFeed.enabled, head: changeFeed.headSeq, retained: changeFeed.size, waiting: changeFeed.waiting },
        }),
      },
      {
        method: 'PUT',
        pattern: '/_sim/changeFeed',
        handler: (req) => {
          const enabled = (req.body as { enabled?: unknown } | undefined)?.enabled;
          if (typeof enabled !== 'boolean') return { status: 400, body: { message: 'body must be {"enabled": true|false}' } };
          changeFeed.enabled = enabled;
          return { status: 200, body: { enabled: changeFeed.enabled, head: changeFeed.headSeq } };
        },
      },
      {
        method: 'PUT',
        pattern: '/_sim/churn',
        handler: (req) => {
          const rate = (req.body as { ratePerMinute?: unknown } | undefined)?.ratePerMinute;
          if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0)
            return { status: 400, body: { message: 'body must be {"ratePerMinute": <non-negative number>}' } };
          churn.start(rate);
          return { status: 200, body: { ratePerMinute: churn.rate, steps: churn.stepCount } };
        },
      },
      { method: 'POST', pattern: '/_sim/churn/step', handler: () => ({ status: 200, body: churn.step() }) },
      {
        method: 'GET',
        pattern: '/_sim/info',
        handler: () => ({
          status: 200,
          body: {
            vendor: 'veeam',
            sessions: sessions.size,
            organizations: organizations.filter((o) => o.listed).map((o) => ({ id: o.id, name: o.name })),
            jobs,
            username,
            caFile,
            changeFeed: changeFeed.enabled,
            churnPerMinute: churn.rate,
          },
        }),
      },
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
    discovery,
    changeFeed,
    churn,
    addSession: (partial = {}) => {
      const record = newSession(partial);
      sessions.set(record.id, record);
      changeFeed.emit({ eventType: 'RestoreSessionUpdate', id: record.id, eTag: record.eTag });
      return record;
    },
    updateSession: (id, change) => {
      const s = sessions.get(id.toLowerCase());
      if (!s) throw new RangeError(`no Veeam restore session ${id}`);
      let changed = false;
      const now = (): TickTime => ({ ms: Math.floor(clock.now()), ticks: runtimeRng.int(0, 9999) });
      if (change.end !== undefined && (change.end === null ? s.end !== null : !s.end || compareTickTime(change.end, s.end) !== 0)) {
        s.end = change.end;
        changed = true;
      }
      if (change.state !== undefined && change.state !== s.state) {
        s.state = change.state;
        changed = true;
        if (change.end === undefined) s.end = s.state === 'Stopped' ? now() : s.state === 'Working' ? null : s.end;
        if (s.state === 'Stopped') {
          const at = s.end ?? now();
          s.extraEvents.push({
            id: runtimeRng.guid(),
            type: 'None',
            status: 'Success',
            start: at,
            end: at,
            title: 'Restore session stopped',
            message: 'Restore session stopped',
            itemSizeBytes: 0,
          });
          s.eventCount = Math.max(s.eventCount, 1);
        }
      }
      if (change.result !== undefined && change.result !== s.result) {
        s.result = change.result;
        changed = true;
      }
      if (change.details !== undefined && change.details !== s.details) {
        s.details = change.details;
        changed = true;
      }
      if (changed) {
        s.omitEndTime = false;
        s.eTag += 1;
        changeFeed.emit({ eventType: 'RestoreSessionUpdate', id: s.id, eTag: s.eTag });
      }
      return s;
    },
    removeSession: (id) => {
      const s = sessions.get(id.toLowerCase());
      if (!s) return false;
      sessions.delete(s.id);
      changeFeed.emit({ eventType: 'RestoreSessionDelete', id: s.id });
      return true;
    },
    expireTokens: () => {
      for (const entry of accessTokens.values()) entry.expires = 0;
    },
    issuedTokens: () => [...accessTokens.keys(), ...refreshTokens.keys()],
    close: async () => {
      churn.stop();
      changeFeed.close();
      await server.close();
    },
  };
  churnEvent = veeamChurnEvent(sim, seed, sessions.size);
  if (options.churnPerMinute) churn.start(options.churnPerMinute);
  return sim;
}
