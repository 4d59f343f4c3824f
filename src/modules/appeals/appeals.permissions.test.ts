import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, LOG_REDACT } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { createTestApp, login, type TestApp } from '../../../test/app.ts';
import { act, as, cat, context, file, KARAGANDA, ok, org, pothole, type Ctx } from './appeals.test-support.ts';

/**
 * Every action checks role and organization: for each, a wrong role and another organization
 * (or another region, another citizen) are refused. Personal data (IIN, phone, address) is
 * shown in full only to the parties, masked in lists, and never reaches the audit log, the
 * notices' parameters or the request log.
 */

let t: TestApp;
let ctx: Ctx;
const ids: Record<'assigned' | 'inProgress' | 'awaiting' | 'answered' | 'registered', string> = { assigned: '', inProgress: '', awaiting: '', answered: '', registered: '' };
const APPLICANT = '900515301234';
const OTHER_CITIZEN = '061211600012';

beforeAll(async () => {
  t = await createTestApp();
  ctx = await context(t);
  const fileOne = async (text: string) => (await file(ctx, APPLICANT, pothole(ctx, { text, address: 'ул. Ерубаева, 50, кв. 7', location: { lat: 49.81, lon: 73.09 } }))).appealId;
  ids.assigned = await fileOne('Яма у дома 50');
  ids.inProgress = await fileOne('Яма у дома 52');
  await ok(ctx, 'executor.roads', ids.inProgress, 'accept');
  ids.awaiting = await fileOne('Яма у дома 54');
  await ok(ctx, 'executor.roads', ids.awaiting, 'accept');
  await ok(ctx, 'executor.roads', ids.awaiting, 'request-info', { question: 'Какой подъезд?' });
  ids.answered = await fileOne('Яма у дома 56');
  await ok(ctx, 'executor.roads', ids.answered, 'accept');
  await ok(ctx, 'executor.roads', ids.answered, 'answer', { text: 'Отремонтировано', decision: 'granted' });
  ids.registered = (await file(ctx, APPLICANT, { type: 'request', categoryId: cat(ctx, 'other'), text: 'Вопрос без категории', territoryCode: KARAGANDA })).appealId;
});

type Case = [action: string, state: keyof typeof ids, body: Record<string, unknown>, refused: string[]];

