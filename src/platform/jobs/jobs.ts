import PgBoss from 'pg-boss';
import { CompiledQuery, sql, type RawBuilder } from 'kysely';
import { forEachAtMost } from '../concurrency.ts';
import type { Executor } from '../db/database.ts';
import { prepareStatement } from '../db/prepared.ts';
import { knownRevisions, revisions } from '../db/revision.ts';

/**
 * Jobs, timers and schedules on pg-boss 10, in the application's own database.
 *
 * - A job is declared once with `defineJob<Data>(name, queue options)`; the type of its data
 *   travels with the definition, so `enqueue` and `work` agree on it.
 * - `enqueue(trx, job, data)` inserts the job inside the caller's transaction (pg-boss's `db`
 *   option with an `executeSql` adapter over the Kysely transaction): the job exists if and
 *   only if the business change commits. No worker needs to be running.
 * - `startJobs(...)` runs workers and cron schedules against the database URL; `stop()`
 *   drains them. The pg-boss schema itself is installed by migration 0004.
 */

export const JOB_SCHEMA = 'pgboss';

export type QueuePolicy = 'standard' | 'short' | 'singleton' | 'stately';

export interface QueueOptions {
  /** standard (default); short: one queued job per key; singleton: one active; stately: one per state (good for sweeps). */
  policy?: QueuePolicy;
  retryLimit?: number;
  retryDelay?: number;
  retryBackoff?: boolean;
  expireInSeconds?: number;
  /** How long a created job waits to be fetched before it is dropped. */
  retentionMinutes?: number;
  deadLetter?: string;
}

/** A job name and its queue settings; `Data` is the shape of the payload (ids, never personal data). */
export interface JobDefinition<Data extends object = object> {
  readonly name: string;
  readonly queue: Readonly<QueueOptions>;
  /** Phantom: carries the payload type; never set. */
  readonly __data?: Data;
}

const QUEUE_NAME = /^[A-Za-z0-9_.\-/]+$/;

export function defineJob<Data extends object>(name: string, queue: QueueOptions = {}): JobDefinition<Data> {
  if (!QUEUE_NAME.test(name)) throw new Error(`job name ${JSON.stringify(name)} may hold only letters, digits, _ . - /`);
  return Object.freeze({ name, queue: Object.freeze({ ...queue }) });
}

export type JobData<J> = J extends JobDefinition<infer D> ? D : never;

export interface EnqueueOptions {
  /** Do not run before this instant. */
  startAfter?: Date;
  /** With queue policy short/singleton/stately, or singletonSeconds: at most one job per key. */
  singletonKey?: string;
  singletonSeconds?: number;
  priority?: number;
  retryLimit?: number;
  expireInSeconds?: number;
  /** Job id (UUID), for idempotent producers. */
  id?: string;
}

/**
 * pg-boss's `Db` interface over a Kysely executor (pool or transaction), without the camel-case
 * plugin. Its statements go as named statements (platform/db/prepared.ts): pg-boss builds each
 * text once per schema, and planning the job insert (into a table partitioned by queue) cost
 * PostgreSQL ~0.4 ms on every notice — more than running it (`npm run bench -- --pg-stats`).
 */
export function jobDb(executor: Executor): PgBoss.Db {
  const raw = executor.withoutPlugins();
  return {
    async executeSql(text: string, values: unknown[] = []) {
      prepareStatement(text);
      const res = await raw.executeQuery(CompiledQuery.raw(text, values));
      return { rows: res.rows as unknown[] as Record<string, unknown>[] };
    },
  };
}

// A pg-boss instance used only for its argument checks and SQL: every call below passes its
// own `db`, so it never opens a connection. Not a client; safe to share.
const sender = new PgBoss({
  schema: JOB_SCHEMA,
  db: {
    executeSql: () => Promise.reject(new Error('jobs: the shared sender has no connection; pass a db')),
  },
  schedule: false,
  supervise: false,
  migrate: false,
});

function queueArgs(q: QueueOptions): Record<string, unknown> {
  // pg-boss checks `'deadLetter' in options`, so absent settings must be absent keys.
  return Object.fromEntries(Object.entries({ policy: 'standard', ...q }).filter(([, v]) => v !== undefined));
}

