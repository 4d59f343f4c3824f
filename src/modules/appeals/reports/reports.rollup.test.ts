import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, rollupDrift, type TestDb } from '../../../../test/db.ts';

/** The check every test database runs when it closes (test/db.ts) sees a rollup that disagrees with the register. */
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.close());

describe('the reports rollup check', () => {
  it('finds a key the register does not have, and a figure off by one', async () => {
    expect(await rollupDrift(t.pool)).toEqual([]);
    await t.pool.query(`insert into appeal_report_change (region_code, organization_id, registered_on, received, closed)
      values ('350000000', '10000000-0000-4000-8000-000000000001', '2026-01-05', 1, 1)`);
    const drift = await rollupDrift(t.pool);
    expect(drift).toEqual(['350000000 10000000-0000-4000-8000-000000000001 2026-01-05: (1,1,0,0,0,0,0,0,0,0,0,0,0) ≠ -']);
    // Folded, it is the same disagreement; taken back as a change row, none.
    await t.pool.query('select appeal_report_compact()');
    expect(await rollupDrift(t.pool)).toEqual(drift);
    await t.pool.query(`insert into appeal_report_change (region_code, organization_id, registered_on, received, closed)
      values ('350000000', '10000000-0000-4000-8000-000000000001', '2026-01-05', -1, -1)`);
    expect(await rollupDrift(t.pool)).toEqual([]);
  });
});
