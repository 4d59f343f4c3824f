import { CompiledQuery, sql } from 'kysely';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Actor, ActorResolver, CitizenActor } from '../../platform/auth/actor.ts';
import type { Db, Executor } from '../../platform/db/database.ts';
import { newId } from '../../platform/db/ids.ts';
import { executePrepared } from '../../platform/db/prepared.ts';
import { DomainError, notFound } from '../../platform/http/errors.ts';
import { DEFAULT_TTL_HOURS, withIdempotency, type IdempotentResponse } from '../../platform/http/idempotency.ts';
import { t, type Lang } from '../../platform/i18n/i18n.ts';
import type { AppealsDeps } from './appeals.deps.ts';
import { cleanText, prepareCitizenAppeal, refuseNul, registerCitizenAppeal, writeRegistrations, type IntakeInput, type PreparedRegistration, type Slip } from './appeals.intake.ts';
import { ensureAppealProcessesOnce } from './appeals.rules.ts';
import { findPeopleByIin } from '../directory/people.service.ts';

/**
 * Accept now, register behind (`Prefer: respond-async` on a citizen's intake, RFC 7240).
 *
 * The synchronous intake writes the register's ~21 rows in ~15 statements before it answers;
 * PostgreSQL alone cannot write those one appeal per transaction much faster than a few hundred
 * a second on two cores (bench/README.md, "The write floor"). A client that asks for it gets
 * its appeal *accepted* instead: one row (the request as submitted, its sender, the receipt
 * instant) and the idempotency key with its answer, committed in one statement, and a 202 with
 * where to read the outcome. The registrar then registers accepted rows in order of receipt,
 * many per transaction, through the same two steps as the synchronous `registerAppeal`
 * (`prepareRegistration`, then `writeRegistrations` for the whole batch) — same checks, same
 * routing, same slip notice to the applicant — with the receipt instant of the
 * acceptance, so the registration day of APPC art. 64 is the one the citizen would have had.
 * A refusal (unknown category, a territory outside the region, …) is recorded as the problem the
 * synchronous path would have answered and shown when the outcome is read, in the reader's
 * language. Nothing accepted is lost: the row is committed before the 202, and an error the
 * registrar does not expect leaves it waiting for the next pass (after `MAX_ATTEMPTS`, refused
 * as an internal error, the request kept in the row).
 *
 * What is checked before the 202: the request's schema (the route), NUL characters and the
 * text (empty, too long) — everything that needs no lookup.
 */

export const MAX_ATTEMPTS = 5;
/** Settled acceptances are kept this long for their outcome to be read, then purged (the register has the appeal). */
export const KEEP_SETTLED_DAYS = 30;

export interface AcceptanceInput {
  actor: CitizenActor;
  body: IntakeInput;
  channel: 'web' | 'mobile';
  lang: Lang;
  /** The `Idempotency-Key`, if any, and the request's fingerprint (`requestHash`). */
  key: string | undefined;
  hash: string;
  /** `appeals.intake:citizen:<accountId>`: the synchronous intake's key space, so that a key is one request either way. */
  scope: string;
  now: Date;
}

export interface Accepted {
  acceptanceId: string;
  state: 'accepted';
  acceptedAt: string;
  /** Where the outcome is read (the 202's Location). */
  location: string;
}

export interface AcceptanceView {
  acceptanceId: string;
  state: 'accepted' | 'registered' | 'refused';
  acceptedAt: Date;
  settledAt: Date | null;
  /** Registered: the slip, as the synchronous intake answers it. */
  slip: Slip | null;
  /** Refused: what the synchronous intake would have answered, in the reader's language. */
  problem: { status: number; code: string; detail: string; errors?: { field: string; message: string }[] } | null;
}

interface StoredProblem {
  code: string;
  status: number;
  field?: string;
  messageKey: string;
  params: Record<string, unknown>;
}

export const acceptanceLocation = (id: string) => `/api/appeals/acceptances/${id}`;

