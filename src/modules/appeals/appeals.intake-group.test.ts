import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fixedClock, type TestApp } from '../../../test/app.ts';
import { almaty } from '../../platform/workflow/fixtures.test-support.ts';
import { as, context, KARAGANDA, notices, pothole, type Ctx, type SlipJson } from './appeals.test-support.ts';
import { DEMO_OPEN311_KEY } from './open311/open311.demo.ts';

/**
 * The synchronous intake, group-committed (appeals.intake-group.ts): citizens' intakes that
 * arrive while another is being written are registered together, and each request is answered
 * as it would have been alone — its slip (201), its problem, a replay of its key — through the
 * real HTTP interface. One writer (APPEAL_INTAKE_WRITERS=1), held on a lock of the register
 * while the requests queue, so that the group is certain to form.
 */

const CITIZEN = '900515301234';
const OTHER = '061211600012';
const NEW_CALLER = '850308400027';
const REFUSED_CALLER = '920110500042';

let t: TestApp;
let ctx: Ctx;

beforeAll(async () => {
  t = await createTestApp({ clock: fixedClock(almaty('2026-03-17T11:00')), env: { APPEAL_INTAKE_WRITERS: '1' } });
  ctx = await context(t);
  await as(ctx, CITIZEN);
  await as(ctx, OTHER);
  await as(ctx, 'operator');
});
afterAll(async () => {
  await t?.close();
});

