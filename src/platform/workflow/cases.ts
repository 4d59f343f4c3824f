import Schema from 'typebox/schema';
import { sql } from 'kysely';
import { ROLES, type Actor, type Role } from '../auth/actor.ts';
import { actorRef, appendAudit, appendAudits, auditCtes, type AuditEntry } from '../audit/audit.ts';
import { getCalendar, withField } from '../calendar/calendar.ts';
import { formatLocal } from '../calendar/calendar.time.ts';
import type { Executor } from '../db/database.ts';
import { conflict, DomainError, forbidden, invalid, notFound } from '../http/errors.ts';
import type { ActionRole, ActionSpec, Localized, ProcessDefinition } from './definition.ts';
import { dueAfterPause, dueOnDate, extendDue, limitFrom } from './deadlines.ts';
import type { EffectContext, EffectTrigger, WorkflowCase, WorkflowDeps } from './hooks.ts';
import { checkTransition } from './machine.ts';
import { getDefinition, type DefinitionRecord } from './registry.ts';
import { closeDeadlines, deadlineEnded, deadlineSpec, moveDue, openDeadline, pauseDeadline, refreshCase, refreshCases, runningDeadlines, timesOf } from './tracking.ts';
import { executePrepared } from '../db/prepared.ts';

/**
 * Running cases: act, reassign (start: start.ts). Every function takes the caller's transaction and
 * never opens its own: the new state, the history row, the deadlines, the audit row, the
 * effects (and the jobs they enqueue) commit together with the owning module's own change.
 *
 * Concurrency: an action claims the case with `update … where version = <version read>`. Two
 * executors acting at once both read version N; the second update waits for the first to
 * commit, then matches no row and fails with a 409 `conflict`. The unique (case, seq) of the
 * history is a second guard.
 */

export interface CaseRef {
  regionCode: string;
  caseId: string;
}

export interface PerformActionInput extends CaseRef {
  action: string;
  /** The case version the user saw; a different current version is a 409 conflict. */
  expectedVersion?: number;
  input?: Record<string, unknown>;
  comment?: string | null;
  /** For actions with `assigns: true`: the new organization and/or assignee. */
  assign?: { organizationId?: string; assigneeId?: string | null };
  actor: Actor;
  at: Date;
  asSystem?: boolean;
  /**
   * The case as the caller read it in this transaction, before this action (e.g. with its
   * subject's row: `caseColumns` and `takeCase` in queries.ts): saves reading it again. A stale one is a 409 as for any
   * concurrent change — the claim is made at its version.
   */
  current?: WorkflowCase;
  /** The subject's row as the caller read it in this transaction, handed to the effects (`EffectContext.subject`). */
  subject?: unknown;
}

export interface TransitionResult {
  case: WorkflowCase;
  historyId: string;
  from: string | null;
  to: string;
}

function versionConflict(c: { id: string; version: number }, expected?: number): DomainError {
  return conflict(`case ${c.id} was changed meanwhile (version ${c.version}${expected !== undefined ? `, expected ${expected}` : ''})`, {
    messageKey: 'workflow:version_conflict',
    params: { version: c.version },
  });
}

export async function findCase(db: Executor, regionCode: string, caseId: string): Promise<WorkflowCase | undefined> {
  // A named statement (prepared.ts); the sweep's re-read of a case has the same text.
  return (await executePrepared(db, db.selectFrom('workflowCase').selectAll().where('regionCode', '=', regionCode).where('id', '=', caseId)))[0];
}

export async function getCase(db: Executor, regionCode: string, caseId: string): Promise<WorkflowCase> {
  const c = await findCase(db, regionCode, caseId);
  if (!c) throw notFound('workflow case', { messageKey: 'workflow:case_not_found' });
  return c;
}

export async function findCaseBySubject(
  db: Executor,
  q: { regionCode: string; subjectType: string; subjectId: string; processKey?: string },
): Promise<WorkflowCase | undefined> {
  let s = db
    .selectFrom('workflowCase')
    .selectAll()
    .where('regionCode', '=', q.regionCode)
    .where('subjectType', '=', q.subjectType)
    .where('subjectId', '=', q.subjectId);
  if (q.processKey) s = s.where('processKey', '=', q.processKey);
  return s.orderBy('startedAt', 'desc').executeTakeFirst();
}

