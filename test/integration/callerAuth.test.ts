import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { startHarness, type Harness } from '../support/harness';

const READER_KEY = 'reader-key-0123456789abcdef';
const OPERATOR_KEY = 'operator-key-0123456789abcdef';
const QUERY = '{ sources { id } }';
const MUTATION = (id: string) => `mutation { stopRestoreSession(id: "${id}") { restoreSession { id } } }`;

describe('caller authentication: apiKey', () => {
  let h: Harness;
  let workingId: string;

  beforeAll(async () => {
    h = await startHarness({
      graph: { sessionCount: 5 },
      veeam: { sessionCount: 5 },
      configure: (raw) => {
        raw.auth = {
          mode: 'apiKey',
          apiKeys: [
            { key: READER_KEY, role: 'reader', name: 'dashboard' },
            { key: OPERATOR_KEY, role: 'operator', name: 'ops-team' },
          ],
        };
      },
    });
  });
  afterAll(() => h.close());

  const newWorkingSession = () => {
    const record = h.veeam.addSession({ state: 'Working' });
    workingId = Buffer.from(`rs1:vbo-eu:${record.id}`).toString('base64url');
    return record;
  };

  it('answers 401 UNAUTHENTICATED without credentials or with a wrong key', async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { 'x-api-key': 'wrong-key-0123456789abcdef' },
      { authorization: 'ApiKey nope' },
      { authorization: `Bearer ${OPERATOR_KEY}` },
    ];
    for (const headers of attempts) {
      const answer = await h.query(QUERY, undefined, headers);
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toBe('ApiKey');
      expect(answer.body.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
      expect(answer.body.data).toBeUndefined();
    }
  });

  it('lets a reader query (x-api-key or Authorization: ApiKey) and refuses its mutation with FORBIDDEN in a 200, writing nothing', async () => {
    expect((await h.query(QUERY, undefined, { 'x-api-key': READER_KEY })).body.data.sources).toHaveLength(2);
    expect((await h.query(QUERY, undefined, { authorization: `ApiKey ${READER_KEY}` })).body.data.sources).toHaveLength(2);
    const record = newWorkingSession();
    h.resetCounters();
    const answer = await h.query(MUTATION(workingId), undefined, { 'x-api-key': READER_KEY });
    expect(answer.status).toBe(200);
    expect(answer.body.errors![0].extensions!.code).toBe('FORBIDDEN');
    expect(record.state).toBe('Working');
    expect(h.veeam.server.counters.total()).toBe(0);
  });

  it('lets an operator mutate, and audits it under the key’s name', async () => {
    const record = newWorkingSession();
    const answer = await h.query(MUTATION(workingId), undefined, { 'x-api-key': OPERATOR_KEY });
    expect(answer.body.errors).toBeUndefined();
    expect(record.state).toBe('Stopped');
    expect(h.logs.find((l) => l.audit === true && l.vendorId === record.id)).toMatchObject({ caller: 'ops-team', role: 'operator', outcome: 'ok' });
  });

  it('keeps GraphiQL reachable without a key (the key goes in its headers editor) and never logs keys', async () => {
    expect((await h.http('/graphql', { headers: { accept: 'text/html' } })).status).toBe(200);
    const all = JSON.stringify(h.logs);
    expect(all).not.toContain(READER_KEY);
    expect(all).not.toContain(OPERATOR_KEY);
  });
});

