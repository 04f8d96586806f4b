import { startHarness } from '../support/harness';

describe('per-source TLS trust for Veeam servers with their own CA', () => {
  it('refuses a server whose certificate it cannot verify, naming the TLS failure', async () => {
    const h = await startHarness({ graph: { sessionCount: 2 }, veeam: { sessionCount: 3 }, configure: (raw) => delete raw.sources[1].tls });
    try {
      const answer = await h.query('{ restoreSessions { totalCount } }');
      expect(answer.body.data.restoreSessions.totalCount).toBe(2);
      expect(answer.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', sourceId: 'vbo-eu' });
      expect(answer.body.errors![0].message).toMatch(/TLS verification/);
    } finally {
      await h.close();
    }
  });

  it('trusts the configured CA file, or skips verification with a warning when told to', async () => {
    const withCa = await startHarness({ graph: { sessionCount: 2 }, veeam: { sessionCount: 3 } });
    try {
      expect((await withCa.query('{ restoreSessions { totalCount } }')).body.data.restoreSessions.totalCount).toBe(5);
    } finally {
      await withCa.close();
    }
    const insecure = await startHarness({
      graph: { sessionCount: 2 },
      veeam: { sessionCount: 3 },
      configure: (raw) => (raw.sources[1].tls = { insecureSkipVerify: true }),
    });
    try {
      expect((await insecure.query('{ restoreSessions { totalCount } }')).body.data.restoreSessions.totalCount).toBe(5);
      expect(insecure.logs.find((l) => l.level === 40 && l.source === 'vbo-eu')?.msg).toMatch(/TLS verification is off/);
    } finally {
      await insecure.close();
    }
  });
});
