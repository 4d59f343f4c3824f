import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fixedClock, type TestApp } from '../../../test/app.ts';
import { formatLocal } from '../../platform/calendar/calendar.time.ts';
import type { TestClock } from '../../platform/clock.ts';
import { runSweep } from '../../platform/workflow/sweep.ts';
import { workflowHooks } from '../../background.ts';
import { context, file, ok, page, pothole, type Ctx } from './appeals.test-support.ts';

/**
 * The clock moves hour by hour across Nauryz 2026 (21–25 March off: 21–23 the holiday, 24–25
 * the days off transferred from the weekend) and the escalation sweep runs at every step, with
 * the hooks the server runs (`workflowHooks()` in src/background.ts). The reminder, the breach
 * (deemed refusal, APPC art. 91) and the escalation to the coordination centre must fall on
 * the right working days; an answered appeal closes when the confirmation window passes.
 */

let t: TestApp;
let ctx: Ctx;
let clock: TestClock;
const almaty = (local: string) => new Date(`${local}+05:00`);
const local = (d: Date) => formatLocal(d, 'Asia/Almaty');

beforeAll(async () => {
  clock = fixedClock(almaty('2026-03-20T10:00'));
  t = await createTestApp({ clock });
  ctx = await context(t);
});

/** Sweeps hourly from `from` to `to`; the local time each notice template first appeared, per appeal. */
async function watch(ids: string[], from: Date, to: Date): Promise<Record<string, Record<string, string>>> {
  const seen: Record<string, Record<string, string>> = Object.fromEntries(ids.map((id) => [id, {}]));
  for (clock.set(from); clock.now() <= to; clock.advance(3_600_000)) {
    const r = await runSweep(t.testDb.db, clock, { hooks: workflowHooks(), onError: (e) => { throw e; } });
    expect(r.failed).toBe(0);
    const rows = await t.testDb.db.selectFrom('notice').select(['aboutId', 'template']).where('aboutId', 'in', ids).execute();
    for (const n of rows) seen[n.aboutId!]![n.template.replace('appeals:notice.', '')] ??= local(clock.now());
  }
  return seen;
}

describe('escalation across Nauryz 2026', () => {
  it('reminder, breach with deemed refusal, coordination centre, and close on silence — on the right working days', async () => {
    // Filed Friday 20 March 2026 at 10:00, the last working day before Nauryz. The 15 working
    // days run from Thursday 26 March and end Wednesday 15 April at 18:00.
    clock.set(almaty('2026-03-20T10:00'));
    const late = await file(ctx, '900515301234', pothole(ctx));
    expect(local(new Date(late.dueAt!))).toBe('2026-04-15T18:00');
    expect(late.registeredOn).toBe('2026-03-20');
    clock.set(almaty('2026-03-20T11:00'));
    ctx.sessions.clear();
    await ok(ctx, 'executor.roads', late.appealId, 'accept');

    // A second appeal filed the same morning is answered on Thursday 2 April and the applicant
    // stays silent: 15 calendar days from the receipt day end Friday 17 April at 18:00.
    clock.set(almaty('2026-03-20T10:30'));
    ctx.sessions.clear();
    const answered = await file(ctx, '061211600012', pothole(ctx, { text: 'Не горят светофоры на перекрёстке' }));
    clock.set(almaty('2026-04-02T12:00'));
    ctx.sessions.clear();
    await ok(ctx, 'executor.roads', answered.appealId, 'accept');
    await ok(ctx, 'executor.roads', answered.appealId, 'answer', { text: 'Светофоры отремонтированы', decision: 'granted' });

    const seen = await watch([late.appealId, answered.appealId], almaty('2026-03-20T12:00'), almaty('2026-04-20T12:00'));
    // 75 % of the working time (143 h: 8 h on 20 March + 15 × 9 h) is 107.25 h → Friday 10 April
    // 09:15, seen by the 10:00 sweep. Nothing happens on the days off of Nauryz.
    expect(seen[late.appealId]).toMatchObject({
      staff_reminder: '2026-04-10T10:00',
      staff_breach: '2026-04-15T18:00',
      deemed_refusal: '2026-04-15T18:00',
      // Two working days after the breach day (16 and 17 April) → Friday 17 April 18:00.
      staff_escalation: '2026-04-17T18:00',
    });
    const p = await page(ctx, 'coordinator', late.appealId);
    expect(local(new Date(p.deemedRefusalAt!))).toBe('2026-04-15T18:00');
    expect(p.escalationLevel).toBe(3);
    expect(p.timeline.filter((e) => e.kind === 'escalation').map((e) => e.level)).toEqual([1, 2, 3]);
    const { caseId } = await t.testDb.db.selectFrom('appeal').select('caseId').where('id', '=', late.appealId).executeTakeFirstOrThrow();
    const steps = await t.testDb.db.selectFrom('workflowEscalation').select(['dueAt', 'level']).where('caseId', '=', caseId!).orderBy('level').execute();
    const dueOf = steps.map((e) => `L${e.level} ${local(e.dueAt)}`);
    expect(dueOf).toEqual(['L1 2026-04-10T09:15', 'L2 2026-04-15T18:00', 'L3 2026-04-17T18:00']);
    // Who was told: the executor (reminder), the head (breach), the coordinator (escalation), the applicant (deemed refusal).
    const to = await t.testDb.db
      .selectFrom('notice')
      .innerJoin('account', 'account.id', 'notice.accountId')
      .select(['notice.template', 'account.login', 'notice.lang'])
      .where('notice.aboutId', '=', late.appealId)
      .where('notice.template', 'in', ['appeals:notice.staff_reminder', 'appeals:notice.staff_breach', 'appeals:notice.staff_escalation', 'appeals:notice.deemed_refusal'])
      .orderBy('notice.createdAt')
      .execute();
    // Each in their language: staff in their account's (the head of roads chose Kazakh), the applicant in the appeal's.
    expect(to.map((n) => `${n.template.replace('appeals:notice.', '')}→${n.login} (${n.lang})`)).toEqual([
      'staff_reminder→executor.roads (ru)',
      'staff_breach→head.roads (kk)',
      'deemed_refusal→900515301234 (kk)',
      'staff_escalation→coordinator (ru)',
    ]);

    expect(seen[answered.appealId]).not.toHaveProperty('staff_reminder');
    const closed = await page(ctx, '061211600012', answered.appealId);
    expect(closed).toMatchObject({ state: 'closed', verdict: 'silent' });
    const closedAt = closed.timeline.find((e) => e.kind === 'transition' && e.action === 'close_on_silence') as { at: string } | undefined;
    expect(local(new Date(closedAt!.at))).toBe('2026-04-17T18:00');
  });

  it('a second sweep at the same instant applies nothing again', async () => {
    const before = await t.testDb.db.selectFrom('notice').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const r = await runSweep(t.testDb.db, clock, { hooks: workflowHooks() });
    expect(r.applied).toBe(0);
    const after = await t.testDb.db.selectFrom('notice').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});
