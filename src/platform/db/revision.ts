import { CompiledQuery, sql, type AliasedRawBuilder } from 'kysely';
import type { Db, Executor } from './database.ts';
import { prepareStatement } from './prepared.ts';

/**
 * Revisions of the data every process keeps in memory: the production calendar
 * (`calendar_revision`) and the reference data of the hot paths (`reference_revision`: appeal
 * types and rules, categories, routing rules, slip prefixes, organizations, territories,
 * published workflow definitions; migration 0011 bumps it by trigger on every change).
 *
 * Both are read in one statement, **once per transaction** (memoized on the transaction
 * object) or once per `readScope` (one request's reads outside a transaction); otherwise on
 * every call. A signed-in request has them already: the session check reads them in its own
 * statement (`revisionColumns`), and `readScope`/`seedRevisions` start from that. A cached
 * value is used only while the revision it was loaded under is the one the transaction sees, so several server processes
 * never serve each other stale data. The database name is part of the revision, so that
 * databases copied from one template (tests) never share entries.
 */

export interface Revisions {
  calendar: string;
  reference: string;
  /** current_database(): per-process knowledge about one database (e.g. which job queues exist) keys on it. */
  database: string;
}

const memo = new WeakMap<object, Promise<Revisions>>();
const scopes = new WeakSet<object>();

/**
 * An executor for one request's reads outside a transaction: the revisions are read once, on
 * first use, for all its statements (each statement still runs on its own snapshot). A READ
 * COMMITTED transaction's memo promises no more than that — its statements see newer commits
 * too — so cached reference data is exactly as fresh as in a transaction, and a request that
 * reads several cached things pays one revision read instead of one each. Cheap: a new Kysely
 * object over the same pool and plugins. Never keep one beyond the request.
 */
export function readScope(db: Db, seed?: Revisions): Db {
  const scoped = db.withTables<Record<never, never>>();
  scopes.add(scoped);
  if (seed) memo.set(scoped, Promise.resolve(seed));
  return scoped;
}

/**
 * Starts a transaction's memo with revisions its request read just before it (with the session:
 * `revisionColumns`), instead of reading them again as its first statement. Under READ COMMITTED
 * that is the same promise: later statements of the transaction see newer commits either way.
 * No-op when the transaction has read them already or there is no seed.
 */
export function seedRevisions(trx: Executor, seed: Revisions | undefined): void {
  if (seed && trx.isTransaction && !memo.has(trx)) memo.set(trx, Promise.resolve(seed));
}

const CALENDAR_REVISION = '(select revision::text from calendar_revision)';
const REFERENCE_REVISION = '(select revision::text from reference_revision)';

// Read once per transaction, by every request: a named statement (planning it cost ~4x running it).
const READ_REVISIONS = `select ${CALENDAR_REVISION} as calendar, ${REFERENCE_REVISION} as reference, current_database() as database`;
prepareStatement(READ_REVISIONS);

type RevisionRow = { calendar: string | null; reference: string | null; database: string };

function fromRow(row: RevisionRow): Revisions {
  return { calendar: row.calendar ?? 'none', reference: `${row.database}:${row.reference ?? 'none'}`, database: row.database };
}

async function read(db: Executor): Promise<Revisions> {
  const r = await db.withoutPlugins().executeQuery<RevisionRow>(CompiledQuery.raw(READ_REVISIONS, []));
  return fromRow(r.rows[0]!);
}

/**
 * The revisions as three columns of another statement (the session check of every signed-in
 * request reads them with the session: one round trip fewer per request); `revisionsOf` reads
 * them back from its row.
 */
export function revisionColumns(): [AliasedRawBuilder<string | null, 'revCalendar'>, AliasedRawBuilder<string | null, 'revReference'>, AliasedRawBuilder<string, 'revDatabase'>] {
  return [
    sql.raw<string | null>(CALENDAR_REVISION).as('revCalendar'),
    sql.raw<string | null>(REFERENCE_REVISION).as('revReference'),
    sql<string>`current_database()`.as('revDatabase'),
  ];
}

export function revisionsOf(row: { revCalendar: string | null; revReference: string | null; revDatabase: string }): Revisions {
  return fromRow({ calendar: row.revCalendar, reference: row.revReference, database: row.revDatabase });
}

export function revisions(db: Executor): Promise<Revisions> {
  if (!db.isTransaction && !scopes.has(db)) return read(db);
  let p = memo.get(db);
  if (!p) {
    p = read(db);
    memo.set(db, p);
  }
  return p;
}

/** The transaction's revisions if it has read them already (never reads). */
export function knownRevisions(db: Executor): Promise<Revisions> | undefined {
  return db.isTransaction || scopes.has(db) ? memo.get(db) : undefined;
}

/**
 * Forget the transaction's revisions: the next `revisions(trx)` reads them again. Write paths
 * of reference data call it after their change (the trigger has bumped the row inside the
 * transaction), so the rest of the transaction reads its own writes, not the cache.
 */
export function forgetRevisions(db: Executor): void {
  memo.delete(db);
}

interface Entry {
  revision: string;
  value: unknown;
}

/**
 * A process-wide cache of reference data, checked against `reference_revision`. On a miss the
 * transaction's revision is read afresh before loading, so an entry is stored under a revision
 * no older than its data; a transaction that changed reference data itself stores under its
 * own uncommitted revision, which no other transaction ever sees. Missing values (undefined)
 * are not cached. Bounded: cleared when it grows past `maxEntries`.
 */
export class ReferenceCache {
  private readonly entries = new Map<string, Entry>();
  constructor(private readonly maxEntries = 20_000) {}

  async get<T>(db: Executor, key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const { reference } = await revisions(db);
    const hit = this.entries.get(key);
    if (hit && hit.revision === reference) return hit.value as T;
    forgetRevisions(db);
    const fresh = (await revisions(db)).reference;
    const value = await load();
    if (value !== undefined) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(key, { revision: fresh, value });
    }
    return value;
  }

  /**
   * Fills the entries of `keys` not already fresh with one `load` of the missing ones (a bulk
   * query instead of one per key, e.g. for a sweep's chunk). Same rule as `get`: the revision is
   * read afresh first; keys `load` leaves out are not cached (`get` will load them alone).
   */
  async prime<T>(db: Executor, keys: readonly string[], load: (missing: string[]) => Promise<Map<string, T>>): Promise<void> {
    const { reference } = await revisions(db);
    const missing = [...new Set(keys)].filter((key) => this.entries.get(key)?.revision !== reference);
    if (missing.length === 0) return;
    forgetRevisions(db);
    const fresh = (await revisions(db)).reference;
    const values = await load(missing);
    if (this.entries.size + values.size > this.maxEntries) this.entries.clear();
    for (const [key, value] of values) if (value !== undefined) this.entries.set(key, { revision: fresh, value });
  }

  clear(): void {
    this.entries.clear();
  }
}
