import { newId } from '../db/ids.ts';
import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';
import { executePrepared } from '../db/prepared.ts';
import { notFound } from '../http/errors.ts';
import { t, type Lang } from '../i18n/i18n.ts';
import { enqueueMany } from '../jobs/jobs.ts';
import { NOTICE_DELIVERY_JOB } from './notify.job.ts';

/**
 * Notices: a transactional outbox (README.md beside this file).
 *
 * `enqueueNotice` writes the notice and one delivery row per channel inside the producer's
 * transaction: nothing exists unless the change commits, and nothing is sent before it does.
 * The in-app inbox is written there too (it is this database); e-mail and SMS get one pg-boss
 * job per delivery, which the worker (notify.delivery.ts) delivers at least once.
 */

export const CHANNELS = ['inbox', 'email', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface NoticeInput {
  regionCode: string;
  /** Who receives it: an account (in-app inbox; e-mail/phone looked up by the contact resolver) or raw contacts. */
  to: { accountId?: string | null; email?: string | null; phone?: string | null };
  channels: Channel[];
  lang: Lang;
  /** Catalog key prefix, e.g. 'appeals:notice.slip_issued' → `.subject` and `.body`. */
  template: string;
  /** Interpolation values. No IIN/phone/address: they are stored with the notice. */
  params: Record<string, string | number>;
  /** What it is about (e.g. an appeal), for the inbox link. */
  subject?: { type: string; id: string };
  /** The same key twice in a region → one notice (idempotent producers). */
  dedupeKey?: string;
}

// Parameter names that would put personal data into the stored notice (and its params jsonb).
const PERSONAL_PARAM = /^(iin|bin_?iin|phone|tel|telephone|mobile|email|e_?mail|address|password)$/i;

export class NoticeError extends Error {}

/** Subject and body of a template in a language; a template missing from the catalog is a programming error. */
export function renderNotice(lang: Lang, template: string, params: Record<string, string | number>): { title: string; body: string } {
  const render = (part: 'subject' | 'body') => {
    const key = `${template}.${part}`;
    const text = t(lang, key, params);
    // i18next answers a missing key with the key itself (without the namespace).
    if (text === key || text === key.slice(key.indexOf(':') + 1)) throw new NoticeError(`notice template ${key} is missing from the catalogs`);
    return text;
  };
  return { title: render('subject'), body: render('body') };
}

function check(n: NoticeInput): void {
  if (!/^[0-9]{9}$/.test(n.regionCode)) throw new NoticeError(`regionCode must be a 9-digit KATO code, got ${JSON.stringify(n.regionCode)}`);
  if (n.channels.length === 0) throw new NoticeError('a notice needs at least one channel');
  for (const c of n.channels) if (!(CHANNELS as readonly string[]).includes(c)) throw new NoticeError(`unknown channel ${JSON.stringify(c)}`);
  if (!n.to.accountId && !n.to.email && !n.to.phone) throw new NoticeError('a notice needs an account, an e-mail or a phone');
  if (n.channels.includes('inbox') && !n.to.accountId) throw new NoticeError('the inbox channel needs an account');
  for (const k of Object.keys(n.params)) {
    if (PERSONAL_PARAM.test(k)) throw new NoticeError(`notice parameter "${k}" would store personal data; pass ids instead`);
  }
  if (n.dedupeKey !== undefined && (n.dedupeKey.length === 0 || n.dedupeKey.length > 200)) throw new NoticeError('dedupeKey must be 1..200 characters');
}

/**
 * Writes a notice in the caller's transaction and returns its id. With a `dedupeKey` already
 * used in the region, returns the existing notice's id and writes nothing (no second delivery).
 * The text is rendered now, in `lang`, and stored: the inbox shows exactly what was sent.
 */
export async function enqueueNotice(trx: Executor, n: NoticeInput, now: Date): Promise<string> {
  const { ids, written } = await writeNotices(trx, [{ notice: n, at: now }]);
  if (written.has(ids[0]!)) return ids[0]!;
  // The key was used: a concurrent producer with it waited on the unique index until it
  // committed, so the row is visible to this statement.
  const existing = await trx.selectFrom('notice').select('id').where('regionCode', '=', n.regionCode).where('dedupeKey', '=', n.dedupeKey!).executeTakeFirstOrThrow();
  return existing.id;
}

/**
 * Many notices, each with its own instant, in two statements whatever their number: the notices
 * with their delivery rows, then the delivery jobs (the escalation sweep writes a chunk's notices
 * this way). The guarantees of `enqueueNotice`: a dedupe key used before in the region, or twice
 * in `items`, writes that notice once. Returns the number of notices written.
 */
export async function enqueueNotices(trx: Executor, items: readonly { notice: NoticeInput; at: Date }[]): Promise<number> {
  return (await writeNotices(trx, items)).written.size;
}

/**
 * Checks and renders `items`, writes them with their delivery rows, and the inbox messages of
 * those to an account, in one statement (only the notices written get deliveries: a used dedupe
 * key inserts nothing), and the jobs of their e-mail and SMS deliveries in another.
 * `ids[i]` is the id given to `items[i]` (an item repeating a key of the list shares its id).
 */
async function writeNotices(trx: Executor, items: readonly { notice: NoticeInput; at: Date }[]): Promise<{ ids: string[]; written: Set<string> }> {
  const seen = new Map<string, string>();
  const ids: string[] = [];
  const rows: { id: string; n: NoticeInput; at: Date; title: string; body: string; channels: Channel[] }[] = [];
  for (const { notice: n, at } of items) {
    check(n);
    const key = n.dedupeKey === undefined ? undefined : `${n.regionCode}|${n.dedupeKey}`;
    const repeated = key === undefined ? undefined : seen.get(key);
    if (repeated) {
      ids.push(repeated);
      continue;
    }
    const id = newId();
    if (key !== undefined) seen.set(key, id);
    ids.push(id);
    rows.push({ id, n, at, ...renderNotice(n.lang, n.template, n.params), channels: [...new Set(n.channels)] });
  }
  if (rows.length === 0) return { ids, written: new Set() };
  // Column arrays (`unnest`): fourteen parameters whatever the number of notices (PostgreSQL allows 65,535).
  const col = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
  // The in-app inbox is this database: a notice lands in its account's inbox with the producer's
  // commit (delivery row `delivered` by `inbox`, its attempt on record), with no job — `check`
  // refused an inbox notice without an account. Only the channels that leave the machine
  // (e-mail, SMS) go through the outbox and its worker.
  // A named statement (platform/db/prepared.ts): one text for any number of notices, and its
  // planning (several inserts, a lateral unnest) cost more than running it on every intake and action.
  const inserted = await executePrepared(trx, sql<{ regionCode: string; id: string }>`
    with n as (
      insert into notice (region_code, id, account_id, email, phone, lang, template, params, about_type, about_id, title, body, dedupe_key, created_at)
      select * from unnest(${col((r) => r.n.regionCode)}::text[], ${col((r) => r.id)}::uuid[], ${col((r) => r.n.to.accountId ?? null)}::uuid[],
                           ${col((r) => r.n.to.email ?? null)}::text[], ${col((r) => r.n.to.phone ?? null)}::text[], ${col((r) => r.n.lang)}::text[],
                           ${col((r) => r.n.template)}::text[], ${col((r) => JSON.stringify(r.n.params))}::jsonb[],
                           ${col((r) => r.n.subject?.type ?? null)}::text[], ${col((r) => r.n.subject?.id ?? null)}::text[],
                           ${col((r) => r.title)}::text[], ${col((r) => r.body)}::text[], ${col((r) => r.n.dedupeKey ?? null)}::text[],
                           ${col((r) => r.at.toISOString())}::timestamptz[])
      on conflict (region_code, dedupe_key) where dedupe_key is not null do nothing
      returning region_code, id, account_id, title, body, about_type, about_id, created_at
    ),
    c as (
      select n.*, ch, ch = 'inbox' as direct
      from n join unnest(${col((r) => r.id)}::uuid[], ${col((r) => r.channels.join(','))}::text[]) as c(id, chs) on c.id = n.id
      cross join lateral unnest(string_to_array(c.chs, ',')) as ch
    ),
    d as (
      insert into notice_delivery (region_code, notice_id, channel, status, adapter, attempts, delivered_at, updated_at)
      select region_code, id, ch, case when direct then 'delivered' else 'pending' end, case when direct then 'inbox' end,
        case when direct then 1 else 0 end, case when direct then created_at end, created_at
      from c
      returning region_code, notice_id, channel, status, updated_at
    ),
    a as (
      insert into notice_attempt (region_code, notice_id, channel, attempt_no, at, adapter, is_ok)
      select region_code, notice_id, channel, 1, updated_at, 'inbox', true from d where status = 'delivered'
    ),
    i as (
      insert into inbox_message (region_code, notice_id, account_id, title, body, about_type, about_id, created_at, delivered_at)
      select region_code, id, account_id, title, body, about_type, about_id, created_at, created_at from c where direct
    )
    select region_code as "regionCode", id from n`.compile(trx));
  const channelsOf = new Map(rows.map((r) => [r.id, r.channels]));
  const jobs = inserted.flatMap((r) => channelsOf.get(r.id)!.filter((channel) => channel !== 'inbox').map((channel) => ({ regionCode: r.regionCode, noticeId: r.id, channel })));
  if (jobs.length) await enqueueMany(trx, NOTICE_DELIVERY_JOB, jobs);
  return { ids, written: new Set(inserted.map((r) => r.id)) };
}

export interface InboxItem {
  id: string;
  regionCode: string;
  title: string;
  body: string;
  about: { type: string; id: string } | null;
  createdAt: Date;
  readAt: Date | null;
}

export interface InboxPage {
  items: InboxItem[];
  total: number;
  unread: number;
  limit: number;
  offset: number;
}

/** The account's in-app notices, newest first, with the unread count. */
export async function listInbox(db: Executor, accountId: string, page: { limit: number; offset: number }): Promise<InboxPage> {
  const [rows, counts] = await Promise.all([
    db
      .selectFrom('inboxMessage')
      .select(['noticeId', 'regionCode', 'title', 'body', 'aboutType', 'aboutId', 'createdAt', 'readAt'])
      .where('accountId', '=', accountId)
      .orderBy('createdAt', 'desc')
      .orderBy('noticeId', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    db
      .selectFrom('inboxMessage')
      .select((eb) => [eb.fn.countAll<number>().as('total'), eb.fn.countAll<number>().filterWhere('readAt', 'is', null).as('unread')])
      .where('accountId', '=', accountId)
      .executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.noticeId,
      regionCode: r.regionCode,
      title: r.title,
      body: r.body,
      about: r.aboutType && r.aboutId ? { type: r.aboutType, id: r.aboutId } : null,
      createdAt: new Date(r.createdAt),
      readAt: r.readAt === null ? null : new Date(r.readAt),
    })),
    total: Number(counts.total),
    unread: Number(counts.unread),
    ...page,
  };
}

/**
 * Marks one of the account's notices read (idempotent: the first reading time is kept).
 * Another account's notice is "not found", so that ids cannot be probed.
 */
export async function markRead(db: Executor, accountId: string, id: string, now: Date): Promise<{ id: string; readAt: Date }> {
  const row = await db
    .updateTable('inboxMessage')
    .set((eb) => ({ readAt: eb.fn.coalesce('readAt', eb.val(now)) }))
    .where('noticeId', '=', id)
    .where('accountId', '=', accountId)
    .returning(['noticeId', 'readAt'])
    .executeTakeFirst();
  if (!row || row.readAt === null) throw notFound('notice', { messageKey: 'notify:not_found' });
  return { id: row.noticeId, readAt: new Date(row.readAt) };
}
