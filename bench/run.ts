/**
 * `npm run bench` — the appeals path measured against the machine's own PostgreSQL limit.
 *
 *   npm run bench                                   1,000,000 appeals, 10 s per scenario, 16 connections
 *   npm run bench -- --appeals 200000 --duration 5
 *   npm run bench -- --ten-million                  10,000,000 appeals
 *   npm run bench -- --smoke                        2,000 appeals, 2 s per scenario (what npm test runs)
 *
 * Options: --appeals N, --ten-million, --duration S, --connections C, --warmup S (not counted,
 * default 2; 1 with --smoke), --pgbench-seconds S (default 10), --only intake,sweep,… ,
 * --out DIR (default bench/results), --data-dir DIR (the embedded cluster's directory; given
 * explicitly it is kept, and a database loaded there before is reused), --keep, --cpu-prof
 * (writes the server's V8 CPU profile to the output directory), --pg-stats (pg_stat_statements
 * loaded, embedded only: each scenario's statements by PostgreSQL time, pgstat-<scenario>.txt), --trace (writes the queries one
 * operation of each scenario sends, trace-<scenario>.txt in the output directory),
 * --no-closed-history (closed appeals get no workflow history rows: no scenario reads them, and
 * the database is ~40 % smaller — for 10 M on a small disk), --server-node-flags "…" (the
 * server's node flags instead of those `npm start` runs with, e.g. "--max-old-space-size=256"),
 * --no-floor (skips the floors: the HTTP floor before the scenarios — the server's HTTP stack with
 * no application, bench/httpfloor.ts — and the write floor that follows them when intake ran:
 * pgbench writing exactly an intake's and a lifecycle's rows, bench/floor.ts).
 *
 * On the embedded PostgreSQL 17 by default (a throwaway cluster in .test-data/bench-<pid>,
 * default settings: durability untouched), or on DATABASE_URL (an empty database, or one this
 * bench loaded before). See bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { embeddedBinDir, removeClusterDir, startCluster, withDatabase, type Cluster } from '../src/platform/db/cluster.ts';
import { createDb } from '../src/platform/db/database.ts';
import { loadConfig } from '../src/config.ts';
import { acceptanceCounts, drainAcceptances, type AcceptanceCounts } from './acceptances.ts';
import { Client } from './http.ts';
import { runFloor } from './floor.ts';
import { runHttpFloor, type HttpFloor } from './httpfloor.ts';
import { tableWrites, writePgStats, type TableWrites } from './pgstats.ts';
import { loadData, type LoadInfo } from './load.ts';
import { runPgbench, type PgbenchResult } from './pgbench.ts';
import { prepareFixtures, probe, runHttpScenario, runLifecycle, type Fixtures, type HttpScenario, type ScenarioResult } from './scenarios.ts';
import { parseOptions, SCENARIOS, type Options, type ScenarioName } from './options.ts';
import { runSweepScenario } from './sweep.ts';
import { startServer, type Server } from './server-process.ts';
import { cpuPerOp, postmasterOfBackend, readCpu, WAL_SQL, walPerOp, type CpuReading, type WalReading } from './cpu.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const log = (s: string) => process.stderr.write(`${s}\n`);

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return dirty ? `${head}-dirty` : head;
  } catch {
    return 'unknown';
  }
}

const r2 = (x: number) => Math.round(x * 100) / 100;

/**
 * A scenario's CPU per operation (ms): the server's process (its background jobs included), the
 * embedded cluster's processes, and this process (the load generator, sharing the machine). And
 * the operations per second that CPU allows on this machine's cores if nothing else ran there:
 * the ceiling the throughput figure is measured against, steadier than it on a shared machine.
 */
function cpuFields(cpu: { server: number | null; postgres: number | null; client: number | null }): Record<string, number | null> {
  const both = cpu.server !== null && cpu.postgres !== null ? cpu.server + cpu.postgres : null;
  return {
    server_cpu_ms_per_op: cpu.server,
    postgres_cpu_ms_per_op: cpu.postgres,
    client_cpu_ms_per_op: cpu.client,
    cpu_ceiling_per_s: both ? Math.round((os.cpus().length * 1000) / both) : null,
  };
}

function cpuLine(cpu: { server: number | null; postgres: number | null; client: number | null }): string {
  return `CPU/op: server ${cpu.server ?? '—'} ms, PostgreSQL ${cpu.postgres ?? '—'} ms, load generator ${cpu.client ?? '—'} ms`;
}

