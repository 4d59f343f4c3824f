import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/db.ts';
import { verifyAudit } from '../audit/audit.ts';
import { ANONYMOUS, type Actor } from '../auth/actor.ts';
import { formatLocal } from '../calendar/calendar.time.ts';
import { DomainError } from '../http/errors.ts';
import { defineJob, enqueue } from '../jobs/jobs.ts';
import { assignCase, availableActions, getCase, performAction, performSystemActions, type PerformActionInput } from './cases.ts';
import { startCase } from './start.ts';
import type { EffectContext, WorkflowCase, WorkflowDeps } from './hooks.ts';
import { replay } from './machine.ts';
import { almaty, checkRole, citizen, exampleDefinition, ORG_A, ORG_B, REGION, staff } from './fixtures.test-support.ts';
import { countCases, getTimeline, listCases } from './queries.ts';
import { copyDefinition, getDefinition, publishDefinition, publishDraft, resolveDefinition, saveDraft } from './registry.ts';

let t: TestDb;
const effects: { name: string; ctx: EffectContext }[] = [];
const answered = defineJob<{ caseId: string }>('test.appeal.answered');
const record = (name: string) => async (ctx: EffectContext) => {
  effects.push({ name, ctx });
};
const deps: WorkflowDeps = {
  checkRole,
  hooks: {
    appeal: {
      effects: {
        forwardToCompetentBody: record('forwardToCompetentBody'),
        noticeApplicantForwarded: record('noticeApplicantForwarded'),
        noticeApplicantExtended: record('noticeApplicantExtended'),
        handToHead: record('handToHead'),
        sendAnswer: async (ctx) => {
          effects.push({ name: 'sendAnswer', ctx });
          // Network calls happen after commit: the effect only enqueues.
          await enqueue(ctx.trx, answered, { caseId: ctx.case.id });
        },
      },
    },
  },
};

const operator = staff('operator');
const head = staff('head');
const executor = staff('executor');
const headB = staff('head', ORG_B);
const executorB = staff('executor', ORG_B);
const applicant = citizen();
const stranger = citizen();
const designer = staff('service_designer');
const T0 = almaty('2026-03-13T10:00');

let subjects = 0;
async function newCase(at = T0, extra: { assigneeId?: string } = {}) {
  return t.db.transaction().execute((trx) =>
    startCase(trx, deps, {
      regionCode: REGION,
      processKey: 'appeal',
      organizationId: ORG_A,
      applicantAccountId: applicant.accountId,
      subjectType: 'appeal',
      subjectId: `A-${++subjects}`,
      actor: operator,
      at,
      ...extra,
    }),
  );
}

const act = (input: Omit<PerformActionInput, 'regionCode'>) =>
  t.db.transaction().execute((trx) => performAction(trx, deps, { regionCode: REGION, ...input }));

