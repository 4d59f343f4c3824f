import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/db.ts';
import { fixedClock } from '../clock.ts';
import { DomainError } from '../http/errors.ts';
import { inboxAdapter, logAdapter, maskEmail, maskPhone, scrubContacts, type NoticeAdapter } from './notify.adapters.ts';
import { deliverNotice, deliverNotices, type DeliveryDeps } from './notify.delivery.ts';
import { enqueueNotice, enqueueNotices, listInbox, markRead, NoticeError, renderNotice } from './notify.ts';
import { contactsOf, jobsFor, makeAccount, REGION, testNotice } from './fixtures.test-support.ts';

let tdb: TestDb;
const clock = fixedClock('2026-03-10T05:00:00Z');
let alice: string;
let bob: string;
const logLines: string[] = [];
let deps: DeliveryDeps;

beforeAll(async () => {
  tdb = await createTestDb();
  alice = await makeAccount(tdb.db, 'kk');
  bob = await makeAccount(tdb.db, 'ru');
  deps = {
    db: tdb.db,
    clock,
    adapters: [inboxAdapter(tdb.db, clock), logAdapter((l) => logLines.push(l))],
    resolveContact: contactsOf({ [alice]: { email: 'alice.sarsenova@example.kz', phone: '+77015550201' }, [bob]: {} }),
  };
});
afterAll(() => tdb.close());

const enqueue = (n: Parameters<typeof enqueueNotice>[1]) => tdb.db.transaction().execute((trx) => enqueueNotice(trx, n, clock.now()));
const deliveries = (noticeId: string) =>
  tdb.db.selectFrom('noticeDelivery').selectAll().where('noticeId', '=', noticeId).orderBy('channel').execute();
const attempts = (noticeId: string) =>
  tdb.db.selectFrom('noticeAttempt').selectAll().where('noticeId', '=', noticeId).orderBy('channel').orderBy('attemptNo').execute();

