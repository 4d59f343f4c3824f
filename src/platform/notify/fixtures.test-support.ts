import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Lang } from '../i18n/i18n.ts';
import type { ContactResolver } from './notify.delivery.ts';
import type { NoticeInput } from './notify.ts';

export const REGION = '350000000';

/** A bare account (platform table) to address notices to; no directory needed. */
export async function makeAccount(db: Db, locale: Lang = 'ru'): Promise<string> {
  const id = randomUUID();
  await db.insertInto('account').values({ id, login: `notify-${id}`, passwordHash: 'x', kind: 'citizen', locale }).execute();
  return id;
}

/** A resolver over a fixed map, as the directory would answer. */
export function contactsOf(map: Record<string, { email?: string | null; phone?: string | null }>): ContactResolver {
  return async (accountId) => map[accountId];
}

export function testNotice(accountId: string | null, over: Partial<NoticeInput> = {}): NoticeInput {
  return {
    regionCode: REGION,
    to: { accountId },
    channels: ['inbox'],
    lang: 'ru',
    template: 'notify:notice.test',
    params: { name: 'Айгерім' },
    ...over,
  };
}

export async function jobsFor(db: Db, noticeId: string): Promise<{ state: string; data: { channel: string } }[]> {
  const { rows } = await sql<{ state: string; data: { channel: string } }>`
    select state, data from pgboss.job where name = 'notify.deliver' and data->>'noticeId' = ${noticeId} order by data->>'channel'`.execute(db);
  return rows;
}
