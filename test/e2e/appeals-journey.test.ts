import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startE2E, type E2E } from './browser.ts';
import { APPEALS_SHOTS, DESKTOP, PHONE, asUser, axeLog, checkScreen, h1, openSession, signIn, switchLang, tr } from './appeals-web.helpers.ts';
import { choose, figure, regionDay, TINY_PDF, tr as trStaff } from './appeals-staff.support.ts';

/**
 * One uninterrupted journey across roles in real browsers, every step through the screens: a
 * citizen on a 360 px phone signs in and files an appeal with a photo and a map pin → the slip →
 * the appeal is routed by the demo region's rules (lifts × Karaganda region → the housing and
 * utilities department) → that department's executor signs in, finds it in the inbox, accepts
 * it and answers with a file → the citizen reads the answer and its file, confirms and rates it
 * → the coordination centre sees its figures move (received, open, average rating of the
 * department) and reaches the appeal from the region map with the keyboard alone. API reads
 * only check what was stored. Screenshots: test-results/screenshots/appeals/journey-*.png.
 */

let e: E2E;
let startError: unknown;

beforeAll(async () => {
  try {
    e = await startE2E();
  } catch (err) {
    startError = err;
  }
}, 240_000);

beforeEach(() => {
  if (startError) throw startError;
});

afterAll(async () => {
  await e?.close();
  const minor = axeLog.filter((r) => r.findings.length);
  console.log(`[e2e journey] axe ran on ${axeLog.length} screens; minor findings: ${minor.length ? JSON.stringify(minor, null, 1) : 'none'}`);
  console.log(`[e2e journey] screenshots: ${APPEALS_SHOTS}/journey-*.png`);
});

interface SummaryOrg { organizationId: string; received: number; open: number; answered: number; rated: number; averageRating: number | null }

/** Presses Tab until the focused element matches, as a keyboard user would; fails after `max` presses. */
async function tabTo(page: Page, test: (el: { label: string | null; tag: string }) => boolean, max = 400): Promise<number> {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press('Tab');
    const el = await page.evaluate(() => ({ label: document.activeElement?.getAttribute('aria-label') ?? null, tag: document.activeElement?.tagName.toLowerCase() ?? '' }));
    if (test(el)) return i;
  }
  throw new Error(`nothing matching was reached in ${max} presses of Tab`);
}

/** The coordination centre's figures for the department, as the overview screen shows them. */
async function departmentFigures(page: Page, orgId: string, to: string) {
  await page.goto(`/coordination/overview?to=${to}`);
  await page.getByTestId('total-open').waitFor();
  const rating = await page.getByTestId(`org-${orgId}-rating`).first().getAttribute('data-value');
  return {
    received: await figure(page, `org-${orgId}-received`),
    open: await figure(page, `org-${orgId}-open`),
    rating: rating === '' || rating === null ? null : Number(rating),
  };
}

