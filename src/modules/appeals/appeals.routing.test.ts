import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.ts';
import { validateDefinition } from '../../platform/workflow/definition.ts';
import { nearestSettlement } from './appeals.places.ts';
import { pickMostSpecific } from './appeals.routing.ts';
import { appealProcessTemplate, buildAppealDefinition, ensureAppealProcesses, rulesByCode, STATE_SERVICE_RULE } from './appeals.rules.ts';
import { as, cat, context, file, KARAGANDA, KAZYBEK_BI, org, page, REGION, TEMIRTAU, type Ctx } from './appeals.test-support.ts';

/** Rules as data, the category tree, and routing: most specific wins. */

describe('most specific wins (pure)', () => {
  const path = ['root', 'mid', 'leaf'];
  const rule = (id: string, categoryId: string, territoryPrefix: string) => ({ id, categoryId, territoryPrefix, organizationId: id });
  it('prefers the longest territory prefix, then the deepest category; ignores what does not match', () => {
    const rules = [rule('region-root', 'root', '35'), rule('city-root', 'root', '3510'), rule('region-leaf', 'leaf', '35'), rule('other-city', 'leaf', '3524'), rule('foreign', 'x', '351013100')];
    expect(pickMostSpecific(rules, path, '351013100')!.id).toBe('city-root');
    expect(pickMostSpecific(rules, path, '352210000')!.id).toBe('region-leaf');
    expect(pickMostSpecific(rules, path, '352410000')!.id).toBe('other-city');
    expect(pickMostSpecific(rules, path, '710000000')).toBeUndefined();
    expect(pickMostSpecific([rule('a', 'root', '35'), rule('b', 'mid', '35')], path, '351010000')!.id).toBe('b');
  });
  it('resolves a map point to the nearest settlement within 25 km', () => {
    expect(nearestSettlement({ lat: 49.80, lon: 73.10 })).toBe('351010000');
    expect(nearestSettlement({ lat: 50.05, lon: 72.96 })).toBe('352410000');
    expect(nearestSettlement({ lat: 45, lon: 60 })).toBeUndefined();
  });
});

let t: TestApp;
let ctx: Ctx;

beforeAll(async () => {
  t = await createTestApp();
  ctx = await context(t);
});

describe('the demo', () => {
  it('has the Karaganda tree, its routing rules and ~30 appeals in every state', async () => {
    expect(ctx.categories.size).toBe(29);
    const rows = await t.testDb.db.selectFrom('appeal').select(['state', 'channel']).execute();
    expect(rows.length).toBe(30);
    expect(new Set(rows.map((r) => r.state))).toEqual(new Set(['registered', 'assigned', 'in_progress', 'awaiting_applicant', 'answered', 'reopened', 'closed', 'merged', 'forwarded', 'not_considered']));
    expect(new Set(rows.map((r) => r.channel))).toEqual(new Set(['web', 'operator']));
  });
});

