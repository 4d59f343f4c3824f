import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { embeddedBinDir, removeClusterDir, startCluster, withDatabase, type Cluster } from '../src/platform/db/cluster.ts';
import { migrate } from '../src/platform/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the server under test (database `postgres`). */
    pgAdminUrl: string;
    /** Name of the migrated template database each test file copies. */
    pgTemplate: string;
    pgVersion: string;
  }
}

/**
 * Starts the PostgreSQL server the suite runs on (embedded 17 unless TEST_DATABASE_URL names
 * another), applies the migrations for real to a template database, and hands its name to the
 * test files. Each file then gets its own database copied from the template (test/db.ts).
 */
export default async function setup(project: TestProject) {
  let cluster: Cluster | undefined;
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    cluster = await startCluster({
      binDir: await embeddedBinDir(),
      // One throwaway cluster per run, so that parallel runs never share (or stop) each other's.
      dataDir: path.resolve(`.test-data/pg-embedded-${process.pid}`),
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' },
    });
    adminUrl = cluster.url;
  }
  const template = `ortak_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const version = (await admin.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]!.v;
  await admin.query(`drop database if exists ${template}`);
  await admin.query(`create database ${template}`);
  await migrate(withDatabase(adminUrl, template));
  await admin.end();
  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplate', template);
  project.provide('pgVersion', version);
  console.log(`[test] PostgreSQL ${version} (${cluster ? 'embedded' : 'TEST_DATABASE_URL'})`);

  return async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    const { rows } = await c.query<{ datname: string }>(
      `select datname from pg_database where datname like $1 or datname = $2`,
      [`ortak_t${process.pid}_%`, template],
    );
    for (const r of rows) await c.query(`drop database if exists ${r.datname} with (force)`);
    await c.end();
    await cluster?.stop();
    if (cluster) removeClusterDir(cluster.dataDir);
  };
}
