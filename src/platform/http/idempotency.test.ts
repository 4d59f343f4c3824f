import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/db.ts';
import { DomainError } from './errors.ts';
import { idempotencyKeyOf, purgeIdempotencyKeys, requestHash, withIdempotency } from './idempotency.ts';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.close();
});

const run = (key: string | undefined, hash: string, now: Date, body: unknown, scope = 's1') =>
  t.db.transaction().execute((trx) => withIdempotency(trx, { scope, key, hash, now }, async () => ({ statusCode: 201, body })));

describe('withIdempotency', () => {
  it('stores the first response, replays it, refuses another request with the key, frees expired keys', async () => {
    const now = new Date('2026-03-17T06:00:00Z');
    expect(await run('k', 'h1', now, { n: 1, at: now })).toEqual({ statusCode: 201, body: { n: 1, at: now.toISOString() }, replayed: false });
    expect(await run('k', 'h1', now, { n: 2 })).toEqual({ statusCode: 201, body: { n: 1, at: now.toISOString() }, replayed: true });
    await expect(run('k', 'h2', now, { n: 3 })).rejects.toMatchObject({ code: 'conflict', field: 'Idempotency-Key' });
    expect((await run('k', 'h1', now, { n: 4 }, 's2')).replayed).toBe(false);
    const later = new Date(now.getTime() + 25 * 3_600_000);
    expect(await run('k', 'h2', later, { n: 5 })).toMatchObject({ body: { n: 5 }, replayed: false });
    expect(await run(undefined, 'h', now, { n: 6 })).toMatchObject({ body: { n: 6 }, replayed: false });
    expect(await purgeIdempotencyKeys(t.db, new Date(later.getTime() + 25 * 3_600_000))).toBe(2);
  });

  it('a failed request leaves the key unclaimed', async () => {
    const now = new Date('2026-03-17T06:00:00Z');
    await expect(t.db.transaction().execute((trx) => withIdempotency(trx, { scope: 'f', key: 'x', hash: 'h', now }, async () => { throw new DomainError('validation', 'no'); }))).rejects.toThrow('no');
    expect((await run('x', 'other', now, { ok: true }, 'f')).replayed).toBe(false);
  });

  it('hashes requests by content, not key order; checks the header', () => {
    expect(requestHash({ a: 1, b: [1, { c: 2 }] })).toBe(requestHash({ b: [1, { c: 2 }], a: 1 }));
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: 2 }));
    expect(idempotencyKeyOf({})).toBeUndefined();
    expect(idempotencyKeyOf({ 'idempotency-key': '"abc-123"' })).toBe('abc-123');
    expect(() => idempotencyKeyOf({ 'idempotency-key': 'a b' })).toThrow(DomainError);
    expect(() => idempotencyKeyOf({ 'idempotency-key': 'x'.repeat(256) })).toThrow(DomainError);
  });
});
