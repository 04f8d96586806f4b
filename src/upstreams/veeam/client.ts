import { upstreamError } from '../../errors';
import { UpstreamHttp } from '../../http/upstreamHttp';
import type { VeeamSourceConfig } from './config';
import type { ProgressModel, RestoreSessionStatusValue, SourceModel, VeeamEventModel, VeeamOrganizationModel, VeeamRestoreSessionModel } from '../../model';
import {
  FeedTokenExpiredError,
  FeedUnavailableError,
  type ChangeFeedReader,
  type FeedChange,
  type SessionAction,
  type SessionActionName,
  type SessionReader,
  type SourceConnector,
  type WriteOutcome,
} from '../connector';
import type { SourceDiscovery } from '../discovery';
import { mapWithConcurrency } from '../../util/mapWithConcurrency';
import { SourceHealthTracker } from '../health';
import { sourceScope } from '../../cache/cacheKeys';
import { upstreamHttpOptions, type ConnectorDeps } from '../connectorDeps';
import { mapUpstreamItems } from '../mapping';
import { VeeamTokenProvider } from './auth';
import { VeeamDiscoveryClient } from './discoveryClient';
import { veeamDiscoveryLoaders } from './discoveryLoaders';
import { progressFromStatistics, toVeeamEvent, toVeeamOrganization, toVeeamRestoreSession } from './mappers';
import type { VeeamEventDto, VeeamEventsPage, VeeamOrganizationDto, VeeamPage, VeeamRestoreSessionDto, VeeamStatisticsDto } from './types';

const MAX_PAGES = 100_000;

function veeamErrorCode(body: unknown): string | undefined {
  const b = body as { errorCode?: unknown; error?: unknown } | undefined;
  if (typeof b?.errorCode === 'string') return b.errorCode;
  return typeof b?.error === 'string' ? b.error : undefined;
}

const RUNNING_ONLY: ReadonlySet<RestoreSessionStatusValue> = new Set(['RUNNING']);
/** Events asked for per feed call; the server's maximum is 10,000. */
const FEED_PAGE = 1000;

/**
 * Veeam Backup for Microsoft 365 REST (v6, v7, v8 share these shapes): paged lists with a
 * creation-time filter, reads by id with bounded concurrency, the v8 change feed, explore and
 * stop. Veeam sessions start when they are created: no activation, no deletion.
 */
export class VeeamConnector implements SourceConnector {
  readonly source: SourceModel;
  readonly health: SourceHealthTracker;
  /** Names this source and the credentials it uses, for cache keys. */
  readonly cacheScope: string;
  readonly sessions: SessionReader;
  readonly actions: Partial<Record<SessionActionName, SessionAction>>;
  readonly apiVersion: 'v6' | 'v7' | 'v8';
  readonly discovery: SourceDiscovery = { loaders: veeamDiscoveryLoaders };
  /** Jobs, restore points and protected objects, in each API version's shape. */
  readonly discoveryClient: VeeamDiscoveryClient;
  readonly maxDiscoveryCallsPerRequest: number;
  private readonly http: UpstreamHttp;
  private readonly tokens: VeeamTokenProvider;
  private readonly root: string;
  private readonly pageSize: number;
  readonly maxConcurrency: number;

