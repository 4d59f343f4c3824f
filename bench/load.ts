import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { getCalendar, type Calendar } from '../src/platform/calendar/calendar.ts';
import { createDb, type Db } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { armLadder, dueAfter, stepInstant } from '../src/platform/workflow/deadlines.ts';
import type { EscalationStep, ProcessDefinition } from '../src/platform/workflow/definition.ts';
import { ladderOf } from '../src/platform/workflow/tracking.ts';
import { listCategories } from '../src/modules/appeals/appeals.categories.ts';
import { resolveRoute } from '../src/modules/appeals/appeals.routing.ts';
import { appealProcessTemplate, buildAppealDefinition, rulesByCode, STANDARD_RULE } from '../src/modules/appeals/appeals.rules.ts';
import { isEmpty, seedDemo } from '../src/seed.ts';
import { ANSWER_KK, ANSWER_RU, REGIONS, TEXTS_KK, TEXTS_RU, territoriesOf } from './data.ts';
import { loadDirectory, type BenchDirectory } from './directory.ts';
import { APPEAL_SQL, CASE_SQL, CLOSED_DEADLINE_SQL, CLOSED_ESCALATION_SQL, ESCALATED_AT_SQL, historySql, STAGE_SQL } from './appeals-sql.ts';

/**
 * Loads the synthetic country into an empty database: migrations (for real), the demo seed
 * (logins, Karaganda's categories, the Open311 key), the directory of 20 regions, citizens, and
 * N appeals over two years with their workflow cases, history, deadlines and escalations.
 * Bulk SQL (generate_series, INSERT … SELECT) in one session; only the running deadlines of
 * open appeals go through the engine's own deadline arithmetic in JavaScript, so that their
 * ladders (and therefore the sweep) behave exactly as the engine's would.
 *
 * Not loaded: audit rows, notices and pg-boss jobs of the past, attachments (none of the
 * scenarios reads them; the register they would add to is noted in bench/README.md).
 */

export const HISTORY_DAYS = 730;

export interface LoadInfo {
  appeals: number;
  openAppeals: number;
  citizens: number;
  loadSeconds: number;
  loadedAt: Date;
  reused: boolean;
  phases: Record<string, number>;
}

const ANSWER_RUNNING = new Set(['registered', 'assigned', 'in_progress', 'awaiting_applicant']);

/** IIN check digit in SQL (weights 1..11, then 3..11,1,2; null when never issued). */
function iinCheckSql(col: string): string {
  const d = (i: number) => `substr(${col}, ${i}, 1)::int`;
  const s1 = Array.from({ length: 11 }, (_, i) => `${d(i + 1)} * ${i + 1}`).join(' + ');
  const s2 = Array.from({ length: 11 }, (_, i) => `${d(i + 1)} * ${i < 9 ? i + 3 : i - 8}`).join(' + ');
  return `case when (${s1}) % 11 <> 10 then (${s1}) % 11 when (${s2}) % 11 <> 10 then (${s2}) % 11 end`;
}

