import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * CPU time used by the processes of a run, from /proc (Linux), so that a scenario can say what one
 * operation costs the machine — the server's process and PostgreSQL's — independently of how busy
 * the machine was at the time. Requests per second on a shared two-core machine swing by ±30 %
 * between runs minutes apart; the CPU an operation takes moves far less (bench/README "Tools").
 * Elsewhere (no /proc, or PostgreSQL on another machine) the readings it cannot take are null.
 */

let ticksPerSecond: number | undefined;
function hz(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** /proc/<pid>/stat: the command (it may hold spaces and parentheses) and the fields after it. */
function readStat(pid: number): { comm: string; fields: string[] } | null {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = s.lastIndexOf(')');
    return { comm: s.slice(s.indexOf('(') + 1, close), fields: s.slice(close + 2).split(' ') };
  } catch {
    return null;
  }
}

function statFields(pid: number): string[] | null {
  return readStat(pid)?.fields ?? null;
}

// Indexes into statFields (field number in proc(5) minus 3): ppid 4, utime 14, stime 15, cutime 16, cstime 17.
const PPID = 1, UTIME = 11, STIME = 12, CUTIME = 13, CSTIME = 14;

/** CPU (user + system, ms) of one process and its threads; null when it cannot be read. */
export function processCpuMs(pid: number): number | null {
  const f = statFields(pid);
  return f ? ((Number(f[UTIME]) + Number(f[STIME])) * 1000) / hz() : null;
}

/**
 * The postmaster of a backend (`select pg_backend_pid()`) when the server runs on this machine:
 * the backend and its parent are both processes named `postgres` here. A server elsewhere (its
 * backend's pid means nothing here) gives null.
 */
export function postmasterOfBackend(backendPid: number): number | null {
  const backend = readStat(backendPid);
  if (backend?.comm !== 'postgres') return null;
  const ppid = Number(backend.fields[PPID]);
  return ppid > 1 && readStat(ppid)?.comm === 'postgres' ? ppid : null;
}

/**
 * CPU (ms) of a whole PostgreSQL cluster so far: the postmaster, every live child (backends,
 * WAL writer, checkpointer, autovacuum…) and the children that have exited (their time is
 * added to the postmaster's cutime/cstime when it reaps them, so short-lived backends count too).
 */
export function clusterCpuMs(postmaster: number): number | null {
  const pm = statFields(postmaster);
  if (!pm) return null;
  let ticks = Number(pm[UTIME]) + Number(pm[STIME]) + Number(pm[CUTIME]) + Number(pm[CSTIME]);
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const f = statFields(Number(entry));
    if (f && Number(f[PPID]) === postmaster) ticks += Number(f[UTIME]) + Number(f[STIME]);
  }
  return (ticks * 1000) / hz();
}

export interface CpuReading {
  server: number | null;
  postgres: number | null;
  /** This process: the load generator (autocannon, the lifecycle loops) or the sweep. */
  client: number;
}

export function readCpu(serverPid: number | null, postmaster: number | null): CpuReading {
  const u = process.cpuUsage();
  return {
    server: serverPid === null ? null : processCpuMs(serverPid),
    postgres: postmaster === null ? null : clusterCpuMs(postmaster),
    client: (u.user + u.system) / 1000,
  };
}

/** CPU per operation between two readings (ms, two decimals); null where a side could not be read. */
export function cpuPerOp(before: CpuReading, after: CpuReading, ops: number): { server: number | null; postgres: number | null; client: number | null } {
  const per = (a: number | null, b: number | null) => (a === null || b === null || ops <= 0 ? null : Math.round(((b - a) / ops) * 100) / 100);
  return { server: per(before.server, after.server), postgres: per(before.postgres, after.postgres), client: per(before.client, after.client) };
}

/**
 * WAL written by the whole cluster so far: the insert position (`pg_current_wal_insert_lsn()`,
 * exact at once) for the bytes, and `pg_stat_wal` (PostgreSQL 14+) for the records and
 * full-page images — counted by each backend and reported at most once a second, so a reading
 * taken right after a burst of writes can miss its last second. What a write path costs the
 * database in WAL does not depend on how busy the machine is, so it shows a change of the write
 * paths that timings on this machine cannot.
 */
export interface WalReading {
  records: number;
  fpi: number;
  lsn: string;
}

export const WAL_SQL = 'select wal_records::float8 as records, wal_fpi::float8 as fpi, pg_current_wal_insert_lsn()::text as lsn from pg_stat_wal';

/** A WAL position (`16/B374D848`) as a byte offset. */
function lsnBytes(lsn: string): number {
  const [hi, lo] = lsn.split('/');
  return parseInt(hi!, 16) * 2 ** 32 + parseInt(lo!, 16);
}

export function walPerOp(before: WalReading | null, after: WalReading | null, ops: number): { wal_records_per_op: number | null; wal_fpi_per_op: number | null; wal_kb_per_op: number | null } {
  const per = (x: number) => (before && after && ops > 0 ? Math.round((x / ops) * 100) / 100 : null);
  return {
    wal_records_per_op: per((after?.records ?? 0) - (before?.records ?? 0)),
    wal_fpi_per_op: per((after?.fpi ?? 0) - (before?.fpi ?? 0)),
    wal_kb_per_op: per(before && after ? (lsnBytes(after.lsn) - lsnBytes(before.lsn)) / 1024 : 0),
  };
}
