// Fails when a generated file is stale: regenerates in place, compares, and puts the old copy back.
const { execFileSync } = require('node:child_process');
const { readFileSync, writeFileSync, existsSync, unlinkSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const generated = ['src/__generated__/resolvers-types.ts', 'schema.graphql'];
const before = new Map(generated.map((file) => [file, existsSync(path.join(root, file)) ? readFileSync(path.join(root, file), 'utf8') : null]));
execFileSync(path.join(root, 'node_modules', '.bin', 'graphql-codegen'), ['--config', 'codegen.yml', '--silent'], { cwd: root, stdio: 'inherit' });
const stale = generated.filter((file) => readFileSync(path.join(root, file), 'utf8') !== before.get(file));
for (const file of stale) {
  const old = before.get(file);
  if (old === null) unlinkSync(path.join(root, file));
  else writeFileSync(path.join(root, file), old);
}
if (stale.length > 0) {
  console.error(`${stale.join(' and ')} ${stale.length > 1 ? 'are' : 'is'} stale: the schema changed. Run \`npm run codegen\` and commit the result.`);
  process.exit(1);
}
console.log('generated resolver types and schema.graphql are up to date');
