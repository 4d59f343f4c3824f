import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fixedClock, type TestApp } from '../../../test/app.ts';
import type { ActorResolver } from '../../platform/auth/actor.ts';
import type { TestClock } from '../../platform/clock.ts';
import { png } from '../../platform/files/fixtures.test-support.ts';
import { createDb } from '../../platform/db/database.ts';
import { resolveActor } from '../directory/directory.actor.ts';
import { KEEP_SETTLED_DAYS, MAX_ATTEMPTS, purgeSettledAcceptances, registerAccepted, startRegistrar } from './appeals.acceptance.ts';
import { appealsDeps, type AppealsDeps } from './appeals.deps.ts';
import { as, context, multipart, notices, pothole, type Ctx, type SlipJson } from './appeals.test-support.ts';

/**
 * Accept now, register behind (`Prefer: respond-async`): the 202 and where to read the outcome;
 * the registration with the acceptance's receipt instant (APPC art. 64 day); the same
 * Idempotency-Key space as the synchronous intake; refusals kept as the problem the synchronous
 * path would have answered; a refused or failing appeal leaves the rest of its batch alone;
 * nothing accepted is lost; the outcome only to its sender; the registrar running by itself.
 */

const CITIZEN = '900515301234';
const OTHER = '061211600012';
const ASYNC = { prefer: 'respond-async' };

let t: TestApp;
let ctx: Ctx;
let clock: TestClock;
let deps: AppealsDeps;
const almaty = (local: string) => new Date(`${local}+05:00`);

beforeAll(async () => {
  clock = fixedClock(almaty('2026-03-17T11:00'));
  t = await createTestApp({ clock });
  ctx = await context(t);
  deps = appealsDeps(t.testDb.db, { dataDir: t.config.dataDir, maxBytes: t.config.fileMaxBytes });
});

async function accept(who: string, body: unknown, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'POST', url: '/api/appeals', headers: { ...(await as(ctx, who)), ...ASYNC, ...headers }, payload: body as object });
}

async function outcome(who: string, id: string) {
  return t.app.inject({ url: `/api/appeals/acceptances/${id}`, headers: await as(ctx, who) });
}

const pass = (limit = 50) => registerAccepted(t.testDb.db, deps, { now: clock.now(), actors: resolveActor, limit });

