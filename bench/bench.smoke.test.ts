import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withDatabase } from '../src/platform/db/cluster.ts';
import { LIFECYCLES, runFloor, SETWISE, VARIANTS } from './floor.ts';
import { SCENARIOS } from './options.ts';

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
    // A small pool: every scenario still passes through it, and the report names it.
    const { code, output } = await runBench(['--smoke', '--out', out], { DATABASE_URL: withDatabase(inject('pgAdminUrl'), name), DATABASE_POOL_SIZE: '3' });
    expect(code, output).toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(out, 'smoke-latest.json'), 'utf8')) as Record<string, unknown> & { scenarios: Record<string, Record<string, number>> };
    for (const field of ['pgbench_tps', 'server_peak_rss_mb', 'data_size_mb', 'appeals', 'machine', 'postgres_version', 'commit', 'load_seconds']) {
      expect(report, field).toHaveProperty(field);
    }
    expect(report.pgbench_tps as number).toBeGreaterThan(0);
    expect(report.server_peak_rss_mb as number).toBeGreaterThan(0);
    expect(report.server_pool_size).toBe(3);
    expect(report.appeals as number).toBeGreaterThanOrEqual(2000);
    expect(report.machine).toMatchObject({ cores: expect.any(Number), memory_mb: expect.any(Number) });
    expect(Object.keys(report.scenarios)).toEqual([...SCENARIOS]);
    // The HTTP floor precedes the scenarios: the server's HTTP stack with no application behind it,
    // an answer without the database and one single-row insert (its rows counted by httpfloor.ts).
    const hf = report.http_floor as { noop: Record<string, number>; insert: Record<string, number>; pool_size: number; connections: number } | null;
    expect(hf, output).not.toBeNull();
    for (const route of ['noop', 'insert'] as const) {
      expect(hf![route]!.rps, `${route}\n${output}`).toBeGreaterThan(0);
      expect(hf![route]!.errors, route).toBe(0);
    }
    expect(hf!.insert.ratio_to_pgbench).toBeGreaterThan(0);
    expect(hf!.pool_size).toBe(3);
    expect(hf!.connections).toBe(report.settings && (report.settings as { connections: number }).connections);
    // The write floor follows the scenarios (intake ran): PostgreSQL alone writing the same rows,
    // and what share of it the intake and the lifecycle reach.
    const floor = report.write_floor as { intake_tps: number; lifecycle_tps: number };
    expect(floor.intake_tps, output).toBeGreaterThan(0);
    expect(floor.lifecycle_tps, output).toBeGreaterThan(0);
    for (const scenario of ['intake', 'lifecycle']) expect(report.scenarios[scenario]!.ratio_to_floor, scenario).toBeGreaterThan(0);
    for (const [scenario, r] of Object.entries(report.scenarios)) {
      for (const field of ['rps', 'p50_ms', 'p95_ms', 'p99_ms', 'errors', 'ratio_to_pgbench']) expect(r, `${scenario}.${field}`).toHaveProperty(field);
      expect(r.rps, `${scenario} rps\n${output}`).toBeGreaterThan(0);
      expect(r.errors, `${scenario} errors\n${output}`).toBe(0);
    }
    // The notices the writes cause are counted, and delivered as they come: every intake is by a
    // citizen with an account, whose inbox has the slip with the commit (at 0.5 deliveries a
    // second, as before stop 15, this fails).
    for (const scenario of SCENARIOS.filter((x) => x !== 'sweep')) {
      for (const field of ['deliveries_per_s', 'deliveries_waiting']) expect(report.scenarios[scenario], `${scenario}.${field}`).toHaveProperty(field);
    }
    expect(report.scenarios.intake!.deliveries_per_s, output).toBeGreaterThanOrEqual(0.8 * report.scenarios.intake!.rps!);
    // The synchronous intakes per transaction (group commit, read from the server's /metrics).
    for (const scenario of ['intake', 'lifecycle']) expect(report.scenarios[scenario]!.intake_group_mean, `${scenario}\n${output}`).toBeGreaterThanOrEqual(1);
    // Accepted appeals (`Prefer: respond-async`) are all registered behind, none refused or left
    // waiting, and the report says how fast the registrar went.
    const accepted = report.scenarios.intake_async!;
    for (const field of ['registered_per_s_accepting', 'backlog_at_end', 'drain_s', 'registered_per_s_draining', 'drained', 'drain_cpu_server_ms', 'drain_cpu_postgres_ms', 'drain_rss_max_mb', 'refused', 'unsettled']) expect(accepted, `intake_async.${field}`).toHaveProperty(field);
    // In a 2-s window the registrar's one lane may not commit a batch before it ends (CI: 0 /s
    // while accepting, 681 cleared in 5.7 s after): what counts is that it registered them all.
    expect((accepted.registered_per_s_accepting ?? 0) + (accepted.registered_per_s_draining ?? 0), output).toBeGreaterThan(0);
    expect(accepted.refused, output).toBe(0);
    expect(accepted.unsettled, output).toBe(0);
    // The sweep applies every due deadline set-wise (the closes on silence too, since stop 23): a
    // step sent one by one costs ~14 statements instead of ~0.1 and is what made the large sweeps slow.
    expect(report.scenarios.sweep, output).toHaveProperty('one_by_one');
    expect(report.scenarios.sweep!.one_by_one, output).toBe(0);
    expect(['same_day', 'a_later_day'], output).toContain(report.scenarios.sweep!.sweep_close);
    // What an operation costs the machine, read from /proc: the suite's server runs here, so
    // both sides are measured (a server elsewhere would give null for PostgreSQL's side).
    for (const scenario of SCENARIOS) {
      const r = report.scenarios[scenario]!;
      expect(r.server_cpu_ms_per_op, `${scenario}.server_cpu_ms_per_op\n${output}`).toBeGreaterThan(0);
      expect(r.postgres_cpu_ms_per_op, `${scenario}.postgres_cpu_ms_per_op\n${output}`).toBeGreaterThan(0);
    }
    for (const scenario of SCENARIOS.filter((x) => x !== 'sweep')) expect(report.scenarios[scenario]!.cpu_ceiling_per_s, scenario).toBeGreaterThan(0);
    // And the WAL the writes cost (pg_stat_wal): an intake writes rows, so it writes WAL.
    for (const scenario of ['intake', 'lifecycle', 'sweep']) {
      for (const field of ['wal_records_per_op', 'wal_fpi_per_op', 'wal_kb_per_op']) expect(report.scenarios[scenario], `${scenario}.${field}`).toHaveProperty(field);
      // The bytes come from the WAL insert position (exact at once); the record counts from
      // pg_stat_wal, which backends report up to a second late — too late for a 2 s smoke run.
      expect(report.scenarios[scenario]!.wal_kb_per_op, `${scenario} WAL\n${output}`).toBeGreaterThan(0);
    }
    // The loader writes the answer mirrors the core keeps (migration 0010) with its own working-day
    // arithmetic: they must agree with that migration's definition (calendar.workingDaysBetween).
    const c = new pg.Client({ connectionString: withDatabase(inject('pgAdminUrl'), name) });
    await c.connect();
    try {
      const { rows } = await c.query<{ answered: number; wrong: number }>(`
        select count(*)::int as answered, (count(*) filter (where a.answer_working_days is distinct from (
          select count(*)::int from calendar_region z,
            generate_series(a.registered_on + 1, (a.answered_at at time zone z.time_zone)::date, interval '1 day') g (d)
          where z.region_code = coalesce((select region_code from calendar_region where region_code = a.region_code), '000000000')
            and (g.d::date + z.work_end::time) at time zone z.time_zone <= a.answered_at
            and coalesce((select cd.kind in ('working', 'transferred_working_day') from calendar_day cd
              where cd.region_code in (a.region_code, '000000000') and cd.date = g.d::date order by cd.region_code = '000000000' limit 1),
              extract(isodow from g.d) < 6))
          or a.answered_on_time is distinct from (a.deemed_refusal_at is null)))::int as wrong
        from appeal a where a.answered_at is not null and a.original_id is null
          and a.slip_number not like 'FL-%' -- the write floor's copies (bench/floor.ts): rows, not a register
      `);
      expect(rows[0]!.answered).toBeGreaterThan(1000);
      expect(rows[0]!.wrong).toBe(0);
      const acc = (await c.query<{ n: number; registered: number }>(`select count(*)::int as n,
          count(*) filter (where state = 'registered' and exists (select 1 from appeal a where a.id = appeal_acceptance.appeal_id and a.received_at = appeal_acceptance.accepted_at))::int as registered
        from appeal_acceptance`)).rows[0]!;
      expect(acc.n).toBeGreaterThan(0);
      expect(acc.registered).toBe(acc.n);
    } finally {
      await c.end();
    }
  }, 240_000);

  it('measures the write floor of an intake and of a lifecycle (bench/floor.ts) on the intakes the smoke run made', async () => {
    const url = withDatabase(inject('pgAdminUrl'), name);
    const results = await runFloor(url, { clients: 2, seconds: 1 });
    expect(results.map((r) => r.variant)).toEqual([...Object.keys(VARIANTS), ...Object.keys(SETWISE), ...Object.keys(LIFECYCLES)]);
    for (const r of results) expect(r.tps, r.variant).toBeGreaterThan(0);
    // The copies are whole intakes and lifecycles: every step of a floor lifecycle was written.
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const { rows } = await c.query<{ closed: number; steps: number; notices: number }>(`
        select count(*)::int as closed,
          (select count(*)::int from workflow_history h join appeal x on x.region_code = h.region_code and x.case_id = h.case_id
            where x.slip_number like 'FL-%' and x.state = 'closed' and h.seq in (10, 11, 12)) as steps,
          (select count(*)::int from notice n where n.dedupe_key like 'floor:%') as notices
        from appeal a where a.slip_number like 'FL-%' and a.state = 'closed'`);
      expect(rows[0]!.closed).toBeGreaterThan(0);
      expect(rows[0]!.steps).toBe(3 * rows[0]!.closed);
      expect(rows[0]!.notices).toBeGreaterThan(rows[0]!.closed);
    } finally {
      await c.end();
    }
  }, 120_000);

  it('writes whole intakes set-wise, ten per transaction (bench/floor.ts SETWISE)', async () => {
    const url = withDatabase(inject('pgAdminUrl'), name);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      // Floor appeals, and those with their case, their slip notice and a stored idempotent response.
      const count = async () => (await c.query<{ n: number; whole: number }>(`
        select count(*)::int as n, count(*) filter (where
            exists (select 1 from workflow_case k where k.region_code = a.region_code and k.id = a.case_id and k.subject_id = a.id::text)
            and exists (select 1 from notice x where x.region_code = a.region_code and x.about_type = 'appeal' and x.about_id = a.id::text))::int as whole
        from appeal a where a.slip_number like 'FL-%'`)).rows[0]!;
      const keys = async () => (await c.query<{ n: number }>(`select count(*)::int as n from idempotency_key where scope = 'floor' and status_code = 201`)).rows[0]!.n;
      const [before, keysBefore] = [await count(), await keys()];
      const [r] = await runFloor(url, { clients: 2, seconds: 1, only: ['setwise-10'] });
      const [after, keysAfter] = [await count(), await keys()];
      const written = after.n - before.n;
      expect(r!.intakes_per_transaction).toBe(10);
      expect(r!.tps).toBeGreaterThan(0);
      expect(written).toBeGreaterThanOrEqual(10);
      expect(written % 10).toBe(0);
      expect(after.whole - before.whole).toBe(written);
      expect(keysAfter - keysBefore).toBe(written);
    } finally {
      await c.end();
    }
  }, 120_000);
});
