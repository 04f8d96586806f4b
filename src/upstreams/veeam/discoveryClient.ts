import { upstreamError } from '../../errors';
import type { ProtectedItemModel, SourceModel, VeeamJobModel, VeeamOrganizationModel } from '../../model';
import { mapWithConcurrency } from '../../util/mapWithConcurrency';
import {
  contentsListsOf,
  fromProtectedObject,
  PROTECTED_LISTS,
  toPointObjects,
  toVeeamJob,
  toVeeamProtectedItem,
  type PointContentsList,
  type PointObject,
  type ProtectedObjectKind,
} from './discoveryMappers';
import type { VeeamJobDto, VeeamProtectedObjectDto, VeeamRestorePointDto } from './discoveryTypes';

/** The few transport operations discovery needs from its connector (which keeps URLs, tokens and retries). */
export interface VeeamReadPort {
  source: SourceModel;
  apiVersion: 'v6' | 'v7' | 'v8';
  pageSize: number;
  maxConcurrency: number;
  /** A GET under the version root (`/Jobs` …); `acceptStatuses` are answers, not failures. */
  get(path: string, route: string, acceptStatuses?: number[]): Promise<{ status: number; json: unknown }>;
  /** Every item of a v8 page and the pages `_links.next` leads to. */
  readPages<T extends { id?: unknown }>(path: string, route: string): Promise<T[]>;
}

/** Reads a v6/v7 object list's restore point contents (through the entity cache, in the loaders). */
export type PointContentsReader = (restorePointId: string, list: PointContentsList) => Promise<PointObject[]>;

/** Exclusive bounds in ms; null: unbounded. */
export interface PointWindow {
  beforeMs: number | null;
  afterMs: number | null;
}

/** The last instant Veeam can express (100 ns ticks) before `ms`, for an inclusive `to`. */
const justBefore = (ms: number) => new Date(ms - 1).toISOString().replace(/Z$/, '9999Z');

/**
 * Veeam discovery reads, in the shape each API version has (notes §12.2): v8 lists protected
 * users, groups, sites and teams and finds an object's restore points by its id; v6 (and v7,
 * which this gateway reads the same way) has neither, only what each restore point holds. No
 * cache here; the loaders put the entity cache in front.
 */
export class VeeamDiscoveryClient {
  constructor(private readonly port: VeeamReadPort) {}

  /** Whether the server lists protected objects and filters restore points by them (v8). */
  get hasProtectedObjects(): boolean {
    return this.port.apiVersion === 'v8';
  }

  /** Backup jobs: one page chain on v8; on v6/v7 per organisation of `organizations` (their jobs do not name it). */
  async listJobs(organizations: () => Promise<readonly VeeamOrganizationModel[]>): Promise<VeeamJobModel[]> {
    const sourceId = this.port.source.id;
    if (this.port.apiVersion === 'v8') {
      const dtos = await this.port.readPages<VeeamJobDto>(`/Jobs?limit=${this.port.pageSize}&offset=0`, 'GET /Jobs');
      return dtos.map((dto) => toVeeamJob(sourceId, dto, null)).filter((job): job is VeeamJobModel => job !== null);
    }
    const perOrganization = await mapWithConcurrency(await organizations(), this.port.maxConcurrency, async (org) =>
      this.array<VeeamJobDto>(await this.port.get(`/Organizations/${encodeURIComponent(org.id)}/Jobs`, 'GET /Organizations/{id}/Jobs'), 'job list').map((dto) =>
        toVeeamJob(sourceId, dto, org.id),
      ),
    );
    const byId = new Map<string, VeeamJobModel>();
    for (const jobs of perOrganization) {
      if (jobs instanceof Error) throw jobs;
      for (const job of jobs) if (job) byId.set(job.id.toLowerCase(), job);
    }
    return [...byId.values()];
  }

  /** One restore point (for its job and time); null when the server does not know it. */
  async getRestorePoint(vendorId: string): Promise<VeeamRestorePointDto | null> {
    const answer = await this.port.get(`/RestorePoints/${encodeURIComponent(vendorId)}`, 'GET /RestorePoints/{id}', [400, 404]);
    if (answer.status !== 200) return null;
    if (!answer.json || typeof answer.json !== 'object' || Array.isArray(answer.json))
      throw upstreamError.unavailable(this.port.source, 'sent an unexpected restore point');
    return answer.json;
  }

  /** v6/v7: a job's restore points (a bare array; the API has no paging and no time filter worth using here). */
  async listJobRestorePoints(jobId: string): Promise<VeeamRestorePointDto[]> {
    return this.array<VeeamRestorePointDto>(
      await this.port.get(`/RestorePoints?jobId=${encodeURIComponent(jobId)}`, 'GET /RestorePoints'),
      'restore point list',
    );
  }

