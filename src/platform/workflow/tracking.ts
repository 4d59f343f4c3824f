import { sql } from 'kysely';
import type { Calendar } from '../calendar/calendar.ts';
import type { Executor } from '../db/database.ts';
import type { CaseDeadlineSpec, DeadlineSpec, DeadlineUnit, EscalationStep, ProcessDefinition } from './definition.ts';
import { armLadder, dueAfter, type DeadlineTimes } from './deadlines.ts';
import type { WorkflowCase, WorkflowDeadlineRow } from './hooks.ts';
import { executePrepared, executePreparedResult } from '../db/prepared.ts';

/**
 * Persistence of deadlines and their ladders (workflow_deadline), shared by the engine's
 * transitions and the sweep. Every function runs in the caller's transaction.
 */

export type Scope = 'case' | 'state';
type CaseKey = { regionCode: string; id: string };

export function deadlineSpec(def: ProcessDefinition, scope: Scope, key: string): DeadlineSpec | CaseDeadlineSpec | undefined {
  return scope === 'case' ? def.deadlines?.[key] : def.states[key]?.deadline;
}

export function ladderOf(def: ProcessDefinition, scope: Scope, key: string): readonly EscalationStep[] {
  const name = deadlineSpec(def, scope, key)?.escalation;
  return name ? (def.escalations?.[name] ?? []) : [];
}

export function timesOf(row: Pick<WorkflowDeadlineRow, 'startedAt' | 'dueAt' | 'unit'>): DeadlineTimes {
  return { startedAt: row.startedAt, dueAt: row.dueAt, unit: row.unit as DeadlineUnit };
}

/** Opens a deadline; its whole ladder is armed (steps already past fire at the next sweep). */
export async function openDeadline(
  trx: Executor,
  cal: Calendar,
  c: CaseKey,
  def: ProcessDefinition,
  o: { scope: Scope; key: string; startedAt: Date },
): Promise<void> {
  const spec = deadlineSpec(def, o.scope, o.key);
  if (!spec) return;
  const dueAt = dueAfter(cal, o.startedAt, spec);
  const pos = armLadder(cal, ladderOf(def, o.scope, o.key), { startedAt: o.startedAt, dueAt, unit: spec.unit }, new Date(-8.64e15));
  await executePrepared(trx, trx
    .insertInto('workflowDeadline')
    .values({
      regionCode: c.regionCode,
      caseId: c.id,
      scope: o.scope,
      deadlineKey: o.key,
      state: o.scope === 'state' ? o.key : null,
      amount: spec.amount,
      unit: spec.unit,
      legalSource: spec.legalSource,
      startedAt: o.startedAt,
      dueAt,
      originalDueAt: dueAt,
      status: 'running',
      nextStep: pos.nextStep,
      nextStepAt: pos.nextStepAt,
      level: 0,
    }));
}

/** What ending a running or paused deadline at `at` writes: met when ended by its due instant, missed after it. */
export function deadlineEnded(at: Date) {
  return { status: sql<string>`case when due_at >= ${at} or status = 'paused' then 'met' else 'missed' end`, endedAt: at, nextStepAt: null };
}

/** Ends running or paused deadlines (`deadlineEnded`). Returns how many. */
export async function closeDeadlines(
  trx: Executor,
  c: CaseKey,
  at: Date,
  filter: { scope?: Scope; keys?: string[]; /** with scope 'state': also these case deadlines (one statement) */ alsoCaseKeys?: string[] } = {},
): Promise<number> {
  if (filter.keys && filter.keys.length === 0) return 0;
  let q = trx
    .updateTable('workflowDeadline')
    .set(deadlineEnded(at))
    .where('regionCode', '=', c.regionCode)
    .where('caseId', '=', c.id)
    .where('status', 'in', ['running', 'paused']);
  const also = filter.alsoCaseKeys ?? [];
  if (filter.scope && also.length) {
    const scope = filter.scope;
    q = q.where((eb) => eb.or([eb('scope', '=', scope), eb.and([eb('scope', '=', 'case'), eb('deadlineKey', 'in', also)])]));
  } else if (filter.scope) q = q.where('scope', '=', filter.scope);
  if (filter.keys) q = q.where('deadlineKey', 'in', filter.keys);
  // A named statement (platform/db/prepared.ts): on every state change. Its texts are as many as
  // the key lists' lengths the process definitions hold (a handful).
  const r = await executePreparedResult(trx, q);
  return Number(r.numAffectedRows ?? 0n);
}

