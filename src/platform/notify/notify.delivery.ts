import { sql } from 'kysely';
import type { Clock } from '../clock.ts';
import { forEachAtMost } from '../concurrency.ts';
import type { Db, Executor } from '../db/database.ts';
import type { Lang } from '../i18n/i18n.ts';
import { enqueueMany, liveJobData, type Jobs } from '../jobs/jobs.ts';
import { pickAdapter, scrubContacts, type Contact, type DeliverableNotice, type DeliveryResult, type NoticeAdapter } from './notify.adapters.ts';
import { NOTICE_DELIVERY_JOB, NOTICE_DELIVERY_WORK, NOTICE_MAX_ATTEMPTS, NOTICE_RECOVER_CRON, NOTICE_RECOVER_JOB, NOTICE_SEND_CONCURRENCY, NOTICE_STALE_AFTER_MS } from './notify.job.ts';
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
  /** Where the recovery pass says what it did (ids and counts only). */
  log?: (line: string) => void;
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
 * One attempt at one (notice, channel): `deliverNotices` for one key.
 */
export async function deliverNotice(deps: DeliveryDeps, key: DeliveryKey): Promise<DeliveryOutcome> {
  return (await deliverNotices(deps, [key]))[0]!;
}

type Attempted = { key: DeliveryKey; result: DeliveryResult; adapter: string; isFallback: boolean; picked: boolean };

/**
 * One attempt at each (notice, channel) of `keys`, set-wise: the deliveries read in one
 * statement, the adapters called (`NOTICE_SEND_CONCURRENCY` at once), then every attempt and
 * the deliveries' new states recorded in one transaction of three statements. The network calls happen outside any
 * transaction. Safe to run twice: a final delivery is not attempted again, and the inbox keeps one
 * row per notice. Outcomes in the order of `keys`.
 */
