// Jest global setup: compiles the gateway into dist/ once, so process tests run what `npm start`
// and the Dockerfile run (node dist/main.js with NODE_ENV=production), not the TypeScript sources.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async () => {
  const root = path.join(__dirname, '..', '..');
  execFileSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
};
