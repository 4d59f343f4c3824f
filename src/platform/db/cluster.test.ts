import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterUrl, embeddedBinDir, removeClusterDir, startCluster, withDatabase, type Cluster } from './cluster.ts';

describe('the embedded cluster is reached over its Unix socket', () => {
  let cluster: Cluster;
  // Under .test-data like the suite's own clusters (gitignored; traversable by the postgres user).
  const dataDir = path.resolve(`.test-data/cluster-test-${process.pid}`);
  beforeAll(async () => {
    cluster = await startCluster({ binDir: await embeddedBinDir(), dataDir });
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
    removeClusterDir(dataDir);
  });

  async function serverAddress(url: string): Promise<string | null> {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query<{ a: string | null }>('select inet_server_addr()::text as a')).rows[0]!.a;
    } finally {
      await c.end();
    }
  }

  it('the url the app gets uses the socket (no server address); TCP on 127.0.0.1 stays open for tools', async () => {
    expect(await serverAddress(cluster.url)).toBeNull();
    expect(await serverAddress(withDatabase(cluster.url, 'postgres'))).toBeNull();
    const tcp = new URL(cluster.url);
    tcp.search = '';
    expect(await serverAddress(tcp.toString())).toBe('127.0.0.1/32');
  });

  it('falls back to TCP when the socket path would not fit in sun_path', () => {
    expect(clusterUrl('pw', 5432, '/short/dir')).toBe('postgres://postgres:pw@127.0.0.1:5432/postgres?host=%2Fshort%2Fdir');
    expect(clusterUrl('pw', 5432, `/${'d'.repeat(100)}`)).toBe('postgres://postgres:pw@127.0.0.1:5432/postgres');
  });
});
