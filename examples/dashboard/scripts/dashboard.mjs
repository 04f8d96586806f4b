#!/usr/bin/env node
/**
 * `npm run dashboard` (root): the demo gateway and this dashboard side by side, on two origins.
 *
 *   1. builds the dashboard when dist/ is missing or older than its sources (or was built with
 *      other VITE_* settings);
 *   2. starts the demo gateway (`node dist/main.js` at the repository root, NODE_ENV=production:
 *      the root `npm run build` must have run) on a free port of 127.0.0.1;
 *   3. serves dist/ with node:http on another port (another origin: the browser talks to the
 *      gateway cross-origin, as in production), telling the page where the gateway is;
 *   4. stops both on Ctrl+C / SIGTERM.
 *
 * `--allow-list`: the dashboard sends document hashes only (VITE_PERSISTED=only) and the demo
 * gateway runs only the documents of this dashboard's manifest. Without it, the demo resolves the
 * manifest's hashes and still accepts other documents (GraphiQL keeps working).
 *
 * Environment: GATEWAY_PORT, DASHBOARD_PORT (default: free ports), VITE_PERSISTED, VITE_API_KEY
 * (build settings, see README.md), DASHBOARD_REBUILD=1 (build even when dist/ looks current).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { URL, fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DASHBOARD = path.resolve(HERE, '..');
const ROOT = path.resolve(DASHBOARD, '../..');
const DIST = path.join(DASHBOARD, 'dist');
const STAMP = path.join(DIST, '.build-settings.json');
const HOST = '127.0.0.1';
const MANIFEST = path.join(DASHBOARD, 'src', 'gql', 'persisted-documents.json');
const ALLOW_LIST = process.argv.includes('--allow-list');
if (ALLOW_LIST) process.env.VITE_PERSISTED = 'only';

const log = (message) => console.log(`[dashboard] ${message}`);
const fail = (message) => {
  console.error(`[dashboard] ${message}`);
  process.exit(1);
};

// ---------------------------------------------------------------------------------------------
// 1. Build when needed.

/** The newest modification time under the given files and folders. */
function newest(paths) {
  let latest = 0;
  const visit = (p) => {
    if (!existsSync(p)) return;
    const stat = statSync(p);
    if (stat.isDirectory()) for (const entry of readdirSync(p)) visit(path.join(p, entry));
    else latest = Math.max(latest, stat.mtimeMs);
  };
  paths.forEach(visit);
  return latest;
}

function buildSettings() {
  return Object.fromEntries(
    Object.entries(process.env)
      .filter(([k]) => k.startsWith('VITE_'))
      .sort(),
  );
}

function needsBuild() {
  if (process.env.DASHBOARD_REBUILD === '1') return 'DASHBOARD_REBUILD=1';
  const index = path.join(DIST, 'index.html');
  if (!existsSync(index)) return 'no build yet';
  const sources = ['src', 'index.html', 'codegen.ts', 'vite.config.ts', 'package.json', '../../schema', '../../schema.graphql'];
  if (newest(sources.map((p) => path.join(DASHBOARD, p))) > statSync(index).mtimeMs) return 'sources changed';
  // A build without a record (npm run build) is taken as made with no VITE_* settings.
  const previous = existsSync(STAMP) ? readFileSync(STAMP, 'utf8') : '{}';
  if (previous !== JSON.stringify(buildSettings())) return 'VITE_* settings changed';
  return null;
}

function run(command, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} ended with ${signal ?? `exit code ${code}`}`)),
    );
  });
}

async function buildIfNeeded() {
  const reason = needsBuild();
  if (!reason) return log('dist/ is current: not building');
  log(`building the dashboard (${reason})`);
  try {
    await run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: DASHBOARD });
  } catch (err) {
    fail(`${err.message}. Are the dashboard's dependencies installed (npm install in examples/dashboard, or at the root once it is a workspace)?`);
  }
  writeFileSync(STAMP, JSON.stringify(buildSettings()));
}

// ---------------------------------------------------------------------------------------------
// 2. The demo gateway.

function freePort(preferred) {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err) => (preferred ? resolve(freePort(0)) : reject(err)));
    server.listen(preferred ?? 0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The HTTP status of a GET, or 0 when nothing answers. */
function statusOf(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
  });
}

