// `npm run schema:diff -- <git ref | schema file>`: what changed in the schema since another
// revision (or since a printed schema, e.g. the one production serves), grouped as GraphQL
// Inspector classifies it: breaking, dangerous, safe. Exits 1 when something breaks clients, so a
// CI step can use it; `--allow-breaking` reports without failing.
const { execFileSync } = require('node:child_process');
const { existsSync, readFileSync, readdirSync, statSync } = require('node:fs');
const path = require('node:path');
const { buildSchema } = require('graphql');
const { diff, CriticalityLevel } = require('@graphql-inspector/core');

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);
const ref = args.find((a) => !a.startsWith('--'));
if (!ref) {
  console.error('usage: npm run schema:diff -- <git ref | schema file> [--allow-breaking]   e.g. npm run schema:diff -- origin/main');
  process.exit(2);
}

const git = (...gitArgs) => execFileSync('git', gitArgs, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** The SDL at a revision: its schema/*.graphql files, read through git (the working tree is untouched). */
function sdlAt(revision) {
  let files;
  try {
    files = git('ls-tree', '--name-only', `${revision}:schema`)
      .split('\n')
      .filter((f) => f.endsWith('.graphql'));
  } catch (err) {
    console.error(`cannot read schema/ at ${revision}: ${String(err.stderr || err.message).trim()}`);
    process.exit(2);
  }
  return files
    .sort()
    .map((f) => git('show', `${revision}:schema/${f}`))
    .join('\n');
}

/** The SDL in the working tree, as the gateway loads it. */
function sdlHere() {
  const dir = path.join(root, 'schema');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');
}

/** A file path names a printed schema; anything else is a git revision. */
function baseline(refOrFile) {
  if (existsSync(refOrFile) && statSync(refOrFile).isFile()) return readFileSync(refOrFile, 'utf8');
  return sdlAt(refOrFile);
}

async function main() {
  const changes = await diff(buildSchema(baseline(ref)), buildSchema(sdlHere()));
  const groups = [
    [CriticalityLevel.Breaking, 'Breaking (existing clients may fail)'],
    [CriticalityLevel.Dangerous, 'Dangerous (valid, but may change what clients see)'],
    [CriticalityLevel.NonBreaking, 'Safe'],
  ];
  console.log(`Schema changes from ${ref} to the working tree: ${changes.length}`);
  for (const [level, title] of groups) {
    const inGroup = changes.filter((c) => c.criticality.level === level);
    if (inGroup.length === 0) continue;
    console.log(`\n${title}: ${inGroup.length}`);
    for (const change of inGroup) {
      const why = change.criticality.reason ? ` (${change.criticality.reason})` : '';
      console.log(`  - ${change.message}${level === CriticalityLevel.NonBreaking ? '' : why}`);
    }
  }
  const breaking = changes.filter((c) => c.criticality.level === CriticalityLevel.Breaking).length;
  if (breaking > 0 && !args.includes('--allow-breaking')) process.exit(1);
}

main().catch((err) => {
  console.error(err.stack || String(err));
  process.exit(2);
});