const isStaffRole = (r: ActionRole): r is Role => (ROLES as readonly string[]).includes(r);

/** May `actor` perform something open to `roles` on this case? */
export async function mayAct(
  deps: WorkflowDeps,
  actor: Actor,
  roles: readonly ActionRole[],
  c: { organizationId: string; assigneeId: string | null; applicantAccountId: string | null },
  requireAssignedOrganization: boolean,
  asSystem = false,
): Promise<boolean> {
  if (asSystem) return roles.includes('system');
  if (roles.includes('applicant') && actor.kind === 'citizen' && c.applicantAccountId !== null && actor.accountId === c.applicantAccountId) return true;
  if (roles.includes('assignee') && actor.kind === 'staff' && c.assigneeId !== null && actor.staffId === c.assigneeId) return true;
  const staffRoles = roles.filter(isStaffRole);
  if (staffRoles.length === 0 || actor.kind === 'anonymous' || actor.kind === 'citizen') return false;
  return deps.checkRole(actor, staffRoles, requireAssignedOrganization ? c.organizationId : null);
}

type Validator = ReturnType<typeof Schema.Compile>;
const validators = new Map<string, Validator>();

export function validateInput(rec: DefinitionRecord, action: string, spec: ActionSpec, input: unknown): Record<string, unknown> {
  const value = input ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalid('input', 'input must be an object', 'workflow:input_invalid', { field: 'input', detail: 'must be an object' });
  }
  const obj = value as Record<string, unknown>;
  if (!spec.input) {
    if (Object.keys(obj).length) throw invalid('input', `action ${action} takes no input`, 'workflow:input_not_expected', { action });
    return {};
  }
  const key = `${rec.id}:${action}`;
  let v = validators.get(key);
  if (!v) {
    v = Schema.Compile(spec.input as Parameters<typeof Schema.Compile>[0]) as Validator;
    validators.set(key, v);
  }
  const [ok, errors] = v.Errors(obj);
  if (!ok) {
    const e = errors.find((x) => x.keyword !== 'boolean') ?? errors[0]!;
    const parts = e.instancePath.split('/').filter(Boolean);
    const params = e.params as { requiredProperties?: string[]; additionalProperties?: string[] };
    if (e.keyword === 'required' && params.requiredProperties?.[0]) parts.push(params.requiredProperties[0]);
    if (e.keyword === 'additionalProperties' && params.additionalProperties?.[0]) parts.push(params.additionalProperties[0]);
    const field = ['input', ...parts].join('.');
    const detail = e.keyword === 'required' ? 'is required' : e.keyword === 'additionalProperties' ? 'is not expected' : e.message;
    throw invalid(field, `${field}: ${detail}`, 'workflow:input_invalid', { field, detail });
  }
  return obj;
}

export async function runEffects(
  deps: WorkflowDeps,
  names: readonly string[] | undefined,
  ctx: Omit<EffectContext, 'trigger'>,
  trigger: EffectTrigger,
): Promise<void> {
  for (const name of names ?? []) {
    const handler = deps.hooks?.[ctx.case.processKey]?.effects?.[name];
    // A definition naming an effect nobody implements is a deployment error, not a user error.
    if (!handler) throw new Error(`workflow effect '${name}' of process '${ctx.case.processKey}' is not implemented (register it in the hooks)`);
    await handler({ ...ctx, trigger });
  }
}

async function historyRow(
  trx: Executor,
  c: WorkflowCase,
  h: { seq: number; action: string; from: string | null; to: string; actor: Actor; at: Date; comment?: string | null; input?: Record<string, unknown> },
): Promise<string> {
  const ref = actorRef(h.actor);
  // A named statement (platform/db/prepared.ts): one row on every action.
  const [row] = await executePrepared(trx, trx
    .insertInto('workflowHistory')
    .values({
      regionCode: c.regionCode,
      caseId: c.id,
      seq: h.seq,
      at: h.at,
      action: h.action,
      fromState: h.from,
      toState: h.to,
      actorKind: ref.kind,
      actorId: ref.id,
      comment: h.comment ?? null,
      input: JSON.stringify(h.input ?? {}),
      organizationId: c.organizationId,
      assigneeId: c.assigneeId,
    })
    .returning('id'));
  return row!.id;
}

