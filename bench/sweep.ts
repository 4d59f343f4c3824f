import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { workflowHooks } from '../src/background.ts';
import { getCalendar } from '../src/platform/calendar/calendar.ts';
import { addDays } from '../src/platform/calendar/calendar.time.ts';
import { fixedClock } from '../src/platform/clock.ts';
import type { Db } from '../src/platform/db/database.ts';
import { endOfDay } from '../src/platform/workflow/deadlines.ts';
import { runSweep } from '../src/platform/workflow/sweep.ts';
import { clusterCpuMs, WAL_SQL, walPerOp, type WalReading } from './cpu.ts';
import type { ScenarioResult } from './scenarios.ts';

/**
 * The escalation sweep over all open appeals, called directly (runSweep with the server's hooks
 * from src/background.ts workflowHooks()), with the server stopped so that nothing else runs.
 *
 * The loader armed every ladder at the load instant, so what is due at a later instant is
 * exactly what the cron would find after that much time without a sweep. The sweep runs at the
 * close of the next working day (18:00 local, plus 30 s) at least 30 minutes after now: a whole
 * working day of steps — the reminders of the day, the breach wave at the close of hours (every
 * answer term ends then), the coordination-centre escalations, the closes on silence. That is the
 * heaviest sweep the per-minute cron meets after an outage of a day; the every-minute sweeps
 * that follow (one simulated minute apart, for the rest of the duration) are the steady state.
 */
export async function runSweepScenario(db: Db, duration: number, log: (s: string) => void, opts: { trace?: boolean; out: string; postmaster?: number | null }): Promise<ScenarioResult> {
  const cal = await getCalendar(db, '000000000');
  const earliest = Date.now() + 30 * 60_000;
  let day = cal.localDate(new Date());
  while (!cal.isWorkingDay(day) || endOfDay(cal, day).getTime() < earliest) day = addDays(day, 1);
  const at = new Date(endOfDay(cal, day).getTime() + 30_000);
  // Which close that is decides the due set (bench/README.md, "Latest results"): today's holds the
  // steps since the load; a later one a whole working day's more, the closes on silence among them.
  const close = day === cal.localDate(new Date()) ? 'same_day' : 'a_later_day';
  const counts = (await sql<{ open: number; armed: number; due: number }>`
    select (select count(*)::int from appeal where closed_at is null) as open,
      (select count(*)::int from workflow_deadline where next_step_at is not null) as armed,
      (select count(*)::int from workflow_deadline where next_step_at <= ${at}) as due`.execute(db)).rows[0]!;
  log(`  sweep at ${at.toISOString()} (close of ${day}, ${close === 'same_day' ? 'today' : 'a later working day'}): ${counts.open} open appeals, ${counts.armed} armed deadlines, ${counts.due} due`);
  const hooks = workflowHooks();
  const clock = fixedClock(at);
  // Queries sent during the sweep (this process has nothing else running), and their text with --trace.
  let queries = 0;
  const traced: string[] = [];
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    queries++;
    if (opts.trace && traced.length < 2000) {
      const q = args[0] as string | { text?: string };
      traced.push((typeof q === 'string' ? q : (q?.text ?? '')).replace(/\s+/g, ' ').trim());
    }
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof pg.Client.prototype.query;
  const wal = async () => (await sql<WalReading>`${sql.raw(WAL_SQL)}`.execute(db).catch(() => ({ rows: [] }))).rows[0] ?? null;
  const wal0 = await wal();
  const pg0 = opts.postmaster ? clusterCpuMs(opts.postmaster) : null;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let r: Awaited<ReturnType<typeof runSweep>>;
  try {
    r = await runSweep(db, clock, { hooks });
  } finally {
    pg.Client.prototype.query = query;
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const pg1 = opts.postmaster ? clusterCpuMs(opts.postmaster) : null;
  const pgCpu = pg0 !== null && pg1 !== null ? Math.round(pg1 - pg0) : null;
  log(`  CPU during the sweep: this process user ${Math.round(cpu.user / 1000)} ms, system ${Math.round(cpu.system / 1000)} ms; PostgreSQL ${pgCpu ?? '—'} ms`);
  if (opts.trace) {
    fs.mkdirSync(opts.out, { recursive: true });
    fs.writeFileSync(path.join(opts.out, 'trace-sweep.txt'), traced.map((q, i) => `${String(i + 1).padStart(4)}  ${q}`).join('\n') + '\n');
    log(`  trace sweep: ${queries} queries for ${r.due} due deadlines (first ${traced.length} in trace-sweep.txt)`);
  }
  log(`  one sweep: ${Math.round(ms)} ms — ${r.due} due, ${r.applied} steps applied, ${r.notices} notices, ${r.failed} failed, ${r.busy} busy, ${r.pages} pages, ${r.oneByOne} one by one`);

  // The steady state: the cron's next sweeps, one simulated minute apart.
  const minute: number[] = [];
  const until = performance.now() + Math.max(1, duration - ms / 1000) * 1000;
  while (performance.now() < until && minute.length < 600) {
    clock.advance(60_000);
    const t = performance.now();
    await runSweep(db, clock, { hooks });
    minute.push(performance.now() - t);
  }
  // The WAL of the sweep, read after the minute sweeps (which write next to nothing): by then its
  // backends have reported their WAL counts (at most once a second, cpu.ts).
  const walUsed = walPerOp(wal0, await wal(), r.due);
  log(`  WAL per due deadline: ${walUsed.wal_records_per_op ?? '—'} records, ${walUsed.wal_fpi_per_op ?? '—'} page images, ${walUsed.wal_kb_per_op ?? '—'} kB`);
  minute.sort((a, b) => a - b);
  const r2 = (x: number) => Math.round(x * 100) / 100;
  const seconds = ms / 1000;
  return {
    // "Open appeals covered per second": one sweep over all of them in `seconds`.
    rps: r2(counts.open / seconds),
    p50_ms: r2(ms),
    p95_ms: r2(ms),
    p99_ms: r2(ms),
    errors: r.failed,
    count: r.due,
    seconds: r2(seconds),
    sweep_ms: r2(ms),
    sweep_at: at.toISOString(),
    // 'same_day': the close of the day the sweep ran (before 17:30 local); 'a_later_day': the next working day's.
    sweep_close: close,
    open_appeals: counts.open,
    armed_deadlines: counts.armed,
    due: r.due,
    applied: r.applied,
    notices: r.notices,
    busy: r.busy,
    // Due deadlines the sweep applied one by one (~14 statements each) rather than set-wise.
    one_by_one: r.oneByOne,
    due_per_s: r2(r.due / seconds),
    // The sweep runs in this process: its CPU time in ms (the rest of sweep_ms it waits on PostgreSQL).
    cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
    // The embedded cluster's processes during the sweep (null behind DATABASE_URL).
    postgres_cpu_ms: pgCpu,
    server_cpu_ms_per_op: r.due ? r2((cpu.user + cpu.system) / 1000 / r.due) : null,
    postgres_cpu_ms_per_op: r.due && pgCpu !== null ? r2(pgCpu / r.due) : null,
    ...walUsed,
    queries_per_op: r.due ? r2(queries / r.due) : null,
    minute_sweeps: minute.length,
    minute_sweep_p50_ms: r2(minute[Math.floor(minute.length / 2)] ?? 0),
    minute_sweep_max_ms: r2(minute.at(-1) ?? 0),
  };
}
