import { spawnSync } from 'node:child_process';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, sealAllAudit } from '../src/platform/audit/audit.ts';
import { createTestDb, type TestDb } from './db.ts';

/** The `ortak` CLI as an operator runs it (npm run audit:verify / db:migrate), against a real database. */
function ortak(args: string[], url: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  for (let i = 1; i <= 3; i++) {
    await t.db.transaction().execute((trx) =>
      appendAudit(trx, { regionCode: '350000000', actor: { kind: 'anonymous' }, action: 'cli.test', entityType: 'thing', entityId: String(i), data: { i }, at: new Date() }),
    );
  }
  await sealAllAudit(t.db);
});
afterAll(async () => t.close());

describe('ortak CLI', () => {
  it('migrate: nothing to apply on a migrated database', () => {
    const r = ortak(['migrate'], t.url);
    expect(r.out).toContain('Nothing to apply');
    expect(r.code).toBe(0);
  });

  it('audit verify: intact chain exits 0; a row edited with SQL is named, exit 1', async () => {
    const ok = ortak(['audit', 'verify'], t.url);
    expect(ok.out).toContain('region 350000000: 3 rows intact');
    expect(ok.code).toBe(0);

    await sql`alter table audit_log disable trigger audit_log_no_update`.execute(t.db);
    await sql`update audit_log set action = 'tampered' where region_code = '350000000' and entity_id = '2'`.execute(t.db);
    await sql`alter table audit_log enable trigger audit_log_no_update`.execute(t.db);
    const id = (await t.db.selectFrom('auditLog').select('id').where('entityId', '=', '2').executeTakeFirstOrThrow()).id;
    const broken = ortak(['audit', 'verify'], t.url);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain(`BROKEN: region 350000000, row 2 (id ${id})`);
  });

  it('unknown command: usage and exit 2', () => {
    const r = ortak(['frobnicate'], t.url);
    expect(r.code).toBe(2);
    expect(r.out).toContain('Commands: serve, migrate');
  });
});
