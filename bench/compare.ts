/**
 * `npm run bench:compare` — two commits measured in alternation on fresh copies of one kept
 * register: the method behind every before/after figure in bench/README.md since stop 21.
 *
 *   npm run bench:compare -- --base c946f9c --data-dir ~/bench-1m --rounds 4 -- --only lifecycle
 *
 * `--base REF` is checked out in a temporary git worktree (with this checkout's node_modules when
 * both package-lock.json are the same, else its own `npm ci`); the other side is this checkout as
 * it is. `--data-dir DIR` is a data directory `npm run bench -- --data-dir DIR` kept (its
 * `DIR.password` beside it): each run gets its own copy, flushed to disk (`sync`) and left to
 * settle for 5 s, so no run inherits another's writes, dirty pages or clock. `--rounds N`
 * (default 3) alternations, base first in odd rounds and head first in even ones, so a drift of
 * the machine over the minutes falls on both sides. Everything after `--` goes to bench/run.ts
 * (default `--no-floor --pgbench-seconds 2` added unless given). `--work DIR` holds the copies,
 * the worktree and each run's output (default: a temporary directory, removed at the end but for
 * the runs' outputs). Prints every run and, per scenario, the medians of both sides; writes
 * bench/results/compare-<timestamp>.json.
 *
 * This machine's speed moves by tens of percent over minutes (bench/README.md, "CPU per
 * operation"): compare the medians of alternated rounds, and CPU per operation before rates.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface CompareOptions {
  base: string;
  dataDir: string;
  rounds: number;
  work: string | undefined;
  benchArgs: string[];
}

export function parseCompareOptions(argv: string[]): CompareOptions {
  const split = argv.indexOf('--');
  const own = split < 0 ? argv : argv.slice(0, split);
  const rest = split < 0 ? [] : argv.slice(split + 1);
  let base: string | undefined;
  let dataDir: string | undefined;
  let work: string | undefined;
  let rounds = 3;
  for (let i = 0; i < own.length; i++) {
    const eq = own[i]!.indexOf('=');
    const [flag, inline] = eq < 0 ? [own[i]!, undefined] : [own[i]!.slice(0, eq), own[i]!.slice(eq + 1)];
    const value = () => {
      const v = inline ?? own[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--base': base = value(); break;
      case '--data-dir': dataDir = value(); break;
      case '--work': work = value(); break;
      case '--rounds': {
        const v = value();
        rounds = Number(v);
        if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds needs a whole number ≥ 1, got "${v}"`);
        break;
      }
      default: throw new Error(`unknown option ${flag} (bench options go after "--")`);
    }
  }
  if (!base) throw new Error('give --base REF (the commit to compare this checkout with)');
  if (!dataDir) throw new Error('give --data-dir DIR (a data directory `npm run bench -- --data-dir DIR` kept)');
  const has = (flag: string) => rest.some((a) => a === flag || a.startsWith(`${flag}=`));
  if (has('--data-dir') || has('--out')) throw new Error('--data-dir and --out are set per run by bench:compare; give them before "--"');
  const benchArgs = [...rest];
  if (!has('--no-floor')) benchArgs.push('--no-floor');
  if (!has('--pgbench-seconds')) benchArgs.push('--pgbench-seconds', '2');
  return { base, dataDir, rounds, work, benchArgs };
}

/** One run's figures, as bench/run.ts wrote them to latest.json. */
export interface RunResult {
  side: 'base' | 'head';
  round: number;
  pgbenchTps: number | null;
  peakRssMb: number | null;
  scenarios: Record<string, { rps: number; p50: number; p99: number; cpuMs: number | null; queries: number | null }>;
}

interface Latest {
  pgbench_tps?: number;
  server_peak_rss_mb?: number;
  scenarios: Record<string, { rps: number; p50_ms: number; p99_ms: number; server_cpu_ms_per_op?: number; postgres_cpu_ms_per_op?: number; queries_per_op?: number }>;
}

export function readRun(side: RunResult['side'], round: number, latest: Latest): RunResult {
  const scenarios: RunResult['scenarios'] = {};
  for (const [name, s] of Object.entries(latest.scenarios)) {
    const cpu = s.server_cpu_ms_per_op !== undefined && s.postgres_cpu_ms_per_op !== undefined ? s.server_cpu_ms_per_op + s.postgres_cpu_ms_per_op : null;
    scenarios[name] = { rps: s.rps, p50: s.p50_ms, p99: s.p99_ms, cpuMs: cpu, queries: s.queries_per_op ?? null };
  }
  return { side, round, pgbenchTps: latest.pgbench_tps ?? null, peakRssMb: latest.server_peak_rss_mb ?? null, scenarios };
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export type Figure = 'rps' | 'p50' | 'p99' | 'cpuMs' | 'queries';
export const FIGURES: readonly Figure[] = ['rps', 'p50', 'p99', 'cpuMs', 'queries'];

/** Per scenario and figure: the median of each side and head ÷ base. */
export function summarize(runs: readonly RunResult[]): Record<string, Record<Figure | 'peakRssMb', { base: number | null; head: number | null; ratio: number | null }>> {
  const out: ReturnType<typeof summarize> = {};
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.scenarios)))];
  const pair = (pick: (r: RunResult) => number | null | undefined) => {
    const side = (s: RunResult['side']) => median(runs.filter((r) => r.side === s).map(pick).filter((v): v is number => typeof v === 'number'));
    const base = side('base');
    const head = side('head');
    return { base, head, ratio: base !== null && head !== null && base !== 0 ? head / base : null };
  };
  for (const name of names) {
    const row = {} as (typeof out)[string];
    for (const f of FIGURES) row[f] = pair((r) => r.scenarios[name]?.[f]);
    row.peakRssMb = pair((r) => (r.scenarios[name] ? r.peakRssMb : null));
    out[name] = row;
  }
  return out;
}