  /** v6/v7: what one restore point holds of one kind; empty once the point is gone. */
  async listPointContents(restorePointId: string, list: PointContentsList): Promise<PointObject[]> {
    const answer = await this.port.get(`/RestorePoints/${encodeURIComponent(restorePointId)}/${list}`, `GET /RestorePoints/{id}/${list}`, [404]);
    if (answer.status === 404) return [];
    return toPointObjects(list, this.array<unknown>(answer, `${list} list`));
  }

  /** v8: the newest restore points holding one protected object, newest first (one page suffices: `limit` covers `first`). */
  async listObjectRestorePoints(kind: ProtectedObjectKind, objectId: string, first: number, window: PointWindow): Promise<VeeamRestorePointDto[]> {
    const query = new URLSearchParams({ [PROTECTED_LISTS[kind].filter]: objectId, orderAsc: 'false', offset: '0', limit: String(first + 1) });
    if (window.afterMs !== null) query.set('from', new Date(window.afterMs + 1).toISOString());
    if (window.beforeMs !== null) query.set('to', justBefore(window.beforeMs));
    const answer = await this.port.get(`/RestorePoints?${query.toString()}`, 'GET /RestorePoints');
    const page = answer.json as { results?: unknown } | undefined;
    if (!page || !Array.isArray(page.results)) throw upstreamError.unavailable(this.port.source, 'sent a restore point page without results', answer.status);
    return page.results as VeeamRestorePointDto[];
  }

  /**
   * Every item the server protects. v8: the four protected-object lists. v6/v7: what the newest
   * restore point of each job holds (an object a job no longer protects, and so only older points
   * hold, is not listed), read through `contents` so the restore point walk reuses it.
   */
  async listProtectedItems(contents: PointContentsReader): Promise<ProtectedItemModel[]> {
    const sourceId = this.port.source.id;
    const items = new Map<string, ProtectedItemModel>();
    const add = (item: ProtectedItemModel) => {
      if (!items.has(item.id)) items.set(item.id, item);
    };
    if (this.hasProtectedObjects) {
      const kinds = Object.keys(PROTECTED_LISTS) as ProtectedObjectKind[];
      const lists = await Promise.all(
        kinds.map((kind) =>
          this.port.readPages<VeeamProtectedObjectDto>(
            `${PROTECTED_LISTS[kind].path}?limit=${this.port.pageSize}&offset=0`,
            `GET ${PROTECTED_LISTS[kind].path}`,
          ),
        ),
      );
      lists.forEach((dtos, i) => {
        for (const dto of dtos) {
          if (typeof dto?.id !== 'string' || !dto.id) continue;
          const object = fromProtectedObject(sourceId, kinds[i], dto);
          add(toVeeamProtectedItem(sourceId, object, { organizationId: object.organizationId, jobId: null }));
        }
      });
      return [...items.values()];
    }
    const points = this.array<VeeamRestorePointDto>(await this.port.get('/RestorePoints', 'GET /RestorePoints'), 'restore point list');
    const newestByJob = new Map<string, VeeamRestorePointDto & { at: number }>();
    for (const point of points) {
      const at = typeof point?.backupTime === 'string' ? Date.parse(point.backupTime) : NaN;
      if (typeof point?.id !== 'string' || typeof point.jobId !== 'string' || Number.isNaN(at)) continue;
      const known = newestByJob.get(point.jobId.toLowerCase());
      if (!known || known.at < at) newestByJob.set(point.jobId.toLowerCase(), { ...point, at });
    }
    // Newest jobs first, so an object two jobs hold is found through the one that backed it up last.
    const newest = [...newestByJob.values()].sort((a, b) => b.at - a.at);
    const reads = newest.flatMap((point) => contentsListsOf(point).map((list) => ({ point, list })));
    const results = await mapWithConcurrency(reads, this.port.maxConcurrency, ({ point, list }) => contents(point.id as string, list));
    for (const [i, objects] of results.entries()) {
      if (objects instanceof Error) throw objects;
      const { point } = reads[i];
      for (const object of objects) add(toVeeamProtectedItem(sourceId, object, { organizationId: point.organizationId ?? null, jobId: point.jobId ?? null }));
    }
    return [...items.values()];
  }

  private array<T>(answer: { status: number; json: unknown }, what: string): T[] {
    if (!Array.isArray(answer.json)) throw upstreamError.unavailable(this.port.source, `sent an unexpected ${what}`, answer.status);
    return answer.json as T[];
  }
}
