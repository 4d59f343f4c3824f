import fs from 'node:fs';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fixedClock, type TestApp } from '../../../test/app.ts';
import { workflowHooks } from '../../background.ts';
import { getCalendar } from '../../platform/calendar/calendar.ts';
import { runSweep } from '../../platform/workflow/sweep.ts';
import { REGION } from './appeals.test-support.ts';

/**
 * The workflow figures mirrored on the appeal row for the reports (migration 0010): the first
 * escalation that reached the coordination centre (`escalated_at`), the answer time in working
 * days and the on-time flag. The demo's 30 appeals are filed and moved through the real
 * use-cases, then the sweep runs: every mirror must equal what the workflow tables and the
 * calendar say — and the migration's backfill must compute the same values for rows written
 * before it.
 */

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  const r = await runSweep(t.testDb.db, fixedClock(new Date()), { hooks: workflowHooks(), onError: (e) => { throw e; } });
  expect(r.failed).toBe(0);
});

interface Mirror { id: string; escalatedAt: Date | null; answerWorkingDays: number | null; answeredOnTime: boolean | null }
const mirrors = async (): Promise<Mirror[]> =>
  t.testDb.db.selectFrom('appeal').select(['id', 'escalatedAt', 'answerWorkingDays', 'answeredOnTime']).orderBy('id').execute();

describe('mirrors of the workflow on the appeal row', () => {
  it('are written with the change: escalation to the coordination centre, answer time in working days, on time', async () => {
    const db = t.testDb.db;
    const cal = await getCalendar(db, REGION);
    const rows = await db.selectFrom('appeal').selectAll().execute();
    const firstToCoordinator = new Map(
      (await sql<{ caseId: string; at: Date }>`select case_id as "caseId", min(applied_at) as at from workflow_escalation
        where 'coordinator' = any (notify) group by case_id`.execute(db.withoutPlugins())).rows.map((r) => [r.caseId, r.at.getTime()]),
    );
    let answered = 0;
    for (const a of rows) {
      expect(a.escalatedAt?.getTime() ?? null, a.slipNumber).toBe(firstToCoordinator.get(a.caseId!) ?? null);
      if (a.answeredAt && a.originalId === null) {
        answered++;
        expect(a.answerWorkingDays, a.slipNumber).toBe(cal.workingDaysBetween(a.receivedAt, a.answeredAt));
        expect(a.answeredOnTime, a.slipNumber).toBe(a.deemedRefusalAt === null);
      } else {
        expect([a.answerWorkingDays, a.answeredOnTime], a.slipNumber).toEqual([null, null]);
      }
    }
    expect(answered).toBeGreaterThan(3);
    expect(firstToCoordinator.size).toBeGreaterThan(0);
    expect(rows.filter((a) => a.answeredOnTime === true).length).toBeGreaterThan(0);
  });

  it('are backfilled by the migration to the same values', async () => {
    const before = await mirrors();
    expect(before.some((m) => m.escalatedAt) && before.some((m) => m.answerWorkingDays !== null)).toBe(true);
    await sql`update appeal set escalated_at = null, answer_working_days = null, answered_on_time = null`.execute(t.testDb.db);
    expect((await mirrors()).every((m) => m.escalatedAt === null && m.answerWorkingDays === null)).toBe(true);
    const migration = fs.readFileSync(new URL('../../../migrations/0010_appeal_split_mirrors.sql', import.meta.url), 'utf8');
    const backfill = migration.slice(migration.indexOf('-- Backfill of rows written before this migration.'));
    await sql.raw(backfill).execute(t.testDb.db);
    expect(await mirrors()).toEqual(before);
  });
});
