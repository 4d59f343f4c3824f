import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '../src/platform/db/cluster.ts';
import { cpuPerOp, readCpu } from './cpu.ts';
import { cannon, type ScenarioResult } from './scenarios.ts';

/**
 * The HTTP floor: what the server's HTTP stack reaches on this machine in this run with no
 * application behind it (bench/httpfloor-server.ts) — an answer without the database, and one
 * single-row insert per request, the row pgbench's script writes — driven by the same autocannon,
 * connections and seconds as the scenarios. No route of the product can do less than the insert
 * route does (a durable commit behind a JSON request), so `insert.ratio_to_pgbench` bounds every
 * write scenario's ratio to pgbench from above, and `noop.rps` bounds every scenario's rate.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface HttpFloorRoute extends ScenarioResult {
  server_cpu_ms_per_op: number | null;
  postgres_cpu_ms_per_op: number | null;
  client_cpu_ms_per_op: number | null;
}

export interface HttpFloor {
  noop: HttpFloorRoute;
  insert: HttpFloorRoute & { ratio_to_pgbench: number };
  connections: number;
  seconds: number;
  pool_size: number;
}

export async function runHttpFloor(url: string, opts: {
  connections: number; seconds: number; warmup: number; nodeFlags: string[]; poolSize: number; pgbenchTps: number; postmaster: number | null; log: (s: string) => void;
}): Promise<HttpFloor> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const port = await freePort();
  const child = spawn(process.execPath, [...opts.nodeFlags, '--import', 'tsx', path.join(ROOT, 'bench/httpfloor-server.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: url, PORT: String(port), DATABASE_POOL_SIZE: String(opts.poolSize) },
  });
  let output = '';
  child.stdout.on('data', (b: Buffer) => { output += b.toString(); });
  child.stderr.on('data', (b: Buffer) => { output += b.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await c.query('drop table if exists bench_http_floor');
    await c.query('create table bench_http_floor (id bigint generated always as identity primary key, n integer not null, payload text not null, at timestamptz not null default now())');
    const until = Date.now() + 60_000;
    while (!/^ready \d+/m.test(output)) {
      if (child.exitCode !== null) throw new Error(`the HTTP floor's server exited (code ${child.exitCode}):\n${output}`);
      if (Date.now() > until) throw new Error(`the HTTP floor's server did not start within 60 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const s = { baseUrl: `http://127.0.0.1:${port}`, connections: opts.connections, duration: opts.seconds, warmup: opts.warmup };
    let n = 0;
    const routes = {
      noop: () => ({ method: 'GET', path: '/noop' }),
      insert: () => ({ method: 'POST', path: '/insert', body: JSON.stringify({ n: ++n }) }),
    };
    const out: Partial<Record<keyof typeof routes, HttpFloorRoute>> = {};
    for (const [name, next] of Object.entries(routes) as [keyof typeof routes, () => { method: string; path: string; body?: string }][]) {
      if (opts.warmup > 0) await cannon(s, opts.warmup, next);
      const before = readCpu(child.pid!, opts.postmaster);
      const r = await cannon(s, opts.seconds, next);
      const cpu = cpuPerOp(before, readCpu(child.pid!, opts.postmaster), r.count + r.errors);
      if (r.errors) throw new Error(`the HTTP floor's ${name} route failed ${r.errors} times (first: ${r.first_error ?? '?'})`);
      out[name] = { ...r, server_cpu_ms_per_op: cpu.server, postgres_cpu_ms_per_op: cpu.postgres, client_cpu_ms_per_op: cpu.client };
      opts.log(`  ${name.padEnd(8)} ${String(r.rps).padStart(9)} /s  p50 ${r.p50_ms} ms  p95 ${r.p95_ms} ms  p99 ${r.p99_ms} ms  CPU/op: server ${cpu.server ?? '—'} ms, PostgreSQL ${cpu.postgres ?? '—'} ms, load generator ${cpu.client ?? '—'} ms`);
    }
    // Every request answered 201 only after its commit: the rows are there.
    const rows = Number((await c.query<{ n: string }>('select count(*) as n from bench_http_floor')).rows[0]!.n);
    if (rows < out.insert!.count) throw new Error(`the HTTP floor's insert route answered ${out.insert!.count} times but ${rows} rows are stored`);
    return {
      noop: out.noop!,
      insert: { ...out.insert!, ratio_to_pgbench: Math.round((out.insert!.rps / opts.pgbenchTps) * 1000) / 1000 },
      connections: opts.connections,
      seconds: opts.seconds,
      pool_size: opts.poolSize,
    };
  } finally {
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    await c.query('drop table if exists bench_http_floor').catch(() => {});
    await c.end();
  }
}
