import { sql } from 'kysely';
import type { Db, Executor } from '../../platform/db/database.ts';
import { GroupWriter, type Outcome } from '../../platform/db/group.ts';
import { DomainError } from '../../platform/http/errors.ts';
import { DEFAULT_TTL_HOURS, type IdempotentResponse } from '../../platform/http/idempotency.ts';
import type { PersonRow } from '../directory/people.repository.ts';
import { findPeopleByIin } from '../directory/people.service.ts';
import type { AppealsDeps } from './appeals.deps.ts';
import { writeRegistrations, type PreparedRegistration, type Slip } from './appeals.intake.ts';
import { ensureAppealProcessesOnce } from './appeals.rules.ts';

/**
 * The synchronous intake (citizens', operators', Open311's), group-committed (`GroupWriter`, platform/db/group.ts): the intakes
 * that arrive while others are being written are registered together, in one transaction, the
 * way the registrar writes a batch of accepted appeals (`writeRegistrations`: a statement per
 * kind of row instead of ~15 per appeal), and each request is answered its own slip — or its
 * own problem — once that transaction has committed. A request that finds a writer free is
 * written alone, through exactly the one-request path (`single`), so at low load nothing
 * changes; under load the cost per registration falls to the batch's (bench/README.md,
 * "The synchronous intake, group-committed").
 *
 * Within a group, as in the one-request path:
 * - the `Idempotency-Key`s are claimed first (one statement), before any work; a key already
 *   taken (a replay, a key reused for another request, an expired one), or the same key twice in
 *   the group, goes the one-request way after the group has committed, which answers it from
 *   the table;
 * - a refusal (`DomainError` while checking) is that request's answer alone, and its key is
 *   released in the same transaction — nothing of it is written, as with a rolled-back request;
 * - the slips are numbered in order of arrival, and the possible duplicates of each are the
 *   appeals registered before it (the later ones of its group are left out);
 * - the stored answer of each key is the slip it is answered (one statement), so that the first
 *   answer and a replay are byte-equal.
 * Should the group fail as a whole (an error nobody expected), it is rolled back and each of its
 * requests goes the one-request way: the same answer each would have had alone.
 */

export interface GroupedIntake {
  scope: string;
  key: string | undefined;
  hash: string;
  now: Date;
  /** The applicant's IIN, if a citizen: the group's people are read in one statement. */
  iin?: string;
  /** Checks and computes the registration, in the group's transaction. */
  prepare: (trx: Executor, people: ReadonlyMap<string, PersonRow>) => Promise<PreparedRegistration>;
  /**
   * `prepare` may write (an operator's new caller is added to the people register): it runs under
   * a savepoint, so that a refusal leaves nothing of it, as a rolled-back request would not.
   */
  prepareWrites?: boolean;
  /**
   * The answer to send and store, from the slip (default: 201 with the slip). Open311 answers its
   * own shape, read in the group's transaction.
   */
  answer?: (trx: Executor, slip: Slip) => Promise<{ statusCode: number; body: unknown }>;
  /** The one-request path: the claim, the work, the stored answer in a transaction of its own. */
  single: () => Promise<IdempotentResponse<unknown>>;
}

export type IntakeGroup = GroupWriter<GroupedIntake, IdempotentResponse<unknown>>;

export interface IntakeGroupOptions {
  /** Groups written at once, each on a connection of the pool. */
  writers: number;
  /** Intakes in one group at most. */
  max: number;
  log?: (s: string) => void;
  /** Called with the size of every group written (1: the one-request path). */
  onGroup?: (size: number) => void;
  /** Called when a group failed as a whole and its requests were written alone. */
  onFailed?: (size: number) => void;
}

const settled = <O>(p: Promise<O>): Promise<Outcome<O>> => p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));

export function intakeGroup(db: Db, deps: AppealsDeps, opts: IntakeGroupOptions): IntakeGroup {
  return new GroupWriter<GroupedIntake, IdempotentResponse<unknown>>(async (items) => {
    if (items.length === 1) return [await settled(items[0]!.single())];
    let outcomes: (Outcome<IdempotentResponse<unknown>> | undefined)[];
    try {
      outcomes = await writeGroup(db, deps, items);
    } catch (e) {
      opts.log?.(`[intake] a group of ${items.length} failed as a whole, each written alone: ${(e as Error).message}`);
      opts.onFailed?.(items.length);
      return Promise.all(items.map((x) => settled(x.single())));
    }
    // The keys the group did not claim, now that it has committed: a replay reads its answer.
    return Promise.all(items.map((x, i) => outcomes[i] ?? settled(x.single())));
  }, { writers: opts.writers, max: opts.max, onGroup: opts.onGroup });
}

const claimId = (x: { scope: string; key: string }) => `${x.scope}\u0000${x.key}`;