/** BENCH_EXPLAIN=1 prints the plan and timing of each bulk statement (EXPLAIN ANALYZE runs it). */
async function bulk(c: pg.Client, text: string, values: unknown[], log: (s: string) => void): Promise<void> {
  if (process.env.BENCH_EXPLAIN !== '1') {
    await c.query(text, values);
    return;
  }
  const r = await c.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers, wal) ${text}`, values);
  log(r.rows.map((x) => `      ${x['QUERY PLAN']}`).join('\n'));
}

async function timed<T>(phases: Record<string, number>, name: string, log: (s: string) => void, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const r = await fn();
  phases[name] = Math.round((performance.now() - t0) / 100) / 10;
  log(`  ${name}: ${phases[name]} s`);
  return r;
}

/** The tables the bulk load fills; their plain indexes are built once after it rather than row by row. */
const BULK_TABLES = ['appeal', 'workflow_case', 'workflow_history', 'workflow_deadline', 'workflow_escalation', 'person', 'account'];

/**
 * Drops the indexes of `tables` that back no constraint and returns their definitions (exactly
 * as migrations created them, from pg_get_indexdef) to be recreated after the load — the usual
 * bulk-load order (pg_restore does the same).
 */
async function dropIndexes(c: pg.Client, tables: string[]): Promise<{ name: string; def: string }[]> {
  const rows = (await c.query<{ name: string; def: string }>(
    `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
     from pg_index i join pg_class t on t.oid = i.indrelid
     where t.relname = any($1) and t.relnamespace = 'public'::regnamespace
       and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)`, [tables])).rows;
  for (const r of rows) await c.query(`drop index ${r.name}`);
  return rows;
}

/** Reads what an earlier load left, if this database holds one. */
async function findMeta(c: pg.Client): Promise<{ appeals: number; open_appeals: number; citizens: number; load_seconds: number; loaded_at: Date } | undefined> {
  const exists = (await c.query(`select to_regclass('bench_meta') is not null as e`)).rows[0] as { e: boolean };
  if (!exists.e) return undefined;
  return (await c.query('select * from bench_meta limit 1')).rows[0];
}

export async function loadData(url: string, opts: { appeals: number; log: (s: string) => void; closedHistory?: boolean }): Promise<LoadInfo> {
  const { log } = opts;
  const phases: Record<string, number> = {};
  const t0 = performance.now();
  const c = new pg.Client({ connectionString: url, application_name: 'ortak-bench-load' });
  await c.connect();
  const { db } = createDb(url, 4);
  const lanes: pg.Client[] = [];
  try {
    await timed(phases, 'migrations', log, () => migrate(url));
    const meta = await findMeta(c);
    if (meta) {
      log(`  reusing the data loaded earlier in this database (${meta.appeals} appeals)`);
      return { appeals: meta.appeals, openAppeals: meta.open_appeals, citizens: meta.citizens, loadSeconds: meta.load_seconds, loadedAt: meta.loaded_at, reused: true, phases };
    }
    if (!(await isEmpty(db))) throw new Error('the bench loads into an empty database (or one it loaded itself); this one holds other data');
    await dropWorkTables(c, true);
    await timed(phases, 'demo seed', log, () => seedDemo(db));
    // Session settings of the loader only: sorts and index builds in memory, and (as
    // pg_restore --disable-triggers does) no per-row foreign-key triggers for rows generated
    // consistent by construction. The server's settings, durability included, stay as they are.
    const c2 = new pg.Client({ connectionString: url, application_name: 'ortak-bench-load' });
    await c2.connect();
    lanes.push(c2);
    for (const x of [c, c2]) {
      await x.query(`set work_mem = '256MB'`);
      await x.query(`set maintenance_work_mem = '512MB'`);
    }
    const dropped = await dropIndexes(c, BULK_TABLES);
    for (const x of [c, c2]) {
      await x.query(`set session_replication_role = replica`).catch(() => log('  (not a superuser: foreign-key triggers stay on during the load)'));
    }
    const now = new Date();
    const dir = await timed(phases, 'directory (20 regions)', log, () => loadDirectory(c, now));
    const citizens = await timed(phases, 'citizens', log, () => loadCitizens(c, dir, Math.max(300, Math.round(opts.appeals * 0.3))));
    await timed(phases, 'routes and staging tables', log, () => prepare(c, db, dir));
    await timed(phases, 'appeal stories (staging)', log, async () => {
      await bulk(c, STAGE_SQL, [opts.appeals, now, HISTORY_DAYS, citizens.total, citizens.withAccount], log);
      await c.query('create index on bench_stage (case_id)');
      await c.query('analyze bench_stage');
    });
    const def = buildAppealDefinition(appealProcessTemplate(), await rulesByCode(db), STANDARD_RULE);
    const open = await timed(phases, 'running deadlines of open appeals (engine arithmetic)', log, () => openDeadlines(c, db, def, now));
    const d = (await c.query<{ id: string; version: number }>(
      `select id, version from workflow_definition where process_key = 'appeal' and region_code = '000000000' and organization_id is null and status = 'published'
       order by version desc limit 1`)).rows[0]!;
    await c.query(`create unlogged table bench_off as select region_code, slip_year::int as yr, max(slip_seq) as base from appeal group by 1, 2`);
    // Two lanes on two connections: the register and its deadlines; the cases and their history.
    await timed(phases, 'appeals, cases, history, deadlines (2 connections)', log, () => Promise.all([
      (async () => {
        await timed(phases, 'appeals', log, () => bulk(c, APPEAL_SQL, [TEXTS_RU, TEXTS_KK, ANSWER_RU, ANSWER_KK], log));
        await timed(phases, 'deadlines and escalations', log, async () => {
          await bulk(c, CLOSED_DEADLINE_SQL, [def.deadlines!.answer!.legalSource], log);
          await bulk(c, CLOSED_ESCALATION_SQL, [], log);
          await insertOpenDeadlines(c, open);
        });
      })(),
      (async () => {
        await timed(phases, 'workflow cases', log, () => bulk(c2, CASE_SQL, [d.id, d.version], log));
        await timed(phases, 'workflow history', log, () => bulk(c2, historySql(opts.closedHistory ?? true), [], log));
      })(),
    ]));
    await timed(phases, 'escalated_at mirror', log, () => bulk(c, ESCALATED_AT_SQL, [], log));
    for (const x of [c, c2]) await x.query(`reset session_replication_role`).catch(() => {});
    await dropWorkTables(c); // before the index builds: the staging table is as large as the register
    await timed(phases, `indexes rebuilt (${dropped.length}, 2 connections)`, log, () => Promise.all([c, c2].map(async (x, lane) => {
      for (const [i, ix] of dropped.entries()) if (i % 2 === lane) await x.query(ix.def);
    })));
    // The loader's sessions ran with triggers off: the reports' daily rollup (migration 0014) is
    // computed from the register once, as the migration's backfill does.
    await timed(phases, 'reports rollup', log, () => c.query('select appeal_report_rebuild()'));
    await timed(phases, 'slip sequences', log, async () => {
      const rows = (await c.query<{ region_code: string; slip_year: number; n: number }>('select region_code, slip_year, max(slip_seq)::int as n from appeal group by 1, 2')).rows;
      for (const r of rows) {
        await c.query('select appeal_next_slip($1, $2)', [r.region_code, r.slip_year]);
        await c.query(`select setval(format('appeal_slip_%s_%s', $1::text, $2::int)::regclass, $3::bigint)`, [r.region_code, r.slip_year, r.n]);
      }
    });
    const counts = (await c.query<{ n: number; open: number }>(`select count(*)::int as n, (count(*) filter (where closed_at is null))::int as open from appeal`)).rows[0]!;
    await timed(phases, 'vacuum analyze + checkpoint', log, async () => {
      await c.query('vacuum (analyze)');
      await c.query('checkpoint').catch(() => log('  (checkpoint needs a superuser: skipped)'));
    });
    const loadSeconds = Math.round((performance.now() - t0) / 100) / 10;
    await c.query('create table bench_meta (appeals int, open_appeals int, citizens int, load_seconds float8, loaded_at timestamptz)');
    await c.query('insert into bench_meta values ($1, $2, $3, $4, $5)', [counts.n, counts.open, citizens.total, loadSeconds, now]);
    return { appeals: counts.n, openAppeals: counts.open, citizens: citizens.total, loadSeconds, loadedAt: now, reused: false, phases };
  } finally {
    await c.end();
    for (const x of lanes) await x.end();
    await db.destroy();
  }
}

const WORK_TABLES = ['bench_stage', 'bench_open', 'bench_cit', 'bench_region', 'bench_exec', 'bench_execn', 'bench_wd', 'bench_next', 'bench_off'];

/**
 * The loader's work tables (unlogged, so that two connections can share them). `bench_pair` stays:
 * the scenarios file about the same (category, territory) pairs, already routed.
 */
async function dropWorkTables(c: pg.Client, all = false): Promise<void> {
  for (const t of [...WORK_TABLES, ...(all ? ['bench_pair'] : [])]) await c.query(`drop table if exists ${t}`);
}

/** Citizens with valid IINs (serials 6000+, clear of the demo's), 70 % with an account (login = IIN). */
async function loadCitizens(c: pg.Client, dir: BenchDirectory, wanted: number): Promise<{ total: number; withAccount: number }> {
  const withAccount = Math.round(wanted * 0.7);
  await c.query(`
    create unlogged table bench_cit as
    with raw as (
      select i, date '1950-01-01' + (i % 20000) as born, 6000 + i / 20000 as serial, i % 2 = 1 as female from generate_series(0, $1::int * 11 / 10) i
    ), f as (
      select raw.*, to_char(born, 'YYMMDD') || case when born < date '2000-01-01' then case when female then '4' else '3' end
        else case when female then '6' else '5' end end || lpad(serial::text, 4, '0') as first11 from raw
    ), v as (
      select f.*, ${iinCheckSql('first11')} as cd from f
    ), n as (
      select (row_number() over (order by i) - 1)::int as idx, v.* from v where cd is not null
    ), named as (
      select n.*, ($3::text[])[1 + idx % array_length($3::text[], 1)] as last_name, ($4::text[])[1 + (idx / 7) % array_length($4::text[], 1)] as first_name from n
    )
    select idx, gen_random_uuid() as person_id, case when idx < $2 then gen_random_uuid() end as account_id, first11 || cd as iin, born, female,
      last_name, first_name, last_name || ' ' || first_name as name,
      '+770' || lpad((10000000 + idx)::text, 8, '0') as phone, case when idx % 3 = 0 then 'c' || idx || '@example.kz' end as email,
      case when idx % 9 < 4 then 'kk' else 'ru' end as lang
    from named where idx < $1`, [wanted, withAccount, ['Сәрсенов', 'Иванова', 'Бекмұханов', 'Қасымова', 'Төлеуов', 'Гончаренко', 'Жақсылықова', 'Ким', 'Омарова', 'Нұрпейісов'],
    ['Нұрлан', 'Светлана', 'Тимур', 'Әсем', 'Ержан', 'Мария', 'Аружан', 'Виктор', 'Дана', 'Ильяс']]);
  await c.query('create unique index on bench_cit (idx)');
  await c.query(`insert into account (id, login, password_hash, kind, locale, created_at)
    select account_id, iin, $1, 'citizen', lang, now() - interval '1 year' from bench_cit where account_id is not null`, [dir.passwordHash]);
  await c.query(`insert into person (id, iin, last_name, first_name, birth_date, sex, phone, email, preferred_language, account_id, created_at, updated_at)
    select person_id, iin, last_name, first_name, born, case when female then 'female' else 'male' end, phone, email, lang, account_id, now() - interval '1 year', now() - interval '1 year'
    from bench_cit`);
  const total = (await c.query<{ n: number }>('select count(*)::int as n from bench_cit')).rows[0]!.n;
  return { total, withAccount: Math.min(withAccount, total) };
}

/**
 * Working-day tables (from the production calendar), regions with their weights, and the
 * (category, territory) pairs appeals are drawn from, each routed by the real routing rules.
 */
async function prepare(c: pg.Client, db: Db, dir: BenchDirectory): Promise<void> {
  await c.query(`create unlogged table bench_wd as
    select date, (row_number() over (order by date))::int as ord from calendar_day
    where region_code = '000000000' and kind in ('working', 'transferred_working_day')`);
  await c.query('create unique index on bench_wd (ord)');
  await c.query('create unique index on bench_wd (date)');
  await c.query(`create unlogged table bench_next as
    select d.date, (select w.ord from bench_wd w where w.date >= d.date order by w.date limit 1) as ord
    from calendar_day d where d.region_code = '000000000'`);
  await c.query('create unique index on bench_next (date)');

  const executors = new Map<string, { staffId: string; accountId: string }[]>();
  for (const s of dir.staff) if (s.role === 'executor') executors.set(s.organizationId, [...(executors.get(s.organizationId) ?? []), { staffId: s.staffId, accountId: s.accountId }]);
  const total = REGIONS.reduce((s, r) => s + r.weight, 0);
  let lo = 0;
  const regions: object[] = [];
  const pairs: object[] = [];
  for (const r of REGIONS) {
    const orgs = dir.orgs.get(r.code)!;
    const cc = orgs.get('cc')!;
    const akimat = orgs.get('akimat')!;
    const cats = (await listCategories(db, r.code)).filter((k) => k.isLeaf && k.isActive && !k.effective.isSecurityReport && k.code !== 'state_services.complaint');
    let n = 0;
    const asks = territoriesOf(r).filter((x) => x.weight > 0).flatMap((t) => cats.map((k) => ({ t, k })));
    const routes = await Promise.all(asks.map(({ t, k }) => resolveRoute(db, { categoryId: k.id, territoryCode: t.code, category: k })));
    asks.forEach(({ t, k }, i) => {
      const route = routes[i]!;
      const auto = !!route.organizationId && route.organizationId !== cc && executors.has(route.organizationId);
      // Copies in proportion to the territory's weight: the regional centre files most.
      for (let w = 0; w < Math.round(t.weight * 2); w++) {
        pairs.push({
          region_code: r.code, pair_no: n++, category_id: k.id, territory_code: t.code, org_id: auto ? route.organizationId : akimat, route_org: route.organizationId,
          is_auto: auto, lat: t.lat, lon: t.lon,
        });
      }
    });
    const operator = dir.staff.find((s) => s.regionCode === r.code && s.role === 'operator')!;
    const coordinator = dir.staff.find((s) => s.regionCode === r.code && s.role === 'coordinator')!;
    regions.push({ code: r.code, lo: lo / total, hi: r === REGIONS.at(-1) ? 1.000001 : (lo + r.weight) / total, npairs: n, cc_id: cc, operator_staff: operator.staffId, coord_acc: coordinator.accountId });
    lo += r.weight;
  }
  await c.query(`create unlogged table bench_region as select * from json_to_recordset($1::json) as x(code text, lo float8, hi float8, npairs int, cc_id uuid, operator_staff uuid, coord_acc uuid)`, [JSON.stringify(regions)]);
  await c.query(`create unlogged table bench_pair as select * from json_to_recordset($1::json) as x(region_code text, pair_no int, category_id uuid, territory_code text, org_id uuid, route_org uuid, is_auto boolean, lat float8, lon float8)`, [JSON.stringify(pairs)]);
  await c.query('create unique index on bench_pair (region_code, pair_no)');
  const ex = [...executors].flatMap(([org, list]) => list.map((e, k) => ({ org_id: org, k, staff_id: e.staffId, account_id: e.accountId })));
  await c.query(`create unlogged table bench_exec as select * from json_to_recordset($1::json) as x(org_id uuid, k int, staff_id uuid, account_id uuid)`, [JSON.stringify(ex)]);
  await c.query('create unique index on bench_exec (org_id, k)');
  await c.query('create unlogged table bench_execn as select org_id, count(*)::int as n from bench_exec group by 1');
  await c.query('analyze bench_wd; analyze bench_next; analyze bench_region; analyze bench_pair; analyze bench_exec; analyze bench_execn');
}

interface OpenDeadline {
  regionCode: string;
  id: string;
  caseId: string;
  scope: 'case' | 'state';
  key: string;
  state: string | null;
  amount: number;
  unit: string;
  legalSource: string;
  startedAt: Date;
  dueAt: Date;
  status: 'running' | 'paused';
  pausedAt: Date | null;
  nextStep: number;
  nextStepAt: Date | null;
  level: number;
  applied: { step: number; level: number; dueAt: Date; notify: string[]; effects: string[] }[];
}

/**
 * The running deadlines of every open appeal, computed as the engine would have: the legal term
 * from receipt (paused while awaiting the applicant), the state's own term, and each ladder armed
 * at the load instant — steps already past are recorded as applied, the next one waits in
 * `next_step_at` for the sweep. Results go to the temp table bench_open (read by the appeal and case
 * inserts); the deadline rows are returned for insertion once the cases exist.
 */
async function openDeadlines(c: pg.Client, db: Db, def: ProcessDefinition, now: Date): Promise<OpenDeadline[]> {
  const rows = (await c.query<{ region_code: string; case_id: string; state: string; received_at: Date; state_entered_at: Date }>(
    `select region_code, case_id, state, received_at, state_entered_at from bench_stage where closed_at is null`)).rows;
  const cals = new Map<string, Calendar>();
  for (const r of REGIONS) cals.set(r.code, await getCalendar(db, r.code));
  const out: OpenDeadline[] = [];
  const summary: { case_id: string; case_due: Date | null; state_due: Date | null; level: number; appeal_due: Date | null; deemed_at: Date | null; has_answer: boolean }[] = [];
  const answer = def.deadlines!.answer!;
  const answerLadder = ladderOf(def, 'case', 'answer');
  const applied = (ladder: readonly EscalationStep[], cal: Calendar, times: { startedAt: Date; dueAt: Date; unit: OpenDeadline['unit'] }, upTo: number) =>
    ladder.slice(0, upTo).map((s, step) => ({ step, level: s.level, dueAt: stepInstant(cal, s, times as never), notify: [...s.notify], effects: [...(s.effects ?? [])] }));
  for (const r of rows) {
    const cal = cals.get(r.region_code)!;
    let caseDue: Date | null = null;
    let stateDue: Date | null = null;
    let level = 0;
    let deemed: Date | null = null;
    const hasAnswer = ANSWER_RUNNING.has(r.state);
    if (hasAnswer) {
      const dueAt = dueAfter(cal, r.received_at, answer);
      const times = { startedAt: r.received_at, dueAt, unit: answer.unit };
      const paused = r.state === 'awaiting_applicant';
      const pos = armLadder(cal, answerLadder, times, paused ? r.state_entered_at : now);
      const steps = applied(answerLadder, cal, times, pos.nextStep);
      if (steps.some((s) => s.effects.includes('recordDeemedRefusal'))) deemed = dueAt;
      out.push({
        regionCode: r.region_code, id: randomUUID(), caseId: r.case_id, scope: 'case', key: 'answer', state: null, amount: answer.amount, unit: answer.unit,
        legalSource: answer.legalSource, startedAt: r.received_at, dueAt, status: paused ? 'paused' : 'running', pausedAt: paused ? r.state_entered_at : null,
        nextStep: pos.nextStep, nextStepAt: paused ? null : pos.nextStepAt, level: pos.level, applied: steps,
      });
      if (!paused) caseDue = dueAt;
      level = Math.max(level, pos.level);
    }
    const spec = def.states[r.state]?.deadline;
    if (spec) {
      const dueAt = dueAfter(cal, r.state_entered_at, spec);
      const times = { startedAt: r.state_entered_at, dueAt, unit: spec.unit };
      const ladder = ladderOf(def, 'state', r.state);
      let pos = armLadder(cal, ladder, times, now);
      // An answer whose confirmation window has just closed: its close-on-silence is due now.
      if (r.state === 'answered' && pos.nextStep > 0) pos = { nextStep: 0, nextStepAt: stepInstant(cal, ladder[0]!, times), level: 0 };
      out.push({
        regionCode: r.region_code, id: randomUUID(), caseId: r.case_id, scope: 'state', key: r.state, state: r.state, amount: spec.amount, unit: spec.unit,
        legalSource: spec.legalSource, startedAt: r.state_entered_at, dueAt, status: 'running', pausedAt: null,
        nextStep: pos.nextStep, nextStepAt: pos.nextStepAt, level: pos.level, applied: applied(ladder, cal, times, pos.nextStep),
      });
      stateDue = dueAt;
      level = Math.max(level, pos.level);
    }
    summary.push({ case_id: r.case_id, case_due: caseDue, state_due: stateDue, level, appeal_due: caseDue ?? stateDue, deemed_at: deemed, has_answer: hasAnswer });
  }
  await c.query('create unlogged table bench_open (case_id uuid primary key, case_due timestamptz, state_due timestamptz, level int, appeal_due timestamptz, deemed_at timestamptz, has_answer boolean)');
  for (let i = 0; i < summary.length; i += 5000) {
    await c.query(`insert into bench_open select * from json_to_recordset($1::json) as x(case_id uuid, case_due timestamptz, state_due timestamptz, level int, appeal_due timestamptz, deemed_at timestamptz, has_answer boolean)`,
      [JSON.stringify(summary.slice(i, i + 5000))]);
  }
  await c.query('analyze bench_open');
  return out;
}

async function insertOpenDeadlines(c: pg.Client, rows: OpenDeadline[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) {
    const chunk = rows.slice(i, i + 5000);
    await c.query(`insert into workflow_deadline (region_code, id, case_id, scope, deadline_key, state, amount, unit, legal_source, started_at, due_at, original_due_at,
        status, paused_at, next_step, next_step_at, level)
      select region_code, id, case_id, scope, deadline_key, state, amount, unit, legal_source, started_at, due_at, due_at, status, paused_at, next_step, next_step_at, level
      from json_to_recordset($1::json) as x(region_code text, id uuid, case_id uuid, scope text, deadline_key text, state text, amount int, unit text, legal_source text,
        started_at timestamptz, due_at timestamptz, status text, paused_at timestamptz, next_step int, next_step_at timestamptz, level int)`,
    [JSON.stringify(chunk.map((d) => ({
      region_code: d.regionCode, id: d.id, case_id: d.caseId, scope: d.scope, deadline_key: d.key, state: d.state, amount: d.amount, unit: d.unit, legal_source: d.legalSource,
      started_at: d.startedAt, due_at: d.dueAt, status: d.status, paused_at: d.pausedAt, next_step: d.nextStep, next_step_at: d.nextStepAt, level: d.level,
    })))]);
    const esc = chunk.flatMap((d) => d.applied.map((s) => ({
      region_code: d.regionCode, case_id: d.caseId, deadline_id: d.id, step_index: s.step, level: s.level, due_at: s.dueAt,
      applied_at: new Date(Math.min(s.dueAt.getTime() + 40_000, Date.now())), notify: `{${s.notify.join(',')}}`, effects: `{${s.effects.join(',')}}`,
    })));
    if (esc.length) {
      await c.query(`insert into workflow_escalation (region_code, case_id, deadline_id, generation, step_index, level, due_at, applied_at, notify, effects)
        select region_code, case_id, deadline_id, 1, step_index, level, due_at, applied_at, notify, effects
        from json_to_recordset($1::json) as x(region_code text, case_id uuid, deadline_id uuid, step_index int, level int, due_at timestamptz, applied_at timestamptz, notify text[], effects text[])`,
      [JSON.stringify(esc)]);
    }
  }
}

