import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/db.ts';
import type { Actor } from '../auth/actor.ts';
import { appendAudit, canonicalJson, verifyAudit } from './audit.ts';

const actor: Actor = { kind: 'anonymous' };
let t: TestDb;
beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => t.close());

const entry = (regionCode: string, i: number) => ({
  regionCode,
  actor,
  action: 'test.changed',
  entityType: 'thing',
  entityId: `thing-${i}`,
  data: { i, nested: { b: 2, a: [1, 'x'] }, text: 'Қарағанды' },
  at: new Date(Date.UTC(2026, 2, 20, 10, 0, i)),
});

describe('audit log', () => {
  it('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
  });

  it('chains rows per region, and verify walks them', async () => {
    for (let i = 1; i <= 5; i++) {
      await t.db.transaction().execute((trx) => appendAudit(trx, entry('350000000', i)));
      await t.db.transaction().execute((trx) => appendAudit(trx, entry('710000000', i)));
    }
    const r = await verifyAudit(t.db);
    expect(r.ok).toBe(true);
    expect(r.regions).toEqual([
      { regionCode: '350000000', rows: 5 },
      { regionCode: '710000000', rows: 5 },
    ]);
  });

  it('a rolled-back change leaves no audit row', async () => {
    await expect(
      t.db.transaction().execute(async (trx) => {
        await appendAudit(trx, entry('350000000', 99));
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    const n = await t.db.selectFrom('auditLog').select(sql<number>`count(*)::int`.as('n')).where('entityId', '=', 'thing-99').executeTakeFirstOrThrow();
    expect(n.n).toBe(0);
    expect((await verifyAudit(t.db)).ok).toBe(true);
  });

  it('refuses updates and deletes through the table', async () => {
    await expect(sql`update audit_log set action = 'x' where seq = 1`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where seq = 1`.execute(t.db)).rejects.toThrow(/append-only/);
  });

  it('verify names the first row edited behind its back', async () => {
    // Someone with superuser rights disables the guard and edits a row.
    await sql`alter table audit_log disable trigger audit_log_no_update`.execute(t.db);
    await sql`update audit_log set data = jsonb_set(data, '{i}', '42') where region_code = '710000000' and seq = 3`.execute(t.db);
    await sql`alter table audit_log enable trigger audit_log_no_update`.execute(t.db);
    const r = await verifyAudit(t.db);
    expect(r.ok).toBe(false);
    expect(r.firstBroken).toMatchObject({ regionCode: '710000000', seq: 3, reason: 'content does not match its hash' });
  });

  it('writers in different regions do not wait on each other', async () => {
    // Hold region A's chain head in an open transaction; a write to region B must still commit.
    const a = await t.pool.connect();
    try {
      await a.query('begin');
      await a.query(`select 1 from audit_chain where region_code = '350000000' for update`);
      const started = Date.now();
      await t.db.transaction().execute(async (trx) => {
        await sql`set local lock_timeout = '2s'`.execute(trx);
        await appendAudit(trx, entry('750000000', 1));
      });
      expect(Date.now() - started).toBeLessThan(2000);
      // …while region A's writer does wait (lock_timeout proves it is blocked, not slow).
      await expect(
        t.db.transaction().execute(async (trx) => {
          await sql`set local lock_timeout = '200ms'`.execute(trx);
          await appendAudit(trx, entry('350000000', 100));
        }),
      ).rejects.toThrow(/lock timeout/);
    } finally {
      await a.query('rollback');
      a.release();
    }
  });
});

describe('audit data keys', () => {
  it('snake_case keys inside data survive the round trip, so the hash still verifies', async () => {
    const fresh = await createTestDb();
    try {
      await fresh.db.transaction().execute((trx) =>
        appendAudit(trx, { ...entry('790000000', 1), data: { new_state: 'in_progress', nested: { due_at: 'x' } } }),
      );
      const row = await fresh.db.selectFrom('auditLog').select('data').where('regionCode', '=', '790000000').executeTakeFirstOrThrow();
      expect(row.data).toEqual({ new_state: 'in_progress', nested: { due_at: 'x' } });
      expect(await verifyAudit(fresh.db)).toEqual({ ok: true, regions: [{ regionCode: '790000000', rows: 1 }] });
    } finally {
      await fresh.close();
    }
  });
});
