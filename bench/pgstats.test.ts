import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withDatabase } from '../src/platform/db/cluster.ts';
import { walByRelation } from './pgstats.ts';

/**
 * `--pg-stats`'s WAL per relation (pg_walinspect's block records, PostgreSQL 16+): a window of
 * known writes is attributed to the table and the index it wrote, with their page images.
 */

const name = `ortak_pgstats_${process.pid}`;
let c: pg.Client;

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await admin.connect();
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
  await admin.end();
  c = new pg.Client({ connectionString: withDatabase(inject('pgAdminUrl'), name) });
  await c.connect();
});

afterAll(async () => {
  await c.end();
  const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
});

describe('WAL per relation (bench/pgstats.ts)', () => {
  it('attributes a window of writes to the table and index written, per operation', async () => {
    await c.query('create table wal_probe (id int constraint wal_probe_pk primary key, v text)');
    await c.query('checkpoint'); // every page's first change after it is a whole-page image
    const lsn = async () => (await c.query<{ l: string }>('select pg_current_wal_insert_lsn()::text as l')).rows[0]!.l;
    const from = await lsn();
    for (let i = 0; i < 20; i++) await c.query('insert into wal_probe select g, repeat($2, 50) from generate_series($1::int * 100 + 1, $1::int * 100 + 100) g', [i, 'x']);
    const to = await lsn();
    const lines = await walByRelation(c, from, to, 20);
    const version = (await c.query<{ v: number }>(`select current_setting('server_version_num')::int as v`)).rows[0]!.v;
    expect(version).toBeGreaterThanOrEqual(150000);
    if (version < 160000) {
      // pg_get_wal_block_info came with PostgreSQL 16: the section says so instead of failing the report.
      expect(lines).toEqual([expect.stringMatching(/^WAL per relation: not available \(/)]);
      return;
    }
    const row = (rel: string) => lines.find((l) => l.trim().endsWith(`  ${rel}`))?.trim().split(/\s+/).slice(0, 5).map(Number);
    // 2,000 rows of ~80 bytes on disk: ~20 heap pages, one per operation.
    const [refs, pages, images] = row('wal_probe')!;
    // One heap block reference per row (100 rows per operation), and a few for new pages.
    expect(refs).toBeGreaterThanOrEqual(100);
    expect(refs).toBeLessThan(103);
    expect(pages).toBeGreaterThan(0.5);
    expect(pages).toBeLessThan(3);
    expect(images).toBeLessThanOrEqual(pages!);
    // And one index entry per row (plus the index's page splits).
    expect(row('wal_probe_pk')![0]).toBeGreaterThanOrEqual(100);
    expect(row('wal_probe_pk')![0]).toBeLessThan(103);
    expect(lines[0]).toMatch(/^WAL per operation by relation \(pg_walinspect, .+\): [\d.]+ block references, [\d.]+ distinct pages, [\d.]+ page images \([\d.]+ kB\)$/);
  });
});
