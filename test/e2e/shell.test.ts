import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { loadCatalogs, type Lang } from '../../src/platform/i18n/i18n.ts';
import { DESKTOP, PHONE, SCREENSHOT_DIR, horizontalOverflow, runAxe, screenshot, seriousOnly, startE2E, type A11yFinding, type E2E } from './browser.ts';

/**
 * The web shell in a real browser against the real server: sign-in for staff and citizens,
 * the language switch, the role-aware menu, a 360 px phone and a desktop, and axe's WCAG
 * 2.1 AA rules on every screen in every language.
 */

const catalogs = loadCatalogs();

/** A text from the catalogs, as the page must show it. */
function tr(lang: Lang, key: string, params: Record<string, string> = {}): string {
  const [ns, path] = key.includes(':') ? (key.split(':') as [string, string]) : ['web', key];
  let v: unknown = catalogs[lang][ns];
  for (const k of path.split('.')) v = (v as Record<string, unknown> | undefined)?.[k];
  if (typeof v !== 'string') throw new Error(`no catalog text ${lang} ${key}`);
  return v.replace(/\{\{(\w+)\}\}/g, (_, name: string) => params[name] ?? '');
}

/** The switch names each language in itself. */
const LANG_NAME: Record<Lang, string> = { kk: 'Қазақша', ru: 'Русский', en: 'English' };
const ORDER: Lang[] = ['kk', 'ru', 'en'];

interface MeAnswer {
  actor: { kind: 'staff' | 'citizen'; displayName: string; locale: Lang; organizationName?: Record<Lang, string>; roles: { role: string }[] };
}

let e: E2E;
let startError: unknown;
const axeReport: { screen: string; findings: A11yFinding[] }[] = [];

beforeAll(async () => {
  try {
    e = await startE2E();
  } catch (err) {
    startError = err;
  }
}, 240_000);

// A setup failure (no Chromium, a broken build) fails every test by name; none is skipped.
beforeEach(() => {
  if (startError) throw startError;
});

afterAll(async () => {
  await e?.close();
  const minor = axeReport.filter((r) => r.findings.length);
  console.log(`[e2e] axe ran on ${axeReport.length} screens; findings below serious: ${minor.length ? JSON.stringify(minor, null, 1) : 'none'}`);
  console.log(`[e2e] screenshots: ${SCREENSHOT_DIR}`);
});

async function htmlLang(page: Page) {
  return page.evaluate(() => document.documentElement.lang);
}

async function h1(page: Page) {
  return (await page.getByRole('heading', { level: 1 }).innerText()).trim();
}

/** No sideways scrolling, no serious or critical axe finding, and a screenshot. */
async function checkScreen(page: Page, screen: string) {
  await page.waitForTimeout(250); // let the menu and padding transitions settle before measuring
  expect(await horizontalOverflow(page), `${screen}: the page scrolls sideways`).toBeLessThanOrEqual(0);
  const findings = await runAxe(page);
  axeReport.push({ screen, findings });
  const serious = seriousOnly(findings);
  expect(serious, `${screen}: axe found ${JSON.stringify(serious, null, 2)}`).toEqual([]);
  await screenshot(page, screen);
}

async function switchLang(page: Page, lang: Lang) {
  await page.getByRole('button', { name: LANG_NAME[lang], exact: true }).click();
  await expect.poll(() => htmlLang(page)).toBe(lang);
  await expect.poll(() => page.getByRole('button', { name: LANG_NAME[lang], exact: true }).getAttribute('aria-pressed')).toBe('true');
}

async function signIn(page: Page, login: string, password = 'demo') {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('form button[type="submit"]').click();
  await page.getByTestId('me-name').waitFor();
}

async function me(page: Page): Promise<MeAnswer['actor'] | undefined> {
  const res = await page.request.get('/api/auth/me');
  return res.ok() ? ((await res.json()) as MeAnswer).actor : undefined;
}

interface Session {
  page: Page;
  /** Closes the browser profile; fails if the page threw an uncaught error on the way. */
  done(): Promise<void>;
}

async function openContext(opts: { locale?: string; viewport?: { width: number; height: number } } = {}): Promise<Session> {
  const ctx: BrowserContext = await e.newContext({ locale: opts.locale ?? 'kk-KZ', viewport: opts.viewport ?? PHONE });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return {
    page,
    async done() {
      await ctx.close();
      expect(errors, 'errors thrown in the page').toEqual([]);
    },
  };
}

