import { request } from 'undici';
import { startSimulators, type SimulatorPair } from '../../src/simulators/startSimulators';
import { freePort, killLeftovers, startCompiledGateway, waitUntilReady, writeConfig, type GatewayProcess } from '../support/gatewayProcess';
import { until } from '../support/manualClock';
import { REDIS_SERVER, startOwnRedis, type OwnRedis } from '../support/ownRedis';
import { describeWithTool } from '../support/tools';

describeWithTool('redis-server', REDIS_SERVER, 'two gateway processes sharing a Redis of the test’s own', () => {
  let sims: SimulatorPair;
  let redis: OwnRedis;
  beforeAll(async () => {
    [sims, redis] = await Promise.all([startSimulators({ graph: { sessionCount: 30 }, veeam: { sessionCount: 30, tls: false } }), startOwnRedis()]);
  });
  afterAll(async () => {
    await killLeftovers();
    await Promise.all([sims.close(), redis.kill()]);
  });

  const configFor = (port: number) => `server: { port: ${port}, host: 127.0.0.1, shutdownDelaySeconds: 0 }
cache: { listTtlSeconds: 1, redis: { url: "${redis.url}" } }
sources:
  - { id: vbo-eu, vendor: veeam, name: VBO, baseUrl: "${sims.veeam.url}", apiVersion: v6, auth: { username: 'TECH\\svc-gateway', password: "\${VBO_PASSWORD}" } }
`;
  const count = async (port: number, search: string) => {
    const res = await request(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ restoreSessions(filter: { search: "${search}" }) { totalCount } }` }),
    });
    return ((await res.body.json()) as { data: { restoreSessions: { totalCount: number } } }).data.restoreSessions.totalCount;
  };
  const holds = (gw: GatewayProcess) => gw.logs().some((l) => l.msg === 'this replica now reads the source (lease taken)');

  it('when the replica reading a source is killed, the other takes the lease over within 15 s and keeps the index current', async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const env = { VBO_PASSWORD: sims.veeam.password };
    const a = startCompiledGateway(writeConfig(configFor(portA)), env);
    await waitUntilReady(portA);
    const b = startCompiledGateway(writeConfig(configFor(portB)), env);
    await waitUntilReady(portB);
    expect(holds(a)).toBe(true);
    expect(holds(b)).toBe(false);

    const before = sims.veeam.addSession({ state: 'Working' });
    await until(async () => (await count(portB, before.id)) === 1, 'B sees what A read');

    a.child.kill('SIGKILL');
    // The lease lives 10 s and B checks every 2 s: it takes over within 12 s (the bound below leaves slack for a loaded machine).
    await until(() => holds(b), 'B takes the lease over', 20_000);
    const after = sims.veeam.addSession({ state: 'Working' });
    await until(async () => (await count(portB, after.id)) === 1, 'B, now reading the source itself, sees a new session');
    b.child.kill('SIGTERM');
    await b.exited;
  }, 60_000);
});
