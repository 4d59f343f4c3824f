import path from 'node:path';
import { embeddedBinDir, startCluster, withDatabase } from '../src/platform/db/cluster.ts';

/**
 * The register a bench tool works on (explain.ts, floor.ts): DATABASE_URL, or the `ortak_bench`
 * database of a data directory `npm run bench -- --data-dir DIR` kept, its cluster started here
 * and stopped by `stop`.
 */
export async function openBenchDatabase(dataDir: string | undefined): Promise<{ url: string; stop: () => Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} };
  if (!dataDir) throw new Error('give --data-dir DIR (a data directory the bench kept, or a copy of one) or DATABASE_URL');
  const cluster = await startCluster({ binDir: await embeddedBinDir(), dataDir: path.resolve(dataDir) });
  return { url: withDatabase(cluster.url, 'ortak_bench'), stop: () => cluster.stop() };
}