async function metric(name: string): Promise<number> {
  const body = (await t.app.inject('/metrics')).body;
  const m = new RegExp(`^${name.replace(/[{}"+]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(body);
  if (!m) throw new Error(`no ${name} in /metrics`);
  return Number(m[1]);
}

const post = async (who: string, body: Record<string, unknown>, key?: string, url = '/api/appeals') =>
  t.app.inject({ method: 'POST', url, headers: { ...(await as(ctx, who)), ...(key ? { 'idempotency-key': key } : {}) }, payload: body });
const OPERATOR_URL = '/api/appeals/operator';
const open311 = (body: Record<string, unknown>, key: string) =>
  t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'x-api-key': DEMO_OPEN311_KEY, 'idempotency-key': key }, payload: body });
const OPEN311_BODY = { service_code: 'roads.pothole', address_id: KARAGANDA, description: 'Яма на дороге у остановки, машины бьют колёса', phone: '87015550111', first_name: 'Иван' };

/**
 * Sends the requests while the register is locked: the first alone, written alone, until it waits
 * on the lock; then the others, which queue for the one writer; once all have queued, the lock
 * goes and they are written as one group.
 */
async function burst(requests: (() => ReturnType<typeof post>)[]) {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const holder = t.testDb.db.transaction().execute(async (trx) => {
    await sql`lock table appeal in share mode`.execute(trx);
    locked();
    await held;
  });
  await isLocked;
  const groupsBefore = await metric('ortak_appeal_intake_group_size_count');
  const alone = await metric('ortak_appeal_intake_group_size_bucket{le="1"}');
  const deadline = Date.now() + 20_000;
  const until = async (what: string, done: () => Promise<boolean>) => {
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(what);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const answers = [requests[0]!()];
  await until('the first request did not reach the lock', async () =>
    Number((await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(t.testDb.db)).rows[0]!.n) > 0);
  answers.push(...requests.slice(1).map((r) => r()));
  await until('the requests did not queue', async () => (await metric('ortak_appeal_intake_queue')) >= requests.length - 1);
  release();
  await holder;
  const res = await Promise.all(answers);
  const groups = (await metric('ortak_appeal_intake_group_size_count')) - groupsBefore;
  const grouped = groups - ((await metric('ortak_appeal_intake_group_size_bucket{le="1"}')) - alone);
  return { res, groups, grouped };
}

const slipSeq = (s: SlipJson) => Number(s.slipNumber.slice(-6));

describe('intakes arriving together', () => {
  it('are written as one group, each answered its own slip, with its rows, its notice and its stored answer', async () => {
    const texts = Array.from({ length: 12 }, (_, i) => `Яма на дороге у дома ${i + 1} по улице Ерубаева, машины бьют колёса`);
    const { res, groups, grouped } = await burst(texts.map((text, i) => () => post(i % 2 ? OTHER : CITIZEN, pothole(ctx, { text }), `group-1-${i}`)));
    expect(groups, 'the first alone, the others as one group').toBe(2);
    expect(grouped).toBe(1);
    for (const r of res) {
      expect(r.statusCode, r.body).toBe(201);
      expect(r.headers['idempotent-replayed']).toBe('false');
    }
    const slips = res.map((r) => r.json() as SlipJson);
    // Numbered once each, without gaps, in one region's sequence.
    const seqs = slips.map(slipSeq).sort((a, b) => a - b);
    expect(new Set(seqs).size).toBe(texts.length);
    expect(seqs.at(-1)! - seqs[0]!).toBe(texts.length - 1);
    for (const [i, s] of slips.entries()) {
      expect(s.slipNumber).toMatch(/^KRG-2026-\d{6}$/);
      expect(s.state).toBe('assigned');
      expect(s.registeredOn).toBe('2026-03-17');
      const row = await t.testDb.db.selectFrom('appeal').select(['text', 'applicantIin', 'slipNumber', 'channel']).where('id', '=', s.appealId).executeTakeFirstOrThrow();
      expect(row).toEqual({ text: texts[i], applicantIin: i % 2 ? OTHER : CITIZEN, slipNumber: s.slipNumber, channel: 'web' });
      expect((await notices(t, s.appealId)).map((n) => n.template)).toContain('appeals:notice.slip_issued');
      const audit = await t.testDb.db.selectFrom('auditLog').select('action').where('entityId', '=', s.appealId).execute();
      expect(audit.map((a) => a.action)).toContain('appeal.registered');
      // The stored answer is the one sent: a retry gets it again, byte for byte.
      const again = await post(i % 2 ? OTHER : CITIZEN, pothole(ctx, { text: texts[i] }), `group-1-${i}`);
      expect(again.statusCode).toBe(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toBe(res[i]!.body);
    }
    // Similar texts at one place: each sees as possible duplicates the appeals numbered before it.
    const bySeq = [...slips].sort((a, b) => slipSeq(a) - slipSeq(b));
    for (const [k, s] of bySeq.entries()) {
      const earlier = new Set(bySeq.slice(0, k).map((x) => x.appealId));
      for (const d of s.possibleDuplicates) expect(earlier.has(d.id) || !slips.some((x) => x.appealId === d.id), `${s.slipNumber} suggests a later appeal`).toBe(true);
    }
    expect(bySeq.at(-1)!.possibleDuplicates.length).toBeGreaterThan(0);
  });

  it('answer a refusal, a key sent twice, a key reused for another request and an operator’s calls as each would be answered alone', async () => {
    const ok = (i: number) => pothole(ctx, { text: `Не работает фонарь у подъезда ${i}, темно вечером во дворе` });
    const stored = await post(CITIZEN, ok(100), 'group-2-stored');
    expect(stored.statusCode, stored.body).toBe(201);
    const before = Number((await sql<{ n: number }>`select count(*)::int as n from appeal`.execute(t.testDb.db)).rows[0]!.n);
    const { res, grouped } = await burst([
      () => post(CITIZEN, ok(1), 'group-2-a'),
      () => post(OTHER, ok(2), 'group-2-b'),
      () => post(CITIZEN, ok(3), 'group-2-twice'),
      () => post(CITIZEN, { ...ok(4), categoryId: '00000000-0000-4000-8000-000000000000' }, 'group-2-refused'),
      () => post(CITIZEN, ok(3), 'group-2-twice'),
      () => post(CITIZEN, ok(5), 'group-2-stored'), // taken by another request
      () => post(OTHER, ok(6)), // no key
      // An operator registers a new caller (added to the people register), and a call refused
      // after its new caller was added: that caller must not stay behind.
      () => post('operator', { ...ok(7), applicant: { iin: NEW_CALLER, lastName: 'Сапарова', firstName: 'Айгуль', phone: '+77015550102' } }, 'group-2-op', OPERATOR_URL),
      () => post('operator', { ...ok(8), categoryId: '00000000-0000-4000-8000-000000000000', applicant: { iin: REFUSED_CALLER, lastName: 'Ким', firstName: 'Олег', phone: '+77015550103' } }, 'group-2-op-refused', OPERATOR_URL),
      // An Open311 client: its own answer (200, the slip number and a notice), stored for its key.
      () => open311(OPEN311_BODY, 'group-2-311'),
    ]);
    expect(grouped).toBe(1);
    const [a, b, twice1, refused, twice2, reused, nokey, op, opRefused, o311] = res as [typeof res[0], typeof res[0], typeof res[0], typeof res[0], typeof res[0], typeof res[0], typeof res[0], typeof res[0], typeof res[0], typeof res[0]];
    expect(o311.statusCode, o311.body).toBe(200);
    const [posted] = o311.json() as { service_request_id: string; service_notice: string }[];
    expect(posted!.service_request_id).toMatch(/^KRG-2026-\d{6}$/);
    expect(posted!.service_notice).toContain(posted!.service_request_id);
    const row311 = await t.testDb.db.selectFrom('appeal').select(['channel', 'text']).where('slipNumber', '=', posted!.service_request_id).executeTakeFirstOrThrow();
    expect(row311).toEqual({ channel: 'open311', text: OPEN311_BODY.description });
    const again311 = await open311(OPEN311_BODY, 'group-2-311');
    expect(again311.statusCode).toBe(200);
    expect(again311.body).toBe(o311.body);
    for (const r of [a, b, nokey, op]) expect(r.statusCode, r.body).toBe(201);
    const opSlip = op.json() as SlipJson & { channel: string; receivedBy: { kind: string } };
    expect(opSlip.channel).toBe('operator');
    expect(opSlip.receivedBy.kind).toBe('staff');
    const person = async (iin: string) => t.testDb.db.selectFrom('person').select('id').where('iin', '=', iin).executeTakeFirst();
    expect(await person(NEW_CALLER)).toBeDefined();
    expect(opRefused.statusCode, opRefused.body).toBe(400);
    expect(await person(REFUSED_CALLER), 'a refused call leaves no caller behind').toBeUndefined();
    // The refusal: the problem the request alone gets, in its language, naming the field.
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(refused.json())).toContain('categoryId');
    // The same key twice: registered once, the other answered the stored slip.
    const pair = [twice1, twice2].sort((x, y) => x.statusCode - y.statusCode);
    expect(pair.map((r) => r.statusCode)).toEqual([200, 201]);
    expect(pair[0]!.headers['idempotent-replayed']).toBe('true');
    expect(pair[0]!.body).toBe(pair[1]!.body);
    // A key an earlier request holds, with another body: 409 naming the header.
    expect(reused.statusCode, reused.body).toBe(409);
    expect(JSON.stringify(reused.json())).toContain('Idempotency-Key');
    const after = Number((await sql<{ n: number }>`select count(*)::int as n from appeal`.execute(t.testDb.db)).rows[0]!.n);
    expect(after - before).toBe(6); // a, b, the key sent twice once, no key, the operator's, Open311's
    // The refused request left nothing: its key is free, and the request put right is registered.
    const fixed = await post(CITIZEN, ok(4), 'group-2-refused');
    expect(fixed.statusCode, fixed.body).toBe(201);
  });

  it('that fail as a group are each written alone: the one that fails alone fails, the others are registered', async () => {
    // A row the register refuses (a constraint of this test's database): the group's statement
    // writing its appeals fails as a whole; alone, only that request does.
    await sql`alter table appeal add constraint intake_group_test_poison check (text not like '%violates a constraint%') not valid`.execute(t.testDb.db);
    try {
      const failedBefore = await metric('ortak_appeal_intake_group_failed_total');
      const texts = ['Сломана скамейка в сквере у дома 7', 'Разбит тротуар у школы 12', 'Яма у моста (this row violates a constraint)', 'Не вывозят мусор у дома 3'];
      const { res, grouped } = await burst(texts.map((text, i) => () => post(CITIZEN, pothole(ctx, { text }), `group-3-${i}`)));
      expect(grouped).toBe(1);
      expect(await metric('ortak_appeal_intake_group_failed_total')).toBe(failedBefore + 1);
      for (const [i, r] of res.entries()) {
        if (i === 2) {
          expect(r.statusCode, r.body).toBeGreaterThanOrEqual(400);
          expect(r.headers['content-type']).toContain('application/problem+json');
          const key = await t.testDb.db.selectFrom('idempotencyKey').select('key').where('key', '=', 'group-3-2').executeTakeFirst();
          expect(key, 'a failed request stores no answer').toBeUndefined();
        } else {
          expect(r.statusCode, r.body).toBe(201);
          const s = r.json() as SlipJson;
          expect((await t.testDb.db.selectFrom('appeal').select('text').where('id', '=', s.appealId).executeTakeFirstOrThrow()).text).toBe(texts[i]);
        }
      }
    } finally {
      await sql`alter table appeal drop constraint intake_group_test_poison`.execute(t.testDb.db);
    }
  });
});
