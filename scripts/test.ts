/**
 * `npm test`: type-check, lint, generated files fresh, then the whole vitest suite on the
 * embedded PostgreSQL 17 and again on PostgreSQL 15 (system binaries at PG15_BIN, default
 * /usr/lib/postgresql/15/bin, or TEST_DATABASE_URL). REQUIRE_PG15=1 (set by .ci/run) makes a
 * missing PostgreSQL 15 a failure instead of a notice.
 *   npm test -- --only=17|15     run one leg;   npm test -- --fast   skip tsc/lint/generated checks
 *   anything else is passed to vitest (e.g. a file filter)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeClusterDir, startCluster } from '../src/platform/db/cluster.ts';

const args = process.argv.slice(2);
const only = args.find((a) => a.startsWith('--only='))?.split('=')[1];
const fast = args.includes('--fast');
const vitestArgs = args.filter((a) => !a.startsWith('--only=') && a !== '--fast');
const results: { step: string; ok: boolean; note?: string }[] = [];

function run(step: string, cmd: string, cmdArgs: string[], env: Record<string, string> = {}): boolean {
  console.log(`\n=== ${step} ===`);
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = r.status === 0;
  results.push({ step, ok });
  return ok;
}

if (!fast) {
  run('type-check (tsc)', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
  run('lint (eslint)', 'npx', ['eslint', '.', '--max-warnings=0']);
  run('database types fresh (kysely-codegen --verify)', 'npx', ['tsx', 'scripts/db-types.ts', '--verify']);
  const tmp = path.join(os.tmpdir(), `ortak-openapi-${process.pid}.json`);
  if (run('OpenAPI document generated', 'npx', ['tsx', 'src/main.ts', 'openapi', tmp])) {
    const fresh = fs.existsSync('docs/openapi.json') && fs.readFileSync(tmp, 'utf8') === fs.readFileSync('docs/openapi.json', 'utf8');
    results.push({ step: 'docs/openapi.json up to date', ok: fresh, note: fresh ? undefined : 'run `npm run openapi` and commit docs/openapi.json' });
    if (!fresh) console.error('docs/openapi.json is stale: run `npm run openapi` and commit it.');
  }
}

if (only !== '15') {
  run('suite on embedded PostgreSQL 17', 'npx', ['vitest', 'run', ...vitestArgs], { TEST_DATABASE_URL: '' });
}

if (only !== '17') {
  const pg15Bin = process.env.PG15_BIN ?? '/usr/lib/postgresql/15/bin';
  const required = process.env.REQUIRE_PG15 === '1';
  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    run('suite on TEST_DATABASE_URL', 'npx', ['vitest', 'run', ...vitestArgs], { TEST_DATABASE_URL: external });
  } else if (fs.existsSync(path.join(pg15Bin, 'postgres'))) {
    const cluster = await startCluster({
      binDir: pg15Bin,
      dataDir: path.resolve(`.test-data/pg15-${process.pid}`),
      // Test data is throwaway: skipping fsync only speeds the suite; never done for `npm start`.
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' },
    });
    try {
      run(`suite on PostgreSQL ${cluster.version} (${pg15Bin})`, 'npx', ['vitest', 'run', ...vitestArgs], { TEST_DATABASE_URL: cluster.url });
    } finally {
      await cluster.stop();
      removeClusterDir(cluster.dataDir);
    }
  } else {
    const note = `PostgreSQL 15 binaries not found at ${pg15Bin} (apt-get install postgresql-15, or set PG15_BIN / TEST_DATABASE_URL)`;
    results.push({ step: 'suite on PostgreSQL 15', ok: !required, note: required ? `REQUIRED: ${note}` : `skipped: ${note}` });
  }
}

console.log('\n=== summary ===');
for (const r of results) console.log(`${r.ok ? 'PASS' : 'FAIL'}  ${r.step}${r.note ? `  (${r.note})` : ''}`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
