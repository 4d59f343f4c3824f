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
      await db.destroy();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
