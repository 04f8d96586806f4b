import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startHarness, type Harness } from '../support/harness';
import { CHROMIUM, launchChromium } from '../support/browser';
import { describeWithTool, IN_CI } from '../support/tools';

/**
 * The reference dashboard (examples/dashboard) in a real browser, served on another origin than
 * the gateway: it lists sessions, shows stats, follows changes made upstream without a reload,
 * names a failed source in a banner, and in allow-list mode works with document hashes alone.
 * The gateway answers CORS for the dashboard's origin (server.cors) and knows the dashboard's
 * documents (server.persistedDocuments, the manifest its codegen writes).
 */

const ROOT = path.resolve(__dirname, '../..');
const DASHBOARD = path.join(ROOT, 'examples', 'dashboard');
const MANIFEST = path.join(DASHBOARD, 'src', 'gql', 'persisted-documents.json');

/** A package's bin script, installed in the dashboard's own node_modules or hoisted to the root's. */
function packageBin(name: string, bin: string): string | null {
  for (const modules of [path.join(DASHBOARD, 'node_modules'), path.join(ROOT, 'node_modules')]) {
    const manifest = path.join(modules, name, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: string | Record<string, string> };
    const file = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.[bin];
    if (file) return path.join(modules, name, file);
  }
  return null;
}

const VITE = packageBin('vite', 'vite');
const CODEGEN = packageBin('@graphql-codegen/cli', 'graphql-codegen');
const HAS_PRESET = [DASHBOARD, ROOT].some((dir) => existsSync(path.join(dir, 'node_modules', '@graphql-codegen', 'client-preset')));

function describeDashboard(name: string, body: () => void): void {
  if (!(VITE && CODEGEN && HAS_PRESET) && !IN_CI) {
    describe.skip(`${name} (skipped: the dashboard's dependencies are not installed: npm install in examples/dashboard)`, body);
    return;
  }
  describeWithTool('chromium', CHROMIUM, name, body);
}

