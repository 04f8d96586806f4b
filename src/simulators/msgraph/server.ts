import { randomBytes } from 'node:crypto';
import { SimClock } from '../common/clock';
import { SimServer, type RouteDefinition, type RouteHandler, type SimRequest, type SimResponse, type VendorErrors } from '../common/simServer';
import { generateServerTls } from '../common/tls';
import { DEFAULT_LIFECYCLE, GraphStore, type GraphLifecycleOptions, type NewArtifactInput } from './store';
import { seedGraphSessions } from './seed';
import { WORKLOAD_INFO, workloadByCollection, type GraphSessionRecord, type GraphWorkloadKind } from './records';

export interface GraphSimulatorOptions {
  sessionCount?: number;
  seed?: number;
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  appDisplayName?: string;
  tokenLifetimeSeconds?: number;
  /** Items per list page (Graph's server-driven page size). */
  pageSize?: number;
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
  store: GraphStore;
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
const ODATA_JSON = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

function graphError(req: SimRequest, status: number, code: string, message: string, headers: Record<string, string> = {}): SimResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: {
      error: {
        code,
        message,
        innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': req.requestId, 'client-request-id': req.headers['client-request-id'] ?? req.requestId },
      },
    },
  };
}

const graphErrors: VendorErrors = {
  notFound: (req) => graphError(req, 400, 'BadRequest', `Resource not found for the segment '${req.path.split('/').pop()}'.`),
  methodNotAllowed: (req) => graphError(req, 405, 'Request_BadRequest', `The HTTP method '${req.method}' is not allowed for this resource.`),
  badRequest: (req, message) => graphError(req, 400, 'BadRequest', message),
  serverError: (req, status) => graphError(req, status, status === 503 ? 'serviceNotAvailable' : status === 504 ? 'UnknownError' : 'generalException', 'The service is temporarily unavailable. Please retry.', status === 503 ? { 'retry-after': '1' } : {}),
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
  const tenantId = options.tenantId ?? '6babcaad-604b-40ac-a9d7-9fd97c0b779f';
  const clientId = options.clientId ?? '1fec8e78-bce4-4aaf-ab1b-5451cc387264';
  const clientSecret = options.clientSecret ?? 'sim-graph-secret';
  const appDisplayName = options.appDisplayName ?? 'Restore Gateway';
  const lifetime = options.tokenLifetimeSeconds ?? 3599;
  const pageSize = options.pageSize ?? 100;
  const artifactPageSize = options.artifactPageSize ?? 20;
  const nextLinkStyle = options.nextLinkStyle ?? 'absolute';
  const clock = new SimClock();
  const store = new GraphStore(seedGraphSessions(options.sessionCount ?? 300, seed), clock, { ...DEFAULT_LIFECYCLE, ...options.lifecycle }, seed);
  const tokens = new Map<string, number>(); // token -> expiry (simulated ms)
  let pageCounter = 0;
  let sim: GraphSimulator;

  const issueToken = (): string => {
    const now = Math.floor(clock.now() / 1000);
    const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', kid: 'sim' }));
    const payload = base64url(
      JSON.stringify({ aud: 'https://graph.microsoft.com', iss: `https://sts.windows.net/${tenantId}/`, iat: now, nbf: now, exp: now + lifetime, appid: clientId, app_displayname: appDisplayName, roles: ['BackupRestore-Restore.ReadWrite.All'], tid: tenantId, jti: randomBytes(8).toString('hex') }),
    );
    const token = `${header}.${payload}.${randomBytes(32).toString('base64url')}`;
    tokens.set(token, clock.now() + lifetime * 1000);
    return token;
  };

  const authenticated = (handler: RouteHandler): RouteHandler => (req, params) => {
    const auth = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(auth);
    if (!match) return graphError(req, 401, 'InvalidAuthenticationToken', 'Access token is empty.', { 'www-authenticate': 'Bearer realm=""' });
    const expiry = tokens.get(match[1]);
    if (expiry === undefined) return graphError(req, 401, 'InvalidAuthenticationToken', 'IDX14100: JWT is not well formed.', { 'www-authenticate': 'Bearer error="invalid_token"' });
    if (expiry <= clock.now()) return graphError(req, 401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.', { 'www-authenticate': 'Bearer error="invalid_token", error_description="The token is expired"' });
    return handler(req, params);
  };

  const prefersUnknownMembers = (req: SimRequest) => /include-unknown-enum-members/i.test(req.headers.prefer ?? '');

  const ok = (req: SimRequest, status: number, body: unknown): SimResponse => ({
    status,
    headers: { 'content-type': ODATA_JSON, 'odata-version': '4.0', ...(prefersUnknownMembers(req) ? { 'preference-applied': 'include-unknown-enum-members' } : {}) },
    body,
  });

  const findSession = (req: SimRequest, id: string): GraphSessionRecord | SimResponse => {
    if (!id || !GUID.test(id)) return graphError(req, 400, 'InvalidRestoreSessionId', `The restore session id '${id}' is invalid.`);
    const record = sim.store.get(id);
    return record ?? graphError(req, 404, 'RestoreSessionNotFound', `Restore session with id '${id}' was not found.`);
  };

  /** Server-driven paging: an opaque $skiptoken, a link written absolute or relative. */
  const page = <T>(req: SimRequest, items: T[], render: (item: T) => unknown, size: number, context: string): SimResponse => {
    const top = req.query.get('$top');
    const limit = top !== null && /^\d+$/.test(top) ? Math.min(Number(top), size) : size;
    const token = req.query.get('$skiptoken');
    let offset = 0;
    if (token !== null) {
      const decoded = /^o:(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
      if (!decoded) return graphError(req, 400, 'BadRequest', 'The $skiptoken is invalid.');
      offset = Number(decoded[1]);
    }
    const body: Record<string, unknown> = { '@odata.context': `${sim.apiBaseUrl}/$metadata#${context}` };
    if (offset + limit < items.length) {
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
    return page(req, items, (s) => sim.store.renderSession(s, unknown), pageSize, workload ? `solutions/backupRestore/${WORKLOAD_INFO[workload].collection}` : 'solutions/backupRestore/restoreSessions');
  };

  const getSession = (req: SimRequest, id: string, workload?: GraphWorkloadKind): SimResponse => {
    const found = findSession(req, id);
    if (!('id' in found)) return found;
    if (workload && found.workload !== workload) return graphError(req, 404, 'RestoreSessionNotFound', `Restore session with id '${id}' was not found.`);
    const collection = workload ? WORKLOAD_INFO[workload].collection : 'restoreSessions';
    return ok(req, 200, { '@odata.context': `${sim.apiBaseUrl}/$metadata#solutions/backupRestore/${collection}/$entity`, ...sim.store.renderSession(found, prefersUnknownMembers(req)) });
  };

  const activate: RouteHandler = (req, { id }) => {
    const found = findSession(req, id);
    if (!('id' in found)) return found;
    const current = sim.store.view(found).status;
    if (current !== 'draft') return graphError(req, 403, 'RestoreSessionActionNotAllowed', `Restore session is in '${current}' state; only a restore session in draft state can be activated.`);
    if (sim.store.countActivating() >= 25) return graphError(req, 500, 'TooManyActiveRestoreSessions', 'More than 25 restore sessions are activating. Try again later.');
    sim.store.activate(found);
    return ok(req, 200, { '@odata.context': `${sim.apiBaseUrl}/$metadata#solutions/backupRestore/restoreSessions/$entity`, ...sim.store.renderSession(found, prefersUnknownMembers(req)) });
  };

  const remove: RouteHandler = (req, { id }) => {
    const found = findSession(req, id);
    if (!('id' in found)) return found;
    const current = sim.store.view(found).status;
    if (current !== 'draft') return graphError(req, 403, 'RestoreSessionActionNotAllowed', `Restore session is in '${current}' state; it can only be deleted in draft state.`);
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
    if (standard !== undefined && granular !== undefined) return graphError(req, 400, 'InvalidArtifactRequest', 'Granular and standard artifacts cannot be mixed in one restore session.');
    const raw = standard ?? granular;
    let artifacts: NewArtifactInput[] = [];
    if (raw !== undefined) {
      if (!Array.isArray(raw) || raw.length === 0) return graphError(req, 400, 'InvalidArtifactRequest', `The ${collectionName} list is empty or not a list.`);
      if (raw.length > 1000) return graphError(req, 413, 'RestoreArtifactsLimitBreached', 'A restore session takes at most 1,000 artifacts.');
      const seen = new Set<string>();
      for (const item of raw as Array<Record<string, unknown>>) {
        const restorePoint = item?.restorePoint as { id?: unknown; protectionUnit?: { id?: unknown } } | undefined;
        if (!restorePoint || typeof restorePoint.id !== 'string' || !restorePoint.id) return graphError(req, 400, 'InvalidRestorePoint', 'Each artifact needs restorePoint.id.');
        if (seen.has(restorePoint.id)) return graphError(req, 400, 'DuplicateArtifactInList', `Restore point '${restorePoint.id}' is listed twice.`);
        seen.add(restorePoint.id);
        const destinationType = item.destinationType ?? 'new';
        if (destinationType !== 'new' && destinationType !== 'inPlace') return graphError(req, 400, 'InvalidPathType', `destinationType '${String(destinationType)}' is not valid.`);
        artifacts.push({ restorePointId: restorePoint.id, protectedResourceId: typeof restorePoint.protectionUnit?.id === 'string' ? restorePoint.protectionUnit.id : undefined, destinationType });
      }
      if (new Set(artifacts.map((a) => a.destinationType)).size > 1) return graphError(req, 400, 'DifferentRestoreDestinationType', 'All artifacts of one restore session must restore to the same destination type.');
    } else {
      artifacts = [];
    }
    const record = sim.store.create(workload, artifacts, { application: { id: clientId, displayName: appDisplayName } }, granular !== undefined ? 'granular' : 'standard');
    return ok(req, 201, { '@odata.context': `${sim.apiBaseUrl}/$metadata#solutions/backupRestore/${WORKLOAD_INFO[workload].collection}/$entity`, ...sim.store.renderSession(record, prefersUnknownMembers(req)) });
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
      if (typeof item.method !== 'string' || typeof item.url !== 'string') return graphError(req, 400, 'BadRequest', `Batch request '${item.id}' needs method and url.`);
      if (item.body !== undefined && !(item.headers && typeof item.headers === 'object' && Object.keys(item.headers).some((h) => h.toLowerCase() === 'content-type'))) {
        return graphError(req, 400, 'BadRequest', `Batch request '${item.id}' has a body but no Content-Type header.`);
      }
    }
    const results = new Map<string, { id: string; status: number; headers: Record<string, string>; body?: unknown }>();
    const runOne = async (item: Record<string, unknown>) => {
      const dependsOn = Array.isArray(item.dependsOn) ? (item.dependsOn as string[]) : [];
      if (dependsOn.some((dep) => (results.get(dep)?.status ?? 500) >= 400)) {
        results.set(item.id as string, { id: item.id as string, status: 424, headers: {}, body: graphError(req, 424, 'FailedDependency', 'A request this one depends on failed.').body });
        return;
      }
      const url = new URL(String(item.url).replace(/^\/?/, '/'), 'http://batch.invalid');
      const headers: Record<string, string> = { authorization: req.headers.authorization ?? '', host: req.headers.host ?? '' };
      for (const [k, v] of Object.entries((item.headers as Record<string, string>) ?? {})) headers[k.toLowerCase()] = String(v);
      const inner: SimRequest = { method: String(item.method).toUpperCase(), path: `/v1.0${decodeURIComponent(url.pathname)}`, query: url.searchParams, headers, body: item.body, rawBody: item.body ? JSON.stringify(item.body) : '', requestId: req.requestId };
      const response = await sim.server.dispatchInner(inner);
      results.set(item.id as string, { id: item.id as string, status: response.status, headers: response.headers ?? {}, body: response.body });
    };
    if (requests.some((r) => Array.isArray(r.dependsOn) && r.dependsOn.length > 0)) {
      for (const item of requests) await runOne(item);
    } else {
      await Promise.all(requests.map(runOne));
    }
    // Graph does not promise response order; answer in reverse so clients must correlate by id.
    return { status: 200, headers: { 'content-type': 'application/json', 'odata-version': '4.0' }, body: { responses: requests.map((r) => results.get(r.id as string)).reverse() } };
  };

  const token: RouteHandler = (req, { tenant }) => {
    if (!(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) return identityError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
    const form = (req.body ?? {}) as Record<string, string>;
    if (tenant.toLowerCase() !== tenantId.toLowerCase()) return identityError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found.`);
    if (form.grant_type !== 'client_credentials') return identityError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    if (form.client_id !== clientId) return identityError(400, 'unauthorized_client', 700016, `Application with identifier '${form.client_id ?? ''}' was not found in the directory.`);
    if (form.client_secret !== clientSecret) return identityError(401, 'invalid_client', 7000215, 'Invalid client secret provided.');
    if (form.scope !== 'https://graph.microsoft.com/.default') return identityError(400, 'invalid_scope', 1002012, `The provided value for scope ${form.scope ?? ''} is not valid.`);
    return { status: 200, headers: { 'cache-control': 'no-store, no-cache' }, body: { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: issueToken() } };
  };

  const routes: RouteDefinition[] = [
    { method: 'POST', pattern: '/{tenant}/oauth2/v2.0/token', handler: token },
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
    defaultHeaders: (req) => ({ 'request-id': req.requestId, 'client-request-id': req.headers['client-request-id'] ?? req.requestId, 'x-ms-ags-diagnostic': '{"ServerInfo":{"DataCenter":"Simulated","Slice":"E"}}' }),
    expireTokens: () => sim.expireTokens(),
    controlRoutes: [
      { method: 'GET', pattern: '/_sim/info', handler: () => ({ status: 200, body: { vendor: 'msgraph', sessions: store.size, tenantId, clientId, tokenUrl: sim.tokenUrl, apiBaseUrl: sim.apiBaseUrl } }) },
    ],
  });
  const url = await server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  sim = {
    server,
    store,
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
    close: () => server.close(),
  };
  return sim;
}
