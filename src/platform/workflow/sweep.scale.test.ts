import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/db.ts';
import { fixedClock } from '../clock.ts';
import { almaty, checkRole, exampleDefinition, REGION, staff } from './fixtures.test-support.ts';
import type { WorkflowDeps } from './hooks.ts';
import { listCases } from './queries.ts';
import { publishDefinition } from './registry.ts';
import { dueDeadlinesQuery, runSweep } from './sweep.ts';

/**
 * The sweep must not read the open cases whose next step lies in the future. Fills the tables
 * with OPEN cases (default 100 000; WORKFLOW_SCALE=1000000 for the full measurement in README)
 * of which DUE have a step due, and checks the plan and the buffers the sweep's query touches.
 */
const OPEN = Number(process.env.WORKFLOW_SCALE ?? 100_000);
const DUE = 300;
const NOW = almaty('2026-06-15T10:00');

let t: TestDb;
const noop = async () => {};
const deps: WorkflowDeps = {
  checkRole,
  hooks: { appeal: { effects: { handToHead: noop, forwardToCompetentBody: noop, noticeApplicantForwarded: noop, noticeApplicantExtended: noop, sendAnswer: noop } } },
};

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Actual Rows': number;
  'Shared Hit Blocks': number;
  'Shared Read Blocks': number;
  Plans?: PlanNode[];
}

async function explain(q: CompiledQuery): Promise<{ plan: PlanNode; ms: number }> {
  const res = await t.db.executeQuery<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }>(
    CompiledQuery.raw(`explain (analyze, buffers, format json) ${q.sql}`, [...q.parameters]),
  );
  // The plugin leaves the single column's name alone; its value is the JSON plan.
  const row = res.rows[0] as Record<string, unknown>;
  const v = Object.values(row)[0] as [{ Plan: PlanNode; 'Execution Time': number }];
  return { plan: v[0].Plan, ms: v[0]['Execution Time'] };
}

function nodes(p: PlanNode): PlanNode[] {
  return [p, ...(p.Plans ?? []).flatMap(nodes)];
}

beforeAll(async () => {
  t = await createTestDb();
  const def = await t.db.transaction().execute((trx) =>
    publishDefinition(trx, { body: exampleDefinition(), regionCode: REGION, actor: staff('service_designer'), at: almaty('2026-01-05T09:00') }),
  );
  const started = Date.now();
  // Cases spread over 17 regions; the first DUE of them have their reminder due before NOW,
  // the rest have it weeks ahead (or their ladder finished: next_step_at null).
  await sql`
    insert into workflow_case (region_code, id, definition_id, process_key, definition_version, subject_type, subject_id,
      state, state_entered_at, version, organization_id, received_at, started_at, due_at, next_due_at)
    select lpad((10 + (g % 17))::text, 2, '0') || '0000000', gen_random_uuid(), ${def.id}::uuid, 'appeal', 1, 'appeal', 'bulk-' || g,
      'in_progress', ${almaty('2026-06-01T10:00')}, 2, md5((g % 5000)::text)::uuid,
      ${almaty('2026-06-01T10:00')}, ${almaty('2026-06-01T10:00')}, ${almaty('2026-06-22T18:00')}, ${almaty('2026-06-22T18:00')}
    from generate_series(1, ${OPEN}) g`.execute(t.db);
  await sql`
    insert into workflow_deadline (region_code, id, case_id, scope, deadline_key, amount, unit, legal_source,
      started_at, due_at, original_due_at, status, next_step, next_step_at)
    select c.region_code, gen_random_uuid(), c.id, 'case', 'answer', 15, 'working_days', 'APPC RK',
      ${almaty('2026-05-25T10:00')}, ${almaty('2026-06-15T18:00')}, ${almaty('2026-06-15T18:00')}, 'running', 0,
      case when n <= ${DUE} then ${almaty('2026-06-10T10:00')}::timestamptz
           when n % 10 = 0 then null
           else ${almaty('2026-06-16T10:00')}::timestamptz + (n % 40) * interval '1 day' end
    from (select id, region_code, row_number() over () as n from workflow_case where subject_id like 'bulk-%') c`.execute(t.db);
  await sql`analyze workflow_case`.execute(t.db);
  await sql`analyze workflow_deadline`.execute(t.db);
  console.log(`[workflow scale] ${OPEN} open cases and deadlines inserted in ${Date.now() - started} ms`);
}, 600_000);
afterAll(async () => {
  await t?.close();
});

describe(`the sweep over ${OPEN} open cases`, () => {
  it('finds the due ones through the next-step index, touching a few pages only', async () => {
    const { plan, ms } = await explain(dueDeadlinesQuery(t.db, NOW, undefined, 500).compile());
    const all = nodes(plan);
    const scan = all.find((n) => n['Index Name'] === 'workflow_deadline_next_step_ix');
    expect(scan, JSON.stringify(plan)).toBeDefined();
    expect(all.some((n) => n['Node Type'] === 'Seq Scan')).toBe(false);
    expect(scan!['Actual Rows']).toBe(DUE);
    const buffers = all.reduce((s, n) => Math.max(s, n['Shared Hit Blocks'] + n['Shared Read Blocks']), 0);
    // A few pages of index and heap for DUE rows; a full read would be thousands of pages.
    expect(buffers).toBeLessThan(DUE + 50);
    console.log(`[workflow scale] due query: ${scan!['Node Type']} on ${scan!['Index Name']}, ${DUE} rows, ${buffers} buffers, ${ms.toFixed(2)} ms`);
    const empty = await explain(dueDeadlinesQuery(t.db, almaty('2026-06-01T10:00'), undefined, 500).compile());
    console.log(`[workflow scale] nothing due: ${nodes(empty.plan)[0]!['Actual Rows']} rows, ${empty.ms.toFixed(2)} ms`);
  });

  it('applies the due steps and leaves the rest unread', async () => {
    const clock = fixedClock(NOW);
    const started = performance.now();
    const r = await runSweep(t.db, clock, { hooks: deps.hooks! });
    const ms = performance.now() - started;
    expect(r).toMatchObject({ due: DUE, applied: DUE, failed: 0, busy: 0 });
    console.log(`[workflow scale] sweep applied ${r.applied} steps (${r.notices} notices) in ${ms.toFixed(0)} ms`);
    const again = performance.now();
    expect(await runSweep(t.db, clock, { hooks: deps.hooks! })).toMatchObject({ due: 0, applied: 0 });
    console.log(`[workflow scale] second sweep (nothing due) in ${(performance.now() - again).toFixed(1)} ms`);
  });

  it("lists one organization's cases by due instant through its index", async () => {
    const org = (await t.db.selectFrom('workflowCase').select(['organizationId', 'regionCode']).where('subjectId', '=', 'bulk-17').executeTakeFirstOrThrow());
    const q = t.db
      .selectFrom('workflowCase')
      .selectAll()
      .where('regionCode', '=', org.regionCode)
      .where('closedAt', 'is', null)
      .where('organizationId', 'in', [org.organizationId])
      .orderBy(sql`next_due_at asc nulls last`)
      .orderBy('id')
      .limit(51);
    const { plan, ms } = await explain(q.compile());
    expect(nodes(plan).some((n) => n['Index Name'] === 'workflow_case_org_due_ix')).toBe(true);
    console.log(`[workflow scale] organization work list: ${ms.toFixed(2)} ms`);
    const page = await listCases(t.db, { regionCode: org.regionCode, organizationIds: [org.organizationId], limit: 50 });
    expect(page.items.length).toBeGreaterThan(0);
  });
});
