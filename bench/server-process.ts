import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '../src/platform/db/cluster.ts';
import type { Options } from './options.ts';

/**
 * The server under test as a child process of the bench (bench/server.ts, started as `npm start`
 * would run it): its start, with the server's log and its database sessions shown when it does not
 * get ready; its RSS sampled while the scenarios run; its stop.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const log = (s: string) => process.stderr.write(`${s}\n`);

function procStatus(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

export interface Server {
  url: string;
  pid: number;
  /** Notices the `log` notify adapter wrote (delivered in the background while the scenarios ran). */
  noticesLogged(): number;
  /** RSS right after start (before any request). */
  idleRssMb: number;
  /** The highest RSS sampled since resetWindow(). */
  windowPeakMb(): number;
  resetWindow(): void;
  peakRssMb(): number;
  stop(): Promise<void>;
}

/**
 * What the server's sessions are doing (for a server that does not get ready: at start it applies
 * the migrations the tree holds, e.g. a backfill added after the data was loaded, under a lock).
 */
async function serverSessions(databaseUrl: string): Promise<string> {
  const c = new pg.Client({ connectionString: databaseUrl });
  try {
    await c.connect();
    const rows = (await c.query<{ line: string }>(
      `select format('  pid %s %s %s for %s: %s', pid, state, coalesce(wait_event, '-'), date_trunc('second', now() - query_start), left(regexp_replace(query, '\\s+', ' ', 'g'), 300)) as line
       from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle'`)).rows;
    return rows.map((r) => r.line).join('\n') || '  (none active)';
  } catch (e) {
    return `  (not readable: ${e instanceof Error ? e.message : String(e)})`;
  } finally {
    await c.end().catch(() => {});
  }
}

/** The server under test in production mode, in a child process (bench/server.ts). */
export async function startServer(databaseUrl: string, opts: Options, workDir: string): Promise<Server> {
  const port = await freePort();
  const args = [...opts.serverNodeFlags, ...(opts.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', opts.out] : []), '--import', 'tsx', path.join(ROOT, 'bench/server.ts')];
  // The server writes to a file, as a service's output goes to a file or the journal: a pipe to
  // this process (busy driving the load) would block the server's synchronous stdout writes.
  const logFile = path.join(workDir, 'server.log');
  const fd = fs.openSync(logFile, 'a');
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', fd, fd],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: workDir,
      SEED_DEMO: 'false',
      // Many simulated users sign in from one address, and the public scenarios come from it too.
      LOGIN_RATE_LIMIT: '100000',
      ANON_RATE_LIMIT: '1000000',
    },
  });
  fs.closeSync(fd);
  let exited = false;
  let exitCode: number | null = null;
  const exitedP = new Promise<void>((resolve) => child.on('exit', (code) => { exited = true; exitCode = code; resolve(); }));
  const read = () => fs.readFileSync(logFile, 'utf8');
  const until = Date.now() + 120_000;
  while (!/^ready \d+/m.test(read())) {
    if (exited) throw new Error(`the server exited (code ${exitCode}) before it was ready:\n${read().split('\n').slice(-30).join('\n')}`);
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`the server did not start within 120 s; its log:\n${read().split('\n').slice(-30).join('\n')}\nits sessions:\n${await serverSessions(databaseUrl)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // What the server wrote: warnings and errors (pino, LOG_LEVEL=warn) and its own lines are shown
  // at the end; the notices the `log` notify adapter records (NOTIFY_CHANNELS default) are counted.
  let notices = 0;
  const relay = () => {
    let shown = 0;
    for (const line of read().split('\n').filter(Boolean)) {
      if (/^ready \d+/.test(line)) continue;
      if (line.includes('[notice]')) {
        notices++;
        continue;
      }
      if (shown++ < 40) log(`  [server] ${line.replace(/^\[server\] /, '').slice(0, 600)}`);
      else if (shown === 41) log("  [server] … (further lines not shown)");
    }
  };
  let peak = 0;
  let window = 0;
  const idleRssMb = procStatus(child.pid!, 'VmRSS');
  const sampler = setInterval(() => {
    const rss = procStatus(child.pid!, 'VmRSS');
    peak = Math.max(peak, rss);
    window = Math.max(window, rss);
  }, 200);
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    peakRssMb: () => Math.max(peak, procStatus(child.pid!, 'VmHWM')),
    noticesLogged: () => notices,
    idleRssMb,
    windowPeakMb: () => Math.max(window, procStatus(child.pid!, 'VmRSS')),
    resetWindow: () => { window = 0; },
    async stop() {
      clearInterval(sampler);
      peak = Math.max(peak, procStatus(child.pid!, 'VmHWM'));
      if (!exited) child.kill('SIGTERM');
      const t = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 20_000);
      await exitedP;
      clearTimeout(t);
      relay();
    },
  };
}
