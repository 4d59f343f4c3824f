import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../../platform/db/database.ts';
import { executePrepared } from '../../../platform/db/prepared.ts';
import { WORK_STATES_SQL } from '../appeals.views.ts';
import type { Interval } from './reports.period.ts';

/**
 * SQL of the reports. Every query reads the cohort of one region and period — the appeals
 * registered (receipt day, APPC art. 64) from `from` to `to`: the summary from the daily rollup
 * of migration 0014 (see `summaryQuery`), the others through `appeal_report_ix` (region_code,
 * registered_on) INCLUDE (…): an index-only range scan, the wide rows never read.
 * Merged duplicates are left out everywhere (they follow their original's answer).
 *
 * Raw SQL without the CamelCasePlugin: the aliases are written as the TypeScript names.
 */

export const FIGURES = [
  'received', 'open', 'overdue', 'escalated', 'reopened', 'deemed_refusal',
  'answered', 'answered_on_time', 'answered_late', 'unanswered_past_term', 'ignored', 'rated', 'satisfied', 'dissatisfied',
] as const;
export type Figure = (typeof FIGURES)[number];

export interface Cohort {
  regionCode: string;
  from: string;
  to: string;
  now: Date;
  /** Null: every organization of the region. */
  organizationIds: string[] | null;
}

export interface Counts {
  received: number;
  open: number;
  overdue: number;
  escalated: number;
  reopened: number;
  deemedRefusals: number;
  answered: number;
  answeredOnTime: number;
  unansweredPastTerm: number;
  rated: number;
  ratingSum: number;
  satisfied: number;
  /** Σ working days from the receipt day to the answer, over `answerDaysCounted`. */
  answerDays: number;
  /** The answered with a count of working days (null when the calendar does not cover the span). */
  answerDaysCounted: number;
}

export interface SummaryRow extends Counts {
  /** 'organization': per organization; 'bucket': per time bucket; 'total': the whole cohort. */
  set: 'organization' | 'bucket' | 'total';
  organizationId: string | null;
  bucket: string | null;
}

const overdueSql = (now: Date) => sql<boolean>`(a.state in (${WORK_STATES_SQL}) and a.due_at < ${now})`;

/** The region, the receipt days of the period and the organizations, on the rows of `alias` (the register or the rollup). */
function periodWhere(c: Cohort, alias: 'a' | 'r'): RawBuilder<boolean> {
  const t = sql.raw(alias);
  const orgs = c.organizationIds === null ? sql`` : sql` and ${t}.organization_id = any (${c.organizationIds}::uuid[])`;
  return sql<boolean>`${t}.region_code = ${c.regionCode} and ${t}.registered_on between ${c.from}::date and ${c.to}::date${orgs}`;
}

function cohortWhere(c: Cohort): RawBuilder<boolean> {
  return sql<boolean>`${periodWhere(c, 'a')} and a.state <> 'merged'`;
}

/**
 * The figures per (organization, receipt day) of the cohort, then per organization, per bucket
 * and in total (grouping sets over a few hundred rows).
 *
 * Every figure but "overdue" (and its share of "unanswered past term") is kept per (region,
 * organization, receipt day) by the triggers of migration 0014: `appeal_report_day` holds what
 * the compaction job folded, `appeal_report_change` what changed since (both written in the
 * transactions of the changes, so never stale). "Overdue" depends on the clock: the appeals in work
 * past their due instant are read live through `appeal_overdue_ix` (few: the region's overdue
 * appeals, whatever their receipt day). The mirrored columns the rollup counts: `escalated_at`
 * (the first escalation step that reached the coordination centre), `answer_working_days`
 * (calendar.workingDaysBetween from the receipt to the latest answer; null when the calendar does
 * not cover the span, and such answers are left out of the average) and `answered_on_time` (no
 * deemed refusal recorded) — migration 0010.
 */
