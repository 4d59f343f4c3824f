import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { workflowHooks } from '../../src/background.ts';
import { runSweep } from '../../src/platform/workflow/sweep.ts';
import type { Lang } from '../../src/platform/i18n/i18n.ts';
import { DESKTOP, PHONE } from './browser.ts';
import {
  LANGS, SHOTS, TINY_PDF, TINY_PNG, apiAs, gotoApp, regionDay, axeReport, checkScreen, choose, figure, h1, movableClock, signedIn, start, switchLang, tr, type Env,
} from './appeals-staff.support.ts';

/**
 * The executor's, the head's and the coordination centre's screens in a real browser on the
 * demo region (Karaganda): the journey across roles (a citizen files → routed → the executor
 * accepts and answers in the browser → the citizen rates → the coordination centre's figures
 * move), the clock moved past the term (overdue in the inbox and in "who ignores residents"),
 * a server error shown next to its field in the user's language, and every screen in kk, ru
 * and en on a 360 px phone and a desktop, checked by axe and photographed.
 */

const clock = movableClock();
let env: Env;
let startError: unknown;
let housingId: string;
let elevatorId: string;
let citizen: { login: string; password: string };
/** The appeal of the journey: the screens below photograph its page. */
let journeyAppealId: string | undefined;

interface Slip { appealId: string; slipNumber: string; organizationId: string; dueAt: string; registeredOn: string }

beforeAll(async () => {
  try {
    env = await start(clock);
    const orgs = await env.app.app.inject({ method: 'GET', url: '/api/organizations?regionCode=350000000&limit=200' });
    housingId = (orgs.json() as { items: { id: string; name: { en: string } }[] }).items.find((o) => o.name.en.startsWith('Housing and Utilities Department'))!.id;
    const cats = await env.app.app.inject({ method: 'GET', url: '/api/appeals/categories?regionCode=350000000' });
    elevatorId = (cats.json() as { items: { id: string; code: string }[] }).items.find((c) => c.code === 'housing.elevator')!.id;
    citizen = env.app.demo.accounts.find((a) => a.kind === 'citizen')!;
  } catch (err) {
    startError = err;
  }
}, 300_000);

beforeEach(() => {
  if (startError) throw startError;
});

afterAll(async () => {
  await env?.close();
  const minor = axeReport.filter((r) => r.findings.length);
  console.log(`[e2e] appeals-staff: axe ran on ${axeReport.length} screens; findings below serious: ${minor.length ? JSON.stringify(minor, null, 1) : 'none'}`);
  console.log(`[e2e] appeals-staff screenshots: ${SHOTS}`);
});

