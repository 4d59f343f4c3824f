import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Lang } from '../../src/platform/i18n/i18n.ts';
import { startE2E, type E2E } from './browser.ts';
import { APPEALS_SHOTS, DESKTOP, PHONE, PNG_8x8, asUser, axeLog, checkScreen, everyLanguage, h1, openSession, signIn, switchLang, tr } from './appeals-web.helpers.ts';

/**
 * The appeals centre in a real browser, for the people outside the organizations: a citizen on
 * a 360 px phone (file with a photo, the slip, "my appeals" with the timeline, the answer,
 * confirm and rate), the call-centre operator at a desktop (caller by phone, one form, the slip
 * read back — keystrokes and clicks counted), and the public page without sign-in (no personal
 * data). axe on every screen in kk, ru and en; screenshots in test-results/screenshots/appeals/.
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
  console.log(`[e2e appeals] axe ran on ${axeLog.length} screens (no serious or critical findings allowed); minor findings: ${minor.length ? JSON.stringify(minor, null, 1) : 'none'}`);
  console.log(`[e2e appeals] screenshots: ${APPEALS_SHOTS}`);
});

interface ApiAppeal {
  id: string;
  slipNumber: string;
  state: string;
  dueAt: string | null;
  workingDaysLeft: number | null;
  organization: { name: Record<Lang, string> };
  rating: number | null;
  verdict: string | null;
  attachments: { mime: string }[];
  caseVersion: number;
}

const KK_MONTHS = ['қаңтар', 'ақпан', 'наурыз', 'сәуір', 'мамыр', 'маусым', 'шілде', 'тамыз', 'қыркүйек', 'қазан', 'қараша', 'желтоқсан'];

/** The deadline sentence as the page must word it: the region's time zone; Kazakh in CLDR's pattern ("2026 ж. 14 желтоқсан"). */
function deadlineWords(lang: Lang, a: Pick<ApiAppeal, 'dueAt' | 'workingDaysLeft'>): string {
  const locale = { kk: 'kk-KZ', ru: 'ru-KZ', en: 'en-GB' }[lang];
  const due = new Date(a.dueAt!);
  const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Almaty' }).format(due).split('-').map(Number) as [number, number, number];
  const date = lang === 'kk' ? `${y} ж. ${d} ${KK_MONTHS[m - 1]}` : new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Asia/Almaty' }).format(due);
  const n = a.workingDaysLeft!;
  const form = new Intl.PluralRules(locale).select(n);
  const left = n === 0 ? tr(lang, 'deadline.lastDay') : tr(lang, `deadline.left_${form}`, { count: n });
  return tr(lang, 'deadline.sentence', { due: tr(lang, 'deadline.dueBy', { date }), left });
}

async function next(page: Page) {
  await page.getByTestId('step-next').click();
}

async function stepTitle(page: Page) {
  return (await page.locator('#step-title').innerText()).trim();
}

