import type { Config } from './config.ts';
import { resolveActor } from './modules/directory/directory.actor.ts';
import { findPersonById, findPersonByIin } from './modules/directory/people.service.ts';
import type { Clock } from './platform/clock.ts';
import type { Db } from './platform/db/database.ts';
import { sealAudit } from './platform/audit/audit.ts';
import { deleteExpiredSessions } from './platform/auth/auth.service.ts';
import { defineJob, startJobs, type Jobs } from './platform/jobs/jobs.ts';
import { sweepOrphanFiles } from './platform/files/files.ts';
import { purgeIdempotencyKeys } from './platform/http/idempotency.ts';
import { isLang } from './platform/i18n/i18n.ts';
import { adaptersFromConfig } from './platform/notify/notify.adapters.ts';
import { registerNotifyJobs, type ContactResolver } from './platform/notify/notify.delivery.ts';
import { NOTIFY_JOBS } from './platform/notify/notify.job.ts';
import { registerWorkflowJobs, WORKFLOW_SWEEP_JOB } from './platform/workflow/sweep.ts';
import type { HookRegistry } from './platform/workflow/hooks.ts';
import { appealHooks } from './modules/appeals/appeals.effects.ts';
import { compactReportChanges } from './modules/appeals/reports/reports.repository.ts';
import { purgeSettledAcceptances, startRegistrar } from './modules/appeals/appeals.acceptance.ts';
import { appealsDeps } from './modules/appeals/appeals.deps.ts';

/** Deletes expired sessions once an hour (expired ones are already refused on read). */
export const SESSION_CLEANUP_JOB = defineJob<Record<string, never>>('auth.session-cleanup', { policy: 'stately' });

/** Removes uploaded-file blobs that no row refers to (rolled-back uploads), daily. */
export const FILES_SWEEP_JOB = defineJob<Record<string, never>>('files.sweep', { policy: 'stately' });

/** Deletes accepted appeals' rows 30 days after they were settled (registered or refused), hourly. */
export const ACCEPTANCE_PURGE_JOB = defineJob<Record<string, never>>('appeals.acceptance-purge', { policy: 'stately' });

/** Deletes expired `Idempotency-Key` rows (kept 24 h) once an hour, in batches. */
export const IDEMPOTENCY_PURGE_JOB = defineJob<Record<string, never>>('http.idempotency-purge', { policy: 'stately' });

/**
 * Folds the appeal reports' change rows into their daily rollup every minute (migration 0014):
 * the reports read both, so this only keeps the change table short.
 */
export const REPORTS_COMPACT_JOB = defineJob<Record<string, never>>('appeals.reports-compact', { policy: 'stately' });

/** Purges every expired idempotency key as of `now`, 10,000 rows per statement; returns how many. */
export async function purgeExpiredIdempotencyKeys(db: Db, now: Date, batch = 10_000): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await purgeIdempotencyKeys(db, now, batch);
    total += n;
    if (n < batch) return total;
  }
}

/**
 * Contacts for notices, from the directory's services (platform code never reads its tables):
 * the e-mail and phone of the person behind the account — a citizen's, or a staff member's
 * (staff accounts are linked to their person record; the language is the account's).
 */
export function directoryContacts(db: Db): ContactResolver {
  const actorOf = resolveActor(db);
  return async (accountId) => {
    const actor = await actorOf(accountId, 'ru');
    if (actor?.kind === 'staff') {
      const p = actor.personId ? await findPersonById(db, actor.personId) : undefined;
      return p ? { email: p.email, phone: p.phone, locale: actor.locale } : undefined;
    }
    if (actor?.kind !== 'citizen') return undefined;
    const p = await findPersonByIin(db, actor.iin);
    if (!p) return undefined;
    return { email: p.email, phone: p.phone, ...(isLang(p.preferredLanguage) ? { locale: p.preferredLanguage } : {}) };
  };
}

/** What every module plugs into the workflow engine, keyed by process key. */
export function workflowHooks(): HookRegistry {
  return { ...appealHooks() };
}

/**
 * The background side of `serve`: pg-boss workers and cron schedules in the same database.
 * Every process may run them; pg-boss hands each job and each cron tick to one process.
 */