/**
 * Refuses to start a load the disk cannot hold (measured: 4.2 GB per million appeals with all
 * history, 2.7 GB without the closed appeals' history; plus staging and sort space while loading).
 */
function checkDisk(dataDir: string, opts: Options): void {
  const st = fs.statfsSync(path.dirname(dataDir));
  const free = st.bavail * st.bsize;
  const need = (opts.appeals / 1e6) * (opts.closedHistory ? 4.2 : 2.7) * 1.4 * 1024 ** 3;
  if (need > free * 0.8) {
    throw new Error(`${opts.appeals.toLocaleString('en')} appeals need about ${Math.round(need / 1024 ** 3)} GB while loading, and the bench keeps a fifth of the disk free; ${Math.round(free / 1024 ** 3)} GB are free under ${path.dirname(dataDir)}` +
      (opts.closedHistory ? ' (--no-closed-history needs about a third less)' : ''));
  }
}

/** One operation of each scenario with the server's query trace on: the round trips, in order. */
async function traceScenarios(client: Client, names: ScenarioName[], f: Fixtures, out: string): Promise<void> {
  fs.mkdirSync(out, { recursive: true });
  for (const name of names) {
    // Twice: the first operation also fills the server's caches (calendar, definitions, prefixes).
    let queries: string[] = [];
    for (let i = 0; i < 2; i++) {
      await client.request('POST', '/__bench/trace');
      if (name === 'lifecycle') await runLifecycle({ baseUrl: '', connections: 1, duration: 0, warmup: 0 }, client, { ...f, workers: f.workers.slice(0, 1) }, async () => {}, 1);
      else await probe(client, name as HttpScenario, f);
      queries = (await client.request<{ queries: string[] }>('GET', '/__bench/trace')).body.queries;
    }
    fs.writeFileSync(path.join(out, `trace-${name}.txt`), queries.map((q, i) => `${String(i + 1).padStart(3)}  ${q}`).join('\n') + '\n');
    log(`  trace ${name}: ${queries.length} queries (trace-${name}.txt)`);
  }
}

