/**
 * Audit chain contention: appends per second with 8 concurrent writers, all in one region vs.
 * spread over 8 regions, each append in its own transaction with a business-like row write.
 * `npx tsx bench/audit.ts [seconds]` — on an embedded PostgreSQL 17 (or DATABASE_URL), default settings.
 */
import path from 'node:path';
import pg from 'pg';
import { appendAudit } from '../src/platform/audit/audit.ts';
import { embeddedBinDir, removeClusterDir, startCluster, withDatabase } from '../src/platform/db/cluster.ts';
import { createDb } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';

const seconds = Number(process.argv[2] ?? 5);
const external = process.env.DATABASE_URL;
const cluster = external ? undefined : await startCluster({ binDir: await embeddedBinDir(), dataDir: path.resolve(`.test-data/bench-audit-${process.pid}`) });
const admin = external ?? cluster!.url;
const name = `ortak_bench_audit_${process.pid}`;
const c = new pg.Client({ connectionString: admin });
await c.connect();
await c.query(`create database ${name}`);
const url = withDatabase(admin, name);
await migrate(url);
const { db } = createDb(url, 10);
await db.schema.createTable('bench_thing').addColumn('id', 'serial', (col) => col.primaryKey()).addColumn('v', 'text').execute();

async function run(regions: string[]): Promise<number> {
  let count = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: 8 }, async (_, w) => {
      const regionCode = regions[w % regions.length]!;
      while (Date.now() < until) {
        await db.transaction().execute(async (trx) => {
          await trx.insertInto('benchThing' as never).values({ v: 'x' } as never).execute();
          await appendAudit(trx, { regionCode, actor: { kind: 'anonymous' }, action: 'bench', entityType: 'thing', entityId: String(count), data: { w }, at: new Date() });
        });
        count++;
      }
    }),
  );
  return count / seconds;
}

const one = await run(['350000000']);
const eight = await run(['350000000', '710000000', '750000000', '790000000', '110000000', '150000000', '190000000', '230000000']);
console.log(JSON.stringify({ seconds, writers: 8, oneRegionPerSec: Math.round(one), eightRegionsPerSec: Math.round(eight), ratio: +(eight / one).toFixed(2) }));
await db.destroy();
await c.query(`drop database ${name} with (force)`);
await c.end();
await cluster?.stop();
if (cluster) removeClusterDir(cluster.dataDir);