describe('rules as data', () => {
  it('the six types and every rule are served with their legal source', async () => {
    const types = (await t.app.inject('/api/appeals/types')).json().items as { code: string; term: { amount: number; unit: string; legalSource: string } }[];
    expect(types.map((x) => x.code)).toEqual(['statement', 'complaint', 'proposal', 'request', 'response', 'report']);
    expect(types.every((x) => x.term.amount === 15 && x.term.unit === 'working_days' && x.term.legalSource.includes('art. 76'))).toBe(true);
    const rules = (await t.app.inject('/api/appeals/rules')).json().items as { code: string; amount: number | null; unit: string | null; legalSource: string }[];
    const by = Object.fromEntries(rules.map((r) => [r.code, r]));
    expect(by.registration!.legalSource).toContain('art. 64');
    expect(by.forwarding).toMatchObject({ amount: 3, unit: 'working_days' });
    expect(by.extension_limit).toMatchObject({ amount: 2, unit: 'months' });
    expect(by.extension_notice).toMatchObject({ amount: 3, unit: 'working_days' });
    expect(by.deemed_refusal!.legalSource).toContain('art. 91');
    expect(by.answer_state_service_complaint).toMatchObject({ amount: 5, unit: 'working_days' });
    expect(by.anonymous!.legalSource).toContain('anonymous');
  });

  it('the published definitions carry the terms of the rule rows, and validate', async () => {
    const rules = await rulesByCode(t.testDb.db);
    const standard = buildAppealDefinition(appealProcessTemplate(), rules, 'answer_standard');
    const service = buildAppealDefinition(appealProcessTemplate(), rules, STATE_SERVICE_RULE);
    expect(validateDefinition(standard).ok).toBe(true);
    expect(validateDefinition(service).ok).toBe(true);
    expect(standard.key).toBe('appeal');
    expect(service.key).toBe('appeal.state_service_complaint');
    expect(standard.deadlines!.answer).toMatchObject({ amount: 15, unit: 'working_days' });
    expect(service.deadlines!.answer).toMatchObject({ amount: 5, unit: 'working_days' });
    expect(standard.states.registered!.deadline).toMatchObject({ amount: 3, unit: 'working_days' });
    expect(standard.states.answered!.deadline).toMatchObject({ amount: 15, unit: 'calendar_days' });
    expect(standard.actions.extend!.extends!.limit).toEqual({ amount: 2, unit: 'months' });
    expect(standard.escalations!.standard!.map((s) => s.at)).toEqual([{ percent: 75 }, { breach: true }, { afterBreach: { amount: 2, unit: 'working_days' } }]);
    // The file as authored equals what the rules give today: the two never silently disagree.
    expect({ ...standard, title: appealProcessTemplate().title }).toEqual(appealProcessTemplate());
  });

  it('a changed term applies to new appeals; appeals in flight keep theirs', async () => {
    const before = await file(ctx, '900515301234', { type: 'proposal', categoryId: cat(ctx, 'roads.transport'), text: 'Пустить автобус до аэропорта', territoryCode: KARAGANDA });
    await t.testDb.db.updateTable('appealRule').set({ amount: 10 }).where('code', '=', 'answer_standard').execute();
    await ensureAppealProcesses(t.testDb.db, new Date());
    const after = await file(ctx, '900515301234', { type: 'proposal', categoryId: cat(ctx, 'roads.transport'), text: 'Пустить трамвай до вокзала', territoryCode: KARAGANDA });
    const term = async (id: string) => ((await page(ctx, '900515301234', id)).deadlines as { key: string; amount: number }[]).find((d) => d.key === 'answer')!.amount;
    expect(await term(before.appealId)).toBe(15);
    expect(await term(after.appealId)).toBe(10);
    await t.testDb.db.updateTable('appealRule').set({ amount: 15 }).where('code', '=', 'answer_standard').execute();
    await ensureAppealProcesses(t.testDb.db, new Date());
  });
});

