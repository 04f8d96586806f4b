import { encodeGlobalId } from '../../src/ids';
import { startHarness, type GraphQLAnswer, type Harness } from '../support/harness';
import { ManualClock } from '../support/manualClock';

/** An independent reference for the contract's order: createdAt desc at full precision, nulls last, then id. */
function referenceKey(raw: string | null): [number, string] | null {
  if (!raw) return null;
  const fraction = /\.(\d+)/.exec(raw)?.[1] ?? '';
  return [Date.parse(raw), fraction.padEnd(12, '0').slice(3)];
}

function referenceOrder(items: Array<{ id: string; created: string | null }>): string[] {
  return items
    .map((i) => ({ ...i, key: referenceKey(i.created) }))
    .sort((a, b) => {
      if (a.key && b.key && (a.key[0] !== b.key[0] || a.key[1] !== b.key[1])) return a.key[0] !== b.key[0] ? b.key[0] - a.key[0] : a.key[1] < b.key[1] ? 1 : -1;
      if (a.key && !b.key) return -1;
      if (!a.key && b.key) return 1;
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    })
    .map((i) => i.id);
}

const PAGE = `query Page($first: Int!, $after: String) {
  restoreSessions(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id } }
  }
}`;

async function traverse(h: Harness, sizes: number[], between?: (page: number) => Promise<void> | void): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let page = 0; ; page++) {
    const answer: GraphQLAnswer = await h.query(PAGE, { first: sizes[page % sizes.length], after });
    expect(answer.body.errors).toBeUndefined();
    const conn: { edges: Array<{ node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } } = answer.body.data.restoreSessions;
    ids.push(...conn.edges.map((e: { node: { id: string } }) => e.node.id));
    if (!conn.pageInfo.hasNextPage) break;
    after = conn.pageInfo.endCursor;
    await between?.(page);
  }
  return ids;
}