export async function deliverNotices(deps: DeliveryDeps, keys: readonly DeliveryKey[]): Promise<DeliveryOutcome[]> {
  const { db, clock } = deps;
  const k = (x: { regionCode: string; noticeId: string; channel: string }) => `${x.regionCode}|${x.noticeId}|${x.channel}`;
  const keyMatch = (alias: string) => sql<boolean>`(${sql.ref(`${alias}.region_code`)}, ${sql.ref(`${alias}.notice_id`)}, ${sql.ref(`${alias}.channel`)}) in (
    select * from unnest(${keys.map((x) => x.regionCode)}::text[], ${keys.map((x) => x.noticeId)}::uuid[], ${keys.map((x) => x.channel)}::text[]))`;
  const rows = keys.length === 0 ? [] : await db
    .selectFrom('noticeDelivery as d')
    .innerJoin('notice as n', (j) => j.onRef('n.regionCode', '=', 'd.regionCode').onRef('n.id', '=', 'd.noticeId'))
    .select([
      'd.status', 'd.channel', 'n.id', 'n.regionCode', 'n.accountId', 'n.email', 'n.phone', 'n.lang', 'n.template',
      'n.title', 'n.body', 'n.aboutType', 'n.aboutId', 'n.createdAt',
    ])
    .where(keyMatch('d'))
    .execute();
  const found = new Map(rows.map((r) => [k({ regionCode: r.regionCode, noticeId: r.id, channel: r.channel }), r]));

  // The adapters, outside any transaction.
  const todo = [...new Map(keys.filter((key) => found.has(k(key)) && !FINAL.has(found.get(k(key))!.status)).map((key) => [k(key), key])).values()];
  const attempted: Attempted[] = [];
  await forEachAtMost(todo, NOTICE_SEND_CONCURRENCY, async (key) => {
    const row = found.get(k(key))!;
    const notice: DeliverableNotice = {
      id: row.id, regionCode: row.regionCode, channel: key.channel, accountId: row.accountId, lang: row.lang as Lang, template: row.template,
      title: row.title, body: row.body, about: row.aboutType && row.aboutId ? { type: row.aboutType, id: row.aboutId } : null, createdAt: new Date(row.createdAt),
    };
    const picked = pickAdapter(deps.adapters, key.channel);
    let result: DeliveryResult;
    if (!picked) {
      result = { ok: false, error: `no adapter is switched on for channel ${key.channel} (NOTIFY_CHANNELS)`, retryable: false };
    } else {
      try {
        const contact = await contactFor(deps, row);
        const missing = (key.channel === 'email' && !contact.email) || (key.channel === 'sms' && !contact.phone);
        // Checked whichever adapter runs, so that the embedded log stand-in shows the same failures production would.
        result = missing
          ? { ok: false, error: `the recipient has no ${key.channel === 'email' ? 'e-mail address' : 'phone number'}`, retryable: false }
          : await picked.adapter.deliver(notice, contact);
      } catch (e) {
        result = { ok: false, error: (e as Error).message || String(e), retryable: true };
      }
    }
    attempted.push({ key, result, adapter: picked?.adapter.name ?? 'none', isFallback: picked?.isFallback ?? false, picked: !!picked });
  });

  const now = clock.now();
  const maxAttempts = deps.maxAttempts ?? NOTICE_MAX_ATTEMPTS;
  const outcomes = new Map<string, DeliveryOutcome>();
  if (attempted.length) {
    await db.transaction().execute(async (trx) => {
      const current = new Map((await trx
        .selectFrom('noticeDelivery as d')
        .select(['d.regionCode', 'd.noticeId', 'd.channel', 'd.status', 'd.attempts'])
        .where(keyMatch('d'))
        .orderBy('d.regionCode').orderBy('d.noticeId').orderBy('d.channel') // one lock order for every batch
        .forUpdate()
        .execute()).map((c) => [k(c), c]));
      const done = attempted.filter((a) => current.has(k(a.key))).map((a) => {
        const c = current.get(k(a.key))!;
        const attempt = c.attempts + 1;
        const error = a.result.ok ? null : scrubContacts(a.result.error).slice(0, 1000);
        const status =
          c.status === 'delivered' ? 'delivered' // a concurrent run got there first: never downgrade
          : a.result.ok ? 'delivered'
          : !a.picked ? 'skipped'
          : a.result.retryable && attempt < maxAttempts ? 'retrying'
          : 'failed';
        const providerId = a.result.ok ? (a.result.providerId ?? null) : null;
        outcomes.set(k(a.key), { status, attempt, adapter: a.adapter, isFallback: a.isFallback, ...(error ? { error } : {}) } as DeliveryOutcome);
        return { ...a, attempt, error, status, providerId };
      });
      if (done.length === 0) return;
      const col = <T>(f: (d: (typeof done)[number]) => T) => done.map(f);
      await sql`insert into notice_attempt (region_code, notice_id, channel, attempt_no, at, adapter, is_ok, is_retryable, error, provider_id)
        select r, n, c, a, ${now.toISOString()}::timestamptz, ad, ok, rt, e, p
        from unnest(${col((d) => d.key.regionCode)}::text[], ${col((d) => d.key.noticeId)}::uuid[], ${col((d) => d.key.channel)}::text[],
                    ${col((d) => d.attempt)}::int[], ${col((d) => d.adapter)}::text[], ${col((d) => d.result.ok)}::bool[],
                    ${col((d) => !d.result.ok && d.result.retryable)}::bool[], ${col((d) => d.error)}::text[], ${col((d) => d.providerId)}::text[])
          as v(r, n, c, a, ad, ok, rt, e, p)`.execute(trx);
      await sql`update notice_delivery as d
        set status = v.status, attempts = v.attempt, adapter = v.adapter, is_fallback = v.fallback, last_error = v.error, updated_at = ${now.toISOString()}::timestamptz,
          provider_id = case when v.ok then v.provider_id else d.provider_id end,
          delivered_at = case when v.ok then ${now.toISOString()}::timestamptz else d.delivered_at end
        from unnest(${col((d) => d.key.regionCode)}::text[], ${col((d) => d.key.noticeId)}::uuid[], ${col((d) => d.key.channel)}::text[],
                    ${col((d) => d.status)}::text[], ${col((d) => d.attempt)}::int[], ${col((d) => d.adapter)}::text[], ${col((d) => d.isFallback)}::bool[],
                    ${col((d) => d.error)}::text[], ${col((d) => d.result.ok)}::bool[], ${col((d) => d.providerId)}::text[])
          as v(region_code, notice_id, channel, status, attempt, adapter, fallback, error, ok, provider_id)
        where d.region_code = v.region_code and d.notice_id = v.notice_id and d.channel = v.channel`.execute(trx);
    });
  }
  return keys.map((key) => outcomes.get(k(key)) ?? (found.has(k(key)) ? { status: 'done_before' } : { status: 'missing' }));
}

