import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fixedClock, type TestApp } from '../../../test/app.ts';
import type { TestClock } from '../../platform/clock.ts';
import { png } from '../../platform/files/fixtures.test-support.ts';
import { as, cat, context, file, KARAGANDA, multipart, pothole, TEMIRTAU, type Ctx } from './appeals.test-support.ts';

/**
 * Intake: the slip (unique number per region and year, registration day of APPC art. 64),
 * Idempotency-Key, the operator's paths (by IIN, new caller, name and phone), the caller
 * lookup, and bad input on every intake path: 4xx problem+json naming the field, never a 500,
 * nothing half-written.
 */

let t: TestApp;
let ctx: Ctx;
let clock: TestClock;
const almaty = (local: string) => new Date(`${local}+05:00`);
/** Moves the clock; sessions made at another time may have expired, so sign in afresh. */
const at = (local: string) => {
  clock.set(almaty(local));
  ctx.sessions.clear();
};

beforeAll(async () => {
  clock = fixedClock(almaty('2026-03-17T11:00'));
  t = await createTestApp({ clock, env: { FILE_MAX_BYTES: '4096' } });
  ctx = await context(t);
});

async function post(who: string, payload: unknown, headers: Record<string, string> = {}, url = '/api/appeals') {
  return t.app.inject({ method: 'POST', url, headers: { ...(await as(ctx, who)), ...headers }, payload: payload as object });
}

async function counts() {
  const a = await t.testDb.db.selectFrom('appeal').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const f = await t.testDb.db.selectFrom('storedFile').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const c = await t.testDb.db.selectFrom('workflowCase').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { appeals: Number(a.n), files: Number(f.n), cases: Number(c.n) };
}

describe('the slip', () => {
  it('is numbered per region and year, and carries the registration day of APPC art. 64', async () => {
    at('2026-03-17T17:59');
    const tuesday = await file(ctx, '900515301234', pothole(ctx));
    expect(tuesday.registeredOn).toBe('2026-03-17');
    // After hours on the Friday before Nauryz (21–25 March off): registered on Thursday 26 March.
    at('2026-03-20T18:30');
    const friday = await file(ctx, '900515301234', pothole(ctx, { territoryCode: TEMIRTAU }));
    expect(friday.registeredOn).toBe('2026-03-26');
    at('2026-03-14T12:00');
    const saturday = await file(ctx, '900515301234', pothole(ctx));
    expect(saturday.registeredOn).toBe('2026-03-16');
    const n = [tuesday, friday, saturday].map((s) => Number(s.slipNumber.slice(-6)));
    expect(new Set(n).size).toBe(3);
    expect([tuesday, friday, saturday].every((s) => s.slipNumber.startsWith('KRG-2026-'))).toBe(true);

    // New Year's Eve after hours: registered in 2027, numbered in 2027's own sequence.
    at('2026-12-31T19:00');
    const newYear = await file(ctx, '900515301234', pothole(ctx));
    expect(newYear.registeredOn.slice(0, 4)).toBe('2027');
    expect(newYear.slipNumber).toBe('KRG-2027-000001');
    at('2026-03-17T11:00');
  });

  it('in another region starts its own sequence (Astana: AST)', async () => {
    const astana = await post('astana.coordinator', { regionCode: '710000000', code: 'roads', name: { kk: 'Жолдар', ru: 'Дороги', en: 'Roads' }, organizationKind: 'regional_akimat' }, {}, '/api/appeals/categories');
    expect(astana.statusCode, astana.body).toBe(201);
    const slip = await file(ctx, '900515301234', { type: 'statement', categoryId: astana.json().id, text: 'Яма на проспекте Туран', territoryCode: '710000000' });
    expect(slip.slipNumber).toBe('AST-2026-000001');
  });

  it('takes a changed region prefix at the next registration (appeal_region is revision-checked)', async () => {
    const astanaRoads = (await t.testDb.db.selectFrom('appealCategory').select('id').where('regionCode', '=', '710000000').where('code', '=', 'roads').executeTakeFirstOrThrow()).id;
    const astana = { type: 'statement', categoryId: astanaRoads, text: 'Яма на проспекте Туран', territoryCode: '710000000' };
    expect((await file(ctx, '900515301234', astana)).slipNumber).toMatch(/^AST-2026-/); // the prefix is cached now
    const prefix = (p: string) => sql`update appeal_region set slip_prefix = ${p} where region_code = '710000000'`.execute(t.testDb.db);
    await prefix('NQS'); // plain SQL, as another process or an operator would
    try {
      expect((await file(ctx, '900515301234', astana)).slipNumber).toMatch(/^NQS-2026-\d{6}$/);
    } finally {
      await prefix('AST');
    }
    expect((await file(ctx, '900515301234', astana)).slipNumber).toMatch(/^AST-2026-/);
  });
});