  constructor(
    private readonly config: VeeamSourceConfig,
    deps: ConnectorDeps,
  ) {
    this.source = { id: config.id, name: config.name, vendor: 'VEEAM' };
    this.cacheScope = sourceScope(config.id, `veeam|${config.baseUrl}|${config.auth.username}|${config.apiVersion}`);
    this.health = new SourceHealthTracker(config.id, 'VEEAM', deps.metrics);
    this.apiVersion = config.apiVersion;
    this.root = config.baseUrl.replace(/\/+$/, '');
    this.pageSize = config.pageSize;
    this.maxConcurrency = config.maxConcurrency;
    this.http = new UpstreamHttp(upstreamHttpOptions(config, 'VEEAM', veeamErrorCode), deps.metrics, this.health, deps.logger, deps.clock);
    this.tokens = new VeeamTokenProvider(config, this.http, deps);
    const feed: ChangeFeedReader = { head: (signal) => this.feedHead(signal), poll: (token, wait, signal) => this.feedPoll(token, wait, signal) };
    this.sessions = {
      readAll: (onProgress, signal) => this.listSessions({}, onProgress, signal),
      readMany: (ids, signal) => mapWithConcurrency(ids, this.maxConcurrency, (id) => this.getSession(id, signal)),
      readCreatedSince: (fromMs, signal) => this.listSessions({ fromMs }, undefined, signal),
      // Only v8 servers have the server-wide change feed (notes §12.1).
      ...(this.apiVersion === 'v8' ? { changeFeed: feed, readProgress: (id: string, running: boolean) => this.getProgress(id, running) } : {}),
    };
    this.actions = { stop: { allowedIn: RUNNING_ONLY, run: (session) => this.stopAndRead(session.vendorId) } };
    this.maxDiscoveryCallsPerRequest = config.maxDiscoveryCallsPerRequest;
    this.discoveryClient = new VeeamDiscoveryClient({
      source: this.source,
      apiVersion: this.apiVersion,
      pageSize: this.pageSize,
      maxConcurrency: this.maxConcurrency,
      get: (path, route, acceptStatuses) => this.get(path, route, acceptStatuses),
      readPages: async <T extends { id?: unknown }>(path: string, route: string) =>
        (await this.scan<T, T>(`${this.api()}${path}`, route, (page) => page)).items,
    });
  }

  explainUnsupported(action: SessionActionName): string {
    return action === 'activate'
      ? 'Veeam restore sessions cannot be activated: they start when they are created.'
      : 'Veeam restore sessions cannot be deleted; stop a running one instead.';
  }

  /**
   * Every session, following `_links.next`. v6/v7 promise no order and sessions keep arriving, so
   * offsets can shift under a scan (gotcha G8): results are de-duplicated by id, and when the set
   * moved during the scan (total changed or a duplicate was seen) the scan runs once more.
   */
  async listSessions(range: { fromMs?: number }, onProgress?: (loaded: number) => void, signal?: AbortSignal): Promise<VeeamRestoreSessionModel[]> {
    const query = new URLSearchParams({ limit: String(this.pageSize), offset: '0' });
    // v8 can order by creation time: oldest first, new sessions land on the last page instead of
    // shifting every offset under the scan (v6/v7 promise no order: a moved set is scanned again).
    if (this.apiVersion === 'v8') {
      query.set('orderBy', 'CreationTime');
      query.set('orderAsc', 'true');
    }
    // Widened by 1 ms: Veeam does not document whether the bound is inclusive; the caller overlaps anyway.
    if (range.fromMs !== undefined) query.set('startTimeFrom', new Date(range.fromMs - 1).toISOString());
    for (let attempt = 0; ; attempt++) {
      const { items, moved } = await this.scan<VeeamRestoreSessionDto, VeeamRestoreSessionModel>(
        `${this.api()}/RestoreSessions?${query.toString()}`,
        'GET /RestoreSessions',
        (page) => mapUpstreamItems(page, (dto) => toVeeamRestoreSession(this.config.id, dto), this.source),
        onProgress,
        signal,
      );
      if (!moved || attempt >= 1) return items;
    }
  }

  /** One session; null when the server does not know it. */
  async getSession(vendorId: string, signal?: AbortSignal): Promise<VeeamRestoreSessionModel | null> {
    const answer = await this.get(`/RestoreSessions/${encodeURIComponent(vendorId)}`, 'GET /RestoreSessions/{id}', [400, 404], signal);
    if (answer.status !== 200) return null;
    return mapUpstreamItems([this.expectObject<VeeamRestoreSessionDto>(answer.json)], (dto) => toVeeamRestoreSession(this.config.id, dto), this.source)[0];
  }

  /** Organisations the server lists: a bare array on v6/v7, a page object on v8 (gotcha G10). */
  async listOrganizations(): Promise<VeeamOrganizationModel[]> {
    let dtos: VeeamOrganizationDto[];
    if (this.apiVersion === 'v8') {
      dtos = (
        await this.scan<VeeamOrganizationDto, VeeamOrganizationDto>(
          `${this.api()}/Organizations?extendedView=false&limit=${this.pageSize}&offset=0`,
          'GET /Organizations',
          (page) => page,
        )
      ).items;
    } else {
      const answer = await this.get('/Organizations?extendedView=false', 'GET /Organizations');
      if (!Array.isArray(answer.json)) throw upstreamError.unavailable(this.source, 'sent an unexpected organisation list');
      dtos = answer.json as VeeamOrganizationDto[];
    }
    return dtos.map((dto) => toVeeamOrganization(this.config.id, dto)).filter((o): o is VeeamOrganizationModel => o !== null);
  }

