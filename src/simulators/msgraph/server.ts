import { randomBytes } from 'node:crypto';
import { SeededRandom, deriveSeed } from '../common/random';
import { SimClock } from '../common/clock';
import { SimServer, type RouteDefinition, type RouteHandler, type SimRequest, type SimResponse, type VendorErrors } from '../common/simServer';
import { generateServerTls } from '../common/tls';
import { Churn } from '../common/churn';
import { CONTOSO_TENANT_ID } from '../common/tenant';
import { DEFAULT_LIFECYCLE, GraphStore, type GraphLifecycleOptions, type NewArtifactInput } from './store';
import { seedGraphDiscovery, seedGraphSessions } from './seed';
import { GraphDiscovery, isFailure, type GraphFailure } from './discovery';
import { graphChurnEvent } from './churn';
import {
  POLICY_INFO,
  UNIT_INFO,
  WORKLOAD_INFO,
  WORKLOAD_UNIT,
  workloadByCollection,
  type GraphPolicyKind,
  type GraphPolicyRecord,
  type GraphSessionRecord,
  type GraphSessionStatus,
  type GraphUnitKind,
  type GraphUnitRecord,
  type GraphWorkloadKind,
} from './records';

export interface GraphSimulatorOptions {
  sessionCount?: number;
  seed?: number;
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  appDisplayName?: string;
  tokenLifetimeSeconds?: number;
  /** Items per list page without `$top` (Graph's server-driven page size; default 100). */
  pageSize?: number;
  /** Largest `$top` honoured; larger values are capped to it, not refused (default 999). */
  maxTop?: number;
  /** Restore points per `GET /restorePoints` page, and the most `$top` gets there (default 5: Learn says the list returns at most five). */
  restorePointPageSize?: number;
  /**
   * Refuse every restore point id that is not in the discovery data when a session is created
   * (400 InvalidRestorePoint). Default false: ids of the simulator's older synthetic form
   * `<resource>-rp-<n>` are still accepted as ad-hoc restore points.
   */
  strictRestorePoints?: boolean;
  /** Session churn events per wall-clock minute from the start (default 0 = off); see `sim.churn`. */
  churnPerMinute?: number;
  /**
   * Which names of the restore point search action are served (default both: Learn's
   * `restorePoints/search` and the OpenAPI's `restorePoints/microsoft.graph.search`); a name left
   * out is read as a restore point id, which takes no POST (405), as by a tenant that knows only the other.
   */
  searchPaths?: ReadonlyArray<'search' | 'microsoft.graph.search'>;
  artifactPageSize?: number;
  /** How `@odata.nextLink` is written: absolute URL, relative path, or alternating per page. */
  nextLinkStyle?: 'absolute' | 'relative' | 'alternate';
  lifecycle?: Partial<GraphLifecycleOptions>;
  tls?: boolean;
  port?: number;
  host?: string;
}

export interface GraphSimulator {
  server: SimServer;
  /**
   * Restore sessions. Test controls: `store.addSession({workload, status, createdDateTime, ...})`,
   * `store.updateSession(id, {status, counts})`, `store.removeSession(id)`, plus `create`/`activate`.
   */
  store: GraphStore;
  /** Service status, protection policies, protection units and restore points (the discovery routes' data). */
  discovery: GraphDiscovery;
  /**
   * Session churn: `churn.step()` performs one event (previous drafts activated, a new draft, old
   * terminal sessions removed while there are more sessions than at start-up);
   * `churn.start(perMinute)` / `churn.stop()` run it on a wall-clock timer (unref'd; `close()` stops it).
   */
  churn: Churn;
  clock: SimClock;
  url: string;
  /** Base URL of the API, `${url}/v1.0`. */
  apiBaseUrl: string;
  tokenUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  caPem?: string;
  /** Makes every issued token invalid now (as if they had all expired). */
  expireTokens(): void;
  /** Every token issued so far (tests check that none leaks). */
  issuedTokens(): string[];
  close(): Promise<void>;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const API = '/v1.0/solutions/backupRestore';
/** The simulator's older synthetic restore point ids (`mbx-1-rp-7`), accepted unless strictRestorePoints. */
const LEGACY_RESTORE_POINT = /-rp-/i;
const ODATA_JSON = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

function graphError(req: SimRequest, status: number, code: string, message: string, headers: Record<string, string> = {}): SimResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().slice(0, 19),
          'request-id': req.requestId,
          'client-request-id': req.headers['client-request-id'] ?? req.requestId,
        },
      },
    },
  };
}