describe('each action refuses a wrong role and another organization', () => {
  const cases: () => Case[] = () => [
    ['accept', 'assigned', {}, ['coordinator', APPLICANT, 'executor.health', 'astana.coordinator']],
    ['delegate', 'assigned', { assigneeId: '00000000-0000-4000-8000-000000000001' }, ['executor.roads', 'head.health', 'coordinator', APPLICANT]],
    ['return', 'assigned', { reason: 'не наше' }, ['coordinator', APPLICANT, 'executor.health', 'head.education']],
    ['reassign', 'assigned', { organizationId: org(ctx, 'Health Department'), reason: 'r' }, ['head.roads', 'operator', 'astana.coordinator', APPLICANT]],
    ['merge', 'assigned', { originalId: ids.inProgress }, [APPLICANT, 'executor.health', 'astana.operator']],
    ['withdraw', 'assigned', {}, ['executor.roads', OTHER_CITIZEN, 'astana.operator', 'head.health']],
    ['request-info', 'inProgress', { question: 'q' }, [APPLICANT, 'operator', 'executor.health', 'head.health']],
    ['answer', 'inProgress', { text: 'a', decision: 'granted' }, ['coordinator', APPLICANT, 'executor.health', 'head.health']],
    ['extend', 'inProgress', { newDueDate: '2099-01-05', reason: 'r' }, ['executor.roads', 'coordinator', 'head.health', APPLICANT]],
    ['provide-info', 'awaiting', { text: 'i' }, ['executor.roads', 'head.roads', OTHER_CITIZEN, 'astana.operator']],
    ['feedback', 'answered', { verdict: 'confirmed', rating: 5 }, ['executor.roads', 'head.roads', OTHER_CITIZEN, 'astana.operator']],
    ['route', 'registered', { organizationId: org(ctx, 'Health Department') }, ['operator', 'head.roads', 'astana.coordinator', APPLICANT]],
    ['forward', 'registered', { recipient: 'ДП', reason: 'r' }, ['operator', 'head.roads', 'astana.coordinator', APPLICANT]],
  ];

  it('for every lifecycle action, and the state does not move', async () => {
    for (const [action, state, body, refused] of cases()) {
      const before = (await t.testDb.db.selectFrom('appeal').select(['state', 'updatedAt']).where('id', '=', ids[state]).executeTakeFirstOrThrow());
      for (const who of refused) {
        const res = await act(ctx, who, ids[state], action, body);
        expect(res.statusCode, `${action} by ${who}: ${res.body.slice(0, 200)}`).toBe(403);
        expect(res.headers['content-type']).toContain('application/problem+json');
      }
      const anon = await t.app.inject({ method: 'POST', url: `/api/appeals/${ids[state]}/${action}`, payload: body });
      expect(anon.statusCode, `${action} anonymous`).toBe(401);
      const after = (await t.testDb.db.selectFrom('appeal').select(['state', 'updatedAt']).where('id', '=', ids[state]).executeTakeFirstOrThrow());
      expect(after, action).toEqual(before);
    }
  });

  it('reading: the page, the attachments list, the inbox, the head’s overview', async () => {
    for (const who of ['executor.health', 'head.education', OTHER_CITIZEN, 'astana.coordinator', 'astana.operator', 'designer', 'admin']) {
      expect((await t.app.inject({ url: `/api/appeals/${ids.assigned}`, headers: await as(ctx, who) })).statusCode, who).toBe(403);
    }
    expect((await t.app.inject({ url: `/api/appeals/${ids.assigned}` })).statusCode).toBe(401);
    for (const who of [APPLICANT, 'executor.roads', 'head.roads', 'coordinator', 'operator']) {
      expect((await t.app.inject({ url: `/api/appeals/${ids.assigned}`, headers: await as(ctx, who) })).statusCode, who).toBe(200);
    }
    const roads = org(ctx, 'Passenger Transport and Roads');
    expect((await t.app.inject({ url: `/api/appeals/inbox?organizationId=${roads}`, headers: await as(ctx, 'executor.health') })).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/appeals/inbox', headers: await as(ctx, APPLICANT) })).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/api/appeals/organizations/${roads}/overview`, headers: await as(ctx, 'executor.roads') })).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/api/appeals/organizations/${roads}/overview`, headers: await as(ctx, 'head.health') })).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/api/appeals/organizations/${roads}/overview`, headers: await as(ctx, 'head.roads') })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/appeals/mine', headers: await as(ctx, 'executor.roads') })).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/api/appeals/${ids.assigned}/duplicates`, headers: await as(ctx, 'executor.health') })).statusCode).toBe(403);
  });
});

describe('the inbox and the head’s view', () => {
  it('orders by due instant with working days left, filters by state, category and overdue; personal data masked', async () => {
    const res = await t.app.inject({ url: '/api/appeals/inbox', headers: await as(ctx, 'executor.roads') });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { id: string; dueAt: string | null; workingDaysLeft: number | null; state: string; applicantName: string | null; applicantPhone: string | null }[];
    expect(items.length).toBeGreaterThanOrEqual(4);
    const dues = items.map((i) => i.dueAt).filter((d): d is string => d !== null);
    expect([...dues].sort()).toEqual(dues);
    expect(items.every((i) => i.workingDaysLeft !== null)).toBe(true);
    const mine = items.find((i) => i.id === ids.inProgress)!;
    expect(mine.applicantName).toBe('С••• Н. А.');
    expect(mine.applicantPhone).not.toContain('5550101');
    expect(JSON.stringify(res.json())).not.toContain('900515301234');
    expect(JSON.stringify(res.json())).not.toContain('Ерубаева');
    const inProgress = (await t.app.inject({ url: '/api/appeals/inbox?state=in_progress&mine=true', headers: await as(ctx, 'executor.roads') })).json().items as { state: string }[];
    expect(inProgress.length).toBeGreaterThan(0);
    expect(inProgress.every((i) => i.state === 'in_progress')).toBe(true);
    const housing = (await t.app.inject({ url: `/api/appeals/inbox?categoryId=${cat(ctx, 'housing')}`, headers: await as(ctx, 'executor.roads') })).json().items;
    expect(housing).toEqual([]);
    const overdue = (await t.app.inject({ url: '/api/appeals/inbox?overdue=true', headers: await as(ctx, 'executor.roads') })).json().items as { isOverdue: boolean }[];
    expect(overdue.every((i) => i.isOverdue)).toBe(true);

    // The count of the whole list comes with every page (one statement): on a short page, past
    // the end, with a filter, and for a list with nothing in it.
    const page = async (q: string) => (await t.app.inject({ url: `/api/appeals/inbox${q}`, headers: await as(ctx, 'executor.roads') })).json() as { items: { id: string }[]; total: number };
    const all = await page('');
    expect(all.total).toBe(all.items.length);
    const second = await page('?limit=2&offset=2');
    expect([second.total, second.items.map((i) => i.id)]).toEqual([all.total, all.items.slice(2, 4).map((i) => i.id)]);
    expect(await page(`?limit=2&offset=${all.total + 5}`)).toMatchObject({ items: [], total: all.total });
    expect(await page('?state=in_progress&mine=true')).toMatchObject({ total: inProgress.length });
    expect(await page(`?categoryId=${cat(ctx, 'housing')}`)).toMatchObject({ items: [], total: 0 });

    const overview = (await t.app.inject({ url: `/api/appeals/organizations/${org(ctx, 'Passenger Transport and Roads')}/overview`, headers: await as(ctx, 'head.roads') })).json() as { holders: { name: string | null; open: number }[]; byState: { state: string; open: number }[] };
    expect(overview.holders.some((h) => h.name !== null && h.open >= 2)).toBe(true);
    expect(overview.byState.map((s) => s.state)).toEqual(expect.arrayContaining(['assigned', 'in_progress', 'awaiting_applicant']));
  });

  it('the parties see the applicant in full on the page', async () => {
    const p = (await t.app.inject({ url: `/api/appeals/${ids.assigned}`, headers: await as(ctx, 'executor.roads') })).json();
    expect(p.applicant).toMatchObject({ iin: '900515301234', phone: '+77015550101', isMasked: false });
    expect(p.address).toBe('ул. Ерубаева, 50, кв. 7');
  });
});

describe('personal data never leaves through the side doors', () => {
  it('not in the audit log, not in notice parameters', async () => {
    const audit = await t.testDb.db.selectFrom('auditLog').select((eb) => eb.ref('data').$castTo<unknown>().as('data')).execute();
    const text = JSON.stringify(audit);
    for (const secret of ['900515301234', '061211600012', '+77015550101', '77015550101', 'Ерубаева']) expect(text).not.toContain(secret);
    const params = JSON.stringify(await t.testDb.db.selectFrom('notice').select('params').execute());
    for (const secret of ['900515301234', '+77015550101', 'Ерубаева']) expect(params).not.toContain(secret);
  });

  it('not in the request log', async () => {
    const lines: string[] = [];
    const stream = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
    const config = loadConfig({ SEED_DEMO: 'false', LOG_LEVEL: 'trace', DATABASE_URL: t.testDb.url });
    const app = await buildApp({ config, db: t.testDb.db, logger: { level: 'trace', stream, redact: LOG_REDACT } });
    await app.ready();
    try {
      const op = await login(app, 'operator');
      await app.inject({ method: 'POST', url: '/api/appeals/callers/search', headers: op.headers, payload: { iin: '900515301234' } });
      await app.inject({ method: 'POST', url: '/api/appeals/operator', headers: op.headers, payload: { ...pothole(ctx), applicant: { iin: '900515301234', phone: '+77015550101' }, address: 'ул. Ерубаева, 1' } });
      await app.inject({ method: 'POST', url: '/api/appeals/operator', headers: op.headers, payload: { ...pothole(ctx), applicant: { iin: '900515301235' } } });
    } finally {
      await app.close();
    }
    const log = lines.join('');
    expect(log.length).toBeGreaterThan(0);
    for (const secret of ['900515301234', '900515301235', '77015550101', 'Ерубаева']) expect(log).not.toContain(secret);
  });
});
