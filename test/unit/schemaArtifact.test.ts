import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { diff } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';
import { loadTypeDefs } from '../../src/schema';

const ROOT = path.join(__dirname, '..', '..');
const printed = () => readFileSync(path.join(ROOT, 'schema.graphql'), 'utf8');

function schemaDiff(baselineSdl: string, ...flags: string[]) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'rsgw-schema-')), 'old.graphql');
  writeFileSync(file, baselineSdl);
  const run = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'schema-diff.js'), file, ...flags], { cwd: ROOT, encoding: 'utf8' });
  return { status: run.status, out: run.stdout, err: run.stderr };
}

describe('schema.graphql, the printed schema for clients', () => {
  it('describes exactly the schema the gateway serves, descriptions included', async () => {
    const changes = await diff(buildSchema(printed()), buildSchema(loadTypeDefs()));
    expect(changes.map((c) => c.message)).toEqual([]);
  });
});

describe('npm run schema:diff', () => {
  it('reports no change against the current printed schema', () => {
    const run = schemaDiff(printed());
    expect(run.status).toBe(0);
    expect(run.out).toMatch(/changes from .* to the working tree: 0/);
  });

  it('lists a removed field as breaking and exits 1; a new enum value as dangerous; --allow-breaking reports without failing', () => {
    // The baseline had a field we no longer serve and lacked an enum value we now have.
    const baseline = printed()
      .replace(/type SourceSync \{/, 'type SourceSync {\n  retiredField: Int')
      .replace(/\n\s*"""Vet: Veeam Explorer for Microsoft Teams\. Workload TEAMS\."""\n\s*VET\n/, '\n');
    expect(baseline).not.toMatch(/^\s*VET$/m);
    const run = schemaDiff(baseline);
    expect(run.status).toBe(1);
    expect(run.out).toMatch(/Breaking \(existing clients may fail\): 1\n\s+- Field 'retiredField' .*was removed from object type 'SourceSync'/);
    expect(run.out).toMatch(/Dangerous[^\n]*: 1\n\s+- Enum value 'VET' was added to enum 'VeeamRestoreSessionType'/);
    expect(schemaDiff(baseline, '--allow-breaking').status).toBe(0);
  });

  it('says how to call it when the revision is missing', () => {
    const run = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'schema-diff.js')], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/usage: npm run schema:diff -- <git ref \| schema file>/);
  });
});