describe('routing on registration', () => {
  const yard = (territoryCode: string) => ({ type: 'statement', categoryId: cat(ctx, 'housing.yard'), text: 'Во дворе не вывозят снег', territoryCode });

  it('takes the most specific rule: district office over city over region', async () => {
    expect((await file(ctx, '900515301234', yard(KAZYBEK_BI))).organizationId).toBe(org(ctx, 'Kazybek Bi'));
    expect((await file(ctx, '900515301234', yard(KARAGANDA))).organizationId).toBe(org(ctx, 'Akimat of Karaganda City'));
    // Saran has no yard rule: the rule on the parent category for the whole region applies.
    expect((await file(ctx, '900515301234', yard('352210000'))).organizationId).toBe(org(ctx, 'Housing and Utilities Department'));
  });

  it('a longer territory prefix beats a deeper category; at equal prefix the deeper category wins', async () => {
    const add = (categoryId: string, territoryPrefix: string, organizationId: string) =>
      t.app.inject({ method: 'POST', url: '/api/appeals/routing-rules', headers: ctx.sessions.get('coordinator')!.headers, payload: { regionCode: REGION, categoryId, territoryPrefix, organizationId } });
    await as(ctx, 'coordinator');
    expect((await add(cat(ctx, 'housing.heating.none'), '35', org(ctx, 'Energy Department'))).statusCode).toBe(201);
    const heating = { type: 'complaint', categoryId: cat(ctx, 'housing.heating.none'), text: 'Нет отопления', territoryCode: TEMIRTAU, extra: { apartment: '1' } };
    expect((await file(ctx, '900515301234', heating)).organizationId).toBe(org(ctx, 'Akimat of Temirtau'));
    expect((await file(ctx, '900515301234', { ...heating, territoryCode: '354000000' })).organizationId).toBe(org(ctx, 'Energy Department'));
    const preview = await t.app.inject({ url: `/api/appeals/route-preview?categoryId=${cat(ctx, 'housing.heating.none')}&territoryCode=354000000`, headers: await as(ctx, 'coordinator') });
    expect(preview.json()).toMatchObject({ organizationId: org(ctx, 'Energy Department'), via: 'rule' });
    expect((await add(cat(ctx, 'housing.heating.none'), '35', org(ctx, 'Energy Department'))).statusCode).toBe(409);
    expect((await add(cat(ctx, 'housing.heating.none'), '71', org(ctx, 'Energy Department'))).statusCode).toBe(400);
  });

  it('without a rule: the responsible organization kind serving the territory; without that, the coordination centre', async () => {
    const created = await t.app.inject({
      method: 'POST', url: '/api/appeals/categories', headers: await as(ctx, 'coordinator'),
      payload: { regionCode: REGION, code: 'parks', name: { kk: 'Саябақтар', ru: 'Парки', en: 'Parks' }, organizationKind: 'district_akimat', keywords: ['Парк', 'парк', ' скамейка '] },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().keywords).toEqual(['парк', 'скамейка']);
    const parks = { type: 'statement', categoryId: created.json().id, text: 'Сломаны скамейки в парке' };
    expect((await file(ctx, '900515301234', { ...parks, territoryCode: TEMIRTAU })).organizationId).toBe(org(ctx, 'Akimat of Temirtau'));
    const nobody = await file(ctx, '900515301234', { ...parks, territoryCode: '352210000' });
    expect(nobody).toMatchObject({ state: 'registered', organizationId: org(ctx, 'Situation Centre of the Akimat of Karaganda') });
    // The coordination centre has 3 working days to route it (APPC art. 65).
    const p = await page(ctx, 'coordinator', nobody.appealId);
    expect((p.deadlines as { key: string; status: string; amount: number }[]).find((d) => d.key === 'registered')).toMatchObject({ status: 'running', amount: 3 });
  });
});

describe('managing the tree and the rules', () => {
  it('is for the coordinator of the region; bad input names the field', async () => {
    const body = { regionCode: REGION, code: 'lighting2', name: { kk: 'Жарық', ru: 'Свет', en: 'Light' } };
    const post = async (who: string, payload: unknown) => t.app.inject({ method: 'POST', url: '/api/appeals/categories', headers: await as(ctx, who), payload: payload as object });
    expect((await post('executor', body)).statusCode).toBe(403);
    expect((await post('astana.coordinator', body)).statusCode).toBe(403);
    expect((await post('operator', body)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/api/appeals/categories', payload: body })).statusCode).toBe(401);
    const bad = await post('coordinator', { ...body, extraFields: { type: 'string' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('extraFields');
    expect((await post('coordinator', { ...body, code: 'roads' })).statusCode).toBe(409);
    const parent = (await post('coordinator', body)).json() as { id: string };
    const child = await post('coordinator', { ...body, code: 'lighting2.yard', parentId: parent.id, targetHours: 12 });
    expect(child.json()).toMatchObject({ depth: 1, effective: { targetHours: 12 } });
    const patch = (who: string, id: string, payload: unknown) => as(ctx, who).then((h) => t.app.inject({ method: 'PATCH', url: `/api/appeals/categories/${id}`, headers: h, payload: payload as object }));
    expect((await patch('coordinator', parent.id, { isActive: false })).statusCode).toBe(400);
    expect((await patch('executor', child.json().id, { isActive: false })).statusCode).toBe(403);
    expect((await patch('coordinator', child.json().id, { isActive: false })).json().isActive).toBe(false);

    const rules = await t.app.inject({ url: `/api/appeals/routing-rules?regionCode=${REGION}`, headers: await as(ctx, 'coordinator') });
    expect(rules.json().items.length).toBeGreaterThan(15);
    expect((await t.app.inject({ url: `/api/appeals/routing-rules?regionCode=${REGION}`, headers: await as(ctx, 'head') })).statusCode).toBe(403);
    const ruleId = rules.json().items[0].id as string;
    expect((await t.app.inject({ method: 'PATCH', url: `/api/appeals/routing-rules/${ruleId}`, headers: await as(ctx, 'astana.coordinator'), payload: { isActive: false } })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'PATCH', url: `/api/appeals/routing-rules/${ruleId}`, headers: await as(ctx, 'coordinator'), payload: { note: 'проверено' } })).json().note).toBe('проверено');
  });
});
