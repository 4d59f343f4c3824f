import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations');

export interface MigrationFile {
  /** `0001_name`, as the file is named. */
  label: string;
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {}

export function readMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const seen = new Set<number>();
  return files.map((file) => {
    const m = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!m) throw new MigrationError(`migration file name ${file} must look like 0001_name.sql`);
    const version = Number(m[1]);
    if (seen.has(version)) throw new MigrationError(`two migrations are numbered ${m[1]}`);
    seen.add(version);
    const sql = fs.readFileSync(path.join(dir, file), 'utf8');
    return { label: `${m[1]}_${m[2]}`, version, name: m[2]!, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
}

// Any constant works; it only has to be the same for every Ortak process migrating one database.
const MIGRATION_LOCK = 7_160_451;

/**
 * Applies pending migrations, each in its own transaction, under an advisory lock so that
 * two processes starting at once do not race. Forward-only: an applied migration whose file
 * changed, or a new file numbered below the last applied one, is refused.
 */
export async function migrate(url: string, dir = MIGRATIONS_DIR): Promise<{ applied: string[] }> {
  const files = readMigrations(dir);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`create table if not exists schema_migration (
      version integer constraint schema_migration_pk primary key,
      name text not null,
      checksum text not null,
      applied_at timestamptz not null default now())`);
    const { rows } = await client.query<{ version: number; name: string; checksum: string }>(
      'select version, name, checksum from schema_migration order by version',
    );
    const done = new Map(rows.map((r) => [r.version, r]));
    const last = rows.at(-1)?.version ?? 0;
    for (const f of files) {
      const prior = done.get(f.version);
      if (prior) {
        if (prior.checksum !== f.checksum) {
          throw new MigrationError(
            `migration ${f.label} was edited after it was applied ` +
              `(checksum ${f.checksum.slice(0, 12)} ≠ ${prior.checksum.slice(0, 12)}); add a new migration instead`,
          );
        }
        continue;
      }
      if (f.version < last) {
        throw new MigrationError(`migration ${f.label} is numbered below the last applied (${last}); renumber it`);
      }
      await client.query('begin');
      try {
        await client.query(f.sql);
        await client.query('insert into schema_migration (version, name, checksum) values ($1, $2, $3)', [
          f.version,
          f.name,
          f.checksum,
        ]);
        await client.query('commit');
      } catch (e) {
        await client.query('rollback');
        throw new MigrationError(`migration ${f.label} failed: ${(e as Error).message}`);
      }
      applied.push(f.label);
    }
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    await client.end();
  }
  return { applied };
}

/** For /readyz: every migration on disk is applied with the same checksum. */
export async function pendingMigrations(query: (sql: string) => Promise<{ rows: { version: number; checksum: string }[] }>, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = readMigrations(dir);
  const { rows } = await query('select version, checksum from schema_migration');
  const done = new Map(rows.map((r) => [r.version, r.checksum]));
  return files.filter((f) => done.get(f.version) !== f.checksum).map((f) => f.label);
}
