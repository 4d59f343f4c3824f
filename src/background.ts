import type { Clock } from './platform/clock.ts';
import type { Db } from './platform/db/database.ts';
import { deleteExpiredSessions } from './platform/auth/auth.service.ts';
import { defineJob, startJobs, type Jobs } from './platform/jobs/jobs.ts';
import { registerWorkflowJobs, WORKFLOW_SWEEP_JOB } from './platform/workflow/sweep.ts';
import type { HookRegistry } from './platform/workflow/hooks.ts';

/** Deletes expired sessions once an hour (expired ones are already refused on read). */
export const SESSION_CLEANUP_JOB = defineJob<Record<string, never>>('auth.session-cleanup', { policy: 'stately' });

/** What every module plugs into the workflow engine, keyed by process key. */
export function workflowHooks(): HookRegistry {
  return {};
}

/**
 * The background side of `serve`: pg-boss workers and cron schedules in the same database.
 * Every process may run them; pg-boss hands each job and each cron tick to one process.
 */
export async function startBackground(opts: { databaseUrl: string; db: Db; clock: Clock; log: (s: string) => void }): Promise<Jobs> {
  const jobs = await startJobs({
    databaseUrl: opts.databaseUrl,
    jobs: [WORKFLOW_SWEEP_JOB, SESSION_CLEANUP_JOB],
    onError: (e) => opts.log(`[jobs] ${e.message}`),
  });
  await registerWorkflowJobs(jobs, { db: opts.db, clock: opts.clock, hooks: workflowHooks() });
  await jobs.work(SESSION_CLEANUP_JOB, async () => {
    await deleteExpiredSessions(opts.db, opts.clock.now());
  });
  await jobs.schedule({ job: SESSION_CLEANUP_JOB, cron: '17 * * * *' });
  return jobs;
}