export function summaryQuery(c: Cohort, interval: Interval): RawBuilder<SummaryRow & { g: number }> {
  const kept = (table: string) => sql`
      select r.organization_id as org, r.registered_on as day, r.received, r.received - r.closed as open, 0 as overdue,
        r.escalated, r.reopened, r.deemed, r.answered, r.on_time, r.unanswered_deemed as past_term,
        r.rated, r.rating_sum, r.satisfied, r.answer_days, r.answer_days_n
      from ${sql.table(table)} r
      where ${periodWhere(c, 'r')}`;
  return sql<SummaryRow & { g: number }>`
    with s1 as (${kept('appeal_report_day')}
      union all ${kept('appeal_report_change')}
      union all
      select a.organization_id, a.registered_on, 0, 0, count(*), 0, 0, 0, 0, 0,
        count(*) filter (where a.answered_at is null and a.deemed_refusal_at is null), 0, 0, 0, 0, 0
      from appeal a
      where ${cohortWhere(c)} and ${overdueSql(c.now)}
      group by 1, 2
    ), s2 as (
      select s1.*, date_trunc(${interval}, s1.day::timestamp)::date as bucket from s1
    )
    select org as "organizationId", bucket::text as bucket, grouping(org, bucket)::int as g,
      coalesce(sum(received), 0)::int as received, coalesce(sum(open), 0)::int as open, coalesce(sum(overdue), 0)::int as overdue, coalesce(sum(escalated), 0)::int as escalated,
      coalesce(sum(reopened), 0)::int as reopened, coalesce(sum(deemed), 0)::int as "deemedRefusals", coalesce(sum(answered), 0)::int as answered,
      coalesce(sum(on_time), 0)::int as "answeredOnTime", coalesce(sum(past_term), 0)::int as "unansweredPastTerm", coalesce(sum(rated), 0)::int as rated,
      coalesce(sum(rating_sum), 0)::int as "ratingSum", coalesce(sum(satisfied), 0)::int as satisfied, coalesce(sum(answer_days), 0)::float8 as "answerDays",
      coalesce(sum(answer_days_n), 0)::int as "answerDaysCounted"
    from s2
    group by grouping sets ((org), (bucket), ())
    -- keys whose appeals all left them (reassigned, merged) fold to zeros: not a row of the report
    having coalesce(sum(received), 0) <> 0 or grouping(org, bucket) = 3`;
}

/** Folds the rollup's changes into it (migration 0014); returns how many change rows it folded. */
export async function compactReportChanges(db: Executor): Promise<number> {
  const r = await sql<{ n: number }>`select appeal_report_compact() as n`.execute(db);
  return r.rows[0]?.n ?? 0;
}

/**
 * Sent as a named statement (prepared.ts): planning it was ~40 % of its time (0.64 of 1.64 ms per
 * request at 1 M, `--pg-stats`), and its plan is one shape whatever the region and period — the
 * rollup's key range, `appeal_overdue_ix`'s range, a mixed aggregate over a few hundred rows. The
 * generic plan was that shape for 30 days, 1 year and 2 years and no slower (bench/README.md,
 * stop 20). Two texts: with and without an organization filter.
 */
export async function summaryRows(db: Executor, c: Cohort, interval: Interval): Promise<SummaryRow[]> {
  const plain = db.withoutPlugins();
  const rows = await executePrepared(plain, summaryQuery(c, interval).compile(plain));
  // grouping(org, bucket): 1 = bucket rolled up (per organization), 2 = org rolled up (per bucket), 3 = the total.
  return rows.map(({ g, ...row }) => ({ ...row, set: g === 1 ? 'organization' : g === 2 ? 'bucket' : 'total' }));
}

export interface IgnoringRow {
  organizationId: string;
  /** Null in the organization's own row. */
  assigneeId: string | null;
  isOrganization: boolean;
  received: number;
  open: number;
  overdue: number;
  deemedRefusals: number;
  ignored: number;
  answered: number;
  answeredOnTime: number;
  unansweredPastTerm: number;
}

/** Per organization and per official (assignee): overdue now, deemed refusals, and either ("ignored"). */
export function ignoringQuery(c: Cohort): RawBuilder<IgnoringRow & { g: number }> {
  return sql<IgnoringRow & { g: number }>`
    select a.organization_id as "organizationId", a.assignee_id as "assigneeId", grouping(a.assignee_id)::int as g,
      count(*)::int as received,
      (count(*) filter (where a.closed_at is null))::int as open,
      (count(*) filter (where ${overdueSql(c.now)}))::int as overdue,
      (count(*) filter (where a.deemed_refusal_at is not null))::int as "deemedRefusals",
      (count(*) filter (where a.deemed_refusal_at is not null or ${overdueSql(c.now)}))::int as ignored,
      (count(*) filter (where a.answered_at is not null))::int as answered,
      (count(*) filter (where a.answered_at is not null and a.deemed_refusal_at is null))::int as "answeredOnTime",
      (count(*) filter (where a.answered_at is null and (a.deemed_refusal_at is not null or ${overdueSql(c.now)})))::int as "unansweredPastTerm"
    from appeal a
    where ${cohortWhere(c)}
    group by grouping sets ((a.organization_id), (a.organization_id, a.assignee_id))`;
}

