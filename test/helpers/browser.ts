// Headless Chromium for browser tests, from the npm package @sparticuz/chromium (the
// binary ships inside it), driven by playwright-core: no browser download, nothing
// outside npm.
import chromium from '@sparticuz/chromium';
import { chromium as playwright, type Browser } from 'playwright-core';

export async function launchBrowser(): Promise<Browser> {
  return playwright.launch({
    executablePath: await chromium.executablePath(),
    // --single-process suits Lambda, but there closing one page ends the whole browser.
    args: [
      ...chromium.args.filter((arg) => arg !== '--single-process'),
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    headless: true,
  });
}