describe('enqueueNotice (the outbox)', () => {
  it('writes nothing when the producer\'s transaction rolls back: no notice, no delivery, no job', async () => {
    let id = '';
    await expect(
      tdb.db.transaction().execute(async (trx) => {
        id = await enqueueNotice(trx, testNotice(alice, { channels: ['inbox', 'sms'] }), clock.now());
        throw new Error('the appeal could not be saved');
      }),
    ).rejects.toThrow('the appeal could not be saved');
    expect(id).not.toBe('');
    expect(await tdb.db.selectFrom('notice').select('id').where('id', '=', id).execute()).toEqual([]);
    expect(await deliveries(id)).toEqual([]);
    expect(await jobsFor(tdb.db, id)).toEqual([]);
  });

  it('commits the notice rendered in the recipient\'s language, in the inbox at once, and a delivery and a job per other channel', async () => {
    const id = await enqueue(testNotice(alice, { lang: 'kk', channels: ['inbox', 'sms', 'inbox'], subject: { type: 'appeal', id: 'a-1' } }));
    const n = await tdb.db.selectFrom('notice').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(n).toMatchObject({
      regionCode: REGION,
      accountId: alice,
      lang: 'kk',
      title: 'Ortak: тексеру хабарламасы',
      body: 'Бұл Айгерім үшін тексеру хабарламасы. Егер оны алсаңыз, арна жұмыс істеп тұр.',
      aboutType: 'appeal',
      aboutId: 'a-1',
      params: { name: 'Айгерім' },
    });
    // The inbox is this database: delivered with the commit, its attempt on record, no job.
    expect((await deliveries(id)).map((d) => [d.channel, d.status, d.adapter, d.attempts, d.deliveredAt?.toISOString() ?? null])).toEqual([
      ['inbox', 'delivered', 'inbox', 1, clock.now().toISOString()],
      ['sms', 'pending', null, 0, null],
    ]);
    expect((await attempts(id)).map((a) => [a.channel, a.attemptNo, a.adapter, a.isOk])).toEqual([['inbox', 1, 'inbox', true]]);
    expect(await tdb.db.selectFrom('inboxMessage').select(['accountId', 'title', 'aboutType', 'aboutId', 'readAt']).where('noticeId', '=', id).execute()).toEqual([
      { accountId: alice, title: 'Ortak: тексеру хабарламасы', aboutType: 'appeal', aboutId: 'a-1', readAt: null },
    ]);
    const jobs = await jobsFor(tdb.db, id);
    expect(jobs.map((j) => [j.data.channel, j.state])).toEqual([['sms', 'created']]);
    expect(jobs[0]!.data).toEqual({ regionCode: REGION, noticeId: id, channel: 'sms' });
  });

  it('is idempotent by dedupe key: the same key gives the same notice and no second delivery', async () => {
    const input = testNotice(alice, { dedupeKey: 'appeal:a-2:slip' });
    const first = await enqueue(input);
    const again = await enqueue({ ...input, params: { name: 'someone else' } });
    expect(again).toBe(first);
    // Two producers at once: one notice.
    const [x, y] = await Promise.all([enqueue({ ...input, dedupeKey: 'appeal:a-3:slip' }), enqueue({ ...input, dedupeKey: 'appeal:a-3:slip' })]);
    expect(x).toBe(y);
    for (const key of ['appeal:a-2:slip', 'appeal:a-3:slip']) {
      const rows = await tdb.db.selectFrom('notice').select('id').where('dedupeKey', '=', key).execute();
      expect(rows).toHaveLength(1);
      expect(await deliveries(rows[0]!.id)).toHaveLength(1);
      expect(await tdb.db.selectFrom('inboxMessage').select('noticeId').where('noticeId', '=', rows[0]!.id).execute()).toHaveLength(1);
    }
    // The key is per region.
    expect(await enqueue({ ...input, regionCode: '710000000' })).not.toBe(first);
  });

  it('writes many at once with the same guarantees: each rendered in its language with its own instant, a key used before or twice written once', async () => {
    const earlier = await enqueue(testNotice(alice, { dedupeKey: 'appeal:b-1:slip' }));
    const at = new Date('2026-03-10T06:00:00Z');
    const written = await tdb.db.transaction().execute((trx) =>
      enqueueNotices(trx, [
        { notice: testNotice(alice, { dedupeKey: 'appeal:b-1:slip' }), at }, // used before: nothing
        { notice: testNotice(bob, { lang: 'ru', channels: ['inbox', 'email'], dedupeKey: 'appeal:b-2:x' }), at },
        { notice: testNotice(bob, { lang: 'ru', channels: ['inbox', 'email'], dedupeKey: 'appeal:b-2:x' }), at }, // twice in the list: once
        { notice: testNotice(alice, { lang: 'kk', subject: { type: 'appeal', id: 'b-3' } }), at: new Date('2026-03-10T06:00:01Z') },
      ]),
    );
    expect(written).toBe(2);
    expect(await tdb.db.selectFrom('notice').select('id').where('dedupeKey', '=', 'appeal:b-1:slip').execute()).toEqual([{ id: earlier }]);
    const rows = await tdb.db.selectFrom('notice').selectAll().where('createdAt', '>=', at).orderBy('createdAt').execute();
    expect(rows.map((r) => [r.accountId, r.lang, r.title, r.aboutId, r.createdAt.toISOString()])).toEqual([
      [bob, 'ru', 'Ortak: проверочное уведомление', null, '2026-03-10T06:00:00.000Z'],
      [alice, 'kk', 'Ortak: тексеру хабарламасы', 'b-3', '2026-03-10T06:00:01.000Z'],
    ]);
    expect((await deliveries(rows[0]!.id)).map((d) => d.channel)).toEqual(['email', 'inbox']);
    expect((await jobsFor(tdb.db, rows[0]!.id)).map((j) => j.data.channel)).toEqual(['email']);
    expect(await jobsFor(tdb.db, rows[1]!.id)).toEqual([]);
    expect(await tdb.db.selectFrom('inboxMessage').select(['accountId', 'createdAt']).where('noticeId', 'in', [rows[0]!.id, rows[1]!.id]).orderBy('createdAt').execute()).toEqual([
      { accountId: bob, createdAt: at },
      { accountId: alice, createdAt: new Date('2026-03-10T06:00:01Z') },
    ]);
    // Refused as one by one: nothing of the list is written.
    await expect(tdb.db.transaction().execute((trx) => enqueueNotices(trx, [{ notice: testNotice(alice, { dedupeKey: 'c-1' }), at }, { notice: testNotice(alice, { channels: [] }), at }]))).rejects.toThrow(NoticeError);
    expect(await tdb.db.selectFrom('notice').select('id').where('dedupeKey', '=', 'c-1').execute()).toEqual([]);
  });

  it('refuses what a producer must not do', async () => {
    await expect(enqueue(testNotice(alice, { template: 'notify:notice.nonexistent' }))).rejects.toThrow(NoticeError);
    await expect(enqueue(testNotice(alice, { params: { name: 'x', iin: '900515301234' } }))).rejects.toThrow(/personal data/);
    await expect(enqueue(testNotice(null, { to: { phone: '+77015550201' } }))).rejects.toThrow(/inbox channel needs an account/);
    await expect(enqueue(testNotice(null, { to: {}, channels: ['sms'] }))).rejects.toThrow(/needs an account, an e-mail or a phone/);
    await expect(enqueue(testNotice(alice, { channels: [] }))).rejects.toThrow(NoticeError);
    await expect(enqueue(testNotice(alice, { regionCode: '35' }))).rejects.toThrow(NoticeError);
    expect(renderNotice('en', 'notify:notice.test', { name: 'Aigerim' }).title).toBe('Ortak: test notice');
  });
});