export async function startBackground(opts: { databaseUrl: string; db: Db; clock: Clock; log: (s: string) => void; config: Config }): Promise<Jobs> {
  const { config } = opts;
  const jobs = await startJobs({
    databaseUrl: opts.databaseUrl,
    jobs: [WORKFLOW_SWEEP_JOB, SESSION_CLEANUP_JOB, ...NOTIFY_JOBS, FILES_SWEEP_JOB, IDEMPOTENCY_PURGE_JOB, ACCEPTANCE_PURGE_JOB, REPORTS_COMPACT_JOB],
    onError: (e) => opts.log(`[jobs] ${e.message}`),
  });
  await registerWorkflowJobs(jobs, { db: opts.db, clock: opts.clock, hooks: workflowHooks() });
  await jobs.work(SESSION_CLEANUP_JOB, async () => {
    await deleteExpiredSessions(opts.db, opts.clock.now());
  });
  await jobs.schedule({ job: SESSION_CLEANUP_JOB, cron: '17 * * * *' });
  await registerNotifyJobs(jobs, {
    db: opts.db,
    clock: opts.clock,
    adapters: adaptersFromConfig(config, { db: opts.db, clock: opts.clock, log: opts.log }),
    resolveContact: directoryContacts(opts.db),
    log: opts.log,
  });
  await jobs.work(FILES_SWEEP_JOB, async () => {
    const swept = await sweepOrphanFiles(opts.db, { dataDir: config.dataDir }, new Date(opts.clock.now().getTime() - 24 * 3600_000));
    if (swept.blobs || swept.temps) opts.log(`[files] swept ${swept.blobs} orphan blob(s), ${swept.temps} temp file(s)`);
  });
  await jobs.schedule({ job: FILES_SWEEP_JOB, cron: '41 4 * * *' });
  await jobs.work(IDEMPOTENCY_PURGE_JOB, async () => {
    await purgeExpiredIdempotencyKeys(opts.db, opts.clock.now());
  });
  await jobs.schedule({ job: IDEMPOTENCY_PURGE_JOB, cron: '23 * * * *' });
  await jobs.work(ACCEPTANCE_PURGE_JOB, async () => {
    await purgeSettledAcceptances(opts.db, opts.clock.now());
  });
  await jobs.schedule({ job: ACCEPTANCE_PURGE_JOB, cron: '29 * * * *' });
  await jobs.work(REPORTS_COMPACT_JOB, async () => {
    await compactReportChanges(opts.db);
  });
  await jobs.schedule({ job: REPORTS_COMPACT_JOB, cron: '* * * * *' });
  return jobs;
}

/**
 * Seals new audit rows into their region's hash chain every `everyMs` (default 2 s). Any number
 * of processes may run it: a region being sealed elsewhere is skipped. Returns a stop function.
 */
export function startAuditSealer(db: Db, log: (s: string) => void, everyMs = 2000): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => sealAudit(db)).catch((e: Error) => log(`[audit] sealing failed: ${e.message}`));
  }, everyMs);
  return async () => {
    clearInterval(timer);
    await running;
    await sealAudit(db).catch(() => {}); // what the last requests wrote
  };
}

/**
 * Registers the appeals accepted with `Prefer: respond-async` (appeals.acceptance.ts): at once
 * when this process accepted one, and every second for the others'; in one lane while this
 * process answers requests (`inFlight`, from `countInFlight`), in up to APPEAL_REGISTRAR_LANES
 * otherwise. Any number of processes may run it. Returns a stop function that lets the passes
 * under way finish.
 */
export function startAppealRegistrar(db: Db, config: Config, clock: Clock, log: (s: string) => void, inFlight?: () => number): () => Promise<void> {
  const registrar = startRegistrar(db, appealsDeps(db, { dataDir: config.dataDir, maxBytes: config.fileMaxBytes }), {
    clock, actors: resolveActor, log, batch: config.appealRegistrarBatch,
    // Each lane holds one connection of the pool for its batch: leave one for the requests.
    lanes: Math.max(1, Math.min(config.appealRegistrarLanes, config.databasePoolSize - 1)),
    ...(inFlight ? { busy: busySince(inFlight, 500) } : {}),
  });
  return () => registrar.stop();
}

/**
 * Busy while more than one request has been in flight at any look within the last `holdMs`: a
 * server under load has moments with one request or none between its clients' requests, and
 * the registrar should not take its lanes back at each of them.
 */
export function busySince(inFlight: () => number, holdMs: number, now: () => number = Date.now): () => boolean {
  let last = -Infinity;
  return () => {
    const t = now();
    if (inFlight() > 1) last = t;
    return t - last < holdMs;
  };
}
