import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import pg from 'pg';
import type { DB } from './schema.generated.ts';

/**
 * Named (prepared) statements for the hot statements whose PostgreSQL planning costs more than
 * running them: sign-in, what an intake and a lifecycle action write (the case, its history
 * and deadlines, the appeal, audit rows, notices and their pg-boss jobs, the idempotency claim),
 * the first page of an organization's work list with its count (`listInbox`), and the summary of
 * the coordination centre and the public statistics (`summaryRows`).
 * Kysely's pg driver sends every statement unnamed, so PostgreSQL parses and plans it on every
 * call; pg_stat_statements in the bench (`npm run bench -- --pg-stats`) showed the one-statement
 * sign-in planning for ~0.8 ms and running for ~0.07 ms, and planning at ~22 % of PostgreSQL's
 * statement time per intake before the write paths were named (bench/README.md, HISTORY).
 * A statement registered here by its exact text is sent under a fixed name instead: each pooled
 * connection parses it once, and after PostgreSQL's five custom plans it keeps a generic plan
 * when that is estimated no worse (plan_cache_mode auto).
 *
 * Only statements whose plan does not depend on the values belong here (lookups by key, writes of
 * rows, reads whose plan was checked to be one shape over their range of values): a generic plan
 * chosen for a report over the register and a date range could be a poor one. Registered
 * texts are few and fixed — about 40; each holds a plan in every pooled backend —, hence the cap:
 * a call site whose text varies with its input (an IN list of any length, a patch whose keys come
 * from a request) must not be named. Naming saves the planning only once PostgreSQL keeps the
 * generic plan, which it does when that plan costs no more than the custom ones: a parameter where
 * the custom plan saw a value that shapes it (a partial index's predicate, a LIMIT) keeps it
 * planning on every call — such constants go into the named text as literals (`listInbox`;
 * `pg_prepared_statements.generic_plans` shows which plan a connection uses).
 *
 * Hazard: a named `select *` / `returning *` planned before a migration that adds a column to its
 * table fails afterwards in that connection ("cached plan must not change result type"). `serve`
 * migrates before it opens its pool, so only processes started before a schema change are
 * exposed: restart every server process after migrating (docs/OPERATIONS.md).
 */
const MAX_STATEMENTS = 128;
const names = new Map<string, string>();

/** Sends statements with exactly this text as one named statement from now on (idempotent). */
export function prepareStatement(text: string): void {
  if (names.has(text)) return;
  if (names.size >= MAX_STATEMENTS) throw new Error(`prepareStatement: more than ${MAX_STATEMENTS} statements registered; only fixed hot statements belong here`);
  names.set(text, `ortak_p${names.size + 1}`);
}

/** The name a statement text is sent under, if it was registered. */
export function preparedName(text: string): string | undefined {
  return names.get(text);
}

/** A pg client that sends registered statements by name; everything else exactly as pg does. */
export class PreparingClient extends pg.Client {}

// pg's query() has many overloads; only (text, values) — what Kysely sends — is rewritten. The
// base method is looked up at each call, so a wrapper installed on pg.Client later (the bench's
// query counter) still sees every query.
type AnyQuery = (this: pg.Client, ...args: unknown[]) => unknown;
(PreparingClient.prototype as unknown as { query: AnyQuery }).query = function (this: pg.Client, ...args: unknown[]) {
  const base = pg.Client.prototype.query as unknown as AnyQuery;
  const [text, values] = args;
  if (typeof text === 'string' && Array.isArray(values) && args.length === 2) {
    const name = names.get(text);
    if (name) return base.call(this, { name, text, values });
  }
  return base.apply(this, args);
};

/**
 * Runs a query as a registered named statement and returns its rows. For fixed-shape statements
 * only (the same text on every call: key lookups, one-row writes); see the rules above.
 */
export async function executePrepared<R>(db: Kysely<DB>, query: Compilable<R> | CompiledQuery<R>): Promise<R[]> {
  return (await executePreparedResult(db, query)).rows;
}

/** `executePrepared` returning the whole result (e.g. `numAffectedRows` of an UPDATE without RETURNING). */
export async function executePreparedResult<R>(db: Kysely<DB>, query: Compilable<R> | CompiledQuery<R>): Promise<QueryResult<R>> {
  const compiled = 'compile' in query ? query.compile() : query;
  prepareStatement(compiled.sql);
  return db.executeQuery(compiled);
}
