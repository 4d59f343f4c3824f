import { CamelCasePlugin, Kysely, PostgresDialect, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../../../test/db.ts';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { fixedClock, systemClock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.generated.ts';
import { runSweep } from '../../platform/workflow/sweep.ts';
import { seedDemo } from '../../seed.ts';
import { appealHooks } from './appeals.effects.ts';
import type { TestApp } from '../../../test/app.ts';
import { as, cat, context, KARAGANDA, KAZYBEK_BI, TEMIRTAU, type Ctx } from './appeals.test-support.ts';

/**
 * The cost of the hot paths in SQL statements (issue 6; bench/README.md history): one citizen
 * registration and each lifecycle step, counted through Kysely's log hook on the real app and
 * database. Upper bounds, so that a change that adds round trips to these paths is seen here
 * rather than in the benchmark. Reference data (types, rules, category, routing, organizations,
 * definitions) is served from the process cache after the first request; the revision check
 * (one statement per transaction) is counted.
 */

let statements: string[] | undefined;
let t: TestApp;
let ctx: Ctx;
let db: Kysely<DB>;

beforeAll(async () => {
  const testDb = await createTestDb();
  const demo = await seedDemo(testDb.db);
  db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool: testDb.pool }),
    plugins: [new CamelCasePlugin({ maintainNestedObjectKeys: true })],
    log: (e) => {
      if (e.level === 'query') statements?.push(e.query.sql);
    },
  });
  const config = loadConfig({ SEED_DEMO: 'false', LOG_LEVEL: 'silent', LOGIN_RATE_LIMIT: '1000', DATABASE_URL: testDb.url });
  const app = await buildApp({ config, db, clock: systemClock, logger: false });
  await app.ready();
  t = { app, testDb, demo, config, close: async () => {} };
  ctx = await context(t);
});

afterAll(async () => {
  await t.app.close();
  await t.testDb.close();
});

async function counted<T>(run: () => Promise<T>): Promise<{ result: T; n: number; sql: string[] }> {
  statements = [];
  const result = await run();
  const sql = statements;
  statements = undefined;
  return { result, n: sql.length, sql };
}

const body = (n: number, territoryCode = KARAGANDA) => ({ type: 'statement', categoryId: cat(ctx, 'roads.pothole'), territoryCode, text: `A pothole on street ${n}`, location: { lat: 49.806, lon: 73.085 } });

async function register(n: number, territoryCode = KARAGANDA) {
  const headers = { ...(await as(ctx, '900515301234')), 'idempotency-key': `cost-${n}` };
  const res = await t.app.inject({ method: 'POST', url: '/api/appeals', headers, payload: body(n, territoryCode) });
  expect(res.statusCode).toBe(201);
  return res.json() as { appealId: string; state: string; organizationId: string };
}

