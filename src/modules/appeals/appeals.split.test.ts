import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, fixedClock, type TestApp } from '../../../test/app.ts';
import { workflowHooks } from '../../background.ts';
import { runSweep } from '../../platform/workflow/sweep.ts';
import { act, as, cat, context, file, notices, ok, org, page, pothole, type Ctx } from './appeals.test-support.ts';

/**
 * Splitting the part outside competence into a new appeal (APPC art. 65), through HTTP on the
 * demo region: a citizen's appeal about a pothole that also complains of no heating goes to the
 * roads department; its executor splits the heating part, which is registered with its own slip,
 * the original's receipt, routed to the heating company, linked both ways, on both timelines
 * and audit logs, and the applicant is told (kk).
 */

const clock = fixedClock('2026-03-02T05:00:00Z'); // Monday 2 March 2026, 10:00 in Karaganda
let t: TestApp;
let ctx: Ctx;

beforeAll(async () => {
  t = await createTestApp({ clock });
  ctx = await context(t);
});

const HEATING = 'В квартире 45 нет отопления третий день, батареи холодные';
const split = async (who: string, id: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: `/api/appeals/${id}/split`, headers: { ...(await as(ctx, who)), ...headers }, payload: body });

interface SplitJson {
  appealId: string; slipNumber: string; state: string; organizationId: string; receivedAt: string; registeredOn: string; dueAt: string | null;
  splitFromId: string; splitFromSlipNumber: string; channel: string; typeCode: string; categoryId: string;
}

async function audit(entityId: string) {
  return t.testDb.db.selectFrom('auditLog').select(['action', 'data']).where('entityId', '=', entityId).orderBy('at').execute();
}

