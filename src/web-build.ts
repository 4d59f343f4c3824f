import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = [path.join(ROOT, 'web'), path.join(ROOT, 'src/platform/i18n/locales')];
const DIST_INDEX = path.join(ROOT, 'web/dist/index.html');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** True when web/dist is missing or older than any web source or catalog. */
export function isWebStale(): boolean {
  if (!fs.existsSync(path.join(ROOT, 'web/vite.config.ts'))) return false;
  if (!fs.existsSync(DIST_INDEX)) return true;
  const built = fs.statSync(DIST_INDEX).mtimeMs;
  return SOURCES.some((s) => fs.existsSync(s) && newestMtime(s) > built);
}

/** Builds the web UI with Vite when it is missing or stale, so `npm start` always serves the current UI. */
export async function ensureWebBuilt(log: (s: string) => void = () => {}): Promise<void> {
  if (!isWebStale()) return;
  log('Building the web UI…');
  const vite = await import('vite');
  await vite.build({ configFile: path.join(ROOT, 'web/vite.config.ts'), logLevel: 'warn' });
}