describe('statements per operation', () => {
  it('the sign-in of a request is one statement: session, account, staff or person, role grants (4 for staff, 3 for a citizen before)', async () => {
    for (const who of ['executor.roads', 'coordinator', '900515301234']) {
      const headers = await as(ctx, who);
      const { result: res, n, sql: trace } = await counted(() => t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: headers.cookie } }));
      expect(res.statusCode).toBe(200);
      expect(n, trace.join('\n')).toBe(1);
    }
  });

  it('a citizen registration routed by rule takes at most 13 statements (48 before issue 6; the revisions come with the session), everything it guarantees written', async () => {
    await register(0); // warms the process caches, as any running server has them
    const { result: slip, n, sql: trace } = await counted(() => register(1));
    expect(slip.state).toBe('assigned');
    expect(n, trace.join('\n')).toBeLessThanOrEqual(13);
    // What the registration guarantees is all there: case, history, deadlines, audit, notice, idempotency.
    const db = t.testDb.db;
    const a = await db.selectFrom('appeal').select(['caseId', 'state', 'dueAt']).where('id', '=', slip.appealId).executeTakeFirstOrThrow();
    const c = await db.selectFrom('workflowCase').selectAll().where('id', '=', a.caseId!).executeTakeFirstOrThrow();
    expect([c.state, c.version, c.dueAt?.getTime()]).toEqual(['assigned', 2, a.dueAt?.getTime()]);
    const history = await db.selectFrom('workflowHistory').select(['seq', 'action']).where('caseId', '=', c.id).orderBy('seq').execute();
    expect(history.map((h) => h.action)).toEqual(['$start', 'route']);
    const deadlines = await db.selectFrom('workflowDeadline').select(['deadlineKey', 'status']).where('caseId', '=', c.id).orderBy('deadlineKey').execute();
    expect(deadlines).toEqual([{ deadlineKey: 'answer', status: 'running' }, { deadlineKey: 'registered', status: 'met' }]);
    const audit = await db.selectFrom('auditLog').select('action').where('entityId', 'in', [c.id, slip.appealId]).orderBy('pos').execute();
    expect(audit.map((r) => r.action)).toEqual(['workflow.started', 'workflow.action', 'appeal.registered']);
    const notices = await db.selectFrom('notice').select(['id', 'template']).where('aboutId', '=', slip.appealId).execute();
    expect(notices.map((x) => x.template)).toEqual(['appeals:notice.slip_issued']);
    // In the applicant's inbox with the commit; a delivery job per channel that leaves the machine (inserted together).
    const channels = await db.selectFrom('noticeDelivery').select(['channel', 'status']).where('noticeId', '=', notices[0]!.id).orderBy('channel').execute();
    expect(channels).toEqual([{ channel: 'email', status: 'pending' }, { channel: 'inbox', status: 'delivered' }, { channel: 'sms', status: 'pending' }]);
    expect(await db.selectFrom('inboxMessage').select('noticeId').where('noticeId', '=', notices[0]!.id).execute()).toHaveLength(1);
    const jobs = await sql<{ channel: string }>`select data->>'channel' as channel from pgboss.job where data->>'noticeId' = ${notices[0]!.id}`.execute(db);
    expect(jobs.rows.map((j) => j.channel).sort()).toEqual(['email', 'sms']);
    const key = await db.selectFrom('idempotencyKey').select('statusCode').where('key', '=', 'cost-1').executeTakeFirstOrThrow();
    expect(key.statusCode).toBe(201);
  });

  it('a registration on a (category, territory) pair not seen before reads no routing rule or organization: the route comes from the cached rules of its region', async () => {
    // A region has far more pairs than rules (categories × thousands of KATO codes), so most
    // pairs are new to a process; each used to cost its own rule and organization queries.
    await register(100, KARAGANDA); // the region's rules and the roads department, cached
    for (const [n, territory] of [[101, KAZYBEK_BI], [102, TEMIRTAU]] as const) {
      const { result: slip, n: count, sql: trace } = await counted(() => register(n, territory));
      expect(slip.state).toBe('assigned');
      expect(trace.filter((q) => /appeal_routing_rule|from "organization"/.test(q)), trace.join('\n')).toEqual([]);
      // At most one more than a pair seen before: the revision check a cache miss makes before it
      // stores (platform/db/revision.ts), instead of the rule and organization queries it made.
      expect(count, trace.join('\n')).toBeLessThanOrEqual(14);
    }
  });

  it('each lifecycle step takes at most: accept 6, answer 12, confirm 8 statements (20, 30, 19 before issue 6), and answers with what it stored', async () => {
    // Each with the sign-in of the request; the answer (the appeal's state, owner and case version)
    // comes back from the step's own last write, not from a read after the commit. The answer writes
    // a notice (three channels here: inbox, SMS, e-mail; the inbox with it, two jobs in one statement); the
    // answer's fields and the confirmation's verdict go with the appeal's sync: one write of the row per step.
    // The appeal and its case are read in one statement, and the effects reuse that appeal row; the
    // case's claim, its history row and its audit row are one statement.
    const LIMIT = { accept: 6, answer: 12, feedback: 8 };
    await register(2);
    const step = async (who: string, id: string, action: string, payload: object) => {
      const res = await t.app.inject({ method: 'POST', url: `/api/appeals/${id}/${action}`, headers: await as(ctx, who), payload });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { state: string; organizationId: string; assigneeId: string | null; dueAt: string | null; closedAt: string | null; caseVersion: number };
    };
    const { appealId: id } = await register(3);
    const states: string[] = [];
    for (const [who, action, payload] of [
      ['executor.roads', 'accept', {}],
      ['executor.roads', 'answer', { text: 'Repaired on Monday.', decision: 'granted' }],
      ['900515301234', 'feedback', { verdict: 'confirmed', rating: 5 }],
    ] as const) {
      await as(ctx, who); // signed in before counting
      const { result, n, sql } = await counted(() => step(who, id, action, payload));
      states.push(result.state);
      expect(n, `${action}: ${sql.join('\n')}`).toBeLessThanOrEqual(LIMIT[action]);
      expect(sql.filter((q) => /^update "?appeal"? /i.test(q)), action).toHaveLength(1);
      const stored = await t.testDb.db.selectFrom('appeal as a').innerJoin('workflowCase as c', 'c.id', 'a.caseId')
        .select(['a.state', 'a.organizationId', 'a.assigneeId', 'a.dueAt', 'a.closedAt', 'c.version']).where('a.id', '=', id).executeTakeFirstOrThrow();
      expect(result).toMatchObject({
        state: stored.state, organizationId: stored.organizationId, assigneeId: stored.assigneeId, caseVersion: stored.version,
        dueAt: stored.dueAt?.toISOString() ?? null, closedAt: stored.closedAt?.toISOString() ?? null,
      });
    }
    expect(states).toEqual(['in_progress', 'answered', 'closed']);
    const answered = await t.testDb.db.selectFrom('appeal').select(['answerText', 'answerDecision', 'answeredAt', 'answeredBy', 'answerWorkingDays', 'answeredOnTime'])
      .where('id', '=', id).executeTakeFirstOrThrow();
    expect(answered).toMatchObject({ answerText: 'Repaired on Monday.', answerDecision: 'granted', answeredOnTime: true, answerWorkingDays: expect.any(Number) });
    expect(answered.answeredAt).toBeInstanceOf(Date);
    expect(answered.answeredBy).toEqual(expect.any(String));
    const verdict = await t.testDb.db.selectFrom('appeal').select(['verdict', 'rating', 'verdictAt', 'closedAt']).where('id', '=', id).executeTakeFirstOrThrow();
    expect([verdict.verdict, verdict.rating, verdict.verdictAt?.getTime()]).toEqual(['confirmed', 5, verdict.closedAt?.getTime()]);
  });

  it('the escalation sweep takes at most 2 statements per applied step (~24 before issue 6, 11 before the set-wise chunks), a commit per set-wise chunk of 500 deadlines, every step written', async () => {
    for (let i = 10; i < 30; i++) await register(i);
    // 40 days on, every step of every ladder armed at registration is due: reminders, breaches,
    // the coordination centre's escalations, the deemed refusals (each with its notices).
    const clock = fixedClock(new Date(Date.now() + 40 * 86_400_000));
    const { result, n, sql: trace } = await counted(() => runSweep(db, clock, { hooks: appealHooks(), onError: (e) => { throw e; } }));
    expect(result.failed).toBe(0);
    expect(result.due).toBeGreaterThanOrEqual(20);
    expect(result.applied).toBeGreaterThanOrEqual(result.due);
    const commits = trace.filter((q) => q.trim().toLowerCase() === 'commit').length;
    // Two lanes, each a set-wise transaction per 500 deadlines and one for those applied one by one
    // (the demo's answered appeals close on silence: an action).
    expect(commits).toBeLessThanOrEqual(2 * (Math.ceil(result.due / 500) + 1));
    // Here ~3 steps fall due per deadline (each with its notice). A chunk is applied set-wise: a
    // statement per kind of row whatever its size; what grows with it are the lookups of the
    // people told (once per sweep each) and the close-on-silence actions (one by one).
    expect(n / result.applied, trace.join('\n')).toBeLessThanOrEqual(2);
    // Everything each step guarantees: its escalation row, its workflow notices, the staff
    // notices they resolved to (in their inboxes at once), a delivery job per e-mail or SMS, an audit row.
    const now = clock.now();
    const escalations = await db.selectFrom('workflowEscalation').select(['id', 'notify']).where('appliedAt', '=', now).execute();
    expect(escalations.length).toBe(result.applied);
    const wfNotices = await db.selectFrom('workflowNotice').select('id').where('createdAt', '=', now).execute();
    expect(wfNotices.length).toBe(escalations.reduce((k, e) => k + e.notify.length, 0));
    const audit = await db.selectFrom('auditLog').select('id').where('action', '=', 'workflow.escalated').where('at', '=', now).execute();
    expect(audit.length).toBe(result.applied);
    const staffNotices = await db.selectFrom('notice').select('id').where('createdAt', '=', now).where('dedupeKey', 'like', '%:wf:%').execute();
    expect(staffNotices.length).toBeGreaterThan(0);
    const ids = (await db.selectFrom('notice').select('id').where('createdAt', '=', now).execute()).map((x) => x.id);
    const deliveries = await db.selectFrom('noticeDelivery').select(['noticeId', 'channel', 'status']).where('noticeId', 'in', ids).execute();
    const inboxed = deliveries.filter((d) => d.channel === 'inbox');
    expect(inboxed.length).toBeGreaterThan(0);
    expect(inboxed.every((d) => d.status === 'delivered')).toBe(true);
    expect((await db.selectFrom('inboxMessage').select('noticeId').where('noticeId', 'in', ids).execute()).map((m) => m.noticeId).sort()).toEqual(inboxed.map((d) => d.noticeId).sort());
    const jobs = await sql<{ noticeId: string; channel: string }>`select data->>'noticeId' as "noticeId", data->>'channel' as channel from pgboss.job where data->>'noticeId' = any(${ids}::text[])`.execute(db);
    const key = (x: { noticeId: string; channel: string }) => `${x.noticeId}:${x.channel}`;
    expect(jobs.rows.map(key).sort()).toEqual(deliveries.filter((d) => d.channel !== 'inbox').map(key).sort());
    // Twice = once.
    const again = await runSweep(db, clock, { hooks: appealHooks() });
    expect([again.due, again.applied, again.notices]).toEqual([0, 0, 0]);
  });
});