const graphErrors: VendorErrors = {
  notFound: (req) => graphError(req, 400, 'BadRequest', `Resource not found for the segment '${req.path.split('/').pop()}'.`),
  methodNotAllowed: (req) => graphError(req, 405, 'Request_BadRequest', `The HTTP method '${req.method}' is not allowed for this resource.`),
  badRequest: (req, message) => graphError(req, 400, 'BadRequest', message),
  serverError: (req, status) =>
    graphError(
      req,
      status,
      status === 503 ? 'serviceNotAvailable' : status === 504 ? 'UnknownError' : 'generalException',
      'The service is temporarily unavailable. Please retry.',
      status === 503 ? { 'retry-after': '1' } : {},
    ),
  throttled: (req, retryAfter) => graphError(req, 429, 'TooManyRequests', 'Too many requests.', { 'retry-after': retryAfter }),
};

function base64url(value: string): string {
  return Buffer.from(value).toString('base64url');
}

function identityError(status: number, error: string, code: number, description: string): SimResponse {
  const traceId = randomBytes(16).toString('hex');
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${traceId} Timestamp: ${new Date().toISOString().replace('T', ' ').slice(0, 19)}Z`,
      error_codes: [code],
      timestamp: new Date().toISOString().replace('T', ' ').slice(0, 19) + 'Z',
      trace_id: traceId,
      correlation_id: traceId,
    },
  };
}

/**
 * Starts a simulated Microsoft Graph backup storage API with its own identity-platform token
 * endpoint. Behaviour follows `../shared/reference/upstream-notes-msgraph.md`.
 */
export async function startGraphSimulator(options: GraphSimulatorOptions = {}): Promise<GraphSimulator> {
  const seed = options.seed ?? 1;
  const tenantId = options.tenantId ?? CONTOSO_TENANT_ID;
  const clientId = options.clientId ?? '1fec8e78-bce4-4aaf-ab1b-5451cc387264';
  const clientSecret = options.clientSecret ?? 'sim-graph-secret';
  const appDisplayName = options.appDisplayName ?? 'Restore Gateway';
  const lifetime = options.tokenLifetimeSeconds ?? 3599;
  const pageSize = options.pageSize ?? 100;
  const maxTop = options.maxTop ?? 999;
  const restorePointPageSize = options.restorePointPageSize ?? 5;
  const strictRestorePoints = options.strictRestorePoints ?? false;
  const searchPaths = options.searchPaths ?? ['search', 'microsoft.graph.search'];
  const artifactPageSize = options.artifactPageSize ?? 20;
  const nextLinkStyle = options.nextLinkStyle ?? 'absolute';
  const clock = new SimClock();
  const store = new GraphStore(seedGraphSessions(options.sessionCount ?? 300, seed), clock, { ...DEFAULT_LIFECYCLE, ...options.lifecycle }, seed);
  const discovery = new GraphDiscovery(seedGraphDiscovery());
  const churn = new Churn(graphChurnEvent(store, discovery, seed, store.size));
  const tokens = new Map<string, number>(); // token -> expiry (simulated ms)
  let pageCounter = 0;
  const searchRng = new SeededRandom(deriveSeed(seed, 'search'));
  // eslint-disable-next-line prefer-const -- assigned once below; handlers defined before it read it at request time
  let sim: GraphSimulator;

  const issueToken = (): string => {
    const now = Math.floor(clock.now() / 1000);
    const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', kid: 'sim' }));
    const payload = base64url(
      JSON.stringify({
        aud: 'https://graph.microsoft.com',
        iss: `https://sts.windows.net/${tenantId}/`,
        iat: now,
        nbf: now,
        exp: now + lifetime,
        appid: clientId,
        app_displayname: appDisplayName,
        roles: ['BackupRestore-Restore.ReadWrite.All'],
        tid: tenantId,
        jti: randomBytes(8).toString('hex'),
      }),
    );
    const token = `${header}.${payload}.${randomBytes(32).toString('base64url')}`;
    tokens.set(token, clock.now() + lifetime * 1000);
    return token;
  };

  const authenticated =
    (handler: RouteHandler): RouteHandler =>
    (req, params) => {
      const auth = req.headers.authorization ?? '';
      const match = /^Bearer\s+(.+)$/i.exec(auth);
      if (!match) return graphError(req, 401, 'InvalidAuthenticationToken', 'Access token is empty.', { 'www-authenticate': 'Bearer realm=""' });
      const expiry = tokens.get(match[1]);
      if (expiry === undefined)
        return graphError(req, 401, 'InvalidAuthenticationToken', 'IDX14100: JWT is not well formed.', { 'www-authenticate': 'Bearer error="invalid_token"' });
      if (expiry <= clock.now())
        return graphError(req, 401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.', {
          'www-authenticate': 'Bearer error="invalid_token", error_description="The token is expired"',
        });
      return handler(req, params);
    };

  const prefersUnknownMembers = (req: SimRequest) => /include-unknown-enum-members/i.test(req.headers.prefer ?? '');

  const ok = (req: SimRequest, status: number, body: unknown): SimResponse => ({
    status,
    headers: {
      'content-type': ODATA_JSON,
      'odata-version': '4.0',
      ...(prefersUnknownMembers(req) ? { 'preference-applied': 'include-unknown-enum-members' } : {}),
    },
    body,
  });

  const findSession = (req: SimRequest, id: string): GraphSessionRecord | SimResponse => {
    if (!id || !GUID.test(id)) return graphError(req, 400, 'InvalidRestoreSessionId', `The restore session id '${id}' is invalid.`);
    const record = sim.store.get(id);
    return record ?? graphError(req, 404, 'RestoreSessionNotFound', `Restore session with id '${id}' was not found.`);
  };

  /**
   * Server-driven paging: without `$top` a page holds `size` items; `$top=N` makes it N items, capped
   * at `max` (not refused); `@odata.nextLink` carries an opaque $skiptoken (and the original query
   * options) and is written absolute or relative.
   */
  const page = <T>(req: SimRequest, items: T[], render: (item: T) => unknown, size: number, context: string, max = maxTop): SimResponse => {
    const top = req.query.get('$top');
    if (top !== null && !/^\d+$/.test(top)) return graphError(req, 400, 'BadRequest', `Invalid value '${top}' for $top: a non-negative integer is expected.`);
    const limit = top !== null ? Math.min(Number(top), max) : size;
    const token = req.query.get('$skiptoken');
    let offset = 0;
    if (token !== null) {
      const decoded = /^o:(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
      if (!decoded) return graphError(req, 400, 'BadRequest', 'The $skiptoken is invalid.');
      offset = Number(decoded[1]);
    }
    const body: Record<string, unknown> = { '@odata.context': `${sim.apiBaseUrl}/$metadata#${context}` };
    if (limit > 0 && offset + limit < items.length) {
      const query = new URLSearchParams(req.query);
      query.set('$skiptoken', Buffer.from(`o:${offset + limit}`).toString('base64url'));
      const relative = `${req.path.replace(/^\/v1\.0/i, '')}?${query.toString()}`;
      const style = nextLinkStyle === 'alternate' ? (pageCounter++ % 2 === 0 ? 'relative' : 'absolute') : nextLinkStyle;
      // Absolute links name the host the client used, as Graph does, so they work behind any hostname.
      const origin = req.headers.host ? `${sim.server.isTls ? 'https' : 'http'}://${req.headers.host}` : sim.url;
      body['@odata.nextLink'] = style === 'absolute' ? `${origin}/v1.0${relative}` : relative;
    }
    body.value = items.slice(offset, offset + limit).map(render);
    return ok(req, 200, body);
  };

  const listSessions = (req: SimRequest, workload?: GraphWorkloadKind): SimResponse => {
    const unknown = prefersUnknownMembers(req);
    const items = workload ? sim.store.all().filter((s) => s.workload === workload) : sim.store.all();
    return page(
      req,
      items,
      (s) => sim.store.renderSession(s, unknown),
      pageSize,
      workload ? `solutions/backupRestore/${WORKLOAD_INFO[workload].collection}` : 'solutions/backupRestore/restoreSessions',
    );
  };

  const getSession = (req: SimRequest, id: string, workload?: GraphWorkloadKind): SimResponse => {
    const found = findSession(req, id);
    if (!('id' in found)) return found;
    if (workload && found.workload !== workload) return graphError(req, 404, 'RestoreSessionNotFound', `Restore session with id '${id}' was not found.`);
    const collection = workload ? WORKLOAD_INFO[workload].collection : 'restoreSessions';
    return ok(req, 200, {
      '@odata.context': `${sim.apiBaseUrl}/$metadata#solutions/backupRestore/${collection}/$entity`,
      ...sim.store.renderSession(found, prefersUnknownMembers(req)),
    });
  };

  const activate: RouteHandler = (req, { id }) => {
    const found = findSession(req, id);
    if (!('id' in found)) return found;
    const current = sim.store.view(found).status;
    if (current !== 'draft')
      return graphError(
        req,
        403,
        'RestoreSessionActionNotAllowed',
        `Restore session is in '${current}' state; only a restore session in draft state can be activated.`,
      );
    if (sim.store.countActivating() >= 25)
      return graphError(req, 500, 'TooManyActiveRestoreSessions', 'More than 25 restore sessions are activating. Try again later.');
    sim.store.activate(found);
    return ok(req, 200, {
      '@odata.context': `${sim.apiBaseUrl}/$metadata#solutions/backupRestore/restoreSessions/$entity`,
      ...sim.store.renderSession(found, prefersUnknownMembers(req)),
    });
  };

  const remove: RouteHandler = (req, { id }) => {
    const found = findSession(req, id);
    if (!('id' in found)) return found;
    const current = sim.store.view(found).status;
    if (current !== 'draft')
      return graphError(req, 403, 'RestoreSessionActionNotAllowed', `Restore session is in '${current}' state; it can only be deleted in draft state.`);
    sim.store.remove(found.id);
    return { status: 204 };
  };

  const create = (req: SimRequest, workload: GraphWorkloadKind): SimResponse => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body)) return graphError(req, 400, 'BadRequest', 'The request body must be a JSON object.');
    const collectionName = WORKLOAD_INFO[workload].artifactCollection;
    const granularName = `granular${collectionName[0].toUpperCase()}${collectionName.slice(1)}`;
    const standard = body[collectionName];
    const granular = body[granularName];
    if (standard !== undefined && granular !== undefined)
      return graphError(req, 400, 'InvalidArtifactRequest', 'Granular and standard artifacts cannot be mixed in one restore session.');
    const raw = standard ?? granular;
    let artifacts: NewArtifactInput[] = [];
    if (raw !== undefined) {
      if (!Array.isArray(raw) || raw.length === 0) return graphError(req, 400, 'InvalidArtifactRequest', `The ${collectionName} list is empty or not a list.`);
      if (raw.length > 1000) return graphError(req, 413, 'RestoreArtifactsLimitBreached', 'A restore session takes at most 1,000 artifacts.');
      const seen = new Set<string>();
      for (const item of raw as Array<Record<string, unknown>>) {
        const restorePoint = item?.restorePoint as { id?: unknown; protectionUnit?: { id?: unknown } } | undefined;
        if (!restorePoint || typeof restorePoint.id !== 'string' || !restorePoint.id)
          return graphError(req, 400, 'InvalidRestorePoint', 'Each artifact needs restorePoint.id.');
        if (seen.has(restorePoint.id)) return graphError(req, 400, 'DuplicateArtifactInList', `Restore point '${restorePoint.id}' is listed twice.`);
        seen.add(restorePoint.id);
        const destinationType = item.destinationType ?? 'new';
        if (destinationType !== 'new' && destinationType !== 'inPlace')
          return graphError(req, 400, 'InvalidPathType', `destinationType ${JSON.stringify(destinationType)} is not valid.`);
        artifacts.push({
          restorePointId: restorePoint.id,
          protectedResourceId: typeof restorePoint.protectionUnit?.id === 'string' ? restorePoint.protectionUnit.id : undefined,
          destinationType,
        });
      }
      if (new Set(artifacts.map((a) => a.destinationType)).size > 1)
        return graphError(req, 400, 'DifferentRestoreDestinationType', 'All artifacts of one restore session must restore to the same destination type.');
      for (const a of artifacts) {
        const point = sim.discovery.restorePoint(a.restorePointId);
        if (point) {
          const unit = sim.discovery.unit(point.unitId) as GraphUnitRecord;
          if (unit.kind !== WORKLOAD_UNIT[workload])
            return graphError(
              req,
              400,
              'InvalidRestorePoint',
              `Restore point '${a.restorePointId}' belongs to a ${unit.kind} protection unit; ${WORKLOAD_INFO[workload].collection} restore ${WORKLOAD_UNIT[workload]} protection units.`,
            );
          if (a.protectedResourceId !== undefined && a.protectedResourceId.toLowerCase() !== unit.id.toLowerCase())
            return graphError(
              req,
              400,
              'InvalidRestorePoint',
              `Restore point '${a.restorePointId}' does not belong to protection unit '${a.protectedResourceId}'.`,
            );
          Object.assign(a, { protectedResourceId: unit.id, protectionTime: point.protection, expirationTime: point.expiration });
        } else if (strictRestorePoints || !LEGACY_RESTORE_POINT.test(a.restorePointId)) {
          return graphError(req, 400, 'InvalidRestorePoint', `Restore point '${a.restorePointId}' was not found.`);
        }
      }
    } else {
      artifacts = [];
    }
    const record = sim.store.create(
      workload,
      artifacts,
      { application: { id: clientId, displayName: appDisplayName } },
      granular !== undefined ? 'granular' : 'standard',
    );
    return ok(req, 201, {
      '@odata.context': `${sim.apiBaseUrl}/$metadata#solutions/backupRestore/${WORKLOAD_INFO[workload].collection}/$entity`,
      ...sim.store.renderSession(record, prefersUnknownMembers(req)),
    });
  };

  const listArtifacts: RouteHandler = (req, { collection, id, artifacts }) => {
    const workload = workloadByCollection(collection);
    if (!workload || WORKLOAD_INFO[workload].artifactCollection.toLowerCase() !== artifacts.toLowerCase()) return graphErrors.notFound(req);
    const found = findSession(req, id);
    if (!('id' in found)) return found;
    if (found.workload !== workload) return graphError(req, 404, 'RestoreSessionNotFound', `Restore session with id '${id}' was not found.`);
    return page(req, sim.store.renderArtifacts(found), (a) => a, artifactPageSize, `solutions/backupRestore/${collection}('${id}')/${artifacts}`);
  };

  const batch: RouteHandler = async (req) => {
    const body = req.body as { requests?: unknown } | undefined;
    if (!body || !Array.isArray(body.requests)) return graphError(req, 400, 'BadRequest', 'Invalid batch payload format.');
    const requests = body.requests as Array<Record<string, unknown>>;
    if (requests.length > 20) return graphError(req, 400, 'BadRequest', 'Number of requests in the batch exceeds the limit of 20.');
    const ids = new Set<string>();
    for (const item of requests) {
      if (typeof item.id !== 'string' || !item.id) return graphError(req, 400, 'BadRequest', 'Each batch request needs an id.');
      if (ids.has(item.id.toLowerCase())) return graphError(req, 400, 'BadRequest', `Batch request id '${item.id}' is not unique.`);
      ids.add(item.id.toLowerCase());
      if (typeof item.method !== 'string' || typeof item.url !== 'string')
        return graphError(req, 400, 'BadRequest', `Batch request '${item.id}' needs method and url.`);
      if (
        item.body !== undefined &&
        !(item.headers && typeof item.headers === 'object' && Object.keys(item.headers).some((h) => h.toLowerCase() === 'content-type'))
      ) {
        return graphError(req, 400, 'BadRequest', `Batch request '${item.id}' has a body but no Content-Type header.`);
      }
    }
    const results = new Map<string, { id: string; status: number; headers: Record<string, string>; body?: unknown }>();
    const runOne = async (item: Record<string, unknown>) => {
      const dependsOn = Array.isArray(item.dependsOn) ? (item.dependsOn as string[]) : [];
      if (dependsOn.some((dep) => (results.get(dep)?.status ?? 500) >= 400)) {
        results.set(item.id as string, {
          id: item.id as string,
          status: 424,
          headers: {},
          body: graphError(req, 424, 'FailedDependency', 'A request this one depends on failed.').body,
        });
        return;
      }
      const url = new URL(String(item.url).replace(/^\/?/, '/'), 'http://batch.invalid');
      const headers: Record<string, string> = { authorization: req.headers.authorization ?? '', host: req.headers.host ?? '' };
      for (const [k, v] of Object.entries((item.headers as Record<string, string>) ?? {})) headers[k.toLowerCase()] = String(v);
      const inner: SimRequest = {
        method: String(item.method).toUpperCase(),
        path: `/v1.0${decodeURIComponent(url.pathname)}`,
        query: url.searchParams,
        headers,
        body: item.body,
        rawBody: item.body ? JSON.stringify(item.body) : '',
        requestId: req.requestId,
      };
      const response = await sim.server.dispatchInner(inner);
      results.set(item.id as string, { id: item.id as string, status: response.status, headers: response.headers ?? {}, body: response.body });
    };
    if (requests.some((r) => Array.isArray(r.dependsOn) && r.dependsOn.length > 0)) {
      for (const item of requests) await runOne(item);
    } else {
      await Promise.all(requests.map(runOne));
    }
    // Graph does not promise response order; answer in reverse so clients must correlate by id.
    return {
      status: 200,
      headers: { 'content-type': 'application/json', 'odata-version': '4.0' },
      body: { responses: requests.map((r) => results.get(r.id as string)).reverse() },
    };
  };

  const token: RouteHandler = (req, { tenant }) => {
    if (!(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded'))
      return identityError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
    const form = (req.body ?? {}) as Record<string, string>;
    if (tenant.toLowerCase() !== tenantId.toLowerCase()) return identityError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found.`);
    if (form.grant_type !== 'client_credentials') return identityError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    if (form.client_id !== clientId)
      return identityError(400, 'unauthorized_client', 700016, `Application with identifier '${form.client_id ?? ''}' was not found in the directory.`);
    if (form.client_secret !== clientSecret) return identityError(401, 'invalid_client', 7000215, 'Invalid client secret provided.');
    if (form.scope !== 'https://graph.microsoft.com/.default')
      return identityError(400, 'invalid_scope', 1002012, `The provided value for scope ${form.scope ?? ''} is not valid.`);
    return {
      status: 200,
      headers: { 'cache-control': 'no-store, no-cache' },
      body: { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: issueToken() },
    };
  };

  // ---- discovery (notes §7) -------------------------------------------------------------------

  const fail = (req: SimRequest, f: GraphFailure) => graphError(req, f.status, f.code, f.message);
  const entityContext = (path: string) => `${sim.apiBaseUrl}/$metadata#solutions/backupRestore/${path}/$entity`;

  const findPolicy = (req: SimRequest, id: string, kind?: GraphPolicyKind): GraphPolicyRecord | SimResponse => {
    if (!GUID.test(id)) return graphError(req, 400, 'InvalidPolicyId', `The protection policy id '${id}' is invalid.`);
    const policy = sim.discovery.policy(id);
    if (!policy || (kind && policy.kind !== kind)) return graphError(req, 404, 'PolicyNotFound', `Protection policy with id '${id}' was not found.`);
    return policy;
  };
  // Judgement call: the notes list 400 InvalidProtectionUnitId for a bad id and no code for an unknown one; 404 ProtectionUnitNotFound.
  const findUnit = (req: SimRequest, id: string, kind?: GraphUnitKind): GraphUnitRecord | SimResponse => {
    if (!GUID.test(id)) return graphError(req, 400, 'InvalidProtectionUnitId', `The protection unit id '${id}' is invalid.`);
    const unit = sim.discovery.unit(id);
    if (!unit || (kind && unit.kind !== kind)) return graphError(req, 404, 'ProtectionUnitNotFound', `Protection unit with id '${id}' was not found.`);
    return unit;
  };
  const isRecord = <T>(value: T | SimResponse): value is T => !('status' in (value as object) && 'body' in (value as object) && 'headers' in (value as object));

  const discoveryRoutes: RouteDefinition[] = [
    {
      method: 'GET',
      pattern: API,
      handler: authenticated((req) =>
        ok(req, 200, { '@odata.context': `${sim.apiBaseUrl}/$metadata#solutions/backupRestore/$entity`, serviceStatus: sim.discovery.renderServiceStatus() }),
      ),
    },
    {
      method: 'GET',
      pattern: `${API}/protectionPolicies`,
      handler: authenticated((req) =>
        page(req, sim.discovery.policies(), (p) => sim.discovery.renderPolicy(p, true), pageSize, 'solutions/backupRestore/protectionPolicies'),
      ),
    },
    {
      method: 'GET',
      pattern: `${API}/protectionPolicies/{id}`,
      handler: authenticated((req, { id }) => {
        const policy = findPolicy(req, id);
        return isRecord(policy) ? ok(req, 200, { '@odata.context': entityContext('protectionPolicies'), ...sim.discovery.renderPolicy(policy, true) }) : policy;
      }),
    },
  ];
  for (const kind of Object.keys(POLICY_INFO) as GraphPolicyKind[]) {
    const { collection, unitKind } = POLICY_INFO[kind];
    const unitCollection = UNIT_INFO[unitKind].collection;
    discoveryRoutes.push(
      {
        method: 'GET',
        pattern: `${API}/${collection}`,
        handler: authenticated((req) =>
          page(req, sim.discovery.policies(kind), (p) => sim.discovery.renderPolicy(p, true), pageSize, `solutions/backupRestore/${collection}`),
        ),
      },
      {
        method: 'GET',
        pattern: `${API}/${collection}/{id}`,
        handler: authenticated((req, { id }) => {
          const policy = findPolicy(req, id, kind);
          return isRecord(policy) ? ok(req, 200, { '@odata.context': entityContext(collection), ...sim.discovery.renderPolicy(policy, false) }) : policy;
        }),
      },
      {
        // The per-policy unit collection (notes §7.3), e.g. /exchangeProtectionPolicies/{id}/mailboxProtectionUnits.
        method: 'GET',
        pattern: `${API}/${collection}/{id}/${unitCollection}`,
        handler: authenticated((req, { id }) => {
          const policy = findPolicy(req, id, kind);
          if (!isRecord(policy)) return policy;
          return page(
            req,
            sim.discovery.units(unitKind, policy.id),
            (u) => sim.discovery.renderUnit(u, true),
            pageSize,
            `solutions/backupRestore/${collection}('${policy.id}')/${unitCollection}`,
          );
        }),
      },
    );
  }
  discoveryRoutes.push({
    method: 'GET',
    pattern: `${API}/protectionUnits`,
    handler: authenticated((req) =>
      page(req, sim.discovery.units(), (u) => sim.discovery.renderUnit(u, true), pageSize, 'solutions/backupRestore/protectionUnits'),
    ),
  });
  for (const kind of Object.keys(UNIT_INFO) as GraphUnitKind[]) {
    const { cast } = UNIT_INFO[kind];
    // Must come before protectionUnits/{id}, which would otherwise take the cast segment as an id.
    discoveryRoutes.push({
      method: 'GET',
      pattern: `${API}/protectionUnits/${cast}`,
      handler: authenticated((req) =>
        page(req, sim.discovery.units(kind), (u) => sim.discovery.renderUnit(u, true), pageSize, `solutions/backupRestore/protectionUnits/${cast}`),
      ),
    });
  }
  discoveryRoutes.push({
    method: 'GET',
    pattern: `${API}/protectionUnits/{id}`,
    handler: authenticated((req, { id }) => {
      const unit = findUnit(req, id);
      // As Learn's sample of this GET: no @odata.type on the entity (lists carry it); tell the type by its fields.
      return isRecord(unit) ? ok(req, 200, { '@odata.context': entityContext('protectionUnits'), ...sim.discovery.renderUnit(unit, false) }) : unit;
    }),
  });
  for (const kind of Object.keys(UNIT_INFO) as GraphUnitKind[]) {
    const { collection } = UNIT_INFO[kind];
    discoveryRoutes.push(
      {
        method: 'GET',
        pattern: `${API}/${collection}`,
        handler: authenticated((req) =>
          page(req, sim.discovery.units(kind), (u) => sim.discovery.renderUnit(u, true), pageSize, `solutions/backupRestore/${collection}`),
        ),
      },
      {
        method: 'GET',
        pattern: `${API}/${collection}/{id}`,
        handler: authenticated((req, { id }) => {
          const unit = findUnit(req, id, kind);
          return isRecord(unit) ? ok(req, 200, { '@odata.context': entityContext(collection), ...sim.discovery.renderUnit(unit, false) }) : unit;
        }),
      },
    );
  }
  const search: RouteHandler = (req) => {
    const body = req.body;
    if (!body || typeof body !== 'object' || Array.isArray(body))
      return graphError(req, 400, 'InvalidSearchRequest', 'The request body must be a JSON object.');
    const answer = sim.discovery.search(body, clock.now());
    if (isFailure(answer)) return fail(req, answer);
    return ok(req, 200, {
      '@odata.context': `${sim.apiBaseUrl}/$metadata#microsoft.graph.restorePointSearchResponse`,
      searchResponseId: searchRng.guid(),
      searchResults: answer.results.map((r) => ({ restorePoint: sim.discovery.renderRestorePoint(r.point, true), artifactHitCount: r.artifactHitCount })),
      noResultProtectionUnitIds: answer.noResultProtectionUnitIds,
    });
  };
  discoveryRoutes.push(
    {
      method: 'GET',
      pattern: `${API}/restorePoints`,
      handler: authenticated((req) => {
        const query = sim.discovery.parseRestorePointQuery(req.query);
        if (isFailure(query)) return fail(req, query);
        return page(
          req,
          sim.discovery.listRestorePoints(query),
          (rp) => sim.discovery.renderRestorePoint(rp, true),
          restorePointPageSize,
          'solutions/backupRestore/restorePoints(protectionUnit())',
          restorePointPageSize,
        );
      }),
    },
    ...searchPaths.map((name) => ({ method: 'POST', pattern: `${API}/restorePoints/${name}`, handler: authenticated(search) })),
    {
      method: 'GET',
      pattern: `${API}/restorePoints/{id}`,
      handler: authenticated((req, { id }) => {
        const point = sim.discovery.restorePoint(id);
        // Judgement call: the notes name no code for an unknown restore point; 404 RestorePointNotFound.
        if (!point) return graphError(req, 404, 'RestorePointNotFound', `Restore point with id '${id}' was not found.`);
        const expand = /^\s*protectionUnit\b/i.test(req.query.get('$expand') ?? '');
        return ok(req, 200, { '@odata.context': entityContext('restorePoints'), ...sim.discovery.renderRestorePoint(point, expand) });
      }),
    },
    {
      method: 'GET',
      pattern: `${API}/restorePoints/{id}/protectionUnit`,
      handler: authenticated((req, { id }) => {
        const point = sim.discovery.restorePoint(id);
        if (!point) return graphError(req, 404, 'RestorePointNotFound', `Restore point with id '${id}' was not found.`);
        const unit = sim.discovery.unit(point.unitId) as GraphUnitRecord;
        return ok(req, 200, {
          '@odata.context': `${sim.apiBaseUrl}/$metadata#solutions/backupRestore/restorePoints('${point.id}')/protectionUnit/$entity`,
          ...sim.discovery.renderUnit(unit, true),
        });
      }),
    },
  );

  const routes: RouteDefinition[] = [
    { method: 'POST', pattern: '/{tenant}/oauth2/v2.0/token', handler: token },
    ...discoveryRoutes,
    { method: 'GET', pattern: `${API}/restoreSessions`, handler: authenticated((req) => listSessions(req)) },
    { method: 'GET', pattern: `${API}/restoreSessions/{id}`, handler: authenticated((req, { id }) => getSession(req, id)) },
    { method: 'DELETE', pattern: `${API}/restoreSessions/{id}`, handler: authenticated(remove) },
    { method: 'POST', pattern: `${API}/restoreSessions/{id}/activate`, handler: authenticated(activate) },
    { method: 'POST', pattern: `${API}/restoreSessions/{id}/microsoft.graph.activate`, handler: authenticated(activate) },
    { method: 'GET', pattern: `${API}/{collection}/{id}/{artifacts}`, handler: authenticated(listArtifacts) },
    { method: 'POST', pattern: '/v1.0/$batch', handler: authenticated(batch), throttlesItems: true },
  ];
  for (const workload of Object.keys(WORKLOAD_INFO) as GraphWorkloadKind[]) {
    const collection = WORKLOAD_INFO[workload].collection;
    routes.push(
      { method: 'GET', pattern: `${API}/${collection}`, handler: authenticated((req) => listSessions(req, workload)) },
      { method: 'POST', pattern: `${API}/${collection}`, handler: authenticated((req) => create(req, workload)) },
      { method: 'GET', pattern: `${API}/${collection}/{id}`, handler: authenticated((req, { id }) => getSession(req, id, workload)) },
    );
  }

  const tls = options.tls ? generateServerTls() : undefined;
  const server = new SimServer({
    name: 'msgraph',
    routes,
    errors: graphErrors,
    clock,
    caseInsensitive: true,
    tls,
    faultSeed: seed,
    defaultHeaders: (req) => ({
      'request-id': req.requestId,
      'client-request-id': req.headers['client-request-id'] ?? req.requestId,
      'x-ms-ags-diagnostic': '{"ServerInfo":{"DataCenter":"Simulated","Slice":"E"}}',
    }),
    expireTokens: () => sim.expireTokens(),
    controlRoutes: [
      {
        method: 'GET',
        pattern: '/_sim/info',
        handler: () => ({
          status: 200,
          body: { vendor: 'msgraph', sessions: store.size, tenantId, clientId, tokenUrl: sim.tokenUrl, apiBaseUrl: sim.apiBaseUrl, churnPerMinute: churn.rate },
        }),
      },
      {
        method: 'POST',
        pattern: '/_sim/sessions',
        handler: (req) => {
          const body = (req.body ?? {}) as { workload?: GraphWorkloadKind; status?: GraphSessionStatus; createdDateTime?: string; artifactCount?: number };
          if (!body.workload || !(body.workload in WORKLOAD_INFO))
            return { status: 400, body: { message: 'body needs workload: exchange | oneDrive | sharePoint' } };
          try {
            const record = store.addSession({
              workload: body.workload,
              status: body.status,
              createdDateTime: body.createdDateTime,
              artifactCount: body.artifactCount,
            });
            return { status: 201, body: store.renderSession(record, true) };
          } catch (err) {
            return { status: 400, body: { message: (err as Error).message } };
          }
        },
      },
      {
        method: 'PATCH',
        pattern: '/_sim/sessions/{id}',
        handler: (req, { id }) => {
          if (!store.get(id)) return { status: 404, body: { message: `no session ${id}` } };
          const body = (req.body ?? {}) as { status?: GraphSessionStatus; counts?: Record<string, number> };
          return { status: 200, body: store.renderSession(store.updateSession(id, { status: body.status, counts: body.counts }), true) };
        },
      },
      {
        method: 'DELETE',
        pattern: '/_sim/sessions/{id}',
        handler: (_req, { id }) => (store.removeSession(id) ? { status: 204 } : { status: 404, body: { message: `no session ${id}` } }),
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
    ],
  });
  const url = await server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  sim = {
    server,
    store,
    discovery,
    churn,
    clock,
    url,
    apiBaseUrl: `${url}/v1.0`,
    tokenUrl: `${url}/${tenantId}/oauth2/v2.0/token`,
    tenantId,
    clientId,
    clientSecret,
    caPem: tls?.caPem,
    expireTokens: () => {
      for (const key of tokens.keys()) tokens.set(key, 0);
    },
    issuedTokens: () => [...tokens.keys()],
    close: async () => {
      churn.stop();
      await server.close();
    },
  };
  if (options.churnPerMinute) churn.start(options.churnPerMinute);
  return sim;
}
