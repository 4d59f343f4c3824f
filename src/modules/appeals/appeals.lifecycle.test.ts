import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.ts';
import { listAppealsForApi } from './appeals.queries.ts';
import { PDF, png } from '../../platform/files/fixtures.test-support.ts';
import { act, as, cat, context, file, KARAGANDA, KAZYBEK_BI, multipart, notices, ok, org, page, pothole, type Ctx } from './appeals.test-support.ts';

/**
 * The lifecycle through HTTP on the demo region: intake → routed → accepted → information
 * requested and provided → answered (with files) → disputed (reopened, to the head) →
 * answered again → confirmed and rated; return, reroute and reassign; merge of duplicates;
 * extensions and their limit; the state-service complaint; anonymous appeals.
 */

let t: TestApp;
let ctx: Ctx;

beforeAll(async () => {
  t = await createTestApp();
  ctx = await context(t);
});

async function staffId(login: string): Promise<string> {
  const me = (await t.app.inject({ url: '/api/auth/me', headers: await as(ctx, login) })).json() as { actor: { accountId: string } };
  const s = await t.testDb.db.selectFrom('staff').select('id').where('accountId', '=', me.actor.accountId).executeTakeFirstOrThrow();
  return s.id;
}

describe('the full lifecycle of an appeal', () => {
  it('runs from the slip to the rated, closed appeal, with notices in the applicant’s language', async () => {
    const body = multipart(pothole(ctx, { lang: 'kk', location: { lat: 49.8062, lon: 73.0851 }, isPublic: true }), [{ name: 'yama.png', type: 'image/png', bytes: png() }]);
    const res = await t.app.inject({ method: 'POST', url: '/api/appeals', headers: { ...(await as(ctx, '900515301234')), ...body.headers }, payload: body.payload });
    expect(res.statusCode, res.body).toBe(201);
    const slip = res.json() as { appealId: string; slipNumber: string; state: string; organizationId: string; dueAt: string };
    const id = slip.appealId;
    expect(slip.slipNumber).toMatch(/^KRG-\d{4}-\d{6}$/);
    // Routed at registration by the rule roads × 35.
    expect(slip).toMatchObject({ state: 'assigned', organizationId: org(ctx, 'Passenger Transport and Roads') });
    const n0 = await notices(t, id);
    expect(n0.map((n) => [n.template, n.lang])).toEqual([['appeals:notice.slip_issued', 'kk']]);
    expect(n0[0]!.body).toContain(slip.slipNumber);

    // The executor of another organization cannot take it; the roads executor can.
    expect((await act(ctx, 'executor', id, 'accept')).statusCode).toBe(403);
    const accepted = await ok(ctx, 'executor.roads', id, 'accept');
    expect(accepted).toMatchObject({ state: 'in_progress', assigneeId: await staffId('executor.roads') });

    await ok(ctx, 'executor.roads', id, 'request-info', { question: 'Уточните номер дома и подъезд' });
    expect((await page(ctx, '900515301234', id)).state).toBe('awaiting_applicant');
    const info = multipart({ text: 'Дом 15, второй подъезд' }, [{ name: 'act.pdf', type: 'application/pdf', bytes: PDF }]);
    const provided = await t.app.inject({ method: 'POST', url: `/api/appeals/${id}/provide-info`, headers: { ...(await as(ctx, '900515301234')), ...info.headers }, payload: info.payload });
    expect(provided.statusCode, provided.body).toBe(200);
    expect(provided.json()).toMatchObject({ state: 'in_progress' });

    // No answer without text: the schema refuses an empty one, the service a blank one; nothing moves.
    const empty = await act(ctx, 'executor.roads', id, 'answer', { text: '', decision: 'granted' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().errors[0].field).toBe('text');
    const blank = await act(ctx, 'executor.roads', id, 'answer', { text: '   \n ', decision: 'granted' });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().errors[0].field).toBe('text');
    expect((await page(ctx, 'executor.roads', id)).state).toBe('in_progress');

    const answer = multipart({ text: 'Яма заделана 12-го числа, фото прилагается', decision: 'granted' }, [{ name: 'done.pdf', type: 'application/pdf', bytes: PDF }]);
    const answered = await t.app.inject({ method: 'POST', url: `/api/appeals/${id}/answer`, headers: { ...(await as(ctx, 'executor.roads')), ...answer.headers }, payload: answer.payload });
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json()).toMatchObject({ state: 'answered' });

    // Disputed: reopened, counted, back to the organization's head.
    const disputed = await ok(ctx, '900515301234', id, 'feedback', { verdict: 'disputed', rating: 2, comment: 'Яму засыпали песком, она снова появилась' });
    expect(disputed).toMatchObject({ state: 'reopened', assigneeId: null });
    const reopened = await page(ctx, 'head.roads', id);
    expect(reopened.reopenCount).toBe(1);
    expect(reopened.actions).toContain('answer');

    await ok(ctx, 'head.roads', id, 'answer', { text: 'Выполнен ямочный ремонт горячим асфальтом', decision: 'granted' });
    const closed = await ok(ctx, '900515301234', id, 'feedback', { verdict: 'confirmed', rating: 5 });
    expect(closed.state).toBe('closed');

    const final = await page(ctx, '900515301234', id);
    expect(final).toMatchObject({ state: 'closed', verdict: 'confirmed', rating: 5, reopenCount: 1 });
    expect(final.answer!.text).toBe('Выполнен ямочный ремонт горячим асфальтом');
    expect(final.attachments.map((a) => [a.stage, a.mime])).toEqual([['intake', 'image/png'], ['info', 'application/pdf'], ['answer', 'application/pdf']]);
    expect(final.timeline.filter((e) => e.kind === 'transition').map((e) => e.action)).toEqual([
      '$start', 'route', 'accept', 'request_info', 'provide_info', 'answer', 'dispute', '$assign', 'answer', 'confirm',
    ]);
    const templates = (await notices(t, id)).map((n) => n.template.replace('appeals:notice.', ''));
    expect(templates).toEqual(expect.arrayContaining(['slip_issued', 'info_requested', 'staff_info_provided', 'answered', 'staff_reopened']));
    expect((await notices(t, id)).filter((n) => n.accountId === null)).toEqual([]);
    expect((await notices(t, id)).filter((n) => n.template.includes('answered')).every((n) => n.lang === 'kk')).toBe(true);

    // The files are served to the parties only.
    const file0 = final.attachments[0]!;
    const got = await t.app.inject({ url: `/api/appeals/${id}/attachments/${file0.id}`, headers: await as(ctx, '900515301234') });
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('image/png');
    expect((await t.app.inject({ url: `/api/appeals/${id}/attachments/${file0.id}`, headers: await as(ctx, 'executor.health') })).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/api/appeals/${id}/attachments/${file0.id}`, headers: await as(ctx, '061211600012') })).statusCode).toBe(403);
  });

  it('an organization returns an appeal as “not ours”; the coordination centre routes and reassigns it, with reasons', async () => {
    const slip = await file(ctx, '061211600012', pothole(ctx));
    const id = slip.appealId;
    const returned = await ok(ctx, 'executor.roads', id, 'return', { reason: 'Это внутриквартальный проезд, на балансе акимата города' });
    expect(returned).toMatchObject({ state: 'registered', organizationId: org(ctx, 'Situation Centre of the Akimat of Karaganda') });
    expect((await notices(t, id)).some((n) => n.template === 'appeals:notice.staff_returned')).toBe(true);
    // The returning organization no longer sees it.
    expect((await t.app.inject({ url: `/api/appeals/${id}`, headers: await as(ctx, 'executor.roads') })).statusCode).toBe(403);

    const karaganda = org(ctx, 'Akimat of Karaganda City');
    expect((await ok(ctx, 'coordinator', id, 'route', { organizationId: karaganda })).state).toBe('assigned');
    // A reassignment needs its reason.
    expect((await act(ctx, 'coordinator', id, 'reassign', { organizationId: org(ctx, 'Passenger Transport and Roads') })).statusCode).toBe(400);
    const moved = await ok(ctx, 'coordinator', id, 'reassign', { organizationId: org(ctx, 'Passenger Transport and Roads'), reason: 'Проезд передан в управление дорог решением акимата' });
    expect(moved.state).toBe('assigned');
    const p = await page(ctx, 'coordinator', id);
    expect(p.returnCount).toBe(1);
    expect(p.timeline.filter((e) => e.kind === 'transition').map((e) => [e.action, e.comment])).toEqual([
      ['$start', null],
      ['route', expect.stringContaining('routing rule')],
      ['return', 'Это внутриквартальный проезд, на балансе акимата города'],
      ['route', null],
      ['reassign', 'Проезд передан в управление дорог решением акимата'],
    ]);
    expect((await t.app.inject({ url: `/api/appeals/${id}`, headers: await as(ctx, 'karaganda.executor') })).statusCode).toBe(403);
    // The applicant is told where it went (APPC art. 65).
    expect((await notices(t, id)).filter((n) => n.template === 'appeals:notice.routed')).toHaveLength(2);
  });

  it('the head delegates to an executor of the organization, not to someone else', async () => {
    const slip = await file(ctx, '061211600012', pothole(ctx, { text: 'Разрушен бордюр на перекрёстке' }));
    expect((await act(ctx, 'head.roads', slip.appealId, 'delegate', { assigneeId: await staffId('executor.health') })).statusCode).toBe(400);
    expect((await act(ctx, 'executor.roads', slip.appealId, 'delegate', { assigneeId: await staffId('executor.roads') })).statusCode).toBe(403);
    const r = await ok(ctx, 'head.roads', slip.appealId, 'delegate', { assigneeId: await staffId('executor.roads') });
    expect(r).toMatchObject({ state: 'assigned', assigneeId: await staffId('executor.roads') });
  });
});

describe('duplicates', () => {
  it('are suggested on registration, merged by staff, and follow the original’s answer (each applicant told)', async () => {
    const body = { type: 'statement', categoryId: cat(ctx, 'housing.heating.none'), territoryCode: KAZYBEK_BI, location: { lat: 49.79, lon: 73.12 }, extra: { apartment: '3' } };
    const first = await file(ctx, '900515301234', { ...body, text: 'В доме нет отопления, батареи холодные третьи сутки' });
    const second = await file(ctx, '061211600012', { ...body, location: { lat: 49.7901, lon: 73.1201 }, text: 'Нет отопления в доме, батареи холодные' });
    const suggestion = second.possibleDuplicates.find((d) => d.id === first.appealId);
    expect(suggestion).toBeDefined();
    expect(suggestion!.similarity).toBeGreaterThan(0.3);
    expect(suggestion!.distanceMetres).toBeLessThan(30);

    // The applicant cannot merge; the heating company's executor (holding both) can.
    expect((await act(ctx, '061211600012', second.appealId, 'merge', { originalId: first.appealId })).statusCode).toBe(403);
    expect((await act(ctx, 'executor.heat', second.appealId, 'merge', { originalId: second.appealId })).statusCode).toBe(400);
    expect((await ok(ctx, 'executor.heat', second.appealId, 'merge', { originalId: first.appealId })).state).toBe('merged');
    expect((await notices(t, second.appealId)).map((n) => n.template)).toContain('appeals:notice.merged');

    await ok(ctx, 'executor.heat', first.appealId, 'accept');
    await ok(ctx, 'executor.heat', first.appealId, 'answer', { text: 'Подача тепла восстановлена после ремонта задвижки', decision: 'granted' });
    const dup = await page(ctx, '061211600012', second.appealId);
    expect(dup.answer!.text).toBe('Подача тепла восстановлена после ремонта задвижки');
    const told = (await notices(t, second.appealId)).filter((n) => n.template === 'appeals:notice.answered_original');
    expect(told).toHaveLength(1);
    expect(told[0]!.body).toContain(first.slipNumber);
  });
});

describe('extension (APPC art. 76)', () => {
  it('only by the head, with a reason, up to two months in total; the applicant is told', async () => {
    const slip = await file(ctx, '900515301234', pothole(ctx, { text: 'Провал асфальта на проспекте' }));
    const id = slip.appealId;
    await ok(ctx, 'executor.roads', id, 'accept');
    const due = new Date(slip.dueAt!);
    const later = (days: number) => {
      const d = new Date(due.getTime() + days * 86_400_000);
      while ([0, 6].includes(d.getUTCDay())) d.setUTCDate(d.getUTCDate() + 1);
      return d.toISOString().slice(0, 10);
    };
    expect((await act(ctx, 'executor.roads', id, 'extend', { newDueDate: later(10), reason: 'Нужна экспертиза' })).statusCode).toBe(403);
    expect((await act(ctx, 'head.roads', id, 'extend', { newDueDate: later(10) })).statusCode).toBe(400);
    const tooFar = await act(ctx, 'head.roads', id, 'extend', { newDueDate: later(60), reason: 'Нужна экспертиза' });
    expect(tooFar.statusCode).toBe(400);
    expect(tooFar.json().errors[0].field).toBe('input.newDueDate');

    const first = await ok(ctx, 'head.roads', id, 'extend', { newDueDate: later(10), reason: 'Нужна экспертиза дорожного полотна' });
    expect(new Date(first.dueAt!).getTime()).toBeGreaterThan(due.getTime());
    const second = await ok(ctx, 'head.roads', id, 'extend', { newDueDate: later(25), reason: 'Экспертиза продлена подрядчиком' });
    expect(new Date(second.dueAt!).getTime()).toBeGreaterThan(new Date(first.dueAt!).getTime());
    expect((await act(ctx, 'head.roads', id, 'extend', { newDueDate: later(45), reason: 'Ещё раз' })).statusCode).toBe(400);
    const p = await page(ctx, '900515301234', id);
    expect(p.extensionCount).toBe(2);
    const told = (await notices(t, id)).filter((n) => n.template === 'appeals:notice.extended');
    expect(told).toHaveLength(2);
    expect(told[1]!.body).toContain('Экспертиза продлена подрядчиком');
  });
});

describe('complaint about a state service (Law on State Services art. 25)', () => {
  it('goes to the provider with a 5-working-day term', async () => {
    const provider = org(ctx, 'Education Department');
    const base = { type: 'complaint', categoryId: cat(ctx, 'state_services.complaint'), text: 'Третий раз отказывают в приёме документов на зачисление в школу', territoryCode: KARAGANDA };
    const statement = await t.app.inject({ method: 'POST', url: '/api/appeals', headers: await as(ctx, '900515301234'), payload: { ...base, type: 'statement', isStateServiceComplaint: true, serviceProviderId: provider } });
    expect(statement.json().errors[0].field).toBe('isStateServiceComplaint');
    const noProvider = await t.app.inject({ method: 'POST', url: '/api/appeals', headers: await as(ctx, '900515301234'), payload: { ...base, isStateServiceComplaint: true } });
    expect(noProvider.json().errors[0].field).toBe('serviceProviderId');

    const slip = await file(ctx, '900515301234', { ...base, isStateServiceComplaint: true, serviceProviderId: provider });
    expect(slip).toMatchObject({ state: 'assigned', organizationId: provider });
    expect(slip.legalSource).toContain('On state services');
    const p = await page(ctx, 'head.education', slip.appealId);
    const answer = (p.deadlines as { key: string; amount: number; unit: string; legalSource: string }[]).find((d) => d.key === 'answer')!;
    expect(answer).toMatchObject({ amount: 5, unit: 'working_days' });
    expect(answer.legalSource).toContain('art. 25');
    const standard = await file(ctx, '900515301234', { ...base, type: 'complaint' });
    const p2 = await page(ctx, '900515301234', standard.appealId);
    expect((p2.deadlines as { key: string; amount: number }[]).find((d) => d.key === 'answer')!.amount).toBe(15);
  });
});

describe('anonymous appeals', () => {
  it('are registered with a slip but not considered', async () => {
    const slip = await file(ctx, 'operator', { ...pothole(ctx), isAnonymous: true }, '/api/appeals/operator');
    expect(slip).toMatchObject({ isAnonymous: true, state: 'not_considered' });
    expect(slip.slipNumber).toMatch(/^KRG-/);
    const p = await page(ctx, 'coordinator', slip.appealId);
    expect(p.applicant).toBeNull();
    expect(p.timeline.find((e) => e.action === 'leave_unconsidered')!.comment).toContain('anonymous appeal is not considered');
    expect(await notices(t, slip.appealId)).toEqual([]);
  });

  it('reporting a threat to security are routed at once and the coordination centre told, then forwarded', async () => {
    const slip = await file(ctx, 'operator', { type: 'report', categoryId: cat(ctx, 'safety.threat'), text: 'Во дворе оставлен подозрительный предмет с проводами', territoryCode: KARAGANDA, isAnonymous: true }, '/api/appeals/operator');
    expect(slip.state).toBe('registered');
    const told = await notices(t, slip.appealId);
    expect(told.map((n) => n.template)).toEqual(['appeals:notice.staff_security_report']);
    const r = await ok(ctx, 'coordinator', slip.appealId, 'forward', { recipient: 'Департамент полиции Карагандинской области', reason: 'Угроза общественной безопасности' });
    expect(r.state).toBe('forwarded');
    expect((await page(ctx, 'coordinator', slip.appealId)).forwardedTo).toBe('Департамент полиции Карагандинской области');
    // Never in public lists (Open311 GET requests, public statistics feed).
    const listed = await listAppealsForApi(t.testDb.db, { regionCode: '350000000' });
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.map((a) => a.slipNumber)).not.toContain(slip.slipNumber);
  });

  it('a caller named by IIN is not anonymous; naming someone on an anonymous appeal is refused', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/appeals/operator', headers: await as(ctx, 'operator'), payload: { ...pothole(ctx), isAnonymous: true, applicant: { iin: '900515301234' } } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('applicant');
  });
});
