import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Clock } from '../../src/platform/clock.ts';
import { loadCatalogs, type Lang } from '../../src/platform/i18n/i18n.ts';
import { createTestApp, login, type TestApp } from '../app.ts';
import { DESKTOP, PHONE, SCREENSHOT_DIR, ensureWebBuilt, horizontalOverflow, launchBrowser, runAxe, screenshot, seriousOnly, type A11yFinding } from './browser.ts';

/**
 * Support for the staff screens' browser tests (appeals-staff.test.ts): the real server on a
 * clock the test moves, Chromium, sign-in, the catalogs, and the per-screen checks (no sideways
 * scrolling, axe WCAG 2.1 AA with no serious or critical finding, a screenshot).
 */

export const SHOTS = path.join(SCREENSHOT_DIR, 'appeals-staff');
export const LANGS: Lang[] = ['kk', 'ru', 'en'];
const LANG_NAME: Record<Lang, string> = { kk: 'Қазақша', ru: 'Русский', en: 'English' };
const catalogs = loadCatalogs();

/** A text from the catalogs, as the page must show it (plural keys: pass `count`). */
export function tr(lang: Lang, key: string, params: Record<string, string | number> = {}): string {
  const [ns, rest] = key.includes(':') ? (key.split(':') as [string, string]) : ['appealsstaff', key];
  const get = (k: string) => k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown> | undefined)?.[p], catalogs[lang][ns]);
  let v = get(rest);
  if (typeof v !== 'string' && params.count !== undefined) v = get(`${rest}_${new Intl.PluralRules(lang).select(Number(params.count))}`);
  if (typeof v !== 'string') throw new Error(`no catalog text ${lang} ${key}`);
  return v.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(params[name] ?? ''));
}

/** Real time plus an offset the test moves forward (sessions, deadlines and sweeps all read it). */
export function movableClock(): Clock & { advanceTo(at: Date): void } {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advanceTo: (at) => {
      offset = Math.max(offset, at.getTime() - Date.now());
    },
  };
}

export interface Env {
  browser: Browser;
  app: TestApp;
  baseUrl: string;
  close(): Promise<void>;
}

export async function start(clock: Clock): Promise<Env> {
  const browser = await launchBrowser();
  try {
    await ensureWebBuilt();
    const app = await createTestApp({ clock });
    await app.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.app.server.address();
    if (!addr || typeof addr === 'string') throw new Error('server has no TCP address');
    return {
      browser,
      app,
      baseUrl: `http://127.0.0.1:${addr.port}`,
      async close() {
        await browser.close();
        await app.close();
      },
    };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

export const axeReport: { screen: string; findings: A11yFinding[] }[] = [];

/** No sideways scrolling, no serious or critical axe finding, and a screenshot in test-results/screenshots/appeals-staff/. */
export async function checkScreen(page: Page, screen: string): Promise<void> {
  await page.waitForTimeout(300); // menus, transitions and the chart settle
  expect(await horizontalOverflow(page), `${screen}: the page scrolls sideways`).toBeLessThanOrEqual(0);
  const findings = await runAxe(page);
  axeReport.push({ screen, findings });
  expect(seriousOnly(findings), `${screen}: axe found ${JSON.stringify(seriousOnly(findings), null, 2)}`).toEqual([]);
  await screenshot(page, `appeals-staff/${screen}`);
}

export interface Session {
  page: Page;
  context: BrowserContext;
  done(): Promise<void>;
}

/** A fresh browser profile signed in as `loginName` (through the login API, sharing the profile's cookies). */
export async function signedIn(env: Env, loginName: string, opts: { phone?: boolean; lang?: Lang } = {}): Promise<Session> {
  const context = await env.browser.newContext({ baseURL: env.baseUrl, viewport: opts.phone ? PHONE : DESKTOP, locale: 'ru-RU' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => {
    errors.push(err.message);
    console.log(`[e2e] ${loginName}: page error ${err.message}\n${err.stack ?? ''}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') console.log(`[e2e] ${loginName}: console error ${m.text().slice(0, 600)}`);
  });
  const res = await page.request.post('/api/auth/login', { data: { login: loginName, password: 'demo' } });
  expect(res.status(), `login ${loginName}`).toBe(200);
  if (opts.lang) await page.request.put('/api/auth/me/locale', { data: { locale: opts.lang }, headers: { 'x-csrf-token': ((await res.json()) as { csrfToken: string }).csrfToken } });
  return {
    page,
    context,
    async done() {
      await context.close();
      expect(errors, 'errors thrown in the page').toEqual([]);
    },
  };
}

/**
 * Opens a screen of the web app. Other test files in this checkout may rebuild web/dist at the
 * same moment (ensureWebBuilt empties it first): a page that comes back as anything but the
 * app's HTML, or without its heading, is loaded again once the build is back.
 */
export async function gotoApp(page: Page, url: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const res = await page.goto(url);
    const isHtml = !!res && res.ok() && (res.headers()['content-type'] ?? '').includes('text/html');
    if (isHtml && (await page.getByRole('heading', { level: 1 }).waitFor({ timeout: 15_000 }).then(() => true, () => false))) return;
    if (Date.now() > deadline) throw new Error(`${url}: the web app did not load (status ${res?.status()})`);
    await page.waitForTimeout(2000);
  }
}

export async function switchLang(page: Page, lang: Lang): Promise<void> {
  const button = page.getByRole('button', { name: LANG_NAME[lang], exact: true });
  if ((await button.getAttribute('aria-pressed')) !== 'true') await button.click();
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
}

export async function h1(page: Page): Promise<string> {
  return (await page.getByRole('heading', { level: 1 }).innerText()).trim();
}

/** The number a figure shows (`data-value` of the element with the test id). */
export async function figure(page: Page, testId: string): Promise<number> {
  const el = page.getByTestId(testId).first();
  await el.waitFor();
  return Number(await el.getAttribute('data-value'));
}

/** Picks an option of a Mantine Select found by its `data-field` (or any locator). */
export async function choose(page: Page, field: string, option: string): Promise<void> {
  await page.locator(`[data-field="${field}"]`).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** API calls as a signed-in user, through the app without the network (signed in afresh: the test moves the clock). */
export function apiAs(env: Env, loginName: string, password = 'demo') {
  return async <T>(method: 'GET' | 'POST', url: string, payload?: unknown): Promise<T> => {
    const auth = await login(env.app.app, loginName, password);
    const res = await env.app.app.inject({ method, url, headers: auth.headers, ...(payload !== undefined ? { payload: payload as object } : {}) });
    if (res.statusCode >= 400) throw new Error(`${method} ${url} as ${loginName}: ${res.statusCode} ${res.body}`);
    return res.json() as T;
  };
}

/** The region's calendar day of an instant, moved by `days`: `YYYY-MM-DD`. */
export function regionDay(at: Date, days = 0): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Almaty', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(at.getTime() + days * 86_400_000));
}

/** A 1×1 PNG: a real image by its bytes, as the file store checks. */
export const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** A minimal PDF for the answer's attachment. */
export const TINY_PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