describe('deliverNotice', () => {
  it('puts a notice in the inbox once, however many times an inbox job runs', async () => {
    const id = await enqueue(testNotice(alice, { lang: 'ru' }));
    const key = { regionCode: REGION, noticeId: id, channel: 'inbox' as const };
    // Delivered with the producer's commit; a job for it (queued by a version that sent the inbox
    // through the worker) finds it done.
    expect(await deliverNotice(deps, key)).toEqual({ status: 'done_before' });
    // Even a run that finds the delivery not marked (a crash between the insert and the record) adds no second row.
    await tdb.db.updateTable('noticeDelivery').set({ status: 'pending' }).where('noticeId', '=', id).execute();
    expect(await deliverNotice(deps, key)).toMatchObject({ status: 'delivered', attempt: 2, adapter: 'inbox', isFallback: false });
    const inbox = await tdb.db.selectFrom('inboxMessage').selectAll().where('noticeId', '=', id).execute();
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ accountId: alice, title: 'Ortak: проверочное уведомление', readAt: null });
    expect((await attempts(id)).map((a) => [a.attemptNo, a.isOk, a.adapter])).toEqual([[1, true, 'inbox'], [2, true, 'inbox']]);
    expect(await deliverNotice(deps, { ...key, noticeId: '00000000-0000-4000-8000-000000000000' })).toEqual({ status: 'missing' });
  });

  it('records e-mail and SMS as delivered by log when their adapters are off, with contacts masked', async () => {
    const id = await enqueue(testNotice(alice, { channels: ['email', 'sms'], lang: 'en' }));
    logLines.length = 0;
    for (const channel of ['email', 'sms'] as const) {
      expect(await deliverNotice(deps, { regionCode: REGION, noticeId: id, channel })).toMatchObject({ status: 'delivered', adapter: 'log', isFallback: true });
    }
    expect((await deliveries(id)).map((d) => [d.channel, d.status, d.adapter, d.isFallback])).toEqual([
      ['email', 'delivered', 'log', true],
      ['sms', 'delivered', 'log', true],
    ]);
    expect(logLines).toHaveLength(2);
    expect(logLines[0]).toContain(`[notice] ${id} channel=email to=a***@example.kz`);
    expect(logLines[1]).toContain('to=+7********01');
    expect(logLines[1]).toContain('subject="Ortak: test notice"');
    for (const line of logLines) {
      expect(line).not.toContain('alice.sarsenova');
      expect(line).not.toContain('7015550201');
      expect(line).not.toContain('Aigerim'); // the body (which may name the person) is not logged
    }
  });

  it('uses raw contacts given by the producer, and fails for good when there is none', async () => {
    const raw = await enqueue(testNotice(null, { to: { phone: '+77770001122' }, channels: ['sms'] }));
    logLines.length = 0;
    expect(await deliverNotice(deps, { regionCode: REGION, noticeId: raw, channel: 'sms' })).toMatchObject({ status: 'delivered' });
    expect(logLines[0]).toContain('to=+7********22');
    const none = await enqueue(testNotice(bob, { channels: ['sms'] }));
    expect(await deliverNotice(deps, { regionCode: REGION, noticeId: none, channel: 'sms' })).toMatchObject({
      status: 'failed',
      error: 'the recipient has no phone number',
    });
    const [a] = await attempts(none);
    expect(a).toMatchObject({ isOk: false, isRetryable: false, attemptNo: 1 });
  });

  it('skips a channel no adapter serves when even log is off', async () => {
    const id = await enqueue(testNotice(alice, { channels: ['email'] }));
    const out = await deliverNotice({ ...deps, adapters: [inboxAdapter(tdb.db, clock)] }, { regionCode: REGION, noticeId: id, channel: 'email' });
    expect(out).toMatchObject({ status: 'skipped', adapter: 'none' });
  });

  it('retries a retryable failure up to the limit, recording every attempt, then marks it failed', async () => {
    const flaky: NoticeAdapter = {
      name: 'sms',
      channel: 'sms',
      deliver: async (_n, c) => ({ ok: false, error: `gateway busy for ${c.phone} / ${'alice.sarsenova@example.kz'}`, retryable: true }),
    };
    const d = { ...deps, adapters: [flaky], maxAttempts: 3 };
    const id = await enqueue(testNotice(alice, { channels: ['sms'] }));
    const key = { regionCode: REGION, noticeId: id, channel: 'sms' as const };
    expect((await deliverNotice(d, key)).status).toBe('retrying');
    expect((await deliverNotice(d, key)).status).toBe('retrying');
    expect((await deliverNotice(d, key)).status).toBe('failed');
    expect(await deliverNotice(d, key)).toEqual({ status: 'done_before' });
    const rows = await attempts(id);
    expect(rows.map((r) => [r.attemptNo, r.isOk, r.isRetryable])).toEqual([[1, false, true], [2, false, true], [3, false, true]]);
    // Errors are stored with contacts masked.
    expect(rows[0]!.error).toBe('gateway busy for +7********01 / a***@example.kz');
    expect((await deliveries(id))[0]).toMatchObject({ status: 'failed', attempts: 3, lastError: 'gateway busy for +7********01 / a***@example.kz' });
  });

  it('takes a batch set-wise: each key its own outcome, in order, every attempt recorded', async () => {
    let calls = 0;
    const gateway: NoticeAdapter = {
      name: 'sms',
      channel: 'sms',
      deliver: async (_n, c) => {
        calls++;
        return c.phone === '+77770000003' ? { ok: false, error: 'gateway busy', retryable: true } : { ok: true, providerId: `p-${c.phone}` };
      },
    };
    const d = { ...deps, adapters: [gateway] };
    const sms = async (phone: string) => enqueue(testNotice(null, { to: { phone }, channels: ['sms'] }));
    const [ok1, ok2, busy, before] = [await sms('+77770000001'), await sms('+77770000002'), await sms('+77770000003'), await sms('+77770000004')];
    const key = (noticeId: string) => ({ regionCode: REGION, noticeId, channel: 'sms' as const });
    expect(await deliverNotice(d, key(before))).toMatchObject({ status: 'delivered', attempt: 1 });
    const email = await enqueue(testNotice(alice, { channels: ['email'] }));
    calls = 0;
    const out = await deliverNotices(d, [key(ok1), key(busy), key(before), key('00000000-0000-4000-8000-000000000000'), { regionCode: REGION, noticeId: email, channel: 'email' }, key(ok2)]);
    expect(out).toEqual([
      { status: 'delivered', attempt: 1, adapter: 'sms', isFallback: false },
      { status: 'retrying', attempt: 1, adapter: 'sms', isFallback: false, error: 'gateway busy' },
      { status: 'done_before' },
      { status: 'missing' },
      { status: 'skipped', attempt: 1, adapter: 'none', isFallback: false, error: 'no adapter is switched on for channel email (NOTIFY_CHANNELS)' },
      { status: 'delivered', attempt: 1, adapter: 'sms', isFallback: false },
    ]);
    expect(calls).toBe(3); // the final one and the missing one are not sent
    expect((await deliveries(ok2))[0]).toMatchObject({ status: 'delivered', attempts: 1, providerId: 'p-+77770000002' });
    expect((await deliveries(busy))[0]).toMatchObject({ status: 'retrying', attempts: 1, lastError: 'gateway busy' });
    expect((await attempts(busy)).map((a) => [a.attemptNo, a.isOk, a.isRetryable])).toEqual([[1, false, true]]);
    expect(await deliverNotices(d, [])).toEqual([]);
  });

  it('an adapter that throws counts as a retryable failure', async () => {
    const broken: NoticeAdapter = { name: 'smtp', channel: 'email', deliver: async () => { throw new Error('socket hang up'); } };
    const id = await enqueue(testNotice(alice, { channels: ['email'] }));
    expect(await deliverNotice({ ...deps, adapters: [broken] }, { regionCode: REGION, noticeId: id, channel: 'email' })).toMatchObject({
      status: 'retrying',
      error: 'socket hang up',
    });
  });
});

