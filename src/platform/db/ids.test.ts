import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/db.ts';
import { newId } from './ids.ts';

/**
 * Time-ordered ids (ids.ts, migration 0015): version 7, the creation time in the first 48 bits,
 * so ids made later sort after ids made earlier — what keeps new index entries together.
 */

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t.close());

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const millis = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('time-ordered ids', () => {
  it('newId (the server) and uuid_v7() (column defaults) are version 7, carry the time they were made, and sort in time order', async () => {
    const before = Date.now();
    const early = [newId(), (await sql<{ id: string }>`select uuid_v7()::text as id`.execute(t.db)).rows[0]!.id];
    await new Promise((r) => setTimeout(r, 5));
    const late = [newId(), (await sql<{ id: string }>`select uuid_v7()::text as id`.execute(t.db)).rows[0]!.id];
    const after = Date.now();
    for (const id of [...early, ...late]) {
      expect(id).toMatch(V7);
      // The database's clock and this process's are the same machine's here.
      expect(millis(id)).toBeGreaterThanOrEqual(before - 1);
      expect(millis(id)).toBeLessThanOrEqual(after + 1);
    }
    for (const a of early) for (const b of late) expect(a < b, `${a} < ${b}`).toBe(true);
    // Distinct, with the random part intact.
    const many = new Set(Array.from({ length: 10_000 }, newId));
    expect(many.size).toBe(10_000);
    const sqlMany = (await sql<{ n: number; v7: number }>`select count(distinct id)::int as n, count(*) filter (where id::text ~ '^.{14}7')::int as v7 from (select uuid_v7() as id from generate_series(1, 10000)) s`.execute(t.db)).rows[0]!;
    expect(sqlMany).toEqual({ n: 10_000, v7: 10_000 });
  });

  it('the rows written on every intake and action get them: audit entries, workflow history, deadlines, escalations, workflow notices', async () => {
    const { rows } = await sql<{ t: string; d: string }>`
      select table_name as t, column_default as d from information_schema.columns
      where table_schema = 'public' and column_name = 'id'
        and table_name in ('audit_log', 'workflow_history', 'workflow_deadline', 'workflow_escalation', 'workflow_notice')
      order by table_name`.execute(t.db);
    expect(rows.map((r) => [r.t, r.d])).toEqual(
      ['audit_log', 'workflow_deadline', 'workflow_escalation', 'workflow_history', 'workflow_notice'].map((n) => [n, 'uuid_v7()']),
    );
  });
});
