import { startHarness } from '../support/harness';

const READER_KEY = 'reader-secret-key-7f3a9c2e11';
const OPERATOR_KEY = 'operator-secret-key-5b8d0e4a22';

describe('no secret leaves the gateway', () => {
  it('keeps credentials, API keys, upstream tokens and raw upstream bodies out of every response and log line', async () => {
    const h = await startHarness({
      graph: { sessionCount: 20 },
      veeam: { sessionCount: 20 },
      configure: (raw) => {
        raw.logging.level = 'trace';
        raw.auth = {
          mode: 'apiKey',
          apiKeys: [
            { key: READER_KEY, role: 'reader' },
            { key: OPERATOR_KEY, role: 'operator' },
          ],
        };
        for (const source of raw.sources) source.circuitBreaker = { failureThreshold: 100 };
      },
    });
    const responses: string[] = [];
    const run = async (query: string, headers: Record<string, string>, variables?: Record<string, unknown>) =>
      responses.push((await h.query(query, variables, headers)).text);
    try {
      const reader = { 'x-api-key': READER_KEY };
      const operator = { authorization: `ApiKey ${OPERATOR_KEY}` };
      await run('{ restoreSessions { totalCount nodes { id } } sources { health lastError } }', reader);
      await run('{ sources { id } }', { 'x-api-key': `${READER_KEY}x` });
      await run('mutation { stopRestoreSession(id: "cnMxOnZiby1ldTp4") { restoreSession { id } } }', reader);
      for (const fault of [{ errorRate: 1 }, { throttleCount: 50, retryAfter: '9' }, { malformedJson: true }, { contentTypeOverride: 'text/html' }]) {
        h.graph.server.faults.update(fault);
        h.veeam.server.faults.update(fault);
        await h.refresh(); // the index's reads meet the fault
        await run('{ restoreSessions { totalCount } sources { id health lastError } }', reader);
        h.graph.server.faults.reset();
        h.veeam.server.faults.reset();
      }
      h.graph.expireTokens();
      h.veeam.expireTokens();
      await h.refresh();
      await run('{ restoreSessions { totalCount } }', operator);
      const working = h.veeam.addSession({ state: 'Working' });
      await run(`mutation($id: ID!) { stopRestoreSession(id: $id) { restoreSession { id } } }`, operator, {
        id: Buffer.from(`rs1:vbo-eu:${working.id}`).toString('base64url'),
      });
      await run(
        `mutation { createGraphRestoreSession(input: { sourceId: "contoso", workload: EXCHANGE, artifacts: [${Array.from({ length: 1001 }, (_, i) => `{ protectedResourceId: "m${i}", restorePointId: "r${i}" }`).join(',')}] }) { restoreSession { id } } }`,
        operator,
      );
      responses.push((await h.http('/metrics')).text, (await h.http('/readyz')).text);
    } finally {
      await h.close();
    }
    const everything = [...responses, ...h.logs.map((l) => JSON.stringify(l))].join('\n');
    expect(h.logs.length).toBeGreaterThan(20);
    const secrets = [h.graph.clientSecret, h.veeam.password, READER_KEY, OPERATOR_KEY, ...h.graph.issuedTokens(), ...h.veeam.issuedTokens()];
    expect(secrets.length).toBeGreaterThan(6);
    for (const secret of secrets) expect(everything).not.toContain(secret);
    // Upstream error texts are the upstream's words; the gateway answers in its own.
    for (const upstreamText of [
      'The service is temporarily unavailable',
      'The service is unavailable.',
      'Too many requests',
      'A restore session takes at most 1,000 artifacts',
      'Authorization has been denied',
    ]) {
      expect(responses.join('\n')).not.toContain(upstreamText);
    }
  });

  it('scrubs a secret that reaches a log line by accident', async () => {
    const h = await startHarness({ graph: { sessionCount: 1 }, veeam: { sessionCount: 1 } });
    try {
      h.gateway.logger.error({ detail: `connecting with ${h.veeam.password} failed` }, `oops ${h.graph.clientSecret}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const line = JSON.stringify(h.logs.find((l) => typeof l.msg === 'string' && l.msg.startsWith('oops')));
      expect(line).toContain('[redacted]');
      expect(line).not.toContain(h.graph.clientSecret);
      expect(line).not.toContain(h.veeam.password);
    } finally {
      await h.close();
    }
  });
});
