import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/db.ts';
import { ReferenceCache } from './revision.ts';

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
