import { newId } from '../db/ids.ts';
import type { Insertable } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { actorRef, appendAudits, type AuditEntry } from '../audit/audit.ts';
import { getCalendar } from '../calendar/calendar.ts';
import type { Executor } from '../db/database.ts';
import { executePrepared } from '../db/prepared.ts';
import type { WorkflowCase as WorkflowCaseTable, WorkflowDeadline, WorkflowHistory } from '../db/schema.generated.ts';
import { conflict, DomainError, forbidden, invalid } from '../http/errors.ts';
import { mayAct, runEffects, validateInput, type TransitionResult } from './cases.ts';
import { initialState } from './definition.ts';
import { armLadder, dueAfter } from './deadlines.ts';
import type { WorkflowCase, WorkflowDeps } from './hooks.ts';
import { checkTransition } from './machine.ts';
import { getDefinition, resolveDefinition, type DefinitionRecord } from './registry.ts';
import { deadlineSpec, ladderOf, type Scope } from './tracking.ts';

/**
 * Starting a case, optionally with its first action taken at once (`then`): a module that
 * knows at creation where the case goes (an appeal routed by rule at registration) starts it
 * directly in that state. The rows are exactly those of `startCase` followed by
 * `performAction` — the `$start` and the action history rows (versions 1 and 2), the
 * deadlines of the initial state (ended at once) and of the state reached, both audit rows,
 * the action's effects — written with one INSERT per table instead of one per row, and the
 * case's due instants computed here instead of re-read.
 */

export interface StartCaseInput {
  regionCode: string;
  /** The process to start; its definition version is resolved by scope. Or pass definitionId. */
  processKey?: string;
  definitionId?: string;
  /** The organization chain for scope resolution, nearest first (default: [organizationId]). */
  organizationIds?: readonly string[];
  /** The organization the case is assigned to. */
  organizationId: string;
  assigneeId?: string | null;
  /** The citizen account the case serves (may act where a definition allows `applicant`). */
  applicantAccountId?: string | null;
  /** The owning module's record, e.g. ('appeal', appealId). One case per subject and process. */
  subjectType: string;
  subjectId: string;
  /** When the matter was received (terms count from it); default `at`. */
  receivedAt?: Date;
  /**
   * When the initial state's own term starts; default `receivedAt`. A matter received earlier
   * but entering the process only now (a part split off an appeal) keeps its case terms from
   * `receivedAt` while its state terms start now.
   */
  stateStartedAt?: Date;
  comment?: string | null;
  actor: Actor;
  at: Date;
  /** The owning module starts the case on its own authority (definition `start.roles` must list `system`). */
  asSystem?: boolean;
  /**
   * An action performed right after the start, by the same actor, as `performAction` would
   * (same checks; not an action that extends a term or waits on the applicant).
   */
  then?: { action: string; assign?: { organizationId?: string; assigneeId?: string | null }; comment?: string | null; input?: Record<string, unknown> };
  /** Audit rows of the caller's own, written in the same statement as the case's. */
  audit?: (c: WorkflowCase) => AuditEntry[];
}

type DeadlineRow = Insertable<WorkflowDeadline>;

/**
 * A start checked and computed, not yet written (`planStart`): the case row, its history and
 * deadline rows, and what its audit rows and effects need. `writeStarts` writes any number of
 * them with a statement per kind of row (the registrar's batch: appeals.acceptance.ts).
 */
export interface StartPlan {
  readonly input: StartCaseInput;
  readonly definition: DefinitionRecord;
  readonly caseRow: Insertable<WorkflowCaseTable>;
  readonly history: Insertable<WorkflowHistory>[];
  readonly deadlines: DeadlineRow[];
  readonly historyId: string;
  readonly initial: string;
  readonly state: string;
  readonly then: { action: string; effects: readonly string[] | undefined; data: Record<string, unknown>; comment: string | null } | null;
  /** The organization and assignee before the first action (the start's own). */
  readonly party: { organizationId: string; assigneeId: string | null };
}

/** Starts a case of a process in its initial state (or, with `then`, in the state its first action reaches) and opens its deadlines. */
export async function startCase(trx: Executor, deps: WorkflowDeps, input: StartCaseInput): Promise<TransitionResult> {
  return (await writeStarts(trx, deps, [await planStart(trx, deps, input)]))[0]!;
}

