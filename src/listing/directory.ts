import { responseReads } from '../cache/responseReads';
import { sourceError, type GatewayError } from '../errors';
import type { SessionIndex } from '../index/sessionIndex';
import type { SessionIndexes } from '../index/sessionIndexes';
import {
  STATUS_ORDER,
  VENDOR_ORDER,
  WORKLOAD_ORDER,
  type ConnectionModel,
  type RestoreSessionModel,
  type RestoreSessionStatsModel,
  type RestoreSessionStatusValue,
  type SourceModel,
  type VendorValue,
  type WorkloadValue,
} from '../model';
import type { CompiledFilter } from './filter';
import { encodeKeysetCursor } from './cursor';
import { compareSessions, indexAfter, orderPointOf, type OrderPoint } from './order';

/** Called once per source that could not answer, so the caller can report a partial result. */
export type SourceFailureHandler = (source: SourceModel, error: GatewayError) => void;

interface Gathered {
  index: SessionIndex;
  list: readonly RestoreSessionModel[];
}

/**
 * The merged view over every source's index: one ordered, filtered, cursor-paged list, and counts
 * over it. It reads memory only: no query waits for an upstream once a source is warm. A source
 * still on its first read is waited for at most `sync.warmupWaitSeconds`; one whose latest read
 * failed, or still warming, is reported and left out, and the others still answer.
 */
export class RestoreSessionDirectory {
  constructor(
    private readonly sources: readonly SourceModel[],
    private readonly indexes: SessionIndexes,
  ) {}

  async page(filter: CompiledFilter, first: number, after: OrderPoint | null, onFailure: SourceFailureHandler): Promise<ConnectionModel<RestoreSessionModel>> {
    const lists = (await this.gather(filter, onFailure)).map((g) => g.list);
    const positions = lists.map((list) => (after ? indexAfter(list, after) : 0));
    const items: RestoreSessionModel[] = [];
    let hasNextPage = false;
    // k-way merge of sorted lists: only first + 1 items are ever compared.
    while (items.length <= first) {
      let best = -1;
      for (let i = 0; i < lists.length; i++) {
        if (positions[i] >= lists[i].length) continue;
        if (best < 0 || compareSessions(lists[i][positions[i]], lists[best][positions[best]]) < 0) best = i;
      }
      if (best < 0) break;
      if (items.length === first) {
        hasNextPage = true;
        break;
      }
      items.push(lists[best][positions[best]++]);
    }
    return {
      items,
      cursorOf: (node) => encodeKeysetCursor(orderPointOf(node)),
      hasNextPage,
      hasPreviousPage: after !== null,
      totalCount: lists.reduce((sum, list) => sum + list.length, 0),
    };
  }

  async stats(filter: CompiledFilter, onFailure: SourceFailureHandler): Promise<RestoreSessionStatsModel> {
    const byStatus = new Map<RestoreSessionStatusValue, number>();
    const byVendor = new Map<VendorValue, number>();
    const byWorkload = new Map<WorkloadValue | null, number>();
    const bySource: Array<{ source: SourceModel; count: number }> = [];
    let total = 0;
    const add = <K>(into: Map<K, number>, from: Map<K, number>) => from.forEach((n, k) => into.set(k, (into.get(k) ?? 0) + n));
    for (const { index, list } of await this.gather(filter, onFailure)) {
      // Counting a source's list happens once per index version and filter, not once per request.
      const tally = index.memo(`tally:${filter.cacheKey}`, () => tallyOf(list));
      total += list.length;
      if (list.length > 0) bySource.push({ source: index.source, count: list.length });
      add(byStatus, tally.byStatus);
      add(byVendor, tally.byVendor);
      add(byWorkload, tally.byWorkload);
    }
    // Declaration order, not count order: a dashboard's tiles keep their places as counts change.
    const inOrder = <K>(counts: Map<K, number>, order: readonly K[]) => order.filter((k) => counts.has(k)).map((k) => [k, counts.get(k) ?? 0] as const);
    return {
      total,
      byStatus: inOrder(byStatus, STATUS_ORDER).map(([status, count]) => ({ status, count })),
      byVendor: inOrder(byVendor, VENDOR_ORDER).map(([vendor, count]) => ({ vendor, count })),
      byWorkload: inOrder(byWorkload, WORKLOAD_ORDER).map(([workload, count]) => ({ workload, count })),
      bySource,
    };
  }

  /** Each selected source's filtered, sorted list; sources that cannot answer are reported and skipped. */
  private async gather(filter: CompiledFilter, onFailure: SourceFailureHandler): Promise<Gathered[]> {
    const selected = this.sources.filter((s) => (!filter.vendors || filter.vendors.has(s.vendor)) && (!filter.sourceIds || filter.sourceIds.has(s.id)));
    await Promise.all(selected.map((s) => this.indexes.waitFirstRead(s.id)));
    const gathered: Gathered[] = [];
    for (const source of selected) {
      const index = this.indexes.index(source.id);
      if (!index) continue;
      responseReads()?.index(source.id, index.contentVersion);
      const problem = unavailability(index);
      if (problem) {
        onFailure(source, problem);
        continue;
      }
      const list = filter.matches
        ? index.memo(`select:${filter.cacheKey}`, () => index.sorted().filter(filter.matches as (s: RestoreSessionModel) => boolean))
        : index.sorted();
      gathered.push({ index, list });
    }
    return gathered;
  }
}

/**
 * Why a source's index cannot answer now: still on its first read (SOURCE_WARMING_UP, with how
 * far it got), or its latest read failed (that failure's code). Null when it can.
 */
export function unavailability(index: SessionIndex): GatewayError | null {
  const { status, source } = index;
  if (status.state === 'LIVE') return null;
  if (status.state === 'FAILED' && status.lastError) return status.lastError;
  return sourceError.warmingUp(source, status.loading);
}

function tallyOf(list: readonly RestoreSessionModel[]) {
  const byStatus = new Map<RestoreSessionStatusValue, number>();
  const byVendor = new Map<VendorValue, number>();
  const byWorkload = new Map<WorkloadValue | null, number>();
  for (const s of list) {
    byStatus.set(s.status, (byStatus.get(s.status) ?? 0) + 1);
    byVendor.set(s.vendor, (byVendor.get(s.vendor) ?? 0) + 1);
    byWorkload.set(s.workload, (byWorkload.get(s.workload) ?? 0) + 1);
  }
  return { byStatus, byVendor, byWorkload };
}