/**
 * Performs an action on a case: checks the version, the state, the actor's role and
 * organization, the comment and the input; then claims the case, writes history, moves the
 * deadlines, appends the audit row and runs the action's effects, all in `trx`.
 */
export async function performAction(trx: Executor, deps: WorkflowDeps, input: PerformActionInput): Promise<TransitionResult> {
  const given = input.current;
  const c0 = given && given.regionCode === input.regionCode && given.id === input.caseId ? given : await getCase(trx, input.regionCode, input.caseId);
  if (input.expectedVersion !== undefined && c0.version !== input.expectedVersion) throw versionConflict(c0, input.expectedVersion);
  const rec = await getDefinition(trx, c0.definitionId);
  const def = rec.definition;
  const spec = Object.hasOwn(def.actions, input.action) ? def.actions[input.action] : undefined;
  if (!spec) {
    throw invalid('action', `process ${def.key} has no action ${input.action}`, 'workflow:unknown_action', { action: input.action });
  }
  const t = checkTransition(def, c0.state, input.action);
  if (!t.ok || c0.closedAt) {
    throw new DomainError('invalid_transition', `action ${input.action} is not allowed in state ${c0.state}`, {
      status: 409,
      messageKey: 'workflow:not_allowed_in_state',
      params: { action: input.action, state: c0.state },
    });
  }
  if (!(await mayAct(deps, input.actor, spec.roles, c0, spec.requireAssignedOrganization ?? true, input.asSystem))) {
    throw forbidden(`may not perform ${input.action} on this case`, { messageKey: 'workflow:action_forbidden', params: { action: input.action } });
  }
  if (input.assign && !spec.assigns) {
    throw invalid('assign', `action ${input.action} does not reassign the case`, 'workflow:assign_not_allowed', { action: input.action });
  }
  const comment = input.comment?.trim() || null;
  if (spec.commentRequired && !comment) throw invalid('comment', 'a comment is required', 'workflow:comment_required', { action: input.action });
  const data = validateInput(rec, input.action, spec, input.input);

  const at = input.at;
  const from = c0.state;
  const to = t.to;
  const stateChanges = to !== from;
  const fromKind = def.states[from]!.kind;
  const toKind = def.states[to]!.kind;
  const organizationId = input.assign?.organizationId ?? c0.organizationId;
  const assigneeId =
    input.assign && 'assigneeId' in input.assign
      ? (input.assign.assigneeId ?? null)
      : organizationId !== c0.organizationId
        ? null // moved to another organization: its head assigns anew
        : c0.assigneeId;

  const ref = actorRef(input.actor);
  const version = c0.version + 1;
  const auditEntry = (extension?: { deadline: string; fromDueAt: string; toDueAt: string }): AuditEntry => ({
    regionCode: c0.regionCode,
    actor: input.actor,
    action: 'workflow.action',
    entityType: 'workflow_case',
    entityId: c0.id,
    organizationId,
    data: {
      processKey: c0.processKey,
      action: input.action,
      from,
      to,
      version,
      ...(organizationId !== c0.organizationId ? { fromOrganizationId: c0.organizationId } : {}),
      ...(assigneeId !== c0.assigneeId ? { assigneeId } : {}),
      ...(extension ? { extension } : {}),
    },
    at,
  });

  // The claim, its history row and (unless the action extends a term, whose audit row tells the
  // new due date) its audit row in one statement: a round trip costs the server more than the
  // rows do (bench/README.md, stop 26). The history and audit rows follow only a claim that matched.
  const [row] = await executePrepared(trx, sql<WorkflowCase & { historyId: string }>`
    with claimed as (
      update workflow_case set state = ${to}, state_entered_at = ${stateChanges ? at : c0.stateEnteredAt}::timestamptz, version = ${version}::int,
        organization_id = ${organizationId}::uuid, assignee_id = ${assigneeId}::uuid, closed_at = ${toKind === 'terminal' ? at : null}::timestamptz
      where region_code = ${c0.regionCode} and id = ${c0.id}::uuid and version = ${c0.version}::int
      returning *
    ),
    history as (
      insert into workflow_history (region_code, case_id, seq, at, action, from_state, to_state, actor_kind, actor_id, comment, input, organization_id, assignee_id)
      select region_code, id, version, ${at}::timestamptz, ${input.action}::text, ${from}::text, state, ${ref.kind}::text, ${ref.id}::text, ${comment}::text,
        ${JSON.stringify(data)}::jsonb, organization_id, assignee_id
      from claimed
      returning id
    )${spec.extends ? sql`` : sql`, ${auditCtes([auditEntry()], sql<boolean>`exists (select from claimed)`)}`}
    select claimed.*, (select id from history) as history_id from claimed`.compile(trx));
  if (!row) throw versionConflict({ id: c0.id, version }, input.expectedVersion ?? c0.version);
  const { historyId, ...claimed } = row;
  const cal = await getCalendar(trx, c0.regionCode);

  // Whether any deadline row changed: if none did, the case's due instants stand (no refresh).
  let deadlinesChanged = false;
  if (stateChanges) {
    if (toKind === 'terminal') {
      deadlinesChanged = (await closeDeadlines(trx, claimed, at)) > 0;
    } else {
      // The state's own deadline and the case deadlines this state ends, in one statement;
      // nothing to close when the state left has no term and this state ends none.
      const until = Object.entries(def.deadlines ?? {}).filter(([, d]) => d.until?.includes(to)).map(([k]) => k);
      if (def.states[from]?.deadline || until.length) deadlinesChanged = (await closeDeadlines(trx, claimed, at, { scope: 'state', alsoCaseKeys: until })) > 0;
      const waitingNow = toKind === 'waiting_on_applicant';
      const waitingBefore = fromKind === 'waiting_on_applicant';
      if (waitingNow !== waitingBefore) {
        deadlinesChanged = true;
        for (const row of await runningDeadlines(trx, claimed)) {
          const dspec = row.scope === 'case' ? def.deadlines?.[row.deadlineKey] : undefined;
          if (!dspec?.pausesWhileWaiting) continue;
          if (waitingNow && row.status === 'running') await pauseDeadline(trx, row, at);
          if (!waitingNow && row.status === 'paused' && row.pausedAt) {
            const newDue = dueAfterPause(cal, timesOf(row), row.pausedAt, at);
            await moveDue(trx, cal, def, row, newDue, at, {
              kind: 'pause',
              at: at.toISOString(),
              pausedAt: row.pausedAt.toISOString(),
              fromDueAt: row.dueAt.toISOString(),
              toDueAt: newDue.toISOString(),
              action: input.action,
            });
          }
        }
      }
      if (deadlineSpec(def, 'state', to)) {
        await openDeadline(trx, cal, claimed, def, { scope: 'state', key: to, startedAt: at });
        deadlinesChanged = true;
      }
    }
  }

  let extension: { deadline: string; fromDueAt: string; toDueAt: string } | undefined;
  if (spec.extends) {
    const x = spec.extends;
    const row = (await runningDeadlines(trx, claimed, ['running'])).find((r) => r.scope === 'case' && r.deadlineKey === x.deadline);
    if (!row || !deadlineSpec(def, 'case', x.deadline)) {
      throw new DomainError('invalid_transition', `no running deadline ${x.deadline} to extend`, {
        status: 409,
        messageKey: 'workflow:nothing_to_extend',
        params: { deadline: x.deadline },
      });
    }
    const field = x.dueDateField ? `input.${x.dueDateField}` : 'action';
    let newDue: Date | undefined;
    if (x.dueDateField) {
      const date = data[x.dueDateField];
      newDue = typeof date === 'string' ? withField(field, () => dueOnDate(cal, date)) : undefined;
      if (!newDue) throw invalid(field, `${String(date)} is not a working day`, 'workflow:extension_not_working_day', { date: String(date) });
    } else {
      newDue = extendDue(cal, row.dueAt, x.by!);
    }
    if (newDue.getTime() <= row.dueAt.getTime()) {
      throw invalid(field, 'the new due date must be later than the current one', 'workflow:extension_not_later', {
        due: formatLocal(row.dueAt, cal.timeZone),
      });
    }
    if (x.limit) {
      const max = limitFrom(cal, row.startedAt, x.limit);
      if (newDue.getTime() > max.getTime()) {
        throw invalid(field, `the term may be extended to ${formatLocal(max, cal.timeZone)} at most (${x.legalSource})`, 'workflow:extension_beyond_limit', {
          max: formatLocal(max, cal.timeZone),
          source: x.legalSource,
        });
      }
    }
    await moveDue(trx, cal, def, row, newDue, at, {
      kind: 'extension',
      at: at.toISOString(),
      fromDueAt: row.dueAt.toISOString(),
      toDueAt: newDue.toISOString(),
      actorKind: ref.kind,
      actorId: ref.id,
      action: input.action,
      reason: comment,
    });
    extension = { deadline: x.deadline, fromDueAt: row.dueAt.toISOString(), toDueAt: newDue.toISOString() };
  }

  const c = deadlinesChanged || extension ? await refreshCase(trx, claimed) : claimed;
  if (spec.extends) await appendAudit(trx, auditEntry(extension));
  await runEffects(deps, spec.effects, { trx, case: c, definition: def, actor: input.actor, at, ...(input.subject !== undefined ? { subject: input.subject } : {}) }, {
    kind: 'action',
    action: input.action,
    from,
    to,
    input: data,
    comment,
  });
  return { case: c, historyId, from, to };
}

