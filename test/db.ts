import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { withDatabase } from '../src/platform/db/cluster.ts';
import { createDb, type Db } from '../src/platform/db/database.ts';

export interface TestDb {
  db: Db;
  url: string;
  pool: pg.Pool;
  close(): Promise<void>;
}

/**
 * A fresh database for one test file, copied from the migrated template (fast: a file copy,
 * no schema dump, no re-running migrations). Call in beforeAll, close in afterAll.
 */
export async function createTestDb(): Promise<TestDb> {
  const adminUrl = inject('pgAdminUrl');
  const template = inject('pgTemplate');
  const name = `ortak_t${template.split('_').at(-1)}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name} template ${template}`);
  await admin.end();
  const url = withDatabase(adminUrl, name);
  const { db, pool } = createDb(url, 5);
  return {
    db,
    url,
    pool,
    async close() {
      // Whatever the file did to the register, the reports' rollup agrees with it.
      const drift = await rollupDrift(pool).catch((e: Error) => [`rollup check failed: ${e.message}`]);
      await db.destroy();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
      if (drift.length) throw new Error(`appeal_report_day + appeal_report_change differ from the register (key, rollup, register):\n${drift.join('\n')}`);
    },
  };
}

const FIGURES = ['received', 'closed', 'escalated', 'reopened', 'deemed', 'answered', 'on_time', 'unanswered_deemed', 'rated', 'rating_sum', 'satisfied', 'answer_days', 'answer_days_n'];

/**
 * The keys where the daily rollup of the reports (migration 0014: the folded rows plus the
 * change rows) differs from the figures computed from the register (`appeal_report_of_register`).
 */
export async function rollupDrift(pool: pg.Pool): Promise<string[]> {
  const sums = FIGURES.map((f) => `sum(${f})::int as ${f}`).join(', ');
  const r = await pool.query<{ key: string; kept: string | null; fresh: string | null }>(`
    with kept as (
      select region_code, organization_id, registered_on, ${sums}
      from (select * from appeal_report_day union all select * from appeal_report_change) k
      group by 1, 2, 3
      having ${FIGURES.map((f) => `sum(${f}) <> 0`).join(' or ')}
    ), fresh as (select * from appeal_report_of_register())
    select concat_ws(' ', region_code, organization_id, registered_on) as key,
      case when k.received is not null then (row(${FIGURES.map((f) => `k.${f}`).join(', ')}))::text end as kept,
      case when f.received is not null then (row(${FIGURES.map((f) => `f.${f}`).join(', ')}))::text end as fresh
    from kept k full join fresh f using (region_code, organization_id, registered_on)
    where row(${FIGURES.map((f) => `k.${f}`).join(', ')}) is distinct from row(${FIGURES.map((f) => `f.${f}`).join(', ')})
    order by 1 limit 20`);
  return r.rows.map((x) => `${x.key}: ${x.kept ?? '-'} ≠ ${x.fresh ?? '-'}`);
}
