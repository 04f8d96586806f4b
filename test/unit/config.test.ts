import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfigFile, parseConfig } from '../../src/config';

const valid = () => ({
  auth: { mode: 'none' },
  sources: [
    {
      id: 'contoso',
      vendor: 'msgraph',
      name: 'Contoso',
      baseUrl: 'https://graph.microsoft.com/v1.0',
      auth: { tenantId: 't', clientId: 'c', clientSecret: '${CONTOSO_SECRET}' },
    },
    {
      id: 'vbo-eu',
      vendor: 'veeam',
      name: 'VB365 EU',
      baseUrl: 'https://vbo-eu.example.net:4443',
      apiVersion: 'v8',
      auth: { username: 'svc', password: 'pre-${VBO_PASSWORD}-post' },
      tls: { caFile: './certs/ca.pem' },
    },
  ],
});

function expectConfigError(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(pattern);
    return;
  }
  throw new Error('configuration was accepted');
}

describe('configuration', () => {
  const env = { CONTOSO_SECRET: 'p@ss:${not-a-var}"\'', VBO_PASSWORD: 'xyz' };

  it('replaces ${VAR} after parsing, also inside longer strings, keeping any character of the secret', () => {
    const config = parseConfig(valid(), { env, baseDir: '/etc/gateway' });
    const [graph, veeam] = config.sources;
    expect(graph.vendor === 'msgraph' && graph.auth.clientSecret).toBe(env.CONTOSO_SECRET);
    expect(veeam.vendor === 'veeam' && veeam.auth.password).toBe('pre-xyz-post');
    expect(veeam.tls?.caFile).toBe(path.resolve('/etc/gateway', 'certs/ca.pem'));
    expect(config.server.port).toBe(4000);
    expect(config.cache.listTtlSeconds).toBe(5);
  });

  it('names a missing environment variable and the key that uses it', () => {
    expectConfigError(
      () => parseConfig(valid(), { env: { CONTOSO_SECRET: 'x' } }),
      /sources\[1\]\.auth\.password: environment variable VBO_PASSWORD is not set/,
    );
  });

  it('names an unknown key', () => {
    const raw = valid() as Record<string, any>;
    raw.sources[1].tls.insecureSkipVerfy = true;
    expectConfigError(() => parseConfig(raw, { env }), /sources\[1\]\.tls\.insecureSkipVerfy: unknown key/);
    expectConfigError(() => parseConfig({ ...valid(), serve: {} }, { env }), /serve: unknown key/);
  });

  it('names a wrong value, a wrong vendor, a duplicate id, an unsupported auth mode', () => {
    const raw = valid() as Record<string, any>;
    raw.sources[1].apiVersion = 'v5';
    expectConfigError(() => parseConfig(raw, { env }), /sources\[1\]\.apiVersion/);
    const dup = valid();
    dup.sources[1].id = 'contoso';
    expectConfigError(() => parseConfig(dup, { env }), /sources\[1\]\.id: duplicate source id 'contoso'/);
    expectConfigError(() => parseConfig({ ...valid(), sources: [{ ...valid().sources[0], vendor: 'ibm' }] }, { env }), /sources\[0\]\.vendor/);
    expectConfigError(() => parseConfig({ ...valid(), sources: [{ ...valid().sources[0], baseUrl: 'ftp://x' }] }, { env }), /sources\[0\]\.baseUrl/);
    expectConfigError(() => parseConfig({ ...valid(), auth: { mode: 'oauth' } }, { env }), /auth\.mode/);
    expectConfigError(() => parseConfig({ ...valid(), auth: { mode: 'apiKey' } }, { env }), /auth\.apiKeys/);
    expectConfigError(
      () => parseConfig({ ...valid(), auth: { mode: 'apiKey', apiKeys: [{ key: 'short', role: 'reader' }] } }, { env }),
      /auth\.apiKeys\[0\]\.key: must be at least 16 characters/,
    );
    expectConfigError(
      () => parseConfig({ ...valid(), auth: { mode: 'apiKey', apiKeys: [{ key: 'k'.repeat(20), role: 'admin' }] } }, { env }),
      /auth\.apiKeys\[0\]\.role/,
    );
    expectConfigError(
      () =>
        parseConfig({ ...valid(), auth: { mode: 'jwt', jwt: { secret: 's'.repeat(40), jwksUrl: 'https://idp/keys', issuer: 'i', audience: 'a' } } }, { env }),
      /auth\.jwt: give exactly one of secret and jwksUrl/,
    );
    expectConfigError(() => parseConfig({ sources: [] }, { env }), /sources: needs at least one source/);
  });

  it('lets PORT override server.port and refuses a bad PORT', () => {
    expect(parseConfig(valid(), { env: { ...env, PORT: '8080' } }).server.port).toBe(8080);
    expectConfigError(() => parseConfig(valid(), { env: { ...env, PORT: 'eighty' } }), /PORT/);
  });

  it('reads YAML and JSON files and resolves relative paths against the file’s folder', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gw-config-'));
    const yamlFile = path.join(dir, 'gateway.yaml');
    writeFileSync(
      yamlFile,
      `sources:\n  - id: vbo\n    vendor: veeam\n    name: VBO\n    baseUrl: https://vbo:4443\n    auth: { username: u, password: "\${VBO_PASSWORD}" }\n    tls: { caFile: ca.pem }\n`,
    );
    const config = loadConfigFile(yamlFile, env);
    expect(config.sources[0].tls?.caFile).toBe(path.join(dir, 'ca.pem'));
    const jsonFile = path.join(dir, 'gateway.json');
    writeFileSync(jsonFile, JSON.stringify(valid()));
    expect(loadConfigFile(jsonFile, env).sources).toHaveLength(2);
    writeFileSync(yamlFile, 'sources: [ {');
    expectConfigError(() => loadConfigFile(yamlFile, env), /not valid YAML/);
    expectConfigError(() => loadConfigFile(path.join(dir, 'missing.yaml'), env), /cannot read configuration file/);
  });
});
