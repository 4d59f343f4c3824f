/**
 * The write floor of an intake and of a lifecycle: PostgreSQL alone — pgbench, no application
 * server — writing exactly the rows that one intake writes, copied from intakes the bench's
 * `intake` scenario made in the same database (and, for `lifecycle`, those of the three steps
 * after it). What it reaches per second is an upper bound for the intake and lifecycle scenarios
 * on the same machine: the server's own CPU, the reads (session, duplicate search, lookups) and
 * the background work each write causes (the audit sealer, the e-mail and SMS deliveries) all
 * come on top of it. Variants leave parts of the write set out, to show what each part costs.
 * `npm run bench` runs `full` and `lifecycle` after its scenarios (write_floor, ratio_to_floor).
 *
 *   npx tsx bench/floor.ts --data-dir <dir> [--seconds 10] [--clients 8] [--only full,no-jobs,setwise-50,lifecycle,lifecycle-no-jobs,…]
 *   DATABASE_URL=… npx tsx bench/floor.ts
 *
 * It INSERTS into the register's tables (appeals with slips `FL-…`, their cases, notices…): run it
 * on a copy of a bench data directory, never on a database anyone uses. It refuses a database
 * without the bench's `bench_meta` table, and one where no intake ran yet (no templates). The
 * templates stay in schema `floor`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openBenchDatabase } from './kept.ts';
import { runPgbench, runPgbenchScript } from './pgbench.ts';

/** The tables of an intake's write set, in the order the server writes them. */
type Part = 'idempotency' | 'appeal' | 'case' | 'history' | 'deadlines' | 'audit' | 'notice' | 'deliveries' | 'inbox' | 'attempts' | 'jobs';
const ALL: Part[] = ['idempotency', 'appeal', 'case', 'history', 'deadlines', 'audit', 'notice', 'deliveries', 'inbox', 'attempts', 'jobs'];

export const VARIANTS: Record<string, Part[]> = {
  // Every row an intake writes, in one transaction, statement by statement.
  full: ALL,
  // Without the pg-boss job per e-mail or SMS delivery (what a delivery row serving as its own queue would save).
  'no-jobs': ALL.filter((p) => p !== 'jobs'),
  // Without the audit rows and their sealing queue.
  'no-audit': ALL.filter((p) => p !== 'audit'),
  // The register's own rows only: the appeal, its case, history and deadlines (no notices, audit, jobs, idempotency).
  register: ['appeal', 'case', 'history', 'deadlines'],
  // The appeal row alone (16 indexes and the reports' rollup trigger).
  appeal: ['appeal'],
};

/**
 * The full write set of `size` intakes per transaction, every statement writing all of them at
 * once: PostgreSQL's own rate for registering appeals set-wise (as the sweep applies due
 * deadlines), the floor of a registration that accepted appeals first and registered them behind.
 */
export const SETWISE: Record<string, number> = { 'setwise-10': 10, 'setwise-50': 50 };

/**
 * A whole lifecycle (the intake, then accept, answer and confirmation, a transaction each), in
 * full and without the pg-boss jobs of its e-mail and SMS deliveries (the intake's and the
 * answer's): what a delivery row serving as its own queue would save at most on the request side
 * (the worker's updates of those jobs are not part of a floor).
 */
export const LIFECYCLES: Record<string, Part[]> = { lifecycle: ALL, 'lifecycle-no-jobs': ALL.filter((p) => p !== 'jobs') };
const NOTICE_PARTS: Part[] = ['notice', 'deliveries', 'inbox', 'attempts', 'jobs'];

const TEMPLATES = 200;

