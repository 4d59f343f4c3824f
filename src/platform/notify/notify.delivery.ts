import type { Clock } from '../clock.ts';
import type { Executor } from '../db/database.ts';
import type { Lang } from '../i18n/i18n.ts';
import type { Jobs } from '../jobs/jobs.ts';
import { pickAdapter, scrubContacts, type Contact, type DeliverableNotice, type DeliveryResult, type NoticeAdapter } from './notify.adapters.ts';
import { NOTICE_DELIVERY_JOB, NOTICE_MAX_ATTEMPTS } from './notify.job.ts';
import type { Channel } from './notify.ts';

/**
 * An account's contacts, supplied by whoever knows people (the directory, wired in
 * src/background.ts): platform code never reads module tables. `locale` is informational; the
 * notice's text was rendered at enqueue time in the producer's `lang`.
 */
export type ContactResolver = (accountId: string) => Promise<(Contact & { locale?: Lang }) | undefined>;

export interface DeliveryDeps {
  db: Executor;
  clock: Clock;
  adapters: readonly NoticeAdapter[];
  resolveContact?: ContactResolver;
  maxAttempts?: number;
}

export interface DeliveryKey {
  regionCode: string;
  noticeId: string;
  channel: Channel;
}

export type DeliveryOutcome =
  | { status: 'delivered' | 'failed' | 'skipped' | 'retrying'; attempt: number; adapter: string; isFallback: boolean; error?: string }
  /** Already delivered, failed or skipped by an earlier run (at-least-once: the job ran again). */
  | { status: 'done_before' }
  /** No such delivery (the notice was deleted). */
  | { status: 'missing' };

const FINAL = new Set(['delivered', 'failed', 'skipped']);

async function contactFor(deps: DeliveryDeps, row: { channel: string; accountId: string | null; email: string | null; phone: string | null }): Promise<Contact> {
  if (row.channel === 'inbox') return {};
  const given: Contact = { email: row.email, phone: row.phone };
  if ((row.channel === 'email' && given.email) || (row.channel === 'sms' && given.phone)) return given;
  if (!row.accountId || !deps.resolveContact) return given;
  const found = await deps.resolveContact(row.accountId);
  return { email: given.email ?? found?.email ?? null, phone: given.phone ?? found?.phone ?? null };
}

/**
 * One attempt at one (notice, channel). The network call happens outside any transaction;
 * the attempt and the delivery's new state are then recorded together. Safe to run twice:
 * a final delivery is not attempted again, and the inbox keeps one row per notice.
 */
export async function deliverNotice(deps: DeliveryDeps, key: DeliveryKey): Promise<DeliveryOutcome> {
  const { db, clock } = deps;
  const row = await db
    .selectFrom('noticeDelivery as d')
    .innerJoin('notice as n', (j) => j.onRef('n.regionCode', '=', 'd.regionCode').onRef('n.id', '=', 'd.noticeId'))
    .select([
      'd.status', 'd.channel', 'n.id', 'n.regionCode', 'n.accountId', 'n.email', 'n.phone', 'n.lang', 'n.template',
      'n.title', 'n.body', 'n.aboutType', 'n.aboutId', 'n.createdAt',
    ])
    .where('d.regionCode', '=', key.regionCode)
    .where('d.noticeId', '=', key.noticeId)
    .where('d.channel', '=', key.channel)
    .executeTakeFirst();
  if (!row) return { status: 'missing' };
  if (FINAL.has(row.status)) return { status: 'done_before' };

  const notice: DeliverableNotice = {
    id: row.id,
    regionCode: row.regionCode,
    channel: key.channel,
    accountId: row.accountId,
    lang: row.lang as Lang,
    template: row.template,
    title: row.title,
    body: row.body,
    about: row.aboutType && row.aboutId ? { type: row.aboutType, id: row.aboutId } : null,
    createdAt: new Date(row.createdAt),
  };
  const picked = pickAdapter(deps.adapters, key.channel);
  let result: DeliveryResult;
  let contact: Contact = {};
  if (!picked) {
    result = { ok: false, error: `no adapter is switched on for channel ${key.channel} (NOTIFY_CHANNELS)`, retryable: false };
  } else {
    try {
      contact = await contactFor(deps, row);
      const missing = (key.channel === 'email' && !contact.email) || (key.channel === 'sms' && !contact.phone);
      // Checked whichever adapter runs, so that the embedded log stand-in shows the same failures production would.
      result = missing
        ? { ok: false, error: `the recipient has no ${key.channel === 'email' ? 'e-mail address' : 'phone number'}`, retryable: false }
        : await picked.adapter.deliver(notice, contact);
    } catch (e) {
      result = { ok: false, error: (e as Error).message || String(e), retryable: true };
    }
  }
  const adapter = picked?.adapter.name ?? 'none';
  const isFallback = picked?.isFallback ?? false;
  const error = result.ok ? null : scrubContacts(result.error).slice(0, 1000);
  const now = clock.now();
  const maxAttempts = deps.maxAttempts ?? NOTICE_MAX_ATTEMPTS;

  return db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('noticeDelivery')
      .select(['status', 'attempts'])
      .where('regionCode', '=', key.regionCode)
      .where('noticeId', '=', key.noticeId)
      .where('channel', '=', key.channel)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const attempt = current.attempts + 1;
    await trx
      .insertInto('noticeAttempt')
      .values({
        regionCode: key.regionCode,
        noticeId: key.noticeId,
        channel: key.channel,
        attemptNo: attempt,
        at: now,
        adapter,
        isOk: result.ok,
        isRetryable: !result.ok && result.retryable,
        error,
        providerId: result.ok ? (result.providerId ?? null) : null,
      })
      .execute();
    const status =
      current.status === 'delivered' ? 'delivered' // a concurrent run got there first: never downgrade
      : result.ok ? 'delivered'
      : !picked ? 'skipped'
      : result.retryable && attempt < maxAttempts ? 'retrying'
      : 'failed';
    await trx
      .updateTable('noticeDelivery')
      .set({
        status,
        attempts: attempt,
        adapter,
        isFallback,
        lastError: error,
        updatedAt: now,
        ...(result.ok ? { providerId: result.providerId ?? null, deliveredAt: now } : {}),
      })
      .where('regionCode', '=', key.regionCode)
      .where('noticeId', '=', key.noticeId)
      .where('channel', '=', key.channel)
      .execute();
    return { status, attempt, adapter, isFallback, ...(error ? { error } : {}) } as DeliveryOutcome;
  });
}

export class RetryLater extends Error {}

/**
 * The pg-boss worker. A retryable failure with attempts left throws, so pg-boss retries the
 * job with backoff; the thrown message names only ids (pg-boss keeps it in its job table).
 */
export async function registerNotifyJobs(jobs: Jobs, deps: DeliveryDeps): Promise<void> {
  await jobs.work(NOTICE_DELIVERY_JOB, async (data) => {
    const out = await deliverNotice(deps, data);
    if (out.status === 'retrying') {
      throw new RetryLater(`notice ${data.noticeId} (${data.channel}): attempt ${out.attempt} failed, will retry`);
    }
  });
}
