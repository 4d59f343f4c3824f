import { createRequire } from 'node:module';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/db.ts';
import type { Executor } from '../db/database.ts';
import { revisions } from '../db/revision.ts';
import { defineJob, enqueue, enqueueMany, ensureQueues, startJobs, type Jobs } from './jobs.ts';

const ping = defineJob<{ caseId: string }>('test.ping');
const later = defineJob<{ n: number }>('test.later', { retryLimit: 0 });
const tick = defineJob<{ from: string }>('test.tick', { policy: 'stately' });
const bulk = defineJob<{ n: number }>('test.bulk', { retryLimit: 1, retryDelay: 1 });

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

describe('enqueueMany', () => {
  const batch = defineJob<{ n: number }>('test.batch');

  // A transaction that has read its revisions: the process memoizes the queue as known there.
  const inTransaction = (fn: (trx: Executor) => Promise<void>) =>
    t.db.transaction().execute(async (trx) => {
      await revisions(trx);
      await fn(trx);
    });

  // Jobs of one transaction share created_on: compare their payloads as a set.
  const batchNumbers = async () => (await jobRows('test.batch')).map((r) => (r.data as { n: number }).n).sort((a, b) => a - b);

  it('never loses jobs when a queue known to the process has since been deleted', async () => {
    await inTransaction((trx) => enqueueMany(trx, batch, [{ n: 1 }, { n: 2 }]));
    await inTransaction((trx) => enqueueMany(trx, batch, [{ n: 3 }, { n: 4 }])); // the bulk path: one INSERT
    expect(await batchNumbers()).toEqual([1, 2, 3, 4]);

    // Another process (or an operator) drops the queue: pg-boss's deleteQueue needs it empty.
    await sql`delete from pgboss.job where name = ${'test.batch'}`.execute(t.db);
    await sql`select pgboss.delete_queue(${'test.batch'})`.execute(t.db);
    await inTransaction((trx) => enqueueMany(trx, batch, [{ n: 5 }, { n: 6 }, { n: 7 }]));
    expect(await batchNumbers()).toEqual([5, 6, 7]);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pgboss.queue where name = ${'test.batch'}`.execute(t.db);
    expect(rows[0]!.n).toBe(1);
  });
});

describe('startJobs', () => {
  let jobs: Jobs;
  beforeAll(async () => {
    jobs = await startJobs({ databaseUrl: t.url, jobs: [ping, later, tick, bulk], supervise: false, pollingIntervalSeconds: 0.5 });
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

  it('takes a batch at once, and a job that throws in it is retried alone', async () => {
    await t.db.transaction().execute((trx) => enqueueMany(trx, bulk, Array.from({ length: 40 }, (_, n) => ({ n }))));
    const runs = new Map<number, number>();
    let inFlight = 0;
    let mostInFlight = 0;
    const all = new Promise<void>((resolve) => {
      void jobs.work(bulk, async ({ n }) => {
        runs.set(n, (runs.get(n) ?? 0) + 1);
        inFlight++;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        if (runs.size === 40 && runs.get(7) === 2) setTimeout(resolve, 300);
        if (n === 7 && runs.get(7) === 1) throw new Error('job 7 fails once');
      }, { batchSize: 50, concurrency: 4 });
    });
    await all;
    expect(mostInFlight).toBe(4);
    // One fetch took all of them (pg-boss stamps a fetched batch with one started_on); with one
    // job per fetch these 40 took 20 s of polling.
    const fetches = await sql<{ n: number }>`
      select count(distinct started_on)::int as n from pgboss.job where name = 'test.bulk' and (data->>'n')::int <> 7`.execute(t.db);
    expect(fetches.rows[0]!.n).toBe(1);
    // Job 7 alone ran twice; the others once, and none of them went to retry.
    expect([...runs].filter(([, k]) => k !== 1)).toEqual([[7, 2]]);
    const states = await sql<{ state: string; n: number; retryCount: number }>`
      select state, (data->>'n')::int as n, retry_count as "retryCount" from pgboss.job where name = 'test.bulk'`.execute(t.db);
    expect(states.rows.filter((r) => r.retryCount > 0).map((r) => r.n)).toEqual([7]);
    await new Promise((r) => setTimeout(r, 500));
    const after = await sql<{ state: string; count: number }>`select state, count(*)::int as count from pgboss.job where name = 'test.bulk' group by state`.execute(t.db);
    expect(after.rows).toEqual([{ state: 'completed', count: 40 }]);
  });

  it('registers cron schedules and refuses unregistered jobs', async () => {
    await jobs.schedule({ job: tick, cron: '*/5 * * * *', data: { from: 'cron' } });
    const schedules = await jobs.boss.getSchedules();
    expect(schedules.find((s) => s.name === 'test.tick')).toMatchObject({ cron: '*/5 * * * *' });
    await expect(jobs.send(defineJob('test.unknown'), {})).rejects.toThrow(/not registered/);
  });
});