describe('the inbox', () => {
  it('lists an account\'s notices newest first with the unread count; marks read only its own', async () => {
    const carol = await makeAccount(tdb.db);
    const dave = await makeAccount(tdb.db);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      clock.advance(60_000);
      ids.push(await enqueue(testNotice(carol, { params: { name: `#${i}` } })));
    }
    const page = await listInbox(tdb.db, carol, { limit: 2, offset: 0 });
    expect(page).toMatchObject({ total: 3, unread: 3, limit: 2, offset: 0 });
    expect(page.items.map((i) => i.id)).toEqual([ids[2], ids[1]]);
    expect(page.items[0]!.body).toContain('#2');
    expect((await listInbox(tdb.db, carol, { limit: 2, offset: 2 })).items.map((i) => i.id)).toEqual([ids[0]]);

    const e = await markRead(tdb.db, dave, ids[0]!, clock.now()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe('not_found');
    expect((await listInbox(tdb.db, carol, { limit: 10, offset: 0 })).unread).toBe(3);

    const first = await markRead(tdb.db, carol, ids[0]!, clock.now());
    clock.advance(60_000);
    const second = await markRead(tdb.db, carol, ids[0]!, clock.now());
    expect(second.readAt).toEqual(first.readAt);
    expect((await listInbox(tdb.db, carol, { limit: 10, offset: 0 })).unread).toBe(2);
    expect((await listInbox(tdb.db, dave, { limit: 10, offset: 0 })).total).toBe(0);
  });
});

describe('masking', () => {
  it('masks phones and e-mails, also inside free text', () => {
    expect(maskPhone('+77015550201')).toBe('+7********01');
    expect(maskPhone('87015550201')).toBe('8********01');
    expect(maskEmail('o.petrova@example.kz')).toBe('o***@example.kz');
    expect(maskEmail('broken')).toBe('***');
    expect(scrubContacts('550 5.1.1 <o.petrova@example.kz>: no such user; call +7 (701) 555-02-01')).toBe(
      '550 5.1.1 <o***@example.kz>: no such user; call +7********01',
    );
  });
});
