import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { ensureWebBuilt as buildWeb } from '../../src/web-build.ts';
import { createTestApp, type TestApp } from '../app.ts';

/**
 * Browser journeys against the real server: Debian's Chromium driven by playwright-core,
 * the application on a random port with a fresh seeded database, and the web built from
 * the current sources. A missing browser fails the run: browser tests never skip.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(ROOT, 'test-results', 'screenshots');

export const PHONE = { width: 360, height: 740 } as const;
export const DESKTOP = { width: 1280, height: 800 } as const;

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}; the browser tests need it and never skip. ` +
        'Install it with: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH).',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** Builds web/dist when it is missing or stale (src/web-build.ts: one lock across test files and starts). */
export async function ensureWebBuilt(): Promise<void> {
  await buildWeb((line) => console.log(`[e2e] ${line}`));
}

export interface E2E {
  browser: Browser;
  baseUrl: string;
  testApp: TestApp;
  /** A fresh browser profile (cookies, storage) with the given viewport and browser language. */
  newContext(opts?: BrowserContextOptions): Promise<BrowserContext>;
  close(): Promise<void>;
}

/** Builds the web if needed, starts the real server on a random port, launches Chromium. */
export async function startE2E(): Promise<E2E> {
  const browser = await launchBrowser(); // first: a missing browser is the clearest failure
  try {
    await ensureWebBuilt(); // before buildApp, which serves web/dist only if it exists
    const testApp = await createTestApp();
    await testApp.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = testApp.app.server.address();
    if (!addr || typeof addr === 'string') throw new Error('server has no TCP address');
    const baseUrl = `http://127.0.0.1:${addr.port}`;
    const contexts: BrowserContext[] = [];
    return {
      browser,
      baseUrl,
      testApp,
      async newContext(opts = {}) {
        const ctx = await browser.newContext({ baseURL: baseUrl, viewport: DESKTOP, locale: 'ru-RU', ...opts });
        contexts.push(ctx);
        return ctx;
      },
      async close() {
        for (const c of contexts) await c.close().catch(() => undefined);
        await browser.close();
        await testApp.close();
      },
    };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

export interface A11yFinding {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/** axe-core with the WCAG 2.1 A and AA rules; returns every finding (callers assert on serious/critical). */
export async function runAxe(page: Page): Promise<A11yFinding[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
}

export function seriousOnly(findings: A11yFinding[]): A11yFinding[] {
  return findings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
}

/** How many CSS pixels the page is wider than the viewport (0 when there is no horizontal scroll). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const el = document.scrollingElement ?? document.documentElement;
    return Math.max(el.scrollWidth, document.body.scrollWidth) - window.innerWidth;
  });
}

/** Saves a full-page screenshot as test-results/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  return file;
}
