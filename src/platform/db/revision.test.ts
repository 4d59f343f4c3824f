import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/db.ts';
import { readScope, ReferenceCache, revisions, seedRevisions } from './revision.ts';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t.close());

describe('ReferenceCache.prime', () => {
  it('loads the missing keys in one call, which get then serves; a changed revision makes them stale', async () => {
    const cache = new ReferenceCache();
    const loads: string[][] = [];
    const load = async (keys: string[]) => {
      loads.push([...keys].sort());
      // 'c' is not found: left out, so not cached.
      return new Map(keys.filter((k) => k !== 'c').map((k) => [k, `value of ${k}`]));
    };
    await cache.prime(t.db, ['a', 'b', 'a', 'c'], load);
    expect(loads).toEqual([['a', 'b', 'c']]);
    const alone: string[] = [];
    const get = (key: string) => cache.get(t.db, key, async () => (alone.push(key), `loaded ${key}`));
    expect([await get('a'), await get('b')]).toEqual(['value of a', 'value of b']);
    expect(await get('c')).toBe('loaded c');
    expect(alone).toEqual(['c']);

    // Fresh entries are not loaded again.
    await cache.prime(t.db, ['a', 'b', 'c', 'd'], load);
    expect(loads.at(-1)).toEqual(['d']);

    // Another process changed reference data: everything is loaded afresh.
    await sql`update reference_revision set revision = gen_random_uuid()`.execute(t.db);
    await cache.prime(t.db, ['a', 'b'], load);
    expect(loads.at(-1)).toEqual(['a', 'b']);
    expect(await get('a')).toBe('value of a');
    expect(alone).toEqual(['c']);
  });

  it('in a transaction that changed reference data, stores under its own revision, which others never see', async () => {
    const cache = new ReferenceCache();
    await expect(
      t.db.transaction().execute(async (trx) => {
        await sql`update reference_revision set revision = gen_random_uuid()`.execute(trx);
        await cache.prime(trx, ['x'], async () => new Map([['x', 'uncommitted']]));
        expect(await cache.get(trx, 'x', async () => 'reloaded')).toBe('uncommitted');
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await cache.get(t.db, 'x', async () => 'committed')).toBe('committed');
  });
});

describe('readScope', () => {
  it("reads the revisions once for a request's reads; the next request's scope sees what was committed since", async () => {
    // Unscoped and outside a transaction: read on every call.
    const [a, b] = [revisions(t.db), revisions(t.db)];
    expect(a).not.toBe(b);
    // Awaited: left running, a read could outlive the file's database (an unhandled rejection
    // "driver has already been destroyed" on a slow machine, seen in CI).
    await Promise.all([a, b]);
    const first = readScope(t.db);
    const before = await revisions(first);
    expect(revisions(first)).toBe(revisions(first));

    const cache = new ReferenceCache();
    let loads = 0;
    const get = (db: typeof t.db) => cache.get(db, 'k', async () => `load ${++loads}`);
    expect(await get(first)).toBe('load 1');
    expect(await get(first)).toBe('load 1');

    // Another process changes reference data: this scope keeps its revision (as a READ COMMITTED
    // transaction that read it would), the next scope loads afresh.
    await sql`update reference_revision set revision = gen_random_uuid()`.execute(t.db);
    expect((await revisions(first)).reference).toBe(before.reference);
    expect(await get(first)).toBe('load 1');
    const next = readScope(t.db);
    expect((await revisions(next)).reference).not.toBe(before.reference);
    expect(await get(next)).toBe('load 2');
    expect(await get(next)).toBe('load 2');
    expect(loads).toBe(2);
  });
});

describe('seedRevisions', () => {
  it('starts a transaction from revisions read just before it (with the session) and never replaces what it read itself', async () => {
    const seed = { calendar: 'c-seed', reference: 'r-seed', database: 'd' };
    await t.db.transaction().execute(async (trx) => {
      seedRevisions(trx, seed);
      expect(await revisions(trx)).toBe(seed);
    });
    await t.db.transaction().execute(async (trx) => {
      const own = await revisions(trx);
      seedRevisions(trx, seed);
      expect(await revisions(trx)).toBe(own);
    });
    // Outside a transaction there is nothing to seed: read as before.
    seedRevisions(t.db, seed);
    expect((await revisions(t.db)).reference).not.toBe('r-seed');
  });
});