/**
 * Creates the queue of each job if it does not exist (idempotent; safe when processes race:
 * pg-boss's create_queue inserts with ON CONFLICT DO NOTHING). Runs DDL, so call it at boot
 * or in tests, not in a busy transaction.
 */
export async function ensureQueues(db: Executor, jobs: readonly JobDefinition[]): Promise<void> {
  const raw = jobDb(db);
  for (const job of jobs) {
    if (job.queue.deadLetter) {
      await raw.executeSql(`select ${JOB_SCHEMA}.create_queue($1, $2)`, [job.queue.deadLetter, JSON.stringify({ policy: 'standard' })]);
    }
    await raw.executeSql(`select ${JOB_SCHEMA}.create_queue($1, $2)`, [job.name, JSON.stringify(queueArgs(job.queue))]);
  }
}

function sendOptions(o: EnqueueOptions): PgBoss.SendOptions {
  return {
    ...(o.startAfter ? { startAfter: o.startAfter } : {}),
    ...(o.singletonKey !== undefined ? { singletonKey: o.singletonKey } : {}),
    ...(o.singletonSeconds !== undefined ? { singletonSeconds: o.singletonSeconds } : {}),
    ...(o.priority !== undefined ? { priority: o.priority } : {}),
    ...(o.retryLimit !== undefined ? { retryLimit: o.retryLimit } : {}),
    ...(o.expireInSeconds !== undefined ? { expireInSeconds: o.expireInSeconds } : {}),
    ...(o.id !== undefined ? { id: o.id } : {}),
  };
}

/**
 * Inserts a job in the caller's transaction: it commits or rolls back with the business change.
 * Returns the job id, or undefined when a singleton rule dropped it (a job with that key exists).
 *
 * If the queue does not exist yet it is created here, in the same transaction (pg-boss 10 keeps
 * one partition per queue). That takes a short DDL lock once per queue per database; startJobs
 * creates every registered queue at boot so production never pays it in a request.
 */
export async function enqueue<J extends JobDefinition>(
  trx: Executor,
  job: J,
  data: JobData<J>,
  options: EnqueueOptions = {},
): Promise<string | undefined> {
  const db = jobDb(trx);
  const send = () => sender.send(job.name, data as object, { db, ...sendOptions(options) });
  const id = await send();
  if (id) {
    const known = knownRevisions(trx);
    if (known) knownQueues.add(`${(await known).database}|${job.name}`);
    return id;
  }
  // No row: either the queue is missing (the insert joins pgboss.queue) or a singleton rule held.
  const { rows } = await db.executeSql(`select 1 from ${JOB_SCHEMA}.queue where name = $1`, [job.name]);
  if (rows.length) return undefined;
  await ensureQueues(trx, [job]);
  return (await send()) ?? undefined;
}

// Queues this process has seen a job inserted into, per database (queues are never dropped
// while it runs). The database name comes with the revisions a transaction has read already
// (platform/db/revision.ts), read by `enqueueMany` when the transaction has not read them yet.
const knownQueues = new Set<string>();

/**
 * Several jobs of one queue in one INSERT (pg-boss `insert`), in the caller's transaction; no
 * per-job options. Until this process has seen the queue work the jobs go one by one through
 * `enqueue` (which creates a missing queue). pg-boss 10's bulk insert has no RETURNING (it
 * always returns null) and joins pgboss.queue, so a queue dropped since is a silent no-op: the
 * inserted row count is checked instead, and a missing queue is created and the insert retried.
 * Fewer rows with the queue present means its policy (short/singleton/stately) held some back,
 * as `enqueue` returning undefined does.
 */