// The key's claim, its stored answer and the acceptance row in one statement: a new key (or
// none) is one round trip and one commit. A key already taken goes the usual way (below).
const ACCEPT_WITH_KEY = `with claim as (
    insert into idempotency_key (scope, key, request_hash, status_code, response, created_at, expires_at)
    values ($1, $2, $3, 202, $4, $5, $6)
    on conflict on constraint idempotency_key_pk do nothing returning key)
  insert into appeal_acceptance (id, account_id, channel, request, lang, accepted_at)
  select $7, $8, $9, $10, $11, $5 from claim
  returning id`;

/** Accepts a citizen's appeal: checked for what needs no lookup, committed, answered 202. */
export async function acceptCitizenAppeal(db: Db, input: AcceptanceInput): Promise<IdempotentResponse<Accepted>> {
  refuseNul(input.body);
  cleanText(input.body.text);
  const id = newId();
  const body: Accepted = { acceptanceId: id, state: 'accepted', acceptedAt: input.now.toISOString(), location: acceptanceLocation(id) };
  const row = { id, accountId: input.actor.accountId, channel: input.channel, request: JSON.stringify(input.body), lang: input.lang, acceptedAt: input.now };
  if (input.key === undefined) {
    await executePrepared(db, db.insertInto('appealAcceptance').values(row));
    return { statusCode: 202, body, replayed: false };
  }
  const expiresAt = new Date(input.now.getTime() + DEFAULT_TTL_HOURS * 3_600_000);
  const parameters = [input.scope, input.key, input.hash, JSON.stringify(body), input.now, expiresAt, id, row.accountId, row.channel, row.request, row.lang];
  const [claimed] = await executePrepared(db, CompiledQuery.raw(ACCEPT_WITH_KEY, parameters));
  if (claimed) return { statusCode: 202, body, replayed: false };
  // The key exists: a replay (the stored answer, 202 or a synchronous 201), a different request
  // (409), or an expired key this request takes over.
  return db.transaction().execute((trx) =>
    withIdempotency<Accepted>(trx, { scope: input.scope, key: input.key, hash: input.hash, now: input.now }, async () => {
      await trx.insertInto('appealAcceptance').values(row).execute();
      return { statusCode: 202, body };
    }),
  );
}

/** The outcome of an acceptance, to the account that sent it (anyone else: not found). */
export async function getAcceptance(db: Executor, id: string, actor: Actor, lang: Lang): Promise<AcceptanceView> {
  const row = actor.kind === 'citizen'
    ? await db.selectFrom('appealAcceptance').select(['id', 'state', 'acceptedAt', 'settledAt', 'slip', 'problem'])
      .where('id', '=', id).where('accountId', '=', actor.accountId).executeTakeFirst()
    : undefined;
  if (!row) throw notFound('acceptance', { messageKey: 'appeals:errors.acceptance_not_found' });
  const p = row.problem as StoredProblem | null;
  let problem: AcceptanceView['problem'] = null;
  if (p) {
    const detail = t(lang, p.messageKey, { ...p.params, field: p.field });
    problem = { status: p.status, code: p.code, detail, ...(p.field ? { errors: [{ field: p.field, message: detail }] } : {}) };
  }
  return {
    acceptanceId: row.id, state: row.state as AcceptanceView['state'], acceptedAt: row.acceptedAt, settledAt: row.settledAt,
    slip: (row.slip as Slip | null) ?? null, problem,
  };
}

export interface RegistrarPass {
  registered: number;
  refused: number;
  /** Left waiting after an unexpected error (tried again on the next pass). */
  retried: number;
  /** Registered (or refused) one at a time: a batch that failed set-wise, or `oneByOne` asked. */
  oneByOne: number;
}

type AcceptanceRow = { id: string; accountId: string; channel: string; request: unknown; lang: string; acceptedAt: Date; attempts: number };

/**
 * One pass of the registrar: up to `limit` accepted appeals, oldest first, registered in one
 * transaction (one commit and one revision read for all). Set-wise: each is checked and
 * prepared (`prepareCitizenAppeal`; a refusal is recorded as the problem the synchronous path
 * would answer), then all are written together (`writeRegistrations`: a statement per kind of
 * row instead of ~15 per appeal) and their acceptances settled in one statement. Should the
 * batch fail as a whole (an error nobody expected), it is rolled back and registered one by one,
 * each under a savepoint so that a failing one leaves the others' rows alone — as with
 * `oneByOne`, which the tests use to compare the two. Rows another registrar holds are skipped
 * (`skip locked`), so any number of processes may run it.
 */
