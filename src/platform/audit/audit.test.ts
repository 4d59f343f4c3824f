import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/db.ts';
import type { Actor } from '../auth/actor.ts';
import { appendAudit, canonicalJson, sealAllAudit, sealAudit, verifyAudit } from './audit.ts';

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
const append = (regionCode: string, i: number) => t.db.transaction().execute((trx) => appendAudit(trx, entry(regionCode, i)));

describe('audit log', () => {
  it('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
  });

  it('appended rows are pending until sealed, then chained per region in order', async () => {
    for (let i = 1; i <= 5; i++) {
      await append('350000000', i);
      await append('710000000', i);
    }
    expect(await verifyAudit(t.db)).toEqual({ ok: true, regions: [], pending: 10 });
    expect(await sealAudit(t.db)).toBe(10);
    expect(await sealAudit(t.db)).toBe(0); // nothing more to do
    expect(await verifyAudit(t.db)).toEqual({
      ok: true,
      pending: 0,
      regions: [
        { regionCode: '350000000', rows: 5 },
        { regionCode: '710000000', rows: 5 },
      ],
    });
    const order = await t.db.selectFrom('auditSeal').innerJoin('auditLog', 'auditLog.id', 'auditSeal.logId')
      .select(['auditSeal.seq', 'auditLog.entityId']).where('auditSeal.regionCode', '=', '350000000').orderBy('auditSeal.seq').execute();
    expect(order.map((o) => o.entityId)).toEqual(['thing-1', 'thing-2', 'thing-3', 'thing-4', 'thing-5']);
  });

  it('later rows extend the chain from its head', async () => {
    await append('350000000', 6);
    await sealAllAudit(t.db);
    const r = await verifyAudit(t.db);
    expect(r.ok).toBe(true);
    expect(r.regions.find((x) => x.regionCode === '350000000')?.rows).toBe(6);
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
    expect((await verifyAudit(t.db)).pending).toBe(0);
  });

  it('refuses updates and deletes through the tables', async () => {
    await expect(sql`update audit_log set action = 'x'`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`update audit_seal set hash = 'x'`.execute(t.db)).rejects.toThrow(/append-only/);
  });

  it('writers never wait on each other, even while a region is being sealed', async () => {
    const a = await t.pool.connect();
    try {
      // Another process holds region 350's chain head (as a sealer does while it works)…
      await a.query('begin');
      await a.query(`select 1 from audit_chain where region_code = '350000000' for update`);
      // …writers to that very region still commit at once,
      await t.db.transaction().execute(async (trx) => {
        await sql`set local lock_timeout = '500ms'`.execute(trx);
        await appendAudit(trx, entry('350000000', 7));
      });
      // and a second sealer skips the busy region instead of queueing behind it.
      expect(await sealAudit(t.db)).toBe(0);
    } finally {
      await a.query('rollback');
      a.release();
    }
    expect(await sealAudit(t.db)).toBe(1);
  });

  it('verify names the first sealed row edited behind its back', async () => {
    // Someone with superuser rights disables the guard and edits a row.
    await sql`alter table audit_log disable trigger audit_log_no_update`.execute(t.db);
    await sql`update audit_log set data = jsonb_set(data, '{i}', '42') where region_code = '710000000' and entity_id = 'thing-3'`.execute(t.db);
    await sql`alter table audit_log enable trigger audit_log_no_update`.execute(t.db);
    const r = await verifyAudit(t.db);
    expect(r.ok).toBe(false);
    expect(r.firstBroken).toMatchObject({ regionCode: '710000000', seq: 3, reason: 'content does not match its hash' });
  });

  it('verify notices a deleted row', async () => {
    const fresh = await createTestDb();
    try {
      for (let i = 1; i <= 3; i++) await fresh.db.transaction().execute((trx) => appendAudit(trx, entry('350000000', i)));
      await sealAllAudit(fresh.db);
      await sql`alter table audit_log disable trigger audit_log_no_update`.execute(fresh.db);
      await sql`delete from audit_log where entity_id = 'thing-2'`.execute(fresh.db);
      const r = await verifyAudit(fresh.db);
      expect(r.firstBroken).toMatchObject({ regionCode: '350000000', seq: 2, reason: 'the audit row was deleted' });
    } finally {
      await fresh.close();
    }
  });

  it('snake_case keys inside data survive the round trip, so the hash still verifies', async () => {
    const fresh = await createTestDb();
    try {
      await fresh.db.transaction().execute((trx) =>
        appendAudit(trx, { ...entry('790000000', 1), data: { new_state: 'in_progress', nested: { due_at: 'x' } } }),
      );
      const row = await fresh.db.selectFrom('auditLog').select('data').where('regionCode', '=', '790000000').executeTakeFirstOrThrow();
      expect(row.data).toEqual({ new_state: 'in_progress', nested: { due_at: 'x' } });
      await sealAllAudit(fresh.db);
      expect(await verifyAudit(fresh.db)).toEqual({ ok: true, pending: 0, regions: [{ regionCode: '790000000', rows: 1 }] });
    } finally {
      await fresh.close();
    }
  });
});
