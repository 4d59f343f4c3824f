/**
 * The one entry point: `tsx src/main.ts <command>`.
 *   serve                 start the database (embedded unless DATABASE_URL), migrate, seed the demo, serve
 *   migrate               apply pending migrations
 *   seed                  load the demo region into an empty database
 *   audit verify          walk the audit hash chains and name the first broken row
 *   calendar due|import   working-day calendar tools (see src/platform/calendar/README.md)
 *   openapi [file]        write the OpenAPI document (stdout or file)
 */
import fs from 'node:fs';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { openDatabase, type DatabaseTarget } from './platform/db/connect.ts';
import { createDb } from './platform/db/database.ts';
import { migrate, MigrationError } from './platform/db/migrate.ts';
import { verifyAudit } from './platform/audit/audit.ts';
import { calendarCli } from './platform/calendar/calendar.cli.ts';
import { isEmpty, seedDemo, type DemoSummary } from './seed.ts';
import { ensureWebBuilt } from './web-build.ts';
import { ensureAppealProcesses } from './modules/appeals/appeals.rules.ts';
import { startAppealRegistrar, startAuditSealer, startBackground } from './background.ts';
import { countInFlight } from './platform/http/inflight.ts';
import { systemClock } from './platform/clock.ts';
import type { Jobs } from './platform/jobs/jobs.ts';

const out = (s: string) => process.stdout.write(s + '\n');

async function withDb<T>(config: Config, fn: (target: DatabaseTarget) => Promise<T>): Promise<T> {
  const target = await openDatabase(config);
  try {
    return await fn(target);
  } finally {
    await target.cluster?.stop();
  }
}

function printDemo(demo: DemoSummary | undefined) {
  if (!demo) return;
  out('Demo accounts (password shown):');
  for (const a of demo.accounts) out(`  ${a.role.padEnd(24)} ${a.login.padEnd(20)} ${a.password}   ${a.organization}`);
  if (demo.open311) out(`Open311 GeoReport v2: /open311/discovery.json  api_key=${demo.open311.apiKey}  jurisdiction_id=${demo.open311.jurisdictionId}`);
}

async function serve(config: Config) {
  const started = Date.now();
  await ensureWebBuilt(out);
  let target: DatabaseTarget;
  try {
    // Its own process group: Ctrl-C stops the server first, then PostgreSQL (stop() below).
    target = await openDatabase(config, () => {}, { ownProcessGroup: true });
  } catch (e) {
    out(`Could not start the database: ${(e as Error).message}`);
    process.exit(1);
  }
  const { db } = createDb(target.url, config.databasePoolSize);
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await app?.close().catch(() => {});
    await stopRegistrar?.().catch(() => {});
    await jobs?.stop({ timeoutMs: 5000 }).catch(() => {});
    await stopSealer?.().catch(() => {});
    await db.destroy().catch(() => {});
    await target.cluster?.stop().catch(() => {});
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  let jobs: Jobs | undefined;
  let stopSealer: (() => Promise<void>) | undefined;
  let stopRegistrar: (() => Promise<void>) | undefined;
  try {
    const { applied } = await migrate(target.url);
    if (applied.length) out(`Applied migrations: ${applied.join(', ')}`);
    let demo: DemoSummary | undefined;
    if (config.seedDemo && (await isEmpty(db))) demo = await seedDemo(db);
    // Publish the national appeal processes (new version only when the rules changed).
    await ensureAppealProcesses(db, systemClock.now());
    app = await buildApp({ config, db, clock: systemClock });
    const inFlight = countInFlight(app);
    try {
      await app.listen({ port: config.port, host: config.host });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        out(`Port ${config.port} is already in use. Stop what uses it, or start on another port: PORT=8081 npm start`);
        return stop(1);
      }
      throw e;
    }
    jobs = await startBackground({ databaseUrl: target.url, db, clock: systemClock, log: out, config });
    stopSealer = startAuditSealer(db, out);
    stopRegistrar = startAppealRegistrar(db, config, systemClock, out, inFlight);
    const shown = config.host === '0.0.0.0' ? 'localhost' : config.host;
    out('');
    out(`Ortak is ready at http://${shown}:${config.port}  (API docs: /docs, OpenAPI: /openapi.json) in ${Date.now() - started} ms`);
    out(`Database: ${target.description}`);
    out(`Data directory: ${config.dataDir}`);
    if (demo) {
      out('Loaded the demo region (Karaganda).');
      printDemo(demo);
    } else {
      out('Demo accounts: see README.md (all with password "demo").');
    }
    out('Stop with Ctrl-C.');
  } catch (e) {
    out(e instanceof MigrationError ? `Migration refused: ${e.message}` : `Start failed: ${(e as Error).stack}`);
    return stop(1);
  }
}

async function main(argv: string[]) {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      out(`Configuration error in ${e.message}`);
      return 2;
    }
    throw e;
  }
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case undefined:
    case 'serve':
      await serve(config);
      return undefined;
    case 'migrate':
      return withDb(config, async (t) => {
        const { applied } = await migrate(t.url);
        out(applied.length ? `Applied: ${applied.join(', ')}` : 'Nothing to apply; the schema is up to date.');
        return 0;
      });
    case 'seed':
      return withDb(config, async (t) => {
        await migrate(t.url);
        const { db } = createDb(t.url, 2);
        try {
          if (!(await isEmpty(db))) {
            out('The database already holds data; the demo is loaded only into an empty database.');
            return 1;
          }
          printDemo(await seedDemo(db));
          return 0;
        } finally {
          await db.destroy();
        }
      });
    case 'audit':
      if (rest[0] !== 'verify') {
        out('usage: ortak audit verify');
        return 2;
      }
      return withDb(config, async (t) => {
        const { db } = createDb(t.url, 2);
        try {
          const r = await verifyAudit(db);
          for (const reg of r.regions) out(`region ${reg.regionCode}: ${reg.rows} rows intact`);
          if (r.pending) out(`${r.pending} recent rows are not sealed into a chain yet (the running server seals them within seconds).`);
          if (r.ok) {
            out('Audit log intact.');
            return 0;
          }
          const b = r.firstBroken!;
          out(`BROKEN: region ${b.regionCode}, row ${b.seq}${b.id ? ` (id ${b.id})` : ''}: ${b.reason}`);
          return 1;
        } finally {
          await db.destroy();
        }
      });
    case 'calendar':
      return withDb(config, async (t) => {
        await migrate(t.url);
        const { db } = createDb(t.url, 2);
        try {
          return await calendarCli(rest, db);
        } finally {
          await db.destroy();
        }
      });
    case 'openapi': {
      const { db } = createDb('postgres://unused@127.0.0.1:1/none', 1);
      const app = await buildApp({ config, db, logger: false });
      await app.ready();
      const doc = JSON.stringify(app.swagger(), null, 2) + '\n';
      await app.close();
      await db.destroy();
      if (rest[0]) fs.writeFileSync(rest[0], doc);
      else process.stdout.write(doc);
      return 0;
    }
    default:
      out(`unknown command "${cmd}". Commands: serve, migrate, seed, audit verify, calendar, openapi`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (e) => {
    out(`ortak: ${(e as Error).stack ?? String(e)}`);
    process.exit(1);
  },
);