/** Template rows in schema `floor`, one set per intake n = 1..TEMPLATES. */
const SETUP = `
drop schema if exists floor cascade;
create schema floor;
create table floor.appeal as
  select row_number() over (order by a.received_at desc, a.id)::int as n, a.* from appeal a
  -- Appeals as an intake left them: its slip notice written, nothing done since.
  where exists (select 1 from notice x where x.region_code = a.region_code and x.about_type = 'appeal'
                  and x.about_id = a.id::text and x.template = 'appeals:notice.slip_issued')
    and a.slip_number not like 'FL-%' and a.answered_at is null and a.closed_at is null and a.escalated_at is null and a.original_id is null
    and not exists (select 1 from workflow_history h where h.region_code = a.region_code and h.case_id = a.case_id and h.at > a.received_at)
  order by a.received_at desc, a.id limit ${TEMPLATES};
create table floor.case as select t.n, c.* from floor.appeal t join workflow_case c on c.region_code = t.region_code and c.id = t.case_id;
create table floor.history as select t.n, h.* from floor.appeal t join workflow_history h
  on h.region_code = t.region_code and h.case_id = t.case_id and h.at = t.received_at;
create table floor.deadlines as select t.n, d.* from floor.appeal t join workflow_deadline d
  on d.region_code = t.region_code and d.case_id = t.case_id and d.started_at = t.received_at;
create table floor.audit as select t.n, l.* from floor.appeal t join audit_log l
  on l.region_code = t.region_code and l.entity_id in (t.id::text, t.case_id::text) and l.at = t.received_at;
create table floor.notice as select t.n, x.* from floor.appeal t join notice x
  on x.region_code = t.region_code and x.about_type = 'appeal' and x.about_id = t.id::text and x.template = 'appeals:notice.slip_issued';
create table floor.deliveries as select t.n, d.* from floor.notice t join notice_delivery d on d.region_code = t.region_code and d.notice_id = t.id;
create table floor.inbox as select t.n, m.* from floor.notice t join inbox_message m on m.region_code = t.region_code and m.notice_id = t.id;
-- The attempts written with the notice (the inbox's); the worker's come later, with the delivery.
create table floor.attempts as select t.n, a.* from floor.notice t join notice_attempt a
  on a.region_code = t.region_code and a.notice_id = t.id and a.channel = 'inbox';
-- One pg-boss job per e-mail or SMS delivery, as enqueued (state created).
create table floor.jobs as select d.n, j.name, j.data, j.priority, j.retry_limit, j.retry_delay, j.retry_backoff,
    j.expire_in, j.keep_until - j.created_on as keep, j.dead_letter, j.policy
  from floor.deliveries d
  cross join lateral (select * from pgboss.job where name = 'notify.deliver' limit 1) j
  where d.channel <> 'inbox';
`;

async function columns(c: pg.Client, table: string, schema = 'public'): Promise<string[]> {
  const r = await c.query<{ c: string }>(
    `select column_name as c from information_schema.columns where table_schema = $1 and table_name = $2
       and is_generated = 'NEVER' and identity_generation is null order by ordinal_position`, [schema, table]);
  return r.rows.map((x) => x.c);
}

/**
 * How a script names the intake it writes: one intake per transaction (template `:n`, new ids in
 * pgbench variables), or `size` intakes per transaction written set-wise — every statement writes
 * the rows of all of them at once, intake g (1..size) copying template `(:n + g) % count + 1`,
 * with ids derived from a per-transaction random `:base` and g.
 */
interface Keys {
  aid: string;
  cid: string;
  nid: string;
  ikey: string;
  /** The template number. */
  n: string;
  /** Joined to a template table (`from floor.x<join> where n = …`). */
  join: string;
  /** The FROM of a statement that reads no template. */
  from: string;
  size: number;
}

const ONE: Keys = { aid: ':aid::uuid', cid: ':cid::uuid', nid: ':nid::uuid', ikey: ':ikey::text', n: ':n', join: '', from: '', size: 1 };

function setwise(size: number, count: number): Keys {
  const id = (tag: string) => `md5(:base::text || '${tag}' || g)::uuid`;
  const series = `generate_series(1, ${size}) as g`;
  return { aid: id('a'), cid: id('c'), nid: id('n'), ikey: `md5(:base::text || 'k' || g)`, n: `(:n + g) % ${count} + 1`, join: ` cross join ${series}`, from: ` from ${series}`, size };
}

/** `insert into <table> (cols) select <col or its replacement> from floor.<tpl> where n = :n` */
async function copyStatement(c: pg.Client, table: string, tpl: string, replace: Record<string, string>, tail = '', k: Keys = ONE): Promise<string> {
  const cols = (await columns(c, table)).filter((x) => replace[x] !== 'default');
  const q = (x: string) => `"${x}"`;
  return `insert into ${table} (${cols.map(q).join(', ')}) select ${cols.map((x) => replace[x] ?? q(x)).join(', ')} from floor.${tpl}${k.join} where n = ${k.n}${tail};`;
}

/**
 * A script's opening: a template drawn, the transaction begun, `extra` statements, and the new
 * ids (appeal, case, notice, idempotency key) in pgbench variables.
 */