export async function registerAccepted(db: Db, deps: AppealsDeps, opts: { now: Date; actors: (db: Executor) => ActorResolver; limit?: number; log?: (s: string) => void; oneByOne?: boolean }): Promise<RegistrarPass> {
  const pass: RegistrarPass = { registered: 0, refused: 0, retried: 0, oneByOne: 0 };
  await ensureAppealProcessesOnce(db, opts.now);
  await db.transaction().execute(async (trx) => {
    const rows: AcceptanceRow[] = await trx.selectFrom('appealAcceptance')
      .select(['id', 'accountId', 'channel', 'request', 'lang', 'acceptedAt', 'attempts'])
      .where('state', '=', 'accepted')
      .orderBy('acceptedAt').orderBy('id')
      .limit(opts.limit ?? 50)
      .forUpdate().skipLocked()
      .execute();
    // Resolved in this transaction, on its connection: a lane that held its connection and waited
    // for another from the pool deadlocked once the lanes held them all (a pool of 3, 4 lanes).
    const actorOf = opts.actors(trx);
    const actors = new Map<string, Actor | undefined>();
    const citizen = async (r: AcceptanceRow): Promise<Actor> => {
      if (!actors.has(r.accountId)) actors.set(r.accountId, await actorOf(r.accountId, r.lang as Lang));
      const actor = actors.get(r.accountId);
      if (actor?.kind !== 'citizen') throw new DomainError('forbidden', 'the account may no longer file appeals', { messageKey: 'appeals:errors.citizens_only' });
      return actor;
    };
    // `now` was read before the rows were: one accepted since is registered at its own
    // instant, never before it was received.
    const instant = (r: AcceptanceRow) => (r.acceptedAt > opts.now ? r.acceptedAt : opts.now);

    if (!opts.oneByOne && rows.length > 0) {
      await sql`savepoint registering_batch`.execute(trx);
      try {
        const prepared: { r: AcceptanceRow; reg: PreparedRegistration }[] = [];
        const refused: { r: AcceptanceRow; problem: StoredProblem }[] = [];
        // The senders, then their people in one statement (the applicant's contacts and language).
        for (const r of rows) if (!actors.has(r.accountId)) actors.set(r.accountId, await actorOf(r.accountId, r.lang as Lang));
        const people = await findPeopleByIin(trx, [...actors.values()].flatMap((a) => (a?.kind === 'citizen' ? [(a as CitizenActor).iin] : [])));
        for (const r of rows) {
          try {
            prepared.push({ r, reg: await prepareCitizenAppeal(trx, deps, r.request as unknown as IntakeInput, await citizen(r), instant(r), r.channel as 'web' | 'mobile', r.acceptedAt, people) });
          } catch (e) {
            if (!(e instanceof DomainError)) throw e;
            refused.push({ r, problem: storedProblem(e) });
          }
        }
        const slips = await writeRegistrations(trx, deps, prepared.map((p) => p.reg));
        await settle(trx, [
          ...prepared.map((p, i) => ({ id: p.r.id, state: 'registered' as const, regionCode: slips[i]!.regionCode, appealId: slips[i]!.appealId, slip: JSON.stringify(slips[i]), problem: null, settledAt: instant(p.r) })),
          ...refused.map((x) => ({ id: x.r.id, state: 'refused' as const, regionCode: null, appealId: null, slip: null, problem: JSON.stringify(x.problem), settledAt: instant(x.r) })),
        ]);
        await sql`release savepoint registering_batch`.execute(trx);
        pass.registered += prepared.length;
        pass.refused += refused.length;
        return;
      } catch (e) {
        await sql`rollback to savepoint registering_batch`.execute(trx);
        opts.log?.(`[registrar] a batch of ${rows.length} (acceptances ${rows[0]!.id}${rows.length > 1 ? ` … ${rows.at(-1)!.id}` : ''}) failed set-wise, registered one by one: ${(e as Error).message}`);
      }
    }

    pass.oneByOne += rows.length;
    for (const r of rows) {
      const at = instant(r);
      await sql`savepoint registering`.execute(trx);
      try {
        const slip = await registerCitizenAppeal(trx, deps, r.request as unknown as IntakeInput, await citizen(r), at, r.channel as 'web' | 'mobile', r.acceptedAt);
        await trx.updateTable('appealAcceptance')
          .set({ state: 'registered', regionCode: slip.regionCode, appealId: slip.appealId, slip: JSON.stringify(slip), settledAt: at })
          .where('id', '=', r.id).execute();
        await sql`release savepoint registering`.execute(trx);
        pass.registered++;
      } catch (e) {
        await sql`rollback to savepoint registering`.execute(trx);
        if (e instanceof DomainError) {
          await trx.updateTable('appealAcceptance').set({ state: 'refused', problem: JSON.stringify(storedProblem(e)), settledAt: at }).where('id', '=', r.id).execute();
          pass.refused++;
          continue;
        }
        // Unexpected (a lost connection, a bug): the acceptance id and the error, never the request.
        opts.log?.(`[registrar] acceptance ${r.id}, attempt ${r.attempts + 1}: ${(e as Error).message}`);
        const last = r.attempts + 1 >= MAX_ATTEMPTS;
        const problem: StoredProblem = { code: 'internal', status: 500, messageKey: 'appeals:errors.registration_failed', params: {} };
        await trx.updateTable('appealAcceptance')
          .set(last ? { attempts: r.attempts + 1, state: 'refused', problem: JSON.stringify(problem), settledAt: at } : { attempts: r.attempts + 1 })
          .where('id', '=', r.id).execute();
        if (last) pass.refused++;
        else pass.retried++;
      }
    }
  });
  registeredOneByOne += pass.oneByOne;
  return pass;
}

