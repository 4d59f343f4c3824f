import { sql } from 'kysely';
import { getCalendar, getCalendars, type Calendar } from '../calendar/calendar.ts';
import type { Clock } from '../clock.ts';
import type { Db, Executor } from '../db/database.ts';
import { defineJob, type Jobs } from '../jobs/jobs.ts';
import type { HookRegistry, WorkflowNotice } from './hooks.ts';
import { applyDueSteps, applySetwise, rounds, toNotice, type DueDeadline } from './sweep.apply.ts';
import { CollectingBatch } from './batch.ts';

/**
 * The escalation sweep. Each deadline row carries the instant of its ladder's next step
 * (`next_step_at`, null when nothing is left); a partial index on it is the sweep's only way
 * in. The sweep walks that index up to `now` in keyset order (no page limit: it pages until
 * nothing due is left) and never reads a case whose next step lies in the future.
 *
 * A lane's due deadlines are applied in chunks, one transaction per chunk. A chunk (default 500)
 * is applied set-wise first (`applySetwise`, sweep.apply.ts): its cases locked in one statement (skipping those a
 * user is acting on right now; the next sweep takes them), its deadlines re-read in one, every
 * due step's escalation, notice, audit entry and set-wise effect (`batchEffects`) written a
 * statement per kind, the deadlines moved on and the cases refreshed in one statement each — a
 * constant number of statements per chunk instead of ~15 per deadline (a case with two due
 * deadlines has them in two rounds). Deadlines it cannot take that way (an effect with no
 * set-wise form) and every deadline of a chunk whose set-wise transaction failed are then
 * applied one by one (`applyDueSteps`), in chunks of 50 with a savepoint each: a deadline that
 * fails rolls back to its savepoint alone (it stays due and the next sweep retries it) while the
 * rest of its chunk commits. The hooks get the chunk (`SweepBatch`): lookups shared across the
 * sweep and rows written once at the chunk's end (e.g. the notices and their delivery jobs).
 * Applying is idempotent: an escalation row is keyed by (deadline, generation, step), so a step
 * applied twice, by two overlapping sweeps or a retried job, inserts nothing the second time and
 * raises no second notice.
 */

export const WORKFLOW_SWEEP_JOB = defineJob<Record<string, never>>('workflow.sweep', {
  // One sweep queued and one running at most: a slow sweep never piles up cron ticks.
  policy: 'stately',
  retryLimit: 0,
  expireInSeconds: 15 * 60,
});

export interface SweepOptions {
  hooks?: HookRegistry;
  /** Deadlines read per index page (default 500). */
  batchSize?: number;
  /**
   * Lanes applied at once (default 2), each with its own transactions on its own connection.
   * The deadlines of one case stay in one lane, in order, so they never contend for its lock.
   */
  concurrency?: number;
  /**
   * Deadlines of a lane applied one by one in one transaction, a savepoint each (default 50; at
   * most 60, so that the subtransactions of a chunk stay within PostgreSQL's per-backend cache of 64).
   */
  chunkSize?: number;
  /** Called after the chunk's transaction ended, for each deadline that failed in it. */
  onError?: (err: unknown, deadline: { regionCode: string; id: string }) => void;
  /** Apply chunks set-wise first (default true); false: every deadline one by one (tests compare the two). */
  setwise?: boolean;
  /** Deadlines of a lane applied set-wise in one transaction (default 500; no savepoints, so no bound). */
  setwiseChunkSize?: number;
}

export interface SweepResult {
  /** Deadline rows found due. */
  due: number;
  /** Escalation steps applied (rows inserted). */
  applied: number;
  notices: number;
  /** Skipped because a user held the case at that moment (taken by the next sweep). */
  busy: number;
  failed: number;
  pages: number;
  /** Due deadlines applied one by one (an effect with no set-wise form, or a set-wise chunk that failed). */
  oneByOne: number;
}

