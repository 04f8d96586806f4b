import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parse } from 'yaml';
import { describeWithTool, findExecutable } from '../support/tools';
import { loadConfigFile } from '../../src/config';

const COMPOSE = findExecutable(['docker-compose']);
const ROOT = path.resolve(__dirname, '../..');

describeWithTool('docker-compose', COMPOSE, 'docker-compose.yml', () => {
  it('is valid for docker-compose config: two gateway replicas sharing Redis, the simulators, Prometheus', () => {
    const output = execFileSync(COMPOSE ?? 'docker-compose', ['-f', path.join(ROOT, 'docker-compose.yml'), 'config'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const config = parse(output) as { services: Record<string, { environment?: Record<string, string>; depends_on?: unknown }> };
    expect(Object.keys(config.services).sort()).toEqual(['gateway-a', 'gateway-b', 'prometheus', 'redis', 'simulators']);
    for (const name of ['gateway-a', 'gateway-b']) {
      expect(config.services[name].environment?.GATEWAY_CONFIG).toBe('/config/gateway.yaml');
      expect(config.services[name].depends_on).toBeDefined();
    }
  });

  it('gives the replicas a configuration the gateway accepts, with Redis as the shared cache', () => {
    const config = loadConfigFile(path.join(ROOT, 'deploy/compose/gateway.yaml'), { GRAPH_CLIENT_SECRET: 'x', VBO_PASSWORD: 'y' });
    expect(config.cache.redis?.url).toBe('redis://redis:6379/0');
    expect(config.sources.map((s) => s.id)).toEqual(['contoso-graph', 'vbo-eu']);
  });
});
