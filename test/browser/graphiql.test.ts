import type { Browser } from 'playwright-core';
import { startHarness, type Harness } from '../support/harness';
import { CHROMIUM, launchChromium } from '../support/browser';
import { describeWithTool } from '../support/tools';

describeWithTool('chromium', CHROMIUM, 'GraphiQL in a real browser, offline', () => {
  let h: Harness;
  let browser: Browser;

  beforeAll(async () => {
    h = await startHarness({ graph: { sessionCount: 20 }, veeam: { sessionCount: 20 } });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('loads GraphiQL with every non-loopback request blocked, runs the example query and shows the result', async () => {
    const context = await browser.newContext();
    const blocked: string[] = [];
    await context.route('**/*', (route) => {
      const { hostname } = new URL(route.request().url());
      if (hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]') return route.continue();
      blocked.push(route.request().url());
      return route.abort();
    });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${h.url}/graphql`);
    await page.waitForSelector('.graphiql-execute-button', { timeout: 20_000 });
    // The example query is preloaded; run it.
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(() => (document.querySelector('.result-window')?.textContent ?? '').includes('totalCount'), undefined, { timeout: 20_000 });
    const result = (await page.textContent('.result-window')) ?? '';
    expect(result).toContain('"restoreSessions"');
    expect(result).toContain('"totalCount": 40');
    expect(result).toContain('VeeamRestoreSession');
    // The schema docs are there: the explorer lists the Query type's fields.
    await page.click('[aria-label="Show Documentation Explorer"]');
    await page.waitForSelector('.graphiql-doc-explorer', { timeout: 10_000 });
    expect(await page.textContent('.graphiql-doc-explorer')).toContain('Query');
    expect(blocked).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 60_000);

  it('sends an API key typed into the GraphiQL headers editor', async () => {
    const key = 'browser-reader-key-0123456789';
    const secured = await startHarness({
      graph: { sessionCount: 3 },
      veeam: { sessionCount: 3 },
      configure: (raw) => {
        raw.auth = { mode: 'apiKey', apiKeys: [{ key, role: 'reader' }] };
      },
    });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${secured.url}/graphql`);
      await page.waitForSelector('.graphiql-execute-button', { timeout: 20_000 });
      await page.click('.graphiql-execute-button');
      await page.waitForFunction(() => (document.querySelector('.result-window')?.textContent ?? '').includes('UNAUTHENTICATED'), undefined, {
        timeout: 20_000,
      });

      await page.click('.graphiql-editor-tools button[data-name="headers"]');
      const headersEditor = page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror').last();
      await headersEditor.click();
      await page.keyboard.type(`{"x-api-key": "${key}"`);
      await page.click('.graphiql-execute-button');
      await page.waitForFunction(() => (document.querySelector('.result-window')?.textContent ?? '').includes('"totalCount": 6'), undefined, {
        timeout: 20_000,
      });

      // The same key authenticates a subscription (sent in graphql-ws connection_init).
      const stopped = [...secured.veeam.sessions.values()].find((s) => s.state === 'Stopped')!;
      const id = Buffer.from(`rs1:vbo-eu:${stopped.id}`).toString('base64url');
      await page.locator('.graphiql-query-editor .CodeMirror').first().click();
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Delete');
      await page.keyboard.type(`subscription Watch { restoreSessionProgress(id: "${id}") { status`);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(800);
      await page.click('.graphiql-execute-button');
      await page.waitForFunction(() => (document.querySelector('.result-window')?.textContent ?? '').includes('restoreSessionProgress'), undefined, {
        timeout: 20_000,
      });
    } finally {
      await context.close();
      await secured.close();
    }
  }, 60_000);

  it('runs a subscription from GraphiQL over graphql-ws', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${h.url}/graphql`);
      await page.waitForSelector('.graphiql-execute-button', { timeout: 20_000 });
      const stopped = [...h.veeam.sessions.values()].find((s) => s.state === 'Stopped')!;
      const id = Buffer.from(`rs1:vbo-eu:${stopped.id}`).toString('base64url');
      await page.locator('.graphiql-query-editor .CodeMirror').first().click();
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Delete');
      await page.keyboard.type(`subscription Watch { restoreSessionProgress(id: "${id}") { __typename status`);
      await page.keyboard.press('Escape');
      // Let GraphiQL re-parse the document, so it runs this operation and not the previous one.
      await page.waitForTimeout(800);
      await page.click('.graphiql-execute-button');
      await page.waitForFunction(() => (document.querySelector('.result-window')?.textContent ?? '').includes('restoreSessionProgress'), undefined, {
        timeout: 20_000,
      });
      const result = (await page.textContent('.result-window')) ?? '';
      expect(result).toContain('"__typename": "VeeamRestoreSession"');
    } finally {
      await context.close();
    }
  }, 60_000);
});