describe('appeals centre: citizen, operator and public screens', () => {
  it('a citizen files an appeal with a photo on a phone, sees the slip and the timeline, then reads the answer and rates it', async () => {
    const citizen = e.testApp.demo.accounts.find((a) => a.login === '900515301234')!;
    const { page, done } = await openSession(e, { locale: 'kk-KZ', viewport: PHONE });
    await signIn(page, citizen.login, citizen.password);
    await page.goto('/new-appeal');
    await expect.poll(() => h1(page)).toBe(tr('kk', 'new.title'));

    // 1. Kind and category: found by a word, with the category's extra fields.
    await page.getByTestId('category-search').fill('жылу');
    await page.getByRole('radio', { name: /Пәтерде жылу жоқ/ }).check();
    await page.getByLabel(tr('kk', 'extra.apartment')).fill('12');
    await page.getByLabel(tr('kk', 'extra.indoorTemperature')).fill('14');
    await everyLanguage(page, 'citizen-1-kind', { h1Key: 'new.title', extra: async (lang) => expect(await stepTitle(page)).toBe(tr(lang, 'new.step.kind')) });
    await next(page);

    // 2. What happened; an empty text is refused next to the field first.
    await expect.poll(() => stepTitle(page)).toBe(tr('kk', 'new.step.text'));
    await next(page);
    await page.getByText(tr('kk', 'new.required.text')).waitFor();
    await page.getByLabel(tr('kk', 'new.text')).fill('Пәтерде үш күннен бері жылу жоқ, батареялар суық. Өтінемін, жылуды қалпына келтіріңіздер.');
    await everyLanguage(page, 'citizen-2-text');
    await next(page);

    // 3. Where: a pin far out in the steppe first (the server will refuse it), on a plain map (no tiles here).
    await expect.poll(() => stepTitle(page)).toBe(tr('kk', 'new.step.where'));
    const map = page.getByTestId('pick-map');
    expect(await map.locator('[data-tiles]').getAttribute('data-tiles')).toBe('off');
    for (let i = 0; i < 3; i++) {
      await map.getByRole('button', { name: tr('kk', 'map.zoomOut') }).click();
      await page.waitForTimeout(350);
    }
    const box = (await map.locator('[data-tiles]').boundingBox())!;
    await page.mouse.click(box.x + box.width - 12, box.y + box.height / 2);
    await expect.poll(() => page.getByTestId('pin-status').innerText()).not.toBe(tr('kk', 'new.notPinned'));
    await everyLanguage(page, 'citizen-3-where');
    await next(page);

    // 4. A photo and consent to publish; a summary before sending.
    await expect.poll(() => stepTitle(page)).toBe(tr('kk', 'new.step.photos'));
    await page.getByTestId('appeal-files').setInputFiles({ name: 'radiator.png', mimeType: 'image/png', buffer: PNG_8x8 });
    await page.getByTestId('appeal-files-chosen').getByText('radiator.png').waitFor();
    await page.getByLabel(tr('kk', 'new.consent')).check();
    await everyLanguage(page, 'citizen-4-photos');
    // Switched kk → ru → en → kk: the account keeps the last language chosen (the saves go in
    // order), in which the server words its answer below.
    await expect.poll(() => page.evaluate(async () => ((await (await fetch('/api/auth/me')).json()) as { actor: { locale: string } }).actor.locale)).toBe('kk');
    await next(page);

    // The server cannot place the pin: back on the "where" step, its message under the map, in Kazakh.
    await expect.poll(() => stepTitle(page)).toBe(tr('kk', 'new.step.where'));
    await page.getByText(tr('kk', 'appeals:errors.location_unresolved')).waitFor();
    await checkScreen(page, 'citizen-3-where-server-error-kk-phone');
    await page.getByRole('button', { name: tr('kk', 'map.pinCentre') }).click();
    await expect(page.getByText(tr('kk', 'appeals:errors.location_unresolved')).count()).resolves.toBe(0);
    await next(page);
    await expect.poll(() => stepTitle(page)).toBe(tr('kk', 'new.step.photos'));
    await next(page);

    // The slip on screen, its heading focused.
    const slipNumber = (await page.getByTestId('slip-number').innerText()).trim();
    expect(slipNumber).toMatch(/^KRG-\d{4}-\d{6}$/);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('slip-title');
    await everyLanguage(page, 'citizen-5-slip', { h1Key: 'new.doneTitle' });

    // The appeal's page: state, deadline in words, the photo, the timeline (registered, sent on).
    await page.getByRole('link', { name: tr('kk', 'new.openAppeal') }).click();
    await expect.poll(() => h1(page)).toBe(tr('kk', 'appeal.title', { slip: slipNumber }));
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const me = await asUser(e, citizen.login);
    let appeal = await me<ApiAppeal>('GET', `/api/appeals/${id}`);
    expect(appeal.slipNumber).toBe(slipNumber);
    expect(appeal.attachments.map((a) => a.mime)).toEqual(['image/png']);
    expect(appeal.organization.name.en).toMatch(/Heating/);
    for (const lang of ['kk', 'ru', 'en'] as Lang[]) {
      await switchLang(page, lang);
      await expect.poll(() => page.getByTestId('deadline-words').innerText()).toBe(deadlineWords(lang, appeal));
      // The organization's name in the route entry comes from its own query ("…" until then).
      await expect.poll(async () => (await page.getByTestId('timeline-text').allInnerTexts())[1]).toContain(appeal.organization.name[lang]);
      const timeline = await page.getByTestId('timeline-text').allInnerTexts();
      expect(timeline[0]).toBe(tr(lang, 'timeline.registered'));
      expect(timeline[1]).toContain(tr(lang, 'timeline.route'));
      expect(timeline[1]).toContain(appeal.organization.name[lang]);
      expect(await page.getByTestId('attachments').locator('img').count()).toBe(1);
      await checkScreen(page, `citizen-6-appeal-${lang}-phone`);
    }

    // "My appeals": the new one first, with its state and deadline; paged.
    await page.goto('/my-appeals');
    await expect.poll(() => h1(page)).toBe(tr('en', 'mine.title'));
    const first = page.getByTestId('my-appeal').first();
    expect(await first.innerText()).toContain(slipNumber);
    await everyLanguage(page, 'citizen-7-my-appeals', { h1Key: 'mine.title' });

    // The heating company's executor accepts and answers (through the API).
    const executor = await asUser(e, 'executor.heat');
    await executor('POST', `/api/appeals/${id}/accept`, {});
    const answerText = 'Жылу желісіндегі ақау жойылды, 12-пәтерде жылу қалпына келтірілді.';
    await executor('POST', `/api/appeals/${id}/answer`, { text: answerText, decision: 'granted' });

    // The citizen reads the answer, confirms it and rates it 4.
    await page.getByRole('link', { name: tr('en', 'mine.openSlip', { slip: slipNumber }) }).click();
    await page.getByTestId('answer-text').waitFor();
    expect(await page.getByTestId('answer-text').innerText()).toBe(answerText);
    const texts = await page.getByTestId('timeline-text').allInnerTexts();
    expect(texts).toContain(tr('en', 'timeline.accept'));
    expect(texts).toContain(tr('en', 'timeline.answer'));
    await everyLanguage(page, 'citizen-8-answered', { extra: async (lang) => void (await page.getByText(tr(lang, 'feedback.title')).waitFor()) });
    await switchLang(page, 'ru');
    await page.getByTestId('feedback-send').click(); // nothing chosen: each message under its group
    await page.getByText(tr('ru', 'feedback.required.rating')).waitFor();
    await page.getByRole('radio', { name: tr('ru', 'feedback.confirm') }).check();
    await page.getByRole('radio', { name: tr('ru', 'feedback.stars_few', { count: 4 }) }).check();
    await page.getByTestId('feedback-send').click();
    await page.getByTestId('my-rating').waitFor();
    expect(await page.getByTestId('my-rating').innerText()).toBe(tr('ru', 'appeal.yourRating', { rating: 4 }));
    expect(await page.getByTestId('timeline-text').allInnerTexts()).toContain(tr('ru', 'timeline.confirmRated', { rating: 4 }));
    await everyLanguage(page, 'citizen-9-rated');

    // The rating is stored.
    const row = await e.testApp.testDb.db.selectFrom('appeal').select(['rating', 'verdict', 'state', 'isPublic']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ rating: 4, verdict: 'confirmed', state: 'closed', isPublic: true });
    appeal = await me<ApiAppeal>('GET', `/api/appeals/${id}`);
    expect(appeal.rating).toBe(4);
    await done();
  }, 300_000);

  it('a citizen gives the information asked for, then disputes the answer: the appeal is reopened', async () => {
    const login = '061211600012';
    const citizen = await asUser(e, login);
    const categories = await citizen<{ items: { id: string; code: string }[] }>('GET', '/api/appeals/categories?regionCode=350000000');
    const pothole = categories.items.find((c) => c.code === 'roads.pothole')!;
    const slip = await citizen<{ appealId: string; slipNumber: string }>('POST', '/api/appeals', { type: 'complaint', categoryId: pothole.id, text: 'Жол жөндеуден кейін шұңқыр қайта пайда болды.', territoryCode: '351010000' });
    const roads = await asUser(e, 'executor.roads');
    await roads('POST', `/api/appeals/${slip.appealId}/accept`, {});
    const question = 'Шұңқыр нақты қай үйдің жанында?';
    await roads('POST', `/api/appeals/${slip.appealId}/request-info`, { question });

    const { page, done } = await openSession(e, { locale: 'en-GB', viewport: PHONE });
    await signIn(page, login);
    await page.goto(`/my-appeals/${slip.appealId}`);
    await page.getByText(question).first().waitFor();
    await everyLanguage(page, 'citizen-10-info-asked', { h1Key: 'appeal.title', h1Params: { slip: slip.slipNumber }, end: 'en' });
    await page.getByLabel(tr('en', 'provideInfo.text')).fill('Next to house 14 on Bukhar-Zhyrau avenue.');
    // A photo with the reply; a file of another type is named and left out, as on the appeal form.
    await page.getByTestId('info-files').setInputFiles([
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') },
      { name: 'pothole.png', mimeType: 'image/png', buffer: PNG_8x8 },
    ]);
    await page.getByTestId('info-files-rejected').getByText('notes.txt').waitFor();
    expect(await page.getByTestId('info-files-chosen').innerText()).toContain('pothole.png');
    await checkScreen(page, 'citizen-10-info-files-en-phone');
    await page.getByRole('button', { name: tr('en', 'provideInfo.send') }).click();
    await expect.poll(() => page.getByTestId('appeal-state').innerText()).toBe(tr('en', 'state.in_progress'));
    expect(await page.getByTestId('timeline-text').allInnerTexts()).toContain(tr('en', 'timeline.provide_info'));
    await page.getByTestId('attachments').getByText('pothole.png').waitFor();
    const infoFiles = await e.testApp.testDb.db.selectFrom('appealAttachment').select(['stage', 'mime', 'originalName']).where('appealId', '=', slip.appealId).execute();
    expect(infoFiles).toEqual([{ stage: 'info', mime: 'image/png', originalName: 'pothole.png' }]);

    await roads('POST', `/api/appeals/${slip.appealId}/answer`, { text: 'The pothole is in the repair plan for next year.', decision: 'refused' });
    await page.reload();
    await page.getByTestId('answer-text').waitFor();
    await page.getByRole('radio', { name: tr('en', 'feedback.dispute') }).check();
    await page.getByRole('radio', { name: tr('en', 'feedback.stars_other', { count: 2 }) }).check();
    await page.getByTestId('feedback-send').click(); // a dispute needs a reason, asked for under the field
    await page.getByText(tr('en', 'feedback.required.comment')).waitFor();
    await page.getByLabel(tr('en', 'feedback.commentDispute')).fill('A year is too long: cars are damaged every day.');
    await page.getByTestId('feedback-send').click();
    await expect.poll(() => page.getByTestId('appeal-state').innerText()).toBe(tr('en', 'state.reopened'));
    expect(await page.getByTestId('timeline-text').allInnerTexts()).toContain(tr('en', 'timeline.disputeRated', { rating: 2 }));
    await everyLanguage(page, 'citizen-11-disputed', { end: 'en' });
    const row = await e.testApp.testDb.db.selectFrom('appeal').select(['rating', 'verdict', 'state', 'reopenCount']).where('id', '=', slip.appealId).executeTakeFirstOrThrow();
    expect(row).toEqual({ rating: 2, verdict: 'disputed', state: 'reopened', reopenCount: 1 });
    await done();
  }, 180_000);

  it('the operator finds a caller by phone, registers an appeal in one form and reads back the slip (keystrokes and clicks counted)', async () => {
    const { page, done } = await openSession(e, { locale: 'ru-RU', viewport: DESKTOP });
    await signIn(page, 'operator');
    await page.goto('/operator');
    await expect.poll(() => h1(page)).toBe(tr('ru', 'operator.title'));
    await everyLanguage(page, 'operator-1-empty', { h1Key: 'operator.title', end: 'ru' });

    // A mistyped IIN: the server's message under the search field, in Russian, nothing else changes.
    const search = page.locator('input[name="caller"]');
    await search.fill('900515301235');
    await search.press('Enter');
    await page.getByText(tr('ru', 'directory:iin_checksum')).waitFor();
    expect(await search.getAttribute('aria-invalid')).toBe('true');
    await checkScreen(page, 'operator-2-search-error-ru-desktop');
    await page.keyboard.press('Alt+N'); // next call: everything cleared, focus back in the search
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('caller');
    expect(await search.inputValue()).toBe('');

    // The territory is taken from the caller's latest appeal.
    const latest = await e.testApp.testDb.db.selectFrom('appeal').select('territoryCode').where('applicantIin', '=', '900515301234').orderBy('receivedAt', 'desc').executeTakeFirstOrThrow();

    // The practiced path, counted from the search field (where "Next call" leaves the focus).
    let keys = 0;
    const clicks = 0; // the practiced path never leaves the keyboard
    const type = async (text: string) => {
      await page.keyboard.type(text, { delay: 5 });
      keys += [...text].length;
    };
    const press = async (key: string) => {
      await page.keyboard.press(key);
      keys += key.split('+').length; // Control+Enter is two keys
    };
    await type('87015550101'); // the caller's phone, as they say it
    await press('Enter');
    await page.getByTestId('caller-found').waitFor();
    expect(await page.getByTestId('caller-found').innerText()).toBe(tr('ru', 'operator.found_one', { count: 1 }));
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('op-category');
    expect(await page.getByTestId('earlier-appeals').locator('li').count()).toBeGreaterThan(0);
    await type('ямы');
    await press('Enter');
    await expect.poll(() => page.locator('#op-category').inputValue()).toContain('Ямы на дороге');
    await press('Tab');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('op-text');
    const text = 'Яма на дороге у дома 5 по улице Ерубаева';
    await type(text);
    await everyLanguage(page, 'operator-3-filled', { h1Key: 'operator.title', end: 'ru' });
    await page.getByTestId('op-text').focus(); // the language switch took the focus; the operator is back in the text
    await press('Control+Enter');
    await page.getByTestId('slip-number').waitFor();
    const slipNumber = (await page.getByTestId('slip-number').innerText()).trim();
    expect(slipNumber).toMatch(/^KRG-\d{4}-\d{6}$/);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('slip-title');
    expect(await page.getByText(tr('ru', 'operator.readBack', { slip: slipNumber })).count()).toBe(1);
    const total = keys + clicks;
    console.log(`[e2e appeals] operator registered ${slipNumber}: ${keys} keystrokes + ${clicks} clicks = ${total} actions (text of ${[...text].length} characters)`);
    expect(clicks).toBe(0);
    expect(total).toBeLessThanOrEqual(70);

    const row = await e.testApp.testDb.db
      .selectFrom('appeal')
      .select(['applicantIin', 'channel', 'text', 'territoryCode', 'typeCode'])
      .where('slipNumber', '=', slipNumber)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ applicantIin: '900515301234', text, territoryCode: latest.territoryCode, typeCode: 'statement' });
    await everyLanguage(page, 'operator-4-slip', { end: 'ru', extra: async (lang) => void (await page.getByText(tr(lang, 'operator.slipTitle')).waitFor()) });

    await page.getByTestId('next-call').click();
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('caller');
    await done();
  }, 240_000);

  it('the operator attaches a file to a registration: a file the server refuses is explained under the field, a photo is stored', async () => {
    const { page, done } = await openSession(e, { locale: 'ru-RU', viewport: DESKTOP });
    await signIn(page, 'operator');
    await page.goto('/operator');
    await expect.poll(() => h1(page)).toBe(tr('ru', 'operator.title'));
    await switchLang(page, 'ru');
    const search = page.locator('input[name="caller"]');
    await search.fill('87015550101');
    await search.press('Enter');
    await page.getByTestId('caller-found').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('op-category');
    await page.keyboard.type('ямы');
    await page.keyboard.press('Enter');
    await page.getByTestId('op-text').fill('Яма у подъезда дома 5 по улице Ерубаева, заявитель пришлёт фото.');
    // Named .png but not an image: the browser lets it through, the server judges the bytes and names the file.
    await page.getByTestId('op-files').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from('this is not an image at all') });
    await page.getByTestId('op-register').click();
    const files = page.getByTestId('op-files');
    await expect.poll(() => files.getAttribute('aria-invalid')).toBe('true');
    const message = tr('ru', 'files:unsupported_type', { field: '@@', types: '' }).split('@@')[0]!;
    expect(await page.locator('#op-files-error').innerText()).toContain(message);
    expect(await page.getByTestId('slip-number').count()).toBe(0);
    await checkScreen(page, 'operator-5-file-error-ru-desktop');
    await page.getByRole('button', { name: tr('ru', 'new.removeFile', { name: 'photo.png' }) }).click();
    await files.setInputFiles({ name: 'яма.png', mimeType: 'image/png', buffer: PNG_8x8 });
    await page.getByTestId('op-files-chosen').getByText('яма.png').waitFor();
    await everyLanguage(page, 'operator-6-file-chosen', { h1Key: 'operator.title', end: 'ru' });
    await page.getByTestId('op-register').click();
    await page.getByTestId('slip-number').waitFor();
    const slipNumber = (await page.getByTestId('slip-number').innerText()).trim();
    const row = await e.testApp.testDb.db.selectFrom('appeal').select('id').where('slipNumber', '=', slipNumber).executeTakeFirstOrThrow();
    const stored = await e.testApp.testDb.db.selectFrom('appealAttachment').select(['stage', 'mime', 'originalName']).where('appealId', '=', row.id).execute();
    expect(stored).toEqual([{ stage: 'intake', mime: 'image/png', originalName: 'яма.png' }]);
    await done();
  }, 180_000);

  it('the public page shows published appeals on a map, in a list and in figures, with no personal data, without signing in', async () => {
    // A published appeal whose applicant's IIN, phone, name and address must never show.
    const citizen = await asUser(e, '900515301234');
    const categories = await citizen<{ items: { id: string; code: string; name: Record<Lang, string> }[] }>('GET', '/api/appeals/categories?regionCode=350000000');
    const pothole = categories.items.find((c) => c.code === 'roads.pothole')!;
    await citizen('POST', '/api/appeals', {
      type: 'report', categoryId: pothole.id, text: 'Глубокая яма у подъезда, Сәрсенов Нұрлан, тел. +77015550101', location: { lat: 49.8003, lon: 73.1021 }, address: 'ул. Ерубаева, 12, кв. 7', isPublic: true,
    });
    const secrets = ['900515301234', '+77015550101', '7015550101', 'Сәрсенов', 'Нұрлан', 'Ерубаева', 'Глубокая яма'];

    for (const viewport of [PHONE, DESKTOP]) {
      const { page, done } = await openSession(e, { locale: 'kk-KZ', viewport });
      await page.goto('/public/appeals');
      await expect.poll(() => h1(page)).toBe(tr('kk', 'public.title'));
      await page.getByTestId('public-item').first().waitFor();
      // Newest registration day first (the order within a day is the server's): the new one is on the first page.
      await expect.poll(() => page.getByTestId('public-item').filter({ hasText: pothole.name.kk }).count()).toBeGreaterThan(0);
      await expect.poll(() => page.getByTestId('public-map').locator('path.leaflet-interactive').count()).toBeGreaterThan(0);
      await everyLanguage(page, 'public', {
        h1Key: 'public.title',
        extra: async (lang) => {
          await page.getByTestId('stats-totals').waitFor();
          const body = await page.evaluate(() => document.body.innerText);
          for (const s of secrets) expect(body, `${lang}: "${s}" on the public page`).not.toContain(s);
        },
      });
      // The list pages.
      const before = await page.getByTestId('public-item').first().innerText();
      await page.getByRole('button', { name: tr('kk', 'pager.next') }).click();
      await expect.poll(() => page.getByTestId('public-item').first().innerText()).not.toBe(before);
      await done();
    }
  }, 240_000);

  it('a desktop also works for the citizen', async () => {
    const citizen = e.testApp.demo.accounts.find((a) => a.login === '900515301234')!;
    const { page, done } = await openSession(e, { locale: 'ru-RU', viewport: DESKTOP });
    await signIn(page, citizen.login, citizen.password);
    await page.goto('/my-appeals');
    await page.getByTestId('my-appeal').first().waitFor();
    await everyLanguage(page, 'citizen-my-appeals', { h1Key: 'mine.title' });
    await page.goto('/new-appeal');
    await page.getByTestId('category-search').waitFor();
    await everyLanguage(page, 'citizen-new', { h1Key: 'new.title' });
    await done();
  }, 120_000);
});