/** Acceptances this process registered one at a time (`ortak_appeal_registrar_one_by_one_total`). */
let registeredOneByOne = 0;

function storedProblem(e: DomainError): StoredProblem {
  return { code: e.code, status: e.status, ...(e.field ? { field: e.field } : {}), messageKey: e.messageKey, params: e.params };
}

/** Settles a batch's acceptances, registered and refused, in one statement. */
async function settle(trx: Executor, rows: { id: string; state: 'registered' | 'refused'; regionCode: string | null; appealId: string | null; slip: string | null; problem: string | null; settledAt: Date }[]): Promise<void> {
  if (rows.length === 0) return;
  const col = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
  await sql`update appeal_acceptance as a
    set state = v.state, region_code = coalesce(v.region_code, a.region_code), appeal_id = coalesce(v.appeal_id, a.appeal_id),
        slip = coalesce(v.slip, a.slip), problem = coalesce(v.problem, a.problem), settled_at = v.settled_at
    from unnest(${col((r) => r.id)}::uuid[], ${col((r) => r.state)}::text[], ${col((r) => r.regionCode)}::text[], ${col((r) => r.appealId)}::uuid[],
                ${col((r) => r.slip)}::jsonb[], ${col((r) => r.problem)}::jsonb[], ${col((r) => r.settledAt.toISOString())}::timestamptz[])
      as v(id, state, region_code, appeal_id, slip, problem, settled_at)
    where a.id = v.id`.execute(trx);
}

/**
 * Runs the registrar in this process until stopped: passes as soon as this process accepted
 * something (`wake`), and every `everyMs` for what other processes accepted. Up to `lanes`
 * passes run at once, each on its own connection of the pool (skip locked: each takes other
 * rows), but only one while `busy()` says requests are waiting to be answered: the
 * registrations then go on without taking the cores from the acceptances, and the backlog is
 * cleared with every lane once they stop (bench/README.md, "Accept now, register behind"). A
 * lane goes on while its passes find a full batch. With one lane, appeals are numbered exactly
 * in order of receipt; with several, in order within each batch.
 */