export async function runningDeadlines(trx: Executor, c: CaseKey, statuses: string[] = ['running', 'paused']): Promise<WorkflowDeadlineRow[]> {
  return trx
    .selectFrom('workflowDeadline')
    .selectAll()
    .where('regionCode', '=', c.regionCode)
    .where('caseId', '=', c.id)
    .where('status', 'in', statuses)
    .forUpdate()
    .execute();
}

export interface DueChange {
  kind: 'extension' | 'pause';
  at: string;
  fromDueAt: string;
  toDueAt: string;
  actorKind?: string;
  actorId?: string | null;
  action?: string;
  reason?: string | null;
  pausedAt?: string;
}

/** Moves a deadline's due instant and re-arms its ladder from `now` (a new generation). */
export async function moveDue(
  trx: Executor,
  cal: Calendar,
  def: ProcessDefinition,
  row: WorkflowDeadlineRow,
  newDue: Date,
  now: Date,
  change: DueChange,
): Promise<void> {
  const pos = armLadder(cal, ladderOf(def, row.scope as Scope, row.deadlineKey), { ...timesOf(row), dueAt: newDue }, now);
  await trx
    .updateTable('workflowDeadline')
    .set({
      dueAt: newDue,
      status: 'running',
      pausedAt: null,
      changes: sql`changes || ${JSON.stringify([change])}::jsonb`,
      generation: sql`generation + 1`,
      nextStep: pos.nextStep,
      nextStepAt: pos.nextStepAt,
      level: pos.level,
    })
    .where('regionCode', '=', row.regionCode)
    .where('id', '=', row.id)
    .execute();
}

export async function pauseDeadline(trx: Executor, row: WorkflowDeadlineRow, at: Date): Promise<void> {
  await trx
    .updateTable('workflowDeadline')
    .set({ status: 'paused', pausedAt: at, nextStepAt: null })
    .where('regionCode', '=', row.regionCode)
    .where('id', '=', row.id)
    .execute();
}

/**
 * Recomputes the case's denormalized due instants and escalation level from its deadlines,
 * and returns the case row.
 */
/** The case's figures recomputed from its deadlines: due instants of each scope, the escalation level. */
function caseFigures() {
  const running = (scope: Scope) => sql<Date | null>`(select min(d.due_at) from workflow_deadline d
      where d.region_code = workflow_case.region_code and d.case_id = workflow_case.id
        and d.scope = ${scope} and d.status = 'running')`;
  return {
    dueAt: running('case'),
    stateDueAt: running('state'),
    nextDueAt: sql<Date | null>`least(${running('case')}, ${running('state')})`,
    escalationLevel: sql<number>`coalesce((select max(d.level) from workflow_deadline d
        where d.region_code = workflow_case.region_code and d.case_id = workflow_case.id
          and d.status in ('running', 'paused')), 0)`,
  };
}

export async function refreshCase(trx: Executor, c: CaseKey): Promise<WorkflowCase> {
  // A named statement (prepared.ts): planning it cost ~2x running it (bench --pg-stats).
  const [row] = await executePrepared(trx, trx
    .updateTable('workflowCase')
    .set(caseFigures())
    .where('regionCode', '=', c.regionCode)
    .where('id', '=', c.id)
    .returningAll());
  if (!row) throw new Error(`refreshCase: no case ${c.regionCode}/${c.id}`);
  return row;
}

/**
 * `refreshCase` for many cases in one statement (the sweep's chunk): the same figures, from one
 * pass over the cases' deadlines grouped by case (the correlated form above probes the deadlines
 * five times per case: 60 ms for a chunk of 250 cases at 1 M appeals). A case with no deadline
 * left gets no dates and level 0, as `refreshCase` gives it.
 */
export async function refreshCases(trx: Executor, keys: readonly { regionCode: string; id: string }[]): Promise<void> {
  if (keys.length === 0) return;
  await sql`update workflow_case as c
    set due_at = f.due_at, state_due_at = f.state_due_at, next_due_at = least(f.due_at, f.state_due_at), escalation_level = f.level
    from (
      select k.region_code, k.id,
        min(d.due_at) filter (where d.scope = 'case' and d.status = 'running') as due_at,
        min(d.due_at) filter (where d.scope = 'state' and d.status = 'running') as state_due_at,
        coalesce(max(d.level) filter (where d.status in ('running', 'paused')), 0) as level
      from unnest(${keys.map((k) => k.regionCode)}::text[], ${keys.map((k) => k.id)}::uuid[]) as k(region_code, id)
        left join workflow_deadline d on d.region_code = k.region_code and d.case_id = k.id
      group by k.region_code, k.id
    ) as f
    where c.region_code = f.region_code and c.id = f.id`.execute(trx);
}
