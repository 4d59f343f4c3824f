import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { login } from '../app.ts';
import { DESKTOP, PHONE } from './browser.ts';
import { SHOTS, TINY_PNG, axeReport, checkScreen, choose, gotoApp, h1, movableClock, signedIn, start, switchLang, tr, type Env } from './appeals-staff.support.ts';

/**
 * Two small parts of the appeals screens in a real browser on the demo region:
 *
 * - splitting (APPC art. 65): the housing department's executor splits the part of a lift
 *   complaint that is about a pothole into a new appeal from the appeal's page (a server error
 *   beside the organization field first), reads the new slip number; both pages and both
 *   timelines name the other appeal, the citizen opens one from the other, the coordination
 *   centre opens both; axe with no finding at all on each new state;
 * - the "skip the map" link: reached with Tab before the map's points, shown when focused, Enter
 *   moves the focus past the map to the list beside it.
 */

const clock = movableClock();
let env: Env;
let startError: unknown;

beforeAll(async () => {
  try {
    env = await start(clock);
  } catch (err) {
    startError = err;
  }
}, 300_000);

beforeEach(() => {
  if (startError) throw startError;
});

afterAll(async () => {
  await env?.close();
  console.log(`[e2e] appeals-split: axe ran on ${axeReport.length} screens; findings: ${axeReport.some((r) => r.findings.length) ? JSON.stringify(axeReport.filter((r) => r.findings.length), null, 1) : 'none'}`);
  console.log(`[e2e] appeals-split screenshots: ${SHOTS}/split-*.png, map-skip-*.png`);
});

/** `checkScreen` (no sideways scrolling, a screenshot), and axe with no finding at all, not only none serious. */
async function checkNew(page: Page, screen: string): Promise<void> {
  await checkScreen(page, screen);
  expect(axeReport.at(-1)!.findings, `${screen}: axe findings`).toEqual([]);
}

async function inject<T>(method: 'GET' | 'POST', url: string, who?: string, payload?: object): Promise<T> {
  const headers = who ? (await login(env.app.app, who, 'demo')).headers : {};
  const res = await env.app.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
  return res.json() as T;
}

interface Org { id: string; name: { kk: string; ru: string; en: string } }
interface AppealJson { id: string; slipNumber: string; organization: { id: string }; splits: { id: string; slipNumber: string; organizationId: string }[]; splitFrom: { id: string; slipNumber: string } | null }

