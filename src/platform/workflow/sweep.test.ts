import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/db.ts';
import { fixedClock, type TestClock } from '../clock.ts';
import { formatLocal } from '../calendar/calendar.time.ts';
import { assignCase, getCase, performAction } from './cases.ts';
import { startCase } from './start.ts';
import { almaty, checkRole, exampleDefinition, ORG_A, REGION, staff } from './fixtures.test-support.ts';
import type { SweepBatch, WorkflowDeps, WorkflowNotice } from './hooks.ts';
import { getTimeline } from './queries.ts';
import { publishDefinition } from './registry.ts';
import { startJobs } from '../jobs/jobs.ts';
import { markNoticeDelivered, pendingNotices, registerWorkflowJobs, runSweep, WORKFLOW_SWEEP_JOB, type SweepOptions } from './sweep.ts';

let t: TestDb;
const delivered: WorkflowNotice[] = [];
const HEAD_STAFF = '20000000-0000-4000-8000-0000000000ff';
const deps: WorkflowDeps = {
  checkRole,
  hooks: {
    appeal: {
      effects: {
        // At breach the owning module hands the case to the head of the organization.
        handToHead: async (ctx) => {
          await assignCase(ctx.trx, { regionCode: ctx.case.regionCode, caseId: ctx.case.id, assigneeId: HEAD_STAFF, actor: ctx.actor, at: ctx.at, comment: 'escalated at breach' });
        },
        forwardToCompetentBody: async () => {},
        noticeApplicantForwarded: async () => {},
        noticeApplicantExtended: async () => {},
        sendAnswer: async () => {},
      },
      onNotice: async (_trx, notice) => {
        delivered.push(notice);
      },
    },
  },
};
const sweepOpts: SweepOptions = { hooks: deps.hooks!, onError: (e) => { throw e; } };
const operator = staff('operator');
const head = staff('head');
const executor = staff('executor');
let subjects = 0;

beforeAll(async () => {
  t = await createTestDb();
  await t.db.transaction().execute((trx) => publishDefinition(trx, { body: exampleDefinition(), regionCode: REGION, actor: staff('service_designer'), at: almaty('2026-01-05T09:00') }));
});
afterAll(async () => {
  await t?.close();
});

async function newCase(receivedAt: Date, assign = true) {
  const { case: c } = await t.db.transaction().execute((trx) =>
    startCase(trx, deps, { regionCode: REGION, processKey: 'appeal', organizationId: ORG_A, subjectType: 'appeal', subjectId: `S-${++subjects}`, actor: operator, at: receivedAt }),
  );
  if (!assign) return c;
  const r = await t.db.transaction().execute((trx) =>
    performAction(trx, deps, { regionCode: REGION, caseId: c.id, action: 'assign', actor: head, at: receivedAt, assign: { assigneeId: executor.staffId } }),
  );
  return r.case;
}

/**
 * Moves the clock hour by hour from `from` to `to`, sweeping each time, and notes the local
 * time at which each notice (kind + recipient) of the case first appeared.
 */
async function watch(clock: TestClock, caseId: string, from: Date, to: Date): Promise<Record<string, string>> {
  const seen: Record<string, string> = {};
  for (clock.set(from); clock.now() <= to; clock.advance(3_600_000)) {
    await runSweep(t.db, clock, sweepOpts);
    const notices = await t.db.selectFrom('workflowNotice').select(['kind', 'recipient']).where('caseId', '=', caseId).execute();
    for (const n of notices) seen[`${n.kind}:${n.recipient}`] ??= formatLocal(clock.now(), 'Asia/Almaty');
  }
  return seen;
}

async function escalations(caseId: string) {
  const rows = await t.db
    .selectFrom('workflowEscalation as e')
    .innerJoin('workflowDeadline as d', (j) => j.onRef('d.id', '=', 'e.deadlineId').onRef('d.regionCode', '=', 'e.regionCode'))
    .select(['d.deadlineKey', 'e.stepIndex', 'e.level', 'e.dueAt'])
    .where('e.caseId', '=', caseId)
    .orderBy('e.dueAt')
    .execute();
  return rows.map((r) => `${r.deadlineKey}#${r.stepIndex} L${r.level} ${formatLocal(r.dueAt, 'Asia/Almaty')}`);
}

