import { ErrorCode, UpstreamError } from '../../errors';
import { UpstreamHttp } from '../../http/upstreamHttp';
import { parseRetryAfter } from '../../http/retryAfter';
import type { GraphSourceConfig } from './config';
import type { Clock } from '../../clock';
import type { GraphArtifactModel, GraphCollectionKind, GraphRestoreSessionModel, RestoreSessionStatusValue, SourceModel } from '../../model';
import type { SessionAction, SessionActionName, SessionReader, SourceConnector, WriteOutcome } from '../connector';
import { SourceHealthTracker } from '../health';
import { sourceScope } from '../../cache/cacheKeys';
import { mapUpstreamItems, upstreamHttpOptions, type ConnectorDeps } from '../connectorDeps';
import { takeRetry } from '../../http/requestScope';
import { GraphTokenProvider } from './auth';
import { toGraphArtifact, toGraphRestoreSession } from './mappers';
import type { GraphArtifactDto, GraphBatchResponseItem, GraphCollectionPage, GraphRestoreSessionDto } from './types';

/** Graph sends `failed` (and future members) only to clients that ask (notes §5.1). */
const PREFER = 'include-unknown-enum-members';
const BATCH_LIMIT = 20;
const MAX_PAGES = 100_000;
const MAX_BATCH_ROUNDS = 3;

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
  private readonly http: UpstreamHttp;
  private readonly tokens: GraphTokenProvider;
  private readonly baseUrl: string;

  private readonly clock: Clock;

  constructor(
    private readonly config: GraphSourceConfig,
    deps: ConnectorDeps,
  ) {
    this.clock = deps.clock;
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
  }

  explainUnsupported(action: SessionActionName): string {
    return action === 'stop' ? 'Microsoft Graph restore sessions cannot be stopped: Graph has no cancel operation.' : `Microsoft Graph restore sessions cannot be ${action}d.`;
  }

  /** Every session; `$top` asks for the largest page Graph honours, so a large tenant takes few calls. */
  async listSessions(onProgress?: (loaded: number) => void, signal?: AbortSignal): Promise<GraphRestoreSessionModel[]> {
    return this.readAllPages<GraphRestoreSessionDto, GraphRestoreSessionModel>(
      `${this.baseUrl}/solutions/backupRestore/restoreSessions?$top=${this.config.pageSize}`,
      'GET /restoreSessions',
      (page) => mapUpstreamItems(page, (dto) => toGraphRestoreSession(this.config.id, dto), this.config.id, 'MICROSOFT_GRAPH'),
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
            body: JSON.stringify({ requests: pending.map((index) => ({ id: String(index), method: 'GET', url: `/solutions/backupRestore/restoreSessions/${encodeURIComponent(ids[index])}`, headers: { prefer: PREFER } })) }),
            idempotent: true,
            auth: this.tokens,
            signal,
          });
          const responses = (answer.json as { responses?: GraphBatchResponseItem[] } | undefined)?.responses;
          if (!Array.isArray(responses)) throw new UpstreamError(ErrorCode.UPSTREAM_UNAVAILABLE, `Source '${this.config.id}' is unavailable: it sent a $batch answer without responses.`, { sourceId: this.config.id, vendor: 'MICROSOFT_GRAPH', upstreamStatus: answer.status });
          const byId = new Map(responses.map((r) => [String(r.id), r]));
          const retry: number[] = [];
          let waitSeconds = 0;
          for (const index of pending) {
            const item = byId.get(String(index));
            results[index] = this.batchItemResult(item, retry, index);
            if (item && (item.status === 429 || item.status >= 500)) {
              waitSeconds = Math.max(waitSeconds, parseRetryAfter(item.headers?.['retry-after'] ?? item.headers?.['Retry-After']) ?? 0.2 * (round + 1));
            }
          }
          // Throttled items are retried alone, within the request's retry budget.
          if (retry.length === 0 || round + 1 >= MAX_BATCH_ROUNDS || waitSeconds > 5 || !takeRetry()) break;
          await this.clock.sleep(waitSeconds * 1000, signal);
          pending = retry;
        }
      }),
    );
    return results;
  }

  async listArtifacts(vendorId: string, collection: GraphCollectionKind): Promise<GraphArtifactModel[]> {
    const names = COLLECTIONS[collection];
    const url = `${this.baseUrl}/solutions/backupRestore/${names.sessions}/${encodeURIComponent(vendorId)}/${names.artifacts}`;
    return this.readAllPages<GraphArtifactDto, GraphArtifactModel>(url, `GET /${names.sessions}/{id}/${names.artifacts}`, (page) => mapUpstreamItems(page, toGraphArtifact, this.config.id, 'MICROSOFT_GRAPH'));
  }

  /** POST to the typed collection: a new draft (201). Not retried: a write is never sent twice. */
  async createSession(collection: GraphCollectionKind, artifacts: ReadonlyArray<{ restorePointId: string; destinationType: 'new' | 'inPlace' }> | null): Promise<WriteOutcome<GraphRestoreSessionModel>> {
    const names = COLLECTIONS[collection];
    const body = artifacts ? { [names.artifacts]: artifacts.map((a) => ({ restorePoint: { id: a.restorePointId }, destinationType: a.destinationType })) } : {};
    const answer = await this.write('POST', `/solutions/backupRestore/${names.sessions}`, `POST /${names.sessions}`, JSON.stringify(body));
    return this.sessionOutcome(answer, 201);
  }

  /** POST .../activate (200 with the session, typically `activating`). */
  async activate(vendorId: string): Promise<WriteOutcome<GraphRestoreSessionModel>> {
    const answer = await this.write('POST', `/solutions/backupRestore/restoreSessions/${encodeURIComponent(vendorId)}/activate`, 'POST /restoreSessions/{id}/activate');
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
      if (!dto || typeof dto.id !== 'string') throw new UpstreamError(ErrorCode.UPSTREAM_UNAVAILABLE, `Source '${this.config.id}' is unavailable: it answered a write without the session.`, { sourceId: this.config.id, vendor: 'MICROSOFT_GRAPH', upstreamStatus: answer.status });
      return { kind: 'ok', value: toGraphRestoreSession(this.config.id, dto) };
    }
    return this.refusal(answer);
  }

  private refusal(answer: { status: number; json: unknown }): WriteOutcome<never> {
    const upstreamCode = graphErrorCode(answer.json);
    if (answer.status === 404 || upstreamCode === 'RestoreSessionNotFound') return { kind: 'notFound' };
    if (answer.status === 403 && upstreamCode === 'RestoreSessionActionNotAllowed') return { kind: 'refused', upstreamStatus: 403, upstreamCode };
    throw new UpstreamError(ErrorCode.UPSTREAM_ERROR, `Source '${this.config.id}' refused the request (HTTP ${answer.status}${upstreamCode ? `, ${upstreamCode}` : ''}).`, { sourceId: this.config.id, vendor: 'MICROSOFT_GRAPH', upstreamStatus: answer.status, upstreamCode });
  }

  private batchItemResult(item: GraphBatchResponseItem | undefined, retry: number[], index: number): GraphRestoreSessionModel | null | Error {
    const ext = { sourceId: this.config.id, vendor: 'MICROSOFT_GRAPH' as const };
    if (!item) return new UpstreamError(ErrorCode.UPSTREAM_UNAVAILABLE, `Source '${this.config.id}' is unavailable: its $batch answer left out a request.`, ext);
    if (item.status === 200) {
      const body = item.body as GraphRestoreSessionDto | undefined;
      if (!body || typeof body.id !== 'string') return new UpstreamError(ErrorCode.UPSTREAM_UNAVAILABLE, `Source '${this.config.id}' is unavailable: it sent a session without an id.`, { ...ext, upstreamStatus: 200 });
      return mapUpstreamItems([body], (dto) => toGraphRestoreSession(this.config.id, dto), this.config.id, 'MICROSOFT_GRAPH')[0];
    }
    // Unknown and malformed ids both mean "no such session" for a well-formed global id.
    if (item.status === 404 || (item.status === 400 && graphErrorCode(item.body) === 'InvalidRestoreSessionId')) return null;
    if (item.status === 429) {
      retry.push(index);
      return new UpstreamError(ErrorCode.UPSTREAM_THROTTLED, `Source '${this.config.id}' is throttling requests.`, { ...ext, retryAfterSeconds: parseRetryAfter(item.headers?.['retry-after'] ?? item.headers?.['Retry-After']) ?? 1 });
    }
    if (item.status >= 500) {
      retry.push(index);
      return new UpstreamError(ErrorCode.UPSTREAM_UNAVAILABLE, `Source '${this.config.id}' is unavailable: it answered HTTP ${item.status}.`, { ...ext, upstreamStatus: item.status });
    }
    if (item.status === 401) return new UpstreamError(ErrorCode.UPSTREAM_AUTH_FAILED, `Source '${this.config.id}' refused the gateway's credentials.`, { ...ext, upstreamStatus: 401 });
    const upstreamCode = graphErrorCode(item.body);
    return new UpstreamError(ErrorCode.UPSTREAM_ERROR, `Source '${this.config.id}' refused the request (HTTP ${item.status}${upstreamCode ? `, ${upstreamCode}` : ''}).`, { ...ext, upstreamStatus: item.status, upstreamCode });
  }

  /**
   * Follows `@odata.nextLink` as given (absolute, or relative to the version root) and never to
   * another host than the configured one. Each page is mapped as it arrives, so raw pages never
   * pile up in memory while a large list loads.
   */
  private async readAllPages<T, R>(firstUrl: string, route: string, mapPage: (page: T[]) => R[], onProgress?: (loaded: number) => void, signal?: AbortSignal): Promise<R[]> {
    const items: R[] = [];
    const origin = new URL(this.baseUrl).origin;
    const seen = new Set<string>();
    let url: string | undefined = firstUrl;
    for (let page = 0; url && page < MAX_PAGES; page++) {
      if (seen.has(url)) throw new UpstreamError(ErrorCode.UPSTREAM_UNAVAILABLE, `Source '${this.config.id}' is unavailable: its paging links loop.`, { sourceId: this.config.id, vendor: 'MICROSOFT_GRAPH' });
      seen.add(url);
      const answer = await this.http.call({ method: 'GET', url, route, headers: { prefer: PREFER }, idempotent: true, auth: this.tokens, signal });
      const body = answer.json as GraphCollectionPage<T> | undefined;
      if (!body || !Array.isArray(body.value)) throw new UpstreamError(ErrorCode.UPSTREAM_UNAVAILABLE, `Source '${this.config.id}' is unavailable: it sent a collection without 'value'.`, { sourceId: this.config.id, vendor: 'MICROSOFT_GRAPH', upstreamStatus: answer.status });
      for (const item of mapPage(body.value)) items.push(item);
      onProgress?.(items.length);
      const next = body['@odata.nextLink'];
      if (typeof next !== 'string' || !next) break;
      if (/^https?:\/\//i.test(next)) {
        if (new URL(next).origin !== origin) throw new UpstreamError(ErrorCode.UPSTREAM_UNAVAILABLE, `Source '${this.config.id}' is unavailable: its paging link points to another host.`, { sourceId: this.config.id, vendor: 'MICROSOFT_GRAPH' });
        url = next;
      } else {
        url = `${this.baseUrl}${next.startsWith('/') ? '' : '/'}${next}`;
      }
    }
    return items;
  }
}
