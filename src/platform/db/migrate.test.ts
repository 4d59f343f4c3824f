import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { withDatabase } from './cluster.ts';
import { migrate, MIGRATIONS_DIR, readMigrations } from './migrate.ts';

const admin = () => new pg.Client({ connectionString: inject('pgAdminUrl') });
const name = `ortak_mig_${process.pid}_${Date.now()}`;
let dir: string;
let url: string;

beforeAll(async () => {
  const c = admin();
  await c.connect();
  await c.query(`create database ${name}`);
  await c.end();
  url = withDatabase(inject('pgAdminUrl'), name);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ortak-mig-'));
  fs.writeFileSync(path.join(dir, '0001_first.sql'), 'create table thing (id int primary key);');
});
afterAll(async () => {
  const c = admin();
  await c.connect();
  await c.query(`drop database if exists ${name} with (force)`);
  await c.end();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('migrations', () => {
  it('the project migrations are numbered and named correctly', () => {
    const files = readMigrations(MIGRATIONS_DIR);
    expect(files.length).toBeGreaterThan(0);
    expect(files.map((f) => f.version)).toEqual([...files.map((f) => f.version)].sort((a, b) => a - b));
  });

  it('applies pending migrations once, recording a checksum', async () => {
    expect((await migrate(url, dir)).applied).toEqual(['0001_first']);
    expect((await migrate(url, dir)).applied).toEqual([]);
    fs.writeFileSync(path.join(dir, '0002_second.sql'), 'alter table thing add column name text;');
    expect((await migrate(url, dir)).applied).toEqual(['0002_second']);
  });

  it('refuses an applied migration that was edited', async () => {
    fs.writeFileSync(path.join(dir, '0001_first.sql'), 'create table thing (id bigint primary key);');
    await expect(migrate(url, dir)).rejects.toThrow(/0001_first was edited after it was applied/);
    fs.writeFileSync(path.join(dir, '0001_first.sql'), 'create table thing (id int primary key);');
  });

  it('rolls back a failing migration entirely and names it', async () => {
    fs.writeFileSync(path.join(dir, '0003_broken.sql'), 'create table other (id int); select * from no_such_table;');
    await expect(migrate(url, dir)).rejects.toThrow(/0003_broken failed: .*no_such_table/);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const r = await c.query(`select to_regclass('other') as t`);
    await c.end();
    expect(r.rows[0].t).toBeNull();
    fs.rmSync(path.join(dir, '0003_broken.sql'));
  });

  it('refuses a badly named file', async () => {
    fs.writeFileSync(path.join(dir, '4_bad.sql'), 'select 1');
    await expect(migrate(url, dir)).rejects.toThrow(/must look like 0001_name.sql/);
    fs.rmSync(path.join(dir, '4_bad.sql'));
  });
});