describe('escalations on the 2026 calendar, the clock moving forward', () => {
  it('around Nauryz (21–25 March off): reminder, breach and coordination centre on the right working days', async () => {
    // Received Friday 13 March 2026 at 10:00. Answer term: 15 working days from Monday 16 March,
    // skipping 21–25 March → due Wednesday 8 April 18:00.
    const received = almaty('2026-03-13T10:00');
    const c = await newCase(received);
    expect(formatLocal(c.dueAt!, 'Asia/Almaty')).toBe('2026-04-08T18:00');
    const clock = fixedClock(received);
    const seen = await watch(clock, c.id, almaty('2026-03-13T11:00'), almaty('2026-04-14T11:00'));
    // 75 % of the working time (143 h: 8 h on the 13th + 15 × 9 h) is 107.25 h → Friday 3 April 09:15;
    // the hourly sweep sees it at 10:00.
    expect(seen).toEqual({
      'reminder:assignee': '2026-04-03T10:00',
      'breach:head': '2026-04-08T18:00',
      // Two working days after the breach day: 9 and 10 April → Friday 10 April 18:00.
      'after_breach:coordinator': '2026-04-10T18:00',
    });
    expect(await escalations(c.id)).toEqual(['answer#0 L1 2026-04-03T09:15', 'answer#1 L2 2026-04-08T18:00', 'answer#2 L3 2026-04-10T18:00']);
    const after = await getCase(t.db, REGION, c.id);
    // The breach step's effect handed the case to the head; the level is stored with the case.
    expect(after).toMatchObject({ escalationLevel: 3, assigneeId: HEAD_STAFF });
    const notices = await t.db.selectFrom('workflowNotice').selectAll().where('caseId', '=', c.id).orderBy('createdAt').execute();
    expect(notices.map((n) => [n.recipient, n.assigneeId])).toEqual([
      ['assignee', executor.staffId],
      ['head', executor.staffId],
      ['coordinator', HEAD_STAFF],
    ]);
  });

  it('a state deadline across Nauryz: received Thursday 19 March, due Friday 27 March', async () => {
    const received = almaty('2026-03-19T15:00');
    const c = await newCase(received, false);
    expect(formatLocal(c.stateDueAt!, 'Asia/Almaty')).toBe('2026-03-27T18:00');
    const clock = fixedClock(received);
    const seen = await watch(clock, c.id, almaty('2026-03-19T16:00'), almaty('2026-03-31T10:00'));
    // 50 % of 30 working hours = 15 h: 3 h on the 19th, 9 h on the 20th, 3 h on the 26th → 12:00.
    expect(seen).toEqual({ 'reminder:operator': '2026-03-26T12:00', 'breach:head': '2026-03-27T18:00' });
  });

  it('around 16 December (Independence Day) and the New Year days off', async () => {
    // Received Monday 14 December 2026 at 11:00: 15 working days skip 16 December, 1, 2, 4 and 7 January.
    const received = almaty('2026-12-14T11:00');
    const c = await newCase(received);
    expect(formatLocal(c.dueAt!, 'Asia/Almaty')).toBe('2027-01-08T18:00');
    const clock = fixedClock(received);
    const seen = await watch(clock, c.id, almaty('2026-12-14T12:00'), almaty('2027-01-13T10:00'));
    expect(seen).toEqual({
      // 75 % of 142 h = 106.5 h: 7 h on the 14th, then 11 full days to 30 December, 0.5 h on the 31st.
      'reminder:assignee': '2026-12-31T10:00',
      'breach:head': '2027-01-08T18:00',
      'after_breach:coordinator': '2027-01-12T18:00',
    });
    expect(await escalations(c.id)).toEqual(['answer#0 L1 2026-12-31T09:30', 'answer#1 L2 2027-01-08T18:00', 'answer#2 L3 2027-01-12T18:00']);
  });

  it('a state term of 3 working days over 16 December: received Tuesday 15th, due Monday 21st', async () => {
    const received = almaty('2026-12-15T16:00');
    const c = await newCase(received, false);
    expect(formatLocal(c.stateDueAt!, 'Asia/Almaty')).toBe('2026-12-21T18:00');
    const clock = fixedClock(received);
    const seen = await watch(clock, c.id, almaty('2026-12-15T17:00'), almaty('2026-12-22T10:00'));
    // 50 % of 29 h = 14.5 h: 2 h on the 15th, 9 h on the 17th, 3.5 h on the 18th → 12:30, seen at 13:00.
    expect(seen).toEqual({ 'reminder:operator': '2026-12-18T13:00', 'breach:head': '2026-12-21T18:00' });
  });
});

