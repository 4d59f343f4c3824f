import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * How `npm start` runs the server: `node <flags> --import tsx src/main.ts serve` (package.json).
 * The bench's server and the start tests spawn the same command with these flags, so that what
 * they measure and check is what production runs.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The node flags of package.json's start script. */
export function startNodeFlags(): string[] {
  return nodeFlagsOf((JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start ?? '');
}

/** The flags between `node` and `--import` of a script (none when it does not start with node). */
export function nodeFlagsOf(script: string): string[] {
  const words = script.trim().split(/\s+/);
  const end = words.indexOf('--import');
  return words[0] === 'node' && end > 0 ? words.slice(1, end) : [];
}