async function waitForReady(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the gateway exited with code ${child.exitCode}`);
    // 503 while the sources' first reads run ("warming").
    if ((await statusOf(url)) === 200) return;
    await sleep(250);
  }
  throw new Error(`the gateway was not ready within ${timeoutMs / 1000} s`);
}

function startGateway(port) {
  const main = path.join(ROOT, 'dist', 'main.js');
  if (!existsSync(main)) fail(`${path.relative(process.cwd(), main)} is missing: run \`npm run build\` at the repository root first.`);
  // Its JSON log goes to a buffer; the last lines are printed if it fails.
  const child = spawn(process.execPath, ['--max-semi-space-size=2', main], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST,
      GATEWAY_CONFIG: '',
      DEMO_PERSISTED_DOCUMENTS: MANIFEST,
      DEMO_PERSISTED_MODE: ALLOW_LIST ? 'allowList' : 'preferred',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = [];
  child.stdout.on('data', (chunk) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - 40));
  });
  child.recentLog = () => lines.join('\n');
  return child;
}

// ---------------------------------------------------------------------------------------------
// 3. The static server.

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** Serves dist/; index.html for any other path, with the gateway's URL set for the page. */
function createStaticServer(gatewayUrl) {
  const indexHtml = readFileSync(path.join(DIST, 'index.html'), 'utf8').replace(
    '<head>',
    `<head>\n    <script>window.__DASHBOARD_CONFIG__ = ${JSON.stringify({ gatewayUrl }).replace(/</g, '\\u003c')};</script>`,
  );
  return http.createServer(async (req, res) => {
    res.setHeader('x-content-type-options', 'nosniff');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://dashboard').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const file = path.join(DIST, pathname);
    const inside = file.startsWith(DIST + path.sep) && !path.basename(file).startsWith('.');
    if (inside && existsSync(file) && statSync(file).isFile()) {
      const body = await readFile(file);
      // Hashed file names under assets/ never change.
      const cache = pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': cache, 'content-length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    if (pathname.startsWith('/assets/')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES['.html'], 'cache-control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : indexHtml);
  });
}

// ---------------------------------------------------------------------------------------------

async function main() {
  await buildIfNeeded();

  const gatewayPort = Number(process.env.GATEWAY_PORT) || (await freePort());
  const gateway = startGateway(gatewayPort);
  const gatewayUrl = `http://${HOST}:${gatewayPort}/graphql`;

  const server = createStaticServer(gatewayUrl);
  let stopping = false;
  const stop = (signal) => {
    if (stopping) {
      // A second Ctrl+C: do not wait for the gateway's drain.
      gateway.kill('SIGKILL');
      process.exit(130);
    }
    stopping = true;
    log(`${signal}: stopping the dashboard server and the gateway (it drains for a few seconds)`);
    server.closeAllConnections();
    server.close();
    if (gateway.exitCode === null) gateway.kill('SIGTERM');
    else process.exit(0);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  gateway.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(gateway.recentLog());
      fail(`the gateway stopped (${signal ?? `exit code ${code}`})`);
    }
    process.exit(0);
  });

  log(`starting the demo gateway on ${gatewayUrl}`);
  try {
    await waitForReady(`http://${HOST}:${gatewayPort}/readyz`, gateway, 60_000);
  } catch (err) {
    console.error(gateway.recentLog());
    gateway.kill('SIGTERM');
    fail(err.message);
  }
  if (stopping) return;

  // Another port than the gateway's: another origin.
  const dashboardPort = Number(process.env.DASHBOARD_PORT) || (await freePort(5180));
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(dashboardPort, HOST, resolve);
  });
  log(`gateway  ${gatewayUrl} (GraphiQL in a browser)`);
  log(`dashboard http://${HOST}:${dashboardPort}/`);
  log(
    ALLOW_LIST
      ? 'persisted documents: allow-list (only the dashboard’s manifest runs)'
      : 'persisted documents: preferred (hashes resolved, other documents still run)',
  );
  log('Ctrl+C stops both');
}

main().catch((err) => fail(err.stack ?? String(err)));
