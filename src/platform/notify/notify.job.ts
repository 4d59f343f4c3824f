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