async function failure(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

beforeAll(async () => {
  t = await createTestDb();
  await t.db.transaction().execute((trx) => publishDefinition(trx, { body: exampleDefinition(), regionCode: REGION, actor: designer, at: T0 }));
});
afterAll(async () => {
  await t?.close();
});

describe('definitions: versions, scopes, copies', () => {
  it('numbers versions per scope, refuses to change a published one, and resolves the most specific scope', async () => {
    const body = { ...exampleDefinition(), key: 'permit' };
    const at = T0;
    const v1 = await t.db.transaction().execute((trx) => publishDefinition(trx, { body, regionCode: '000000000', actor: designer, at }));
    const v2 = await t.db.transaction().execute((trx) => publishDefinition(trx, { body, regionCode: '000000000', actor: designer, at }));
    const regional = await t.db.transaction().execute((trx) => publishDefinition(trx, { body, regionCode: REGION, actor: designer, at }));
    const orgTree = await t.db.transaction().execute((trx) => publishDefinition(trx, { body, regionCode: REGION, organizationId: ORG_B, actor: designer, at }));
    expect([v1.version, v2.version, regional.version, orgTree.version]).toEqual([1, 2, 1, 1]);

    await expect(sql`update workflow_definition set body = '{}' where id = ${v1.id}`.execute(t.db)).rejects.toThrow(/immutable/);
    await expect(sql`delete from workflow_definition where id = ${v1.id}`.execute(t.db)).rejects.toThrow(/cannot be deleted/);

    const resolve = (regionCode: string, organizationIds: string[] = []) => resolveDefinition(t.db, { processKey: 'permit', regionCode, organizationIds });
    expect((await resolve('750000000')).id).toBe(v2.id); // another region: the national latest
    expect((await resolve(REGION, [ORG_A])).id).toBe(regional.id);
    expect((await resolve(REGION, [ORG_B, ORG_A])).id).toBe(orgTree.id);
    await expect(resolve(REGION, [])).resolves.toMatchObject({ regionCode: REGION, organizationId: null });
    await expect(resolveDefinition(t.db, { processKey: 'nothing', regionCode: REGION })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('copies a definition from another region as a draft that remembers its origin', async () => {
    const source = await resolveDefinition(t.db, { processKey: 'appeal', regionCode: REGION });
    const { record: draft, issues } = await t.db.transaction().execute((trx) =>
      copyDefinition(trx, { fromId: source.id, regionCode: '750000000', actor: designer, at: T0 }),
    );
    expect(issues).toEqual([]);
    expect(draft).toMatchObject({ status: 'draft', version: null, regionCode: '750000000', copiedFromId: source.id });
    const published = await t.db.transaction().execute((trx) => publishDraft(trx, { id: draft.id, actor: designer, at: T0 }));
    expect(published).toMatchObject({ status: 'published', version: 1, checksum: source.checksum });
    await expect(t.db.transaction().execute((trx) => publishDraft(trx, { id: draft.id, actor: designer, at: T0 }))).rejects.toMatchObject({ code: 'conflict' });
  });

  it('keeps an invalid draft with its issues but refuses to publish it', async () => {
    const body = { ...exampleDefinition(), key: 'broken', states: {} };
    const { record: draft, issues } = await t.db.transaction().execute((trx) => saveDraft(trx, { body, regionCode: REGION, actor: designer, at: T0 }));
    expect(issues.length).toBeGreaterThan(0);
    const err = await failure(t.db.transaction().execute((trx) => publishDraft(trx, { id: draft.id, actor: designer, at: T0 })));
    expect(err).toMatchObject({ code: 'validation', status: 400, messageKey: 'workflow:definition_invalid' });
  });

  it('a running case stays on its version when a new one is published', async () => {
    const { case: c } = await newCase();
    const v2body = exampleDefinition();
    v2body.deadlines!.answer!.amount = 10;
    const v2 = await t.db.transaction().execute((trx) => publishDefinition(trx, { body: v2body, regionCode: REGION, actor: designer, at: T0 }));
    expect(v2.version).toBe(2);
    const after = await getCase(t.db, REGION, c.id);
    expect(after.definitionVersion).toBe(1);
    expect((await getDefinition(t.db, after.definitionId)).definition.deadlines!.answer!.amount).toBe(15);
    const { case: fresh } = await newCase();
    expect(fresh.definitionVersion).toBe(2);
    // Back to 15 days for the rest of the file.
    await t.db.transaction().execute((trx) => publishDefinition(trx, { body: exampleDefinition(), regionCode: REGION, actor: designer, at: T0 }));
  });
});

describe('starting a case', () => {
  it('opens the case and state deadlines on the calendar, writes history and audit', async () => {
    const { case: c, historyId } = await newCase();
    expect(c).toMatchObject({ state: 'registered', version: 1, organizationId: ORG_A, processKey: 'appeal', escalationLevel: 0 });
    // Received Friday 13 March 2026: 15 working days skip Nauryz (21–25 March) → 8 April.
    expect(formatLocal(c.dueAt!, 'Asia/Almaty')).toBe('2026-04-08T18:00');
    expect(formatLocal(c.stateDueAt!, 'Asia/Almaty')).toBe('2026-03-18T18:00');
    expect(c.nextDueAt).toEqual(c.stateDueAt);
    const h = await t.db.selectFrom('workflowHistory').selectAll().where('id', '=', historyId).executeTakeFirstOrThrow();
    expect(h).toMatchObject({ seq: 1, action: '$start', fromState: null, toState: 'registered', actorKind: 'staff', actorId: operator.accountId });
    const audit = await t.db.selectFrom('auditLog').selectAll().where('entityId', '=', c.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['workflow.started']);
  });

  it('refuses a second case for the same subject and a starter without the role', async () => {
    const { case: c } = await newCase();
    const dup = await failure(
      t.db.transaction().execute((trx) =>
        startCase(trx, deps, { regionCode: REGION, processKey: 'appeal', organizationId: ORG_A, subjectType: 'appeal', subjectId: c.subjectId, actor: operator, at: T0 }),
      ),
    );
    expect(dup).toMatchObject({ code: 'conflict', messageKey: 'workflow:case_exists' });
    const refused = await failure(
      t.db.transaction().execute((trx) =>
        startCase(trx, deps, { regionCode: REGION, processKey: 'appeal', organizationId: ORG_A, subjectType: 'appeal', subjectId: 'X-1', actor: executor, at: T0 }),
      ),
    );
    expect(refused).toMatchObject({ code: 'forbidden', status: 403 });
    // The owning module may start on its own authority where the definition lists `system`.
    const sys = await t.db.transaction().execute((trx) =>
      startCase(trx, deps, { regionCode: REGION, processKey: 'appeal', organizationId: ORG_A, subjectType: 'appeal', subjectId: 'X-2', actor: { kind: 'anonymous' }, at: T0, asSystem: true }),
    );
    expect(sys.case.state).toBe('registered');
  });
});

describe('performing actions', () => {
  it('checks role and organization: other organizations, citizens and the wrong role are refused', async () => {
    const { case: c } = await newCase();
    const tryAs = (actor: Actor, action = 'assign', extra: Partial<PerformActionInput> = {}) => failure(act({ caseId: c.id, action, actor, at: T0, ...extra }));
    expect(await tryAs(headB)).toMatchObject({ code: 'forbidden', status: 403, messageKey: 'workflow:action_forbidden' });
    expect(await tryAs(executor)).toMatchObject({ code: 'forbidden' });
    expect(await tryAs(stranger)).toMatchObject({ code: 'forbidden' });
    expect(await tryAs(stranger, 'withdraw')).toMatchObject({ code: 'forbidden' });
    expect(await tryAs({ kind: 'anonymous' }, 'withdraw')).toMatchObject({ code: 'forbidden' });
    // `system` is not listed on assign: the module cannot bypass the head.
    expect(await tryAs({ kind: 'anonymous' }, 'assign', { asSystem: true })).toMatchObject({ code: 'forbidden' });
    const r = await act({ caseId: c.id, action: 'assign', actor: head, at: T0, assign: { assigneeId: executor.staffId } });
    expect(r.case).toMatchObject({ state: 'in_progress', version: 2, assigneeId: executor.staffId });
    // The assignee may answer (pseudo-role); an executor of another organization may not.
    expect(await tryAs(executorB, 'answer', { input: { decision: 'granted' } })).toMatchObject({ code: 'forbidden' });
  });

  it('refuses actions the state does not allow, unknown actions, bad input and missing comments', async () => {
    const { case: c } = await newCase();
    expect(await failure(act({ caseId: c.id, action: 'answer', actor: head, at: T0, input: { decision: 'granted' } }))).toMatchObject({
      code: 'invalid_transition',
      status: 409,
      params: { action: 'answer', state: 'registered' },
    });
    expect(await failure(act({ caseId: c.id, action: 'approve', actor: head, at: T0 }))).toMatchObject({ code: 'validation', field: 'action' });
    expect(await failure(act({ caseId: c.id, action: 'forward', actor: operator, at: T0, comment: 'not ours', input: {} }))).toMatchObject({
      code: 'validation',
      field: 'input.competentOrganizationId',
      messageKey: 'workflow:input_invalid',
    });
    expect(
      await failure(act({ caseId: c.id, action: 'forward', actor: operator, at: T0, comment: 'not ours', input: { competentOrganizationId: ORG_B, extra: 1 } })),
    ).toMatchObject({ field: 'input.extra' });
    expect(await failure(act({ caseId: c.id, action: 'forward', actor: operator, at: T0, comment: '  ', input: { competentOrganizationId: ORG_B } }))).toMatchObject({
      field: 'comment',
      messageKey: 'workflow:comment_required',
    });
    expect(await failure(act({ caseId: c.id, action: 'withdraw', actor: applicant, at: T0, input: { why: 'x' } }))).toMatchObject({
      messageKey: 'workflow:input_not_expected',
    });
    expect(await failure(act({ caseId: c.id, action: 'withdraw', actor: applicant, at: T0, assign: { organizationId: ORG_B } }))).toMatchObject({
      field: 'assign',
    });
    // Nothing above changed the case.
    expect((await getCase(t.db, REGION, c.id)).version).toBe(1);
  });

  it('writes state, history, deadlines, audit, effects and their jobs in the caller transaction', async () => {
    const { case: c } = await newCase();
    await act({ caseId: c.id, action: 'assign', actor: head, at: T0, assign: { assigneeId: executor.staffId } });
    effects.length = 0;
    const at = almaty('2026-03-20T11:00');
    // The owning module's own change and the engine's fail together.
    await expect(
      t.db.transaction().execute(async (trx) => {
        await performAction(trx, deps, { regionCode: REGION, caseId: c.id, action: 'answer', actor: executor, at, input: { decision: 'granted' }, expectedVersion: 2 });
        throw new Error('the answer letter could not be stored');
      }),
    ).rejects.toThrow('could not be stored');
    expect(await getCase(t.db, REGION, c.id)).toMatchObject({ state: 'in_progress', version: 2 });
    const jobsFor = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from pgboss.job where name = ${answered.name} and data->>'caseId' = ${c.id}`.execute(t.db)).rows[0]!.n;
    expect(await jobsFor()).toBe(0);

    const r = await act({ caseId: c.id, action: 'answer', actor: executor, at, input: { decision: 'granted' }, expectedVersion: 2 });
    expect(r.case).toMatchObject({ state: 'answered', version: 3, closedAt: at, dueAt: null, nextDueAt: null });
    expect(await jobsFor()).toBe(1);
    expect(effects.map((e) => e.name)).toEqual(['sendAnswer', 'sendAnswer']);
    expect(effects[1]!.ctx.trigger).toMatchObject({ kind: 'action', action: 'answer', from: 'in_progress', to: 'answered', input: { decision: 'granted' } });
    const deadlines = await t.db.selectFrom('workflowDeadline').selectAll().where('caseId', '=', c.id).orderBy('deadlineKey').execute();
    expect(deadlines.map((d) => [d.deadlineKey, d.status])).toEqual([
      ['answer', 'met'],
      ['registered', 'met'],
    ]);
    expect(deadlines.every((d) => d.nextStepAt === null)).toBe(true);
    const audit = await t.db.selectFrom('auditLog').select(['action', 'data']).where('entityId', '=', c.id).orderBy('pos').execute();
    expect(audit.map((a) => a.action)).toEqual(['workflow.started', 'workflow.action', 'workflow.action']);
    expect(audit[2]!.data).toMatchObject({ action: 'answer', from: 'in_progress', to: 'answered', version: 3 });
    expect((await verifyAudit(t.db)).ok).toBe(true);
  });

  it('a stale expected version is a 409 conflict', async () => {
    const { case: c } = await newCase();
    await act({ caseId: c.id, action: 'assign', actor: head, at: T0, assign: { assigneeId: executor.staffId } });
    const err = await failure(act({ caseId: c.id, action: 'request_documents', actor: executor, at: T0, comment: 'passport copy', expectedVersion: 1 }));
    expect(err).toMatchObject({ code: 'conflict', status: 409, messageKey: 'workflow:version_conflict', params: { version: 2 } });
  });

  it('an action on a stale case the caller read (`current`) is a 409 and writes neither its history nor its audit row', async () => {
    const { case: c } = await newCase();
    await act({ caseId: c.id, action: 'assign', actor: head, at: T0, assign: { assigneeId: executor.staffId } });
    const stale = await getCase(t.db, REGION, c.id);
    await act({ caseId: c.id, action: 'request_documents', actor: executor, at: T0, comment: 'passport copy' });
    await t.db.transaction().execute(async (trx) => {
      const err = await failure(performAction(trx, deps, { regionCode: REGION, caseId: c.id, action: 'answer', actor: executor, at: T0, input: { decision: 'granted' }, current: stale }));
      expect(err).toMatchObject({ code: 'conflict', status: 409, messageKey: 'workflow:version_conflict' });
      // Seen from the same transaction, as a caller that went on would see it: the claim, its
      // history row and its audit row are one statement, and the rows follow only a claim that matched.
      const history = await trx.selectFrom('workflowHistory').select('action').where('caseId', '=', c.id).orderBy('seq').execute();
      expect(history.map((h) => h.action)).toEqual(['$start', 'assign', 'request_documents']);
      const audit = await trx.selectFrom('auditLog').select('data').where('entityId', '=', c.id).execute();
      expect(audit.map((a) => (a.data as { action?: string }).action).filter((x) => x === 'answer')).toEqual([]);
      expect(audit).toHaveLength(3);
    });
  });

  it('reassigns on actions that assign, and with assignCase', async () => {
    const { case: c } = await newCase();
    const r = await act({ caseId: c.id, action: 'assign', actor: head, at: T0, assign: { assigneeId: executor.staffId } });
    expect(r.case.assigneeId).toBe(executor.staffId);
    const moved = await t.db.transaction().execute((trx) => assignCase(trx, { regionCode: REGION, caseId: c.id, organizationId: ORG_B, actor: head, at: T0, comment: 'by competence' }));
    expect(moved).toMatchObject({ organizationId: ORG_B, assigneeId: null, version: 3, state: 'in_progress' });
    const { actions } = await availableActions(t.db, deps, { regionCode: REGION, caseId: c.id, actor: head });
    expect(actions).toEqual([]);
    const forB = await availableActions(t.db, deps, { regionCode: REGION, caseId: c.id, actor: headB });
    expect(forB.actions.map((a) => a.action)).toEqual(['assign', 'request_documents', 'extend', 'answer']);
    const forApplicant = await availableActions(t.db, deps, { regionCode: REGION, caseId: c.id, actor: applicant });
    expect(forApplicant.actions.map((a) => a.action)).toEqual(['withdraw']);
  });
});

describe('two executors acting at once (real PostgreSQL)', () => {
  it('one wins, the other gets a 409 conflict; nothing of the loser remains', async () => {
    const { case: c } = await newCase();
    await act({ caseId: c.id, action: 'assign', actor: head, at: T0, assign: { assigneeId: executor.staffId } });
    // T1 acts and holds its transaction open until T2 has reached the case row.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let t1Acted!: () => void;
    const acted = new Promise<void>((r) => (t1Acted = r));
    const t1 = t.db.transaction().execute(async (trx) => {
      const r = await performAction(trx, deps, { regionCode: REGION, caseId: c.id, action: 'answer', actor: executor, at: T0, input: { decision: 'granted' }, expectedVersion: 2 });
      t1Acted();
      await held;
      return r;
    });
    await acted;
    const t2 = t.db.transaction().execute((trx) =>
      performAction(trx, deps, { regionCode: REGION, caseId: c.id, action: 'request_documents', actor: head, at: T0, comment: 'need more', expectedVersion: 2 }),
    );
    // T2 is blocked on T1's row lock: wait until PostgreSQL shows it waiting, then let T1 commit.
    for (let i = 0; i < 200; i++) {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`.execute(t.db);
      if (rows[0]!.n > 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    release();
    const [r1, r2] = await Promise.allSettled([t1, t2]);
    expect(r1.status).toBe('fulfilled');
    expect(r2.status).toBe('rejected');
    expect((r2 as PromiseRejectedResult).reason).toMatchObject({ code: 'conflict', status: 409 });
    const after = await getCase(t.db, REGION, c.id);
    expect(after).toMatchObject({ state: 'answered', version: 3 });
    const history = await t.db.selectFrom('workflowHistory').select(['seq', 'action']).where('caseId', '=', c.id).orderBy('seq').execute();
    expect(history).toEqual([
      { seq: 1, action: '$start' },
      { seq: 2, action: 'assign' },
      { seq: 3, action: 'answer' },
    ]);
  });

  it('of five racing without an expected version, exactly one wins', async () => {
    const { case: c } = await newCase();
    await act({ caseId: c.id, action: 'assign', actor: head, at: T0, assign: { assigneeId: executor.staffId } });
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => act({ caseId: c.id, action: 'request_documents', actor: head, at: T0, comment: 'x' })),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    // A loser either lost the version race (409 conflict) or read the new state (409 invalid_transition).
    for (const l of lost) expect(l.reason).toMatchObject({ status: 409 });
    expect((await getCase(t.db, REGION, c.id)).version).toBe(3);
  });
});

describe('extensions and waiting on the applicant', () => {
  it('extends the answer term to a later working day within two months, re-arming the ladder', async () => {
    const { case: c } = await newCase();
    await act({ caseId: c.id, action: 'assign', actor: head, at: almaty('2026-03-13T11:00'), assign: { assigneeId: executor.staffId } });
    const at = almaty('2026-04-01T10:00');
    const ext = (newDueDate: string, actor: Actor = head) => act({ caseId: c.id, action: 'extend', actor, at, comment: 'expert opinion needed', input: { newDueDate } });
    expect(await failure(ext('2026-04-20', executor))).toMatchObject({ code: 'forbidden' });
    expect(await failure(ext('2026-04-18'))).toMatchObject({ field: 'input.newDueDate', messageKey: 'workflow:extension_not_working_day' }); // a Saturday
    expect(await failure(ext('2026-04-03'))).toMatchObject({ messageKey: 'workflow:extension_not_later', params: { due: '2026-04-08T18:00' } });
    // Two months from the receipt day (13 March) end on 13 May.
    expect(await failure(ext('2026-05-14'))).toMatchObject({ messageKey: 'workflow:extension_beyond_limit', params: { max: '2026-05-13T18:00' } });
    expect(await failure(ext('2031-01-06'))).toMatchObject({ field: 'input.newDueDate', code: 'validation' }); // outside the calendar
    const r = await ext('2026-05-13');
    expect(formatLocal(r.case.dueAt!, 'Asia/Almaty')).toBe('2026-05-13T18:00');
    const d = await t.db.selectFrom('workflowDeadline').selectAll().where('caseId', '=', c.id).where('deadlineKey', '=', 'answer').executeTakeFirstOrThrow();
    expect(d).toMatchObject({ generation: 2, nextStep: 0, status: 'running' });
    expect(formatLocal(d.originalDueAt, 'Asia/Almaty')).toBe('2026-04-08T18:00');
    expect(d.changes).toEqual([
      expect.objectContaining({ kind: 'extension', action: 'extend', reason: 'expert opinion needed', actorId: head.accountId, toDueAt: d.dueAt.toISOString() }),
    ]);
    const timeline = await getTimeline(t.db, REGION, c.id, at);
    expect(timeline.entries.map((e) => e.kind)).toEqual(['transition', 'deadline_started', 'deadline_started', 'transition', 'deadline_ended', 'transition', 'deadline_changed']);
  });

  it('pauses a term while waiting on the applicant when the definition says so', async () => {
    const body = exampleDefinition();
    body.key = 'service';
    body.deadlines!.answer!.pausesWhileWaiting = true;
    await t.db.transaction().execute((trx) => publishDefinition(trx, { body, regionCode: REGION, actor: designer, at: T0 }));
    const { case: c } = await t.db.transaction().execute((trx) =>
      startCase(trx, deps, { regionCode: REGION, processKey: 'service', organizationId: ORG_A, applicantAccountId: applicant.accountId, subjectType: 'service', subjectId: 'S-1', actor: operator, at: T0 }),
    );
    await act({ caseId: c.id, action: 'assign', actor: head, at: T0, assign: { assigneeId: executor.staffId } });
    const waiting = await act({ caseId: c.id, action: 'request_documents', actor: executor, at: almaty('2026-03-17T12:00'), comment: 'a copy of the deed' });
    expect(waiting.case).toMatchObject({ state: 'awaiting_applicant', dueAt: null, nextDueAt: null });
    // Back on Friday 27 March at 10:00. Paused working time: 17 March 12–18 (6 h), 18–20 March
    // (27 h), Nauryz off, 26 March (9 h), 27 March 9–10 (1 h) = 43 h = 4.8 working days → 5.
    const back = await act({ caseId: c.id, action: 'provide_documents', actor: applicant, at: almaty('2026-03-27T10:00') });
    expect(back.case.state).toBe('in_progress');
    expect(formatLocal(back.case.dueAt!, 'Asia/Almaty')).toBe('2026-04-15T18:00'); // 8 April + 5 working days
    const d = await t.db.selectFrom('workflowDeadline').selectAll().where('caseId', '=', c.id).where('deadlineKey', '=', 'answer').executeTakeFirstOrThrow();
    expect(d).toMatchObject({ status: 'running', pausedAt: null, generation: 2 });
  });
});

describe('random action sequences on the real engine (fast-check)', () => {
  it('never leave a defined state, and the history replays to the current state', async () => {
    const def = exampleDefinition();
    const actors: Actor[] = [operator, head, executor, headB, applicant, stranger];
    const names = [...Object.keys(def.actions), 'reopen'];
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ action: fc.constantFrom(...names), actor: fc.nat(actors.length - 1), stale: fc.boolean() }), { maxLength: 12 }),
        async (steps) => {
          const { case: c } = await newCase(T0, { assigneeId: executor.staffId });
          let version = c.version;
          for (const s of steps) {
            const action = s.action;
            const input =
              action === 'forward' ? { competentOrganizationId: ORG_B } : action === 'answer' ? { decision: 'explained' } : action === 'extend' ? { newDueDate: '2026-04-30' } : undefined;
            try {
              const r = await act({
                caseId: c.id,
                action,
                actor: actors[s.actor]!,
                at: almaty('2026-03-16T10:00'),
                comment: 'step',
                ...(input ? { input } : {}),
                expectedVersion: s.stale ? version - 1 : version,
              });
              version = r.case.version;
            } catch (e) {
              if (!(e instanceof DomainError)) throw e;
            }
            const now = await getCase(t.db, REGION, c.id);
            expect(Object.hasOwn(def.states, now.state)).toBe(true);
            expect(now.version).toBe(version);
          }
          const history = await t.db.selectFrom('workflowHistory').select(['action', 'fromState', 'toState']).where('caseId', '=', c.id).orderBy('seq').execute();
          expect(replay(def, history)).toBe((await getCase(t.db, REGION, c.id)).state);
          run++;
        },
      ),
      { numRuns: 25 },
    );
    expect(run).toBe(25);
  });
});