export async function enqueueMany<J extends JobDefinition>(trx: Executor, job: J, data: readonly JobData<J>[]): Promise<void> {
  if (data.length === 0) return;
  // Several jobs: the database's name (one read per transaction, if not read already) is cheaper than a statement per job.
  const known = data.length > 1 ? (knownRevisions(trx) ?? (trx.isTransaction ? revisions(trx) : undefined)) : undefined;
  const key = known ? `${(await known).database}|${job.name}` : undefined;
  if (!key || !knownQueues.has(key)) {
    // The first job through `enqueue` (it creates a missing queue and records it as seen), the
    // rest at once when that worked.
    await enqueue(trx, job, data[0]!);
    if (!key || !knownQueues.has(key)) {
      for (const d of data.slice(1)) await enqueue(trx, job, d);
      return;
    }
    data = data.slice(1);
  }
  const jobs = data.map((d) => ({ name: job.name, data: d as object }));
  if ((await insertCounted(trx, jobs)) === data.length) return;
  const { rows } = await jobDb(trx).executeSql(`select 1 from ${JOB_SCHEMA}.queue where name = $1`, [job.name]);
  if (rows.length) return;
  knownQueues.delete(key);
  await ensureQueues(trx, [job]);
  if ((await insertCounted(trx, jobs)) === 0) throw new Error(`jobs: no job of ${job.name} was inserted after creating its queue`);
}

/**
 * The payloads of a queue's jobs still to run (waiting, waiting to retry, or running), as a SQL
 * sub-select (`select data from …`): for a recovery pass that must not queue again what pg-boss
 * still holds. Reads pg-boss's job table, as the bulk insert above does.
 */
export function liveJobData(job: JobDefinition): RawBuilder<{ data: unknown }> {
  return sql<{ data: unknown }>`select data from ${sql.table(`${JOB_SCHEMA}.job`)} where name = ${job.name} and state in ('created', 'retry', 'active')`;
}

/** pg-boss `insert` through the caller's executor; the number of rows the INSERT wrote. */
async function insertCounted(trx: Executor, jobs: PgBoss.JobInsert[]): Promise<number> {
  const raw = trx.withoutPlugins();
  let inserted = 0;
  await sender.insert(jobs, {
    db: {
      async executeSql(text: string, values: unknown[] = []) {
        prepareStatement(text);
        const res = await raw.executeQuery(CompiledQuery.raw(text, values));
        inserted = Number(res.numAffectedRows ?? 0n);
        return { rows: res.rows as unknown[] as Record<string, unknown>[] };
      },
    },
  });
  return inserted;
}

export type JobHandler<Data> = (data: Data, job: { id: string; name: string }) => Promise<void>;

export type BatchHandler<Data> = (jobs: { id: string; data: Data }[]) => Promise<{ id: string; error: string }[]>;

export interface Schedule<Data extends object = object> {
  job: JobDefinition<Data>;
  /** Five-field cron, e.g. '* * * * *' (every minute). */
  cron: string;
  data?: Data;
  /** IANA zone the cron reads in; default Asia/Almaty. */
  tz?: string;
}

export interface Jobs {
  /** The pg-boss instance, for what this wrapper does not cover (monitoring, fetch). */
  readonly boss: PgBoss;
  /** Runs `handler` for each job of the queue; a throw fails that job alone (pg-boss retries per queue options). */
  work<J extends JobDefinition>(job: J, handler: JobHandler<JobData<J>>, options?: WorkOptions): Promise<string>;
  /**
   * Runs `handler` once per fetched batch (set-wise work); it returns the jobs that failed, which
   * pg-boss retries alone; a throw fails the whole batch.
   */
  workBatch<J extends JobDefinition>(job: J, handler: BatchHandler<JobData<J>>, options: Omit<WorkOptions, 'concurrency'> & { batchSize: number }): Promise<string>;
  /** Registers (or replaces) a cron schedule; pg-boss sends the job once per tick across all processes. */
  schedule<Data extends object>(schedule: Schedule<Data>): Promise<void>;
  unschedule(job: JobDefinition): Promise<void>;
  /** Sends outside any business transaction (prefer `enqueue(trx, …)` when there is one). */
  send<J extends JobDefinition>(job: J, data: JobData<J>, options?: EnqueueOptions): Promise<string | undefined>;
  stop(options?: { graceful?: boolean; timeoutMs?: number }): Promise<void>;
}

export interface WorkOptions {
  /**
   * Jobs fetched at once (default 1). pg-boss 10 fetches a batch, runs it, then waits out the rest
   * of the polling interval: one loop delivers at most `batchSize` jobs per interval, so a queue
   * that fills faster than one job per interval (notice deliveries) needs a batch.
   */
  batchSize?: number;
  pollingIntervalSeconds?: number;
  /** Jobs of a batch running at once (default 1; at most `batchSize`). */
  concurrency?: number;
}

