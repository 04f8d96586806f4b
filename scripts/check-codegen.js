// Fails when src/__generated__ is stale: regenerates into a temporary copy and compares.
const { execFileSync } = require('node:child_process');
const { readFileSync, writeFileSync, existsSync } = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', 'src', '__generated__', 'resolvers-types.ts');
const before = existsSync(file) ? readFileSync(file, 'utf8') : null;
execFileSync(path.join(__dirname, '..', 'node_modules', '.bin', 'graphql-codegen'), ['--config', 'codegen.yml', '--silent'], {
  cwd: path.join(__dirname, '..'),
  stdio: 'inherit',
});
const after = readFileSync(file, 'utf8');
if (before !== after) {
  if (before !== null) writeFileSync(file, before);
  console.error('src/__generated__/resolvers-types.ts is stale: the schema changed. Run `npm run codegen` and commit the result.');
  process.exit(1);
}
console.log('generated resolver types are up to date');