describe('queries', () => {
  it('lists open cases by due instant and counts them by state and overdue', async () => {
    const ORG_Q = '00000000-0000-4000-8000-0000000000dd';
    const ids: string[] = [];
    for (const at of ['2026-02-02T10:00', '2026-01-15T10:00', '2026-02-20T10:00']) {
      const { case: c } = await t.db.transaction().execute((trx) =>
        startCase(trx, deps, { regionCode: REGION, processKey: 'appeal', organizationId: ORG_Q, subjectType: 'appeal', subjectId: `Q-${at}`, actor: staff('operator', ORG_Q), at: almaty(at) }),
      );
      ids.push(c.id);
    }
    const page1 = await listCases(t.db, { regionCode: REGION, organizationIds: [ORG_Q], limit: 2 });
    expect(page1.items.map((c) => c.id)).toEqual([ids[1], ids[0]]);
    const page2 = await listCases(t.db, { regionCode: REGION, organizationIds: [ORG_Q], limit: 2, after: page1.next! });
    expect(page2.items.map((c) => c.id)).toEqual([ids[2]]);
    expect(page2.next).toBeUndefined();
    const counts = await countCases(t.db, { regionCode: REGION, organizationIds: [ORG_Q], now: almaty('2026-02-19T10:00') });
    expect(counts).toEqual([{ processKey: 'appeal', state: 'registered', open: 3, overdue: 2 }]);
    const overdue = await listCases(t.db, { regionCode: REGION, organizationIds: [ORG_Q], overdueAt: almaty('2026-02-19T10:00') });
    expect(overdue.items).toHaveLength(2);
    await expect(listCases(t.db, { regionCode: REGION })).rejects.toMatchObject({ code: 'validation' });
    await expect(listCases(t.db, { regionCode: REGION, assigneeId: executor.staffId, after: 'garbage' })).rejects.toMatchObject({ field: 'after' });
  });
});

