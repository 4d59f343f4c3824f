/**
 * The server under test, in its own process: what `tsx src/main.ts serve` runs — buildApp with
 * the production config from the environment, the pg-boss workers and cron (sweep, notices,
 * cleanup) and the audit sealer — on DATABASE_URL, without building the web UI first (the
 * built UI is served when present; the bench never asks for it). Prints `ready <port>` once
 * listening; SIGTERM stops it like `serve` does.
 */
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { startAppealRegistrar, startAuditSealer, startBackground } from '../src/background.ts';
import { countInFlight } from '../src/platform/http/inflight.ts';
import { loadConfig } from '../src/config.ts';
import { systemClock } from '../src/platform/clock.ts';
import { createDb } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import type { Jobs } from '../src/platform/jobs/jobs.ts';

const log = (s: string) => process.stderr.write(`[server] ${s}\n`);

// Counts the queries the process sends (one increment per query; the bench reports queries per
// operation). Everything else is the server as `serve` runs it.
// With a trace on (POST /__bench/trace), the text of each query is kept until it is read.

let queries = 0;
let trace: string[] | undefined;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const q = args[0] as string | { text?: string };
  const text = typeof q === 'string' ? q : (q?.text ?? '');
  queries++;
  if (trace) trace.push(text.replace(/\s+/g, ' ').trim());
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pg.Client.prototype.query;
const config = loadConfig();
if (!config.databaseUrl) throw new Error('bench/server.ts needs DATABASE_URL');
const { db } = createDb(config.databaseUrl, config.databasePoolSize); // as `serve` does
await migrate(config.databaseUrl);
const app = await buildApp({ config, db, clock: systemClock });
const inFlight = countInFlight(app);
app.get('/__bench/queries', { schema: { hide: true } }, async () => ({ queries }));
app.get('/__bench/memory', { schema: { hide: true } }, async () => process.memoryUsage());
app.post('/__bench/trace', { schema: { hide: true } }, async () => {
  trace = [];
  return { tracing: true };
});
app.get('/__bench/trace', { schema: { hide: true } }, async () => {
  const out = trace ?? [];
  trace = undefined;
  return { queries: out };
});
await app.listen({ port: config.port, host: config.host });
const jobs: Jobs = await startBackground({ databaseUrl: config.databaseUrl, db, clock: systemClock, log, config });
const stopSealer = startAuditSealer(db, log);
const stopRegistrar = startAppealRegistrar(db, config, systemClock, log, inFlight);
const address = app.server.address();
process.stdout.write(`ready ${typeof address === 'object' && address ? address.port : config.port}\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await app.close().catch(() => {});
  await stopRegistrar().catch(() => {});
  await jobs.stop({ timeoutMs: 5000 }).catch(() => {});
  await stopSealer().catch(() => {});
  await db.destroy().catch(() => {});
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
