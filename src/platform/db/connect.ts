import path from 'node:path';
import pg from 'pg';
import type { Config } from '../../config.ts';
import { embeddedBinDir, startCluster, withDatabase, type Cluster } from './cluster.ts';

export interface DatabaseTarget {
  url: string;
  /** Set when Ortak runs its own embedded PostgreSQL. */
  cluster?: Cluster;
  description: string;
}

export const EMBEDDED_DB_NAME = 'ortak';

/**
 * DATABASE_URL when set; otherwise the embedded PostgreSQL 17 in DATA_DIR/pg, created on the
 * first run and reused afterwards, with an `ortak` database inside.
 */
export async function openDatabase(config: Config, log: (l: string) => void = () => {}, opts: { ownProcessGroup?: boolean } = {}): Promise<DatabaseTarget> {
  if (config.databaseUrl) {
    const u = new URL(config.databaseUrl);
    return { url: config.databaseUrl, description: `PostgreSQL at ${u.hostname}:${u.port || 5432}${u.pathname}` };
  }
  const dataDir = path.join(config.dataDir, 'pg');
  const cluster = await startCluster({ binDir: await embeddedBinDir(), dataDir, log, ...opts });
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  const exists = await admin.query('select 1 from pg_database where datname = $1', [EMBEDDED_DB_NAME]);
  if (exists.rowCount === 0) await admin.query(`create database ${EMBEDDED_DB_NAME}`);
  await admin.end();
  return {
    url: withDatabase(cluster.url, EMBEDDED_DB_NAME),
    cluster,
    description: `embedded PostgreSQL ${cluster.version} in ${dataDir} (127.0.0.1:${cluster.port})`,
  };
}
