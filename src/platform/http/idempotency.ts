import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { canonicalJson } from '../audit/audit.ts';
import type { Executor } from '../db/database.ts';
import { executePrepared } from '../db/prepared.ts';
import { conflict, invalid } from './errors.ts';

/**
 * Idempotent POSTs (the `Idempotency-Key` request header, draft-ietf-httpapi-idempotency-key):
 * a retried request with the same key and the same body gets the first response again, and
 * never a second record; the same key with a different body is a 409 naming the header.
 *
 * The key is claimed **inside the business transaction**, before the work: a row
 * (scope, key) is inserted first. A concurrent retry with the same key blocks on that
 * unique entry until the first transaction ends, then reads its stored response (committed)
 * or claims the key itself (rolled back). So a failed request leaves no trace and may be
 * retried with the same key; a successful one is answered from the table for `ttlHours`.
 *
 * Region-agnostic: `scope` names the caller and the operation (e.g.
 * `appeals.intake:citizen:<accountId>`), so that two callers never share a key space.
 * Expired rows are taken over by the next request with that key; `purgeIdempotencyKeys`
 * deletes them in bulk (a periodic job of whoever runs the background).
 */

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const DEFAULT_TTL_HOURS = 24;
const KEY = /^[\x21-\x7e]{1,255}$/;

/** The header's value, checked; undefined when absent. A bad value is a 400 naming the header. */
export function idempotencyKeyOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const raw = headers[IDEMPOTENCY_HEADER];
  if (raw === undefined) return undefined;
  const v = Array.isArray(raw) ? raw[0] : raw;
  const key = (v ?? '').trim().replace(/^"(.*)"$/, '$1');
  if (!KEY.test(key)) throw invalid('Idempotency-Key', 'must be 1–255 visible ASCII characters', 'idempotency:key_invalid');
  return key;
}

/** A stable fingerprint of a request: SHA-256 of its canonical JSON (key order does not matter). */
export function requestHash(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

export interface IdempotentResponse<T> {
  statusCode: number;
  body: T;
  /** True when this is the stored response of an earlier request with the same key. */
  replayed: boolean;
}

export interface IdempotencyInput {
  scope: string;
  /** No key: the work runs as usual, nothing is stored. */
  key: string | undefined;
  /** `requestHash(...)` of what identifies the request (its body, its files' hashes). */
  hash: string;
  now: Date;
  ttlHours?: number;
}

/**
 * Runs `work` once per (scope, key) within `trx`. Call it first in the route's transaction:
 * the stored response commits with the work, or neither does.
 */
export async function withIdempotency<T>(
  trx: Executor,
  input: IdempotencyInput,
  work: () => Promise<{ statusCode: number; body: T }>,
): Promise<IdempotentResponse<T>> {
  if (input.key === undefined) return { ...(await work()), replayed: false };
  const expiresAt = new Date(input.now.getTime() + (input.ttlHours ?? DEFAULT_TTL_HOURS) * 3_600_000);
  // The claim and the stored response are named statements (platform/db/prepared.ts): every
  // intake runs both.
  const [claimed] = await executePrepared(trx, trx
    .insertInto('idempotencyKey')
    .values({ scope: input.scope, key: input.key, requestHash: input.hash, statusCode: 0, response: '', createdAt: input.now, expiresAt })
    .onConflict((oc) => oc.constraint('idempotency_key_pk').doNothing())
    .returning('key'));
  if (!claimed) {
    const row = await trx
      .selectFrom('idempotencyKey')
      .select(['requestHash', 'statusCode', 'response', 'expiresAt'])
      .where('scope', '=', input.scope)
      .where('key', '=', input.key)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (row.expiresAt.getTime() > input.now.getTime()) {
      if (row.requestHash !== input.hash) {
        throw conflict('the Idempotency-Key was used for a different request', { field: 'Idempotency-Key', messageKey: 'idempotency:key_reused' });
      }
      return { statusCode: row.statusCode, body: JSON.parse(row.response) as T, replayed: true };
    }
    // Expired: the key is free again; this request takes it over.
    await trx
      .updateTable('idempotencyKey')
      .set({ requestHash: input.hash, statusCode: 0, response: '', createdAt: input.now, expiresAt })
      .where('scope', '=', input.scope)
      .where('key', '=', input.key)
      .execute();
  }
  const result = await work();
  await executePrepared(trx, trx
    .updateTable('idempotencyKey')
    .set({ statusCode: result.statusCode, response: JSON.stringify(result.body) })
    .where('scope', '=', input.scope)
    .where('key', '=', input.key));
  // The caller sends what was stored, so that the first answer and a replay are byte-equal.
  return { statusCode: result.statusCode, body: JSON.parse(JSON.stringify(result.body)) as T, replayed: false };
}

/** Deletes expired keys; returns how many. */
export async function purgeIdempotencyKeys(db: Executor, now: Date, limit = 10_000): Promise<number> {
  const r = await sql<{ n: number }>`with gone as (
      delete from idempotency_key where ctid in (select ctid from idempotency_key where expires_at < ${now} limit ${limit}) returning 1)
    select count(*)::int as n from gone`.execute(db);
  return r.rows[0]?.n ?? 0;
}