export async function ignoringRows(db: Executor, c: Cohort): Promise<IgnoringRow[]> {
  const r = await ignoringQuery(c).execute(db.withoutPlugins());
  return r.rows
    .map(({ g, ...row }) => ({ ...row, isOrganization: g === 1 }))
    // Appeals nobody has taken yet stay in their organization's row only.
    .filter((row) => row.isOrganization || row.assigneeId !== null);
}

export function figureSql(f: Figure, now: Date): RawBuilder<boolean> {
  const overdue = overdueSql(now);
  switch (f) {
    case 'received': return sql<boolean>`true`;
    case 'open': return sql<boolean>`a.closed_at is null`;
    case 'overdue': return overdue;
    case 'escalated': return sql<boolean>`a.escalated_at is not null`;
    case 'reopened': return sql<boolean>`a.reopen_count > 0`;
    case 'deemed_refusal': return sql<boolean>`a.deemed_refusal_at is not null`;
    case 'answered': return sql<boolean>`a.answered_at is not null`;
    case 'answered_on_time': return sql<boolean>`(a.answered_at is not null and a.answered_on_time)`;
    case 'answered_late': return sql<boolean>`(a.answered_at is not null and a.deemed_refusal_at is not null)`;
    case 'unanswered_past_term': return sql<boolean>`(a.answered_at is null and (a.deemed_refusal_at is not null or ${overdue}))`;
    case 'ignored': return sql<boolean>`(a.deemed_refusal_at is not null or ${overdue})`;
    case 'rated': return sql<boolean>`a.rating is not null`;
    case 'satisfied': return sql<boolean>`a.rating >= 4`;
    case 'dissatisfied': return sql<boolean>`a.rating <= 3`;
  }
}

export interface DrillRow {
  id: string;
  slipNumber: string;
  typeCode: string;
  categoryId: string;
  state: string;
  organizationId: string;
  assigneeId: string | null;
  territoryCode: string;
  registeredOn: string;
  receivedAt: Date;
  dueAt: Date | null;
  answeredAt: Date | null;
  closedAt: Date | null;
  deemedRefusalAt: Date | null;
  reopenCount: number;
  rating: number | null;
  isOverdue: boolean;
}

export interface DrillFilter extends Cohort {
  figure: Figure;
  assigneeId?: string | undefined;
  limit: number;
  offset: number;
}

/**
 * The appeals behind one figure, newest receipt day first.
 *
 * The page is picked by an index-only scan of `appeal_report_ix`: every filter column is in it,
 * and so is `case_id`, which names one appeal (`appeal_case_ix` leads from it to the row). Only
 * the page's rows are read from the heap, however many appeals of the period the figure passes
 * over. An appeal always has its case once registered (the intake sets it in its transaction);
 * should some have none (rows loaded from elsewhere), the count sees it and the page falls back
 * to reading the candidates' rows — for one organization through `appeal_org_ix`, bounding
 * `received_at` (the receipt day is never before the day received nor more than a fortnight
 * after it).
 */
export async function drillRows(db: Executor, f: DrillFilter): Promise<{ rows: DrillRow[]; total: number }> {
  const assignee = f.assigneeId ? sql` and a.assignee_id = ${f.assigneeId}::uuid` : sql``;
  const where = sql<boolean>`${cohortWhere(f)}${assignee} and ${figureSql(f.figure, f.now)}`;
  const count = await sql<{ n: number; orphans: number }>`
    select count(*)::int as n, (count(*) filter (where a.case_id is null))::int as orphans from appeal a where ${where}`.execute(db.withoutPlugins());
  const { n: total, orphans } = count.rows[0] ?? { n: 0, orphans: 0 };
  if (total === 0 || f.offset >= total) return { rows: [], total };
  const columns = sql`a.id, a.slip_number as "slipNumber", a.type_code as "typeCode", a.category_id as "categoryId", a.state,
    a.organization_id as "organizationId", a.assignee_id as "assigneeId", a.territory_code as "territoryCode",
    a.registered_on::text as "registeredOn", a.received_at as "receivedAt", a.due_at as "dueAt", a.answered_at as "answeredAt",
    a.closed_at as "closedAt", a.deemed_refusal_at as "deemedRefusalAt", a.reopen_count as "reopenCount", a.rating,
    ${overdueSql(f.now)} as "isOverdue"`;
  if (orphans === 0) {
    const rows = await sql<DrillRow>`
      with page as (
        select a.case_id, a.registered_on from appeal a
        where ${where}
        order by a.registered_on desc, a.case_id desc
        limit ${f.limit} offset ${f.offset}
      )
      select ${columns}
      from page p join appeal a on a.region_code = ${f.regionCode} and a.case_id = p.case_id
      order by p.registered_on desc, p.case_id desc`.execute(db.withoutPlugins());
    return { rows: rows.rows, total };
  }
  const one = f.organizationIds?.length === 1
    ? sql` and a.received_at >= ${new Date(Date.parse(`${f.from}T00:00:00Z`) - 16 * 86_400_000)} and a.received_at < ${new Date(Date.parse(`${f.to}T00:00:00Z`) + 2 * 86_400_000)}`
    : sql``;
  const rows = await sql<DrillRow>`
    select ${columns} from appeal a
    where ${where}${one}
    order by a.registered_on desc, a.case_id desc nulls last, a.id desc
    limit ${f.limit} offset ${f.offset}`.execute(db.withoutPlugins());
  return { rows: rows.rows, total };
}

