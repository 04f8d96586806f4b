import { ResponseCache } from '../../src/cache/responseCache';
import { ResponseReads } from '../../src/cache/responseReads';
import { GatewayMetrics } from '../../src/metrics';
import { ManualClock } from '../support/manualClock';
import { buildSchema, Kind, parse, type OperationDefinitionNode } from 'graphql';
import { createCacheabilityCheck } from '../../src/operations/cacheability';
import { loadTypeDefs } from '../../src/schema';
import { ContentDigest } from '../../src/util/contentDigest';

describe('ContentDigest', () => {
  const records = [{ id: 'a', status: 'RUNNING' }, { id: 'b', status: 'FAILED', n: { x: 1, y: [1, 2] } }, { id: 'c' }];

  it('names the same set of records the same way whatever the order of records and of their keys', () => {
    const one = new ContentDigest();
    for (const r of records) one.add(ContentDigest.hashOf(r));
    const other = new ContentDigest();
    other.add(ContentDigest.hashOf({ id: 'c' }));
    other.add(ContentDigest.hashOf({ n: { y: [1, 2], x: 1 }, status: 'FAILED', id: 'b' }));
    other.add(ContentDigest.hashOf({ status: 'RUNNING', id: 'a' }));
    expect(other.toString()).toBe(one.toString());
  });

  it('changes with any change of a record and comes back when the change is undone', () => {
    const digest = new ContentDigest();
    const hashes = records.map((r) => ContentDigest.hashOf(r));
    hashes.forEach((h) => digest.add(h));
    const before = digest.toString();
    digest.remove(hashes[0]);
    const changed = ContentDigest.hashOf({ id: 'a', status: 'COMPLETED' });
    digest.add(changed);
    expect(digest.toString()).not.toBe(before);
    digest.remove(changed);
    digest.add(hashes[0]);
    expect(digest.toString()).toBe(before);
  });

  it('hashes a stored canonical JSON from its bytes as it would hash the record parsed back', () => {
    const record = { status: 'FAILED', id: 'b', n: { y: [1, 2], x: 1.5, z: null }, text: 'naïve — ✓' };
    const stored = Buffer.from(ContentDigest.canonicalJson(record), 'utf8');
    const readBack = JSON.parse(stored.toString('utf8')) as unknown;
    expect(ContentDigest.canonicalJson(readBack)).toBe(stored.toString('utf8'));
    expect(ContentDigest.hashOfCanonical(stored)).toEqual(ContentDigest.hashOf(readBack));
    expect(ContentDigest.hashOfCanonical(stored)).toEqual(ContentDigest.hashOf(record));
  });
});

describe('which operations the response cache may keep', () => {
  const check = createCacheabilityCheck(buildSchema(loadTypeDefs()));
  const decide = (text: string) => {
    const document = parse(text);
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    if (!operation) throw new Error('no operation');
    return check(document, operation);
  };

  it('keeps queries over index and entity-cache data, fragments included', () => {
    expect(decide('{ restoreSessions(first: 5) { totalCount nodes { id status source { id name } progress { percent } } } }')).toBe(true);
    expect(
      decide('query { node(id: "x") { __typename id ...V } } fragment V on VeeamRestoreSession { state organization { name } events { nodes { title } } }'),
    ).toBe(true);
    expect(decide('{ restoreSessionStats { byStatus { status count } bySource { source { id } count } } sources { id vendor } }')).toBe(true);
  });

  it('refuses live state, introspection, mutations and subscriptions', () => {
    expect(decide('{ sources { id health } }')).toBe(false);
    expect(decide('{ restoreSessions { nodes { source { sync { lagSeconds } } } } }')).toBe(false);
    expect(decide('{ __schema { types { name } } }')).toBe(false);
    expect(decide('mutation { stopRestoreSession(id: "x") { restoreSession { id } } }')).toBe(false);
    expect(decide('subscription { restoreSessionChanged { kind } }')).toBe(false);
  });
});

describe('the response cache’s memory', () => {
  const clock = new ManualClock();
  const metrics = new GatewayMetrics();
  let version = 'v1';
  const cache = new ResponseCache({ maxBytes: 10_000, maxEntryBytes: 3_000, buildId: 'test' }, () => version, null, clock, metrics);
  const keyOf = (n: number) => cache.requestKey({ role: 'reader', operationName: null, query: `{ q${n} }`, variables: undefined, extensions: undefined });
  const readsOfIndex = () => {
    const reads = new ResponseReads();
    reads.index('s', version);
    reads.complete = true;
    return reads;
  };

  it('stays within maxBytes (least recently used out first), keeps no answer over maxEntryBytes, and drops what read a changed index', async () => {
    for (let n = 0; n < 20; n++) expect(cache.store(keyOf(n), readsOfIndex(), 'x'.repeat(1_000))).not.toBeNull();
    expect(cache.bytes).toBeLessThanOrEqual(10_000);
    expect(await cache.lookup(keyOf(0))).toBeNull();
    expect((await cache.lookup(keyOf(19)))?.answer.body).toBe('x'.repeat(1_000));
    expect(cache.store(keyOf(99), readsOfIndex(), 'y'.repeat(3_001))).toBeNull();
    expect(await metrics.registry.getSingleMetricAsString('gateway_response_cache_evictions_total')).toMatch(/reason="evicted"\} 1[0-9]/);
    version = 'v2';
    cache.sourceChanged('s');
    expect(cache.bytes).toBe(0);
    expect(await cache.lookup(keyOf(19))).toBeNull();
  });
});
