import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNodeFlags } from '../scripts/start-command.ts';

/** `npm run bench`'s options (documented in run.ts's header and bench/README.md). */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const SCENARIOS = ['intake', 'intake_async', 'lifecycle', 'inbox', 'coordinator_summary', 'public_stats', 'open311_list', 'sweep'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface Options {
  appeals: number;
  duration: number;
  connections: number;
  warmup: number;
  pgbenchSeconds: number;
  pgbenchClients: number;
  smoke: boolean;
  only: ScenarioName[];
  out: string;
  dataDir: string | undefined;
  keep: boolean;
  cpuProf: boolean;
  /** pg_stat_statements loaded for the run (embedded only): each scenario's statements by PostgreSQL time. */
  pgStats: boolean;
  trace: boolean;
  /** Workflow history rows for closed appeals too (no scenario reads them; ~40 % of the size). */
  closedHistory: boolean;
  /** Node flags of the server process (default: those `npm start` runs with). */
  serverNodeFlags: string[];
  /** The floors: before the scenarios the HTTP floor (bench/httpfloor.ts); after them the write floor of an intake and a lifecycle (bench/floor.ts), when intake ran. */
  floor: boolean;
}

export function parseOptions(argv: string[]): Options {
  const opts: Options = {
    appeals: 1_000_000, duration: 10, connections: 16, warmup: 2, pgbenchSeconds: 10, pgbenchClients: 8, smoke: false,
    only: [...SCENARIOS], out: path.join(ROOT, 'bench/results'), dataDir: undefined, keep: false, cpuProf: false, pgStats: false, trace: false, closedHistory: true,
    serverNodeFlags: startNodeFlags(), floor: true,
  };
  const set = new Set<string>();
  const num = (name: string, v: string | undefined): number => {
    const n = Number((v ?? '').replace(/[_,]/g, ''));
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} needs a positive number, got "${v ?? ''}"`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    // `--flag=value` (the value may hold '=' itself, e.g. node flags) or `--flag value`.
    const eq = argv[i]!.indexOf('=');
    const [flag, inline] = eq < 0 ? [argv[i]!, undefined] : [argv[i]!.slice(0, eq), argv[i]!.slice(eq + 1)];
    const value = () => inline ?? argv[++i];
    set.add(flag);
    switch (flag) {
      case '--appeals': opts.appeals = Math.round(num(flag, value())); break;
      case '--ten-million': opts.appeals = 10_000_000; break;
      case '--duration': opts.duration = num(flag, value()); break;
      case '--connections': opts.connections = Math.round(num(flag, value())); break;
      case '--warmup': opts.warmup = Number(value()); break;
      case '--pgbench-seconds': opts.pgbenchSeconds = Math.round(num(flag, value())); break;
      case '--smoke': opts.smoke = true; break;
      case '--only': {
        const names = (value() ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        const bad = names.filter((n) => !(SCENARIOS as readonly string[]).includes(n));
        if (bad.length) throw new Error(`--only: unknown scenario ${bad.join(', ')} (known: ${SCENARIOS.join(', ')})`);
        opts.only = names as ScenarioName[];
        break;
      }
      case '--out': opts.out = path.resolve(value() ?? ''); break;
      case '--data-dir': opts.dataDir = path.resolve(value() ?? ''); break;
      case '--keep': opts.keep = true; break;
      case '--cpu-prof': opts.cpuProf = true; break;
      case '--pg-stats': opts.pgStats = true; break;
      case '--trace': opts.trace = true; break;
      case '--no-closed-history': opts.closedHistory = false; break;
      case '--no-floor': opts.floor = false; break;
      case '--server-node-flags': opts.serverNodeFlags = (value() ?? '').split(/\s+/).filter(Boolean); break;
      case '--help':
      case '-h':
        process.stdout.write(fs.readFileSync(path.join(ROOT, 'bench/run.ts'), 'utf8').split('*/')[0]!.replace(/^\/\*\*?|^ \* ?/gm, '') + '\n');
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${flag} (see --help)`);
    }
  }
  if (opts.smoke) {
    if (!set.has('--appeals') && !set.has('--ten-million')) opts.appeals = 2_000;
    if (!set.has('--duration')) opts.duration = 2;
    if (!set.has('--connections')) opts.connections = 4;
    if (!set.has('--warmup')) opts.warmup = 1;
    if (!set.has('--pgbench-seconds')) opts.pgbenchSeconds = 2;
  }
  return opts;
}
