import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fixedClock, type TestApp } from '../../../test/app.ts';
import { workflowHooks } from '../../background.ts';
import type { TestClock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { runSweep, type SweepResult } from '../../platform/workflow/sweep.ts';
import { context, file, ok, pothole, TEMIRTAU, type Ctx } from './appeals.test-support.ts';

/**
 * The sweep applies a chunk set-wise (a statement per kind of row, `applySetwise`; the closes
 * on silence too, through `performSystemActions`) and one by one what it cannot take that way
 * or what a failed set-wise chunk held. Both must
 * leave exactly the same rows: two databases given the same history, one swept set-wise, the
 * other one deadline at a time, compared row by row after each sweep (ids, which differ between
 * the two databases, replaced by slip numbers and logins).
 */

// Ids differ between the two databases: replaced in texts that carry them (comments, audit data).
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const almaty = (local: string) => new Date(`${local}+05:00`);
const sides: { t: TestApp; ctx: Ctx; clock: TestClock; filed: string[] }[] = [];

beforeAll(async () => {
  for (let i = 0; i < 2; i++) {
    const clock = fixedClock(almaty('2026-03-02T10:00'));
    const t = await createTestApp({ clock });
    sides.push({ t, ctx: await context(t), clock, filed: [] });
  }
});

afterAll(async () => {
  for (const s of sides) await s.t.close();
});

/** The same appeals and steps on both sides, at the same instants. */
async function history(s: (typeof sides)[number]) {
  const citizens = ['900515301234', '061211600012'];
  const filed = s.filed;
  for (let i = 0; i < 10; i++) {
    s.clock.set(almaty(`2026-03-02T1${i % 8}:${String(10 + i).padStart(2, '0')}`));
    const body = pothole(s.ctx, { text: `Яма на дороге номер ${i}, колёса бьют все машины`, ...(i % 3 === 2 ? { territoryCode: TEMIRTAU } : {}) });
    filed.push((await file(s.ctx, citizens[i % 2]!, body)).appealId);
  }
  s.clock.set(almaty('2026-03-03T11:00'));
  s.ctx.sessions.clear();
  // Accepted by the executor (reminders go to them), answered (the confirmation window closes
  // on silence: an action), or left with the organization (to the head).
  for (const [i, id] of filed.entries()) {
    if (i % 3 === 2) continue;
    if (i % 4 !== 3) await ok(s.ctx, 'executor.roads', id, 'accept');
    if (i % 4 === 0) await ok(s.ctx, 'executor.roads', id, 'answer', { text: 'Яма заделана', decision: 'granted' });
  }
}

/**
 * Everything the sweep writes about the appeals of `history` (the demo region's own appeals
 * lie in the future of its clock), with each side's ids replaced by slip numbers and logins.
 */
async function snapshot(s: (typeof sides)[number]) {
  const db: Db = s.t.testDb.db;
  const ids = sql`${s.filed}::uuid[]`;
  const slip = sql<string>`(select a.slip_number from appeal a where a.case_id = c.id)`;
  const mine = sql`c.subject_id = any(${s.filed}::text[])`;
  const rows = async (q: ReturnType<typeof sql>) => (await q.execute(db)).rows;
  return {
    appeals: await rows(sql`select slip_number, state, verdict, closed_at, deemed_refusal_at, escalated_at, answered_on_time, due_at, updated_at
      from appeal where id = any(${ids}) order by slip_number`),
    cases: await rows(sql`select ${slip} as slip, state, due_at, state_due_at, next_due_at, escalation_level, closed_at from workflow_case c where ${mine} order by 1`),
    deadlines: await rows(sql`select ${slip} as slip, d.scope, d.deadline_key, d.status, d.next_step, d.next_step_at, d.level, d.generation
      from workflow_deadline d join workflow_case c on c.region_code = d.region_code and c.id = d.case_id where ${mine} order by 1, 2, 3, d.generation`),
    escalations: await rows(sql`select ${slip} as slip, e.step_index, e.level, e.due_at, e.applied_at, e.notify, e.effects
      from workflow_escalation e join workflow_case c on c.region_code = e.region_code and c.id = e.case_id where ${mine} order by 1, 2, e.due_at`),
    history: await rows(sql`select ${slip} as slip, h.seq, h.at, h.action, h.from_state, h.to_state, h.actor_kind, h.actor_id is null as no_actor_id,
        regexp_replace(h.comment, ${UUID}, '<id>', 'g') as comment, h.input,
        h.organization_id is not distinct from c.organization_id as same_org, h.assignee_id is not distinct from c.assignee_id as same_assignee
      from workflow_history h join workflow_case c on c.region_code = h.region_code and c.id = h.case_id where ${mine} order by 1, 2`),
    workflowNotices: await rows(sql`select ${slip} as slip, n.kind, n.level, n.recipient, n.created_at, n.data->>'stepIndex' as step
      from workflow_notice n join workflow_case c on c.region_code = n.region_code and c.id = n.case_id where ${mine} order by 1, 2, 3, 4, 6`),
    notices: await rows(sql`select a.slip_number as slip, n.template, ac.login, n.lang, n.title, n.body,
        n.email is not null as email, n.phone is not null as phone, n.created_at,
        (select array_agg(channel order by channel) from notice_delivery d where d.notice_id = n.id) as channels,
        (select count(*)::int from pgboss.job j where j.data->>'noticeId' = n.id::text) as jobs
      from notice n join appeal a on a.id::text = n.about_id left join account ac on ac.id = n.account_id
      where a.id = any(${ids}) order by 1, 2, 3, n.created_at`),
    audit: await rows(sql`select a.slip_number as slip, l.action, l.at, l.actor_kind, l.data->>'step' as step, l.data->>'kind' as kind, l.data->>'level' as level,
        regexp_replace(l.data::text, ${UUID}, '<id>', 'g') as data
      from audit_log l join workflow_case c on c.id::text = l.entity_id join appeal a on a.case_id = c.id
      where a.id = any(${ids}) order by 1, 3, 2, 5, 6, 8`),
  };
}

describe('the set-wise sweep writes what the one-by-one sweep writes', () => {
  it('reminders, breaches with deemed refusals, coordination-centre escalations and closes on silence, sweep after sweep', async () => {
    for (const s of sides) await history(s);
    expect(await snapshot(sides[1]!)).toEqual(await snapshot(sides[0]!));
    // Reminders (~10 working days in), the breach wave at the close of the 15th working day with
    // the confirmation windows ending, two working days after it, and a quiet sweep.
    let applied = 0;
    for (const at of ['2026-03-16T18:00', '2026-03-26T18:00:30', '2026-03-31T18:00:30', '2026-04-20T10:00']) {
      const results = [];
      for (const [i, s] of sides.entries()) {
        s.clock.set(almaty(at));
        results.push(await runSweep(s.t.testDb.db, s.clock, { hooks: workflowHooks(), setwise: i === 0, chunkSize: 4, onError: (e) => { throw e; } }));
      }
      const [setwise, oneByOne] = results as [SweepResult, SweepResult];
      expect({ ...setwise, oneByOne: 0 }, at).toEqual({ ...oneByOne, oneByOne: 0 });
      // Nothing left to the one-by-one path on the set-wise side, closes on silence included.
      expect(setwise.oneByOne, at).toBe(0);
      expect(oneByOne.oneByOne, at).toBe(oneByOne.due);
      applied += setwise.applied;
      const [a, b] = await Promise.all(sides.map((s) => snapshot(s)));
      expect(a, at).toEqual(b);
    }
    // The history above reached every kind of step.
    const kinds = await sql<{ template: string }>`select distinct template from notice where about_id = any(${sides[0]!.filed})`.execute(sides[0]!.t.testDb.db);
    expect(kinds.rows.map((r) => r.template.replace('appeals:notice.', ''))).toEqual(
      expect.arrayContaining(['staff_reminder', 'staff_breach', 'deemed_refusal', 'staff_escalation']),
    );
    const closed = await sql<{ n: number }>`select count(*)::int as n from appeal where verdict = 'silent' and id = any(${sides[0]!.filed}::uuid[])`.execute(sides[0]!.t.testDb.db);
    expect(closed.rows[0]!.n).toBeGreaterThan(0);
    expect(applied).toBeGreaterThanOrEqual(20);
  });
});