describe('sweep guarantees', () => {
  it('is idempotent: a second run at the same instant applies nothing and raises no notice', async () => {
    const c = await newCase(almaty('2026-02-02T10:00'));
    const clock = fixedClock(almaty('2026-03-10T10:00')); // far past the breach and after-breach
    const first = await runSweep(t.db, clock, sweepOpts);
    expect(first).toMatchObject({ applied: expect.any(Number), failed: 0 });
    const before = await t.db.selectFrom('workflowNotice').select(sql<number>`count(*)::int`.as('n')).where('caseId', '=', c.id).executeTakeFirstOrThrow();
    expect(before.n).toBe(3);
    const second = await runSweep(t.db, clock, sweepOpts);
    expect(second).toMatchObject({ due: 0, applied: 0, notices: 0 });
    const after = await t.db.selectFrom('workflowNotice').select(sql<number>`count(*)::int`.as('n')).where('caseId', '=', c.id).executeTakeFirstOrThrow();
    expect(after.n).toBe(3);
  });

  it('two overlapping sweeps never apply a step twice', async () => {
    const cases = await Promise.all(Array.from({ length: 20 }, (_, i) => newCase(almaty(`2026-02-${String(3 + (i % 5)).padStart(2, '0')}T10:00`))));
    const clock = fixedClock(almaty('2026-03-12T10:00'));
    const [a, b] = await Promise.all([runSweep(t.db, clock, sweepOpts), runSweep(t.db, clock, sweepOpts)]);
    expect(a.applied + b.applied).toBe(60);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from workflow_escalation where case_id = any(${cases.map((c) => c.id)}::uuid[])`.execute(t.db);
    expect(rows[0]!.n).toBe(60);
  });

  it('pages through every due deadline with no page limit', async () => {
    const clock = fixedClock(almaty('2026-01-05T10:00'));
    await Promise.all(Array.from({ length: 30 }, () => newCase(almaty('2025-12-01T10:00'))));
    const r = await runSweep(t.db, clock, { ...sweepOpts, batchSize: 7 });
    expect(r.pages).toBeGreaterThanOrEqual(5);
    expect(r.failed).toBe(0);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from workflow_deadline where next_step_at <= ${clock.now()}`.execute(t.db);
    expect(rows[0]!.n).toBe(0);
  });

  it('skips a case a user holds right now and takes it at the next sweep', async () => {
    const c = await newCase(almaty('2026-01-12T10:00'));
    const clock = fixedClock(almaty('2026-02-27T10:00'));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const user = t.db.transaction().execute(async (trx) => {
      await sql`select 1 from workflow_case where region_code = ${REGION} and id = ${c.id} for update`.execute(trx);
      locked();
      await held;
    });
    await isLocked;
    const busy = await runSweep(t.db, clock, sweepOpts);
    expect(busy.busy).toBeGreaterThanOrEqual(1);
    release();
    await user;
    await runSweep(t.db, clock, sweepOpts);
    expect(await escalations(c.id)).toHaveLength(3);
  });

  it('an extension re-arms the ladder; closing the case stops it', async () => {
    const c = await newCase(almaty('2026-04-01T10:00'));
    const clock = fixedClock(almaty('2026-04-17T10:00'));
    await runSweep(t.db, clock, sweepOpts);
    expect((await escalations(c.id)).map((e) => e.split(' ')[0])).toEqual(['answer#0']);
    // Head extends to 29 May (two months from receipt end on 1 June): the reminder comes again at 75 % of the new term.
    await t.db.transaction().execute((trx) =>
      performAction(trx, deps, { regionCode: REGION, caseId: c.id, action: 'extend', actor: head, at: clock.now(), comment: 'inspection', input: { newDueDate: '2026-05-29' } }),
    );
    expect((await getCase(t.db, REGION, c.id)).escalationLevel).toBe(0);
    clock.set(almaty('2026-05-20T10:00'));
    await runSweep(t.db, clock, sweepOpts);
    expect((await escalations(c.id)).length).toBe(2);
    await t.db.transaction().execute((trx) =>
      performAction(trx, deps, { regionCode: REGION, caseId: c.id, action: 'answer', actor: executor, at: clock.now(), input: { decision: 'explained' } }),
    );
    clock.set(almaty('2026-07-01T10:00'));
    await runSweep(t.db, clock, sweepOpts);
    expect((await escalations(c.id)).length).toBe(2);
    const timeline = await getTimeline(t.db, REGION, c.id, clock.now());
    expect(timeline.entries.filter((e) => e.kind === 'escalation')).toHaveLength(2);
    expect(timeline.deadlines.find((d) => d.key === 'answer')).toMatchObject({ status: 'met', isOverdue: false });
  });

  it('hands notices to the owning module and keeps them in the outbox until delivered', async () => {
    const pending = await pendingNotices(t.db, 1000);
    expect(pending.length).toBeGreaterThan(0);
    expect(delivered.length).toBeGreaterThanOrEqual(pending.length);
    expect(pending[0]).toMatchObject({ regionCode: REGION, data: { processKey: 'appeal', deadlineKey: expect.any(String), legalSource: expect.any(String) } });
    await markNoticeDelivered(t.db, pending[0]!, new Date());
    expect((await pendingNotices(t.db, 1000)).length).toBe(pending.length - 1);
  });

  it('applies a chunk in one transaction: a failing deadline rolls back alone and is retried by the next sweep', async () => {
    const cases: Awaited<ReturnType<typeof newCase>>[] = [];
    for (let i = 0; i < 4; i++) cases.push(await newCase(almaty('2026-11-02T10:00')));
    const failing = cases[1]!.id;
    let fail = true;
    const flushed: string[][] = [];
    const errors: unknown[] = [];
    const hooks = {
      appeal: {
        ...deps.hooks!.appeal!,
        onNotice: async (_trx: unknown, n: WorkflowNotice, _c: unknown, batch?: SweepBatch) => {
          batch!.collect('seen', n.caseId, async (_t, items: string[]) => void flushed.push(items));
          if (fail && n.caseId === failing) throw new Error('delivery refused');
        },
      },
    };
    const clock = fixedClock(almaty('2026-12-30T10:00'));
    const first = await runSweep(t.db, clock, { hooks, concurrency: 1, onError: (e) => errors.push(e) });
    expect(first.failed).toBe(1);
    expect(errors.map((e) => (e as Error).message)).toEqual(['delivery refused']);
    // The other cases' steps committed; the failing case has nothing (its savepoint rolled back).
    for (const c of cases) expect(await escalations(c.id)).toHaveLength(c.id === failing ? 0 : 3);
    // One flush for the chunk, without the items of the deadline rolled back.
    expect(flushed).toHaveLength(1);
    expect(flushed[0]).not.toContain(failing);
    expect(flushed[0]!.filter((id) => cases.some((c) => c.id === id)).length).toBe(9);
    fail = false;
    const second = await runSweep(t.db, clock, { hooks, concurrency: 1, onError: (e) => errors.push(e) });
    expect([second.failed, second.applied]).toEqual([0, 3]);
    for (const c of cases) expect(await escalations(c.id)).toHaveLength(3);
    expect(flushed[1]).toEqual([failing, failing, failing]);
  });

  it('runs as the scheduled pg-boss job', async () => {
    const c = await newCase(almaty('2026-09-01T10:00'));
    const clock = fixedClock(almaty('2026-10-15T10:00'));
    const jobs = await startJobs({ databaseUrl: t.url, jobs: [WORKFLOW_SWEEP_JOB], supervise: false, pollingIntervalSeconds: 0.5 });
    try {
      await registerWorkflowJobs(jobs, { db: t.db, clock, hooks: deps.hooks! });
      expect((await jobs.boss.getSchedules()).map((s) => [s.name, s.cron])).toEqual([['workflow.sweep', '* * * * *']]);
      // Do not wait for the minute tick: send one now, as the cron would.
      await jobs.send(WORKFLOW_SWEEP_JOB, {});
      for (let i = 0; i < 100 && (await escalations(c.id)).length < 3; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await escalations(c.id)).toHaveLength(3);
    } finally {
      await jobs.stop({ timeoutMs: 2000 });
    }
  });
});