describe('appeals: one journey across roles in the browser', () => {
  it('citizen files with a photo and a pin on a phone → routed → executor answers with a file → citizen rates → the coordination centre sees it', async () => {
    const citizenAccount = e.testApp.demo.accounts.find((a) => a.login === '900515301234')!;
    const db = e.testApp.testDb.db;
    const housing = await db.selectFrom('organization').select('id').where('regionCode', '=', '350000000').where('nameEn', 'like', 'Housing and Utilities Department%').executeTakeFirstOrThrow();
    // Reports count by registration day (an appeal filed on a day off is registered on the next working day).
    const to = regionDay(new Date(), 4);
    const coordinatorApi = await asUser(e, 'coordinator');
    const summaryBefore = await coordinatorApi<{ organizations: SummaryOrg[] }>('GET', `/api/appeals/reports/summary?to=${to}`);
    const ratedBefore = summaryBefore.organizations.find((o) => o.organizationId === housing.id)?.rated ?? 0;

    // 0. The coordination centre, at a desktop, signs in and notes the department's figures.
    const coord = await openSession(e, { locale: 'ru-RU', viewport: DESKTOP });
    await signIn(coord.page, 'coordinator');
    await switchLang(coord.page, 'ru');
    const before = await departmentFigures(coord.page, housing.id, to);
    await checkScreen(coord.page, 'journey-0-coordination-before-ru-desktop');

    // 1. The citizen on a 360 px phone signs in and files: category found by a word, text, a pin, a photo.
    const cit = await openSession(e, { locale: 'ru-RU', viewport: PHONE });
    const { page } = cit;
    await signIn(page, citizenAccount.login, citizenAccount.password);
    await switchLang(page, 'ru');
    await page.goto('/new-appeal');
    await expect.poll(() => h1(page)).toBe(tr('ru', 'new.title'));
    await page.getByTestId('category-search').fill('лифт');
    await page.getByRole('radio', { name: /Не работает лифт/ }).check();
    await checkScreen(page, 'journey-1-kind-ru-phone');
    await page.getByTestId('step-next').click();
    await page.getByLabel(tr('ru', 'new.text')).fill('В доме по ул. Ерубаева, 35 вторую неделю не работает лифт, в подъезде живут пожилые люди и мамы с колясками.');
    await checkScreen(page, 'journey-2-text-ru-phone');
    await page.getByTestId('step-next').click();
    await page.getByRole('button', { name: tr('ru', 'map.pinCentre') }).click(); // the pin, from the keyboard-friendly button
    await expect.poll(() => page.getByTestId('pin-status').innerText()).not.toBe(tr('ru', 'new.notPinned'));
    await checkScreen(page, 'journey-3-where-ru-phone');
    await page.getByTestId('step-next').click();
    // A real photo: a JPEG the browser renders (the server judges files by their bytes).
    const photo = await coord.page.screenshot({ type: 'jpeg', quality: 70, clip: { x: 0, y: 0, width: 320, height: 240 } });
    expect([...photo.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    await page.getByTestId('appeal-files').setInputFiles({ name: 'lift.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.getByTestId('appeal-files-chosen').getByText('lift.jpg').waitFor();
    await page.getByLabel(tr('ru', 'new.consent')).check();
    await checkScreen(page, 'journey-4-photo-ru-phone');
    await page.getByTestId('step-next').click();

    // 2. The slip on screen.
    await page.getByTestId('slip-number').waitFor();
    const slip = (await page.getByTestId('slip-number').innerText()).trim();
    expect(slip).toMatch(/^KRG-\d{4}-\d{6}$/);
    await checkScreen(page, 'journey-5-slip-ru-phone');

    // 3. Routed by the real rules: stored with the housing department, the photo and the pin.
    const stored = await db.selectFrom('appeal').select(['id', 'organizationId', 'state', 'lat', 'lon', 'isPublic']).where('slipNumber', '=', slip).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ organizationId: housing.id, state: 'assigned', isPublic: true });
    expect(stored.lat).not.toBeNull();
    const files = await db.selectFrom('appealAttachment').select(['mime', 'stage']).where('appealId', '=', stored.id).execute();
    expect(files).toEqual([{ mime: 'image/jpeg', stage: 'intake' }]);

    // 4. The department's executor signs in, finds it in the inbox, opens it, accepts and answers with a file.
    const ex = await openSession(e, { locale: 'ru-RU', viewport: DESKTOP });
    await signIn(ex.page, 'executor');
    await switchLang(ex.page, 'ru');
    await ex.page.goto('/work/inbox');
    const row = ex.page.locator(`[data-row="${slip}"]`);
    await row.waitFor();
    expect(await row.getByTestId('time-left').getAttribute('data-urgency')).toBe('ok');
    await checkScreen(ex.page, 'journey-6-inbox-ru-desktop');
    await row.getByTestId('appeal-link').click();
    await ex.page.getByTestId('appeal-slip').waitFor();
    expect(await h1(ex.page)).toBe(trStaff('ru', 'appeal.title', { slip }));
    expect(await ex.page.getByTestId('attachments').innerText()).toContain('lift.jpg');
    await ex.page.getByTestId('action-accept').click();
    await expect.poll(() => ex.page.getByTestId('action-done').innerText()).toBe(trStaff('ru', 'done.accept'));
    await ex.page.getByTestId('action-answer').click();
    await choose(ex.page, 'decision', trStaff('ru', 'decision.granted'));
    const answerText = 'Лифт отремонтирован: заменён блок управления, проверка проведена. Акт приложен.';
    await ex.page.locator('[data-field="text"]').fill(answerText);
    await ex.page.locator('[data-testid="form-answer"] input[type="file"]').setInputFiles({ name: 'акт-лифт.pdf', mimeType: 'application/pdf', buffer: TINY_PDF });
    await checkScreen(ex.page, 'journey-7-answer-form-ru-desktop');
    await ex.page.getByTestId('submit-answer').click();
    await expect.poll(() => ex.page.getByTestId('action-done').innerText()).toBe(trStaff('ru', 'done.answer'));
    await checkScreen(ex.page, 'journey-8-answered-ru-desktop');

    // 5. The citizen reads the answer and its file, confirms and rates it 5.
    await page.goto('/my-appeals');
    await page.getByRole('link', { name: tr('ru', 'mine.openSlip', { slip }) }).click();
    await page.getByTestId('answer-text').waitFor();
    expect(await page.getByTestId('answer-text').innerText()).toBe(answerText);
    expect(await page.getByTestId('answer').innerText()).toContain('акт-лифт.pdf');
    await checkScreen(page, 'journey-9-answer-ru-phone');
    await page.getByRole('radio', { name: tr('ru', 'feedback.confirm') }).check();
    await page.getByRole('radio', { name: tr('ru', 'feedback.stars_other', { count: 5 }) }).check();
    await page.getByTestId('feedback-send').click();
    await page.getByTestId('my-rating').waitFor();
    expect(await page.getByTestId('my-rating').innerText()).toBe(tr('ru', 'appeal.yourRating', { rating: 5 }));
    await checkScreen(page, 'journey-10-rated-ru-phone');
    expect(await db.selectFrom('appeal').select(['state', 'rating', 'verdict']).where('id', '=', stored.id).executeTakeFirstOrThrow()).toEqual({ state: 'closed', rating: 5, verdict: 'confirmed' });

    // 6. The coordination centre's figures moved: one more received, none more open (closed), the rating counted.
    const after = await departmentFigures(coord.page, housing.id, to);
    const summaryAfter = await coordinatorApi<{ organizations: SummaryOrg[] }>('GET', `/api/appeals/reports/summary?to=${to}`);
    const orgAfter = summaryAfter.organizations.find((o) => o.organizationId === housing.id)!;
    expect(after.received).toBe(before.received + 1);
    expect(after.open).toBe(before.open);
    expect(orgAfter.rated).toBe(ratedBefore + 1);
    expect(after.rating).toBe(orgAfter.averageRating);
    expect(after.rating).not.toBeNull();
    await checkScreen(coord.page, 'journey-11-coordination-after-ru-desktop');

    // 7. From the region map, by keyboard alone: Tab to the appeal's point, Enter opens its popup, Enter follows its link.
    await coord.page.getByTestId('region-map').locator('path.leaflet-interactive').first().waitFor();
    await coord.page.getByRole('heading', { level: 1 }).focus();
    const presses = await tabTo(coord.page, (el) => !!el.label?.startsWith(`${slip} · `));
    console.log(`[e2e journey] the appeal's point on the coordination map reached with ${presses} presses of Tab`);
    await checkScreen(coord.page, 'journey-12-map-point-focused-ru-desktop');
    await coord.page.keyboard.press('Enter');
    const link = coord.page.locator('.leaflet-popup a[data-open]');
    await link.waitFor();
    expect(await coord.page.evaluate(() => document.activeElement?.hasAttribute('data-open'))).toBe(true);
    expect(await link.innerText()).toBe(tr('ru', 'map.openAppeal'));
    await checkScreen(coord.page, 'journey-13-map-popup-ru-desktop');
    await coord.page.keyboard.press('Enter');
    await expect.poll(() => h1(coord.page)).toBe(trStaff('ru', 'appeal.title', { slip }));
    await coord.page.getByTestId('appeal-rating').waitFor();

    await cit.done();
    await ex.done();
    await coord.done();
  }, 420_000);

  it('the public map: a point is reached with Tab, named, Enter opens its popup and Escape gives the focus back', async () => {
    const { page, done } = await openSession(e, { locale: 'en-GB', viewport: PHONE });
    await page.goto('/public/appeals');
    await page.getByTestId('public-map').locator('path.leaflet-interactive').first().waitFor();
    await switchLang(page, 'en');
    const firstLabel = await page.getByTestId('public-map').locator('path.leaflet-interactive').first().getAttribute('aria-label');
    expect(firstLabel).toBeTruthy();
    expect(await page.getByTestId('public-map').locator('path.leaflet-interactive').first().getAttribute('role')).toBe('button');
    await page.getByRole('heading', { level: 1 }).focus();
    await tabTo(page, (el) => el.tag === 'path' && !!el.label);
    const label = await page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
    await page.keyboard.press('Enter');
    const popup = page.locator('.leaflet-popup');
    await popup.waitFor();
    expect(await popup.innerText()).toContain(label!);
    // No link on the public layer: the focus goes to the popup's close button, named in the page's language.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(tr('en', 'map.closePopup'));
    await checkScreen(page, 'public-map-popup-en-phone');
    await page.keyboard.press('Escape');
    await expect.poll(() => popup.count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(label);
    await switchLang(page, 'kk');
    await page.waitForTimeout(600); // the map is rebuilt in the new language: its first view settles
    await page.getByTestId('public-map').locator('path.leaflet-interactive').first().focus();
    await page.keyboard.press(' ');
    await popup.waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(tr('kk', 'map.closePopup'));
    await checkScreen(page, 'public-map-popup-kk-phone');
    await done();
  }, 180_000);
});