describe('web shell', () => {
  it('login page: browser language first, kk → ru → en, errors next to the field, phone and desktop', async () => {
    const { done, page } = await openContext({ locale: 'kk-KZ' });
    await page.goto('/');
    await page.waitForURL('**/login');
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await htmlLang(page)).toBe('kk'); // the browser prefers Kazakh

    for (const lang of ORDER) {
      if (lang !== 'kk') await switchLang(page, lang);
      expect(await h1(page)).toBe(tr(lang, 'login.title'));
      await expect.poll(() => page.title()).toContain(tr(lang, 'login.title'));
      await page.getByLabel(tr(lang, 'login.password'), { exact: false }).first().waitFor();
      await page.getByRole('textbox', { name: tr(lang, 'login.login') }).waitFor();
      await checkScreen(page, `login-${lang}-phone`);
      await page.setViewportSize(DESKTOP);
      await checkScreen(page, `login-${lang}-desktop`);
      await page.setViewportSize(PHONE);
    }

    // An empty form: each message under its own field, tied to it for screen readers.
    await page.locator('form button[type="submit"]').click();
    const loginInput = page.locator('input[name="login"]');
    await expect.poll(() => loginInput.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await loginInput.getAttribute('aria-describedby')) ?? '';
    const described = await page.evaluate((ids) => ids.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' '), describedBy);
    expect(described).toContain(tr('en', 'login.required.login'));
    expect(await page.getByText(tr('en', 'login.required.password')).isVisible()).toBe(true);
    // The messages follow the language switch.
    await switchLang(page, 'kk');
    expect(await page.getByText(tr('kk', 'login.required.login')).isVisible()).toBe(true);
    await checkScreen(page, 'login-errors-kk-phone');

    // Wrong password: the server's problem, in the user's language, beside the field it names
    // (a bare problem without a field would show as an alert above the form).
    await page.locator('input[name="login"]').fill('coordinator');
    await page.locator('input[name="password"]').fill('not-the-password');
    await page.locator('form button[type="submit"]').click();
    const expected = tr('kk', 'errors:invalid_credentials');
    await page.getByText(expected).first().waitFor();
    const invalid = page.locator('input[aria-invalid="true"]');
    expect(await invalid.count()).toBe(1);
    const ids = (await invalid.getAttribute('aria-describedby')) ?? '';
    expect(await page.evaluate((list) => list.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' '), ids)).toContain(expected);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-invalid'))).toBe('true'); // focus went to the field at fault
    await checkScreen(page, 'login-wrong-password-kk-phone');

    // The choice outlives a reload although the browser still prefers Kazakh.
    await switchLang(page, 'en');
    await page.reload();
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await htmlLang(page)).toBe('en');
    expect(await h1(page)).toBe(tr('en', 'login.title'));
    await done();
  }, 180_000);

  for (const role of ['coordinator', 'executor'] as const) {
    it(`${role} signs in: name, organization, roles and menu in kk → ru → en; session restore; sign out`, async () => {
      const { done, page } = await openContext({ locale: 'ru-RU' });
      await page.goto('/login');
      await signIn(page, role);
      const account = await me(page);
      expect(account?.kind).toBe('staff');
      expect(await page.getByTestId('me-name').innerText()).toBe(account!.displayName);
      expect(account!.roles.map((r) => r.role)).toContain(role);

      for (const lang of ORDER) {
        await switchLang(page, lang);
        expect(await h1(page)).toBe(tr(lang, 'home.greeting', { name: account!.displayName }));
        expect(await page.getByTestId('me-organization').innerText()).toBe(account!.organizationName![lang]);
        expect(await page.locator(`[data-role="${role}"]`).innerText()).toContain(tr(lang, `roles.${role}`));
        await expect.poll(async () => (await me(page))?.locale, { message: 'the language is saved on the account' }).toBe(lang);
        await checkScreen(page, `home-${role}-${lang}-phone`);

        // Phone: the menu sits behind the burger button.
        const burger = page.getByRole('button', { name: tr(lang, 'nav.open') });
        expect(await burger.getAttribute('aria-expanded')).toBe('false');
        await burger.click();
        const nav = page.getByRole('navigation', { name: tr(lang, 'nav.label') });
        await nav.getByRole('link', { name: tr(lang, 'nav.home') }).waitFor();
        await nav.getByRole('button', { name: tr(lang, 'logout') }).waitFor();
        await checkScreen(page, `menu-${role}-${lang}-phone`);
        await page.keyboard.press('Escape');
        await expect.poll(() => burger.getAttribute('aria-expanded')).toBe('false');

        await page.setViewportSize(DESKTOP);
        await nav.getByRole('link', { name: tr(lang, 'nav.home') }).waitFor(); // always shown on a desktop
        await checkScreen(page, `home-${role}-${lang}-desktop`);
        await page.setViewportSize(PHONE);
      }

      // Keyboard: the first Tab reaches the skip link, which moves focus into the main region.
      await page.reload();
      await page.getByTestId('me-name').waitFor(); // the session is restored from the cookie
      expect(await htmlLang(page)).toBe('en');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(tr('en', 'skipToContent'));
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => !!document.activeElement?.closest('main'))).toBe(true);

      await page.getByRole('button', { name: tr('en', 'nav.open') }).click();
      await page.getByRole('button', { name: tr('en', 'logout') }).click();
      await page.waitForURL('**/login');
      expect(await me(page)).toBeUndefined();
      await page.goto('/');
      await page.waitForURL('**/login'); // signed out means signed out
      await done();
    }, 180_000);
  }

  it('a citizen signs in with an IIN and sees their name and role in every language', async () => {
    const citizen = e.testApp.demo.accounts.find((a) => a.kind === 'citizen');
    expect(citizen, 'the demo seed has a citizen account').toBeDefined();
    expect(citizen!.login).toMatch(/^\d{12}$/);
    const { done, page } = await openContext({ locale: 'en-US' });
    await page.goto('/login');
    expect(await htmlLang(page)).toBe('en');
    await signIn(page, citizen!.login, citizen!.password);
    const account = await me(page);
    expect(account?.kind).toBe('citizen');
    for (const lang of ORDER) {
      await switchLang(page, lang);
      expect(await h1(page)).toBe(tr(lang, 'home.greeting', { name: account!.displayName }));
      expect(await page.getByTestId('me-roles').innerText()).toContain(tr(lang, 'roles.citizen'));
      expect(await page.getByTestId('me-organization').count()).toBe(0);
      await checkScreen(page, `home-citizen-${lang}-phone`);
      await page.setViewportSize(DESKTOP);
      await checkScreen(page, `home-citizen-${lang}-desktop`);
      await page.setViewportSize(PHONE);
    }
    await done();
  }, 180_000);

  it('an unknown address shows a not-found page in the shell', async () => {
    const { done, page } = await openContext({ locale: 'ru-RU' });
    await page.goto('/no/such/page');
    expect(await h1(page)).toBe(tr('ru', 'notFound.title'));
    await checkScreen(page, 'not-found-ru-phone');
    await done();
  }, 60_000);
});
