import { sql } from 'kysely';
import { ANONYMOUS } from '../auth/actor.ts';
import { appendAudit, appendAudits, type AuditEntry } from '../audit/audit.ts';
import type { Calendar } from '../calendar/calendar.ts';
import type { Executor } from '../db/database.ts';
import { keyIn } from '../db/keys.ts';
import { executePrepared } from '../db/prepared.ts';
import { findCase } from './cases.ts';
import type { EscalationStep } from './definition.ts';
import { stepInstant } from './deadlines.ts';
import type { EffectContext, HookRegistry, SweepBatch, WorkflowCase, WorkflowDeadlineRow, WorkflowNotice } from './hooks.ts';
import { getDefinition } from './registry.ts';
import { ladderOf, refreshCase, refreshCases, timesOf, type Scope } from './tracking.ts';

/**
 * How the escalation sweep (sweep.ts) applies due deadlines: a chunk set-wise (`applySetwise`,
 * a statement per kind of row) or one deadline at a time (`applyDueSteps`, inside the caller's
 * savepoint). sweep.ts owns the loop, the lanes, the transactions and the chunk's `SweepBatch`.
 */

export type DueDeadline = { regionCode: string; id: string; caseId: string; nextStepAt: Date };

// `data` travels as text: the CamelCasePlugin would rename keys inside jsonb.
export function toNotice({ dataText, ...n }: Omit<WorkflowNotice, 'data' | 'recipient'> & { recipient: string; dataText: string }): WorkflowNotice {
  return { ...n, recipient: n.recipient as WorkflowNotice['recipient'], data: JSON.parse(dataText) as Record<string, unknown> };
}

function noticeKind(step: EscalationStep): 'reminder' | 'breach' | 'after_breach' {
  return step.at.breach ? 'breach' : step.at.afterBreach ? 'after_breach' : 'reminder';
}

type Planned = {
  c: WorkflowCase;
  row: WorkflowDeadlineRow;
  definition: EffectContext['definition'];
  steps: { index: number; step: EscalationStep; dueAt: Date }[];
  nextStep: number;
  nextStepAt: Date | null;
  level: number;
};