/** Checks a start as `startCase` does (nothing is written) and computes its rows. */
export async function planStart(trx: Executor, deps: WorkflowDeps, input: StartCaseInput): Promise<StartPlan> {
  const rec = input.definitionId
    ? await getDefinition(trx, input.definitionId)
    : await resolveDefinition(trx, {
        processKey: input.processKey ?? '',
        regionCode: input.regionCode,
        organizationIds: input.organizationIds ?? [input.organizationId],
      });
  if (rec.status !== 'published') {
    throw conflict(`definition ${rec.id} is ${rec.status}; cases start only on a published version`, { messageKey: 'workflow:definition_not_published' });
  }
  const def = rec.definition;
  const party = { organizationId: input.organizationId, assigneeId: input.assigneeId ?? null, applicantAccountId: input.applicantAccountId ?? null };
  if (def.start && !(await mayAct(deps, input.actor, def.start.roles, party, true, input.asSystem))) {
    throw forbidden(`may not start a ${def.key} case`, { messageKey: 'workflow:start_forbidden', params: { process: def.key } });
  }
  const at = input.at;
  const receivedAt = input.receivedAt ?? at;
  const stateStartedAt = input.stateStartedAt ?? receivedAt;
  const initial = initialState(def);

  // The first action, checked as performAction checks it.
  const then = input.then;
  const spec = then ? (Object.hasOwn(def.actions, then.action) ? def.actions[then.action] : undefined) : undefined;
  let state = initial;
  let data: Record<string, unknown> = {};
  let comment: string | null = null;
  let organizationId = party.organizationId;
  let assigneeId = party.assigneeId;
  if (then) {
    if (!spec) throw invalid('action', `process ${def.key} has no action ${then.action}`, 'workflow:unknown_action', { action: then.action });
    const t = checkTransition(def, initial, then.action);
    if (!t.ok) {
      throw new DomainError('invalid_transition', `action ${then.action} is not allowed in state ${initial}`, {
        status: 409, messageKey: 'workflow:not_allowed_in_state', params: { action: then.action, state: initial },
      });
    }
    if (spec.extends || def.states[t.to]!.kind === 'waiting_on_applicant' || def.states[initial]!.kind === 'waiting_on_applicant') {
      throw new Error(`startCase: action ${then.action} cannot be taken at the start (extends a term or waits on the applicant)`);
    }
    if (!(await mayAct(deps, input.actor, spec.roles, party, spec.requireAssignedOrganization ?? true, input.asSystem))) {
      throw forbidden(`may not perform ${then.action} on this case`, { messageKey: 'workflow:action_forbidden', params: { action: then.action } });
    }
    if (then.assign && !spec.assigns) throw invalid('assign', `action ${then.action} does not reassign the case`, 'workflow:assign_not_allowed', { action: then.action });
    comment = then.comment?.trim() || null;
    if (spec.commentRequired && !comment) throw invalid('comment', 'a comment is required', 'workflow:comment_required', { action: then.action });
    data = validateInput(rec, then.action, spec, then.input);
    state = t.to;
    organizationId = then.assign?.organizationId ?? party.organizationId;
    assigneeId = then.assign && 'assigneeId' in then.assign ? (then.assign.assigneeId ?? null) : organizationId !== party.organizationId ? null : party.assigneeId;
  }
  const stateChanges = state !== initial;
  const terminal = def.states[state]!.kind === 'terminal';

  // Deadlines: case terms count from receipt, the initial state's from `stateStartedAt`; those
  // the first action ends are written ended.
  const cal = await getCalendar(trx, input.regionCode);
  const id = newId();
  const deadlines: DeadlineRow[] = [];
  const open = (scope: Scope, key: string, startedAt: Date, ended: boolean) => {
    const d = deadlineSpec(def, scope, key);
    if (!d) return;
    const dueAt = dueAfter(cal, startedAt, d);
    const pos = armLadder(cal, ladderOf(def, scope, key), { startedAt, dueAt, unit: d.unit }, new Date(-8.64e15));
    deadlines.push({
      regionCode: input.regionCode, caseId: id, scope, deadlineKey: key, state: scope === 'state' ? key : null, amount: d.amount, unit: d.unit,
      legalSource: d.legalSource, startedAt, dueAt, originalDueAt: dueAt, level: 0,
      ...(ended
        ? { status: dueAt.getTime() >= at.getTime() ? 'met' : 'missed', endedAt: at, nextStep: pos.nextStep, nextStepAt: null }
        : { status: 'running', nextStep: pos.nextStep, nextStepAt: pos.nextStepAt }),
    });
  };
  for (const [key, d] of Object.entries(def.deadlines ?? {})) open('case', key, receivedAt, stateChanges && (terminal || !!d.until?.includes(state)));
  open('state', initial, stateStartedAt, stateChanges);
  if (stateChanges && !terminal) open('state', state, at, false);
  const minDue = (scope: Scope) => {
    const due = deadlines.filter((d) => d.scope === scope && d.status === 'running').map((d) => (d.dueAt as Date).getTime());
    return due.length ? new Date(Math.min(...due)) : null;
  };
  const dueAt = minDue('case');
  const stateDueAt = minDue('state');
  const nextDueAt = dueAt && stateDueAt ? (dueAt < stateDueAt ? dueAt : stateDueAt) : (dueAt ?? stateDueAt);

  const ref = actorRef(input.actor);
  const history: Insertable<WorkflowHistory>[] = [
    { regionCode: input.regionCode, caseId: id, seq: 1, at, action: '$start', fromState: null, toState: initial, actorKind: ref.kind, actorId: ref.id, comment: input.comment ?? null, input: '{}', organizationId: party.organizationId, assigneeId: party.assigneeId },
  ];
  if (then) {
    history.push({ regionCode: input.regionCode, caseId: id, seq: 2, at, action: then.action, fromState: initial, toState: state, actorKind: ref.kind, actorId: ref.id, comment, input: JSON.stringify(data), organizationId, assigneeId });
  }
  const historyId = newId();
  history.at(-1)!.id = historyId;
  const caseRow: Insertable<WorkflowCaseTable> = {
    regionCode: input.regionCode, id, definitionId: rec.id, processKey: def.key, definitionVersion: rec.version!, subjectType: input.subjectType, subjectId: input.subjectId,
    state, stateEnteredAt: stateChanges ? at : stateStartedAt, version: then ? 2 : 1, organizationId, assigneeId, applicantAccountId: party.applicantAccountId,
    receivedAt, startedAt: at, closedAt: terminal ? at : null, dueAt, stateDueAt, nextDueAt, escalationLevel: 0,
  };
  return {
    input, definition: rec, caseRow, history, deadlines, historyId, initial, state,
    then: then ? { action: then.action, effects: spec!.effects, data, comment } : null,
    party: { organizationId: party.organizationId, assigneeId: party.assigneeId },
  };
}

