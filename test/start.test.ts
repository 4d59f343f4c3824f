import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort, withDatabase } from '../src/platform/db/cluster.ts';
import { startNodeFlags } from '../scripts/start-command.ts';

/**
 * What a newcomer does with `npm start`, run for real: first start, Ctrl-C, a killed process
 * leaving PostgreSQL behind, a stale postmaster.pid, a port in use, and an external DATABASE_URL.
 */
// mkdtemp makes a 0700 directory; the embedded PostgreSQL (run as `postgres` when we are root) must enter it.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ortak-start-'));
fs.chmodSync(dataDir, 0o755);
const children: ChildProcess[] = [];

interface Started { child: ChildProcess; output: () => string; exited: Promise<number | null> }

function start(env: Record<string, string>): Started {
  // What `npm start` runs (package.json), its node flags included.
  const child = spawn(process.execPath, [...startNodeFlags(), '--import', 'tsx', 'src/main.ts', 'serve'], {
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own, as a terminal gives a job: Ctrl-C is a SIGINT to the whole group.
    detached: true,
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

/**
 * Stops a start that is still running (a failed expectation must not leave it holding the port
 * and the data directory for the next test): Ctrl-C first, then SIGKILL after 20 s.
 */
async function stop(s: Started): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  s.child.kill('SIGINT');
  const killed = setTimeout(() => s.child.kill('SIGKILL'), 20_000);
  await s.exited;
  clearTimeout(killed);
}

async function until(cond: () => boolean, ms: number, what: string, s?: Started) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}. Output:\n${s?.output() ?? ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  if (fs.existsSync(pidFile)) {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (alive(pid)) process.kill(pid, 'SIGINT');
  }
  await new Promise((r) => setTimeout(r, 500));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start on the embedded PostgreSQL', () => {
  // Each test stops what it started, also when an expectation fails, and takes its own port.
  it('first start: creates the database, loads the demo, prints URL, accounts and data directory', async () => {
    const port = await freePort();
    const s = start({ PORT: String(port) });
    try {
      await until(() => s.output().includes('Ortak is ready'), 150_000, 'first start', s);
      const out = s.output();
      expect(out).toContain(`http://localhost:${port}`);
      expect(out).toContain(`Data directory: ${dataDir}`);
      expect(out).toMatch(/embedded PostgreSQL 17/);
      expect(out).toContain('Demo accounts');
      expect(out).toMatch(/coordinator/);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect(await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()).toEqual({ status: 'ready' });
      // Ctrl-C in the terminal (SIGINT to the job's whole process group): the server, its job
      // workers and then its database stop in order — PostgreSQL, in a group of its own, is not
      // shut down under the workers' connections.
      process.kill(-s.child.pid!, 'SIGINT');
      expect(await s.exited, s.output()).toBe(0);
      expect(fs.existsSync(pidFile)).toBe(false);
      expect(s.output()).not.toMatch(/terminating connection|Connection terminated/);
    } finally {
      await stop(s);
    }
  }, 180_000);

  it('a killed process leaves PostgreSQL running; the next start recovers it and reuses the data', async () => {
    const port = await freePort();
    const s = start({ PORT: String(port) });
    let again: Started | undefined;
    try {
      await until(() => s.output().includes('Ortak is ready'), 90_000, 'second start', s);
      expect(s.output()).not.toContain('Loaded the demo region'); // data reused, not reseeded
      const orphan = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
      s.child.kill('SIGKILL');
      await s.exited;
      expect(alive(orphan)).toBe(true);
      again = start({ PORT: String(port) });
      await until(() => again!.output().includes('Ortak is ready'), 90_000, 'start after kill -9', again);
      expect(alive(orphan)).toBe(false);
      again.child.kill('SIGINT');
      expect(await again.exited, again.output()).toBe(0);
    } finally {
      await stop(s);
      if (again) await stop(again);
    }
  }, 200_000);

  it('a stale postmaster.pid (its process gone) is removed and the start goes on', async () => {
    fs.writeFileSync(pidFile, `999999\n${path.join(dataDir, 'pg')}\n0\n5432\n`);
    const s = start({ PORT: String(await freePort()) });
    try {
      await until(() => s.output().includes('Ortak is ready'), 90_000, 'start with stale pid', s);
      s.child.kill('SIGINT');
      expect(await s.exited, s.output()).toBe(0);
    } finally {
      await stop(s);
    }
  }, 120_000);

  it('a port in use gives a clear message naming the port and PORT', async () => {
    const blocker = net.createServer();
    const port = await new Promise<number>((resolve, reject) => {
      blocker.once('error', reject);
      blocker.listen(0, '0.0.0.0', () => resolve((blocker.address() as net.AddressInfo).port));
    });
    const s = start({ PORT: String(port) });
    try {
      expect(await s.exited, s.output()).toBe(1);
      expect(s.output()).toContain(`Port ${port} is already in use`);
      expect(s.output()).toContain('PORT=');
      expect(fs.existsSync(pidFile)).toBe(false); // the embedded database was stopped too
    } finally {
      await stop(s);
      blocker.close();
    }
  }, 120_000);

  it('a bad setting stops the start naming the variable', async () => {
    const s = start({ PORT: 'eighty' });
    try {
      expect(await s.exited).toBe(2);
      expect(s.output()).toContain('PORT');
    } finally {
      await stop(s);
    }
  }, 30_000);
});

describe('npm start on an external PostgreSQL (DATABASE_URL)', () => {
  it('migrates, seeds and serves a fresh database on the server under test', async () => {
    const name = `ortak_start_${process.pid}`;
    const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
    await admin.connect();
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
    const port = await freePort();
    const s = start({ PORT: String(port), DATABASE_URL: withDatabase(inject('pgAdminUrl'), name) });
    try {
      await until(() => s.output().includes('Ortak is ready'), 90_000, 'start on DATABASE_URL', s);
      expect(s.output()).toContain('Database: PostgreSQL at 127.0.0.1');
      expect(await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()).toEqual({ status: 'ready' });
      // The background side runs too: the escalation sweep, the reports' compaction, the recovery of notice deliveries that lost their job, session cleanup, file sweep and idempotency-key purge are scheduled.
      const db = new pg.Client({ connectionString: withDatabase(inject('pgAdminUrl'), name) });
      await db.connect();
      const scheduled = (await db.query<{ name: string }>('select name from pgboss.schedule order by name')).rows.map((r) => r.name);
      await db.end();
      expect(scheduled).toEqual(['appeals.acceptance-purge', 'appeals.reports-compact', 'auth.session-cleanup', 'files.sweep', 'http.idempotency-purge', 'notify.recover', 'workflow.sweep']);
      s.child.kill('SIGINT');
      expect(await s.exited, s.output()).toBe(0);
    } finally {
      await stop(s);
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  }, 120_000);
});
