import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * The machine's limit in this run: PostgreSQL's own pgbench, `clients` clients inserting one
 * row per transaction (a durable commit each, with the server's settings as they are) for
 * `seconds`, on the same server and database as the scenarios.
 *
 * pgbench comes from the PostgreSQL 15 installation (PGBENCH, or the newest
 * /usr/lib/postgresql/<v>/bin/pgbench, or pgbench on PATH): the embedded PostgreSQL 17 package
 * ships no pgbench, and pgbench 15 speaks to a 17 server like any libpq client.
 */

export function findPgbench(): string {
  if (process.env.PGBENCH) return process.env.PGBENCH;
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin/pgbench'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions[0]) return path.join(root, versions[0], 'bin/pgbench');
  return 'pgbench';
}

export interface PgbenchResult {
  tps: number;
  latencyMs: number | null;
  transactions: number;
  binary: string;
  version: string;
}

function run(bin: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { env, maxBuffer: 10 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${bin} ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolve(`${stdout}\n${stderr}`);
    });
  });
}

export async function runPgbench(url: string, opts: { clients: number; seconds: number }): Promise<PgbenchResult> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('drop table if exists bench_pgbench');
    await c.query('create table bench_pgbench (id bigint generated always as identity primary key, n integer not null, payload text not null, at timestamptz not null default now())');
    return await runPgbenchScript(url, { ...opts, script: '\\set n random(1, 1000000000)\ninsert into bench_pgbench (n, payload) values (:n, md5(:n::text));\n' });
  } finally {
    await c.query('drop table if exists bench_pgbench').catch(() => {});
    await c.end();
  }
}

/** pgbench with a custom script (prepared statements, `clients` connections, at most 2 threads). */
export async function runPgbenchScript(url: string, opts: { clients: number; seconds: number; script: string }): Promise<PgbenchResult> {
  const bin = findPgbench();
  const version = (await run(bin, ['--version'])).trim().split('\n')[0] ?? '';
  const script = path.join(os.tmpdir(), `ortak-pgbench-${process.pid}-${Date.now()}.sql`);
  try {
    fs.writeFileSync(script, opts.script);
    // The same transport as the server's pool (the embedded cluster's Unix socket when `?host=` names it).
    const u = new URL(url);
    const env = { ...process.env, PGHOST: u.searchParams.get('host') ?? u.hostname, PGPORT: u.port || '5432', PGUSER: decodeURIComponent(u.username), PGPASSWORD: decodeURIComponent(u.password), PGDATABASE: u.pathname.slice(1) };
    const out = await run(bin, ['-n', '-M', 'prepared', '-c', String(opts.clients), '-j', String(Math.min(opts.clients, 2)), '-T', String(opts.seconds), '-f', script], env);
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(out) ?? /tps = ([\d.]+)/.exec(out);
    if (!tps) throw new Error(`pgbench printed no tps:\n${out}`);
    const lat = /latency average = ([\d.]+) ms/.exec(out);
    const tx = /number of transactions actually processed: (\d+)/.exec(out);
    const failed = /number of failed transactions: (\d+)/.exec(out);
    if (failed && Number(failed[1]) > 0) throw new Error(`pgbench: ${failed[1]} transactions failed:\n${out}`);
    return { tps: Math.round(Number(tps[1]) * 10) / 10, latencyMs: lat ? Number(lat[1]) : null, transactions: tx ? Number(tx[1]) : 0, binary: bin, version };
  } finally {
    fs.rmSync(script, { force: true });
  }
}
