import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/db.ts';
import { systemClock } from '../clock.ts';
import { startJobs, type Jobs } from '../jobs/jobs.ts';
import { inboxAdapter, logAdapter, smsAdapter } from './notify.adapters.ts';
import { registerNotifyJobs, requeueStaleDeliveries } from './notify.delivery.ts';
import { NOTICE_DELIVERY_JOB, NOTICE_STALE_AFTER_MS, NOTIFY_JOBS } from './notify.job.ts';
import { enqueueNotice } from './notify.ts';
import { contactsOf, jobsFor, makeAccount, REGION, testNotice } from './fixtures.test-support.ts';
import { DEFAULT_SMS_TEMPLATE } from '../../config.ts';

/**
 * End to end through pg-boss: a notice committed by a producer is picked up by the worker,
 * delivered to the inbox and through an SMS gateway that fails once (retried by pg-boss with
 * backoff), and every attempt is on record.
 */

let tdb: TestDb;
let jobs: Jobs;
let gateway: http.Server;
let hits = 0;
let account: string;
const logLines: string[] = [];

beforeAll(async () => {
  tdb = await createTestDb();
  account = await makeAccount(tdb.db, 'kk');
  gateway = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits++;
      if (hits === 1) res.writeHead(503).end('try later');
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messageId: `m-${hits}` }));
    });
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/sms`;

  jobs = await startJobs({ databaseUrl: tdb.url, jobs: [...NOTIFY_JOBS], schedule: false, supervise: false, poolSize: 2, pollingIntervalSeconds: 0.5, onError: () => {} });
  // Production waits 30 s before the first retry; here 1 s (pg-boss backoff: 1–2 s).
  await jobs.boss.updateQueue(NOTICE_DELIVERY_JOB.name, { name: NOTICE_DELIVERY_JOB.name, retryLimit: 5, retryDelay: 1, retryBackoff: true });
  await registerNotifyJobs(jobs, {
    db: tdb.db,
    clock: systemClock,
    adapters: [inboxAdapter(tdb.db, systemClock), smsAdapter({ url, token: 't', template: DEFAULT_SMS_TEMPLATE }), logAdapter((l) => logLines.push(l))],
    resolveContact: contactsOf({ [account]: { phone: '+77015550201' } }),
  });
});
afterAll(async () => {
  await jobs?.stop({ timeoutMs: 5000 });
  await new Promise<void>((resolve) => gateway.close(() => resolve()));
  await tdb.close();
});

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 25_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('the delivery worker on pg-boss', () => {
  it('delivers a committed notice to every channel, retrying a failed SMS with backoff', async () => {
    const id = await tdb.db.transaction().execute((trx) =>
      enqueueNotice(trx, testNotice(account, { channels: ['inbox', 'sms', 'email'], lang: 'kk' }), new Date()),
    );
    const rows = await until('all three deliveries to finish', async () => {
      const r = await tdb.db.selectFrom('noticeDelivery').selectAll().where('noticeId', '=', id).orderBy('channel').execute();
      return r.every((d) => d.status === 'delivered' || d.status === 'failed') && r;
    });
    expect(rows.map((d) => [d.channel, d.status, d.adapter, d.isFallback, d.attempts])).toEqual([
      ['email', 'failed', 'log', true, 1], // no e-mail address known: the log stand-in reports what production would
      ['inbox', 'delivered', 'inbox', false, 1],
      ['sms', 'delivered', 'sms', false, 2],
    ]);
    expect(rows[2]!.providerId).toBe('m-2');
    const attempts = await tdb.db.selectFrom('noticeAttempt').selectAll().where('noticeId', '=', id).where('channel', '=', 'sms').orderBy('attemptNo').execute();
    expect(attempts.map((a) => [a.attemptNo, a.isOk, a.error])).toEqual([
      [1, false, 'sms gateway 503: try later'],
      [2, true, null],
    ]);
    // pg-boss waited before the retry (backoff ≥ retryDelay).
    expect(new Date(attempts[1]!.at).valueOf() - new Date(attempts[0]!.at).valueOf()).toBeGreaterThanOrEqual(900);
    const inbox = await tdb.db.selectFrom('inboxMessage').selectAll().where('noticeId', '=', id).execute();
    expect(inbox).toHaveLength(1);
    expect(inbox[0]!.title).toBe('Ortak: тексеру хабарламасы');
    // The jobs end completed: the retry was pg-boss's own.
    await until('jobs to complete', async () => (await jobsFor(tdb.db, id)).every((j) => j.state === 'completed'));
  }, 40_000);

  it('takes the deliveries waiting in batches: a wave of notices goes out in a few polls, not one job per poll', async () => {
    const at = new Date();
    const ids = await tdb.db.transaction().execute(async (trx) => {
      const out: string[] = [];
      for (let i = 0; i < 100; i++) out.push(await enqueueNotice(trx, testNotice(null, { to: { phone: `+7777${String(i).padStart(7, '0')}` }, channels: ['sms'] }), at));
      return out;
    });
    await until('the 100 deliveries', async () => {
      const r = await tdb.db.selectFrom('noticeDelivery').select('status').where('noticeId', 'in', ids).execute();
      return r.length === 100 && r.every((d) => d.status === 'delivered');
    });
    // pg-boss stamps a fetched batch with one started_on: a handful of fetches (batches of 64, two
    // loops), where one job per fetch every half second took 50 s for these.
    const { rows } = await sql<{ n: number }>`select count(distinct started_on)::int as n from pgboss.job where data->>'noticeId' = any(${ids}::text[])`.execute(tdb.db);
    expect(rows[0]!.n).toBeLessThanOrEqual(4);
  }, 40_000);

  it('a delivery whose job was lost is queued again after the stale period and delivered; one whose job still waits, or that is recent, is not', async () => {
    const old = new Date(Date.now() - NOTICE_STALE_AFTER_MS - 60_000);
    const sms = (n: number) => testNotice(null, { to: { phone: `+7701555${String(n).padStart(4, '0')}` }, channels: ['sms'] });
    const [lost, waiting, recent] = await tdb.db.transaction().execute(async (trx) => {
      const ids = [await enqueueNotice(trx, sms(1), old), await enqueueNotice(trx, sms(2), old), await enqueueNotice(trx, sms(3), new Date())];
      // The first and the third lose their jobs; the second's waits an hour (a long retry backoff).
      await sql`delete from pgboss.job where data->>'noticeId' = any(${[ids[0], ids[2]]}::text[])`.execute(trx);
      await sql`update pgboss.job set start_after = now() + interval '1 hour' where data->>'noticeId' = ${ids[1]}`.execute(trx);
      await sql`update notice_delivery set updated_at = ${old} where notice_id = any(${[ids[0], ids[1]]}::uuid[])`.execute(trx);
      return ids;
    });
    const requeued = await requeueStaleDeliveries(tdb.db, new Date());
    expect(requeued).toEqual([{ regionCode: REGION, noticeId: lost, channel: 'sms' }]);
    const delivered = await until('the lost one delivered', async () => {
      const d = await tdb.db.selectFrom('noticeDelivery').select(['status', 'attempts']).where('noticeId', '=', lost!).executeTakeFirstOrThrow();
      return d.status === 'delivered' && d;
    });
    expect(delivered.attempts).toBe(1);
    // Queued once: a second pass right after finds nothing (the row was stamped, then delivered).
    expect(await requeueStaleDeliveries(tdb.db, new Date())).toEqual([]);
    for (const id of [waiting!, recent!]) {
      expect((await tdb.db.selectFrom('noticeDelivery').select('status').where('noticeId', '=', id).executeTakeFirstOrThrow()).status).toBe('pending');
    }
    expect((await jobsFor(tdb.db, waiting!)).map((j) => j.state)).toEqual(['created']);
    expect(await jobsFor(tdb.db, recent!)).toEqual([]);
  }, 40_000);

  it('a notice whose transaction rolled back is never delivered', async () => {
    let id = '';
    await tdb.db
      .transaction()
      .execute(async (trx) => {
        id = await enqueueNotice(trx, testNotice(account), new Date());
        throw new Error('rollback');
      })
      .catch(() => {});
    await new Promise((r) => setTimeout(r, 2500));
    expect(await tdb.db.selectFrom('inboxMessage').select('noticeId').where('noticeId', '=', id).execute()).toEqual([]);
    expect(await jobsFor(tdb.db, id)).toEqual([]);
  });
});
