import { chromium, type Browser } from 'playwright-core';
import { findExecutable } from './tools';

/** Debian's chromium (what `.ci/run` installs); null where there is none, and the browser tests skip saying so. */
export const CHROMIUM = findExecutable(['/usr/bin/chromium', 'chromium', 'chromium-browser']);

/** Headless chromium as the browser tests use it: no sandbox (containers), nothing fetched from the internet on its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
