import { GatewayError } from '../../src/errors';
import { SessionIndex, type IndexChange } from '../../src/index/sessionIndex';
import { RestoreSessionDirectory } from '../../src/listing/directory';
import { decodeKeysetCursor } from '../../src/listing/cursor';
import { compileFilter } from '../../src/listing/filter';
import type { SessionIndexes } from '../../src/index/sessionIndexes';
import type { RestoreSessionModel, SourceModel } from '../../src/model';
import { toVeeamRestoreSession } from '../../src/upstreams/veeam/mappers';
import { toGraphRestoreSession } from '../../src/upstreams/msgraph/mappers';
import { ManualClock } from '../support/manualClock';

const veeamSource: SourceModel = { id: 'vbo', name: 'VBO', vendor: 'VEEAM' };
const graphSource: SourceModel = { id: 'tenant', name: 'Tenant', vendor: 'MICROSOFT_GRAPH' };
const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const veeam = (n: number, state = 'Stopped', created = `2026-03-0${(n % 9) + 1}T10:00:00.${String(n).padStart(7, '0')}Z`) =>
  toVeeamRestoreSession('vbo', {
    id: guid(n),
    type: n % 2 ? 'Vex' : 'Vesp',
    state,
    result: 'Success',
    creationTime: created,
    name: `Restore ${n}`,
    organization: 'Contoso',
  });
const graph = (n: number, status = 'completed') =>
  toGraphRestoreSession('tenant', {
    id: guid(n),
    status,
    '@odata.type': '#microsoft.graph.exchangeRestoreSession',
    createdDateTime: `2026-03-0${(n % 9) + 1}T10:00:00.5Z`,
  });

describe('session index', () => {
  it('announces each real change once: created, updated, removed; an identical copy is no change', () => {
    const index = new SessionIndex(veeamSource, new ManualClock());
    const heard: IndexChange[] = [];
    index.onChange((changes) => heard.push(...changes));
    index.apply([veeam(1, 'Working'), veeam(2)], []);
    index.apply([veeam(1, 'Working')], []);
    index.apply([veeam(1, 'Stopped')], [guid(2)]);
    expect(heard.map((c) => [c.kind, c.session.vendorId, c.session.status])).toEqual([
      ['CREATED', guid(1), 'RUNNING'],
      ['CREATED', guid(2), 'COMPLETED'],
      ['UPDATED', guid(1), 'COMPLETED'],
      ['REMOVED', guid(2), 'COMPLETED'],
    ]);
    expect(index.version).toBe(2); // the identical copy did not bump it
  });

  it('never lets an older read overwrite newer data, and a complete read keeps what it could not have seen', async () => {
    const clock = new ManualClock();
    const index = new SessionIndex(veeamSource, clock);
    index.replaceAll([veeam(1, 'Working'), veeam(2)], clock.now());
    const readStarted = clock.now();
    await clock.advance(1000);
    index.apply([veeam(1, 'Stopped'), veeam(3, 'Working')], [], clock.now()); // a mutation, after the read began
    await clock.advance(1000);
    index.replaceAll([veeam(1, 'Working'), veeam(2)], readStarted); // the read started before it, so it misses session 3
    expect(index.get(guid(1))?.status).toBe('COMPLETED');
    expect(index.get(guid(3))?.status).toBe('RUNNING');
    index.replaceAll([veeam(1, 'Stopped')], clock.now()); // a later complete read: 2 and 3 are gone
    expect(index.size).toBe(1);
  });

  it('keeps the sorted view and derived values per version, and knows what is live and the newest createdAt', () => {
    const index = new SessionIndex(veeamSource, new ManualClock());
    index.apply([veeam(3), veeam(1, 'Working'), veeam(2)], []);
    const sorted = index.sorted();
    expect(sorted.map((s) => s.vendorId)).toEqual([guid(3), guid(2), guid(1)]);
    expect(index.sorted()).toBe(sorted);
    let computed = 0;
    index.memo('x', () => ++computed);
    index.memo('x', () => ++computed);
    expect(computed).toBe(1);
    index.apply([veeam(4)], []);
    index.memo('x', () => ++computed);
    expect(computed).toBe(2);
    expect(index.liveIds()).toEqual([guid(1)]);
    expect(index.newestCreatedAt()).toBe(Date.parse('2026-03-05T10:00:00.000Z'));
  });

  it('settles `warmed` once the first read ended, successfully or not', async () => {
    const index = new SessionIndex(veeamSource, new ManualClock());
    expect(index.firstReadDone).toBe(false);
    index.setStatus({ ...index.status, state: 'FAILED' });
    await index.warmed;
    expect(index.firstReadDone).toBe(true);
    expect(index.isWarm).toBe(false);
  });
});

