import { upstreamError } from '../../errors';
import { UpstreamHttp } from '../../http/upstreamHttp';
import { parseRetryAfter } from '../../http/retryAfter';
import type { GraphSourceConfig } from './config';
import type { GraphArtifactModel, GraphCollectionKind, GraphRestoreSessionModel, RestoreSessionStatusValue, SourceModel } from '../../model';
import type { SessionAction, SessionActionName, SessionReader, SourceConnector, WriteOutcome } from '../connector';
import type { SourceDiscovery } from '../discovery';
import { GraphDiscoveryClient } from './discoveryClient';
import { graphDiscoveryLoaders } from './discoveryLoaders';
import { SourceHealthTracker } from '../health';
import { sourceScope } from '../../cache/cacheKeys';
import { upstreamHttpOptions, type ConnectorDeps } from '../connectorDeps';
import { mapUpstreamItems } from '../mapping';
import { requestScope } from '../../http/requestScope';
import { RETRYABLE_STATUS } from '../../http/retryPolicy';
import { GraphTokenProvider } from './auth';
import { toGraphArtifact, toGraphRestoreSession } from './mappers';
import type { GraphArtifactDto, GraphBatchResponseItem, GraphCollectionPage, GraphRestoreSessionDto } from './types';

/** Graph sends `failed` (and future members) only to clients that ask (notes §5.1). */
const PREFER = 'include-unknown-enum-members';
const BATCH_LIMIT = 20;
const MAX_PAGES = 100_000;

const COLLECTIONS: Record<GraphCollectionKind, { sessions: string; artifacts: string }> = {
  exchange: { sessions: 'exchangeRestoreSessions', artifacts: 'mailboxRestoreArtifacts' },
  oneDrive: { sessions: 'oneDriveForBusinessRestoreSessions', artifacts: 'driveRestoreArtifacts' },
  sharePoint: { sessions: 'sharePointRestoreSessions', artifacts: 'siteRestoreArtifacts' },
};

function graphErrorCode(body: unknown): string | undefined {
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' ? code : undefined;
}

const DRAFT_ONLY: ReadonlySet<RestoreSessionStatusValue> = new Set(['DRAFT']);

/**
 * Microsoft Graph backup storage: the list with server-driven paging (no filter, so the index
 * reads it whole), reads by id through `$batch`, artifacts, and the draft lifecycle (create,
 * activate, delete). Graph has no change feed and no cancel.
 */
export class GraphConnector implements SourceConnector {
  readonly source: SourceModel;
  readonly health: SourceHealthTracker;
  /** Names this source and the credentials it uses, for cache keys. */
  readonly cacheScope: string;
  readonly sessions: SessionReader;
  readonly actions: Partial<Record<SessionActionName, SessionAction>>;
  readonly discovery: SourceDiscovery = { loaders: graphDiscoveryLoaders };
  /** Protection units, policies and restore point search. */
  readonly discoveryClient: GraphDiscoveryClient;
  readonly maxDiscoveryCallsPerRequest: number;
  private readonly http: UpstreamHttp;
  private readonly tokens: GraphTokenProvider;
  private readonly baseUrl: string;

  constructor(
    private readonly config: GraphSourceConfig,
    deps: ConnectorDeps,
  ) {
    this.source = { id: config.id, name: config.name, vendor: 'MICROSOFT_GRAPH' };
    this.cacheScope = sourceScope(config.id, `msgraph|${config.baseUrl}|${config.auth.tenantId}|${config.auth.clientId}`);
    this.health = new SourceHealthTracker(config.id, 'MICROSOFT_GRAPH', deps.metrics);
    this.baseUrl = config.baseUrl.replace(/\/+$/, '');
    this.http = new UpstreamHttp(upstreamHttpOptions(config, 'MICROSOFT_GRAPH', graphErrorCode), deps.metrics, this.health, deps.logger, deps.clock);
    this.tokens = new GraphTokenProvider(config, this.http, deps);
    this.sessions = {
      readAll: (onProgress, signal) => this.listSessions(onProgress, signal),
      readMany: (ids, signal) => this.getSessions(ids, signal),
    };
    this.actions = {
      activate: { allowedIn: DRAFT_ONLY, run: (session) => this.activate(session.vendorId) },
      delete: { allowedIn: DRAFT_ONLY, run: (session) => this.deleteSession(session.vendorId) },
    };
    this.maxDiscoveryCallsPerRequest = config.maxDiscoveryCallsPerRequest;
    this.discoveryClient = new GraphDiscoveryClient({
      source: this.source,
      readAll: <T>(path: string, route: string) => this.readAllPages<T, T>(`${this.baseUrl}${path}`, route, (page) => page),
      postRead: (path, route, body, acceptStatuses) =>
        this.http.call({
          method: 'POST',
          url: `${this.baseUrl}${path}`,
          route,
          headers: { prefer: PREFER, 'content-type': 'application/json' },
          body,
          idempotent: true,
          auth: this.tokens,
          acceptStatuses,
        }),
      errorCode: graphErrorCode,
    });
  }