/**
 * `performAction` of a system action on many cases at once, a statement per kind of row (the
 * escalation sweep's set-wise effects: a chunk's appeals closed on silence). For each case it
 * writes what `performAction` writes: the case moved on (version + 1, claimed at the version
 * given), its history row, its running and paused deadlines ended, its figures refreshed and the
 * `workflow.action` audit row. Limited to what needs no decision per case: an action the system
 * may perform into a terminal state, without input, comment, assignment, extension or effects.
 * Anything else, a case twice, a case the action cannot leave from or one changed meanwhile
 * throws, and nothing of it is kept by the caller's transaction (the sweep then applies those
 * deadlines one by one, through `performAction`).
 */
export async function performSystemActions(trx: Executor, cases: readonly WorkflowCase[], action: string, actor: Actor, at: Date): Promise<void> {
  if (cases.length === 0) return;
  const key = (c: { regionCode: string; id: string }) => `${c.regionCode}|${c.id}`;
  if (new Set(cases.map(key)).size !== cases.length) throw new Error(`performSystemActions: a case given twice for ${action}`);
  const moves: { c: WorkflowCase; to: string }[] = [];
  for (const c of cases) {
    const { definition: def } = await getDefinition(trx, c.definitionId);
    const spec = Object.hasOwn(def.actions, action) ? def.actions[action] : undefined;
    const t = spec ? checkTransition(def, c.state, action) : undefined;
    if (!spec || !t?.ok || c.closedAt) throw new Error(`performSystemActions: ${action} is not possible on case ${c.id} in state ${c.state}`);
    if (!spec.roles.includes('system') || spec.input || spec.commentRequired || spec.extends || spec.effects?.length || def.states[t.to]!.kind !== 'terminal') {
      throw new Error(`performSystemActions: ${def.key}.${action} needs a decision per case (performAction)`);
    }
    moves.push({ c, to: t.to });
  }
  const col = <T>(f: (m: (typeof moves)[number]) => T) => moves.map(f);
  const claimed = (await sql<WorkflowCase>`update workflow_case as c
      set state = v.to_state, state_entered_at = case when v.to_state <> c.state then ${at} else c.state_entered_at end,
        version = c.version + 1, closed_at = ${at}
      from unnest(${col((m) => m.c.regionCode)}::text[], ${col((m) => m.c.id)}::uuid[], ${col((m) => m.c.version)}::int[], ${col((m) => m.to)}::text[])
        as v(region_code, id, version, to_state)
      where c.region_code = v.region_code and c.id = v.id and c.version = v.version
      returning c.*`.execute(trx)).rows;
  if (claimed.length !== moves.length) throw new Error(`performSystemActions: ${moves.length - claimed.length} of ${moves.length} cases changed meanwhile`);
  const before = new Map(moves.map((m) => [key(m.c), m.c]));
  const ref = actorRef(actor);
  await trx.insertInto('workflowHistory').values(claimed.map((c) => ({
    regionCode: c.regionCode, caseId: c.id, seq: c.version, at, action, fromState: before.get(key(c))!.state, toState: c.state,
    actorKind: ref.kind, actorId: ref.id, comment: null, input: '{}', organizationId: c.organizationId, assigneeId: c.assigneeId,
  }))).execute();
  // closeDeadlines, for every case at once.
  await trx
    .updateTable('workflowDeadline')
    .set(deadlineEnded(at))
    .where(sql<boolean>`(region_code, case_id) in (select * from unnest(${claimed.map((c) => c.regionCode)}::text[], ${claimed.map((c) => c.id)}::uuid[]))`)
    .where('status', 'in', ['running', 'paused'])
    .execute();
  await refreshCases(trx, claimed);
  await appendAudits(trx, claimed.map((c) => ({
    regionCode: c.regionCode,
    actor,
    action: 'workflow.action',
    entityType: 'workflow_case',
    entityId: c.id,
    organizationId: c.organizationId,
    data: { processKey: c.processKey, action, from: before.get(key(c))!.state, to: c.state, version: c.version },
    at,
  })));
}