describe('the directory over the indexes: merge, filters, cursors, counts', () => {
  const clock = new ManualClock();
  const indexes = new Map([
    ['vbo', new SessionIndex(veeamSource, clock)],
    ['tenant', new SessionIndex(graphSource, clock)],
  ]);
  indexes.get('vbo')!.replaceAll(
    [1, 2, 3, 4, 5, 6].map((n) => veeam(n, n % 3 ? 'Stopped' : 'Working')),
    clock.now(),
  );
  indexes.get('tenant')!.replaceAll(
    [1, 2, 3, 4].map((n) => graph(n, n % 2 ? 'active' : 'failed')),
    clock.now(),
  );
  for (const index of indexes.values()) index.setStatus({ ...index.status, state: 'LIVE' });
  const fake = { index: (id: string) => indexes.get(id), waitFirstRead: async () => undefined } as unknown as SessionIndexes;
  const directory = new RestoreSessionDirectory([veeamSource, graphSource], fake);
  const ids = new Set(['vbo', 'tenant']);
  const noFailure = () => {
    throw new Error('no source should fail');
  };

  it('pages the merged order by keyset cursors: every session once, newest first, ties by id', async () => {
    const all: RestoreSessionModel[] = [];
    let after = null;
    for (;;) {
      const page = await directory.page(compileFilter({}, ids), 3, after, noFailure);
      all.push(...page.items);
      expect(page.totalCount).toBe(10);
      if (!page.hasNextPage) break;
      after = decodeKeysetCursor(page.cursorOf(page.items[page.items.length - 1], 2), 'after');
    }
    expect(all).toHaveLength(10);
    for (let i = 1; i < all.length; i++) {
      const [a, b] = [all[i - 1], all[i]];
      expect(a.createdAt!.key > b.createdAt!.key || (a.createdAt!.key === b.createdAt!.key && a.id < b.id)).toBe(true);
    }
  });

  it('filters with AND across fields and OR within one, and counts by status, vendor, workload, source', async () => {
    const running = await directory.page(compileFilter({ statuses: ['RUNNING'], vendors: ['VEEAM'] }, ids), 50, null, noFailure);
    expect(running.items.map((s) => s.vendorId).sort()).toEqual([guid(3), guid(6)]);
    expect((await directory.page(compileFilter({ statuses: [] }, ids), 50, null, noFailure)).totalCount).toBe(0);
    expect((await directory.page(compileFilter({ search: 'RESTORE 5' }, ids), 50, null, noFailure)).items.map((s) => s.vendorId)).toEqual([guid(5)]);
    const stats = await directory.stats(compileFilter({}, ids), noFailure);
    expect(stats.total).toBe(10);
    expect(Object.fromEntries(stats.byStatus.map((s) => [s.status, s.count]))).toEqual({ COMPLETED: 4, RUNNING: 4, FAILED: 2 });
    expect(stats.bySource.map((s) => [s.source.id, s.count])).toEqual([
      ['vbo', 6],
      ['tenant', 4],
    ]);
  });

  it('leaves a source whose latest read failed out, reporting its error once', async () => {
    const failing = indexes.get('tenant')!;
    const before = failing.status;
    failing.setStatus({ ...before, state: 'FAILED', lastError: new GatewayError('UPSTREAM_UNAVAILABLE', 'down', { sourceId: 'tenant' }) });
    const failures: string[] = [];
    const page = await directory.page(compileFilter({}, ids), 50, null, (source, err) => failures.push(`${source.id}:${err.code}`));
    expect(page.totalCount).toBe(6);
    expect(failures).toEqual(['tenant:UPSTREAM_UNAVAILABLE']);
    failing.setStatus(before);
  });

  it('refuses an unknown source id in the filter, naming the argument', () => {
    expect(() => compileFilter({ sourceIds: ['nope'] }, ids)).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argument: 'filter.sourceIds' }) }),
    );
  });
});