  /** The organisation whose backup a session explores (the only v6 way to its id). */
  async getSessionOrganization(vendorId: string): Promise<VeeamOrganizationModel | null> {
    const answer = await this.get(`/RestoreSessions/${encodeURIComponent(vendorId)}/organization`, 'GET /RestoreSessions/{id}/organization', [404]);
    if (answer.status !== 200) return null;
    return toVeeamOrganization(this.config.id, this.expectObject<VeeamOrganizationDto>(answer.json));
  }

  /** The session's events in Veeam's `order`. */
  async listEvents(vendorId: string): Promise<VeeamEventModel[]> {
    const { items: events } = await this.scan<VeeamEventDto, VeeamEventModel>(
      `${this.api()}/RestoreSessions/${encodeURIComponent(vendorId)}/Events?limit=${this.pageSize}&offset=0`,
      'GET /RestoreSessions/{id}/Events',
      (page) => mapUpstreamItems(page, toVeeamEvent, this.source),
    );
    return events.sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  }

  /** v8 `/Statistics` as progress; null on v6/v7, which have none. */
  async getProgress(vendorId: string, running: boolean): Promise<ProgressModel | null> {
    if (this.apiVersion !== 'v8') return null;
    const answer = await this.get(`/RestoreSessions/${encodeURIComponent(vendorId)}/Statistics`, 'GET /RestoreSessions/{id}/Statistics', [404]);
    if (answer.status !== 200) return null;
    return progressFromStatistics(this.expectObject<VeeamStatisticsDto>(answer.json), running);
  }

  /**
   * Opens an explore session (a new Working restore session) for an organisation or a backup
   * job: 200 on v6/v7, 201 on v8. Not retried: a write is never sent twice.
   */
  async explore(
    target: { organizationId: string } | { jobId: string },
    type: string,
    pointInTime: string | null,
  ): Promise<WriteOutcome<VeeamRestoreSessionModel>> {
    const path =
      'organizationId' in target ? `/Organizations/${encodeURIComponent(target.organizationId)}/explore` : `/Jobs/${encodeURIComponent(target.jobId)}/explore`;
    const route = 'organizationId' in target ? 'POST /Organizations/{id}/explore' : 'POST /Jobs/{id}/explore';
    const answer = await this.write(path, route, JSON.stringify({ type, dateTime: pointInTime }));
    if (answer.status === 200 || answer.status === 201)
      return {
        kind: 'ok',
        value: mapUpstreamItems([this.expectObject<VeeamRestoreSessionDto>(answer.json)], (dto) => toVeeamRestoreSession(this.config.id, dto), this.source)[0],
      };
    return this.refusal(answer);
  }

  /** POST /Stop: 200 with no body on v6/v7, 204 on v8; Working sessions only. The session is read again for its new state. */
  async stopAndRead(vendorId: string): Promise<WriteOutcome<VeeamRestoreSessionModel | null>> {
    const answer = await this.write(`/RestoreSessions/${encodeURIComponent(vendorId)}/Stop`, 'POST /RestoreSessions/{id}/Stop');
    if (answer.status !== 200 && answer.status !== 204) return this.refusal(answer);
    return { kind: 'ok', value: await this.getSession(vendorId) };
  }

  /** A token at the head of the v8 change feed (`from=latest`, no backlog, no wait). */
  private async feedHead(signal?: AbortSignal): Promise<string> {
    return (await this.feedCall('latest', 0, 1, signal)).next;
  }

  /** Restore-session changes after `token`, the server holding the answer up to `waitSeconds` for one. */
  private async feedPoll(token: string, waitSeconds: number, signal?: AbortSignal): Promise<{ next: string; changes: FeedChange[] }> {
    return this.feedCall(token, waitSeconds, FEED_PAGE, signal);
  }