/** The citizen files an appeal about a lift in Karaganda city, with a photo (multipart, as the phone app sends it). */
async function fileAppeal(text: string): Promise<Slip> {
  const auth = await (await import('../app.ts')).login(env.app.app, citizen.login, citizen.password);
  const form = new FormData();
  form.set('data', JSON.stringify({ type: 'complaint', categoryId: elevatorId, text, territoryCode: '351010000', address: 'Караганда, ул. Ерубаева, 35', location: { lat: 49.8047, lon: 73.1094 }, lang: 'ru' }));
  form.append('files', new Blob([TINY_PNG], { type: 'image/png' }), 'lift.png');
  const req = new Request('http://x/', { method: 'POST', body: form });
  const res = await env.app.app.inject({
    method: 'POST', url: '/api/appeals', payload: Buffer.from(await req.arrayBuffer()),
    headers: { ...auth.headers, 'content-type': req.headers.get('content-type')! },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as Slip;
}

async function openInbox(page: Page, query = '') {
  await gotoApp(page, `/work/inbox${query}`);
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.waitForLoadState('networkidle');
}

/** A weekday `days` after the instant's day in the region, avoiding the fixed public holidays of Kazakhstan. */
function workingDayAfter(iso: string, days: number): string {
  const HOLIDAYS = ['01-01', '01-02', '01-07', '03-08', '03-21', '03-22', '03-23', '05-01', '05-07', '05-09', '07-06', '08-30', '10-25', '12-16'];
  for (let d = days; ; d++) {
    const day = regionDay(new Date(iso), d);
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6 && !HOLIDAYS.includes(day.slice(5))) return day;
  }
}

let workAppealId: string | undefined;
/** An appeal in work at the housing department: the head extends or hands it over, the coordination centre reassigns it. */
async function workAppeal(): Promise<string> {
  if (!workAppealId) {
    const slip = await fileAppeal('Лифт в доме 3 по улице Алиханова останавливается между этажами, нужен осмотр.');
    await apiAs(env, 'executor')('POST', `/api/appeals/${slip.appealId}/accept`, {});
    workAppealId = slip.appealId;
  }
  return workAppealId;
}

/**
 * The housing department's figures on the coordination screen. Reports count appeals by their
 * registration day (APPC art. 64: one received on a day off is registered on the next working
 * day), so the period runs a few days past today to hold an appeal filed at a weekend.
 */
async function coordinatorFigures(page: Page) {
  await gotoApp(page, `/coordination/overview?to=${regionDay(clock.now(), 4)}`);
  await page.getByTestId('total-open').waitFor();
  return {
    received: await figure(page, `org-${housingId}-received`),
    open: await figure(page, `org-${housingId}-open`),
    totalOpen: await figure(page, 'total-open'),
  };
}

describe('appeals: executor, head and coordination centre screens', () => {
  it('journey: a citizen files → routed → the executor accepts and answers in the browser → rated → the coordination centre\'s figures change', async () => {
    const coord = await signedIn(env, 'coordinator', { lang: 'ru' });
    const before = await coordinatorFigures(coord.page);

    const slip = await fileAppeal('В доме по ул. Ерубаева, 35 третью неделю не работает лифт, в подъезде живут пожилые люди.');
    expect(slip.organizationId, 'routed by the rule housing × 35 to the housing and utilities department').toBe(housingId);
    journeyAppealId = slip.appealId;

    // The executor of that department, on a phone: the inbox shows the appeal with its time left.
    const ex = await signedIn(env, 'executor', { phone: true, lang: 'ru' });
    await openInbox(ex.page);
    const row = ex.page.locator(`[data-row="${slip.slipNumber}"]`);
    await row.waitFor();
    expect(await row.getByTestId('time-left').getAttribute('data-urgency')).toBe('ok');
    expect(await row.innerText()).toContain(tr('ru', 'urgency.ok'));
    await row.getByTestId('appeal-link').click();
    await ex.page.getByTestId('appeal-slip').waitFor();
    expect(await h1(ex.page)).toBe(tr('ru', 'appeal.title', { slip: slip.slipNumber }));
    expect(await ex.page.getByTestId('appeal-text').innerText()).toContain('не работает лифт');
    expect(await ex.page.getByTestId('attachments').innerText()).toContain('lift.png');
    await ex.page.getByTestId('appeal-map').waitFor();

    await ex.page.getByTestId('action-accept').click();
    await expect.poll(() => ex.page.getByTestId('action-done').innerText()).toBe(tr('ru', 'done.accept'));
    await ex.page.getByTestId('action-answer').click();
    // Opening a form puts the keyboard in it.
    await expect.poll(() => ex.page.evaluate(() => !!document.activeElement?.closest('[data-testid="form-answer"]'))).toBe(true);
    // An empty answer is refused beside its fields, before anything is sent.
    await ex.page.getByTestId('submit-answer').click();
    await expect.poll(() => ex.page.locator('[data-field="text"]').getAttribute('aria-invalid')).toBe('true');
    await choose(ex.page, 'decision', tr('ru', 'decision.granted'));
    await ex.page.locator('[data-field="text"]').fill('Лифт отремонтирован 21 ноября, подрядчик заменил блок управления. Проверка проведена.');
    await ex.page.locator('[data-testid="form-answer"] input[type="file"]').setInputFiles({ name: 'акт.pdf', mimeType: 'application/pdf', buffer: TINY_PDF });
    await checkScreen(ex.page, 'journey-answer-form-ru-phone');
    await ex.page.getByTestId('submit-answer').click();
    await expect.poll(() => ex.page.getByTestId('action-done').innerText()).toBe(tr('ru', 'done.answer'));
    await expect.poll(() => ex.page.getByTestId('appeal-state').first().innerText()).toBe(tr('ru', 'appealsweb:state.answered'));
    expect(await ex.page.getByTestId('appeal-answer').innerText()).toContain('Лифт отремонтирован');
    await checkScreen(ex.page, 'journey-answered-ru-phone');

    // The citizen confirms the answer and rates it through the API.
    const asCitizen = apiAs(env, citizen.login, citizen.password);
    await asCitizen('POST', `/api/appeals/${slip.appealId}/feedback`, { verdict: 'confirmed', rating: 5 });

    // The coordination centre: one more received by the department, none more open (it is closed).
    const after = await coordinatorFigures(coord.page);
    expect(after.received).toBe(before.received + 1);
    expect(after.open).toBe(before.open);
    expect(after.totalOpen).toBe(before.totalOpen);
    // The coordination centre reads the rating on the appeal's page.
    await gotoApp(coord.page, `/work/appeals/${slip.appealId}`);
    await coord.page.getByTestId('appeal-rating').waitFor();
    expect(await coord.page.getByTestId('appeal-rating').innerText()).toContain('5');
    await ex.done();
    await coord.done();
  }, 240_000);

  it('a filed appeal raises the open figures on the coordination screen while it is in work', async () => {
    const coord = await signedIn(env, 'coordinator', { lang: 'en' });
    const before = await coordinatorFigures(coord.page);
    await fileAppeal('Лифт в доме 12 на проспекте Бухар-Жырау стоит с понедельника.');
    const after = await coordinatorFigures(coord.page);
    expect(after).toEqual({ received: before.received + 1, open: before.open + 1, totalOpen: before.totalOpen + 1 });
    await coord.done();
  }, 120_000);

  it('a server error shows beside its field in the user\'s language (routing rule outside the region, in Kazakh)', async () => {
    const coord = await signedIn(env, 'coordinator', { lang: 'kk' });
    await gotoApp(coord.page, '/coordination/routing');
    await coord.page.getByTestId('rule-new').click();
    await choose(coord.page, 'categoryId', '— Лифт істемейді');
    await coord.page.locator('[data-field="territoryPrefix"]').fill('71');
    await coord.page.locator('[data-field="organizationId"]').click();
    await coord.page.getByRole('option').first().click();
    await coord.page.getByTestId('submit-rule-new').click();
    const input = coord.page.locator('[data-field="territoryPrefix"]');
    await expect.poll(() => input.getAttribute('aria-invalid')).toBe('true');
    const ids = (await input.getAttribute('aria-describedby')) ?? '';
    const described = await coord.page.evaluate((list) => list.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' '), ids);
    expect(described).toContain(tr('kk', 'appeals:errors.territory_prefix'));
    await checkScreen(coord.page, 'routing-error-kk-desktop');
    await coord.done();
  }, 120_000);

  it('the clock moved past the term: overdue in the executor\'s inbox and in "who ignores residents"', async () => {
    const slip = await fileAppeal('Лифт в доме 7 по улице Гоголя не работает, прошу отремонтировать.');
    const asExecutor = apiAs(env, 'executor');
    await asExecutor('POST', `/api/appeals/${slip.appealId}/accept`, {});
    clock.advanceTo(new Date(new Date(slip.dueAt).getTime() + 3600_000));
    const swept = await runSweep(env.app.testDb.db, clock, { hooks: workflowHooks() });
    expect(swept.failed).toBe(0);

    const ex = await signedIn(env, 'executor', { lang: 'en' });
    await openInbox(ex.page, '?overdue=1&mine=1');
    const row = ex.page.locator(`[data-row="${slip.slipNumber}"]`);
    await row.waitFor();
    expect(await row.getByTestId('time-left').getAttribute('data-urgency')).toBe('overdue');
    expect(await row.getByTestId('time-left').innerText()).toContain(tr('en', 'urgency.overdue'));
    await checkScreen(ex.page, 'overdue-inbox-en-desktop');
    await ex.done();

    const coord = await signedIn(env, 'coordinator', { lang: 'en', phone: true });
    await gotoApp(coord.page, `/coordination/report?from=${slip.registeredOn}`);
    expect(await figure(coord.page, `rank-org-${housingId}-ignored`)).toBeGreaterThanOrEqual(1);
    // The official who holds it is ranked too; the number opens the appeals behind it, ours among them.
    const executorName = (await asExecutor<{ actor: { displayName: string } }>('GET', '/api/auth/me')).actor.displayName;
    const official = coord.page.locator('[data-testid="rank-official"] [data-key]', { hasText: executorName });
    await official.waitFor();
    await checkScreen(coord.page, 'overdue-report-en-phone');
    const csv = await coord.page.request.get(await coord.page.getByTestId('export-csv').getAttribute('href') ?? '');
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect(await csv.text()).toContain(executorName);
    const xlsx = await coord.page.request.get(await coord.page.getByTestId('export-xlsx').getAttribute('href') ?? '');
    expect(xlsx.status()).toBe(200);
    await official.getByRole('link').first().click();
    await coord.page.locator(`[data-row="${slip.slipNumber}"]`).waitFor();
    expect(await coord.page.locator(`[data-row="${slip.slipNumber}"]`).innerText()).toContain(tr('en', 'urgency.overdue'));
    await coord.done();
  }, 240_000);

  it('the head extends the term with a reason (a date past the legal limit is refused beside its field) and hands the appeal to a colleague', async () => {
    const id = await workAppeal();
    const page0 = await apiAs(env, 'head')<{ dueAt: string; receivedAt: string }>('GET', `/api/appeals/${id}`);
    const head = await signedIn(env, 'head', { lang: 'ru', phone: true });
    const { page } = head;
    await gotoApp(page, `/work/appeals/${id}`);
    await page.getByTestId('action-extend').click();
    await page.locator('[data-field="newDueDate"]').fill(regionDay(new Date(page0.receivedAt), 120));
    await page.locator('[data-field="reason"]').fill('Нужна экспертиза лифтового оборудования специализированной организацией.');
    await page.getByTestId('submit-extend').click();
    const date = page.locator('[data-field="newDueDate"]');
    await expect.poll(() => date.getAttribute('aria-invalid')).toBe('true');
    const ids = (await date.getAttribute('aria-describedby')) ?? '';
    const described = await page.evaluate((list) => list.split(/\s+/).map((x) => document.getElementById(x)?.textContent ?? '').join(' '), ids);
    expect(described).toContain(tr('ru', 'workflow:extension_beyond_limit', { max: '@@' }).split('@@')[0]!);
    await checkScreen(page, 'extend-error-ru-phone');
    await date.fill(workingDayAfter(page0.dueAt, 7));
    await page.getByTestId('submit-extend').click();
    await expect.poll(() => page.getByTestId('action-done').innerText()).toBe(tr('ru', 'done.extend'));

    await page.getByTestId('action-delegate').click();
    await page.locator('[data-field="assigneeId"]').click();
    await page.getByRole('option').first().click();
    await page.getByTestId('submit-delegate').click();
    await expect.poll(() => page.getByTestId('action-done').innerText()).toBe(tr('ru', 'done.delegate'));
    await head.done();
  }, 120_000);

  /** Every screen of each role, in kk → ru → en, on a phone and on a desktop. */
  const SCREENS: { role: string; name: string; path: () => string; ready: string }[] = [
    { role: 'executor', name: 'inbox', path: () => '/work/inbox', ready: '[data-testid="appeal-link"]' },
    { role: 'executor', name: 'appeal-executor', path: () => `/work/appeals/${journeyAppealId ?? '__work__'}`, ready: '[data-testid="timeline"]' },
    { role: 'head', name: 'organization', path: () => '/work/organization', ready: '[data-testid="by-person"]' },
    { role: 'head', name: 'appeal-head', path: () => '/work/appeals/__work__', ready: '[data-testid="action-extend"]' },
    { role: 'coordinator', name: 'coordination', path: () => '/coordination/overview', ready: '[data-testid="chart"] svg' },
    { role: 'coordinator', name: 'report', path: () => '/coordination/report', ready: '[data-testid="rank-org"]' },
    { role: 'coordinator', name: 'region-appeals', path: () => '/coordination/appeals?figure=overdue', ready: '[data-testid="appeal-link"]' },
    { role: 'coordinator', name: 'appeal-coordinator', path: () => '/work/appeals/__work__', ready: '[data-testid="action-reassign"]' },
    { role: 'coordinator', name: 'routing', path: () => '/coordination/routing', ready: '[data-rule]' },
    { role: 'coordinator', name: 'categories', path: () => '/coordination/categories', ready: '[data-code]' },
  ];

  for (const role of ['executor', 'head', 'coordinator'] as const) {
    it(`${role}: every screen in kk, ru and en on a 360 px phone and a desktop — axe, no sideways scrolling, screenshots`, async () => {
      const s = await signedIn(env, role, { phone: true, lang: 'kk' });
      const workId = await workAppeal();
      for (const lang of LANGS as Lang[]) {
        for (const screen of SCREENS.filter((x) => x.role === role)) {
          await s.page.setViewportSize(PHONE);
          await gotoApp(s.page, screen.path().replace('__work__', workId));
          await switchLang(s.page, lang);
          await s.page.locator(screen.ready).first().waitFor({ timeout: 30_000 }).catch(async (err: unknown) => {
            await s.page.screenshot({ path: `${SHOTS}/FAILED-${screen.name}-${lang}.png`, fullPage: true });
            throw err;
          });
          await s.page.waitForLoadState('networkidle');
          expect((await h1(s.page)).length).toBeGreaterThan(0);
          await checkScreen(s.page, `${screen.name}-${lang}-phone`);
          await s.page.setViewportSize(DESKTOP);
          await s.page.locator(screen.ready).first().waitFor();
          await checkScreen(s.page, `${screen.name}-${lang}-desktop`);
        }
      }
      await s.done();
    }, 600_000);
  }
});
