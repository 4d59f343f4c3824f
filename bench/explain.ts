/**
 * EXPLAIN (ANALYZE, BUFFERS) of the queries behind the scenarios, on a database the bench
 * loaded, with the parameters the scenarios use (the busiest organization, the largest region,
 * the periods and windows of the scenarios). With --try-indexes, each proposed index is created
 * inside a transaction, the query explained again, and the transaction rolled back: the
 * proposal's effect measured, nothing changed.
 *
 *   npx tsx bench/explain.ts --data-dir .test-data/bench-1m [--try-indexes]
 *   DATABASE_URL=postgres://… npx tsx bench/explain.ts
 */
import { CompiledQuery, sql, type RawBuilder } from 'kysely';
import pg from 'pg';
import { getCalendar } from '../src/platform/calendar/calendar.ts';
import { createDb, type Db } from '../src/platform/db/database.ts';
import { dueDeadlinesQuery } from '../src/platform/workflow/sweep.ts';
import { summaryQuery } from '../src/modules/appeals/reports/reports.repository.ts';
import { resolvePeriod } from '../src/modules/appeals/reports/reports.period.ts';
import { WORK_STATES } from '../src/modules/appeals/appeals.views.ts';
import { openBenchDatabase } from './kept.ts';

interface Case {
  name: string;
  query: CompiledQuery;
  /** Indexes proposed for it (bench/README.md), tried with --try-indexes. */
  proposals?: string[];
}

async function explain(c: pg.Client, q: CompiledQuery): Promise<{ text: string; ms: number }> {
  // Twice: the first run warms the cache the way a running server's would be.
  await c.query(`explain (analyze, buffers, format text) ${q.sql}`, [...q.parameters]);
  const r = await c.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers, format text) ${q.sql}`, [...q.parameters]);
  const text = r.rows.map((x) => x['QUERY PLAN']).join('\n');
  const ms = Number(/Execution Time: ([\d.]+) ms/.exec(text)?.[1] ?? NaN);
  return { text, ms };
}

async function cases(db: Db): Promise<Case[]> {
  const now = new Date();
  const raw = db.withoutPlugins();
  const busiest = (await sql<{ regionCode: string; organizationId: string; n: number }>`
    select region_code as "regionCode", organization_id as "organizationId", count(*)::int as n from appeal
    where state in (${sql.join(WORK_STATES.map((s) => sql.lit(s)))}) group by 1, 2 order by 3 desc limit 1`.execute(raw)).rows[0]!;
  const region = (await sql<{ regionCode: string }>`select region_code as "regionCode" from appeal group by 1 order by count(*) desc limit 1`.execute(raw)).rows[0]!.regionCode;
  const work = sql.join(WORK_STATES.map((s) => sql.lit(s)));
  const compile = (b: RawBuilder<unknown>) => b.compile(raw);

  // listInbox (appeals.queries.ts): the organization's work list, most urgent first, and its count.
  const inboxPage = compile(sql`select a.*, a.extra::text as extra_text from appeal a
    where a.region_code = ${busiest.regionCode} and a.organization_id = ${busiest.organizationId}::uuid and a.state in (${work})
    order by a.due_at asc nulls last, a.received_at, a.id limit 50 offset 0`);
  const inboxCount = compile(sql`select count(*) as n from appeal a
    where a.region_code = ${busiest.regionCode} and a.organization_id = ${busiest.organizationId}::uuid and a.state in (${work})`);
  const inboxIndex = `create index bench_appeal_work_ix on appeal (region_code, organization_id, due_at, received_at, id) where state in (${WORK_STATES.map((s) => `'${s}'`).join(', ')})`;

  const cal = await getCalendar(db, region);
  const period = resolvePeriod({}, cal.localDate(now));
  const summary = summaryQuery({ regionCode: region, from: period.from, to: period.to, now, organizationIds: null }, period.interval).compile(raw);

  // listAppealsForApi (appeals.queries.ts), as Open311 GET requests.json asks: a region and a 7-day window.
  const to = new Date(now.getTime() - 20 * 86_400_000);
  const from = new Date(to.getTime() - 7 * 86_400_000);
  const open311 = compile(sql`select a.id, a.region_code, a.slip_number, a.type_code, a.category_id, a.state, a.organization_id, a.received_at,
    a.updated_at, a.due_at, a.territory_code, a.is_public, case when a.is_public then a.text end as text,
    case when a.is_public then a.answer_text end as answer_text, case when a.is_public then a.lat end as lat,
    case when a.is_public then a.lon end as lon from appeal a where a.region_code = ${region} and a.is_security_report = false
    and a.received_at >= ${from} and a.received_at <= ${to} order by a.received_at desc, a.id limit 1000`);

  const sweepAt = new Date(now.getTime() + 2 * 86_400_000);
  const sweep = dueDeadlinesQuery(db, sweepAt, undefined, 500).compile();
  return [
    { name: `inbox page (organization with ${busiest.n} appeals in work)`, query: inboxPage, proposals: [inboxIndex] },
    { name: 'inbox count', query: inboxCount, proposals: [inboxIndex] },
    { name: `coordination summary (region ${region}, ${period.from}..${period.to})`, query: summary },
    { name: `Open311 requests (region ${region}, 7 days)`, query: open311 },
    { name: 'sweep: due deadlines, first page', query: sweep },
  ];
}

async function main() {
  const args = process.argv.slice(2);
  const dirArg = args.indexOf('--data-dir');
  const tryIndexes = args.includes('--try-indexes');
  const { url, stop } = await openBenchDatabase(dirArg < 0 ? undefined : args[dirArg + 1]);
  const { db } = createDb(url, 2);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const n = (await c.query<{ n: string }>('select count(*) as n from appeal')).rows[0]!.n;
    console.log(`${n} appeals; ${(await c.query<{ v: string }>('select version() as v')).rows[0]!.v}\n`);
    for (const k of await cases(db)) {
      const before = await explain(c, k.query);
      console.log(`=== ${k.name}: ${before.ms} ms\n${before.text}\n`);
      if (tryIndexes) {
        for (const ddl of k.proposals ?? []) {
          await c.query('begin');
          try {
            await c.query(ddl);
            await c.query('analyze appeal');
            const after = await explain(c, k.query);
            console.log(`--- with: ${ddl}\n    ${before.ms} ms → ${after.ms} ms\n${after.text}\n`);
          } finally {
            await c.query('rollback');
          }
        }
      }
    }
  } finally {
    await c.end();
    await db.destroy();
    await stop();
  }
}

await main();