export interface StartJobsOptions {
  /** The application's database (the same one the business tables live in). */
  databaseUrl: string;
  /** Every job this process produces or consumes: their queues are created at start. */
  jobs: readonly JobDefinition[];
  /** Run the cron clock in this process (default true). */
  schedule?: boolean;
  /** Run pg-boss maintenance (expiry, archiving) in this process (default true). */
  supervise?: boolean;
  /** Connections for pg-boss's own pool (default 4). */
  poolSize?: number;
  pollingIntervalSeconds?: number;
  /** pg-boss's background errors (lost connection, maintenance); default: one line on stderr. */
  onError?: (err: Error) => void;
}

export async function startJobs(opts: StartJobsOptions): Promise<Jobs> {
  const boss = new PgBoss({
    connectionString: opts.databaseUrl,
    schema: JOB_SCHEMA,
    max: opts.poolSize ?? 4,
    application_name: 'ortak-jobs',
    schedule: opts.schedule ?? true,
    supervise: opts.supervise ?? true,
    // The schema comes from migration 0004; pg-boss only upgrades it when its own version is newer.
    migrate: true,
  });
  boss.on('error', opts.onError ?? ((err: Error) => console.error(`[jobs] ${err.message}`)));
  await boss.start();
  for (const job of opts.jobs) {
    if (job.queue.deadLetter && !(await boss.getQueue(job.queue.deadLetter))) await boss.createQueue(job.queue.deadLetter);
    if (!(await boss.getQueue(job.name))) await boss.createQueue(job.name, { name: job.name, ...queueArgs(job.queue) } as PgBoss.Queue);
  }
  const known = new Set(opts.jobs.map((j) => j.name));
  const check = (job: JobDefinition) => {
    if (!known.has(job.name)) throw new Error(`job ${job.name} is not registered with startJobs({ jobs })`);
  };
  const workBatch: Jobs['workBatch'] = async (job, handler, options) => {
    check(job);
    return boss.work<JobData<typeof job>>(
      job.name,
      { batchSize: options.batchSize, pollingIntervalSeconds: options.pollingIntervalSeconds ?? opts.pollingIntervalSeconds ?? 2 },
      async (batch) => {
        const failed = await handler(batch.map((j) => ({ id: j.id, data: j.data })));
        // pg-boss completes or fails a batch as a whole: the jobs that failed are failed by id
        // (retried per their queue's options) before it completes the batch, which touches only
        // the jobs still active.
        for (const f of failed) await boss.fail(job.name, f.id, { message: f.error });
      },
    );
  };
  return {
    boss,
    async work(job, handler, options = {}) {
      const concurrency = options.concurrency ?? 1;
      // Each job of a batch settles on its own; a batch of one fails by its throw, as pg-boss does.
      return workBatch(job, async (batch) => {
        if (batch.length === 1) {
          await handler(batch[0]!.data, { id: batch[0]!.id, name: job.name });
          return [];
        }
        const failed: { id: string; error: string }[] = [];
        await forEachAtMost(batch, concurrency, async (j) => {
          try {
            await handler(j.data, { id: j.id, name: job.name });
          } catch (err) {
            failed.push({ id: j.id, error: err instanceof Error ? err.message : String(err) });
          }
        });
        return failed;
      }, { ...options, batchSize: options.batchSize ?? 1 });
    },
    workBatch,
    async schedule(s) {
      check(s.job);
      await boss.schedule(s.job.name, s.cron, (s.data ?? {}) as object, { tz: s.tz ?? 'Asia/Almaty' });
    },
    async unschedule(job) {
      await boss.unschedule(job.name);
    },
    async send(job, data, options = {}) {
      check(job);
      const id = await boss.send(job.name, data as object, sendOptions(options));
      return id ?? undefined;
    },
    async stop(o = {}) {
      await boss.stop({ graceful: o.graceful ?? true, timeout: o.timeoutMs ?? 10_000, wait: true, close: true });
    },
  };
}