  explainUnsupported(action: SessionActionName): string {
    return action === 'stop'
      ? 'Microsoft Graph restore sessions cannot be stopped: Graph has no cancel operation.'
      : `Microsoft Graph restore sessions cannot be ${action}d.`;
  }

  /** Every session; `$top` asks for the largest page Graph honours, so a large tenant takes few calls. */
  async listSessions(onProgress?: (loaded: number) => void, signal?: AbortSignal): Promise<GraphRestoreSessionModel[]> {
    return this.readAllPages<GraphRestoreSessionDto, GraphRestoreSessionModel>(
      `${this.baseUrl}/solutions/backupRestore/restoreSessions?$top=${this.config.pageSize}`,
      'GET /restoreSessions',
      (page) => mapUpstreamItems(page, (dto) => toGraphRestoreSession(this.config.id, dto), this.source),
      onProgress,
      signal,
    );
  }

  /**
   * Reads sessions by id through `$batch`, 20 per call; items throttled inside a batch are
   * retried alone after their Retry-After. Null for an id Graph does not know.
   */
  async getSessions(ids: readonly string[], signal?: AbortSignal): Promise<Array<GraphRestoreSessionModel | null | Error>> {
    const results = new Array<GraphRestoreSessionModel | null | Error>(ids.length);
    const chunks: number[][] = [];
    for (let i = 0; i < ids.length; i += BATCH_LIMIT) chunks.push(ids.slice(i, i + BATCH_LIMIT).map((_, j) => i + j));
    await Promise.all(
      chunks.map(async (indexes) => {
        let pending = indexes;
        for (let round = 0; pending.length > 0; round++) {
          const answer = await this.http.call({
            method: 'POST',
            url: `${this.baseUrl}/$batch`,
            route: 'POST /$batch',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              requests: pending.map((index) => ({
                id: String(index),
                method: 'GET',
                url: `/solutions/backupRestore/restoreSessions/${encodeURIComponent(ids[index])}`,
                headers: { prefer: PREFER },
              })),
            }),
            idempotent: true,
            auth: this.tokens,
            signal,
          });
          const responses = (answer.json as { responses?: GraphBatchResponseItem[] } | undefined)?.responses;
          if (!Array.isArray(responses)) throw upstreamError.unavailable(this.source, 'sent a $batch answer without responses', answer.status);
          const byId = new Map(responses.map((r) => [String(r.id), r]));
          const retry: number[] = [];
          let retryAfter: number | null = null;
          for (const index of pending) {
            const item = byId.get(String(index));
            results[index] = this.batchItemResult(item, retry, index);
            const asked = item && RETRYABLE_STATUS(item.status) ? parseRetryAfter(item.headers?.['retry-after'] ?? item.headers?.['Retry-After']) : null;
            if (asked !== null) retryAfter = Math.max(retryAfter ?? 0, asked);
          }
          if (retry.length === 0) break;
          // Items throttled (or failing) inside a batch are retried alone, by the same policy as whole calls.
          const delay = this.http.retryPolicy.delayMs(round + 1, retryAfter, requestScope.getStore()?.retryBudget);
          if (delay === null) break;
          await this.http.retryPolicy.wait(delay, signal);
          pending = retry;
        }
      }),
    );
    return results;
  }

  async listArtifacts(vendorId: string, collection: GraphCollectionKind): Promise<GraphArtifactModel[]> {
    const names = COLLECTIONS[collection];
    const url = `${this.baseUrl}/solutions/backupRestore/${names.sessions}/${encodeURIComponent(vendorId)}/${names.artifacts}`;
    return this.readAllPages<GraphArtifactDto, GraphArtifactModel>(url, `GET /${names.sessions}/{id}/${names.artifacts}`, (page) =>
      mapUpstreamItems(page, toGraphArtifact, this.source),
    );
  }

  /** POST to the typed collection: a new draft (201). Not retried: a write is never sent twice. */
  async createSession(
    collection: GraphCollectionKind,
    artifacts: ReadonlyArray<{ restorePointId: string; destinationType: 'new' | 'inPlace' }> | null,
  ): Promise<WriteOutcome<GraphRestoreSessionModel>> {
    const names = COLLECTIONS[collection];
    const body = artifacts ? { [names.artifacts]: artifacts.map((a) => ({ restorePoint: { id: a.restorePointId }, destinationType: a.destinationType })) } : {};
    const answer = await this.write('POST', `/solutions/backupRestore/${names.sessions}`, `POST /${names.sessions}`, JSON.stringify(body));
    return this.sessionOutcome(answer, 201);
  }

  /** POST .../activate (200 with the session, typically `activating`). */
  async activate(vendorId: string): Promise<WriteOutcome<GraphRestoreSessionModel>> {
    const answer = await this.write(
      'POST',
      `/solutions/backupRestore/restoreSessions/${encodeURIComponent(vendorId)}/activate`,
      'POST /restoreSessions/{id}/activate',
    );
    return this.sessionOutcome(answer, 200);
  }

  /** DELETE a draft (204). */
  async deleteSession(vendorId: string): Promise<WriteOutcome<null>> {
    const answer = await this.write('DELETE', `/solutions/backupRestore/restoreSessions/${encodeURIComponent(vendorId)}`, 'DELETE /restoreSessions/{id}');
    if (answer.status === 204 || answer.status === 200) return { kind: 'ok', value: null };
    return this.refusal(answer);
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private write(method: 'POST' | 'DELETE', path: string, route: string, body?: string) {
    return this.http.call({
      method,
      url: `${this.baseUrl}${path}`,
      route,
      headers: { prefer: PREFER, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body,
      idempotent: false,
      auth: this.tokens,
      acceptStatuses: [400, 403, 404, 409],
    });
  }

  private sessionOutcome(answer: { status: number; json: unknown }, expected: number): WriteOutcome<GraphRestoreSessionModel> {
    if (answer.status === expected || answer.status === 200 || answer.status === 201) {
      const dto = answer.json as GraphRestoreSessionDto | undefined;
      if (!dto || typeof dto.id !== 'string') throw upstreamError.unavailable(this.source, 'answered a write without the session', answer.status);
      return { kind: 'ok', value: toGraphRestoreSession(this.config.id, dto) };
    }
    return this.refusal(answer);
  }

  private refusal(answer: { status: number; json: unknown }): WriteOutcome<never> {
    const upstreamCode = graphErrorCode(answer.json);
    if (answer.status === 404 || upstreamCode === 'RestoreSessionNotFound') return { kind: 'notFound' };
    if (answer.status === 403 && upstreamCode === 'RestoreSessionActionNotAllowed') return { kind: 'refused', upstreamStatus: 403, upstreamCode };
    throw upstreamError.refused(this.source, answer.status, upstreamCode);
  }

  private batchItemResult(item: GraphBatchResponseItem | undefined, retry: number[], index: number): GraphRestoreSessionModel | null | Error {
    if (!item) return upstreamError.unavailable(this.source, 'left a request out of its $batch answer');
    if (item.status === 200) {
      const body = item.body as GraphRestoreSessionDto | undefined;
      if (!body || typeof body.id !== 'string') return upstreamError.unavailable(this.source, 'sent a session without an id', 200);
      return mapUpstreamItems([body], (dto) => toGraphRestoreSession(this.config.id, dto), this.source)[0];
    }
    // Unknown and malformed ids both mean "no such session" for a well-formed global id.
    if (item.status === 404 || (item.status === 400 && graphErrorCode(item.body) === 'InvalidRestoreSessionId')) return null;
    if (RETRYABLE_STATUS(item.status)) retry.push(index);
    if (item.status === 429) return upstreamError.throttled(this.source, parseRetryAfter(item.headers?.['retry-after'] ?? item.headers?.['Retry-After']) ?? 1);
    if (item.status >= 500) return upstreamError.unavailable(this.source, `answered HTTP ${item.status}`, item.status);
    if (item.status === 401) return upstreamError.authFailed(this.source, { upstreamStatus: 401 });
    return upstreamError.refused(this.source, item.status, graphErrorCode(item.body));
  }

  /**
   * Follows `@odata.nextLink` as given (absolute, or relative to the version root) and never to
   * another host than the configured one. Each page is mapped as it arrives, so raw pages never
   * pile up in memory while a large list loads.
   */
  private async readAllPages<T, R>(
    firstUrl: string,
    route: string,
    mapPage: (page: T[]) => R[],
    onProgress?: (loaded: number) => void,
    signal?: AbortSignal,
  ): Promise<R[]> {
    const items: R[] = [];
    const origin = new URL(this.baseUrl).origin;
    const seen = new Set<string>();
    let url: string | undefined = firstUrl;
    for (let page = 0; url && page < MAX_PAGES; page++) {
      if (seen.has(url)) throw upstreamError.unavailable(this.source, 'sent paging links that loop');
      seen.add(url);
      const answer = await this.http.call({ method: 'GET', url, route, headers: { prefer: PREFER }, idempotent: true, auth: this.tokens, signal });
      const body = answer.json as GraphCollectionPage<T> | undefined;
      if (!body || !Array.isArray(body.value)) throw upstreamError.unavailable(this.source, "sent a collection without 'value'", answer.status);
      for (const item of mapPage(body.value)) items.push(item);
      onProgress?.(items.length);
      const next = body['@odata.nextLink'];
      if (typeof next !== 'string' || !next) break;
      if (/^https?:\/\//i.test(next)) {
        if (new URL(next).origin !== origin) throw upstreamError.unavailable(this.source, 'sent a paging link to another host');
        url = next;
      } else {
        url = `${this.baseUrl}${next.startsWith('/') ? '' : '/'}${next}`;
      }
    }
    return items;
  }
}
