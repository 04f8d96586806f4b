import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/config';
import { startHarness, startHarnessGateway, type Harness } from '../support/harness';
import { ManualClock } from '../support/manualClock';
import { describeWithRedis, REDIS_URL } from '../support/redis';
import { collect, wsClient } from '../support/wsClient';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const LIST = 'query RecentSessions($first: Int!) { restoreSessions(first: $first) { totalCount nodes { id vendor status } } }';
const PROGRESS = 'subscription SessionProgress($id: ID!) { restoreSessionProgress(id: $id) { id status } }';
const STOP = 'mutation StopOne($id: ID!) { stopRestoreSession(id: $id) { restoreSession { id status } } }';
const STALE = 'query Stale { noSuchField }';

/** A manifest as GraphQL Code Generator's client preset writes it, in a folder of its own. */
function writeManifest(documents: Record<string, string>): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'rsgw-persisted-')), 'persisted-documents.json');
  writeFileSync(file, JSON.stringify(documents, null, 2));
  return file;
}

const manifestOf = (...documents: string[]) => Object.fromEntries(documents.map((d) => [sha256(d), d]));

async function post(h: Harness, body: unknown) {
  const answer = await h.http('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: answer.status, body: JSON.parse(answer.text) as { data?: any; errors?: Array<{ message: string; extensions: { code: string } }> } };
}

/** A plain GET, as a browser or a CDN sends it: no preflight header. */
async function get(h: Harness, params: Record<string, unknown>) {
  const search = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  const answer = await h.http(`/graphql?${search}`, { headers: { accept: 'application/json' } });
  return { status: answer.status, headers: answer.headers, body: JSON.parse(answer.text) as { data?: any; errors?: Array<{ extensions: { code: string } }> } };
}

const codeOf = (answer: { body: { errors?: Array<{ extensions: { code: string } }> } }) => answer.body.errors?.[0]?.extensions.code;

describe('persisted documents: allow-list mode', () => {
  let h: Harness;
  const manifest = writeManifest(manifestOf(LIST, PROGRESS, STOP));

  beforeAll(async () => {
    h = await startHarness({
      // Background reads wait for this clock, so the upstream calls counted below are the requests' own.
      clock: new ManualClock(),
      graph: { sessionCount: 10 },
      veeam: { sessionCount: 10 },
      configure: (raw) => (raw.server.persistedDocuments = { manifest, mode: 'allowList' }),
    });
  });
  afterAll(() => h.close());

  it('runs a manifest document named by documentId (bare or sha256:-prefixed) or by Apollo’s sha256Hash, over POST', async () => {
    const variables = { first: 3 };
    for (const naming of [
      { documentId: sha256(LIST) },
      { documentId: `sha256:${sha256(LIST)}` },
      { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(LIST) } } },
      // What urql's persisted exchange and the reference dashboard send: both, agreeing.
      { documentId: sha256(LIST), extensions: { persistedQuery: { version: 1, sha256Hash: sha256(LIST) } } },
    ]) {
      const answer = await post(h, { ...naming, operationName: 'RecentSessions', variables });
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.restoreSessions.totalCount).toBe(20);
      expect(answer.body.data.restoreSessions.nodes).toHaveLength(3);
    }
  });

  it('refuses a free-form document with PERSISTED_QUERY_ID_REQUIRED and an unknown id with PERSISTED_QUERY_NOT_IN_LIST, before any upstream call', async () => {
    h.resetCounters();
    const freeForm = await post(h, { query: LIST, variables: { first: 3 } });
    expect(freeForm.status).toBe(400);
    expect(codeOf(freeForm)).toBe('PERSISTED_QUERY_ID_REQUIRED');
    const unknown = await post(h, { documentId: sha256('query { sources { id } }') });
    expect(unknown.status).toBe(400);
    expect(codeOf(unknown)).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    // Automatic persisted queries cannot add to the list: registering is refused like any free-form document.
    const query = '{ sources { id } }';
    const registering = await post(h, { query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } });
    expect(codeOf(registering)).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    const malformed = await post(h, { documentId: 'not-a-hash' });
    expect(codeOf(malformed)).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    expect(h.graph.server.counters.total() + h.veeam.server.counters.total()).toBe(0);
  });

  it('answers a plain GET by documentId (no preflight header needed), refuses a mutation over GET with 405 and GET text with ID_REQUIRED', async () => {
    const answer = await get(h, { documentId: sha256(LIST), variables: { first: 2 } });
    expect(answer.status).toBe(200);
    expect(answer.body.data.restoreSessions.nodes).toHaveLength(2);
    const mutation = await get(h, { documentId: sha256(STOP), variables: { id: 'x' } });
    expect(mutation.status).toBe(405);
    const text = await get(h, { query: LIST, variables: { first: 2 } });
    expect(text.status).toBe(400);
    expect(codeOf(text)).toBe('PERSISTED_QUERY_ID_REQUIRED');
    // Hidden past the 1,000 parameters Express's own parser reads: still the document Apollo would run.
    const hidden = await h.http(`/graphql?${'&'.repeat(1000)}&query=${encodeURIComponent(LIST)}`, { headers: { 'apollo-require-preflight': '1' } });
    expect(hidden.status).toBe(400);
    expect(JSON.parse(hidden.text).errors[0].extensions.code).toBe('PERSISTED_QUERY_ID_REQUIRED');
    const twice = await h.http(`/graphql?documentId=${sha256(LIST)}&documentId=${sha256(STOP)}`);
    expect(twice.status).toBe(400);
    expect(JSON.parse(twice.text).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('runs a subscription named by documentId over WebSocket and refuses one sent as text', async () => {
    const listed = await post(h, { documentId: sha256(LIST), variables: { first: 1 } });
    const id = listed.body.data.restoreSessions.nodes[0].id as string;
    const client = wsClient(h.url);
    try {
      // A persisted subscribe carries the id beside an empty query (graphql-ws requires the string).
      const results: unknown[] = [];
      const errors: unknown[] = [];
      await new Promise<void>((resolve) => {
        const stop = client.subscribe({ query: '', documentId: sha256(PROGRESS), variables: { id } } as never, {
          next: (r) => {
            if (r.errors) errors.push(...r.errors);
            if (r.data) {
              results.push(r.data);
              stop();
              resolve();
            }
          },
          error: (e) => {
            errors.push(e);
            resolve();
          },
          complete: () => resolve(),
        });
      });
      expect(errors).toEqual([]);
      expect(results[0]).toEqual({ restoreSessionProgress: expect.objectContaining({ id }) });

      const asText = collect(client, PROGRESS, { id });
      await asText.done;
      expect(asText.items).toEqual([]);
      expect(asText.errors).toEqual([[expect.objectContaining({ extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED' } })]]);
    } finally {
      await client.dispose();
    }
  });

  it('labels request metrics with the manifest’s operation names', async () => {
    const metrics = (await h.http('/metrics')).text;
    expect(metrics).toMatch(/gateway_graphql_requests_total\{operation="RecentSessions",outcome="ok"\} \d+/);
  });
});

describe('persisted documents: preferred mode', () => {
  let h: Harness;
  // The client preset's default form: ids prefixed with `sha256:`.
  const manifest = writeManifest({ [`sha256:${sha256(LIST)}`]: LIST });

  beforeAll(async () => {
    h = await startHarness({
      graph: { sessionCount: 5 },
      veeam: { sessionCount: 5 },
      configure: (raw) => (raw.server.persistedDocuments = { manifest, mode: 'preferred' }),
    });
  });
  afterAll(() => h.close());

  it('runs manifest documents by id and free-form documents as sent; an unknown documentId is NOT_IN_LIST', async () => {
    expect((await post(h, { documentId: sha256(LIST), variables: { first: 1 } })).body.data.restoreSessions.totalCount).toBe(10);
    expect((await post(h, { documentId: `sha256:${sha256(LIST)}`, variables: { first: 1 } })).body.data.restoreSessions.totalCount).toBe(10);
    expect((await post(h, { query: '{ sources { id } }' })).body.data.sources).toHaveLength(2);
    expect(codeOf(await post(h, { documentId: sha256('{ sources { id } }') }))).toBe('PERSISTED_QUERY_NOT_IN_LIST');
  });

  it('keeps Apollo’s automatic persisted queries working: not found, registered, then run by hash (GET too)', async () => {
    const query = `query Apq${randomUUID().replace(/-/g, '')} { sources { id vendor } }`;
    const persistedQuery = { version: 1, sha256Hash: sha256(query) };
    expect(codeOf(await post(h, { extensions: { persistedQuery } }))).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post(h, { query, extensions: { persistedQuery } })).body.data.sources).toHaveLength(2);
    expect((await post(h, { extensions: { persistedQuery } })).body.data.sources).toHaveLength(2);
    const byGet = await h.http(`/graphql?extensions=${encodeURIComponent(JSON.stringify({ persistedQuery }))}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(JSON.parse(byGet.text).data.sources).toHaveLength(2);
  });
});

describeWithRedis('automatic persisted queries shared through Redis', () => {
  it('a query registered on one replica runs by hash on another', async () => {
    const first = await startHarness({ graph: { sessionCount: 3 }, veeam: { sessionCount: 3 }, configure: (raw) => (raw.cache.redis = { url: REDIS_URL }) });
    const second = await startHarnessGateway(first.graph, first.veeam, { configure: (raw) => (raw.cache.redis = { url: REDIS_URL }) });
    try {
      const query = `query Shared${randomUUID().replace(/-/g, '')} { sources { id } }`;
      const persistedQuery = { version: 1, sha256Hash: sha256(query) };
      expect(codeOf(await post(second, { extensions: { persistedQuery } }))).toBe('PERSISTED_QUERY_NOT_FOUND');
      expect((await post(first, { query, extensions: { persistedQuery } })).body.data.sources).toHaveLength(2);
      expect((await post(second, { extensions: { persistedQuery } })).body.data.sources).toHaveLength(2);
    } finally {
      await second.close();
      await first.close();
    }
  });
});

describe('persisted documents: the manifest is checked at start-up', () => {
  it('refuses a manifest whose ids are not the sha256 of their documents, naming the entry', async () => {
    const manifest = writeManifest({ abc123: LIST });
    await expect(startHarness({ configure: (raw) => (raw.server.persistedDocuments = { manifest }) })).rejects.toThrow(
      expect.objectContaining({ message: expect.stringContaining('the id abc123 is not the sha256 of its document') }) as Error,
    );
  });

  it('refuses a manifest that cannot be read, as a configuration error', async () => {
    const missing = path.join(tmpdir(), `rsgw-missing-${randomUUID()}.json`);
    const attempt = startHarness({ configure: (raw) => (raw.server.persistedDocuments = { manifest: missing }) });
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toThrow(/server\.persistedDocuments\.manifest: cannot read/);
  });

  it('starts with a document the schema no longer accepts and says so in the log', async () => {
    const manifest = writeManifest(manifestOf(LIST, STALE));
    const h = await startHarness({
      graph: { sessionCount: 1 },
      veeam: { sessionCount: 1 },
      configure: (raw) => (raw.server.persistedDocuments = { manifest }),
    });
    try {
      expect(h.logs).toContainEqual(expect.objectContaining({ documentId: sha256(STALE), msg: expect.stringContaining('does not validate') }));
      const answer = await post(h, { documentId: sha256(STALE) });
      expect(codeOf(answer)).toBe('GRAPHQL_VALIDATION_FAILED');
    } finally {
      await h.close();
    }
  });
});