describe('caller authentication: jwt', () => {
  const SECRET = 'a-very-long-shared-secret-for-hs256-tokens';
  const sign = (claims: Record<string, unknown>, options: { audience?: string; issuer?: string; expiresIn?: string | number; secret?: string } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user-42')
      .setIssuer(options.issuer ?? 'https://idp.example')
      .setAudience(options.audience ?? 'restore-gateway')
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '5m')
      .sign(new TextEncoder().encode(options.secret ?? SECRET));

  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      graph: { sessionCount: 5 },
      veeam: { sessionCount: 5 },
      configure: (raw) => {
        raw.auth = {
          mode: 'jwt',
          jwt: { secret: SECRET, issuer: 'https://idp.example', audience: 'restore-gateway', roleClaim: 'app.roles', clockToleranceSeconds: 0 },
        };
      },
    });
  });
  afterAll(() => h.close());

  const bearer = async (token: Promise<string>) => ({ authorization: `Bearer ${await token}` });

  it.each([
    ['no token', Promise.resolve({}), /bearer token is required/],
    ['an expired token', bearer(sign({ app: { roles: ['reader'] } }, { expiresIn: Math.floor(Date.now() / 1000) - 60 })), /expired/],
    ['a wrong audience', bearer(sign({ app: { roles: ['reader'] } }, { audience: 'someone-else' })), /aud/],
    ['a wrong issuer', bearer(sign({ app: { roles: ['reader'] } }, { issuer: 'https://evil.example' })), /iss/],
    ['a wrong signature', bearer(sign({ app: { roles: ['reader'] } }, { secret: 'another-secret-that-is-also-long-enough' })), /not valid/],
  ])('answers 401 UNAUTHENTICATED for %s', async (_name, headers, message) => {
    const answer = await h.query(QUERY, undefined, await headers);
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Bearer');
    expect(answer.body.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect(answer.body.errors![0].message).toMatch(message);
  });

  it('takes the role from the configured claim: reader queries, operator mutates, no role is FORBIDDEN', async () => {
    const reader = await bearer(sign({ app: { roles: ['reader'] } }));
    expect((await h.query(QUERY, undefined, reader)).body.data.sources).toHaveLength(2);
    const record = h.veeam.addSession({ state: 'Working' });
    const id = Buffer.from(`rs1:vbo-eu:${record.id}`).toString('base64url');
    expect((await h.query(MUTATION(id), undefined, reader)).body.errors![0].extensions!.code).toBe('FORBIDDEN');
    expect(record.state).toBe('Working');
    const operator = await bearer(sign({ app: { roles: ['reader', 'operator'] } }));
    expect((await h.query(MUTATION(id), undefined, operator)).body.errors).toBeUndefined();
    expect(record.state).toBe('Stopped');
    expect(h.logs.find((l) => l.audit === true && l.vendorId === record.id && l.outcome === 'ok')).toMatchObject({ caller: 'user-42' });
    const nobody = await h.query(QUERY, undefined, await bearer(sign({ app: { roles: ['guest'] } })));
    expect(nobody.status).toBe(200);
    expect(nobody.body.errors![0].extensions!.code).toBe('FORBIDDEN');
  });
});

describe('caller authentication: jwt with a JWKS URL', () => {
  it('verifies RS256 tokens against the identity provider’s published keys', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const jwks = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/keys`;
    const h = await startHarness({
      graph: { sessionCount: 3 },
      veeam: { sessionCount: 3 },
      configure: (raw) => {
        raw.auth = { mode: 'jwt', jwt: { jwksUrl, issuer: 'https://idp.example', audience: 'restore-gateway' } };
      },
    });
    try {
      const token = await new SignJWT({ roles: ['reader'] })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject('svc')
        .setIssuer('https://idp.example')
        .setAudience('restore-gateway')
        .setExpirationTime('5m')
        .sign(privateKey);
      const answer = await h.query(QUERY, undefined, { authorization: `Bearer ${token}` });
      expect(answer.body.data.sources).toHaveLength(2);
      const forged = await new SignJWT({ roles: ['operator'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('https://idp.example')
        .setAudience('restore-gateway')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode('x'.repeat(40)));
      expect((await h.query(QUERY, undefined, { authorization: `Bearer ${forged}` })).status).toBe(401);
    } finally {
      await h.close();
      jwks.closeAllConnections();
      await new Promise<void>((resolve) => jwks.close(() => resolve()));
    }
  });
});