async function templateCount(c: pg.Client): Promise<number> {
  // The templates are numbered 1..count (fewer than TEMPLATES when fewer intakes were made).
  return Number((await c.query<{ n: string }>('select count(*) as n from floor.appeal')).rows[0]!.n);
}

async function opening(c: pg.Client, extra: string[] = [], k: Keys = ONE): Promise<string[]> {
  return [
    `\\set n random(1, ${await templateCount(c)})`,
    'begin;',
    ...extra,
    k === ONE
      ? `select gen_random_uuid() as aid, gen_random_uuid() as cid, gen_random_uuid() as nid, gen_random_uuid()::text as ikey \\gset`
      : `select md5(random()::text || clock_timestamp()::text) as base \\gset`,
  ];
}

/** The pgbench script of one intake's writes (the parts given), one transaction; with `size`, that many intakes' written set-wise. */
export async function floorScript(c: pg.Client, parts: Part[], size = 1): Promise<string> {
  const k = size === 1 ? ONE : setwise(size, await templateCount(c));
  return [...(await opening(c, [], k)), ...(await partStatements(c, parts, k)), 'commit;'].join('\n') + '\n';
}

/** The statements writing the given parts of an intake (of `k.size` intakes), in the server's order. */
async function partStatements(c: pg.Client, parts: Part[], k: Keys = ONE): Promise<string[]> {
  const has = (p: Part) => parts.includes(p);
  const copy = (table: string, tpl: string, replace: Record<string, string>) => copyStatement(c, table, tpl, replace, '', k);
  const lines: string[] = [];
  if (has('idempotency')) lines.push(`insert into idempotency_key (scope, key, request_hash, status_code, response, created_at, expires_at) select 'floor', ${k.ikey}, md5(${k.ikey}), 0, '', now(), now() + interval '1 day'${k.from};`);
  if (has('appeal')) lines.push(await copy('appeal', 'appeal', { id: k.aid, case_id: k.cid, slip_number: `'FL-' || ${k.aid}::text`, received_at: 'now()', created_at: 'now()', updated_at: 'now()' }));
  if (has('case')) lines.push(await copy('workflow_case', 'case', { id: k.cid, subject_id: `${k.aid}::text` }));
  if (has('history')) lines.push(await copy('workflow_history', 'history', { id: 'uuid_v7()', case_id: k.cid }));
  if (has('deadlines')) lines.push(await copy('workflow_deadline', 'deadlines', { id: 'uuid_v7()', case_id: k.cid }));
  if (has('audit')) {
    const ins = await copy('audit_log', 'audit', { id: 'default', pos: 'default', at: 'now()', entity_id: `case when entity_type = 'appeal' then ${k.aid}::text else ${k.cid}::text end` });
    lines.push(`with ins as (${ins.slice(0, -1)} returning region_code, id) insert into audit_pending (region_code, log_id) select region_code, id from ins;`);
  }
  if (has('notice')) lines.push(await copy('notice', 'notice', { id: k.nid, about_id: `${k.aid}::text`, dedupe_key: `'floor:' || ${k.nid}::text`, created_at: 'now()' }));
  if (has('deliveries')) lines.push(await copy('notice_delivery', 'deliveries', { notice_id: k.nid, status: `case when channel = 'inbox' then status else 'pending' end`, attempts: `case when channel = 'inbox' then attempts else 0 end`, adapter: `case when channel = 'inbox' then adapter end`, delivered_at: `case when channel = 'inbox' then now() end`, provider_id: 'null', updated_at: 'now()' }));
  if (has('inbox')) lines.push(await copy('inbox_message', 'inbox', { notice_id: k.nid, about_id: `${k.aid}::text`, created_at: 'now()', delivered_at: 'now()', read_at: 'null' }));
  if (has('attempts')) lines.push(await copy('notice_attempt', 'attempts', { notice_id: k.nid, at: 'now()' }));
  if (has('jobs')) {
    lines.push(`insert into pgboss.job (id, name, data, priority, start_after, retry_limit, retry_delay, retry_backoff, expire_in, keep_until, dead_letter, policy)
  select gen_random_uuid(), name, jsonb_set(data, '{noticeId}', to_jsonb(${k.nid}::text)), priority, now(), retry_limit, retry_delay, retry_backoff, expire_in, now() + keep, dead_letter, policy from floor.jobs${k.join} where n = ${k.n};`.replace(/\n\s*/g, ' '));
  }
  if (has('idempotency')) {
    lines.push(`update idempotency_key set status_code = 201, response = (select row_to_json(a)::text from floor.appeal a where a.n = ${k.n})${k.from} where scope = 'floor' and key = ${k.ikey};`);
  }
  return lines;
}