export function startRegistrar(db: Db, deps: AppealsDeps, opts: { clock: { now(): Date }; actors: (db: Executor) => ActorResolver; log: (s: string) => void; everyMs?: number; batch?: number; lanes?: number; busy?: () => boolean }) {
  let stopped = false;
  const running = new Set<Promise<void>>();
  let again = false;
  const batch = opts.batch ?? 50;
  const lanes = opts.lanes ?? 1;
  const limit = () => (opts.busy?.() ? 1 : lanes);
  // Lanes running; changed as a lane starts and ends (not when its promise settles), so that
  // lanes deciding at the same moment see each other's decisions.
  let active = 0;
  const lane = async () => {
    try {
      for (;;) {
        again = false;
        const pass = await registerAccepted(db, deps, { now: opts.clock.now(), actors: opts.actors, limit: batch, log: opts.log });
        if (stopped) return;
        const full = pass.registered + pass.refused + pass.retried >= batch;
        if (!full && !again) return;
        // A full batch: more are waiting, so another lane may join — unless requests are waiting
        // to be answered, when one lane goes on and the others stop.
        if (active > limit()) return;
        if (full) spawn();
      }
    } finally {
      active--;
    }
  };
  const spawn = () => {
    if (stopped || active >= limit()) return;
    active++;
    const p: Promise<void> = lane().catch((e: Error) => opts.log(`[registrar] pass failed: ${e.message}`)).finally(() => {
      running.delete(p);
    });
    running.add(p);
  };
  const wake = () => {
    again = true;
    spawn();
  };
  const timer = setInterval(wake, opts.everyMs ?? 1000);
  listeners.add(wake);
  wake(); // what was accepted while no registrar ran
  const settle = async () => {
    while (running.size) await Promise.all([...running]);
  };
  return {
    /** Waits for the passes under way, if any. */
    idle: settle,
    async stop() {
      stopped = true;
      clearInterval(timer);
      listeners.delete(wake);
      await settle();
    },
  };
}


/**
 * Deletes acceptances settled more than `KEEP_SETTLED_DAYS` before `now`, `limit` rows per
 * statement until none is left; returns how many. Waiting ones are never touched. A registered
 * appeal lives on in the register; the request of a settled one is not kept twice.
 */
export async function purgeSettledAcceptances(db: Db, now: Date, limit = 10_000): Promise<number> {
  const before = new Date(now.getTime() - KEEP_SETTLED_DAYS * 86_400_000);
  let total = 0;
  for (;;) {
    const r = await sql<{ n: number }>`with gone as (
        delete from appeal_acceptance where ctid in (
          select ctid from appeal_acceptance where state <> 'accepted' and settled_at < ${before} limit ${limit})
        returning 1)
      select count(*)::int as n from gone`.execute(db);
    const n = r.rows[0]?.n ?? 0;
    total += n;
    if (n < limit) return total;
  }
}

/**
 * The registrar's backlog on /metrics, read from the database when scraped (every process sees
 * every process's backlog): how many acceptances wait, and how long the oldest has waited —
 * an appeal must be registered the day it was received (APPC art. 64), so an alert belongs on
 * the second figure.
 */
export function registerAcceptanceMetrics(registry: Registry, db: Db): void {
  const read = () => sql<{ n: number; oldest: number | null }>`select count(*)::int as n,
      extract(epoch from now() - min(accepted_at))::float8 as oldest
    from appeal_acceptance where state = 'accepted'`.execute(db).then((r) => r.rows[0]!);
  let reading: Promise<{ n: number; oldest: number | null }> | undefined;
  // Both gauges are collected in one scrape: one statement for the two.
  const once = () => (reading ??= read().finally(() => setTimeout(() => (reading = undefined), 0)));
  new Gauge({
    name: 'ortak_appeal_acceptances_waiting', help: 'Appeals accepted (Prefer: respond-async) and not yet registered', registers: [registry],
    async collect() {
      this.set((await once()).n);
    },
  });
  let reported = 0;
  new Counter({
    name: 'ortak_appeal_registrar_one_by_one_total',
    help: 'Accepted appeals this process registered one at a time because their batch failed set-wise (the server log names the error)',
    registers: [registry],
    collect() {
      this.inc(registeredOneByOne - reported);
      reported = registeredOneByOne;
    },
  });
  new Gauge({
    name: 'ortak_appeal_acceptance_oldest_waiting_seconds', help: 'How long the oldest accepted, not yet registered appeal has waited (0: none waits)', registers: [registry],
    async collect() {
      this.set((await once()).oldest ?? 0);
    },
  });
}

// This process's registrars, woken when this process accepts (others find the rows by polling).
const listeners = new Set<() => void>();

/** Tells this process's registrars that an appeal was accepted. */
export function notifyAccepted(): void {
  for (const l of listeners) l();
}
