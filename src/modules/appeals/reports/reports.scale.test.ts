import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../../test/db.ts';
import { addDays } from './reports.period.ts';
import * as repo from './reports.repository.ts';

/**
 * The reports read an index or the rollup, never the wide appeal rows. Fills the register with N
 * appeals over two years in two regions (default 40 000, quick; REPORTS_SCALE=1000000 for the
 * measurement in README.md: half of them in Karaganda region, the density of 10 M appeals over 20
 * regions), and checks the plans (the summary: the daily rollup and the index of the appeals
 * overdue now; the rest: index-only scans), every figure against a count over the register.
 * Prints the execution times.
 */
const N = Number(process.env.REPORTS_SCALE ?? 40_000);
const REGION = '350000000';
const NOW = new Date('2026-06-15T05:00:00Z');
const TODAY = '2026-06-15';

let t: TestDb;

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Heap Fetches'?: number;
  'Shared Hit Blocks': number;
  'Shared Read Blocks': number;
  Plans?: PlanNode[];
}

function nodes(p: PlanNode): PlanNode[] {
  return [p, ...(p.Plans ?? []).flatMap(nodes)];
}

// Below ~500 000 appeals the whole table is a few thousand pages and the planner may rightly
// prefer a sequential or bitmap scan; there the test forbids both, which still proves what
// matters: the index covers every column the query reads (an index-only scan, no heap fetch).
const FORCE_INDEX = N < 500_000;

async function explain(q: RawBuilder<unknown>): Promise<{ plan: PlanNode; ms: number }> {
  return t.db.transaction().execute(async (trx) => {
    const db = trx.withoutPlugins();
    if (FORCE_INDEX) {
      await sql`set local enable_seqscan = off`.execute(db);
      await sql`set local enable_bitmapscan = off`.execute(db);
    }
    const r = await sql<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }>`explain (analyze, buffers, format json) ${q}`.execute(db);
    const out = r.rows[0]!['QUERY PLAN'][0];
    return { plan: out.Plan, ms: out['Execution Time'] };
  });
}

beforeAll(async () => {
  t = await createTestDb();
  const db = t.db.withoutPlugins();
  await sql`insert into appeal_category (id, region_code, path, code, name_kk, name_ru, name_en, created_at, updated_at)
    values ('00000000-0000-4000-8000-000000000001', '000000000', array['00000000-0000-4000-8000-000000000001'::uuid], 'scale', 'c', 'c', 'c', now(), now())`.execute(db);
  // Received uniformly over the two years before NOW; 40 organizations and 400 officials per
  // region; old appeals mostly answered (some late: deemed refusals), recent ones mostly open.
  await sql`
    insert into appeal (region_code, id, slip_number, slip_year, slip_seq, type_code, category_id, channel, lang, text, territory_code,
      lat, lon, is_public, received_at, registered_on, received_by_kind, process_key, case_id, state, organization_id, assignee_id,
      due_at, closed_at, answered_at, rating, reopen_count, deemed_refusal_at, created_at, updated_at)
    select r.region_code, gen_random_uuid(), 'S-' || g, 2026, g, 'complaint', '00000000-0000-4000-8000-000000000001', 'web', 'ru',
      repeat('Текст обращения жителя. ', 1 + g % 8), substr(r.region_code, 1, 2) || '1010000',
      49.8 + (g % 1000) / 10000.0, 73.1 + (g % 997) / 10000.0, g % 3 = 0,
      x.received_at, (x.received_at at time zone 'Asia/Almaty')::date, 'citizen', 'appeal', gen_random_uuid(), x.state,
      ('10000000-0000-4000-8000-' || lpad((g % 40)::text, 12, '0'))::uuid,
      case when x.state <> 'registered' then ('20000000-0000-4000-8000-' || lpad((g % 400)::text, 12, '0'))::uuid end,
      case when x.closed_at is null then x.due_at end, x.closed_at, x.answered_at,
      case when x.state = 'closed' and g % 10 < 7 then 1 + (g::bigint * 7) % 5 end,
      case when g % 20 = 1 then 1 else 0 end,
      case when x.answered_at > x.due_at or (x.answered_at is null and x.due_at < ${NOW} and x.state not in ('withdrawn')) then x.due_at end,
      x.received_at, x.received_at
    from generate_series(1, ${N}::int) g
    cross join lateral (select case when g % 2 = 0 then ${REGION} else '710000000' end as region_code) r
    cross join lateral (
      select ${NOW}::timestamptz - ((g::bigint * 7919) % 1000000) / 1000000.0 * interval '730 days' as received_at,
        ((g::bigint * 7919) % 1000000) / 1000000.0 * interval '730 days' as age) a0
    cross join lateral (
      select a0.received_at, a0.received_at + interval '21 days' as due_at, a0.age,
        case when a0.age > interval '40 days' then case when g % 100 < 90 then a0.received_at + ((g % 30) || ' days')::interval end
             else case when g % 100 < 40 then a0.received_at + ((g % 20) || ' days')::interval end end as answered_at) a1
    cross join lateral (
      select a1.received_at, a1.due_at,
        case when a1.answered_at <= ${NOW} then a1.answered_at end as answered_at,
        case when a1.answered_at <= ${NOW} then case when a1.age > interval '40 days' then 'closed' else 'answered' end
             when g % 100 = 95 then 'withdrawn' when g % 100 = 97 then 'registered' else 'in_progress' end as state,
        case when a1.answered_at <= ${NOW} and a1.age > interval '40 days' then a1.answered_at + interval '5 days'
             when g % 100 = 95 then a1.received_at + interval '1 day' end as closed_at) x`.execute(db);
  // The test cluster commits asynchronously: until the WAL writer has flushed the insert's commit,
  // VACUUM can neither set hint bits nor mark pages all-visible (nor while another test file's
  // transaction holds the horizon back), and an index-only scan would fetch every row from the
  // heap. Vacuum until the visibility map covers the table.
  for (let i = 0; i < 40; i++) {
    await sql`select pg_sleep(0.5)`.execute(db);
    await sql`vacuum analyze appeal`.execute(db);
    const v = await sql<{ pages: number; visible: number }>`select relpages as pages, relallvisible as visible from pg_class where relname = 'appeal'`.execute(db);
    if (v.rows[0]!.visible >= v.rows[0]!.pages) break;
  }
}, 3_600_000);

