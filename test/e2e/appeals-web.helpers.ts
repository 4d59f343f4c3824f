import fs from 'node:fs';
import path from 'node:path';
import { expect, onTestFailed } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { loadCatalogs, type Lang } from '../../src/platform/i18n/i18n.ts';
import { login } from '../app.ts';
import { DESKTOP, PHONE, SCREENSHOT_DIR, horizontalOverflow, runAxe, screenshot, seriousOnly, type A11yFinding, type E2E } from './browser.ts';

/**
 * Helpers of the appeals browser journeys (citizen, operator, public): catalog texts, the
 * per-screen checks (no sideways scroll, axe WCAG 2.1 AA, a screenshot in every language),
 * sign-in, and API calls on behalf of other roles.
 */

const catalogs = loadCatalogs();
export const LANGS: Lang[] = ['kk', 'ru', 'en'];
const LANG_NAME: Record<Lang, string> = { kk: 'Қазақша', ru: 'Русский', en: 'English' };
export const APPEALS_SHOTS = path.join(SCREENSHOT_DIR, 'appeals');

/** A text from the catalogs, as the page must show it (`appealsweb:new.title`, `web:login.title`). */
export function tr(lang: Lang, key: string, params: Record<string, string | number> = {}): string {
  const [ns, p] = key.includes(':') ? (key.split(':') as [string, string]) : ['appealsweb', key];
  let v: unknown = catalogs[lang][ns];
  for (const k of p.split('.')) v = (v as Record<string, unknown> | undefined)?.[k];
  if (typeof v !== 'string') throw new Error(`no catalog text ${lang} ${ns}:${p}`);
  return v.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(params[name] ?? ''));
}

export interface AxeRecord {
  screen: string;
  findings: A11yFinding[];
}
export const axeLog: AxeRecord[] = [];

/** No sideways scrolling, no serious or critical axe finding, and a screenshot under test-results/screenshots/appeals/. */
export async function checkScreen(page: Page, screen: string) {
  await page.waitForTimeout(300); // transitions (menu, padding, map tiles) settle before measuring
  expect(await horizontalOverflow(page), `${screen}: the page scrolls sideways`).toBeLessThanOrEqual(0);
  const findings = await runAxe(page);
  axeLog.push({ screen, findings });
  const serious = seriousOnly(findings);
  expect(serious, `${screen}: axe found ${JSON.stringify(serious, null, 2)}`).toEqual([]);
  fs.mkdirSync(APPEALS_SHOTS, { recursive: true });
  // From the top: a full-page shot of a scrolled page draws the fixed header in the middle.
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, `appeals/${screen}`);
}

export async function htmlLang(page: Page) {
  return page.evaluate(() => document.documentElement.lang);
}

export async function switchLang(page: Page, lang: Lang) {
  if ((await htmlLang(page)) === lang) return;
  await page.getByRole('button', { name: LANG_NAME[lang], exact: true }).click();
  await expect.poll(() => htmlLang(page)).toBe(lang);
}

export async function h1(page: Page) {
  return (await page.getByRole('heading', { level: 1 }).innerText()).trim();
}

/**
 * The screen in kk, ru and en: the heading from the catalog, the checks, a screenshot each
 * (`<name>-<lang>-<phone|desktop>`). Ends in `end` (default: the language it started in).
 */
export async function everyLanguage(page: Page, name: string, opts: { h1Key?: string; h1Params?: Record<string, string>; end?: Lang; extra?: (lang: Lang) => Promise<void> } = {}) {
  const start = (await htmlLang(page)) as Lang;
  const size = page.viewportSize()?.width === PHONE.width ? 'phone' : 'desktop';
  for (const lang of LANGS) {
    await switchLang(page, lang);
    if (opts.h1Key) await expect.poll(() => h1(page)).toBe(tr(lang, opts.h1Key, opts.h1Params));
    await opts.extra?.(lang);
    await checkScreen(page, `${name}-${lang}-${size}`);
  }
  await switchLang(page, opts.end ?? start);
}

export async function signIn(page: Page, loginName: string, password = 'demo') {
  await page.goto('/login');
  await page.locator('input[name="login"]').fill(loginName);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('form button[type="submit"]').click();
  await page.getByTestId('me-name').waitFor();
}

export interface Session {
  page: Page;
  context: BrowserContext;
  /** Closes the browser profile; fails if the page threw an uncaught error on the way. */
  done(): Promise<void>;
}

export async function openSession(e: E2E, opts: { locale?: string; viewport?: { width: number; height: number } } = {}): Promise<Session> {
  const context = await e.newContext({ locale: opts.locale ?? 'ru-RU', viewport: opts.viewport ?? PHONE });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  // What the page saw, kept for a failure: the API's refusals and errors (status, path, the
  // problem's code and fields — no personal data is in them) and the console's errors.
  const seen: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') seen.push(`console: ${m.text()}`);
  });
  page.on('response', (res) => {
    const url = new URL(res.url());
    if (!url.pathname.startsWith('/api/') || res.status() < 400) return;
    void res.text().then(
      (body) => seen.push(`${res.request().method()} ${url.pathname} → ${res.status()} ${body.slice(0, 400)}`),
      () => seen.push(`${res.request().method()} ${url.pathname} → ${res.status()}`),
    );
  });
  // A failed journey leaves the screen it stopped on and what the page saw, to tell a slow
  // machine from a wrong screen without running it again.
  onTestFailed(async (ctx) => {
    const name = `FAILED-${ctx.task.name.replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 80)}`;
    const file = await screenshot(page, `appeals/${name}`).catch(() => '(no screenshot: the page was closed)');
    console.log(`[e2e] ${ctx.task.name} failed on ${page.url()}; screenshot ${file}\n${seen.map((l) => `  ${l}`).join('\n') || '  (no API errors, no console errors)'}`);
  });
  return {
    page,
    context,
    async done() {
      await context.close();
      expect(errors, 'errors thrown in the page').toEqual([]);
    },
  };
}

/** Calls the API as a demo user (an executor answering, a citizen filing) through app.inject. */
export async function asUser(e: E2E, loginName: string) {
  const session = await login(e.testApp.app, loginName);
  return async <T = unknown>(method: 'GET' | 'POST', url: string, payload?: unknown): Promise<T> => {
    const res = await e.testApp.app.inject({ method, url, headers: session.headers, ...(payload !== undefined ? { payload: payload as object } : {}) });
    if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
    return (res.body ? res.json() : undefined) as T;
  };
}

/** An 8×8 PNG (real bytes: the server judges files by their content). */
export const PNG_8x8 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR4nGM4YaOBFTEMLQkAdntLARs7+acAAAAASUVORK5CYII=', 'base64');

export { DESKTOP, PHONE };