describe('Idempotency-Key', () => {
  it('a retry with the same key and body returns the same slip; another body with the key is a 409', async () => {
    const body = pothole(ctx, { text: 'Идемпотентная яма на улице Ерубаева' });
    const first = await post('061211600012', body, { 'idempotency-key': 'retry-1' });
    expect(first.statusCode).toBe(201);
    const again = await post('061211600012', body, { 'idempotency-key': 'retry-1' });
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const other = await post('061211600012', { ...body, text: 'Совсем другое обращение' }, { 'idempotency-key': 'retry-1' });
    expect(other.statusCode).toBe(409);
    expect(other.headers['content-type']).toContain('application/problem+json');
    expect(other.json().errors[0].field).toBe('Idempotency-Key');
    // Keys belong to their caller: another citizen's same key is a new appeal.
    expect((await post('900515301234', body, { 'idempotency-key': 'retry-1' })).statusCode).toBe(201);
    const rows = await t.testDb.db.selectFrom('appeal').select('id').where('text', '=', body.text).execute();
    expect(rows).toHaveLength(2);
  });

  it('two concurrent requests with one key make one appeal', async () => {
    const body = pothole(ctx, { text: 'Одновременная отправка с двух вкладок' });
    const [a, b] = await Promise.all([post('061211600012', body, { 'idempotency-key': 'race-1' }), post('061211600012', body, { 'idempotency-key': 'race-1' })]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201]);
    expect(a.json().slipNumber).toBe(b.json().slipNumber);
    expect(await t.testDb.db.selectFrom('appeal').select('id').where('text', '=', body.text).execute()).toHaveLength(1);
  });

  it('a refused request leaves the key free; a bad key is a 400 naming the header; multipart retries too', async () => {
    const bad = await post('061211600012', pothole(ctx, { territoryCode: '999999999' }), { 'idempotency-key': 'fix-me' });
    expect(bad.statusCode).toBe(400);
    expect((await post('061211600012', pothole(ctx), { 'idempotency-key': 'fix-me' })).statusCode).toBe(201);
    const badKey = await post('061211600012', pothole(ctx), { 'idempotency-key': 'a b' });
    expect(badKey.statusCode).toBe(400);
    expect(badKey.json().errors[0].field).toBe('Idempotency-Key');
    const m = multipart(pothole(ctx, { text: 'С фотографией' }), [{ name: 'a.png', type: 'image/png', bytes: png() }]);
    const m1 = await post('061211600012', m.payload, { ...m.headers, 'idempotency-key': 'mp-1' });
    const m2 = await post('061211600012', m.payload, { ...m.headers, 'idempotency-key': 'mp-1' });
    expect([m1.statusCode, m2.statusCode]).toEqual([201, 200]);
    expect(m2.json().appealId).toBe(m1.json().appealId);
  });

  it('works on the operator path too', async () => {
    const body = { ...pothole(ctx), applicant: { iin: '061211600012' } };
    const a = await post('operator', body, { 'idempotency-key': 'op-1' }, '/api/appeals/operator');
    const b = await post('operator', body, { 'idempotency-key': 'op-1' }, '/api/appeals/operator');
    expect([a.statusCode, b.statusCode]).toEqual([201, 200]);
    expect(b.json().slipNumber).toBe(a.json().slipNumber);
  });
});

