import { startDemo } from '../../src/demo';

describe('the demo configuration', () => {
  it('binds loopback unless HOST asks otherwise (it has no caller authentication)', async () => {
    const local = await startDemo({});
    // Sessions come and go upstream, so GraphiQL's subscriptions have something to show.
    expect(local.simulators.graph.churn.running).toBe(true);
    expect(local.simulators.veeam.churn.running).toBe(true);
    await local.simulators.close();
    expect(local.config.server).toMatchObject({ host: '127.0.0.1', port: 4000 });
    expect(local.config.auth.mode).toBe('none');
    const exposed = await startDemo({ HOST: '0.0.0.0', PORT: '4100' });
    await exposed.simulators.close();
    expect(exposed.config.server).toMatchObject({ host: '0.0.0.0', port: 4100 });
  });
});
