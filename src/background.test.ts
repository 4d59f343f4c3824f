import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../test/db.ts';
import { ACCEPTANCE_PURGE_JOB, busySince, IDEMPOTENCY_PURGE_JOB, purgeExpiredIdempotencyKeys, REPORTS_COMPACT_JOB, startBackground } from './background.ts';
import { loadConfig } from './config.ts';
import { fixedClock } from './platform/clock.ts';
import { withIdempotency } from './platform/http/idempotency.ts';
import type { Jobs } from './platform/jobs/jobs.ts';
import { NOTICE_RECOVER_JOB } from './platform/notify/notify.job.ts';

/**
 * The background side on a real database: the idempotency-key purge is scheduled with pg-boss
 * and, run by its worker, deletes the keys past their 24 h and keeps the live ones; the reports'
 * rollup fold runs every minute and, run by its worker, folds the change rows.
 */

let t: TestDb;
let jobs: Jobs | undefined;
const NOW = new Date('2026-03-18T06:00:00Z');

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await jobs?.stop({ timeoutMs: 5000 });
  await t?.close();
});

const claim = (key: string, at: Date) =>
  t.db.transaction().execute((trx) => withIdempotency(trx, { scope: 'bg', key, hash: 'h', now: at }, async () => ({ statusCode: 201, body: { key } })));
const keys = async () => (await t.db.selectFrom('idempotencyKey').select('key').where('scope', '=', 'bg').orderBy('key').execute()).map((r) => r.key);

describe('idempotency-key purge', () => {
  it('is scheduled hourly and, run by the worker, deletes expired keys and keeps live ones', async () => {
    const hour = 3_600_000;
    await claim('expired-1', new Date(NOW.getTime() - 30 * hour));
    await claim('expired-2', new Date(NOW.getTime() - 25 * hour));
    await claim('live-1', new Date(NOW.getTime() - 23 * hour));
    await claim('live-2', NOW);
    expect(await keys()).toEqual(['expired-1', 'expired-2', 'live-1', 'live-2']);

    const config = loadConfig({ SEED_DEMO: 'false', LOG_LEVEL: 'silent', DATABASE_URL: t.url });
    const log: string[] = [];
    jobs = await startBackground({ databaseUrl: t.url, db: t.db, clock: fixedClock(NOW), log: (s) => log.push(s), config });
    const schedule = await t.pool.query<{ cron: string }>(`select cron from pgboss.schedule where name = $1`, [IDEMPOTENCY_PURGE_JOB.name]);
    expect(schedule.rows).toEqual([{ cron: '23 * * * *' }]);
    const acceptances = await t.pool.query<{ cron: string }>(`select cron from pgboss.schedule where name = $1`, [ACCEPTANCE_PURGE_JOB.name]);
    expect(acceptances.rows).toEqual([{ cron: '29 * * * *' }]);

    await jobs.send(IDEMPOTENCY_PURGE_JOB, {});
    const end = Date.now() + 20_000;
    while ((await keys()).length > 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
    expect(await keys()).toEqual(['live-1', 'live-2']);
  }, 40_000);

  it('purges in batches until nothing expired is left', async () => {
    const at = new Date(NOW.getTime() - 48 * 3_600_000);
    for (const k of ['b-1', 'b-2', 'b-3']) await claim(k, at);
    expect(await purgeExpiredIdempotencyKeys(t.db, NOW, 2)).toBe(3);
    expect(await keys()).toEqual(['live-1', 'live-2']);
    expect(await purgeExpiredIdempotencyKeys(t.db, NOW, 2)).toBe(0);
  });
});

describe('reports rollup fold', () => {
  it('is scheduled every minute and, run by the worker, folds the change rows into the daily rollup', async () => {
    // Two changes of one key (an appeal counted, then moved away): they fold to a zero row.
    const key = `'350000000', '10000000-0000-4000-8000-000000000009', '2026-03-02'`;
    await t.pool.query(`insert into appeal_report_change (region_code, organization_id, registered_on, received, answered, rating_sum)
      values (${key}, 1, 1, 4), (${key}, -1, -1, -4)`);
    const config = loadConfig({ SEED_DEMO: 'false', LOG_LEVEL: 'silent', DATABASE_URL: t.url });
    jobs ??= await startBackground({ databaseUrl: t.url, db: t.db, clock: fixedClock(NOW), log: () => {}, config });
    const schedule = await t.pool.query<{ cron: string }>(`select cron from pgboss.schedule where name = $1`, [REPORTS_COMPACT_JOB.name]);
    expect(schedule.rows).toEqual([{ cron: '* * * * *' }]);
    await jobs.send(REPORTS_COMPACT_JOB, {});
    const changes = async () => Number((await t.pool.query<{ n: string }>('select count(*) as n from appeal_report_change')).rows[0]!.n);
    const end = Date.now() + 20_000;
    while ((await changes()) > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
    expect(await changes()).toBe(0);
    const day = await t.pool.query(`select received, answered, rating_sum from appeal_report_day where (region_code, organization_id, registered_on) = (${key})`);
    expect(day.rows).toEqual([{ received: 0, answered: 0, rating_sum: 0 }]);
  }, 40_000);
});

describe('lost notice deliveries', () => {
  it('are looked for every 10 minutes, and a run by the worker queues a delivery again whose job was lost', async () => {
    const config = loadConfig({ SEED_DEMO: 'false', LOG_LEVEL: 'silent', DATABASE_URL: t.url });
    jobs ??= await startBackground({ databaseUrl: t.url, db: t.db, clock: fixedClock(NOW), log: () => {}, config });
    const schedule = await t.pool.query<{ cron: string }>(`select cron from pgboss.schedule where name = $1`, [NOTICE_RECOVER_JOB.name]);
    expect(schedule.rows).toEqual([{ cron: '*/10 * * * *' }]);
    // A pending SMS from two hours before the clock, whose job is gone.
    const noticeId = '00000000-0000-7000-8000-00000000a001';
    const at = new Date(NOW.getTime() - 2 * 3600_000);
    await t.pool.query(`insert into notice (region_code, id, phone, lang, template, params, title, body, created_at)
      values ('350000000', $1, '+77015550199', 'ru', 'notify:notice.test', '{}', 't', 'b', $2)`, [noticeId, at]);
    await t.pool.query(`insert into notice_delivery (region_code, notice_id, channel, status, attempts, updated_at) values ('350000000', $1, 'sms', 'pending', 0, $2)`, [noticeId, at]);
    await jobs.send(NOTICE_RECOVER_JOB, {});
    const end = Date.now() + 20_000;
    let status = 'pending';
    while (status === 'pending' && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 200));
      status = (await t.pool.query<{ status: string }>(`select status from notice_delivery where notice_id = $1`, [noticeId])).rows[0]!.status;
    }
    // Sent by the log stand-in (the default NOTIFY_CHANNELS), as the lost job would have.
    expect(status).toBe('delivered');
  }, 40_000);
});

describe('busySince', () => {
  it('stays busy for the hold after it last saw more than one request in flight', () => {
    let n = 0;
    let t = 1_000;
    const busy = busySince(() => n, 500, () => t);
    expect(busy()).toBe(false);
    n = 5;
    expect(busy()).toBe(true);
    n = 1;
    t += 499;
    expect(busy()).toBe(true); // a lull between requests
    t += 1;
    expect(busy()).toBe(false);
    n = 2;
    expect(busy()).toBe(true);
  });
});