describe('splitting the part outside competence into a new appeal (APPC art. 65)', () => {
  let original: { appealId: string; slipNumber: string; receivedAt: string; registeredOn: string; dueAt: string | null };

  it('registers the part with its own slip, the original receipt, routed by the rules, linked both ways, the applicant told', async () => {
    original = await file(ctx, '900515301234', pothole(ctx, { lang: 'kk', text: `Яма на дороге у дома 15. Кроме того: ${HEATING}` }));
    expect(original).toMatchObject({ state: 'assigned', organizationId: org(ctx, 'Passenger Transport and Roads') });
    clock.advance(2 * 86_400_000); // Wednesday
    ctx.sessions.clear(); // sessions end after idle hours: sign in again
    const accepted = await ok(ctx, 'executor.roads', original.appealId, 'accept');

    const res = await split('executor.roads', original.appealId, {
      expectedVersion: accepted.caseVersion, text: HEATING, categoryId: cat(ctx, 'housing.heating.none'), extra: { apartment: '45' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const part = res.json() as SplitJson;
    expect(part.slipNumber).toMatch(/^KRG-2026-\d{6}$/);
    expect(part.slipNumber).not.toBe(original.slipNumber);
    // Same receipt instant and registration day: the legal term counts from the original receipt.
    expect(part).toMatchObject({
      splitFromId: original.appealId, splitFromSlipNumber: original.slipNumber, receivedAt: original.receivedAt, registeredOn: original.registeredOn,
      dueAt: original.dueAt, state: 'assigned', organizationId: org(ctx, 'Heating Networks'), typeCode: 'statement', categoryId: cat(ctx, 'housing.heating.none'), channel: 'web',
    });

    // The new appeal: same applicant, linked to the original, on its timeline; the heating company sees it.
    const p = await page(ctx, 'executor.heat', part.appealId);
    expect(p).toMatchObject({ text: HEATING, splitFrom: { id: original.appealId, slipNumber: original.slipNumber }, splits: [], extra: { apartment: '45' } });
    expect(p.applicant?.iin).toBe('900515301234');
    expect(p.timeline.filter((e) => e.kind === 'transition').map((e) => e.action)).toEqual(['$start', 'route', '$split_from']);
    // The applicant sees both, each naming the other.
    const mine = await page(ctx, '900515301234', part.appealId);
    expect(mine.splitFrom).toEqual({ id: original.appealId, slipNumber: original.slipNumber });
    const o = await page(ctx, '900515301234', original.appealId);
    expect(o.splits).toEqual([{ id: part.appealId, slipNumber: part.slipNumber, organizationId: org(ctx, 'Heating Networks'), state: 'assigned' }]);
    expect(o.state).toBe('in_progress');
    const note = o.timeline.find((e) => e.action === '$split') as { input: Record<string, unknown> } | undefined;
    expect(note?.input).toEqual({ appealId: part.appealId, slipNumber: part.slipNumber, organizationId: org(ctx, 'Heating Networks') });
    // The roads department, which holds the original only, does not see the part.
    expect((await t.app.inject({ url: `/api/appeals/${part.appealId}`, headers: await as(ctx, 'executor.roads') })).statusCode).toBe(403);

    // The applicant is told the new slip number and organization, in the appeal's language; no second slip notice.
    const n = await notices(t, part.appealId);
    expect(n.map((x) => [x.template, x.lang])).toEqual([['appeals:notice.split', 'kk']]);
    expect(n[0]!.body).toContain(part.slipNumber);
    expect(n[0]!.body).toContain(original.slipNumber);
    expect(n[0]!.body).toContain('Жылу');

    // Audit on both.
    expect((await audit(original.appealId)).map((r) => r.action)).toContain('appeal.split');
    const registered = (await audit(part.appealId)).find((r) => r.action === 'appeal.registered');
    expect(registered?.data).toMatchObject({ splitFromId: original.appealId, route: 'rule' });
  });

  it('goes to the organization a coordinator chooses; the organization’s staff may name only the competent one', async () => {
    const a = await file(ctx, '900515301234', pothole(ctx));
    const akimat = org(ctx, 'Akimat of Karaganda City');
    const notCompetent = await split('executor.roads', a.appealId, { text: HEATING, categoryId: cat(ctx, 'housing.heating.none'), organizationId: akimat });
    expect(notCompetent.statusCode).toBe(400);
    expect(notCompetent.json().errors[0]).toMatchObject({ field: 'organizationId' });
    const competent = await split('head.roads', a.appealId, { text: HEATING, categoryId: cat(ctx, 'housing.heating.none'), organizationId: org(ctx, 'Heating Networks') });
    expect(competent.statusCode, competent.body).toBe(201);
    expect(competent.json()).toMatchObject({ organizationId: org(ctx, 'Heating Networks') });

    const chosen = await split('coordinator', a.appealId, { text: 'Не вывозят мусор со двора дома 15', organizationId: akimat });
    expect(chosen.statusCode, chosen.body).toBe(201);
    expect(chosen.json()).toMatchObject({ organizationId: akimat, state: 'assigned', categoryId: cat(ctx, 'roads.pothole') });
    const o = await page(ctx, 'coordinator', a.appealId);
    expect((o.splits as unknown[]).length).toBe(2);

    // Routing that lands on the organization holding the original leaves the part with the coordination centre.
    const back = await split('executor.roads', a.appealId, { text: 'Ещё одна яма у дома 17' });
    expect(back.statusCode, back.body).toBe(201);
    expect(back.json()).toMatchObject({ state: 'registered', organizationId: org(ctx, 'Situation Centre') });
  });

  it('names the field of bad input and writes nothing', async () => {
    const a = await file(ctx, '900515301234', pothole(ctx));
    const count = async () => Number((await t.testDb.db.selectFrom('appeal').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'text'],
      [{ text: '' }, 'text'],
      [{ text: '   \n ' }, 'text'],
      [{ text: 'x'.repeat(10_001) }, 'text'],
      [{ text: HEATING, categoryId: 'not-a-uuid' }, 'categoryId'],
      [{ text: HEATING, categoryId: '00000000-0000-4000-8000-000000000000' }, 'categoryId'],
      [{ text: HEATING, organizationId: '00000000-0000-4000-8000-000000000000' }, 'organizationId'],
      [{ text: HEATING, organizationId: org(ctx, 'Passenger Transport and Roads') }, 'organizationId'],
      [{ text: HEATING, categoryId: cat(ctx, 'housing.heating.none'), extra: { floor: 3 } }, 'extra.floor'],
      [{ text: HEATING, colour: 'red' }, 'colour'],
    ];
    for (const [body, field] of cases) {
      const res = await split('head.roads', a.appealId, body);
      expect(res.statusCode, `${JSON.stringify(body).slice(0, 80)}: ${res.body}`).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect((res.json() as { errors: { field: string }[] }).errors[0]!.field).toBe(field);
    }
    // A stale version of the original: 409, nothing registered.
    const stale = await split('head.roads', a.appealId, { text: HEATING, expectedVersion: 1 });
    expect(stale.statusCode).toBe(409);
    expect(await count()).toBe(before);
    expect((await page(ctx, 'head.roads', a.appealId)).splits).toEqual([]);
  });

  it('is refused to anyone but the holding organization’s staff and the coordination centre', async () => {
    const a = await file(ctx, '900515301234', pothole(ctx));
    const body = { text: HEATING, categoryId: cat(ctx, 'housing.heating.none') };
    expect((await split('executor.education', a.appealId, body)).statusCode).toBe(403); // an unrelated organization
    expect((await split('executor.heat', a.appealId, body)).statusCode).toBe(403); // where the part would go
    expect((await split('astana.coordinator', a.appealId, body)).statusCode).toBe(403); // another region
    expect((await split('900515301234', a.appealId, body)).statusCode).toBe(403); // the applicant (a citizen)
    const anonymous = await t.app.inject({ method: 'POST', url: `/api/appeals/${a.appealId}/split`, payload: body });
    expect(anonymous.statusCode).toBe(401);
    expect((await split('coordinator', '00000000-0000-4000-8000-000000000000', body)).statusCode).toBe(404);
    expect((await page(ctx, 'coordinator', a.appealId)).splits).toEqual([]);
    // The page offers the action exactly to those the route accepts.
    expect((await page(ctx, 'coordinator', a.appealId)).actions).toContain('split');
    expect((await page(ctx, 'head.roads', a.appealId)).actions).toContain('split');
    expect((await page(ctx, '900515301234', a.appealId)).actions).not.toContain('split');

    // Only an appeal under consideration: a withdrawn one is a 409.
    await ok(ctx, '900515301234', a.appealId, 'withdraw');
    const closed = await split('coordinator', a.appealId, body);
    expect(closed.statusCode).toBe(409);
    expect((await page(ctx, 'coordinator', a.appealId)).actions).not.toContain('split');
    expect(closed.json()).toMatchObject({ code: 'invalid_transition', detail: 'Выделить часть можно только из обращения, которое находится на рассмотрении.' });
  });

  it('replays a retried split with the same Idempotency-Key', async () => {
    const a = await file(ctx, '900515301234', pothole(ctx));
    const body = { text: HEATING, categoryId: cat(ctx, 'housing.heating.none') };
    const first = await split('head.roads', a.appealId, body, { 'idempotency-key': 'split-1' });
    expect(first.statusCode, first.body).toBe(201);
    const again = await split('head.roads', a.appealId, body, { 'idempotency-key': 'split-1' });
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().slipNumber).toBe(first.json().slipNumber);
    expect((await page(ctx, 'head.roads', a.appealId)).splits).toHaveLength(1);
    expect((await act(ctx, 'head.roads', a.appealId, 'split', { text: 'другое', colour: 1 })).statusCode).toBe(400);
  });
});

describe('review findings: security, anonymity, state terms, notes, old appeals', () => {
  const row = (id: string) => t.testDb.db.selectFrom('appeal').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const open311 = (slip: string) => t.app.inject({ url: `/open311/v2/requests/${slip}.json?jurisdiction_id=350000000` });
  const operator = (body: Record<string, unknown>) => file(ctx, 'operator', { ...pothole(ctx, { text: 'Звонок: у дома 15 угрожают поджогом, кроме того нет отопления' }), ...body }, '/api/appeals/operator');

  it('keeps the part of a crime or security report a security report, never public', async () => {
    const original = await operator({ applicant: { iin: '900515301234' }, reportsCrimeOrThreat: true, isPublic: true });
    const res = await split('coordinator', original.appealId, { text: HEATING, categoryId: cat(ctx, 'housing.heating.none'), extra: { apartment: '45' } });
    expect(res.statusCode, res.body).toBe(201);
    const part = res.json() as SplitJson;
    expect(await row(original.appealId)).toMatchObject({ isSecurityReport: true });
    expect(await row(part.appealId)).toMatchObject({ isSecurityReport: true, isPublic: false, state: 'assigned' });
    // Neither shows on Open311 or the public list (the category alone is not a security one).
    expect((await open311(original.slipNumber)).statusCode).toBe(404);
    expect((await open311(part.slipNumber)).statusCode).toBe(404);
    const day = part.registeredOn;
    const pub = await t.app.inject({ url: `/api/appeals/public?regionCode=350000000&from=${day}&to=${day}` });
    expect(pub.statusCode, pub.body).toBe(200);
    const ids = (pub.json() as { items: { id: string }[] }).items.map((i) => i.id);
    expect(ids).not.toContain(part.appealId);
    expect(pub.body).not.toContain(HEATING);
  });

  it('splits an anonymous crime report: the part is considered (routed), not left unconsidered', async () => {
    const original = await operator({ isAnonymous: true, reportsCrimeOrThreat: true });
    expect(original).toMatchObject({ isAnonymous: true, state: 'assigned' });
    const res = await split('coordinator', original.appealId, { text: HEATING, categoryId: cat(ctx, 'housing.heating.none'), extra: { apartment: '45' } });
    expect(res.statusCode, res.body).toBe(201);
    const part = res.json() as SplitJson;
    expect(part).toMatchObject({ state: 'assigned', organizationId: org(ctx, 'Heating Networks') });
    expect(await row(part.appealId)).toMatchObject({ isAnonymous: true, isSecurityReport: true, closedAt: null });
  });

  it('refuses up front, with its own message, a split whose part would be left unconsidered', async () => {
    // Not reachable by intake (such an appeal is closed at registration): rows saying otherwise.
    const a = await file(ctx, '900515301234', pothole(ctx));
    await t.testDb.db.updateTable('appeal').set({ isAnonymous: true, applicantPersonId: null, applicantAccountId: null, applicantIin: null }).where('id', '=', a.appealId).execute();
    const res = await split('coordinator', a.appealId, { text: HEATING, categoryId: cat(ctx, 'housing.heating.none') });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json()).toMatchObject({ code: 'invalid_transition', detail: 'Анонимное обращение, не сообщающее о преступлении или угрозе безопасности, остаётся без рассмотрения: выделить из него часть нельзя.' });
    expect((await page(ctx, 'coordinator', a.appealId)).splits).toEqual([]);
  });

  it('starts the part’s state terms at the split; its answer term keeps the original receipt', async () => {
    const sweep = async () => expect((await runSweep(t.testDb.db, clock, { hooks: workflowHooks(), onError: (e) => { throw e; } })).failed).toBe(0);
    clock.set(new Date('2026-04-06T05:00:00Z')); // Monday 6 April, 10:00 in Karaganda
    ctx.sessions.clear();
    const a = await file(ctx, '900515301234', pothole(ctx, { text: `Яма у дома 21. Кроме того: ${HEATING}` }));
    await sweep();
    clock.set(new Date('2026-04-16T05:00:00Z')); // ten days later, Thursday
    ctx.sessions.clear();
    const splitAt = clock.now();
    const routed = (await split('coordinator', a.appealId, { text: HEATING, categoryId: cat(ctx, 'housing.heating.none'), extra: { apartment: '45' } })).json() as SplitJson;
    const keptRes = await split('coordinator', a.appealId, { text: 'Ещё одна яма у дома 23' });
    expect(keptRes.statusCode, keptRes.body).toBe(201);
    const kept = keptRes.json() as SplitJson;
    expect(routed).toMatchObject({ state: 'assigned', receivedAt: a.receivedAt, dueAt: a.dueAt });
    expect(kept).toMatchObject({ state: 'registered', receivedAt: a.receivedAt });

    const deadlines = async (id: string) => {
      const c = (await row(id)).caseId!;
      return t.testDb.db.selectFrom('workflowDeadline').selectAll().where('caseId', '=', c).orderBy('scope').orderBy('deadlineKey').execute();
    };
    const r = await deadlines(routed.appealId);
    expect(r.find((d) => d.scope === 'case' && d.deadlineKey === 'answer')).toMatchObject({ startedAt: new Date(a.receivedAt), status: 'running' });
    expect(r.find((d) => d.scope === 'state' && d.deadlineKey === 'registered')).toMatchObject({ startedAt: splitAt, status: 'met' });
    const k = (await deadlines(kept.appealId)).find((d) => d.scope === 'state' && d.deadlineKey === 'registered')!;
    expect(k).toMatchObject({ startedAt: splitAt, status: 'running', level: 0 });
    // Three working days from the split: Friday 17, Monday 20, Tuesday 21 April, 18:00.
    expect(k.dueAt).toEqual(new Date('2026-04-21T13:00:00Z'));

    // The next sweep does not escalate the part kept at the coordination centre …
    await sweep();
    expect(await row(kept.appealId)).toMatchObject({ escalatedAt: null });
    expect((await deadlines(kept.appealId)).find((d) => d.deadlineKey === 'registered')).toMatchObject({ level: 0, status: 'running' });
    // … one after its own routing term does.
    clock.set(new Date('2026-04-22T05:00:00Z'));
    await sweep();
    expect((await row(kept.appealId)).escalatedAt).not.toBeNull();
    expect((await deadlines(kept.appealId)).find((d) => d.deadlineKey === 'registered')).toMatchObject({ level: 1 });
  });

  it('writes the timeline notes without an assignment audit row, and touches the original', async () => {
    ctx.sessions.clear();
    const a = await file(ctx, '900515301234', pothole(ctx));
    const before = await row(a.appealId);
    clock.advance(60_000);
    const res = await split('coordinator', a.appealId, { text: HEATING, categoryId: cat(ctx, 'housing.heating.none') });
    expect(res.statusCode, res.body).toBe(201);
    const part = res.json() as SplitJson;
    const after = await row(a.appealId);
    expect(after.updatedAt.getTime()).toBe(clock.now().getTime());
    expect(after.updatedAt.getTime()).toBeGreaterThan(before.updatedAt.getTime());
    for (const [id, note] of [[a.appealId, '$split'], [part.appealId, '$split_from']] as const) {
      const caseId = (await row(id)).caseId!;
      const actions = (await audit(caseId)).map((x) => x.action);
      expect(actions).not.toContain('workflow.assigned');
      expect((await audit(caseId)).find((x) => x.action === 'workflow.noted')?.data).toMatchObject({ note });
      expect((await page(ctx, 'coordinator', id)).timeline.some((e) => e.action === note)).toBe(true);
    }
  });

  it('answers an appeal received before the calendar’s first day; reports leave it out of the average', async () => {
    const a = await file(ctx, '900515301234', pothole(ctx));
    await ok(ctx, 'executor.roads', a.appealId, 'accept');
    await sql`update appeal set received_at = '2023-06-01T05:00:00Z', registered_on = '2023-06-01' where id = ${a.appealId}`.execute(t.testDb.db);
    const res = await act(ctx, 'executor.roads', a.appealId, 'answer', { text: 'Яма заделана', decision: 'granted' });
    expect(res.statusCode, res.body).toBe(200);
    expect(await row(a.appealId)).toMatchObject({ answerWorkingDays: null, answerText: 'Яма заделана' });
    const rep = await t.app.inject({ url: '/api/appeals/reports/summary?regionCode=350000000&from=2023-06-01&to=2023-06-01', headers: await as(ctx, 'coordinator') });
    expect(rep.statusCode, rep.body).toBe(200);
    expect((rep.json() as { totals: { answered: number; averageAnswerWorkingDays: number | null } }).totals).toMatchObject({ answered: 1, averageAnswerWorkingDays: null });
  });
});
