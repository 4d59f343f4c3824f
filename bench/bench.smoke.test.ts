import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withDatabase } from '../src/platform/db/cluster.ts';
import { SCENARIOS } from './run.ts';

/**
 * The harness never rots: `npm run bench -- --smoke` (2,000 appeals, 2 s per scenario) end to
 * end against a fresh database on the suite's own server (the embedded PostgreSQL 17, then 15),
 * and the JSON it writes holds every field, every scenario ran, and nothing failed.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const name = `ortak_bench_smoke_${process.pid}`;
let out: string;

beforeAll(async () => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'ortak-bench-smoke-'));
  const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await admin.connect();
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
  await admin.end();
});

afterAll(async () => {
  const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
  fs.rmSync(out, { recursive: true, force: true });
});

function runBench(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/run.ts'), ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('npm run bench -- --smoke', () => {
  it('loads, runs pgbench and every scenario, and writes the report', async () => {
    const { code, output } = await runBench(['--smoke', '--out', out], { DATABASE_URL: withDatabase(inject('pgAdminUrl'), name) });
    expect(code, output).toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(out, 'smoke-latest.json'), 'utf8')) as Record<string, unknown> & { scenarios: Record<string, Record<string, number>> };
    for (const field of ['pgbench_tps', 'server_peak_rss_mb', 'data_size_mb', 'appeals', 'machine', 'postgres_version', 'commit', 'load_seconds']) {
      expect(report, field).toHaveProperty(field);
    }
    expect(report.pgbench_tps as number).toBeGreaterThan(0);
    expect(report.server_peak_rss_mb as number).toBeGreaterThan(0);
    expect(report.appeals as number).toBeGreaterThanOrEqual(2000);
    expect(report.machine).toMatchObject({ cores: expect.any(Number), memory_mb: expect.any(Number) });
    expect(Object.keys(report.scenarios)).toEqual([...SCENARIOS]);
    for (const [scenario, r] of Object.entries(report.scenarios)) {
      for (const field of ['rps', 'p50_ms', 'p95_ms', 'p99_ms', 'errors', 'ratio_to_pgbench']) expect(r, `${scenario}.${field}`).toHaveProperty(field);
      expect(r.rps, `${scenario} rps\n${output}`).toBeGreaterThan(0);
      expect(r.errors, `${scenario} errors\n${output}`).toBe(0);
    }
  }, 240_000);
});