describe('appeals: splitting the part outside competence, and skipping the map', () => {
  it('the executor splits the part outside competence; both appeals name each other for the citizen and the coordination centre', async () => {
    const orgs = (await inject<{ items: Org[] }>('GET', '/api/organizations?regionCode=350000000&limit=200')).items;
    const byEn = (prefix: string) => orgs.find((o) => o.name.en.startsWith(prefix))!;
    const housing = byEn('Housing and Utilities Department');
    const roads = byEn('Passenger Transport and Roads');
    const education = byEn('Education');
    const cats = (await inject<{ items: { id: string; code: string }[] }>('GET', '/api/appeals/categories?regionCode=350000000')).items;
    const elevator = cats.find((c) => c.code === 'housing.elevator')!.id;

    // The citizen's complaint: a lift (the housing department's) and a pothole (not theirs).
    const citizen = env.app.demo.accounts.find((a) => a.kind === 'citizen')!;
    const auth = await login(env.app.app, citizen.login, citizen.password);
    const form = new FormData();
    form.set('data', JSON.stringify({
      type: 'complaint', categoryId: elevator, territoryCode: '351010000', address: 'Караганда, ул. Ерубаева, 35', location: { lat: 49.8047, lon: 73.1094 }, lang: 'ru',
      text: 'В доме по ул. Ерубаева, 35 не работает лифт. Кроме того, у подъезда на дороге глубокая яма, машины объезжают по тротуару.',
    }));
    form.append('files', new Blob([TINY_PNG], { type: 'image/png' }), 'lift.png');
    const req = new Request('http://x/', { method: 'POST', body: form });
    const filed = await env.app.app.inject({ method: 'POST', url: '/api/appeals', payload: Buffer.from(await req.arrayBuffer()), headers: { ...auth.headers, 'content-type': req.headers.get('content-type')! } });
    expect(filed.statusCode, filed.body).toBe(201);
    const original = filed.json() as { appealId: string; slipNumber: string; organizationId: string };
    expect(original.organizationId).toBe(housing.id);

    // The executor, on a desktop in Russian: accepts, opens "split".
    const ex = await signedIn(env, 'executor', { lang: 'ru' });
    const { page } = ex;
    await gotoApp(page, `/work/appeals/${original.appealId}`);
    await page.getByTestId('action-accept').click();
    await expect.poll(() => page.getByTestId('action-done').innerText()).toBe(tr('ru', 'done.accept'));
    await page.getByTestId('action-split').click();
    await expect.poll(() => page.evaluate(() => !!document.activeElement?.closest('[data-testid="form-split"]'))).toBe(true);
    const part = 'У подъезда дома по ул. Ерубаева, 35 на дороге глубокая яма, машины объезжают по тротуару.';
    await page.locator('[data-field="text"]').fill(part);
    await choose(page, 'categoryId', `— ${'Ямы на дороге'}`);
    // An organization the routing rules do not name for potholes: refused beside the field, in Russian.
    await choose(page, 'organizationId', education.name.ru);
    await page.getByTestId('submit-split').click();
    const orgField = page.locator('[data-field="organizationId"]');
    await expect.poll(() => orgField.getAttribute('aria-invalid')).toBe('true');
    const ids = (await orgField.getAttribute('aria-describedby')) ?? '';
    const described = await page.evaluate((list) => list.split(/\s+/).map((x) => document.getElementById(x)?.textContent ?? '').join(' '), ids);
    expect(described).toContain(tr('ru', 'appeals:errors.split_not_competent'));
    expect((await inject<AppealJson>('GET', `/api/appeals/${original.appealId}`, 'coordinator')).splits, 'nothing registered').toEqual([]);
    await checkNew(page, 'split-error-ru-desktop');

    // Picking the same organization again clears it: the routing rules choose.
    await choose(page, 'organizationId', education.name.ru);
    expect(await orgField.inputValue()).toBe('');
    await page.getByTestId('submit-split').click();
    await page.getByTestId('action-done').waitFor();
    const stored = await inject<AppealJson>('GET', `/api/appeals/${original.appealId}`, 'coordinator');
    expect(stored.splits).toHaveLength(1);
    const split = stored.splits[0]!;
    expect(split.organizationId).toBe(roads.id);
    expect(split.slipNumber).toMatch(/^KRG-\d{4}-\d{6}$/);
    expect(await page.getByTestId('action-done').innerText()).toBe(tr('ru', 'done.split', { slip: split.slipNumber, organization: roads.name.ru }));
    // The original's page names the part (text: the housing executor may not open the roads department's appeal) and its timeline says so.
    const partSlip = page.getByTestId('split-part');
    await expect.poll(() => partSlip.getAttribute('data-slip')).toBe(split.slipNumber);
    expect(await partSlip.evaluate((el) => el.tagName.toLowerCase())).not.toBe('a');
    expect(await page.getByTestId('split-links').innerText()).toContain(roads.name.ru);
    await expect.poll(() => page.getByTestId('timeline').innerText()).toContain(tr('ru', 'appealsweb:timeline.split', { slip: split.slipNumber }));
    await checkNew(page, 'split-done-ru-desktop');
    await ex.done();

    // The citizen, on a phone in Kazakh: the original links to the part, the part back to the original.
    const cit = await signedIn(env, citizen.login, { phone: true, lang: 'kk' });
    await gotoApp(cit.page, `/my-appeals/${original.appealId}`);
    await switchLang(cit.page, 'kk');
    const link = cit.page.getByTestId('split-part');
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`/my-appeals/${split.id}`);
    expect(await link.innerText()).toBe(tr('kk', 'appealsweb:split.slip', { slip: split.slipNumber }));
    expect(await cit.page.getByTestId('timeline').innerText()).toContain(tr('kk', 'appealsweb:timeline.split', { slip: split.slipNumber }));
    await checkNew(cit.page, 'split-original-kk-phone');
    await link.click();
    await expect.poll(() => h1(cit.page)).toBe(tr('kk', 'appealsweb:appeal.title', { slip: split.slipNumber }));
    const back = cit.page.getByTestId('split-from');
    expect(await back.getAttribute('href')).toBe(`/my-appeals/${original.appealId}`);
    expect(await back.innerText()).toBe(tr('kk', 'appealsweb:split.slip', { slip: original.slipNumber }));
    await expect.poll(() => cit.page.getByTestId('timeline').innerText()).toContain(tr('kk', 'appealsweb:timeline.splitFrom', { slip: original.slipNumber }));
    await checkNew(cit.page, 'split-part-kk-phone');
    await back.click();
    await expect.poll(() => h1(cit.page)).toBe(tr('kk', 'appealsweb:appeal.title', { slip: original.slipNumber }));
    await cit.done();

    // The coordination centre opens either from the other; the roads department's executor sees where the part came from.
    const coord = await signedIn(env, 'coordinator', { lang: 'en' });
    await gotoApp(coord.page, `/work/appeals/${split.id}`);
    const from = coord.page.getByTestId('split-from');
    await from.waitFor();
    expect(await from.getAttribute('href')).toBe(`/work/appeals/${original.appealId}`);
    await checkNew(coord.page, 'split-part-en-desktop');
    await from.click();
    await expect.poll(() => h1(coord.page)).toBe(tr('en', 'appeal.title', { slip: original.slipNumber }));
    expect(await coord.page.getByTestId('split-part').getAttribute('href')).toBe(`/work/appeals/${split.id}`);
    await coord.done();
    const roadsEx = await signedIn(env, 'executor.roads', { lang: 'ru', phone: true });
    await gotoApp(roadsEx.page, `/work/appeals/${split.id}`);
    await roadsEx.page.getByTestId('split-from').waitFor();
    expect(await roadsEx.page.getByTestId('split-from').getAttribute('data-slip')).toBe(original.slipNumber);
    await expect.poll(() => roadsEx.page.getByTestId('timeline').innerText()).toContain(tr('ru', 'appealsweb:timeline.splitFrom', { slip: original.slipNumber }));
    await checkNew(roadsEx.page, 'split-part-roads-ru-phone');
    await roadsEx.done();
  }, 300_000);

  it('"skip the map": Tab reaches it before the points, it shows when focused, Enter moves the focus to the list beside the map', async () => {
    for (const viewport of [DESKTOP, PHONE]) {
      const context = await env.browser.newContext({ baseURL: env.baseUrl, viewport, locale: 'en-GB' });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      await gotoApp(page, '/public/appeals');
      await switchLang(page, 'en');
      const map = page.getByTestId('public-map');
      await map.locator('path.leaflet-interactive').first().waitFor();
      await page.waitForTimeout(600); // the map is rebuilt in the new language
      const points = await map.locator('path.leaflet-interactive').count();
      const skip = page.getByTestId('map-skip');
      // Out of sight until focused.
      expect((await skip.boundingBox())!.width).toBeLessThanOrEqual(1);

      // Tab from the heading: the skip link comes before anything in the map.
      await page.getByRole('heading', { level: 1 }).focus();
      let presses = 0;
      while (!(await page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'map-skip'))) {
        expect(await page.evaluate(() => !!document.activeElement?.closest('[data-testid="public-map"] [role="region"]')), 'a map control before the skip link').toBe(false);
        await page.keyboard.press('Tab');
        expect(++presses).toBeLessThan(60);
      }
      expect(await skip.innerText()).toBe(tr('en', 'appealsweb:map.skip'));
      const box = (await skip.boundingBox())!;
      expect(box.width).toBeGreaterThan(40);
      expect(box.height).toBeGreaterThan(20);
      await checkNew(page, `map-skip-focused-en-${viewport === PHONE ? 'phone' : 'desktop'}`);

      // Without the link: the presses of Tab it takes to leave the map.
      let inside = 0;
      await page.keyboard.press('Tab');
      while (await page.evaluate(() => !!document.activeElement?.closest('[data-testid="public-map"]'))) {
        inside++;
        await page.keyboard.press('Tab');
        expect(inside).toBeLessThan(points + 20);
      }
      expect(inside).toBeGreaterThanOrEqual(points);
      console.log(`[e2e] appeals-split: the public map (${points} points, ${viewport.width} px) holds ${inside} tab stops; "skip the map" passes them with 1 Enter`);

      // With it: Enter on the link puts the focus on the list's heading; the next Tab is past the map.
      await skip.focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('list-title');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(tr('en', 'appealsweb:public.listTitle'));
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => !!document.activeElement?.closest('[data-testid="public-map"]'))).toBe(false);
      expect(await page.evaluate(() => {
        const map = document.querySelector('[data-testid="public-map"]')!;
        return !!(map.compareDocumentPosition(document.activeElement!) & Node.DOCUMENT_POSITION_FOLLOWING);
      })).toBe(true);
      // The link is out of sight again once the focus leaves it.
      expect((await skip.boundingBox())!.width).toBeLessThanOrEqual(1);
      await context.close();
      expect(errors).toEqual([]);
    }
  }, 180_000);
});