/**
 * A full lifecycle's writes: the intake's transaction, then the executor's accept and answer and
 * the citizen's confirmation with a rating, a transaction each, as the server writes them — the
 * appeal row and its case updated (every step changes the state, so no update is HOT), a history
 * row and an audit entry per step, the answer term met and the answered state's term started and
 * then met, and the answer's notice with its deliveries, inbox message, attempt and job.
 */
export async function lifecycleScript(c: pg.Client, parts: Part[] = ALL): Promise<string> {
  const key = `region_code = :rc::text and id = :aid::uuid`;
  const caseKey = `region_code = :rc::text and id = :cid::uuid`;
  const step = async (seq: number, action: string, from: string, to: string, appealSet: string, caseSet: string, extra: string[]) => [
    'begin;',
    `update appeal set state = '${to}', ${appealSet}updated_at = now() where ${key};`,
    `update workflow_case set state = '${to}', state_entered_at = now(), version = version + 1${caseSet} where ${caseKey};`,
    (await copyStatement(c, 'workflow_history', 'history', { id: 'uuid_v7()', case_id: ':cid::uuid', seq: String(seq), at: 'now()', action: `'${action}'`, from_state: `'${from}'`, to_state: `'${to}'` }, ' and seq = 1')),
    ...extra,
    `with ins as (${(await copyStatement(c, 'audit_log', 'audit', { id: 'default', pos: 'default', at: 'now()', entity_id: ':cid::text', action: `'workflow.action'` }, ` and entity_type = 'workflow_case' limit 1`)).slice(0, -1)} returning region_code, id) insert into audit_pending (region_code, log_id) select region_code, id from ins;`,
    'commit;',
  ];
  const noticeParts = await partStatements(c, NOTICE_PARTS.filter((p) => parts.includes(p)));
  const lines = [
    ...(await opening(c, [`select region_code as rc from floor.appeal where n = :n \\gset`])),
    ...(await partStatements(c, parts)),
    'commit;',
    `select gen_random_uuid() as nid \\gset`,
    ...(await step(10, 'accept', 'assigned', 'in_progress', '', '', [])),
    ...(await step(11, 'answer', 'in_progress', 'answered',
      `answer_text = (select text from floor.appeal where n = :n), answer_decision = 'explained', answered_at = now(), answered_by = 'floor', answer_working_days = 1, answered_on_time = true, `,
      ', due_at = null, next_due_at = now() + interval \'5 days\'', [
        `update workflow_deadline set status = 'met', ended_at = now(), next_step_at = null where region_code = :rc::text and case_id = :cid::uuid and scope = 'case';`,
        await copyStatement(c, 'workflow_deadline', 'deadlines', { id: 'uuid_v7()', case_id: ':cid::uuid', deadline_key: `'answered'`, state: `'answered'`, started_at: 'now()', status: `'running'` }, ` and scope = 'state' limit 1`),
        ...noticeParts,
      ])),
    ...(await step(12, 'confirm', 'answered', 'closed', `closed_at = now(), verdict = 'confirmed', rating = 5, verdict_at = now(), `, ', closed_at = now(), next_due_at = null',
      [`update workflow_deadline set status = 'met', ended_at = now(), next_step_at = null where region_code = :rc::text and case_id = :cid::uuid and status = 'running';`])),
  ];
  return lines.join('\n') + '\n';
}

export interface FloorResult {
  variant: string;
  /** Intakes' (for `lifecycle`, full lifecycles') write sets per second: pgbench's transactions, one per script. */
  tps: number;
  latency_ms: number | null;
  statements: number;
  /** Rows written per intake (per lifecycle); an update counts as one. */
  rows_per_op: number;
  /** To the single-row pgbench baseline measured just before (as `ratio_to_pgbench` in the bench's report). */
  ratio_to_pgbench: number;
  /** Intakes one transaction writes: 1, or the set-wise variants' size (SETWISE). */
  intakes_per_transaction: number;
}

