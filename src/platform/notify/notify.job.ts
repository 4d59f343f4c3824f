import { defineJob } from '../jobs/jobs.ts';
import type { Channel } from './notify.ts';

/** Attempts per (notice, channel) before it is marked failed (counted in notice_delivery.attempts). */
export const NOTICE_MAX_ATTEMPTS = 6;

/**
 * One job per (notice, channel); the payload holds ids only. Backoff: pg-boss waits between
 * retryDelay·2^(n-1) and retryDelay·2^n seconds before retry n (30–60 s, 1–2 min, … ≈ 16 min).
 * pg-boss's own limit is above NOTICE_MAX_ATTEMPTS so that a run killed before it recorded its
 * attempt (a crash, an expiry) still gets its retry; the delivery row decides when to stop.
 */
export const NOTICE_DELIVERY_JOB = defineJob<{ regionCode: string; noticeId: string; channel: Channel }>('notify.deliver', {
  retryLimit: NOTICE_MAX_ATTEMPTS + 3,
  retryDelay: 30,
  retryBackoff: true,
  expireInSeconds: 120,
});

/**
 * How the worker takes deliveries: batches of 64 (`deliverNotices`: read and recorded set-wise,
 * the adapters called 32 at once), four fetch loops, each polling twice a second. pg-boss 10 runs
 * one fetch per polling interval, so one job per fetch delivered at most one notice every 2 s — a
 * day's escalation wave (thousands of notices) took hours, and intake outran it at once
 * (bench/README.md, HISTORY "notice deliveries"). A batch settles as a whole within its jobs'
 * expiry (120 s): 64 deliveries 32 at a time stay inside it even if every one hits its adapter's
 * longest timeout (SMTP: 10 s to connect, 10 s greeting, 30 s idle socket). At most ~512
 * deliveries a second: two loops (~256 /s) fell behind once the intake was group-committed
 * (~375 e-mail and SMS deliveries a second at ~270 intakes/s; bench/README.md, HISTORY stop 25).
 * A batch being delivered holds a connection of the server's pool while it reads and records.
 */
export const NOTICE_DELIVERY_WORK = { batchSize: 64, pollingIntervalSeconds: 0.5, loops: 4 } as const;

/** Deliveries of a batch whose adapters are called at once (each call is a network round trip). */
export const NOTICE_SEND_CONCURRENCY = 32;

/**
 * A pending or retrying delivery untouched for this long has lost its job: every attempt stamps
 * the row, and pg-boss retries within ~30 minutes (the sixth attempt waits at most 16–32 min,
 * a run expires after 120 s). A job lost for good — its retries used up while the database was
 * unreachable, pg-boss's tables restored from an older backup, a row written by hand — would
 * otherwise leave the message unsent for ever.
 */
export const NOTICE_STALE_AFTER_MS = 60 * 60_000;

/** Every 10 minutes: deliveries that lost their job get a new one (`requeueStaleDeliveries`). */
export const NOTICE_RECOVER_JOB = defineJob<Record<string, never>>('notify.recover', { policy: 'stately' });
export const NOTICE_RECOVER_CRON = '*/10 * * * *';

/** The queues `registerNotifyJobs` works: give them to `startJobs`. */
export const NOTIFY_JOBS = [NOTICE_DELIVERY_JOB, NOTICE_RECOVER_JOB] as const;