/**
 * Reassigns a case without changing its state (a head handing it to an executor, an escalation
 * effect handing it to the head). The caller checks the permission; this records history,
 * bumps the version and audits.
 */
export async function assignCase(
  trx: Executor,
  input: CaseRef & {
    organizationId?: string;
    assigneeId?: string | null;
    expectedVersion?: number;
    comment?: string | null;
    actor: Actor;
    at: Date;
  },
): Promise<WorkflowCase> {
  const c0 = await getCase(trx, input.regionCode, input.caseId);
  if (input.expectedVersion !== undefined && c0.version !== input.expectedVersion) throw versionConflict(c0, input.expectedVersion);
  if (c0.closedAt) {
    throw new DomainError('invalid_transition', 'the case is closed', { status: 409, messageKey: 'workflow:case_closed' });
  }
  const organizationId = input.organizationId ?? c0.organizationId;
  const assigneeId = 'assigneeId' in input ? (input.assigneeId ?? null) : organizationId !== c0.organizationId ? null : c0.assigneeId;
  const c = await trx
    .updateTable('workflowCase')
    .set({ organizationId, assigneeId, version: c0.version + 1 })
    .where('regionCode', '=', c0.regionCode)
    .where('id', '=', c0.id)
    .where('version', '=', c0.version)
    .returningAll()
    .executeTakeFirst();
  if (!c) throw versionConflict({ id: c0.id, version: c0.version + 1 }, input.expectedVersion ?? c0.version);
  await historyRow(trx, c, { seq: c.version, action: '$assign', from: c.state, to: c.state, actor: input.actor, at: input.at, comment: input.comment ?? null });
  await appendAudit(trx, {
    regionCode: c.regionCode,
    actor: input.actor,
    action: 'workflow.assigned',
    entityType: 'workflow_case',
    entityId: c.id,
    organizationId: c.organizationId,
    data: { processKey: c.processKey, version: c.version, fromOrganizationId: c0.organizationId, fromAssigneeId: c0.assigneeId, assigneeId },
    at: input.at,
  });
  return c;
}

export interface AvailableAction {
  action: string;
  title: Localized;
  to: string;
  input?: Record<string, unknown>;
  commentRequired: boolean;
  assigns: boolean;
}

/** The actions `actor` may perform on the case now (for buttons and forms). */
export async function availableActions(
  db: Executor,
  deps: WorkflowDeps,
  q: CaseRef & { actor: Actor },
): Promise<{ case: WorkflowCase; definition: ProcessDefinition; actions: AvailableAction[] }> {
  const c = await getCase(db, q.regionCode, q.caseId);
  const { definition } = await getDefinition(db, c.definitionId);
  const actions: AvailableAction[] = [];
  if (!c.closedAt) {
    for (const [name, a] of Object.entries(definition.actions)) {
      if (!a.from.includes(c.state)) continue;
      if (!(await mayAct(deps, q.actor, a.roles, c, a.requireAssignedOrganization ?? true))) continue;
      actions.push({ action: name, title: a.title, to: a.to, ...(a.input ? { input: a.input } : {}), commentRequired: !!a.commentRequired, assigns: !!a.assigns });
    }
  }
  return { case: c, definition, actions };
}