/**
 * Writes planned starts: the cases, their history and their deadlines in one statement
 * (data-modifying CTEs; the foreign keys are checked at its end; a second case of a subject
 * fails it as a whole), the audit rows of all of them in another, in the plans' order, then
 * each first action's effects. One plan is a named statement (platform/db/prepared.ts: on every
 * intake; its texts are as many as the shapes a start takes); several, a statement planned once.
 */
export async function writeStarts(trx: Executor, deps: WorkflowDeps, plans: readonly StartPlan[]): Promise<TransitionResult[]> {
  if (plans.length === 0) return [];
  const history = plans.flatMap((p) => p.history);
  const deadlines = plans.flatMap((p) => p.deadlines);
  let q = trx
    .with('c', (db) => db.insertInto('workflowCase').values(plans.map((p) => p.caseRow)).returningAll())
    .with('h', (db) => db.insertInto('workflowHistory').values(history));
  if (deadlines.length) q = q.with('d', (db) => db.insertInto('workflowDeadline').values(deadlines)) as unknown as typeof q;
  const query = q.selectFrom('c').selectAll();
  const rows: WorkflowCase[] = await (plans.length === 1 ? executePrepared(trx, query) : query.execute()).catch((e: unknown) => {
    const pg = e as { code?: string; constraint?: string };
    if (pg.code === '23505' && pg.constraint === 'workflow_case_subject_uq') {
      const p = plans.length === 1 ? plans[0]! : undefined;
      const key = p ? p.definition.definition.key : '';
      throw conflict(p ? `${p.input.subjectType} ${p.input.subjectId} already has a ${key} case` : 'a subject of the batch already has a case of its process', {
        messageKey: 'workflow:case_exists', params: { process: key },
      });
    }
    throw e;
  });
  const byId = new Map(rows.map((c) => [c.id, c]));
  const cases = plans.map((p) => byId.get(p.caseRow.id as string)!);

  const audit: AuditEntry[] = [];
  for (const [i, p] of plans.entries()) {
    const c = cases[i]!;
    const rec = p.definition;
    audit.push({
      regionCode: c.regionCode, actor: p.input.actor, action: 'workflow.started', entityType: 'workflow_case', entityId: c.id, organizationId: p.party.organizationId,
      data: { processKey: rec.definition.key, definitionId: rec.id, version: rec.version, subjectType: c.subjectType, subjectId: c.subjectId, state: p.initial }, at: p.input.at,
    });
    if (p.then) {
      audit.push({
        regionCode: c.regionCode, actor: p.input.actor, action: 'workflow.action', entityType: 'workflow_case', entityId: c.id, organizationId: c.organizationId,
        data: {
          processKey: c.processKey, action: p.then.action, from: p.initial, to: p.state, version: c.version,
          ...(c.organizationId !== p.party.organizationId ? { fromOrganizationId: p.party.organizationId } : {}),
          ...(c.assigneeId !== p.party.assigneeId ? { assigneeId: c.assigneeId } : {}),
        },
        at: p.input.at,
      });
    }
    audit.push(...(p.input.audit?.(c) ?? []));
  }
  await appendAudits(trx, audit);
  for (const [i, p] of plans.entries()) {
    if (!p.then) continue;
    await runEffects(deps, p.then.effects, { trx, case: cases[i]!, definition: p.definition.definition, actor: p.input.actor, at: p.input.at }, {
      kind: 'action', action: p.then.action, from: p.initial, to: p.state, input: p.then.data, comment: p.then.comment,
    });
  }
  return plans.map((p, i) => ({ case: cases[i]!, historyId: p.historyId, from: p.then ? p.initial : null, to: p.state }));
}