function sh(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

const fmt = (v: number | null, digits = 1) => (v === null ? '—' : v.toFixed(digits));

async function main(): Promise<void> {
  const opts = parseCompareOptions(process.argv.slice(2));
  const dataDir = path.resolve(opts.dataDir);
  const passwordFile = `${dataDir}.password`;
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION')) || !fs.existsSync(passwordFile)) {
    throw new Error(`${dataDir} is not a data directory the bench kept (PG_VERSION and ${path.basename(passwordFile)} beside it are needed)`);
  }
  const baseSha = execFileSync('git', ['rev-parse', '--verify', `${opts.base}^{commit}`], { cwd: ROOT }).toString().trim();
  const headSha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT }).toString().trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT }).toString().trim() !== '';
  const work = opts.work ? path.resolve(opts.work) : fs.mkdtempSync(path.join(os.tmpdir(), 'ortak-compare-'));
  fs.mkdirSync(work, { recursive: true });
  // The embedded cluster runs as the postgres user when we are root: it must reach the copies and
  // the base tree's binaries through this directory (mkdtemp makes it 0700).
  fs.chmodSync(work, 0o755);
  const tree = path.join(work, 'base');
  const copy = path.join(work, 'data');
  const runs: RunResult[] = [];
  console.log(`bench:compare — base ${baseSha.slice(0, 9)} against head ${headSha.slice(0, 9)}${dirty ? ' (with uncommitted changes)' : ''}, ${opts.rounds} rounds on copies of ${dataDir}`);
  sh('git', ['worktree', 'add', '--detach', tree, baseSha], ROOT);
  try {
    const lock = (dir: string) => fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8');
    if (lock(tree) === lock(ROOT)) fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(tree, 'node_modules'));
    else sh('npm', ['ci', '--no-audit', '--no-fund'], tree);
    for (let round = 1; round <= opts.rounds; round++) {
      const order: RunResult['side'][] = round % 2 ? ['base', 'head'] : ['head', 'base'];
      for (const side of order) {
        fs.rmSync(copy, { recursive: true, force: true });
        fs.rmSync(`${copy}.password`, { force: true });
        sh('cp', ['-a', dataDir, copy], work);
        fs.copyFileSync(passwordFile, `${copy}.password`);
        sh('sync', [], work);
        await new Promise((r) => setTimeout(r, 5_000));
        const out = path.join(work, `${side}-${round}`);
        console.log(`\nround ${round}, ${side}: npx tsx bench/run.ts ${opts.benchArgs.join(' ')}`);
        sh('npx', ['tsx', 'bench/run.ts', '--data-dir', copy, '--out', out, ...opts.benchArgs], side === 'base' ? tree : ROOT);
        runs.push(readRun(side, round, JSON.parse(fs.readFileSync(path.join(out, 'latest.json'), 'utf8')) as Latest));
      }
    }
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
    fs.rmSync(`${copy}.password`, { force: true });
    spawnSync('git', ['worktree', 'remove', '--force', tree], { cwd: ROOT, stdio: 'inherit' });
  }

  console.log('\nevery run (rps, p50 / p99 ms, CPU per operation server + PostgreSQL ms, statements per operation; pgbench TPS, peak RSS MB):');
  for (const r of runs) {
    const s = Object.entries(r.scenarios).map(([n, x]) => `${n} ${fmt(x.rps)} /s, ${fmt(x.p50)} / ${fmt(x.p99)} ms, ${fmt(x.cpuMs, 2)} ms, ${fmt(x.queries)} q`).join(' | ');
    console.log(`  ${r.round} ${r.side.padEnd(4)} ${s} · pgbench ${fmt(r.pgbenchTps, 0)} · RSS ${fmt(r.peakRssMb, 0)}`);
  }
  const summary = summarize(runs);
  console.log('\nmedians (base → head, head ÷ base):');
  for (const [name, row] of Object.entries(summary)) {
    console.log(`  ${name}: ${[...FIGURES, 'peakRssMb' as const].map((f) => `${f} ${fmt(row[f].base, 2)} → ${fmt(row[f].head, 2)} (${fmt(row[f].ratio, 3)})`).join(', ')}`);
  }
  const file = path.join(ROOT, 'bench/results', `compare-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ base: baseSha, head: headSha, head_dirty: dirty, data_dir: dataDir, rounds: opts.rounds, bench_args: opts.benchArgs, runs, summary }, null, 2));
  console.log(`\nwritten ${path.relative(ROOT, file)}; the runs' outputs in ${work}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
