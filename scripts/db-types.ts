/**
 * Regenerates src/platform/db/schema.generated.ts from the migrations (kysely-codegen against a
 * scratch database migrated for real). `--verify` fails when the committed file is stale; the
 * test command runs it so that types never drift from the schema.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { embeddedBinDir, removeClusterDir, startCluster, withDatabase } from '../src/platform/db/cluster.ts';
import { migrate } from '../src/platform/db/migrate.ts';

const verify = process.argv.includes('--verify');
const external = process.env.TEST_DATABASE_URL;
const cluster = external
  ? undefined
  : await startCluster({ binDir: await embeddedBinDir(), dataDir: path.resolve(`.test-data/pg-types-${process.pid}`), settings: { fsync: 'off' } });
const admin = external ?? cluster!.url;
const name = `ortak_types_${process.pid}`;
const c = new pg.Client({ connectionString: admin });
await c.connect();
await c.query(`drop database if exists ${name}`);
await c.query(`create database ${name}`);
let failed = false;
try {
  const url = withDatabase(admin, name);
  await migrate(url);
  const args = ['kysely-codegen', '--dialect', 'postgres', '--camel-case', '--date-parser', 'string',
    '--numeric-parser', 'string', '--type-mapping', '{"int8":"number"}', '--exclude-pattern', 'pgboss.*', '--url', url,
    '--out-file', 'src/platform/db/schema.generated.ts', '--log-level', 'error'];
  if (verify) args.push('--verify');
  try {
    execFileSync('npx', args, { stdio: 'inherit', env: { ...process.env, DATABASE_URL: url } });
  } catch {
    failed = true;
    if (verify) console.error('src/platform/db/schema.generated.ts is stale: run `npm run db:types` and commit it.');
  }
} finally {
  await c.query(`drop database if exists ${name} with (force)`);
  await c.end();
  await cluster?.stop();
  if (cluster) removeClusterDir(cluster.dataDir);
}
process.exit(failed ? 1 : 0);
