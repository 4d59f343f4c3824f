import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * The built web UI (`web/dist`), rebuilt when it is missing or older than what it is built from.
 * `serve` (npm start) and the browser tests both call `ensureWebBuilt`; processes that run side
 * by side (test files, a start in a test) share one lock folder, so that two builds never write
 * `web/dist` at once and nobody reads it half written.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST_INDEX = path.join(ROOT, 'web/dist/index.html');
const BUILD_LOCK = path.join(ROOT, 'node_modules', '.cache', 'ortak-web-build.lock');
/** Everything the built web depends on: its sources, the shared catalogs and roles, the installed packages. */
const SOURCES = ['web/src', 'web/index.html', 'web/vite.config.ts', 'src/platform/i18n/locales', 'src/platform/auth/actor.ts', 'package-lock.json'];

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs; // a deleted file changes its folder
  for (const name of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, name)));
  return newest;
}

/** True when web/dist is missing or older than any of its sources (false where there is no web app). */
export function isWebStale(): boolean {
  if (!fs.existsSync(path.join(ROOT, 'web/vite.config.ts'))) return false;
  if (!fs.existsSync(DIST_INDEX)) return true;
  const built = fs.statSync(DIST_INDEX).mtimeMs;
  return Math.max(...SOURCES.map((s) => newestMtime(path.join(ROOT, s)))) > built;
}

/**
 * Builds the web UI with Vite (in a child process: the server never loads Vite) when it is
 * missing or stale, holding the build lock; waits for a build another process holds.
 */
export async function ensureWebBuilt(log: (s: string) => void = () => {}): Promise<void> {
  if (!isWebStale()) return;
  fs.mkdirSync(path.dirname(BUILD_LOCK), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      fs.mkdirSync(BUILD_LOCK);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A lock left by a killed build: older than any build takes.
      const lockedAt = fs.statSync(BUILD_LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - lockedAt > 120_000) fs.rmSync(BUILD_LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`web build lock ${BUILD_LOCK} held for 3 minutes`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (!isWebStale()) return; // another process built it while this one waited
    log('Building the web UI…');
    const started = Date.now();
    await promisify(execFile)(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    log(`Built the web UI in ${Date.now() - started} ms`);
  } finally {
    fs.rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}