/** Runs one sweep at `clock.now()`. Callable directly (tests, the CLI) or from the scheduled job. */
export async function runSweep(db: Db, clock: Clock, opts: SweepOptions = {}): Promise<SweepResult> {
  const now = clock.now();
  const batchSize = opts.batchSize ?? 500;
  const lanes = Math.max(1, opts.concurrency ?? 2);
  const result: SweepResult = { due: 0, applied: 0, notices: 0, busy: 0, failed: 0, pages: 0, oneByOne: 0 };
  // One calendar per region for the whole run (a revision check per deadline is wasted work).
  const calendars = new Map<string, Promise<Calendar>>();
  const calendarOf = (trx: Executor, regionCode: string) => {
    let cal = calendars.get(regionCode);
    if (!cal) calendars.set(regionCode, (cal = getCalendar(trx, regionCode)));
    return cal;
  };
  const chunkSize = Math.min(60, Math.max(1, opts.chunkSize ?? 50));
  const setwise = opts.setwise !== false;
  const setwiseSize = Math.max(1, opts.setwiseChunkSize ?? 500);
  // Read-only lookups (staff of an organization, an account's language) once per sweep.
  const memo = new Map<string, Promise<unknown>>();
  // A set-wise chunk in its own transaction; returns the deadlines left to apply one by one
  // (those it cannot take, or all of them when it failed: then nothing of it was kept).
  const applySetwiseChunk = async (chunk: DueDeadline[]): Promise<DueDeadline[]> => {
    try {
      const r = await db.transaction().execute(async (trx) => {
        const batch = new CollectingBatch(memo);
        const total = { applied: 0, notices: 0, busy: 0, alone: [] as DueDeadline[] };
        // A case with several due deadlines (its legal term and its state's) has them applied in
        // rounds, in their order: each round holds at most one deadline per case.
        // A case one of whose deadlines goes one by one has its later ones go that way too, after it.
        const aloneCases = new Set<string>();
        for (const round of rounds(chunk)) {
          const r = await applySetwise(trx, round.filter((d) => !aloneCases.has(d.caseId)), now, opts.hooks, calendarOf, batch);
          total.applied += r.applied;
          total.notices += r.notices;
          total.busy += r.busy;
          for (const d of r.alone) aloneCases.add(d.caseId);
          total.alone.push(...round.filter((d) => aloneCases.has(d.caseId)));
        }
        batch.keep();
        await batch.flush(trx);
        return total;
      });
      result.applied += r.applied;
      result.notices += r.notices;
      result.busy += r.busy;
      return r.alone;
    } catch {
      return chunk;
    }
  };
  // Deadlines one by one, a savepoint each, in one transaction.
  const applyChunk = async (chunk: DueDeadline[]) => {
    const failures: { err: unknown; d: DueDeadline }[] = [];
    const counts = { applied: 0, notices: 0, busy: 0 };
    try {
      await db.transaction().execute(async (trx) => {
        const batch = new CollectingBatch(memo);
        for (const d of chunk) {
          await sql`savepoint sweep_deadline`.execute(trx);
          try {
            const r = await applyDueSteps(trx, d, now, opts.hooks, calendarOf, batch);
            batch.keep();
            if (r === 'busy') counts.busy++;
            else {
              counts.applied += r.applied;
              counts.notices += r.notices;
            }
          } catch (err) {
            // This deadline alone: back to its savepoint; it stays due and the next sweep retries it.
            batch.drop();
            await sql`rollback to savepoint sweep_deadline`.execute(trx);
            failures.push({ err, d });
          }
        }
        await batch.flush(trx);
      });
    } catch (err) {
      // The chunk did not commit (its end-of-chunk writes or the commit failed): nothing of it
      // is kept; every deadline in it stays due for the next sweep.
      result.failed += chunk.length;
      for (const d of chunk) opts.onError?.(err, d);
      return;
    }
    result.applied += counts.applied;
    result.notices += counts.notices;
    result.busy += counts.busy;
    result.failed += failures.length;
    for (const f of failures) opts.onError?.(f.err, f.d);
  };
  const applyLane = async (lane: DueDeadline[]) => {
    for (let i = 0; i < lane.length; i += setwiseSize) {
      const slice = lane.slice(i, i + setwiseSize);
      const alone = setwise ? await applySetwiseChunk(slice) : slice;
      result.oneByOne += alone.length;
      for (let j = 0; j < alone.length; j += chunkSize) await applyChunk(alone.slice(j, j + chunkSize));
    }
  };
  let after: { at: Date; regionCode: string; id: string } | undefined;
  for (;;) {
    const page = await dueDeadlines(db, now, after, batchSize);
    result.pages++;
    result.due += page.length;
    // The page's regions' calendars in one go (two queries however many regions), not one region at a time.
    const regions = [...new Set(page.map((d) => d.regionCode))].filter((r) => !calendars.has(r));
    if (regions.length) {
      const loaded = getCalendars(db, regions);
      for (const r of regions) calendars.set(r, loaded.then((m) => m.get(r)!));
    }
    const byLane: DueDeadline[][] = Array.from({ length: lanes }, () => []);
    for (const d of page) byLane[laneOf(d.caseId, lanes)]!.push(d);
    await Promise.all(byLane.map(applyLane));
    if (page.length < batchSize) return result;
    const last = page.at(-1)!;
    after = { at: last.nextStepAt, regionCode: last.regionCode, id: last.id };
  }
}

