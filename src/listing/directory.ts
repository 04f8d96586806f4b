import type { ConnectionModel, RestoreSessionModel, RestoreSessionStatsModel, SourceModel, RestoreSessionStatusValue, VendorValue, WorkloadValue } from '../model';
import type { SourceConnector } from '../sources/connector';
import type { CompiledFilter } from './filter';
import { encodeKeysetCursor } from './cursor';
import { compareSessions, indexAfter, orderPointOf, type OrderPoint } from './order';
import type { SessionListSnapshot, SnapshotStore } from './snapshots';

/** Called once per source that could not answer, so the caller can report a partial result. */
export type SourceFailureHandler = (source: SourceModel, error: unknown) => void;

/**
 * The merged view over every source's snapshot: one ordered, filtered, cursor-paged list, and
 * counts over it. Sources that fail are reported and left out; the others still answer.
 */
export class RestoreSessionDirectory {
  constructor(
    private readonly connectors: ReadonlyMap<string, SourceConnector>,
    private readonly snapshots: SnapshotStore,
  ) {}

  async page(filter: CompiledFilter, first: number, after: OrderPoint | null, onFailure: SourceFailureHandler): Promise<ConnectionModel<RestoreSessionModel>> {
    const lists = await this.gather(filter, onFailure);
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
    return { items, cursorOf: (node) => encodeKeysetCursor(orderPointOf(node)), hasNextPage, hasPreviousPage: after !== null, totalCount: lists.reduce((sum, list) => sum + list.length, 0) };
  }

  /** Drops a source's list snapshots so the next read sees a write made through the gateway. */
  async invalidate(sourceId: string): Promise<void> {
    const connector = this.connectors.get(sourceId);
    if (connector) await this.snapshots.invalidate(connector);
  }

  async stats(filter: CompiledFilter, onFailure: SourceFailureHandler): Promise<RestoreSessionStatsModel> {
    const selected = this.selectSources(filter);
    const gathered = await this.gatherSnapshots(filter, onFailure, selected);
    const byStatus = new Map<RestoreSessionStatusValue, number>();
    const byVendor = new Map<VendorValue, number>();
    const byWorkload = new Map<WorkloadValue | null, number>();
    const bySource: Array<{ source: SourceModel; count: number }> = [];
    let total = 0;
    const add = <K>(into: Map<K, number>, from: Map<K, number>) => from.forEach((n, k) => into.set(k, (into.get(k) ?? 0) + n));
    for (const { connector, snapshot, list } of gathered) {
      // Counting a source's list happens once per snapshot and filter, not once per request.
      const tally = snapshot.memo(`tally:${filter.cacheKey}`, () => tallyOf(list));
      total += list.length;
      if (list.length > 0) bySource.push({ source: connector.source, count: list.length });
      add(byStatus, tally.byStatus);
      add(byVendor, tally.byVendor);
      add(byWorkload, tally.byWorkload);
    }
    return {
      total,
      byStatus: [...byStatus].map(([status, count]) => ({ status, count })),
      byVendor: [...byVendor].map(([vendor, count]) => ({ vendor, count })),
      byWorkload: [...byWorkload].map(([workload, count]) => ({ workload, count })),
      bySource,
    };
  }

  private selectSources(filter: CompiledFilter): SourceConnector[] {
    return [...this.connectors.values()].filter((c) => (!filter.vendors || filter.vendors.has(c.source.vendor)) && (!filter.sourceIds || filter.sourceIds.has(c.source.id)));
  }

  /** Each selected source's filtered, sorted list; failed sources are reported and skipped. */
  private async gather(filter: CompiledFilter, onFailure: SourceFailureHandler): Promise<Array<readonly RestoreSessionModel[]>> {
    return (await this.gatherSnapshots(filter, onFailure, this.selectSources(filter))).map((g) => g.list);
  }

  private async gatherSnapshots(filter: CompiledFilter, onFailure: SourceFailureHandler, selected: SourceConnector[]): Promise<Array<{ connector: SourceConnector; snapshot: SessionListSnapshot; list: readonly RestoreSessionModel[] }>> {
    const range = filter.createdAfter || filter.createdBefore ? { fromMs: filter.createdAfter?.epochMs, toMs: filter.createdBefore ? filter.createdBefore.epochMs + 1 : undefined } : undefined;
    const settled = await Promise.allSettled(selected.map((connector) => this.snapshots.get(connector, range)));
    const gathered: Array<{ connector: SourceConnector; snapshot: SessionListSnapshot; list: readonly RestoreSessionModel[] }> = [];
    settled.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') gathered.push({ connector: selected[i], snapshot: outcome.value, list: outcome.value.select(filter.cacheKey, filter.matches) });
      else onFailure(selected[i].source, outcome.reason);
    });
    return gathered;
  }
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