describe('the operator', () => {
  it('registers for a known caller by IIN: the citizen sees it among their own; the slip names the operator', async () => {
    const slip = await file(ctx, 'operator', { ...pothole(ctx, { text: 'Звонок: яма у школы №5' }), applicant: { iin: '061211600012' } }, '/api/appeals/operator');
    const me = (await t.app.inject({ url: '/api/appeals/mine', headers: await as(ctx, '061211600012') })).json() as { items: { id: string; channel: string }[] };
    expect(me.items.find((x) => x.id === slip.appealId)).toMatchObject({ channel: 'operator' });
    const res = await t.app.inject({ url: `/api/appeals/${slip.appealId}`, headers: await as(ctx, 'operator') });
    expect(res.json()).toMatchObject({ channel: 'operator', receivedBy: { kind: 'staff' }, applicant: { iin: '061211600012' } });
  });

  it('lists show the first 200 characters of the text (characters, not bytes: Kazakh and emoji)', async () => {
    const text = `${'Ә'.repeat(150)}${'🚧'.repeat(60)}`;
    const slip = await file(ctx, 'operator', { ...pothole(ctx, { text }), applicant: { iin: '061211600012' } }, '/api/appeals/operator');
    const me = (await t.app.inject({ url: '/api/appeals/mine?limit=100', headers: await as(ctx, '061211600012') })).json() as { items: { id: string; excerpt: string }[] };
    expect(me.items.find((x) => x.id === slip.appealId)?.excerpt).toBe([...text].slice(0, 200).join(''));
  });

  it('registers a new caller (IIN and name), or a caller without IIN by name and phone', async () => {
    const fresh = await file(ctx, 'operator', { ...pothole(ctx), applicant: { iin: '850308440016', lastName: 'Ахметова', firstName: 'Жанар', phone: '8 701 555 12 34' } }, '/api/appeals/operator');
    expect(fresh.isAnonymous).toBe(false);
    const noIin = await file(ctx, 'operator', { ...pothole(ctx), applicant: { lastName: 'Ким', firstName: 'Олег', phone: '+7 (777) 555-99-00' } }, '/api/appeals/operator');
    const p = (await t.app.inject({ url: `/api/appeals/${noIin.appealId}`, headers: await as(ctx, 'coordinator') })).json();
    expect(p.applicant).toMatchObject({ name: 'Ким Олег', phone: '+77775559900', iin: null });
    const missing = await post('operator', { ...pothole(ctx), applicant: { lastName: 'Ким' } }, {}, '/api/appeals/operator');
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors[0].field).toBe('applicant.phone');
  });

  it('finds a caller by phone with their earlier appeals (masked in the list)', async () => {
    const res = await post('operator', { phone: '+7 747 555 01 02' }, {}, '/api/appeals/callers/search');
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json() as { people: { iin: string }[]; appeals: { applicantPhone: string; applicantName: string }[] };
    expect(r.people[0]!.iin).toBe('061211600012');
    expect(r.appeals.length).toBeGreaterThan(0);
    expect(r.appeals[0]!.applicantPhone).not.toContain('5550102');
    expect(r.appeals[0]!.applicantName).toMatch(/^Ж•••/);
    expect((await post('executor', { phone: '+77475550102' }, {}, '/api/appeals/callers/search')).statusCode).toBe(403);
    expect((await post('astana.operator', { phone: '+77475550102' }, {}, '/api/appeals/callers/search')).json().appeals).toEqual([]);
  });
});