/** The chunk split so that no round holds two deadlines of one case; each case's in chunk order. */
export function rounds(chunk: readonly DueDeadline[]): DueDeadline[][] {
  const out: DueDeadline[][] = [];
  const seen = new Map<string, number>();
  for (const d of chunk) {
    const key = `${d.regionCode}|${d.caseId}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    (out[n] ??= []).push(d);
  }
  return out;
}

/**
 * A chunk's due deadlines (at most one per case) in a constant number of statements (see
 * sweep.ts's header). Returns what it applied and the deadlines left to apply one by one. Throws on any failure; the caller rolls
 * the whole set-wise part back and applies the chunk one by one.
 */
export async function applySetwise(
  trx: Executor,
  chunk: readonly DueDeadline[],
  now: Date,
  hooks: HookRegistry | undefined,
  calendarOf: (trx: Executor, regionCode: string) => Promise<Calendar>,
  batch: SweepBatch,
): Promise<{ applied: number; notices: number; busy: number; alone: DueDeadline[] }> {
  if (chunk.length === 0) return { applied: 0, notices: 0, busy: 0, alone: [] };
  const k = (regionCode: string, id: string) => `${regionCode}|${id}`;
  // The cases are locked; their deadlines are then read without a lock of their own: every writer
  // of a case's deadlines holds that case's row lock (an action claims the case by updating it
  // first, cases.ts; a new case's deadlines come with it, start.ts; the sweep locks it here), so
  // a locked case's deadlines cannot change under us — a row lock per deadline would only
  // write each row's lock mark (a page dirtied, and WAL) for nothing.
  const caseKeys = [...new Map(chunk.map((d) => [k(d.regionCode, d.caseId), { regionCode: d.regionCode, id: d.caseId }])).values()];
  const cases = new Map(
    (await trx.selectFrom('workflowCase').selectAll().where(keyIn(caseKeys)).forUpdate().skipLocked().execute()).map((c) => [k(c.regionCode, c.id), c]),
  );
  const held = chunk.filter((d) => cases.has(k(d.regionCode, d.caseId)));
  const out = { applied: 0, notices: 0, busy: chunk.length - held.length, alone: [] as DueDeadline[] };
  if (held.length === 0) return out;
  const rows = new Map((await trx.selectFrom('workflowDeadline').selectAll().where(keyIn(held)).execute()).map((r) => [k(r.regionCode, r.id), r]));

  const planned: Planned[] = [];
  const stopped: WorkflowDeadlineRow[] = [];
  for (const d of held) {
    const row = rows.get(k(d.regionCode, d.id));
    const c = cases.get(k(d.regionCode, d.caseId))!;
    if (!row || row.nextStepAt === null || row.nextStepAt.getTime() > now.getTime()) continue;
    if (row.status !== 'running' || c.closedAt) {
      stopped.push(row);
      continue;
    }
    const { definition } = await getDefinition(trx, c.definitionId);
    const ladder = ladderOf(definition, row.scope as Scope, row.deadlineKey);
    const cal = await calendarOf(trx, c.regionCode);
    const times = timesOf(row);
    const steps: Planned['steps'] = [];
    let i = row.nextStep;
    let level = row.level;
    let nextStepAt: Date | null = null;
    for (; i < ladder.length; i++) {
      const dueAt = stepInstant(cal, ladder[i]!, times);
      if (dueAt.getTime() > now.getTime()) {
        nextStepAt = dueAt;
        break;
      }
      steps.push({ index: i, step: ladder[i]!, dueAt });
      level = Math.max(level, ladder[i]!.level);
    }
    const set = hooks?.[c.processKey]?.batchEffects;
    if (steps.some((st) => (st.step.effects ?? []).some((e) => !set?.[e]))) {
      out.alone.push(d);
      continue;
    }
    planned.push({ c, row, definition, steps, nextStep: i, nextStepAt, level });
  }

  // The escalation rows; those applied before (by an overlapping sweep) come back as conflicts.
  const wanted = planned.flatMap((p) =>
    p.steps.map((st) => ({
      regionCode: p.row.regionCode,
      caseId: p.c.id,
      deadlineId: p.row.id,
      generation: p.row.generation,
      stepIndex: st.index,
      level: st.step.level,
      dueAt: st.dueAt,
      appliedAt: now,
      notify: st.step.notify,
      effects: st.step.effects ?? [],
    })),
  );
  // Column arrays (`unnest`), not a VALUES row per step: a statement's parameters stay a handful
  // whatever the chunk's size (PostgreSQL allows 65,535), and nothing is built node by node.
  const col = <T>(f: (w: (typeof wanted)[number]) => T) => wanted.map(f);
  const inserted = wanted.length
    ? (
        await sql<{ id: string; deadlineId: string; generation: number; stepIndex: number }>`
          insert into workflow_escalation (region_code, case_id, deadline_id, generation, step_index, level, due_at, applied_at, notify, effects)
          select r, c, d, g, s, l, due, ${now.toISOString()}::timestamptz, string_to_array(n, ','), string_to_array(e, ',')
          from unnest(${col((w) => w.regionCode)}::text[], ${col((w) => w.caseId)}::uuid[], ${col((w) => w.deadlineId)}::uuid[],
                      ${col((w) => w.generation)}::int[], ${col((w) => w.stepIndex)}::int[], ${col((w) => w.level)}::int[],
                      ${col((w) => w.dueAt.toISOString())}::timestamptz[], ${col((w) => w.notify.join(','))}::text[],
                      ${col((w) => w.effects.join(','))}::text[]) as v(r, c, d, g, s, l, due, n, e)
          on conflict on constraint workflow_escalation_step_uq do nothing
          returning id, deadline_id as "deadlineId", generation, step_index as "stepIndex"`.execute(trx)
      ).rows
    : [];
  const escalationOf = new Map(inserted.map((e) => [`${e.deadlineId}|${e.generation}|${e.stepIndex}`, e.id]));
  const applied = planned.flatMap((p) =>
    p.steps.flatMap((st) => {
      const id = escalationOf.get(`${p.row.id}|${p.row.generation}|${st.index}`);
      return id ? [{ p, st, escalationId: id, kind: noticeKind(st.step) }] : [];
    }),
  );
  out.applied = applied.length;

  const noticeRows = applied.flatMap(({ p, st, escalationId, kind }) =>
    st.step.notify.map((recipient) => ({
      regionCode: p.c.regionCode,
      caseId: p.c.id,
      escalationId,
      kind,
      level: st.step.level,
      recipient,
      organizationId: p.c.organizationId,
      assigneeId: p.c.assigneeId,
      data: JSON.stringify({
        processKey: p.c.processKey,
        subjectType: p.c.subjectType,
        subjectId: p.c.subjectId,
        deadlineKey: p.row.deadlineKey,
        scope: p.row.scope,
        dueAt: p.row.dueAt.toISOString(),
        legalSource: p.row.legalSource,
        stepIndex: st.index,
      }),
      createdAt: now,
    })),
  );
  const ncol = <T>(f: (n: (typeof noticeRows)[number]) => T) => noticeRows.map(f);
  const notices = noticeRows.length
    ? (
        await sql<Omit<WorkflowNotice, 'data' | 'recipient'> & { recipient: string; dataText: string }>`
          insert into workflow_notice (region_code, case_id, escalation_id, kind, level, recipient, organization_id, assignee_id, data, created_at)
          select r, c, e, k, l, rc, o, a, d, ${now.toISOString()}::timestamptz
          from unnest(${ncol((n) => n.regionCode)}::text[], ${ncol((n) => n.caseId)}::uuid[], ${ncol((n) => n.escalationId)}::uuid[],
                      ${ncol((n) => n.kind)}::text[], ${ncol((n) => n.level)}::int[], ${ncol((n) => n.recipient)}::text[],
                      ${ncol((n) => n.organizationId)}::uuid[], ${ncol((n) => n.assigneeId)}::uuid[], ${ncol((n) => n.data)}::jsonb[])
            as v(r, c, e, k, l, rc, o, a, d)
          returning region_code as "regionCode", id, case_id as "caseId", escalation_id as "escalationId", kind, level, recipient,
            organization_id as "organizationId", assignee_id as "assigneeId", created_at as "createdAt", data::text as "dataText"`.execute(trx)
      ).rows.map(toNotice)
    : [];
  out.notices = notices.length;
  const byProcess = new Map<string, { notice: WorkflowNotice; case: WorkflowCase }[]>();
  for (const n of notices) {
    const c = cases.get(k(n.regionCode, n.caseId))!;
    const list = byProcess.get(c.processKey) ?? [];
    list.push({ notice: n, case: c });
    byProcess.set(c.processKey, list);
  }
  for (const [processKey, items] of byProcess) {
    const hk = hooks?.[processKey];
    if (hk?.onNotices) await hk.onNotices(trx, items, batch);
    else if (hk?.onNotice) for (const it of items) await hk.onNotice(trx, it.notice, it.case, batch);
  }

  await appendAudits(
    trx,
    applied.map(({ p, st, kind }): AuditEntry => ({
      regionCode: p.c.regionCode,
      actor: ANONYMOUS,
      action: 'workflow.escalated',
      entityType: 'workflow_case',
      entityId: p.c.id,
      organizationId: p.c.organizationId,
      data: { source: 'workflow.sweep', processKey: p.c.processKey, deadlineId: p.row.id, deadlineKey: p.row.deadlineKey, step: st.index, level: st.step.level, kind, notify: st.step.notify },
      at: now,
    })),
  );

  // Each effect once for all its steps, in the order the chunk's ladders name them.
  const effectSteps = new Map<string, { processKey: string; name: string; ctxs: (EffectContext & { batch: SweepBatch })[] }>();
  for (const { p, st } of applied) {
    for (const name of st.step.effects ?? []) {
      const key = `${p.c.processKey}|${name}`;
      const entry = effectSteps.get(key) ?? { processKey: p.c.processKey, name, ctxs: [] };
      entry.ctxs.push({
        trx,
        case: p.c,
        definition: p.definition,
        actor: ANONYMOUS,
        at: now,
        batch,
        trigger: { kind: 'escalation', deadlineId: p.row.id, deadlineKey: p.row.deadlineKey, scope: p.row.scope as Scope, stepIndex: st.index, level: st.step.level, notify: st.step.notify },
      });
      effectSteps.set(key, entry);
    }
  }
  for (const { processKey, name, ctxs } of effectSteps.values()) await hooks![processKey]!.batchEffects![name]!(ctxs);

  // Deadlines moved on (or stopped), then their cases' figures, one statement each.
  const moved = [
    ...planned.map((p) => ({ row: p.row, nextStep: p.nextStep, nextStepAt: p.nextStepAt, level: p.level })),
    ...stopped.map((row) => ({ row, nextStep: row.nextStep, nextStepAt: null, level: row.level })),
  ];
  if (moved.length) {
    await sql`update workflow_deadline as d
      set next_step = v.next_step, next_step_at = v.next_step_at, level = v.level
      from unnest(${moved.map((m) => m.row.regionCode)}::text[], ${moved.map((m) => m.row.id)}::uuid[], ${moved.map((m) => m.nextStep)}::int[],
                  ${moved.map((m) => m.nextStepAt?.toISOString() ?? null)}::timestamptz[], ${moved.map((m) => m.level)}::int[])
        as v(region_code, id, next_step, next_step_at, level)
      where d.region_code = v.region_code and d.id = v.id`.execute(trx);
  }
  if (planned.length) await refreshCases(trx, planned.map((p) => ({ regionCode: p.c.regionCode, id: p.c.id })));
  return out;
}

export async function applyDueSteps(
  trx: Executor,
  d: { regionCode: string; id: string; caseId: string },
  now: Date,
  hooks: HookRegistry | undefined,
  calendarOf: (trx: Executor, regionCode: string) => Promise<Calendar>,
  batch: SweepBatch,
): Promise<'busy' | { applied: number; notices: number }> {
  // The case locked, then its deadline read (no lock of its own needed: see applySetwise).
  // Every statement of a step has one fixed shape: named statements (platform/db/prepared.ts),
  // parsed and planned once per connection instead of once per deadline.
  const [c] = await executePrepared(trx, trx
    .selectFrom('workflowCase')
    .selectAll()
    .where('regionCode', '=', d.regionCode)
    .where('id', '=', d.caseId)
    .forUpdate()
    .skipLocked());
  if (!c) return 'busy';
  const [row] = await executePrepared(trx, trx
    .selectFrom('workflowDeadline')
    .selectAll()
    .where('regionCode', '=', d.regionCode)
    .where('id', '=', d.id));
  if (!row || row.nextStepAt === null || row.nextStepAt.getTime() > now.getTime()) return { applied: 0, notices: 0 };
  if (row.status !== 'running' || c.closedAt) {
    await executePrepared(trx, trx.updateTable('workflowDeadline').set({ nextStepAt: null }).where('regionCode', '=', row.regionCode).where('id', '=', row.id));
    return { applied: 0, notices: 0 };
  }
  const { definition } = await getDefinition(trx, c.definitionId);
  const ladder = ladderOf(definition, row.scope as Scope, row.deadlineKey);
  const cal = await calendarOf(trx, c.regionCode);
  const times = timesOf(row);
  let i = row.nextStep;
  let level = row.level;
  let applied = 0;
  let notices = 0;
  let current: WorkflowCase = c;
  let nextStepAt: Date | null = null;
  for (; i < ladder.length; i++) {
    const step = ladder[i]!;
    const dueAt = stepInstant(cal, step, times);
    if (dueAt.getTime() > now.getTime()) {
      nextStepAt = dueAt;
      break;
    }
    const [esc] = await executePrepared(trx, trx
      .insertInto('workflowEscalation')
      .values({
        regionCode: row.regionCode,
        caseId: c.id,
        deadlineId: row.id,
        generation: row.generation,
        stepIndex: i,
        level: step.level,
        dueAt,
        appliedAt: now,
        notify: step.notify,
        effects: step.effects ?? [],
      })
      .onConflict((oc) => oc.constraint('workflow_escalation_step_uq').doNothing())
      .returning('id'));
    level = Math.max(level, step.level);
    if (!esc) continue; // applied before: nothing more to do
    applied++;
    const kind = noticeKind(step);
    for (const recipient of step.notify) {
      const [notice] = await executePrepared(trx, trx
        .insertInto('workflowNotice')
        .values({
          regionCode: c.regionCode,
          caseId: c.id,
          escalationId: esc.id,
          kind,
          level: step.level,
          recipient,
          organizationId: current.organizationId,
          assigneeId: current.assigneeId,
          data: JSON.stringify({
            processKey: c.processKey,
            subjectType: c.subjectType,
            subjectId: c.subjectId,
            deadlineKey: row.deadlineKey,
            scope: row.scope,
            dueAt: row.dueAt.toISOString(),
            legalSource: row.legalSource,
            stepIndex: i,
          }),
          createdAt: now,
        })
        .returning(['regionCode', 'id', 'caseId', 'escalationId', 'kind', 'level', 'recipient', 'organizationId', 'assigneeId', 'createdAt', sql<string>`data::text`.as('dataText')]));
      if (!notice) throw new Error('workflow notice not inserted');
      notices++;
      await hooks?.[c.processKey]?.onNotice?.(trx, toNotice(notice), current, batch);
    }
    await appendAudit(trx, {
      regionCode: c.regionCode,
      actor: ANONYMOUS,
      action: 'workflow.escalated',
      entityType: 'workflow_case',
      entityId: c.id,
      organizationId: current.organizationId,
      data: { source: 'workflow.sweep', processKey: c.processKey, deadlineId: row.id, deadlineKey: row.deadlineKey, step: i, level: step.level, kind, notify: step.notify },
      at: now,
    });
    for (const name of step.effects ?? []) {
      const handler = hooks?.[c.processKey]?.effects?.[name];
      if (!handler) throw new Error(`workflow effect '${name}' of process '${c.processKey}' is not implemented (register it in the hooks)`);
      await handler({
        trx,
        case: current,
        definition,
        actor: ANONYMOUS,
        at: now,
        batch,
        trigger: { kind: 'escalation', deadlineId: row.id, deadlineKey: row.deadlineKey, scope: row.scope as Scope, stepIndex: i, level: step.level, notify: step.notify },
      });
      // An effect may have reassigned the case (assignCase); later notices go to the new owner.
      current = (await findCase(trx, c.regionCode, c.id)) ?? current;
    }
  }
  await executePrepared(trx, trx
    .updateTable('workflowDeadline')
    .set({ nextStep: i, nextStepAt, level })
    .where('regionCode', '=', row.regionCode)
    .where('id', '=', row.id));
  await refreshCase(trx, c);
  return { applied, notices };
}