/** One page of due deadlines in index order; the query the sweep's cost rests on (see README). */
export function dueDeadlinesQuery(db: Executor, now: Date, after: { at: Date; regionCode: string; id: string } | undefined, limit: number) {
  let q = db
    .selectFrom('workflowDeadline')
    .select(['regionCode', 'id', 'caseId', 'nextStepAt'])
    .where('nextStepAt', 'is not', null)
    .where('nextStepAt', '<=', now);
  if (after) q = q.where(sql<boolean>`(next_step_at, region_code, id) > (${after.at}, ${after.regionCode}, ${after.id}::uuid)`);
  return q.orderBy('nextStepAt').orderBy('regionCode').orderBy('id').limit(limit);
}

function laneOf(caseId: string, lanes: number): number {
  return parseInt(caseId.slice(0, 8), 16) % lanes;
}

async function dueDeadlines(db: Executor, now: Date, after: { at: Date; regionCode: string; id: string } | undefined, limit: number): Promise<DueDeadline[]> {
  const rows = await dueDeadlinesQuery(db, now, after, limit).execute();
  return rows.map((r) => ({ ...r, nextStepAt: r.nextStepAt! }));
}

/**
 * Registers the sweep with the job runner: the worker and a cron schedule (every minute by
 * default; a sweep with nothing due costs one index probe).
 */
export async function registerWorkflowJobs(
  jobs: Jobs,
  deps: { db: Db; clock: Clock; hooks?: HookRegistry; cron?: string; onError?: SweepOptions['onError'] },
): Promise<void> {
  await jobs.work(WORKFLOW_SWEEP_JOB, async () => {
    await runSweep(deps.db, deps.clock, { ...(deps.hooks ? { hooks: deps.hooks } : {}), ...(deps.onError ? { onError: deps.onError } : {}) });
  });
  await jobs.schedule({ job: WORKFLOW_SWEEP_JOB, cron: deps.cron ?? '* * * * *' });
}

/** Notices not yet delivered, oldest first (for a delivery worker that reads the outbox). */
export async function pendingNotices(db: Executor, limit = 100): Promise<WorkflowNotice[]> {
  const rows = await db
    .selectFrom('workflowNotice')
    .select(['regionCode', 'id', 'caseId', 'escalationId', 'kind', 'level', 'recipient', 'organizationId', 'assigneeId', 'createdAt', sql<string>`data::text`.as('dataText')])
    .where('deliveredAt', 'is', null)
    .orderBy('createdAt')
    .orderBy('regionCode')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toNotice);
}

export async function markNoticeDelivered(db: Executor, n: { regionCode: string; id: string }, at: Date): Promise<void> {
  await db.updateTable('workflowNotice').set({ deliveredAt: at }).where('regionCode', '=', n.regionCode).where('id', '=', n.id).execute();
}