afterAll(async () => t?.close());

describe(`reports over ${N} appeals`, () => {
  const periods: [string, string, repo.Cohort['from']][] = [['30 days', 'day', addDays(TODAY, -29)], ['90 days', 'week', addDays(TODAY, -89)], ['365 days', 'week', addDays(TODAY, -364)]];
  const timings: string[] = [];

  afterAll(() => console.log(`reports over ${N} appeals (${N / 2} in the region${FORCE_INDEX ? '; index scans forced' : ''}), execution times:\n${timings.join('\n')}`));

  /** The summary's figures counted straight from the register (the definitions of README.md), per organization. */
  async function counted(c: repo.Cohort): Promise<Map<string, Record<string, number>>> {
    const r = await sql<Record<string, number> & { org: string }>`
      select a.organization_id as org, count(*)::int as received, (count(*) filter (where a.closed_at is null))::int as open,
        (count(*) filter (where a.state in ('registered', 'assigned', 'in_progress', 'awaiting_applicant', 'reopened') and a.due_at < ${c.now}))::int as overdue,
        (count(*) filter (where a.reopen_count > 0))::int as reopened, (count(*) filter (where a.deemed_refusal_at is not null))::int as "deemedRefusals",
        (count(*) filter (where a.answered_at is not null))::int as answered,
        (count(*) filter (where a.answered_at is not null and a.answered_on_time))::int as "answeredOnTime",
        (count(*) filter (where a.answered_at is null and (a.deemed_refusal_at is not null
          or (a.state in ('registered', 'assigned', 'in_progress', 'awaiting_applicant', 'reopened') and a.due_at < ${c.now}))))::int as "unansweredPastTerm",
        count(a.rating)::int as rated, coalesce(sum(a.rating), 0)::int as "ratingSum", (count(*) filter (where a.rating >= 4))::int as satisfied
      from appeal a
      where a.region_code = ${c.regionCode} and a.registered_on between ${c.from}::date and ${c.to}::date and a.state <> 'merged'
      group by 1`.execute(t.db.withoutPlugins());
    return new Map(r.rows.map(({ org, ...f }) => [org, f]));
  }

  const KEYS = ['received', 'open', 'overdue', 'reopened', 'deemedRefusals', 'answered', 'answeredOnTime', 'unansweredPastTerm', 'rated', 'ratingSum', 'satisfied'] as const;
  const pick = (r: repo.SummaryRow) => Object.fromEntries(KEYS.map((k) => [k, r[k]]));

  for (const [label, interval, from] of periods) {
    it(`summary, ${label}: the daily rollup and the overdue appeals' index, never the cohort's rows`, async () => {
      const cohort = { regionCode: REGION, from, to: TODAY, now: NOW, organizationIds: null };
      const q = repo.summaryQuery(cohort, interval as 'day' | 'week');
      const check = async (state: string) => {
        await explain(q); // warm
        const { plan, ms } = await explain(q);
        // The register is read only through the partial index of the appeals in work, by due
        // instant (the rollup's tables may be scanned whole: the change table is short).
        const register = nodes(plan).filter((n) => n['Relation Name'] === 'appeal');
        expect(register.map((n) => [n['Node Type'], n['Index Name']])).toEqual([['Index Only Scan', 'appeal_overdue_ix']]);
        const rows = await repo.summaryRows(t.db, cohort, interval as 'day' | 'week');
        const total = rows.find((r) => r.set === 'total')!;
        const orgSum = rows.filter((r) => r.set === 'organization').reduce((s, r) => s + r.received, 0);
        const bucketSum = rows.filter((r) => r.set === 'bucket').reduce((s, r) => s + r.received, 0);
        expect(orgSum).toBe(total.received);
        expect(bucketSum).toBe(total.received);
        expect(total.overdue).toBeGreaterThan(0);
        // Every figure equals the count over the register, per organization.
        const expected = await counted(cohort);
        const got = new Map(rows.filter((r) => r.set === 'organization').map((r) => [r.organizationId!, pick(r)]));
        expect(got).toEqual(expected);
        timings.push(`  ${label.padEnd(9)} cohort ${String(total.received).padStart(8)}  summary (${state}) ${ms.toFixed(1)} ms (${plan['Shared Hit Blocks'] + plan['Shared Read Blocks']} buffers)`);
      };
      // As loaded, the figures are all in the change rows; then folded into the rollup; then a
      // change after the fold (an appeal closed) is read from both.
      await check('changes');
      await repo.compactReportChanges(t.db);
      expect(Number((await sql<{ n: string }>`select count(*) as n from appeal_report_change`.execute(t.db.withoutPlugins())).rows[0]!.n)).toBe(0);
      await check('folded');
      await sql`update appeal set state = 'closed', closed_at = ${NOW}, answered_at = ${NOW}, rating = 5
        where region_code = ${REGION} and registered_on >= ${from}::date and state = 'in_progress' and id in (select id from appeal where region_code = ${REGION} and state = 'in_progress' limit 25)`.execute(t.db.withoutPlugins());
      await check('folded + changes');
      const ign = await explain(repo.ignoringQuery(cohort));
      timings.push(`  ${label.padEnd(9)} ignoring ${ign.ms.toFixed(1)} ms`);
    }, 600_000);
  }

  it('the list behind a figure gives the same appeals by the index path and by the fallback', async () => {
    const from = addDays(TODAY, -29);
    const org = (await sql<{ o: string }>`select organization_id as o from appeal where region_code = ${REGION} group by 1 order by 1 limit 1`.execute(t.db.withoutPlugins())).rows[0]!.o;
    const f = { regionCode: REGION, from, to: TODAY, now: NOW, organizationIds: [org], figure: 'overdue' as const, limit: 200, offset: 0 };
    const fast = await repo.drillRows(t.db, f);
    expect(fast.total).toBeGreaterThan(0);
    expect(fast.rows.length).toBe(Math.min(fast.total, 200));
    // An appeal without its case (loaded from elsewhere) sends the page down the fallback path.
    await sql`update appeal set case_id = null where region_code = ${REGION} and id = ${fast.rows[0]!.id}`.execute(t.db.withoutPlugins());
    try {
      const slow = await repo.drillRows(t.db, f);
      expect(slow.total).toBe(fast.total);
      if (fast.total <= 200) expect(new Set(slow.rows.map((r) => r.id))).toEqual(new Set(fast.rows.map((r) => r.id)));
    } finally {
      await sql`update appeal set case_id = gen_random_uuid() where region_code = ${REGION} and id = ${fast.rows[0]!.id}`.execute(t.db.withoutPlugins());
    }
  }, 600_000);

  it('the public list counts through its partial index', async () => {
    const { rows, total } = await repo.publicRows(t.db, { regionCode: REGION, from: addDays(TODAY, -89), to: TODAY, timeZone: 'Asia/Almaty', limit: 50, offset: 0 });
    expect(rows.length).toBeLessThanOrEqual(50);
    expect(total).toBeGreaterThan(0);
    const count = await explain(sql`select count(*) from appeal a where a.region_code = ${REGION} and a.registered_on between ${addDays(TODAY, -89)}::date and ${TODAY}::date
      and a.is_public and not a.is_security_report and a.state not in ('withdrawn', 'merged', 'not_considered')`);
    expect(nodes(count.plan).some((n) => n['Index Name'] === 'appeal_public_ix' && n['Node Type'] === 'Index Only Scan')).toBe(true);
    timings.push(`  public list, 90 days: count ${count.ms.toFixed(1)} ms`);
  }, 600_000);
});