function runNode(script: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, ...args], { cwd: DASHBOARD, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${path.basename(script)} ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`)) : resolve(),
    );
  });
}

/** `vite build` into `outDir` with the given VITE_* settings (the documents are generated once, in beforeAll). */
function buildDashboard(outDir: string, env: Record<string, string>): Promise<void> {
  return runNode(VITE!, ['build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], { VITE_REFRESH_SECONDS: '0', ...env });
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

/** A static server for a built dashboard on its own origin (any path that is not a file: index.html). */
async function serveStatic(dir: string): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    let file = path.join(dir, pathname);
    if (!file.startsWith(dir + path.sep) || !existsSync(file) || !statSync(file).isFile()) file = path.join(dir, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const globalId = (sourceId: string, vendorId: string) => Buffer.from(`rs1:${sourceId}:${vendorId}`).toString('base64url');
const row = (id: string) => `[data-testid="session-row"][data-session-id="${id}"]`;

interface SentOperation {
  transport: 'http' | 'ws';
  operationName?: string;
  query?: string;
  documentId?: string;
  sha256Hash?: string;
}

/** Every GraphQL operation the page sends to `gatewayUrl`, over HTTP and graphql-ws. */
function recordOperations(page: Page, gatewayUrl: string): SentOperation[] {
  const sent: SentOperation[] = [];
  const read = (
    transport: SentOperation['transport'],
    body: { operationName?: string; query?: string; documentId?: string; extensions?: { persistedQuery?: { sha256Hash?: string } } },
  ) =>
    sent.push({
      transport,
      operationName: body.operationName,
      query: body.query,
      documentId: body.documentId,
      sha256Hash: body.extensions?.persistedQuery?.sha256Hash,
    });
  page.on('request', (request) => {
    if (request.url() === gatewayUrl && request.method() === 'POST') read('http', JSON.parse(request.postData() ?? '{}'));
  });
  page.on('websocket', (ws) =>
    ws.on('framesent', ({ payload }) => {
      const message = JSON.parse(String(payload)) as { type: string; payload?: object };
      if (message.type === 'subscribe') read('ws', message.payload ?? {});
    }),
  );
  return sent;
}

/** One gateway (with CORS for the dashboard's origin and the dashboard's manifest) and one build served on another origin. */
async function startStack(mode: 'preferred' | 'allowList', build: Record<string, string>) {
  const outDir = mkdtempSync(path.join(tmpdir(), 'dashboard-dist-'));
  const site = await serveStatic(outDir);
  let h: Harness | undefined;
  const close = async () => {
    await site.close();
    await h?.close();
    rmSync(outDir, { recursive: true, force: true });
  };
  try {
    h = await startHarness({
      graph: { sessionCount: 15 },
      veeam: { sessionCount: 15 },
      veeamVersion: 'v8',
      configure: (raw) => {
        raw.cache.listTtlSeconds = 0.2;
        raw.sync = { liveIntervalSeconds: 0.2 };
        raw.server.cors = { origins: [site.origin] };
        raw.server.persistedDocuments = { manifest: MANIFEST, mode };
      },
    });
    const gatewayUrl = `${h.url}/graphql`;
    await buildDashboard(outDir, { VITE_GATEWAY_URL: gatewayUrl, ...build });
    return { h, site, gatewayUrl, close };
  } catch (err) {
    await close();
    throw err;
  }
}

describeDashboard('the reference dashboard in a real browser, on another origin than the gateway', () => {
  let browser: Browser;

  beforeAll(async () => {
    // The typed documents and persisted-documents.json, from the gateway's schema.
    await runNode(CODEGEN!, ['--config', 'codegen.ts', '--silent']);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function openDashboard(): Promise<{ context: BrowserContext; page: Page; pageErrors: string[] }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    return { context, page, pageErrors };
  }

  it('lists sessions and stats, follows upstream changes without a reload, and names a failed source in a banner', async () => {
    const stack = await startStack('preferred', {});
    const { h, site, gatewayUrl } = stack;
    const { context, page, pageErrors } = await openDashboard();
    try {
      const sent = recordOperations(page, gatewayUrl);
      await page.goto(site.origin);

      // The merged list (25 a page), its total, and the stats.
      await page.waitForSelector('[data-testid="session-row"]', { timeout: 20_000 });
      expect(await page.locator('[data-testid="session-row"]').count()).toBe(25);
      await expect(page.textContent('[data-testid="total-count"]')).resolves.toBe('30');
      await page.waitForFunction(() => document.querySelector('[data-testid="stats-total"]')?.textContent === '30', undefined, { timeout: 10_000 });
      await expect(page.getAttribute('[data-testid="stat-source-contoso"]', 'data-count')).resolves.toBe('15');
      await expect(page.getAttribute('[data-testid="stat-source-vbo-eu"]', 'data-count')).resolves.toBe('15');
      const statusCounts = await page.$$eval('[data-testid^="stat-status-"]', (items) =>
        items.reduce((sum, item) => sum + Number(item.getAttribute('data-count')), 0),
      );
      expect(statusCounts).toBe(30);
      // Keyset paging: the next page holds the other 5.
      await page.click('[data-testid="next-page"]');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="session-row"]').length === 5, undefined, { timeout: 10_000 });
      await page.click('[data-testid="prev-page"]');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="session-row"]').length === 25, undefined, { timeout: 10_000 });
      await page.waitForSelector('[data-testid="live-indicator"][data-state="live"]', { timeout: 10_000 });

      // Changes upstream show without a reload.
      await page.evaluate(() => Object.assign(window, { __sameDocument: true }));
      const created = h.veeam.addSession({ state: 'Working', result: 'Success' });
      const createdId = globalId('vbo-eu', created.id);
      await page.waitForSelector(row(createdId), { timeout: 15_000 });
      await expect(page.getAttribute(row(createdId), 'data-status')).resolves.toBe('RUNNING');
      await page.waitForFunction(() => document.querySelector('[data-testid="total-count"]')?.textContent === '31', undefined, { timeout: 10_000 });

      // Its progress follows restoreSessionProgress while it runs.
      await page.click(row(createdId));
      await page.waitForSelector(`[data-testid="progress-panel"][data-session-id="${createdId}"] [data-testid="progress-bar"]`, { timeout: 10_000 });

      h.veeam.updateSession(created.id, { state: 'Stopped', result: 'Failed' });
      await page.waitForSelector(`${row(createdId)}[data-status="FAILED"]`, { timeout: 15_000 });
      await page.waitForSelector('[data-testid="progress-status"]:text("Failed")', { timeout: 10_000 });

      const graphSession = h.graph.store.addSession({ workload: 'exchange', status: 'active' });
      await page.waitForSelector(row(globalId('contoso', graphSession.id)), { timeout: 15_000 });

      h.veeam.removeSession(created.id);
      await page.waitForSelector(row(createdId), { state: 'detached', timeout: 15_000 });
      await page.waitForSelector('[data-testid="change-item"][data-kind="REMOVED"]', { timeout: 5_000 });
      await expect(page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).resolves.toBe(true);

      // A source that fails: a banner names it, the other source's sessions stay.
      h.veeam.server.faults.update({ down: true });
      await h.refresh().catch(() => undefined);
      await page.click('[data-testid="refresh"]');
      const banner = page.locator('[data-testid="source-banner"][data-source-id="vbo-eu"]');
      await banner.waitFor({ timeout: 15_000 });
      await expect(banner.getAttribute('data-code')).resolves.toBe('UPSTREAM_UNAVAILABLE');
      await expect(banner.textContent()).resolves.toMatch(/VB365 Europe.*unavailable/);
      await page.waitForFunction(
        () => Array.from(document.querySelectorAll('[data-testid="session-row"]')).every((r) => r.textContent?.includes('Contoso tenant')),
        undefined,
        { timeout: 10_000 },
      );
      expect(await page.locator('[data-testid="session-row"]').count()).toBe(16);

      // Every operation named its document by hash; the gateway knew them all, so no text was sent.
      expect(sent.length).toBeGreaterThan(0);
      const hashes = new Set(Object.keys(JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, string>));
      for (const op of sent) expect(op).toMatchObject({ sha256Hash: expect.any(String) });
      expect(sent.filter((op) => !hashes.has(op.sha256Hash!))).toEqual([]);
      expect(sent.filter((op) => op.query)).toEqual([]);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
      await stack.close();
    }
  }, 120_000);

  it('works on document hashes alone against an allow-list gateway, which refuses a hand-written document from the same page', async () => {
    const stack = await startStack('allowList', { VITE_PERSISTED: 'only' });
    const { h, site, gatewayUrl } = stack;
    const { context, page, pageErrors } = await openDashboard();
    try {
      const sent = recordOperations(page, gatewayUrl);
      await page.goto(site.origin);
      await page.waitForSelector('[data-testid="session-row"]', { timeout: 20_000 });
      await expect(page.textContent('[data-testid="total-count"]')).resolves.toBe('30');
      await page.waitForFunction(() => document.querySelector('[data-testid="stats-total"]')?.textContent === '30', undefined, { timeout: 10_000 });
      await page.waitForSelector('[data-testid="live-indicator"][data-state="live"]', { timeout: 10_000 });

      // Subscriptions run on hashes too.
      const created = h.veeam.addSession({ state: 'Working', result: 'Success' });
      await page.waitForSelector(row(globalId('vbo-eu', created.id)), { timeout: 15_000 });
      expect(await page.locator('[data-testid="error-banner"]').count()).toBe(0);

      // No query text ever left the page: HTTP bodies carry the hash (and documentId), subscriptions an empty query.
      expect(sent.some((op) => op.transport === 'http')).toBe(true);
      expect(sent.some((op) => op.transport === 'ws')).toBe(true);
      for (const op of sent) {
        expect(op.query ?? '').toBe('');
        expect(op).toMatchObject({ sha256Hash: expect.any(String), documentId: op.sha256Hash });
      }

      // A document written by hand, from the dashboard's own origin, is refused.
      const refused = await page.evaluate(async (url) => {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ sources { id name } }' }),
        });
        return { status: res.status, body: (await res.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> } };
      }, gatewayUrl);
      expect(refused.body.data ?? null).toBeNull();
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ID_REQUIRED');
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
      await stack.close();
    }
  }, 120_000);
});
