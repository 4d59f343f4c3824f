import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';
import { invalid } from '../http/errors.ts';
import { getCase } from './cases.ts';
import type { WorkflowCase } from './hooks.ts';

/** Read side: a case's timeline, work lists ordered by due instant, counts for dashboards. */

/** Every column of a case. */
const CASE_COLUMNS = [
  'regionCode', 'id', 'definitionId', 'processKey', 'definitionVersion', 'subjectType', 'subjectId', 'state', 'stateEnteredAt',
  'version', 'organizationId', 'assigneeId', 'applicantAccountId', 'receivedAt', 'startedAt', 'closedAt', 'dueAt', 'stateDueAt',
  'nextDueAt', 'escalationLevel',
] as const satisfies readonly (keyof WorkflowCase)[];
// A column added to workflow_case and not listed above fails to compile here.
const _allCaseColumns: Record<Exclude<keyof WorkflowCase, (typeof CASE_COLUMNS)[number]>, never> = {};
void _allCaseColumns;

const aliasOf = (prefix: string, column: string) => prefix + column[0]!.toUpperCase() + column.slice(1);

/**
 * The case's columns from table alias `alias`, each selected as `prefix` + its name (`wfCase` +
 * `State` → `wfCaseState`), so that a module reads a case with its subject's row in one
 * statement (the appeals' `findAppealWithCase`); `takeCase` takes them back out of the row.
 */
export function caseColumns(alias: string, prefix: string) {
  return CASE_COLUMNS.map((c) => sql.ref(`${alias}.${c}`).as(aliasOf(prefix, c)));
}

/** The case `caseColumns` selected under `prefix`, removed from `row`; undefined when there was none (a left join that found no case). */
export function takeCase(row: Record<string, unknown>, prefix: string): WorkflowCase | undefined {
  const found = row[aliasOf(prefix, 'id')] != null;
  const c = Object.fromEntries(CASE_COLUMNS.map((k) => [k, row[aliasOf(prefix, k)]])) as unknown as WorkflowCase;
  for (const k of CASE_COLUMNS) delete row[aliasOf(prefix, k)];
  return found ? c : undefined;
}

export type TimelineEntry =
  | {
      at: Date;
      kind: 'transition';
      seq: number;
      action: string;
      from: string | null;
      to: string;
      actorKind: string;
      actorId: string | null;
      comment: string | null;
      input: unknown;
      organizationId: string;
      assigneeId: string | null;
    }
  | { at: Date; kind: 'deadline_started'; deadlineId: string; scope: string; key: string; dueAt: Date; amount: number; unit: string; legalSource: string }
  | { at: Date; kind: 'deadline_changed'; deadlineId: string; key: string; change: Record<string, unknown> }
  | { at: Date; kind: 'deadline_ended'; deadlineId: string; key: string; status: string; dueAt: Date }
  | { at: Date; kind: 'escalation'; escalationId: string; deadlineId: string; key: string; level: number; stepIndex: number; dueAt: Date; notify: string[] };

export interface DeadlineView {
  id: string;
  scope: string;
  key: string;
  state: string | null;
  amount: number;
  unit: string;
  legalSource: string;
  startedAt: Date;
  dueAt: Date;
  originalDueAt: Date;
  status: string;
  endedAt: Date | null;
  level: number;
  nextStepAt: Date | null;
  isOverdue: boolean;
}

export interface Timeline {
  case: WorkflowCase;
  deadlines: DeadlineView[];
  entries: TimelineEntry[];
}

const KIND_ORDER: Record<TimelineEntry['kind'], number> = { transition: 0, deadline_ended: 1, deadline_started: 2, deadline_changed: 3, escalation: 4 };

