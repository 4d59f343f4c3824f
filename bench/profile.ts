/**
 * Summarizes a V8 CPU profile (`npm run bench -- --cpu-prof` writes the server's into the output
 * directory): self time by function and by source file, and total (inclusive) time of the
 * project's own functions. `npx tsx bench/profile.ts <file.cpuprofile> [top]`
 */
import fs from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export function summarizeProfile(p: Profile, top = 25): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfMs = new Map<number, number>();
  p.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000));
  const total = [...selfMs.values()].reduce((a, b) => a + b, 0);
  const short = (url: string) => url.replace(/^file:\/\/.*?\/(node_modules|src|bench)\//, '$1/').replace(/^node:/, 'node:') || '(native)';
  const key = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const file = new Map<string, number>();
  const pkg = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const n = byId.get(id)!;
    self.set(key(n), (self.get(key(n)) ?? 0) + ms);
    const f = short(n.callFrame.url);
    file.set(f, (file.get(f) ?? 0) + ms);
    const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f);
    const group = m ? m[1]! : f.startsWith('src/') ? 'src (Ortak)' : n.callFrame.functionName.startsWith('(') ? n.callFrame.functionName : f.startsWith('node:') ? 'node core' : 'other';
    pkg.set(group, (pkg.get(group) ?? 0) + ms);
    // Inclusive time of the project's functions: once per function per sample stack.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const c = byId.get(cur)!;
      if (!c.callFrame.url.includes('/src/')) continue;
      const k = key(c);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + ms);
    }
  }
  const list = (m: Map<string, number>, n: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, ms]) => `  ${(100 * ms / total).toFixed(1).padStart(5)} %  ${Math.round(ms).toString().padStart(7)} ms  ${k}`).join('\n');
  return [
    `profile: ${(total / 1000).toFixed(1)} s sampled`,
    'by package:', list(pkg, 15),
    'self time by function:', list(self, top),
    'inclusive time of Ortak functions (src/):', list(inclusive, top),
  ].join('\n');
}

if (process.argv[1]?.endsWith('profile.ts')) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: npx tsx bench/profile.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(summarizeProfile(JSON.parse(fs.readFileSync(file, 'utf8')) as Profile, Number(top ?? 25)));
}