/**
 * Deliveries that lost their job get a new one: pending or retrying, untouched for
 * `NOTICE_STALE_AFTER_MS`, and no job of theirs waiting, retrying or running in pg-boss. At most
 * `limit` (oldest first) per call, in one transaction: their `updated_at` moved to now (a later
 * pass leaves them alone for another stale period) and a delivery job each. Rows another pass
 * holds are skipped. Returns the deliveries queued again.
 */
export async function requeueStaleDeliveries(db: Db, now: Date, limit = 1000): Promise<DeliveryKey[]> {
  const cutoff = new Date(now.getTime() - NOTICE_STALE_AFTER_MS);
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<DeliveryKey>`
      update notice_delivery as d set updated_at = ${now}
      from (
        select s.region_code, s.notice_id, s.channel from notice_delivery as s
        where s.status in ('pending', 'retrying') and s.updated_at < ${cutoff}
          and not exists (select 1 from (${liveJobData(NOTICE_DELIVERY_JOB)}) as j
            where j.data->>'regionCode' = s.region_code and j.data->>'noticeId' = s.notice_id::text and j.data->>'channel' = s.channel)
        order by s.updated_at
        limit ${limit}
        for update of s skip locked) as stale
      where (d.region_code, d.notice_id, d.channel) = (stale.region_code, stale.notice_id, stale.channel)
      returning d.region_code as "regionCode", d.notice_id as "noticeId", d.channel`.execute(trx.withoutPlugins());
    await enqueueMany(trx, NOTICE_DELIVERY_JOB, rows);
    return rows;
  });
}

/**
 * The pg-boss worker, a batch at a time (`NOTICE_DELIVERY_WORK`, `deliverNotices`). A retryable
 * failure with attempts left fails its job alone, so pg-boss retries it with backoff; the message
 * names only ids (pg-boss keeps it in its job table).
 */
export async function registerNotifyJobs(jobs: Jobs, deps: DeliveryDeps): Promise<void> {
  const { loops, ...work } = NOTICE_DELIVERY_WORK;
  for (let i = 0; i < loops; i++) {
    await jobs.workBatch(NOTICE_DELIVERY_JOB, async (batch) => {
      const outcomes = await deliverNotices(deps, batch.map((j) => j.data));
      return batch.flatMap((j, n) => {
        const out = outcomes[n]!;
        return out.status === 'retrying' ? [{ id: j.id, error: `notice ${j.data.noticeId} (${j.data.channel}): attempt ${out.attempt} failed, will retry` }] : [];
      });
    }, work);
  }
  await jobs.work(NOTICE_RECOVER_JOB, async () => {
    const requeued = await requeueStaleDeliveries(deps.db, deps.clock.now());
    if (requeued.length) deps.log?.(`[notify] ${requeued.length} deliveries had lost their job: queued again`);
  });
  await jobs.schedule({ job: NOTICE_RECOVER_JOB, cron: NOTICE_RECOVER_CRON });
}