/** History, deadlines and escalations of one case, merged in time order. */
export async function getTimeline(db: Executor, regionCode: string, caseId: string, now: Date): Promise<Timeline> {
  const c = await getCase(db, regionCode, caseId);
  const [history, deadlines, escalations] = await Promise.all([
    // jsonb read as text: the CamelCasePlugin would rename keys inside user input.
    db
      .selectFrom('workflowHistory')
      .selectAll()
      .select(sql<string>`input::text`.as('inputText'))
      .where('regionCode', '=', regionCode)
      .where('caseId', '=', caseId)
      .orderBy('seq')
      .execute(),
    db
      .selectFrom('workflowDeadline')
      .selectAll()
      .select(sql<string>`changes::text`.as('changesText'))
      .where('regionCode', '=', regionCode)
      .where('caseId', '=', caseId)
      .orderBy('startedAt')
      .execute(),
    db.selectFrom('workflowEscalation').selectAll().where('regionCode', '=', regionCode).where('caseId', '=', caseId).orderBy('appliedAt').execute(),
  ]);
  const keyOf = new Map(deadlines.map((d) => [d.id, d.deadlineKey]));
  const entries: TimelineEntry[] = [];
  for (const h of history) {
    entries.push({
      at: h.at,
      kind: 'transition',
      seq: h.seq,
      action: h.action,
      from: h.fromState,
      to: h.toState,
      actorKind: h.actorKind,
      actorId: h.actorId,
      comment: h.comment,
      input: JSON.parse(h.inputText) as unknown,
      organizationId: h.organizationId,
      assigneeId: h.assigneeId,
    });
  }
  for (const d of deadlines) {
    entries.push({ at: d.startedAt, kind: 'deadline_started', deadlineId: d.id, scope: d.scope, key: d.deadlineKey, dueAt: d.originalDueAt, amount: d.amount, unit: d.unit, legalSource: d.legalSource });
    for (const change of JSON.parse(d.changesText) as Record<string, unknown>[]) {
      entries.push({ at: new Date(String(change.at)), kind: 'deadline_changed', deadlineId: d.id, key: d.deadlineKey, change });
    }
    if (d.endedAt) entries.push({ at: d.endedAt, kind: 'deadline_ended', deadlineId: d.id, key: d.deadlineKey, status: d.status, dueAt: d.dueAt });
  }
  for (const e of escalations) {
    entries.push({
      at: e.appliedAt,
      kind: 'escalation',
      escalationId: e.id,
      deadlineId: e.deadlineId,
      key: keyOf.get(e.deadlineId) ?? '',
      level: e.level,
      stepIndex: e.stepIndex,
      dueAt: e.dueAt,
      notify: e.notify,
    });
  }
  entries.sort((a, b) => a.at.getTime() - b.at.getTime() || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
  return {
    case: c,
    deadlines: deadlines.map((d) => ({
      id: d.id,
      scope: d.scope,
      key: d.deadlineKey,
      state: d.state,
      amount: d.amount,
      unit: d.unit,
      legalSource: d.legalSource,
      startedAt: d.startedAt,
      dueAt: d.dueAt,
      originalDueAt: d.originalDueAt,
      status: d.status,
      endedAt: d.endedAt,
      level: d.level,
      nextStepAt: d.nextStepAt,
      isOverdue: d.status === 'running' ? d.dueAt.getTime() < now.getTime() : d.status === 'missed',
    })),
    entries,
  };
}

export interface CaseListQuery {
  regionCode: string;
  /** Cases assigned to any of these organizations (e.g. an organization and its subtree). */
  organizationIds?: readonly string[];
  assigneeId?: string;
  processKey?: string;
  state?: string;
  /** Only cases whose next due instant has passed at this instant. */
  overdueAt?: Date;
  limit?: number;
  /** Opaque cursor from the previous page's `next`. */
  after?: string;
}

export interface CaseListPage {
  items: WorkflowCase[];
  /** Cursor for the next page, absent on the last one. */
  next?: string;
}

function encodeCursor(c: WorkflowCase): string {
  return Buffer.from(JSON.stringify([c.nextDueAt?.toISOString() ?? null, c.id])).toString('base64url');
}

function decodeCursor(s: string): [string | null, string] {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString()) as unknown;
    if (Array.isArray(v) && v.length === 2 && (v[0] === null || typeof v[0] === 'string') && typeof v[1] === 'string') return v as [string | null, string];
  } catch {
    /* fall through */
  }
  throw invalid('after', 'not a cursor from this list', 'workflow:bad_cursor');
}

/**
 * Open cases of an organization (or its subtree) or of one assignee, most urgent first: by the
 * next due instant (cases without a deadline last), then id. Keyset pages over the
 * (region, organization|assignee, next_due_at, id) indexes.
 */
export async function listCases(db: Executor, q: CaseListQuery): Promise<CaseListPage> {
  if (!q.organizationIds?.length && !q.assigneeId) throw invalid('organizationIds', 'give organizations or an assignee', 'workflow:list_needs_owner');
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 500);
  let s = db.selectFrom('workflowCase').selectAll().where('regionCode', '=', q.regionCode).where('closedAt', 'is', null);
  if (q.organizationIds?.length) s = s.where('organizationId', 'in', [...q.organizationIds]);
  if (q.assigneeId) s = s.where('assigneeId', '=', q.assigneeId);
  if (q.processKey) s = s.where('processKey', '=', q.processKey);
  if (q.state) s = s.where('state', '=', q.state);
  if (q.overdueAt) s = s.where('nextDueAt', '<', q.overdueAt);
  if (q.after) {
    const [due, id] = decodeCursor(q.after);
    s = due === null
      ? s.where('nextDueAt', 'is', null).where('id', '>', id)
      : s.where(sql<boolean>`(next_due_at > ${new Date(due)} or next_due_at is null or (next_due_at = ${new Date(due)} and id > ${id}::uuid))`);
  }
  const rows = await s.orderBy(sql`next_due_at asc nulls last`).orderBy('id').limit(limit + 1).execute();
  const items = rows.slice(0, limit);
  return rows.length > limit ? { items, next: encodeCursor(items.at(-1)!) } : { items };
}

export interface StateCount {
  processKey: string;
  state: string;
  open: number;
  overdue: number;
}

/** Open cases per process and state, and how many of them are past a due instant at `now`. */
export async function countCases(
  db: Executor,
  q: { regionCode: string; organizationIds?: readonly string[]; processKey?: string; now: Date },
): Promise<StateCount[]> {
  let s = db
    .selectFrom('workflowCase')
    .select([
      'processKey',
      'state',
      sql<number>`count(*)::int`.as('open'),
      sql<number>`(count(*) filter (where next_due_at < ${q.now}))::int`.as('overdue'),
    ])
    .where('regionCode', '=', q.regionCode)
    .where('closedAt', 'is', null);
  if (q.organizationIds?.length) s = s.where('organizationId', 'in', [...q.organizationIds]);
  if (q.processKey) s = s.where('processKey', '=', q.processKey);
  return s.groupBy(['processKey', 'state']).orderBy('processKey').orderBy('state').execute();
}
