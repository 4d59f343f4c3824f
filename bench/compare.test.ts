import { describe, expect, it } from 'vitest';
import { median, parseCompareOptions, readRun, summarize } from './compare.ts';

describe('npm run bench:compare', () => {
  it('takes its own options before "--" and hands the rest to the bench, with the defaults of a pair', () => {
    const o = parseCompareOptions(['--base', 'c946f9c', '--data-dir=/k/1m', '--rounds', '4', '--', '--only', 'lifecycle', '--connections', '1']);
    expect(o).toMatchObject({ base: 'c946f9c', dataDir: '/k/1m', rounds: 4, work: undefined });
    expect(o.benchArgs).toEqual(['--only', 'lifecycle', '--connections', '1', '--no-floor', '--pgbench-seconds', '2']);
    expect(parseCompareOptions(['--base', 'x', '--data-dir', 'd', '--', '--pgbench-seconds=5', '--no-floor']).benchArgs).toEqual(['--pgbench-seconds=5', '--no-floor']);
    expect(parseCompareOptions(['--base', 'x', '--data-dir', 'd']).rounds).toBe(3);
  });

  it('refuses what it cannot run, naming it', () => {
    expect(() => parseCompareOptions(['--data-dir', 'd'])).toThrow('give --base');
    expect(() => parseCompareOptions(['--base', 'x'])).toThrow('give --data-dir');
    expect(() => parseCompareOptions(['--base', 'x', '--data-dir', 'd', '--rounds', '0'])).toThrow('--rounds needs a whole number');
    expect(() => parseCompareOptions(['--base', 'x', '--data-dir', 'd', '--only', 'inbox'])).toThrow('unknown option --only (bench options go after "--")');
    expect(() => parseCompareOptions(['--base', 'x', '--data-dir', 'd', '--', '--out', 'o'])).toThrow('set per run by bench:compare');
    expect(() => parseCompareOptions(['--base'])).toThrow('--base needs a value');
  });

  it('reports the medians of each side per scenario and head ÷ base', () => {
    const latest = (rps: number, cpu: number, q: number, rss: number) => ({
      pgbench_tps: 18_000, server_peak_rss_mb: rss,
      scenarios: { lifecycle: { rps, p50_ms: 200, p99_ms: 600, server_cpu_ms_per_op: cpu / 2, postgres_cpu_ms_per_op: cpu / 2, queries_per_op: q } },
    });
    const runs = [
      readRun('base', 1, latest(66, 24, 46, 266)), readRun('head', 1, latest(65, 25, 35, 228)),
      readRun('head', 2, latest(74, 22, 35, 225)), readRun('base', 2, latest(64, 26, 46, 261)),
      readRun('base', 3, latest(70, 25, 46, 263)), readRun('head', 3, latest(71, 23, 36, 226)),
    ];
    expect(runs[0]!.scenarios.lifecycle).toEqual({ rps: 66, p50: 200, p99: 600, cpuMs: 24, queries: 46 });
    const s = summarize(runs).lifecycle!;
    expect(s.rps).toEqual({ base: 66, head: 71, ratio: 71 / 66 });
    expect(s.cpuMs).toEqual({ base: 25, head: 23, ratio: 23 / 25 });
    expect(s.queries.head).toBe(35);
    expect(s.peakRssMb).toEqual({ base: 263, head: 226, ratio: 226 / 263 });
    expect([median([]), median([3, 1]), median([5, 1, 3])]).toEqual([null, 2, 3]);
    // A scenario only one side ran has no ratio.
    const only = summarize([readRun('base', 1, latest(1, 1, 1, 1))]).lifecycle!;
    expect(only.rps).toEqual({ base: 1, head: null, ratio: null });
  });
});