async function appealCount() {
  return Number((await t.testDb.db.selectFrom('appeal').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
}

describe('an accepted appeal', () => {
  it('is answered 202 with where to read it, and registered behind with the receipt instant of the acceptance', async () => {
    clock.set(almaty('2026-03-17T17:59'));
    const before = await appealCount();
    const res = await accept(CITIZEN, pothole(ctx), { 'idempotency-key': 'acc-1' });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.headers['preference-applied']).toBe('respond-async');
    expect(res.headers['idempotent-replayed']).toBe('false');
    const a = res.json() as { acceptanceId: string; state: string; acceptedAt: string; location: string };
    expect(a.state).toBe('accepted');
    expect(res.headers.location).toBe(a.location);
    expect(a.location).toBe(`/api/appeals/acceptances/${a.acceptanceId}`);
    expect(await appealCount()).toBe(before); // accepted, not registered yet

    const waiting = await outcome(CITIZEN, a.acceptanceId);
    expect(waiting.statusCode, waiting.body).toBe(200);
    expect(waiting.json()).toMatchObject({ state: 'accepted', slip: null, problem: null, settledAt: null });

    // The registrar gets to it after 18:00: still registered on the day it was received.
    clock.set(almaty('2026-03-17T18:30'));
    expect(await pass()).toEqual({ registered: 1, refused: 0, retried: 0, oneByOne: 0 });
    const done = (await outcome(CITIZEN, a.acceptanceId)).json() as { state: string; slip: SlipJson; settledAt: string };
    expect(done.state).toBe('registered');
    expect(done.slip.slipNumber).toMatch(/^KRG-2026-\d{6}$/);
    expect(done.slip.registeredOn).toBe('2026-03-17');
    expect(new Date(done.slip.receivedAt).getTime()).toBe(almaty('2026-03-17T17:59').getTime());
    expect(done.slip.state).toBe('assigned'); // routed as the synchronous intake routes it
    const row = await t.testDb.db.selectFrom('appeal').select(['channel', 'receivedAt', 'registeredOn', 'applicantIin']).where('id', '=', done.slip.appealId).executeTakeFirstOrThrow();
    expect(row.channel).toBe('web');
    expect(row.receivedAt.getTime()).toBe(almaty('2026-03-17T17:59').getTime());
    expect(row.applicantIin).toBe(CITIZEN);
    // The applicant is told the slip, as after a synchronous intake.
    expect((await notices(t, done.slip.appealId)).map((n) => n.template)).toContain('appeals:notice.slip_issued');
    // Another pass finds nothing left.
    expect(await pass()).toEqual({ registered: 0, refused: 0, retried: 0, oneByOne: 0 });
    clock.set(almaty('2026-03-17T11:00'));
  });

  it('is never registered before it was received, even by a pass that read its clock before the row was committed', async () => {
    const id = (await accept(CITIZEN, pothole(ctx, { text: 'Яма после начала прохода' }))).json().acceptanceId as string;
    const early = new Date(clock.now().getTime() - 60_000);
    expect(await registerAccepted(t.testDb.db, deps, { now: early, actors: resolveActor })).toEqual({ registered: 1, refused: 0, retried: 0, oneByOne: 0 });
    const r = (await outcome(CITIZEN, id)).json() as { slip: SlipJson; settledAt: string };
    const received = new Date(r.slip.receivedAt).getTime();
    expect(new Date(r.settledAt).getTime()).toBeGreaterThanOrEqual(received);
    const a = await t.testDb.db.selectFrom('appeal').select(['createdAt', 'caseId', 'regionCode']).where('id', '=', r.slip.appealId).executeTakeFirstOrThrow();
    expect(a.createdAt.getTime()).toBeGreaterThanOrEqual(received);
    const history = await t.testDb.db.selectFrom('workflowHistory').select('at').where('regionCode', '=', a.regionCode).where('caseId', '=', a.caseId).execute();
    expect(history.length).toBeGreaterThan(0);
    for (const h of history) expect(h.at.getTime()).toBeGreaterThanOrEqual(received);
  });

  it('shares the synchronous intake’s Idempotency-Key space: a retry gets the first answer, another body a 409', async () => {
    const first = await accept(CITIZEN, pothole(ctx, { text: 'Яма у школы номер 7' }), { 'idempotency-key': 'acc-2' });
    expect(first.statusCode).toBe(202);
    const again = await accept(CITIZEN, pothole(ctx, { text: 'Яма у школы номер 7' }), { 'idempotency-key': 'acc-2' });
    expect(again.statusCode).toBe(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    // The same request sent without the preference: the same key, so the same (first) answer.
    const sync = await t.app.inject({ method: 'POST', url: '/api/appeals', headers: { ...(await as(ctx, CITIZEN)), 'idempotency-key': 'acc-2' }, payload: pothole(ctx, { text: 'Яма у школы номер 7' }) });
    expect(sync.statusCode).toBe(202);
    expect(sync.json()).toEqual(first.json());
    const other = await accept(CITIZEN, pothole(ctx, { text: 'Другая яма' }), { 'idempotency-key': 'acc-2' });
    expect(other.statusCode).toBe(409);
    expect(other.json().errors[0].field).toBe('Idempotency-Key');
    // And a key first used synchronously answers its slip to an asynchronous retry.
    const slip = await t.app.inject({ method: 'POST', url: '/api/appeals', headers: { ...(await as(ctx, CITIZEN)), 'idempotency-key': 'acc-3' }, payload: pothole(ctx) });
    expect(slip.statusCode).toBe(201);
    const retried = await accept(CITIZEN, pothole(ctx), { 'idempotency-key': 'acc-3' });
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toEqual(slip.json());
    const n = await t.testDb.db.selectFrom('appealAcceptance').select((eb) => eb.fn.countAll<number>().as('n')).where('request', '@>', JSON.stringify({ text: 'Яма у школы номер 7' })).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1);
    await pass();
  });

  it('refuses at once what needs no lookup (empty text, NUL), naming the field; nothing is stored', async () => {
    const count = async () => Number((await t.testDb.db.selectFrom('appealAcceptance').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const empty = await accept(CITIZEN, pothole(ctx, { text: '   ' }));
    expect(empty.statusCode).toBe(400);
    expect(empty.headers['content-type']).toContain('application/problem+json');
    expect(empty.json().errors[0].field).toBe('text');
    const nul = await accept(CITIZEN, pothole(ctx, { address: 'ул. \u0000 Ленина' }));
    expect(nul.statusCode).toBe(400);
    const schema = await accept(CITIZEN, { ...pothole(ctx), categoryId: 'not-a-uuid' });
    expect(schema.statusCode).toBe(400);
    expect(schema.json().errors[0].field).toBe('categoryId');
    expect(await count()).toBe(before);
  });

  it('records a refusal as the problem the synchronous intake answers, in the reader’s language; the rest of the batch is registered', async () => {
    const good = (await accept(CITIZEN, pothole(ctx))).json().acceptanceId as string;
    const bad = (await accept(CITIZEN, pothole(ctx, { categoryId: '00000000-0000-4000-8000-000000000000' }))).json().acceptanceId as string;
    const outside = (await accept(CITIZEN, pothole(ctx, { territoryCode: '999999999' }))).json().acceptanceId as string;
    const good2 = (await accept(CITIZEN, pothole(ctx, { text: 'Не работает фонарь' }))).json().acceptanceId as string;
    expect(await pass()).toEqual({ registered: 2, refused: 2, retried: 0, oneByOne: 0 });
    for (const id of [good, good2]) expect((await outcome(CITIZEN, id)).json().state).toBe('registered');
    const refused = (await outcome(CITIZEN, bad)).json();
    expect(refused.state).toBe('refused');
    expect(refused.slip).toBeNull();
    expect(refused.problem).toMatchObject({ status: 400, code: 'validation', errors: [{ field: 'categoryId' }] });
    // The same refusal the synchronous intake gives, word for word (same reader, same language).
    const sync = await t.app.inject({ method: 'POST', url: '/api/appeals', headers: await as(ctx, CITIZEN), payload: pothole(ctx, { categoryId: '00000000-0000-4000-8000-000000000000' }) });
    expect(sync.statusCode).toBe(400);
    expect(refused.problem.detail).toBe(sync.json().detail);
    expect((await outcome(CITIZEN, outside)).json().problem.errors[0].field).toBe('territoryCode');
  });

  it('is never lost to an unexpected error: retried on the next pass, refused as internal after the last attempt', async () => {
    const id = (await accept(CITIZEN, pothole(ctx, { text: 'Сломана скамейка' }))).json().acceptanceId as string;
    let failures = 0;
    const failing: ActorResolver = async () => {
      failures++;
      throw new Error('connection lost');
    };
    const logged: string[] = [];
    for (let i = 1; i < MAX_ATTEMPTS; i++) {
      expect(await registerAccepted(t.testDb.db, deps, { now: clock.now(), actors: () => failing, log: (s) => logged.push(s) })).toEqual({ registered: 0, refused: 0, retried: 1, oneByOne: 1 });
      expect((await outcome(CITIZEN, id)).json().state).toBe('accepted');
    }
    expect(logged.every((l) => l.includes(id) && !l.includes('скамейка') && !l.includes(CITIZEN))).toBe(true);
    // A pass that works registers it.
    expect(await pass()).toEqual({ registered: 1, refused: 0, retried: 0, oneByOne: 0 });
    expect((await outcome(CITIZEN, id)).json().state).toBe('registered');

    const doomed = (await accept(CITIZEN, pothole(ctx, { text: 'Сломан забор' }))).json().acceptanceId as string;
    for (let i = 0; i < MAX_ATTEMPTS; i++) await registerAccepted(t.testDb.db, deps, { now: clock.now(), actors: () => failing });
    const r = (await outcome(CITIZEN, doomed)).json();
    expect(r.state).toBe('refused');
    expect(r.problem).toMatchObject({ status: 500, code: 'internal' });
    // The request is kept in the row.
    const row = await t.testDb.db.selectFrom('appealAcceptance').select(['request', 'attempts']).where('id', '=', doomed).executeTakeFirstOrThrow();
    expect((row.request as { text: string }).text).toBe('Сломан забор');
    expect(row.attempts).toBe(MAX_ATTEMPTS);
    expect(failures).toBeGreaterThanOrEqual(2 * MAX_ATTEMPTS - 1);
  });

  it('is shown only to the citizen who sent it', async () => {
    const id = (await accept(CITIZEN, pothole(ctx))).json().acceptanceId as string;
    expect((await outcome(OTHER, id)).statusCode).toBe(404);
    expect((await outcome('coordinator', id)).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/api/appeals/acceptances/${id}` })).statusCode).toBe(401);
    expect((await outcome(CITIZEN, 'not-an-id')).statusCode).toBe(400);
    await pass();
  });

  it('with files is registered at once: the preference is not applied', async () => {
    const body = multipart(pothole(ctx), [{ name: 'yama.png', type: 'image/png', bytes: png() }]);
    const res = await t.app.inject({ method: 'POST', url: '/api/appeals', headers: { ...(await as(ctx, CITIZEN)), ...ASYNC, ...body.headers }, payload: body.payload });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers['preference-applied']).toBeUndefined();
    expect((res.json() as SlipJson).slipNumber).toMatch(/^KRG-/);
  });
});

describe('the backlog on /metrics', () => {
  it('shows how many wait and how long the oldest has waited, and nothing once registered', async () => {
    const gauge = async (name: string) => {
      const body = (await t.app.inject('/metrics')).body;
      const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(body);
      expect(m, `${name} in\n${body.slice(0, 300)}`).not.toBeNull();
      return Number(m![1]);
    };
    await accept(CITIZEN, pothole(ctx, { text: 'Яма для метрики 1' }));
    await accept(CITIZEN, pothole(ctx, { text: 'Яма для метрики 2' }));
    expect(await gauge('ortak_appeal_acceptances_waiting')).toBe(2);
    expect(await gauge('ortak_appeal_acceptance_oldest_waiting_seconds')).toBeGreaterThan(0);
    await pass();
    expect(await gauge('ortak_appeal_acceptances_waiting')).toBe(0);
    expect(await gauge('ortak_appeal_acceptance_oldest_waiting_seconds')).toBe(0);
  });

  it('counts what the registrar had to register one at a time (a batch that failed set-wise)', async () => {
    const counter = async () => {
      const m = /^ortak_appeal_registrar_one_by_one_total (\S+)$/m.exec((await t.app.inject('/metrics')).body);
      expect(m).not.toBeNull();
      return Number(m![1]);
    };
    const before = await counter();
    await pass(); // nothing waits: nothing counted
    expect(await counter()).toBe(before);
    await accept(CITIZEN, pothole(ctx, { text: 'Яма для счётчика' }));
    const failing: ActorResolver = async () => {
      throw new Error('connection lost');
    };
    expect(await registerAccepted(t.testDb.db, deps, { now: clock.now(), actors: () => failing })).toMatchObject({ retried: 1, oneByOne: 1 });
    expect(await counter()).toBe(before + 1);
    expect(await pass()).toEqual({ registered: 1, refused: 0, retried: 0, oneByOne: 0 });
    expect(await counter()).toBe(before + 1);
  });
});

describe('settled acceptances', () => {
  it(`are purged ${KEEP_SETTLED_DAYS} days after they were settled, in batches; waiting ones never`, async () => {
    const day = 86_400_000;
    const old = (await accept(CITIZEN, pothole(ctx, { text: 'Старая яма' }))).json().acceptanceId as string;
    const recent = (await accept(CITIZEN, pothole(ctx, { text: 'Новая яма' }))).json().acceptanceId as string;
    const oldRefused = (await accept(CITIZEN, pothole(ctx, { categoryId: '00000000-0000-4000-8000-000000000000' }))).json().acceptanceId as string;
    await pass();
    const waiting = (await accept(CITIZEN, pothole(ctx, { text: 'Ждущая яма' }))).json().acceptanceId as string;
    const settle = (id: string, at: Date) => t.testDb.db.updateTable('appealAcceptance').set({ settledAt: at }).where('id', '=', id).execute();
    const now = clock.now();
    await settle(old, new Date(now.getTime() - (KEEP_SETTLED_DAYS + 1) * day));
    await settle(oldRefused, new Date(now.getTime() - (KEEP_SETTLED_DAYS + 2) * day));
    await settle(recent, new Date(now.getTime() - (KEEP_SETTLED_DAYS - 1) * day));
    await t.testDb.db.updateTable('appealAcceptance').set({ acceptedAt: new Date(now.getTime() - 90 * day) }).where('id', '=', waiting).execute();
    const left = async () => (await t.testDb.db.selectFrom('appealAcceptance').select('id').where('id', 'in', [old, recent, oldRefused, waiting]).execute()).map((r) => r.id).sort();
    expect(await purgeSettledAcceptances(t.testDb.db, now, 1)).toBeGreaterThanOrEqual(2);
    expect(await left()).toEqual([recent, waiting].sort());
    expect((await outcome(CITIZEN, old)).statusCode).toBe(404);
    // The register keeps the appeal.
    expect(await t.testDb.db.selectFrom('appeal').select('id').where('text', '=', 'Старая яма').executeTakeFirst()).toBeDefined();
    await pass();
  });
});

describe('the registrar', () => {
  it('registers on start what was accepted while none ran (a restart), in order of receipt, many per pass', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await accept(CITIZEN, pothole(ctx, { text: `Яма номер ${i}` }))).json().acceptanceId);
    // No poll within the test: only the pass at start can register them.
    const registrar = startRegistrar(t.testDb.db, deps, { clock, actors: resolveActor, log: () => {}, everyMs: 600_000, batch: 3 });
    try {
      const deadline = Date.now() + 15_000;
      let states: string[] = [];
      while (Date.now() < deadline) {
        states = await Promise.all(ids.map(async (id) => (await outcome(CITIZEN, id)).json().state as string));
        if (states.every((s) => s === 'registered')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(states).toEqual(ids.map(() => 'registered'));
      const slips = await Promise.all(ids.map(async (id) => (await outcome(CITIZEN, id)).json().slip.slipNumber as string));
      const seqs = slips.map((s) => Number(s.slice(-6)));
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b)); // numbered in order of receipt
    } finally {
      await registrar.stop();
    }
  });

  it('keeps to one lane while requests are being answered: numbered exactly in order of receipt', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) ids.push((await accept(CITIZEN, pothole(ctx, { text: `Люк номер ${i}` }))).json().acceptanceId);
    let busyAsked = 0;
    const registrar = startRegistrar(t.testDb.db, deps, { clock, actors: resolveActor, log: () => {}, everyMs: 600_000, batch: 2, lanes: 4, busy: () => (busyAsked++, true) });
    try {
      await registrar.idle();
      const slips = await Promise.all(ids.map(async (id) => (await outcome(CITIZEN, id)).json().slip?.slipNumber as string | undefined));
      expect(slips.every(Boolean), JSON.stringify(slips)).toBe(true);
      const seqs = slips.map((s) => Number(s!.slice(-6)));
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(busyAsked).toBeGreaterThan(0);
    } finally {
      await registrar.stop();
    }
  });

  it('runs more lanes than its pool has connections without waiting on itself', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await accept(CITIZEN, pothole(ctx, { text: `Канализация номер ${i}` }))).json().acceptanceId);
    // Two connections, three lanes of one appeal each: a lane must not need a second connection
    // while its batch holds one.
    const small = createDb(t.testDb.url, 2);
    const registrar = startRegistrar(small.db, appealsDeps(small.db, { dataDir: t.config.dataDir, maxBytes: t.config.fileMaxBytes }), { clock, actors: resolveActor, log: () => {}, everyMs: 600_000, batch: 1, lanes: 3 });
    try {
      const done = registrar.idle().then(() => 'idle');
      expect(await Promise.race([done, new Promise((r) => setTimeout(() => r('stuck'), 20_000))])).toBe('idle');
      const states = await Promise.all(ids.map(async (id) => (await outcome(CITIZEN, id)).json().state as string));
      expect(states).toEqual(ids.map(() => 'registered'));
    } finally {
      await registrar.stop();
      await small.db.destroy();
    }
  }, 40_000);

  it('woken by each acceptance, in several lanes at once, registers each accepted appeal exactly once', async () => {
    // Woken by each acceptance in this process (no poll within the test).
    const registrar = startRegistrar(t.testDb.db, deps, { clock, actors: resolveActor, log: () => {}, everyMs: 600_000, batch: 2, lanes: 3 });
    try {
      const ids = await Promise.all(Array.from({ length: 12 }, async (_, i) => (await accept(CITIZEN, pothole(ctx, { text: `Фонарь номер ${i}` }))).json().acceptanceId as string));
      const deadline = Date.now() + 15_000;
      let rows: { state: string; appealId: string | null }[] = [];
      while (Date.now() < deadline) {
        rows = await t.testDb.db.selectFrom('appealAcceptance').select(['state', 'appealId']).where('id', 'in', ids).execute();
        if (rows.every((r) => r.state === 'registered')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(rows.map((r) => r.state)).toEqual(ids.map(() => 'registered'));
      const appeals = await t.testDb.db.selectFrom('appeal').select(['id', 'slipNumber']).where('id', 'in', rows.map((r) => r.appealId!)).execute();
      expect(appeals).toHaveLength(12);
      expect(new Set(appeals.map((a) => a.slipNumber)).size).toBe(12);
    } finally {
      await registrar.stop();
    }
  });
});

describe('the largest batch', () => {
  it('that APPEAL_REGISTRAR_BATCH allows (500) is written set-wise, within PostgreSQL’s 65,535 parameters a statement', async () => {
    const one = (await accept(CITIZEN, pothole(ctx, { text: 'Яма в большой партии' }))).json().acceptanceId as string;
    // 499 more of the same request, each a moment later (the registration is what is measured, not the acceptance).
    await sql`insert into appeal_acceptance (id, account_id, channel, request, lang, accepted_at)
      select gen_random_uuid(), account_id, channel, request, lang, accepted_at + n * interval '1 ms'
      from appeal_acceptance, generate_series(1, 499) as n where id = ${one}::uuid`.execute(t.testDb.db);
    const before = await appealCount();
    expect(await pass(500)).toEqual({ registered: 500, refused: 0, retried: 0, oneByOne: 0 });
    expect(await appealCount()).toBe(before + 500);
  }, 60_000);
});
