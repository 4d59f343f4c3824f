import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type TestApp } from '../../../test/app.ts';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { createDb, type Db } from './database.ts';
import { prepareStatement, preparedName } from './prepared.ts';

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

  it('the sign-in statement and the revision read are named once a request used them, and still answer right', async () => {
    const config = loadConfig({ SEED_DEMO: 'false', LOG_LEVEL: 'silent', LOGIN_RATE_LIMIT: '1000', DATABASE_URL: t.testDb.url });
    const app = await buildApp({ config, db: one, logger: false });
    try {
      await app.ready();
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
    } finally {
      await app.close();
    }
  });
});
