import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type TestApp } from '../../../test/app.ts';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { createDb, type Db } from './database.ts';
import { prepareStatement, preparedName } from './prepared.ts';

/** Karaganda, the demo region of the test database. */
const REGION = '350000000';

describe('registered statements go to PostgreSQL as named statements', () => {
  let t: TestApp;
  let one: Db;
  beforeAll(async () => {
    t = await createTestApp();
    // One connection, so that pg_prepared_statements (per session) shows what this pool prepared.
    one = createDb(t.testDb.url, 1).db;
  });
  afterAll(async () => {
    await one?.destroy();
  });

  const generic = async () =>
    (await one.executeQuery<{ statement: string; genericPlans: number }>(CompiledQuery.raw('select statement, generic_plans::int as "genericPlans" from pg_prepared_statements'))).rows;
  const prepared = async () =>
    (await one.executeQuery<{ name: string; statement: string }>(CompiledQuery.raw('select name, statement from pg_prepared_statements order by name'))).rows;

  it('a registered text is parsed once per connection and reused; other statements stay unnamed', async () => {
    const text = 'select $1::int + 1 as n';
    prepareStatement(text);
    prepareStatement(text); // idempotent
    const name = preparedName(text)!;
    expect(name).toMatch(/^ortak_p\d+$/);
    for (let i = 0; i < 7; i++) {
      const r = await one.executeQuery<{ n: number }>(CompiledQuery.raw(text, [i]));
      expect(r.rows[0]!.n).toBe(i + 1);
    }
    await one.executeQuery(CompiledQuery.raw('select $1::int * 2 as m', [3]));
    const rows = await prepared();
    expect(rows.filter((r) => r.name === name)).toEqual([{ name, statement: text }]);
    expect(rows.some((r) => r.statement.includes('* 2'))).toBe(false);
  });

  /** The app over the one-connection pool, so that pg_prepared_statements shows what its requests prepared. */
  const withApp = async (run: (app: Awaited<ReturnType<typeof buildApp>>) => Promise<void>) => {
    const config = loadConfig({ SEED_DEMO: 'false', LOG_LEVEL: 'silent', LOGIN_RATE_LIMIT: '1000', DATABASE_URL: t.testDb.url });
    const app = await buildApp({ config, db: one, logger: false });
    try {
      await app.ready();
      await run(app);
    } finally {
      await app.close();
    }
  };

  it('the sign-in statement and the revision read are named once a request used them, and still answer right', () =>
    withApp(async (app) => {
      const executor = await login(app, 'executor');
      for (let i = 0; i < 7; i++) {
        const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: executor.headers });
        expect(me.statusCode).toBe(200);
        expect(me.json().actor.kind).toBe('staff');
      }
      // The inbox reads the reference revisions in its transaction.
      expect((await app.inject({ method: 'GET', url: '/api/appeals/inbox', headers: executor.headers })).statusCode).toBe(200);
      const rows = await prepared();
      expect(rows.some((r) => r.statement.includes('with "touched" as (update "session"'))).toBe(true);
      expect(rows.some((r) => r.statement.includes('from calendar_revision'))).toBe(true);
      // A signed-out cookie is refused by the same named statement on its next use.
      await app.inject({ method: 'POST', url: '/api/auth/logout', headers: executor.headers });
      expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: executor.headers })).statusCode).toBe(401);
    }));

  it('the default work list and the summary are named statements that PostgreSQL runs on a generic plan', () =>
    withApp(async (app) => {
      const executor = await login(app, 'executor');
      // PostgreSQL tries a generic plan after five custom ones, and keeps it only if it costs no more.
      for (let i = 0; i < 8; i++) {
        const res = await app.inject({ method: 'GET', url: '/api/appeals/inbox', headers: executor.headers });
        expect(res.statusCode).toBe(200);
        expect(res.json().total).toBe(res.json().items.length);
      }
      // One statement: the page, with the list's count in a subquery.
      const lists = (await generic()).filter((l) => l.statement.includes('from "appeal" as "a"') && l.statement.includes("a.state in ('registered'"));
      expect(lists).toHaveLength(1);
      expect(lists[0]!.statement).toContain('select count(*)');
      // A generic plan kept: the literal work states prove appeal_work_ix's partial predicate.
      expect(lists[0]!.genericPlans, lists[0]!.statement).toBeGreaterThan(0);
      // The coordination centre's summary and the public statistics: one named statement (rollup and overdue index ranges).
      const coordinator = await login(app, 'coordinator');
      for (let i = 0; i < 8; i++) {
        const period = i % 2 ? 'from=2025-01-01&to=2025-12-31' : 'from=2025-02-01&to=2025-02-28';
        expect((await app.inject({ method: 'GET', url: `/api/appeals/reports/summary?regionCode=${REGION}&${period}`, headers: coordinator.headers })).statusCode).toBe(200);
      }
      const summary = (await generic()).filter((l) => l.statement.includes('appeal_report_day'));
      expect(summary).toHaveLength(1);
      expect(summary[0]!.genericPlans).toBeGreaterThan(0);
      // A state filter is a parameter: that list stays unnamed.
      expect((await app.inject({ method: 'GET', url: '/api/appeals/inbox?state=registered', headers: executor.headers })).statusCode).toBe(200);
      expect((await prepared()).filter((r) => r.statement.includes('"a"."state" = $')).length).toBe(0);
    }));
});