describe('merged listing over both vendors', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ graph: { sessionCount: 600 }, veeam: { sessionCount: 600, legacyStates: true } });
  });
  afterAll(() => h.close());

  const upstreamSessions = () => [
    ...h.graph.store
      .all()
      .map((s) => ({ id: encodeGlobalId('contoso', s.id), created: h.graph.store.renderSession(s, true).createdDateTime as string | null })),
    ...[...h.veeam.sessions.values()].map((s) => ({
      id: encodeGlobalId('vbo-eu', s.id),
      created: new Date(s.creation.ms).toISOString().slice(0, 23) + String(s.creation.ticks).padStart(4, '0') + 'Z',
    })),
  ];

  it('maps every row of the status and workload tables, with __typename from the model', async () => {
    const query = `query All($after: String) { restoreSessions(first: 500, after: $after) { pageInfo { hasNextPage endCursor } nodes {
      __typename vendorId vendor status workload isTerminal
      ... on GraphRestoreSession { graphStatus }
      ... on VeeamRestoreSession { state result veeamType }
    } } }`;
    const nodes: Array<Record<string, string | boolean | null>> = [];
    let after: string | null = null;
    do {
      const answer: GraphQLAnswer = await h.query(query, { after });
      expect(answer.body.errors).toBeUndefined();
      nodes.push(...answer.body.data.restoreSessions.nodes);
      after = answer.body.data.restoreSessions.pageInfo.hasNextPage ? answer.body.data.restoreSessions.pageInfo.endCursor : null;
    } while (after);
    expect(nodes).toHaveLength(1200);

    const graphStatus: Record<string, [string, string]> = {
      draft: ['DRAFT', 'DRAFT'],
      activating: ['ACTIVATING', 'ACTIVATING'],
      active: ['ACTIVE', 'RUNNING'],
      completed: ['COMPLETED', 'COMPLETED'],
      completedWithError: ['COMPLETED_WITH_ERROR', 'COMPLETED_WITH_ISSUES'],
      failed: ['FAILED', 'FAILED'],
      unknownFutureValue: ['UNKNOWN_FUTURE_VALUE', 'UNKNOWN'],
    };
    const graphWorkload: Record<string, string> = { exchange: 'EXCHANGE', oneDrive: 'ONEDRIVE', sharePoint: 'SHAREPOINT' };
    const seenGraph = new Set<string>();
    for (const record of h.graph.store.all()) {
      const node = nodes.find((n) => n.__typename === 'GraphRestoreSession' && n.vendorId === record.id)!;
      expect(node).toBeDefined();
      expect([node.graphStatus, node.status]).toEqual(graphStatus[record.status]);
      expect(node.workload).toBe(graphWorkload[record.workload]);
      expect(node.vendor).toBe('MICROSOFT_GRAPH');
      expect(node.isTerminal).toBe(['COMPLETED', 'COMPLETED_WITH_ISSUES', 'FAILED'].includes(node.status as string));
      seenGraph.add(`${record.status}`);
    }
    expect(seenGraph.size).toBe(7);

    const veeamStatus = (state: string, result: string): [string, string] => {
      if (state === 'Working') return ['WORKING', 'RUNNING'];
      if (state === 'Starting') return ['STARTING', 'RUNNING'];
      if (state === 'Stopping') return ['STOPPING', 'RUNNING'];
      return ['STOPPED', { Success: 'COMPLETED', Warning: 'COMPLETED_WITH_ISSUES', Failed: 'FAILED' }[result] as string];
    };
    const veeamWorkload: Record<string, [string, string]> = {
      Vex: ['VEX', 'EXCHANGE'],
      Veod: ['VEOD', 'ONEDRIVE'],
      Vesp: ['VESP', 'SHAREPOINT'],
      Vet: ['VET', 'TEAMS'],
    };
    const seenVeeam = new Set<string>();
    for (const record of h.veeam.sessions.values()) {
      const node = nodes.find((n) => n.__typename === 'VeeamRestoreSession' && n.vendorId === record.id)!;
      expect([node.state, node.status]).toEqual(veeamStatus(record.state, record.result));
      expect([node.veeamType, node.workload]).toEqual(veeamWorkload[record.type]);
      expect(node.result).toBe(record.result.toUpperCase());
      seenVeeam.add(`${record.state}/${record.result}`);
    }
    for (const combo of ['Working/Success', 'Stopped/Success', 'Stopped/Warning', 'Stopped/Failed', 'Starting/Success', 'Stopping/Success'])
      expect(seenVeeam).toContain(combo);
  });

  it('pages 1,200 merged sessions with odd page sizes: each exactly once, in the contract order', async () => {
    const expected = referenceOrder(upstreamSessions());
    expect(expected).toHaveLength(1200);
    const ids = await traverse(h, [37, 1, 113, 500, 0 + 7]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expected);
  });

  it('keeps cursors stable when sessions are added upstream mid-traversal (no shift, no duplicate)', async () => {
    const expected = referenceOrder(upstreamSessions());
    const veeamTimes = [...h.veeam.sessions.values()].map((s) => s.creation.ms).sort((a, b) => b - a);
    const added: string[] = [];
    const ids = await traverse(h, [41], async (page) => {
      if (page === 3) {
        // One newer than everything, one inside the pages already read, one in the pages still to come.
        added.push(h.veeam.addSession({ creation: { ms: Date.now(), ticks: 1 } }).id);
        added.push(h.veeam.addSession({ creation: { ms: veeamTimes[20] + 1, ticks: 0 } }).id);
        added.push(h.veeam.addSession({ creation: { ms: veeamTimes[500] - 1, ticks: 0 } }).id);
        h.graph.store.create('exchange', [], { application: { id: 'x', displayName: 'Tester' } });
        await h.refresh(); // the index has them now
      }
    });
    const original = ids.filter((id) => expected.includes(id));
    expect(original).toEqual(expected);
    expect(new Set(ids).size).toBe(ids.length);
    const addedIds = added.map((id) => encodeGlobalId('vbo-eu', id));
    expect(ids).not.toContain(addedIds[0]);
    expect(ids).not.toContain(addedIds[1]);
    expect(ids.filter((id) => id === addedIds[2])).toHaveLength(1);
  });

  it('once warm, no GraphQL request makes an upstream call: every page and concurrent request reads the index', async () => {
    // A manual clock: the background sync rests, so every upstream call counted here would be a request's.
    const warm = await startHarness({ clock: new ManualClock(), graph: { sessionCount: 600 }, veeam: { sessionCount: 600 } });
    try {
      warm.resetCounters();
      const ids = await traverse(warm, [113]);
      expect(ids).toHaveLength(1200);
      const again = await Promise.all(Array.from({ length: 10 }, () => warm.query(PAGE, { first: 5 })));
      expect(again.every((a) => a.body.data.restoreSessions.totalCount === 1200)).toBe(true);
      const stats = await warm.query('{ restoreSessionStats(filter: { statuses: [RUNNING] }) { total } }');
      expect(stats.body.data.restoreSessionStats.total).toBeGreaterThan(0);
      expect(warm.graph.server.counters.total() + warm.veeam.server.counters.total()).toBe(0);
    } finally {
      await warm.close();
    }
  });
});