export async function runFloor(url: string, opts: { clients: number; seconds: number; only?: string[]; log?: (s: string) => void; baselineTps?: number }): Promise<FloorResult[]> {
  const log = opts.log ?? (() => {});
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    if (!(await c.query(`select to_regclass('bench_meta') as t`)).rows[0].t) throw new Error('not a bench database (no bench_meta): floor.ts writes into the register and runs only on the bench\'s own data');
    await c.query(SETUP);
    const counts = (await c.query<Record<string, string>>(
      `select (select count(*) from floor.appeal) as appeal, (select count(*) from floor.case) as "case", (select count(*) from floor.history) as history,
         (select count(*) from floor.deadlines) as deadlines, (select count(*) from floor.audit) as audit, (select count(*) from floor.notice) as notice,
         (select count(*) from floor.deliveries) as deliveries, (select count(*) from floor.inbox) as inbox, (select count(*) from floor.attempts) as attempts,
         (select count(*) from floor.jobs) as jobs`)).rows[0]!;
    const n = Number(counts.appeal);
    if (n < 20) throw new Error(`only ${n} intakes to copy: run the bench's intake scenario on this database first (npm run bench -- --only intake --data-dir …)`);
    const perIntake = Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Math.round((Number(v) / n) * 100) / 100]));
    log(`templates: ${n} intakes; rows per intake ${JSON.stringify(perIntake)} (+ an idempotency key written and updated)`);
    const results: FloorResult[] = [];
    // The machine's limit in the same minutes, as `npm run bench` measures it: one row a transaction.
    // (Given by `npm run bench`, which measured it at its start.)
    const base = opts.baselineTps ? { tps: opts.baselineTps } : await runPgbench(url, { clients: opts.clients, seconds: opts.seconds });
    if (!opts.baselineTps) log(`  pgbench    ${String(base.tps).padStart(8)} single-row inserts/s (the bench's baseline)`);
    const rowsOf = (parts: Part[]) => parts.reduce((a, p) => a + (p === 'idempotency' ? 2 : p === 'audit' ? 2 * perIntake.audit! : perIntake[p] ?? 0), 0);
    for (const variant of [...Object.keys(VARIANTS), ...Object.keys(SETWISE), ...Object.keys(LIFECYCLES)]) {
      if (opts.only && !opts.only.includes(variant)) continue;
      const size = SETWISE[variant] ?? 1;
      const life = LIFECYCLES[variant];
      const script = life ? await lifecycleScript(c, life) : await floorScript(c, VARIANTS[variant] ?? ALL, size);
      const statements = script.split('\n').filter((l) => l && !l.startsWith('\\')).length;
      // A lifecycle: the intake's rows, then per step the appeal, the case, a history row and an
      // audit entry with its pending row; the answer adds a deadline met and one started, and a
      // notice's rows; the confirmation a deadline met.
      const rows = life ? rowsOf(life) + 3 * 5 + 2 + 1 + rowsOf(NOTICE_PARTS.filter((p) => life.includes(p))) : rowsOf(VARIANTS[variant] ?? ALL);
      const r = await runPgbenchScript(url, { clients: opts.clients, seconds: opts.seconds, script });
      // Set-wise, a transaction writes `size` intakes: the rate is theirs.
      const tps = Math.round(r.tps * size * 10) / 10;
      results.push({ variant, tps, latency_ms: r.latencyMs, statements, rows_per_op: Math.round(rows * 100) / 100, ratio_to_pgbench: Math.round((tps / base.tps) * 1000) / 1000, intakes_per_transaction: size });
      log(`  ${variant.padEnd(10)} ${String(tps).padStart(8)} ${life ? 'lifecycles' : 'intakes'}/s  latency ${r.latencyMs} ms${size > 1 ? ` per transaction of ${size}` : ''}, ${(tps / base.tps).toFixed(3)} × pgbench  (${statements} statements, ~${Math.round(rows * 10) / 10} rows written per ${life ? 'lifecycle' : 'intake'})`);
    }
    return results;
  } finally {
    await c.end();
  }
}

async function main(argv: string[]): Promise<void> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const seconds = Number(arg('--seconds') ?? 10);
  const clients = Number(arg('--clients') ?? 8);
  const only = arg('--only')?.split(',');
  const { url, stop } = await openBenchDatabase(arg('--data-dir'));
  try {
    console.log(`write floor of an intake: pgbench, ${clients} clients, ${seconds} s per variant; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    const results = await runFloor(url, { clients, seconds, ...(only ? { only } : {}), log: (s) => console.log(s) });
    const out = arg('--out');
    if (out) {
      fs.mkdirSync(out, { recursive: true });
      fs.writeFileSync(path.join(out, 'floor.json'), JSON.stringify({ at: new Date().toISOString(), clients, seconds, results }, null, 2) + '\n');
    }
  } finally {
    await stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
