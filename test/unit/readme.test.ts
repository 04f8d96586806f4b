import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../src/config';

const README = readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
const yamlBlocks = [...README.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
const env = new Proxy(
  {},
  {
    get: (_t, name) => (typeof name === 'string' && name !== 'PORT' && name !== 'HOST' ? `value-of-${name}-0123456789abcdef0123456789abcdef` : undefined),
  },
);
const stubSource = { id: 's', vendor: 'veeam', name: 'S', baseUrl: 'https://s:4443', auth: { username: 'u', password: 'p' } };

describe('the README’s configuration examples', () => {
  it.each(yamlBlocks.map((block, i) => [i, block]))('block %i is valid YAML and a valid configuration (alternatives split on `# or`)', (_i, block) => {
    // A block may show alternatives after a `# or` line; each must stand on its own.
    for (const part of block.split(/^# or$/m)) {
      const raw = parseYaml(part) as Record<string, unknown>;
      expect(raw).toBeTruthy();
      const config = parseConfig({ sources: [stubSource], ...raw }, { env });
      expect(config.sources.length).toBeGreaterThan(0);
    }
  });
});