/** One transaction for the group; `undefined` for the items to send the one-request way. */
async function writeGroup(db: Db, deps: AppealsDeps, items: GroupedIntake[]): Promise<(Outcome<IdempotentResponse<unknown>> | undefined)[]> {
  const outcomes: (Outcome<IdempotentResponse<unknown>> | undefined)[] = items.map(() => undefined);
  await ensureAppealProcessesOnce(db, items[0]!.now);
  await db.transaction().execute(async (trx) => {
    // The keys: each once, claimed in one statement (in key order, so two groups never wait on
    // each other's claims in opposite orders).
    const seen = new Set<string>();
    const toClaim: { scope: string; key: string; hash: string; now: Date }[] = [];
    for (const x of items) {
      if (x.key === undefined) continue;
      const id = claimId({ scope: x.scope, key: x.key });
      if (seen.has(id)) continue;
      seen.add(id);
      toClaim.push({ scope: x.scope, key: x.key, hash: x.hash, now: x.now });
    }
    toClaim.sort((a, b) => (claimId(a) < claimId(b) ? -1 : 1));
    const claimed = new Set((await claimKeys(trx, toClaim)).map(claimId));
    const mine = new Set<string>(); // claimed, and taken by the first item with the key
    const work: number[] = [];
    for (const [i, x] of items.entries()) {
      if (x.key === undefined) { work.push(i); continue; }
      const id = claimId({ scope: x.scope, key: x.key });
      if (claimed.has(id) && !mine.has(id)) { mine.add(id); work.push(i); }
    }

    const people = await findPeopleByIin(trx, [...new Set(work.flatMap((i) => (items[i]!.iin ? [items[i]!.iin!] : [])))]);
    const prepared: { i: number; reg: PreparedRegistration }[] = [];
    const released: { scope: string; key: string }[] = [];
    for (const i of work) {
      const x = items[i]!;
      try {
        if (x.prepareWrites) await sql`savepoint preparing`.execute(trx);
        prepared.push({ i, reg: await x.prepare(trx, people) });
        if (x.prepareWrites) await sql`release savepoint preparing`.execute(trx);
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        if (x.prepareWrites) await sql`rollback to savepoint preparing`.execute(trx);
        outcomes[i] = { ok: false, error: e };
        if (x.key !== undefined) released.push({ scope: x.scope, key: x.key });
      }
    }
    const slips = await writeRegistrations(trx, deps, prepared.map((p) => p.reg));
    const answers = [];
    for (const [k, p] of prepared.entries()) {
      const item = items[p.i]!;
      const a = item.answer ? await item.answer(trx, slips[k]!) : { statusCode: 201, body: slips[k] };
      answers.push({ item, i: p.i, statusCode: a.statusCode, response: JSON.stringify(a.body) });
    }
    await storeAnswers(trx, answers.flatMap((a) => (a.item.key === undefined ? [] : [{ scope: a.item.scope, key: a.item.key, statusCode: a.statusCode, response: a.response }])));
    await releaseKeys(trx, released);
    // As the one-request path answers: what was stored, so that the answer and a replay are byte-equal.
    for (const a of answers) outcomes[a.i] = { ok: true, value: { statusCode: a.statusCode, body: JSON.parse(a.response) as unknown, replayed: false } };
  });
  return outcomes;
}

async function claimKeys(trx: Executor, keys: readonly { scope: string; key: string; hash: string; now: Date }[]): Promise<{ scope: string; key: string }[]> {
  if (keys.length === 0) return [];
  const col = <T>(f: (k: (typeof keys)[number]) => T) => keys.map(f);
  const r = await sql<{ scope: string; key: string }>`insert into idempotency_key (scope, key, request_hash, status_code, response, created_at, expires_at)
    select v.scope, v.key, v.hash, 0, '', v.at, v.at + make_interval(hours => ${DEFAULT_TTL_HOURS}::int)
    from unnest(${col((k) => k.scope)}::text[], ${col((k) => k.key)}::text[], ${col((k) => k.hash)}::text[], ${col((k) => k.now.toISOString())}::timestamptz[])
      with ordinality as v(scope, key, hash, at, o)
    order by v.o
    on conflict on constraint idempotency_key_pk do nothing
    returning scope, key`.execute(trx);
  return r.rows;
}

async function storeAnswers(trx: Executor, rows: readonly { scope: string; key: string; statusCode: number; response: string }[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`update idempotency_key as k set status_code = v.status_code, response = v.response
    from unnest(${rows.map((r) => r.scope)}::text[], ${rows.map((r) => r.key)}::text[], ${rows.map((r) => r.statusCode)}::smallint[], ${rows.map((r) => r.response)}::text[])
      as v(scope, key, status_code, response)
    where k.scope = v.scope and k.key = v.key`.execute(trx);
}

async function releaseKeys(trx: Executor, rows: readonly { scope: string; key: string }[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`delete from idempotency_key as k
    using unnest(${rows.map((r) => r.scope)}::text[], ${rows.map((r) => r.key)}::text[]) as v(scope, key)
    where k.scope = v.scope and k.key = v.key`.execute(trx);
}
