import { getIntrospectionQuery } from 'graphql';
import { startHarness, type Harness } from '../support/harness';

describe('hostile GraphQL and HTTP input', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ graph: { sessionCount: 10 }, veeam: { sessionCount: 10 } });
  });
  afterAll(() => h.close());

  const codes = (answer: { body: { errors?: Array<{ extensions?: Record<string, unknown> }> } }) => (answer.body.errors ?? []).map((e) => e.extensions?.code);

  it('allows GraphiQL’s full introspection query (fields under __schema/__type are exempt from depth)', async () => {
    const answer = await h.query(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, inputValueDeprecation: true }));
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.__schema.types.length).toBeGreaterThan(40);
  });

  it('counts depth through fragments and refuses a query deeper than the limit with QUERY_TOO_COMPLEX', async () => {
    // The schema has no cycles: its deepest selection is 9 levels, within the default 12.
    const deepest = `{ restoreSessions { edges { node { ...A } } } } fragment A on RestoreSession { source { id } ... on GraphRestoreSession { artifacts { edges { node { error { details { code } } } } } } }`;
    expect(codes(await h.query(deepest))).toEqual([]);
    const limited = await startHarness({ graph: { sessionCount: 1 }, veeam: { sessionCount: 1 }, configure: (raw) => (raw.server.limits = { depth: 6 }) });
    try {
      const answer = await limited.query(deepest);
      expect(answer.status).toBe(400);
      expect(codes(answer)).toEqual(['QUERY_TOO_COMPLEX']);
      expect(answer.body.errors![0].message).toMatch(/depth limit of 6 exceeded, found 9/);
      expect(codes(await limited.query(getIntrospectionQuery()))).toEqual([]);
    } finally {
      await limited.close();
    }
  });

  it('refuses more than 30 aliases and more than 20 directives with QUERY_TOO_COMPLEX', async () => {
    const aliases = `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: sources { id }`).join(' ')} }`;
    expect(codes(await h.query(aliases))).toEqual(['QUERY_TOO_COMPLEX']);
    const thirty = `{ ${Array.from({ length: 30 }, (_, i) => `a${i}: sources { id }`).join(' ')} }`;
    expect(codes(await h.query(thirty))).toEqual([]);
    const directives = `{ sources { ${Array.from({ length: 21 }, (_, i) => `f${i}: id @skip(if: false)`).join(' ')} } }`;
    expect(codes(await h.query(directives))).toContain('QUERY_TOO_COMPLEX');
  });

  it('refuses more than 5,000 tokens with GRAPHQL_PARSE_FAILED before any other work', async () => {
    const answer = await h.query(`{ ${'sources { id } '.repeat(1300)} }`);
    expect(answer.status).toBe(400);
    expect(codes(answer)).toEqual(['GRAPHQL_PARSE_FAILED']);
  });

  it('refuses cost over 50,000 with QUERY_TOO_COMPLEX, counting a `first` variable by its value', async () => {
    const query = `query($n: Int!, $m: Int!) { restoreSessions(first: $n) { nodes { ... on VeeamRestoreSession { events(first: $m) { nodes { id title } } } } } }`;
    expect(codes(await h.query(query, { n: 500, m: 30 }))).toEqual([]); // 500 * (1 + 30 * 3) = 45,500
    const tooMuch = await h.query(query, { n: 500, m: 40 }); // 500 * (1 + 40 * 3) = 60,500
    expect(tooMuch.status).toBe(400);
    expect(codes(tooMuch)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(tooMuch.body.errors![0].message).toMatch(/cost limit of 50000 exceeded, found 60500/);
    expect(codes(await h.query('{ restoreSessions(first: 500) { nodes { ... on VeeamRestoreSession { events { nodes { id title } } } } } }'))).toEqual([
      'QUERY_TOO_COMPLEX',
    ]); // default first 50
  });

  it('refuses batched operations, CSRF-prone requests and mutations over GET', async () => {
    const batch = await h.http('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ sources { id } }' }, { query: '{ sources { id } }' }]),
    });
    expect(batch.status).toBe(400);
    const simpleGet = await h.http(`/graphql?query=${encodeURIComponent('{ sources { id } }')}`);
    expect(simpleGet.status).toBe(400); // a plain GET with no preflight header could be a cross-site request
    const textPlain = await h.http('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: '{ sources { id } }' }),
    });
    expect(textPlain.status).toBe(400);
    const mutationGet = await h.http(`/graphql?query=${encodeURIComponent('mutation { deleteRestoreSession(id: "x") { deletedId } }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(mutationGet.status).toBe(405);
  });

  it('switches introspection and GraphiQL off for production', async () => {
    const prod = await startHarness({
      graph: { sessionCount: 1 },
      veeam: { sessionCount: 1 },
      configure: (raw) => Object.assign(raw.server, { introspection: false, graphiql: false }),
    });
    try {
      expect(codes(await prod.query('{ __schema { types { name } } }'))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      const page = await prod.http('/graphql', { headers: { accept: 'text/html' } });
      expect(page.text).not.toContain('graphiql');
      expect((await prod.http('/graphiql/graphiql.min.js')).status).toBe(404);
      expect((await prod.query('{ sources { id } }')).body.data.sources).toHaveLength(2);
    } finally {
      await prod.close();
    }
  });
});
