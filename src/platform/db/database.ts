import { CamelCasePlugin, Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { PreparingClient } from './prepared.ts';
import type { DB } from './schema.generated.ts';

export type Db = Kysely<DB>;
export type Trx = Transaction<DB>;
/** Either the pool or a transaction: use-cases accept both and never open their own. */
export type Executor = Kysely<DB>;

// int8 (bigint) as JS number where it fits: counts and sequence values in Ortak stay far
// below 2^53. numeric stays a string (money must not pass through floats).
pg.types.setTypeParser(20, (v) => {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
});
// `date` columns stay ISO strings: a calendar day is not an instant.
pg.types.setTypeParser(1082, (v) => v);

/**
 * Column names are converted (snake_case in SQL, camelCase in TypeScript); keys inside json/jsonb
 * values are left exactly as stored — audit hashes and user data depend on them.
 */
export function createDb(url: string, poolSize = 10): { db: Db; pool: pg.Pool } {
  // PreparingClient: the statements registered in prepared.ts go as named statements.
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: 'ortak', Client: PreparingClient });
  // An idle client dropped by the server must not crash the process.
  pool.on('error', () => {});
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin({ maintainNestedObjectKeys: true })] });
  return { db, pool };
}
