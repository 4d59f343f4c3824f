import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../app.ts';

/**
 * Browser journeys against the real server: Debian's Chromium driven by playwright-core,
 * the application on a random port with a fresh seeded database, and the web built from
 * the current sources. A missing browser fails the run: browser tests never skip.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(ROOT, 'test-results', 'screenshots');
const WEB_DIST_INDEX = path.join(ROOT, 'web', 'dist', 'index.html');
const BUILD_LOCK = path.join(ROOT, 'node_modules', '.cache', 'ortak-web-build.lock');

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

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs; // a deleted file changes its folder
  for (const name of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, name)));
  return newest;
}

/** Everything the built web depends on: its sources, the shared catalogs, the installed packages. */
function sourcesMtime(): number {
  return Math.max(
    ...['web/src', 'web/index.html', 'web/vite.config.ts', 'src/platform/i18n/locales', 'src/platform/auth/actor.ts', 'package-lock.json'].map((p) =>
      newestMtime(path.join(ROOT, p)),
    ),
  );
}

function isStale(): boolean {
  return !fs.existsSync(WEB_DIST_INDEX) || fs.statSync(WEB_DIST_INDEX).mtimeMs < sourcesMtime();
}

function sleepSync(ms: number) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Builds web/dist when it is missing or older than its sources. Test files run side by side,
 * so a lock folder keeps two builds from writing the same directory at once.
 */
export function ensureWebBuilt(): void {
  if (!isStale()) return;
  fs.mkdirSync(path.dirname(BUILD_LOCK), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      fs.mkdirSync(BUILD_LOCK);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A lock left by a killed run: older than any build takes.
      if (Date.now() - fs.statSync(BUILD_LOCK, { throwIfNoEntry: false })!.mtimeMs > 120_000) fs.rmSync(BUILD_LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`web build lock ${BUILD_LOCK} held for 3 minutes`);
      sleepSync(250);
    }
  }
  try {
    if (!isStale()) return; // another test file built it while this one waited
    const started = Date.now();
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    console.log(`[e2e] built web/dist in ${Date.now() - started} ms`);
  } finally {
    fs.rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
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
    ensureWebBuilt(); // before buildApp, which serves web/dist only if it exists
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