describe('a system action on many cases at once (the sweep\'s set-wise effects)', () => {
  const lapsing = async () => {
    const body = { ...exampleDefinition(), key: 'lapsing' };
    const title = { kk: 'Мерзімі өтті', ru: 'Истёк срок', en: 'Lapsed' };
    body.actions = {
      ...body.actions,
      lapse: { title, from: ['registered', 'in_progress'], to: 'withdrawn', roles: ['system'] },
      lapse_noted: { title, from: ['registered', 'in_progress'], to: 'withdrawn', roles: ['system'], commentRequired: true },
    };
    await t.db.transaction().execute((trx) => publishDefinition(trx, { body, regionCode: REGION, actor: designer, at: T0 }));
    const start = () => t.db.transaction().execute(async (trx) => (await startCase(trx, deps, {
      regionCode: REGION, processKey: 'lapsing', organizationId: ORG_A, applicantAccountId: applicant.accountId, subjectType: 'appeal', subjectId: `L-${++subjects}`, actor: operator, at: T0,
    })).case);
    return Promise.all([start(), start(), start()]);
  };
  const at = almaty('2026-03-20T11:00');
  const shape = async (id: string) => {
    const c = await getCase(t.db, REGION, id);
    return {
      case: { state: c.state, version: c.version, stateEnteredAt: c.stateEnteredAt, closedAt: c.closedAt, dueAt: c.dueAt, stateDueAt: c.stateDueAt, nextDueAt: c.nextDueAt, level: c.escalationLevel },
      history: await t.db.selectFrom('workflowHistory').select(['seq', 'at', 'action', 'fromState', 'toState', 'actorKind', 'actorId', 'comment', 'input', 'organizationId', 'assigneeId']).where('caseId', '=', id).orderBy('seq').execute(),
      deadlines: await t.db.selectFrom('workflowDeadline').select(['scope', 'deadlineKey', 'status', 'endedAt', 'nextStepAt']).where('caseId', '=', id).orderBy('deadlineKey').execute(),
      audit: await t.db.selectFrom('auditLog').select(['action', 'actorKind', 'organizationId', 'data', 'at'])// the start's row names its own subject
        .where('entityId', '=', id).where('action', '!=', 'workflow.started').orderBy('pos').execute(),
    };
  };

  it('writes for each case what performAction writes: the state, version, history, ended deadlines, figures and audit row', async () => {
    const [one, ...many] = await lapsing();
    await t.db.transaction().execute((trx) => performAction(trx, deps, { regionCode: REGION, caseId: one!.id, action: 'lapse', actor: ANONYMOUS, at, asSystem: true }));
    await t.db.transaction().execute((trx) => performSystemActions(trx, many, 'lapse', ANONYMOUS, at));
    const expected = await shape(one!.id);
    expect(expected.case).toMatchObject({ state: 'withdrawn', version: 2, closedAt: at, dueAt: null, nextDueAt: null });
    expect(expected.deadlines.map((d) => [d.deadlineKey, d.status, d.nextStepAt])).toEqual([['answer', 'met', null], ['registered', 'missed', null]]);
    for (const c of many) expect(await shape(c.id)).toEqual(expected);
    expect((await verifyAudit(t.db)).ok).toBe(true);
  });

  it('refuses what needs a decision per case, a case given twice, one the action cannot leave from and one changed meanwhile; nothing of it stays', async () => {
    const cases = await lapsing();
    const before = await Promise.all(cases.map((c) => shape(c.id)));
    const attempt = (list: readonly WorkflowCase[], action = 'lapse') => t.db.transaction().execute((trx) => performSystemActions(trx, list, action, ANONYMOUS, at));
    await expect(attempt(cases, 'lapse_noted')).rejects.toThrow(/needs a decision per case/);
    await expect(attempt(cases, 'assign')).rejects.toThrow(/needs a decision per case/);
    await expect(attempt([cases[0]!, cases[0]!])).rejects.toThrow(/twice/);
    await expect(attempt(cases, 'answer')).rejects.toThrow(/not possible/);
    // The second case moved on after it was read: the first one's close is not kept either.
    await act({ caseId: cases[1]!.id, action: 'assign', actor: head, at: T0, assign: { assigneeId: executor.staffId } });
    await expect(attempt(cases)).rejects.toThrow(/1 of 3 cases changed meanwhile/);
    expect(await shape(cases[0]!.id)).toEqual(before[0]);
    expect(await shape(cases[2]!.id)).toEqual(before[2]);
  });
});