function table(results: Record<string, ScenarioResult>, pgbenchTps: number): string {
  const head = ['scenario', 'rps', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', '× pgbench'];
  const rows = Object.entries(results).map(([name, r]) => [name, String(r.rps), String(r.p50_ms), String(r.p95_ms), String(r.p99_ms), String(r.errors), String(r2(r.rps / pgbenchTps))]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(head), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const opts = parseOptions(argv);
  const loadStart = os.loadavg();
  const started = new Date();
  log(`Ortak bench: ${opts.appeals.toLocaleString('en')} appeals, ${opts.duration} s per scenario (+${opts.warmup} s warm-up), ${opts.connections} connections; load average ${loadStart.map((x) => x.toFixed(2)).join(' ')} on ${os.cpus().length} cores`);
  const external = process.env.DATABASE_URL || undefined;
  if (external && opts.pgStats) throw new Error('--pg-stats loads pg_stat_statements into the embedded cluster; it cannot change the server behind DATABASE_URL');
  const dataDir = opts.dataDir ?? path.join(ROOT, `.test-data/bench-${process.pid}`);
  const keep = opts.keep || !!opts.dataDir;
  let cluster: Cluster | undefined;
  let server: Server | undefined;
  let mainClient: pg.Client | undefined;
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ortak-bench-'));
  try {
    let url: string;
    if (external) {
      url = external;
      log(`database: DATABASE_URL (${new URL(external).host}${new URL(external).pathname})`);
    } else {
      // --pg-stats is the one setting the bench may change, for profiling only (reported in the results).
      const pgStatsSettings = { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track_planning': 'on', 'pg_stat_statements.max': '2000' };
      cluster = await startCluster({ binDir: await embeddedBinDir(), dataDir, ...(opts.pgStats ? { settings: pgStatsSettings } : {}) });
      const admin = new pg.Client({ connectionString: cluster.url });
      await admin.connect();
      const exists = await admin.query(`select 1 from pg_database where datname = 'ortak_bench'`);
      if (!exists.rowCount) await admin.query('create database ortak_bench');
      await admin.end();
      url = withDatabase(cluster.url, 'ortak_bench');
      log(`database: embedded PostgreSQL ${cluster.version} in ${path.relative(ROOT, dataDir)} (${opts.pgStats ? 'default settings + pg_stat_statements' : 'default settings'})`);
    }
    const c = new pg.Client({ connectionString: url });
    c.on('error', () => {}); // the cluster stopping under it after a failure must not crash the report of that failure
    await c.connect();
    mainClient = c;
    const pgVersion = (await c.query<{ v: string }>('select version() as v')).rows[0]!.v;
    const settings = (await c.query<{ name: string; setting: string }>(
      `select name, setting from pg_settings where name in ('fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', 'max_wal_size', 'wal_level', 'max_connections', 'shared_preload_libraries')`)).rows;

    if (opts.pgStats) await c.query('create extension if not exists pg_stat_statements');
    // The cluster's processes, for the CPU each operation costs PostgreSQL (null when it runs elsewhere).
    const postmaster = postmasterOfBackend((await c.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid);
    log('\n1. loading data');
    // A kept data directory that holds a loaded register is reused: nothing to make room for.
    const loadedBefore = (await c.query<{ t: string | null }>(`select to_regclass('bench_meta')::text as t`)).rows[0]!.t !== null;
    if (cluster && !loadedBefore) checkDisk(dataDir, opts);
    const load: LoadInfo = await loadData(url, { appeals: opts.appeals, log, closedHistory: opts.closedHistory });
    const sizes = (await c.query<{ db: string; appeal: string }>(
      `select pg_database_size(current_database()) as db, pg_total_relation_size('appeal') as appeal`)).rows[0]!;
    const dataSizeMb = Math.round(Number(sizes.db) / 1048576);
    log(`  ${load.appeals.toLocaleString('en')} appeals (${load.openAppeals.toLocaleString('en')} open), ${load.citizens.toLocaleString('en')} citizens; database ${dataSizeMb} MB; ${load.reused ? 'reused' : `loaded in ${load.loadSeconds} s`}`);

    log(`\n2. pgbench: ${opts.pgbenchClients} clients, single-row insert, ${opts.pgbenchSeconds} s`);
    const pgb: PgbenchResult = await runPgbench(url, { clients: opts.pgbenchClients, seconds: opts.pgbenchSeconds });
    log(`  ${pgb.tps} tps (${pgb.version})`);
    const poolSize = loadConfig({ DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE }).databasePoolSize;

    const results: Partial<Record<ScenarioName, ScenarioResult>> = {};
    const http = opts.only.filter((s) => s !== 'sweep');
    // The HTTP floor: the server's HTTP stack with no application behind it, next to pgbench in
    // time, so that the scenarios' rates and pgbench's can be read against what any route reaches.
    let httpFloor: HttpFloor | null = null;
    if (opts.floor && http.length) {
      log(`\n3. HTTP floor (bench/httpfloor.ts): Fastify and node-postgres with no application, ${opts.connections} connections, ${opts.duration} s per route`);
      try {
        httpFloor = await runHttpFloor(url, { connections: opts.connections, seconds: opts.duration, warmup: opts.warmup, nodeFlags: opts.serverNodeFlags, poolSize, pgbenchTps: pgb.tps, postmaster, log });
      } catch (err) {
        log(`  HTTP floor not measured: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      }
    }

    let peakRss = 0;
    let noticesLogged = 0;
    let idleRss = 0;
    if (http.length) {
      log('\n4. server (production mode) and HTTP scenarios');
      server = await startServer(url, opts, workDir);
      const client = new Client(server.url, opts.connections + 4);
      const { db } = createDb(url, 4);
      try {
        const fixtures = await prepareFixtures(db, client, opts.connections, log);
        idleRss = server.idleRssMb;
        const s = { baseUrl: server.url, connections: opts.connections, duration: opts.duration, warmup: opts.warmup };
        // Queries the server sent and transactions PostgreSQL committed (all sessions, background
        // jobs included), per operation of the measured run.
        // Notice deliveries (the pg-boss worker's, in the same server): finished and still waiting,
        // so that a write scenario's figure says whether the notices it caused kept up with it.
        const counters = async () => {
          const d = (await c.query<{ done: number; waiting: number }>(`select count(*) filter (where status in ('delivered', 'failed', 'skipped'))::int as done,
              count(*) filter (where status in ('pending', 'retrying'))::int as waiting from notice_delivery`)).rows[0]!;
          return {
            queries: ((await client.request<{ queries: number }>('GET', '/__bench/queries')).body).queries,
            commits: Number((await c.query<{ n: string }>('select xact_commit as n from pg_stat_database where datname = current_database()')).rows[0]!.n),
            deliveries: d.done,
            waiting: d.waiting,
            wal: (await c.query<WalReading>(WAL_SQL).catch(() => ({ rows: [null] }))).rows[0] ?? null,
            groups: await intakeGroups(client),
          };
        };
        if (opts.trace) await traceScenarios(client, http, fixtures, opts.out);
        for (const name of http) {
          if (name !== 'lifecycle') await probe(client, name as HttpScenario, fixtures);
          let before: Awaited<ReturnType<typeof counters>> = { queries: 0, commits: 0, deliveries: 0, waiting: 0, wal: null, groups: { sum: 0, count: 0 } };
          let load1 = 0;
          let cpuBefore: CpuReading | undefined;
          let writesBefore: TableWrites = new Map();
          let acceptedBefore: AcceptanceCounts | undefined;
          const measured = async () => {
            if (name === 'intake_async') acceptedBefore = await acceptanceCounts(c);
            if (opts.pgStats) {
              await c.query('select pg_stat_statements_reset()');
              writesBefore = await tableWrites(c);
            }
            before = await counters();
            server!.resetWindow();
            load1 = os.loadavg()[0]!;
            cpuBefore = readCpu(server!.pid, postmaster);
          };
          const r = name === 'lifecycle' ? await runLifecycle(s, client, fixtures, measured) : await runHttpScenario(s, name as HttpScenario, fixtures, measured);
          const cpu = cpuPerOp(cpuBefore!, readCpu(server.pid, postmaster), r.count + r.errors);
          const acceptedAfter = name === 'intake_async' ? await acceptanceCounts(c) : undefined;
          const after = await counters();
          const mem = (await client.request<NodeJS.MemoryUsage>('GET', '/__bench/memory')).body;
          r.server_rss_max_mb = Math.round(server.windowPeakMb());
          r.server_heap_used_mb = Math.round(mem.heapUsed / 1048576);
          r.server_heap_total_mb = Math.round(mem.heapTotal / 1048576);
          r.server_external_mb = Math.round((mem.external + mem.arrayBuffers) / 1048576);
          r.load_avg_1m = r2((load1 + os.loadavg()[0]!) / 2);
          // pg_stat_database is updated when a backend reports its statistics (at most every second or so).
          r.queries_per_op = r.count ? r2((after.queries - before.queries) / (r.count + r.errors)) : null;
          r.commits_per_op = r.count ? r2((after.commits - before.commits) / (r.count + r.errors)) : null;
          r.deliveries_per_s = r2((after.deliveries - before.deliveries) / s.duration);
          r.deliveries_waiting = after.waiting;
          // The synchronous intakes per transaction (group commit, appeals.intake-group.ts); null
          // when the scenario made none.
          const groups = after.groups.count - before.groups.count;
          r.intake_group_mean = groups > 0 ? r2((after.groups.sum - before.groups.sum) / groups) : null;
          Object.assign(r, cpuFields(cpu), walPerOp(before.wal, after.wal, r.count + r.errors));
          if (opts.pgStats) await writePgStats(c, name, r.count + r.errors, opts.out, writesBefore, before.wal && after.wal ? { from: before.wal.lsn, to: after.wal.lsn } : undefined);
          if (acceptedBefore && acceptedAfter) {
            // Before the next scenario: the registrar clears what was accepted (bench/acceptances.ts),
            // measured as a window of its own: the CPU per registration, and with --pg-stats its
            // statements (pgstat-intake_async-drain.txt, per registration).
            if (opts.pgStats) {
              await c.query('select pg_stat_statements_reset()');
              writesBefore = await tableWrites(c);
            }
            const drainCpuBefore = readCpu(server.pid, postmaster);
            server.resetWindow();
            const drained = await drainAcceptances(c, acceptedBefore, acceptedAfter, 15 * 60_000);
            const drainCpu = cpuPerOp(drainCpuBefore, readCpu(server.pid, postmaster), drained.drained);
            Object.assign(r, drained, { drain_cpu_server_ms: drainCpu.server, drain_cpu_postgres_ms: drainCpu.postgres, drain_rss_max_mb: Math.round(server.windowPeakMb()) });
            log(`  ${''.padEnd(20)} registered ${r.registered_per_s_accepting} /s while accepting, ${r.backlog_at_end} waiting at the end, cleared in ${r.drain_s} s (${r.registered_per_s_draining ?? '—'} /s; CPU per registration: server ${drainCpu.server ?? '—'} ms, PostgreSQL ${drainCpu.postgres ?? '—'} ms; RSS up to ${r.drain_rss_max_mb} MB); refused ${r.refused}, unsettled ${r.unsettled}`);
            if (opts.pgStats) await writePgStats(c, `${name}-drain`, drained.drained, opts.out, writesBefore);
          }
          results[name] = r;
          log(`  ${name.padEnd(20)} ${String(r.rps).padStart(9)} /s  p50 ${r.p50_ms} ms  p95 ${r.p95_ms} ms  p99 ${r.p99_ms} ms  errors ${r.errors}  ${r.queries_per_op} queries/op${r.intake_group_mean != null ? `  ${r.intake_group_mean} intakes/transaction` : ''}  deliveries ${r.deliveries_per_s} /s (${r.deliveries_waiting} waiting)  ${cpuLine(cpu)}; WAL/op ${r.wal_records_per_op ?? '—'} records, ${r.wal_fpi_per_op ?? '—'} page images, ${r.wal_kb_per_op ?? '—'} kB${r.first_error ? `  (first: ${r.first_error})` : ''}`);
        }
      } finally {
        client.close();
        await db.destroy();
        // autocannon drops its sockets at the end: let the requests still running finish first.
        await new Promise((r) => setTimeout(r, 1500));
        await server.stop();
        peakRss = server.peakRssMb();
        noticesLogged = server.noticesLogged();
        server = undefined;
      }
      log(`  server peak RSS ${Math.round(peakRss)} MB`);
    }
    if (opts.only.includes('sweep')) {
      log('\n5. escalation sweep (server stopped)');
      const { db } = createDb(url, 4);
      let destroyed: Promise<void> | undefined;
      const destroy = () => (destroyed ??= db.destroy());
      try {
        if (opts.pgStats) await c.query('select pg_stat_statements_reset()');
        const writesBefore = opts.pgStats ? await tableWrites(c) : new Map();
        const lsn = async () => (await c.query<WalReading>(WAL_SQL)).rows[0]!.lsn;
        const walFrom = opts.pgStats ? await lsn() : '';
        results.sweep = await runSweepScenario(db, opts.duration, log, { trace: opts.trace, out: opts.out, postmaster });
        // Per due deadline (the minute sweeps after it add one index probe each). The sweep's
        // backends report their row counts when they exit (an idle one waits up to 10 s).
        if (opts.pgStats) {
          await destroy();
          await new Promise((r) => setTimeout(r, 500));
          await writePgStats(c, 'sweep', results.sweep.count, opts.out, writesBefore, { from: walFrom, to: await lsn() });
        }
      } finally {
        await destroy();
      }
    }
    // The write floor: PostgreSQL alone writing exactly the rows of the intakes just made (and of
    // a lifecycle), as many as it can, with pgbench's clients and seconds. Last, because it inserts
    // into the register.
    let floor: { intake_tps: number; lifecycle_tps: number; clients: number; seconds: number } | null = null;
    if (opts.floor && results.intake) {
      log(`\n6. write floor (bench/floor.ts): pgbench writing exactly an intake's and a lifecycle's rows, ${opts.pgbenchClients} clients, ${opts.pgbenchSeconds} s each`);
      try {
        const f = await runFloor(url, { clients: opts.pgbenchClients, seconds: opts.pgbenchSeconds, only: ['full', 'lifecycle'], baselineTps: pgb.tps, log });
        floor = { intake_tps: f.find((x) => x.variant === 'full')!.tps, lifecycle_tps: f.find((x) => x.variant === 'lifecycle')!.tps, clients: opts.pgbenchClients, seconds: opts.pgbenchSeconds };
      } catch (err) {
        // The scenarios' figures are kept whatever happens here (e.g. too few intakes to copy).
        log(`  write floor not measured: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      }
    }
    const floorOf: Partial<Record<ScenarioName, number>> = floor ? { intake: floor.intake_tps, lifecycle: floor.lifecycle_tps } : {};
    const scenarios = Object.fromEntries(
      SCENARIOS.filter((n) => results[n]).map((n) => [n, {
        ...results[n]!,
        ratio_to_pgbench: r2(results[n]!.rps / pgb.tps),
        // What share of PostgreSQL's own ceiling for the same rows the whole path reaches.
        ...(floorOf[n] ? { ratio_to_floor: r2(results[n]!.rps / floorOf[n]!) } : {}),
      }]),
    ) as Record<ScenarioName, ScenarioResult & { ratio_to_pgbench: number; ratio_to_floor?: number }>;
    const report = {
      timestamp: started.toISOString(),
      commit: gitCommit(),
      appeals: load.appeals,
      open_appeals: load.openAppeals,
      citizens: load.citizens,
      load_seconds: load.loadSeconds,
      load_reused: load.reused,
      closed_history: opts.closedHistory,
      load_phases: load.phases,
      pgbench_tps: pgb.tps,
      write_floor: floor,
      http_floor: httpFloor,
      pgbench: { clients: opts.pgbenchClients, seconds: opts.pgbenchSeconds, latency_ms: pgb.latencyMs, transactions: pgb.transactions, binary: pgb.binary, version: pgb.version, script: 'insert into bench_pgbench (n, payload) values (:n, md5(:n::text)), -M prepared' },
      server_peak_rss_mb: Math.round(peakRss),
      server_node_flags: opts.serverNodeFlags,
      // DATABASE_POOL_SIZE of the environment the bench ran in, as the server read it.
      server_pool_size: poolSize,
      server_idle_rss_mb: Math.round(idleRss),
      server_rss_under_load_mb: Math.round(Math.max(0, ...Object.values(results).map((r) => Number(r?.server_rss_max_mb ?? 0)))),
      server_notices_logged: noticesLogged,
      data_size_mb: dataSizeMb,
      appeal_table_mb: Math.round(Number(sizes.appeal) / 1048576),
      machine: {
        cores: os.cpus().length,
        memory_mb: Math.round(os.totalmem() / 1048576),
        cpu: os.cpus()[0]?.model ?? 'unknown',
        load_avg_start: loadStart.map(r2),
        load_avg_end: os.loadavg().map(r2),
        node: process.version,
      },
      postgres_version: pgVersion,
      postgres_settings: Object.fromEntries(settings.map((s) => [s.name, s.setting])),
      database: external ? 'DATABASE_URL' : 'embedded',
      settings: { connections: opts.connections, duration_s: opts.duration, warmup_s: opts.warmup, smoke: opts.smoke, pg_stats: opts.pgStats },
      scenarios,
    };
    fs.mkdirSync(opts.out, { recursive: true });
    // Smoke runs and profiling runs (pg_stat_statements loaded) never replace latest.json.
    const prefix = opts.smoke ? 'smoke-' : opts.pgStats ? 'pgstats-' : '';
    const file = path.join(opts.out, `${prefix}${started.toISOString().replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
    fs.writeFileSync(path.join(opts.out, `${prefix}latest.json`), JSON.stringify(report, null, 2) + '\n');
    process.stdout.write(`\n${table(scenarios, pgb.tps)}\n\npgbench ${pgb.tps} tps · server peak RSS ${Math.round(peakRss)} MB · data ${dataSizeMb} MB · ${load.appeals.toLocaleString('en')} appeals · load ${load.loadSeconds} s · ${report.postgres_version.split(' on ')[0]} · load average ${report.machine.load_avg_end.join(' ')}\n`);
    if (floor) {
      process.stdout.write(`write floor (PostgreSQL alone, the same rows): ${floor.intake_tps} intakes/s, ${floor.lifecycle_tps} lifecycles/s — the scenarios reach ` +
        `${scenarios.intake?.ratio_to_floor ?? '—'} and ${scenarios.lifecycle?.ratio_to_floor ?? '—'} of it\n`);
    }
    if (httpFloor) {
      process.stdout.write(`HTTP floor (the server's HTTP stack, no application): ${httpFloor.noop.rps} /s without the database, ${httpFloor.insert.rps} /s ` +
        `with one single-row insert (${httpFloor.insert.ratio_to_pgbench} × pgbench)\n`);
    }
    log(`written ${path.relative(process.cwd(), file)} and ${prefix}latest.json`);
    return 0;
  } finally {
    await server?.stop().catch(() => {});
    await mainClient?.end().catch(() => {});
    await cluster?.stop().catch(() => {});
    if (cluster && !keep) removeClusterDir(dataDir);
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      log(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exit(1);
    },
  );
}

/** The server's count and sum of synchronous intakes per transaction (`ortak_appeal_intake_group_size`, /metrics). */
async function intakeGroups(client: Client): Promise<{ sum: number; count: number }> {
  const text = String((await client.request<string>('GET', '/metrics', { headers: { accept: 'text/plain' } })).body);
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { sum: read('ortak_appeal_intake_group_size_sum'), count: read('ortak_appeal_intake_group_size_count') };
}
