import { createRequire } from 'node:module';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/db.ts';
import { defineJob, enqueue, ensureQueues, startJobs, type Jobs } from './jobs.ts';

const ping = defineJob<{ caseId: string }>('test.ping');
const later = defineJob<{ n: number }>('test.later', { retryLimit: 0 });
const tick = defineJob<{ from: string }>('test.tick', { policy: 'stately' });

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.close();
});

async function jobRows(name: string) {
  const { rows } = await sql<{ id: string; data: unknown; state: string; startAfter: Date }>`
    select id, data, state, start_after from pgboss.job where name = ${name} order by created_on`.execute(t.db);
  return rows;
}

describe('pg-boss schema from migration 0004', () => {
  it('is the schema version the installed pg-boss expects', async () => {
    const expected = (createRequire(import.meta.url)('pg-boss/version.json') as { schema: number }).schema;
    const { rows } = await sql<{ version: number }>`select version from pgboss.version`.execute(t.db);
    expect(rows[0]?.version).toBe(expected);
  });
});

describe('enqueue in the caller transaction', () => {
  it('commits with the business change and creates a missing queue on the way', async () => {
    const id = await t.db.transaction().execute((trx) => enqueue(trx, ping, { caseId: 'c-1' }));
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const rows = await jobRows('test.ping');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id, data: { caseId: 'c-1' }, state: 'created' });
  });

  it('disappears when the transaction rolls back', async () => {
    await ensureQueues(t.db, [later]);
    await expect(
      t.db.transaction().execute(async (trx) => {
        await enqueue(trx, later, { n: 1 });
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    expect(await jobRows('test.later')).toHaveLength(0);
  });

  it('honours startAfter and singleton keys', async () => {
    const at = new Date('2030-01-01T04:00:00Z');
    await t.db.transaction().execute(async (trx) => {
      expect(await enqueue(trx, later, { n: 2 }, { startAfter: at, singletonKey: 'k', singletonSeconds: 3600 })).toBeDefined();
      expect(await enqueue(trx, later, { n: 3 }, { startAfter: at, singletonKey: 'k', singletonSeconds: 3600 })).toBeUndefined();
    });
    const rows = await jobRows('test.later');
    expect(rows).toHaveLength(1);
    expect(new Date(rows[0]!.startAfter).toISOString()).toBe(at.toISOString());
  });
});

describe('startJobs', () => {
  let jobs: Jobs;
  beforeAll(async () => {
    jobs = await startJobs({ databaseUrl: t.url, jobs: [ping, later, tick], supervise: false, pollingIntervalSeconds: 0.5 });
  });
  afterAll(async () => {
    await jobs?.stop({ timeoutMs: 2000 });
  });

  it('runs a worker for jobs enqueued in a committed transaction', async () => {
    const seen: string[] = [];
    const done = new Promise<void>((resolve) => {
      void jobs.work(ping, async (data) => {
        seen.push(data.caseId);
        if (seen.includes('c-2')) resolve();
      });
    });
    await t.db.transaction().execute((trx) => enqueue(trx, ping, { caseId: 'c-2' }));
    await done;
    expect(seen).toContain('c-2');
  });

  it('registers cron schedules and refuses unregistered jobs', async () => {
    await jobs.schedule({ job: tick, cron: '*/5 * * * *', data: { from: 'cron' } });
    const schedules = await jobs.boss.getSchedules();
    expect(schedules.find((s) => s.name === 'test.tick')).toMatchObject({ cron: '*/5 * * * *' });
    await expect(jobs.send(defineJob('test.unknown'), {})).rejects.toThrow(/not registered/);
  });
});