// ---------------------------------------------------------------------------------------
// Public: only appeals whose applicants agreed, never security reports, never withdrawn,
// merged or unconsidered ones; no personal data selected at all.
// ---------------------------------------------------------------------------------------

/** Grid of the public area: ~333 m north–south; ~320 m east–west at 50° N (Karaganda). */
export const AREA_LAT_STEP = 0.003;
export const AREA_LON_STEP = 0.0045;

export interface PublicFilter {
  regionCode: string;
  from: string;
  to: string;
  timeZone: string;
  categoryIds?: string[] | undefined;
  status?: 'open' | 'closed' | undefined;
  /** minLon, minLat, maxLon, maxLat */
  bbox?: [number, number, number, number] | undefined;
  withAreaOnly?: boolean;
  limit: number;
  offset: number;
}

export interface PublicRow {
  id: string;
  typeCode: string;
  categoryId: string;
  territoryCode: string;
  state: string;
  organizationId: string;
  registeredOn: string;
  answeredOn: string | null;
  closedOn: string | null;
  areaLat: number | null;
  areaLon: number | null;
}

const HIDDEN_STATES = sql.join(['withdrawn', 'merged', 'not_considered'].map((s) => sql.lit(s)));

function publicWhere(f: PublicFilter): RawBuilder<boolean> {
  const parts = [sql`a.region_code = ${f.regionCode} and a.registered_on between ${f.from}::date and ${f.to}::date
    and a.is_public and not a.is_security_report and a.state not in (${HIDDEN_STATES})`];
  if (f.categoryIds?.length) parts.push(sql`a.category_id = any (${f.categoryIds}::uuid[])`);
  if (f.status === 'open') parts.push(sql`a.closed_at is null`);
  if (f.status === 'closed') parts.push(sql`a.closed_at is not null`);
  if (f.withAreaOnly) parts.push(sql`a.lat is not null`);
  if (f.bbox) {
    const [minLon, minLat, maxLon, maxLat] = f.bbox;
    parts.push(sql`a.lat between ${minLat} and ${maxLat} and a.lon between ${minLon} and ${maxLon}`);
  }
  return sql<boolean>`${sql.join(parts, sql` and `)}`;
}

export async function publicRows(db: Executor, f: PublicFilter): Promise<{ rows: PublicRow[]; total: number }> {
  const where = publicWhere(f);
  // The exact point never leaves the database: only the centre of its grid cell.
  const [rows, total] = await Promise.all([
    sql<PublicRow>`
      select a.id, a.type_code as "typeCode", a.category_id as "categoryId", a.territory_code as "territoryCode", a.state,
        a.organization_id as "organizationId", a.registered_on::text as "registeredOn",
        ((a.answered_at at time zone ${f.timeZone})::date)::text as "answeredOn",
        ((a.closed_at at time zone ${f.timeZone})::date)::text as "closedOn",
        round(((floor(a.lat / ${AREA_LAT_STEP}) + 0.5) * ${AREA_LAT_STEP})::numeric, 5)::float8 as "areaLat",
        round(((floor(a.lon / ${AREA_LON_STEP}) + 0.5) * ${AREA_LON_STEP})::numeric, 5)::float8 as "areaLon"
      from appeal a
      where ${where}
      order by a.registered_on desc, a.id desc
      limit ${f.limit} offset ${f.offset}`.execute(db.withoutPlugins()),
    sql<{ n: number }>`select count(*)::int as n from appeal a where ${where}`.execute(db.withoutPlugins()),
  ]);
  return { rows: rows.rows, total: total.rows[0]?.n ?? 0 };
}