describe('bad input is a 4xx problem+json naming the field, and nothing is written', () => {
  it('on the citizen and operator intake', async () => {
    const before = await counts();
    const cases: [string, unknown, string | undefined, number, string?][] = [
      ['missing type', { categoryId: cat(ctx, 'roads.pothole'), text: 'x', territoryCode: KARAGANDA }, undefined, 400, 'type'],
      ['missing text', { type: 'statement', categoryId: cat(ctx, 'roads.pothole'), territoryCode: KARAGANDA }, undefined, 400, 'text'],
      ['unknown category', pothole(ctx, { categoryId: '7d1c1a52-5c3e-4c0f-9f43-0d4a1f6b2c11' }), undefined, 400, 'categoryId'],
      ['category not a uuid', pothole(ctx, { categoryId: 'potholes' }), undefined, 400, 'categoryId'],
      ['unknown type', pothole(ctx, { type: 'petition' }), undefined, 400, 'type'],
      ['text of 1 MB', pothole(ctx, { text: 'я'.repeat(1_000_000) }), undefined, 400, 'text'],
      ['unknown field', pothole(ctx, { priority: 'high' }), undefined, 400, 'priority'],
      ['no place', pothole(ctx, { territoryCode: undefined }), undefined, 400, 'territoryCode'],
      ['unknown KATO', pothole(ctx, { territoryCode: '359999999' }), undefined, 400, 'territoryCode'],
      ['point far away', pothole(ctx, { territoryCode: undefined, location: { lat: 10, lon: 10 } }), undefined, 400, 'location'],
      ['latitude out of range', pothole(ctx, { location: { lat: 100, lon: 73 } }), undefined, 400, 'location.lat'],
      ['extra field of the wrong type', { type: 'statement', categoryId: cat(ctx, 'housing.heating.none'), text: 'Холодно', territoryCode: KARAGANDA, extra: { indoorTemperature: 'hot' } }, undefined, 400, 'extra.indoorTemperature'],
      ['wrong IIN', { ...pothole(ctx), applicant: { iin: '900515301235', lastName: 'А', firstName: 'Б' } }, '/api/appeals/operator', 400, 'applicant.iin'],
      ['IIN too short', { ...pothole(ctx), applicant: { iin: '12345' } }, '/api/appeals/operator', 400, 'applicant.iin'],
      ['bad phone', { ...pothole(ctx), applicant: { lastName: 'Ким', firstName: 'О', phone: '12' } }, '/api/appeals/operator', 400, 'applicant.phone'],
      ['operator of another region', { ...pothole(ctx), applicant: { iin: '061211600012' } }, '/api/appeals/operator#astana', 403],
    ];
    for (const [name, body, url, status, field] of cases) {
      const who = url?.endsWith('#astana') ? 'astana.operator' : url ? 'operator' : '900515301234';
      const res = await post(who, body, {}, (url ?? '/api/appeals').replace('#astana', ''));
      expect(res.statusCode, `${name}: ${res.body.slice(0, 300)}`).toBe(status);
      expect(res.headers['content-type'], name).toContain('application/problem+json');
      if (field) expect(res.json().errors?.[0]?.field, name).toBe(field);
    }
    expect(await counts()).toEqual(before);
  });

  it('on uploads: wrong content type, oversized file, a file whose bytes are not an image, bad JSON in the form', async () => {
    const before = await counts();
    const xml = await t.app.inject({ method: 'POST', url: '/api/appeals', headers: { ...(await as(ctx, '900515301234')), 'content-type': 'application/xml' }, payload: '<appeal/>' });
    expect(xml.statusCode).toBe(415);
    expect(xml.headers['content-type']).toContain('application/problem+json');
    const text = await t.app.inject({ method: 'POST', url: '/api/appeals', headers: { ...(await as(ctx, '900515301234')), 'content-type': 'text/plain' }, payload: 'яма' });
    expect(text.statusCode).toBe(400);
    expect(text.headers['content-type']).toContain('application/problem+json');

    const big = multipart(pothole(ctx), [{ name: 'big.png', type: 'image/png', bytes: Buffer.concat([png(), Buffer.alloc(8000)]) }]);
    const r1 = await post('900515301234', big.payload, big.headers);
    expect(r1.statusCode).toBe(413);
    expect(r1.json().errors[0].field).toBe('files');

    const fake = multipart(pothole(ctx), [{ name: 'photo.png', type: 'image/png', bytes: Buffer.from('MZ this is an executable, not a picture') }]);
    const r2 = await post('900515301234', fake.payload, fake.headers);
    expect(r2.statusCode).toBe(415);
    expect(r2.json().errors[0].field).toBe('files.0');

    const badJson = multipart('{"type": "statement",');
    const r3 = await post('900515301234', badJson.payload, badJson.headers);
    expect(r3.statusCode).toBe(400);
    expect(r3.json().errors[0].field).toBe('data');

    const noData = multipart(undefined, [{ name: 'a.png', type: 'image/png', bytes: png() }]);
    const r4 = await post('900515301234', noData.payload, noData.headers);
    expect(r4.statusCode).toBe(400);
    expect(r4.json().errors[0].field).toBe('data');

    // A good file with a bad appeal: the file is not kept either.
    const goodFileBadBody = multipart(pothole(ctx, { territoryCode: '359999999' }), [{ name: 'a.png', type: 'image/png', bytes: png() }]);
    expect((await post('900515301234', goodFileBadBody.payload, goodFileBadBody.headers)).statusCode).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('refuses intake to the wrong kind of caller', async () => {
    expect((await post('executor', pothole(ctx))).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/api/appeals', payload: pothole(ctx) })).statusCode).toBe(401);
    expect((await post('900515301234', { ...pothole(ctx), applicant: { iin: '061211600012' } }, {}, '/api/appeals/operator')).statusCode).toBe(403);
    expect((await post('executor', { ...pothole(ctx), applicant: { iin: '061211600012' } }, {}, '/api/appeals/operator')).statusCode).toBe(403);
  });
});