  private async feedCall(from: string, waitSeconds: number, limit: number, signal?: AbortSignal): Promise<{ next: string; changes: FeedChange[] }> {
    const query = new URLSearchParams({ from, limit: String(limit), timeoutSeconds: String(waitSeconds) });
    const answer = await this.http.call({
      method: 'GET',
      url: `${this.api()}/Events?${query.toString()}`,
      route: 'GET /Events',
      idempotent: true,
      auth: this.tokens,
      acceptStatuses: [400, 404],
      signal,
      longPollSeconds: waitSeconds,
    });
    if (answer.status === 404) throw new FeedUnavailableError(`Source '${this.config.id}' has no change feed.`);
    if (answer.status === 400)
      throw new FeedTokenExpiredError(`Source '${this.config.id}' no longer knows the change token (${veeamErrorCode(answer.json) ?? 'HTTP 400'}).`);
    const body = answer.json as VeeamEventsPage | undefined;
    if (!body || typeof body.nextChangeToken !== 'string' || !Array.isArray(body.results))
      throw upstreamError.unavailable(this.source, 'sent a change page without a token or results', answer.status);
    const changes: FeedChange[] = [];
    for (const event of body.results) {
      // Only restore-session events matter here; the feed carries every kind of object (an open set).
      if (typeof event?.id !== 'string') continue;
      if (event.eventType === 'RestoreSessionUpdate')
        changes.push({
          kind: 'changed',
          vendorId: event.id,
          revision: typeof event.eTag === 'number' || typeof event.eTag === 'string' ? String(event.eTag) : null,
        });
      else if (event.eventType === 'RestoreSessionDelete') changes.push({ kind: 'removed', vendorId: event.id });
    }
    return { next: body.nextChangeToken, changes };
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private write(path: string, route: string, body?: string) {
    return this.http.call({
      method: 'POST',
      url: `${this.api()}${path}`,
      route,
      headers: body !== undefined ? { 'content-type': 'application/json' } : {},
      body,
      idempotent: false,
      auth: this.tokens,
      acceptStatuses: [400, 404, 409],
    });
  }

  private refusal(answer: { status: number; json: unknown }): WriteOutcome<never> {
    if (answer.status === 404) return { kind: 'notFound' };
    return { kind: 'refused', upstreamStatus: answer.status, upstreamCode: veeamErrorCode(answer.json) };
  }

  private api(): string {
    return `${this.root}/${this.apiVersion}`;
  }

  private get(path: string, route: string, acceptStatuses: number[] = [], signal?: AbortSignal) {
    return this.http.call({ method: 'GET', url: `${this.api()}${path}`, route, idempotent: true, auth: this.tokens, acceptStatuses, signal });
  }

  private expectObject<T>(json: unknown): T {
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw upstreamError.unavailable(this.source, 'sent an unexpected answer');
    return json as T;
  }

  /**
   * Reads a Veeam page object and its `_links.next` chain (relative links join the configured
   * base), mapping each page as it arrives and de-duplicating by id.
   */
  private async scan<T extends { id?: unknown }, R>(
    firstUrl: string,
    route: string,
    mapPage: (page: T[]) => R[],
    onProgress?: (loaded: number) => void,
    signal?: AbortSignal,
  ): Promise<{ items: R[]; moved: boolean }> {
    const byId = new Map<string, R>();
    let moved = false;
    let firstTotal: number | null | undefined;
    let url: string | undefined = firstUrl;
    for (let page = 0; url && page < MAX_PAGES; page++) {
      const answer = await this.http.call({ method: 'GET', url, route, idempotent: true, auth: this.tokens, signal });
      const body = answer.json as VeeamPage<T> | undefined;
      if (!body || !Array.isArray(body.results)) throw upstreamError.unavailable(this.source, 'sent a page without results', answer.status);
      if (page === 0) firstTotal = body.totalCount;
      else if (typeof body.totalCount === 'number' && body.totalCount !== firstTotal) moved = true;
      const mapped = mapPage(body.results);
      body.results.forEach((item, i) => {
        const key = (typeof item.id === 'string' ? item.id : `#${byId.size}`).toLowerCase();
        if (byId.has(key)) moved = true;
        byId.set(key, mapped[i]);
      });
      onProgress?.(byId.size);
      const next = body._links?.next?.href;
      if (!next || body.results.length < body.limit) break;
      // v6+ links are relative (`/v6/...`); absolute ones (<= v5) are rebuilt on the configured host (gotcha G11).
      const relative = /^https?:\/\//i.test(next)
        ? (() => {
            const u = new URL(next);
            return u.pathname + u.search;
          })()
        : next;
      url = `${this.root}${relative.startsWith('/') ? '' : '/'}${relative}`;
    }
    return { items: [...byId.values()], moved };
  }
}
