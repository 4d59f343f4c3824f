import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fixedClock, type TestApp } from '../../../test/app.ts';
import type { TestClock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { resolveActor } from '../directory/directory.actor.ts';
import { registerAccepted, type RegistrarPass } from './appeals.acceptance.ts';
import { appealsDeps, type AppealsDeps } from './appeals.deps.ts';
import { as, BUKHAR, cat, context, file, KARAGANDA, KAZYBEK_BI, org, pothole, TEMIRTAU, type Ctx } from './appeals.test-support.ts';

/**
 * The registrar registers a batch of accepted appeals set-wise (a statement per kind of row for
 * the whole batch) and one by one (`oneByOne`, or what the set-wise write could not take). Both
 * must leave exactly the same rows: two databases given the same history at the same instants,
 * the batch registered one by one on one side and set-wise on the other, then compared row by
 * row — every column of every row the registration writes, with each side's ids (which differ
 * between the two databases) replaced by what they name: slip numbers, logins, organization
 * names, category codes.
 *
 * The accepted appeals (not started by createTestApp: the registrar runs in `serve` only, and
 * nothing here starts one) are registered by one `registerAccepted` per side.
 */

const CITIZEN = '900515301234';
const OTHER = '061211600012';
const ASYNC = { prefer: 'respond-async' };
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const SLIP = /\b[A-Z]{2,4}-\d{4}-\d{6}\b/g;
const almaty = (local: string) => new Date(`${local}+05:00`);

type Row = Record<string, unknown>;

interface Side {
  t: TestApp;
  ctx: Ctx;
  clock: TestClock;
  deps: AppealsDeps;
  /** A third citizen (of the demo), whose account is deactivated between acceptance and registration. */
  third: string;
}

const sides: Side[] = [];

beforeAll(async () => {
  for (let i = 0; i < 2; i++) {
    const clock = fixedClock(almaty('2026-03-17T09:00'));
    const t = await createTestApp({ clock });
    const third = await sql<{ login: string }>`select a.login from account a join person p on p.account_id = a.id
      where p.last_name = 'Иванова' and p.first_name = 'Светлана' and a.kind = 'citizen'`.execute(t.testDb.db.withoutPlugins());
    sides.push({
      t, ctx: await context(t), clock, third: third.rows[0]!.login,
      deps: appealsDeps(t.testDb.db, { dataDir: t.config.dataDir, maxBytes: t.config.fileMaxBytes }),
    });
  }
  expect(sides[0]!.third).toBe(sides[1]!.third);
});

/** The same on both sides at once: [side 0, side 1]. */
async function both<T>(f: (s: Side, i: number) => Promise<T>): Promise<[T, T]> {
  const [x, y] = await Promise.all(sides.map(f));
  return [x!, y!];
}

afterAll(async () => {
  for (const s of sides) await s.t.close();
});

// ---------------------------------------------------------------------------------------------
// Comparing two databases

const raw = (s: Side) => s.t.testDb.db.withoutPlugins() as unknown as Db;
const rows = async (s: Side, q: RawBuilder<unknown>) => (await q.execute(raw(s))).rows as Row[];

/** Every id of the side's database that a compared row may hold → what it names (the same on both sides). */
async function names(s: Side, acceptances: readonly string[]): Promise<Map<string, string>> {
  const r = await rows(s, sql`
    select id::text as id, 'appeal:' || slip_number as name from appeal
    union all select case_id::text, 'case:' || slip_number from appeal where case_id is not null
    union all select id::text, 'account:' || login from account
    union all select id::text, 'org:' || name_en from organization
    union all select id::text, 'category:' || code from appeal_category
    union all select r.id::text, 'routing-rule:' || c.code || '@' || r.territory_prefix from appeal_routing_rule r join appeal_category c on c.id = r.category_id
    union all select id::text, 'person:' || iin from person
    union all select s.id::text, 'staff:' || a.login from staff s join account a on a.id = s.account_id
    union all select id::text, 'definition:' || process_key || ':' || coalesce(version::text, '-') || ':' || status from workflow_definition
    union all select h.id::text, 'history:' || coalesce(a.slip_number, h.case_id::text) || ':' || h.seq from workflow_history h left join appeal a on a.case_id = h.case_id
    union all select d.id::text, 'deadline:' || coalesce(a.slip_number, d.case_id::text) || ':' || d.scope || ':' || d.deadline_key || ':' || d.generation
      from workflow_deadline d left join appeal a on a.case_id = d.case_id
    union all select n.id::text, 'notice:' || coalesce(a.slip_number, n.about_id, '-') || ':' || n.template || ':' || coalesce(ac.login, '-')
      from notice n left join appeal a on a.id::text = n.about_id left join account ac on ac.id = n.account_id`);
  const m = new Map(r.map((x) => [x.id as string, x.name as string]));
  for (const [i, id] of acceptances.entries()) m.set(id, `acceptance:#${i}`);
  return m;
}

/** A deep copy with every id replaced by what it names (unknown ids: `<id>`, and listed), in texts too. */
function scrubber(m: Map<string, string>, unknown: Set<string>, slipLabels?: Map<string, string>) {
  const re = new RegExp(UUID, 'gi');
  const scrub = (v: unknown): unknown => {
    if (typeof v === 'string') {
      let out = v.replace(re, (id) => m.get(id.toLowerCase()) ?? (unknown.add(id), '<id>'));
      if (slipLabels) out = out.replace(SLIP, (slip) => slipLabels.get(slip) ?? slip);
      return out;
    }
    if (v instanceof Date) return v.toISOString();
    if (Array.isArray(v)) return v.map(scrub);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x)]));
    return v;
  };
  return scrub;
}

interface Scope {
  /** The appeals compared (the acceptances' and any filed synchronously around them). */
  appealIds: string[];
  /** The acceptances, in order of receipt. */
  acceptanceIds: string[];
  /** audit_log.pos before the registrar's pass: the audit rows it wrote are compared in full. */
  auditMark: number;
  /** The registration days of these appeals (the reports' change rows of those days). */
  days: [string, string];
  /**
   * Slip numbers replaced by their rank among these appeals (a set-wise attempt rolled back may
   * have drawn numbers from the sequence: gaps, not a different order). Default: compared as they are.
   */
  rankSlips?: boolean;
}

async function auditMark(s: Side): Promise<number> {
  return Number((await rows(s, sql`select coalesce(max(pos), 0)::bigint as n from audit_log`))[0]!.n);
}

/** Everything a registration writes about the appeals of `scope`, with the side's ids replaced. */
async function snapshot(s: Side, scope: Scope) {
  const ids = sql`${scope.appealIds}::uuid[]`;
  const texts = sql`${scope.appealIds}::text[]`;
  const slipOfCase = (c: string) => sql.raw(`(select a.slip_number from appeal a where a.case_id = ${c})`);
  const notices = sql`select n.id from notice n where n.about_id = any(${texts})`;
  // A notice's order: its appeal, template, recipient, instant.
  const noticeKey = (n: string) => sql.raw(`(select coalesce(a.slip_number, '') || '|' || nk.template || '|' || coalesce(ac.login, '') || '|' || nk.created_at::text
      from notice nk left join appeal a on a.id::text = nk.about_id left join account ac on ac.id = nk.account_id where nk.id = ${n})`);
  const snap = {
    appeals: await rows(s, sql`select to_jsonb(a) as row from appeal a where a.id = any(${ids}) order by a.slip_number`),
    cases: await rows(s, sql`select to_jsonb(c) as row from workflow_case c where c.subject_id = any(${texts}) order by ${slipOfCase('c.id')}`),
    history: await rows(s, sql`select to_jsonb(h) as row from workflow_history h join workflow_case c on c.region_code = h.region_code and c.id = h.case_id
      where c.subject_id = any(${texts}) order by ${slipOfCase('c.id')}, h.seq`),
    deadlines: await rows(s, sql`select to_jsonb(d) as row from workflow_deadline d join workflow_case c on c.region_code = d.region_code and c.id = d.case_id
      where c.subject_id = any(${texts}) order by ${slipOfCase('c.id')}, d.scope, d.deadline_key, d.generation`),
    escalations: await rows(s, sql`select to_jsonb(e) - 'id' as row from workflow_escalation e join workflow_case c on c.region_code = e.region_code and c.id = e.case_id
      where c.subject_id = any(${texts}) order by ${slipOfCase('c.id')}, e.step_index, e.due_at`),
    workflowNotices: await rows(s, sql`select to_jsonb(n) - 'id' as row from workflow_notice n join workflow_case c on c.region_code = n.region_code and c.id = n.case_id
      where c.subject_id = any(${texts}) order by ${slipOfCase('c.id')}, n.kind, n.level, n.recipient, n.created_at`),
    // Every audit row the pass wrote (about these appeals or not), by appeal (its case's rows
    // and its own), in the order they were written within each appeal. The interleaving of
    // different appeals' rows is not compared: it carries no meaning (they share one instant
    // and one transaction), and a statement per kind of row writes them kind by kind.
    audit: await rows(s, sql`select to_jsonb(l) - 'id' - 'pos' as row from audit_log l where l.pos > ${scope.auditMark}
      order by coalesce((select a.slip_number from appeal a where a.id::text = l.entity_id), (select a.slip_number from appeal a where a.case_id::text = l.entity_id), ''), l.pos`),
    notices: await rows(s, sql`select to_jsonb(n) as row from notice n where n.id in (${notices}) order by ${noticeKey('n.id')}, n.lang`),
    deliveries: await rows(s, sql`select to_jsonb(d) as row from notice_delivery d where d.notice_id in (${notices}) order by ${noticeKey('d.notice_id')}, d.channel`),
    attempts: await rows(s, sql`select to_jsonb(x) as row from notice_attempt x where x.notice_id in (${notices}) order by ${noticeKey('x.notice_id')}, x.channel, x.attempt_no`),
    inbox: await rows(s, sql`select to_jsonb(i) as row from inbox_message i where i.notice_id in (${notices}) order by ${noticeKey('i.notice_id')}`),
    // The delivery jobs (pg-boss's own instants, read from the database's clock, left out).
    jobs: await rows(s, sql`select to_jsonb(j) - 'id' - 'created_on' - 'start_after' - 'keep_until' - 'started_on' - 'completed_on' - 'singleton_on' as row
      from pgboss.job j where j.name = 'notify.deliver' and (j.data->>'noticeId')::uuid in (${notices})
      order by ${noticeKey(`(j.data->>'noticeId')::uuid`)}, j.data->>'channel'`),
    attachments: await rows(s, sql`select to_jsonb(x) - 'id' as row from appeal_attachment x where x.appeal_id = any(${ids}) order by x.appeal_id, x.created_at`),
    acceptances: await rows(s, sql`select to_jsonb(x) as row from appeal_acceptance x where x.id = any(${scope.acceptanceIds}::uuid[]) order by x.accepted_at, x.id`),
    // The reports' figures of those days as the triggers recorded them (summed: one row per
    // statement that wrote appeal rows, so the number of change rows may differ).
    reportFigures: await rows(s, sql`select region_code, organization_id, registered_on::text,
        sum(received)::int as received, sum(closed)::int as closed, sum(escalated)::int as escalated, sum(answered)::int as answered, sum(deemed)::int as deemed
      from appeal_report_change where registered_on between ${scope.days[0]}::date and ${scope.days[1]}::date
      group by 1, 2, 3 having sum(received) <> 0 or sum(closed) <> 0 order by 1, (select name_en from organization o where o.id = organization_id), 3`),
    // The region's slip sequences (their names hold the region and the year).
    sequences: await rows(s, sql`select sequencename::text as name, last_value::bigint as last_value from pg_sequences where sequencename like 'appeal_slip_%' order by 1`),
    // What else changed in the database, counted.
    counts: (await rows(s, sql`select
        (select count(*) from appeal)::int as appeal, (select count(*) from workflow_case)::int as workflow_case,
        (select count(*) from workflow_history)::int as workflow_history, (select count(*) from workflow_deadline)::int as workflow_deadline,
        (select count(*) from workflow_escalation)::int as workflow_escalation, (select count(*) from workflow_notice)::int as workflow_notice,
        (select count(*) from audit_log)::int as audit_log, (select count(*) from audit_pending)::int as audit_pending,
        (select count(*) from notice)::int as notice, (select count(*) from notice_delivery)::int as notice_delivery,
        (select count(*) from notice_attempt)::int as notice_attempt, (select count(*) from inbox_message)::int as inbox_message,
        (select count(*) from pgboss.job)::int as jobs, (select count(*) from appeal_acceptance)::int as appeal_acceptance,
        (select count(*) from appeal_attachment)::int as appeal_attachment, (select count(*) from idempotency_key)::int as idempotency_key,
        (select count(*) from stored_file)::int as stored_file`))[0]!,
  };
  const unknown = new Set<string>();
  const m = await names(s, scope.acceptanceIds);
  let slipLabels: Map<string, string> | undefined;
  if (scope.rankSlips) {
    const ranked = [...snap.appeals].map((r) => r.row as Row).sort((a, b) => Number(a.slip_seq) - Number(b.slip_seq));
    slipLabels = new Map(ranked.map((a, i) => [a.slip_number as string, `<slip #${i}>`]));
    for (const a of snap.appeals) delete (a.row as Row).slip_seq;
    snap.sequences = [];
  }
  const scrub = scrubber(m, unknown, slipLabels);
  const ours = new Set(snap.appeals.map((r) => `appeal:${(r.row as Row).slip_number as string}`));
  const out = scrub(snap) as typeof snap;
  // A suggested duplicate from the demo region's own appeals carries their receipt instant, which
  // the demo seed takes from the wall clock (each side seeded a moment apart).
  let demoDuplicates = 0;
  for (const r of out.acceptances) {
    const slip = (r.row as { slip: { possibleDuplicates?: Row[] } | null }).slip;
    if (!slip?.possibleDuplicates) continue;
    slip.possibleDuplicates = slip.possibleDuplicates.map((d) => {
      if (ours.has(d.id as string)) return d;
      demoDuplicates++;
      return { ...d, receivedAt: '<not of this batch>' };
    });
  }
  return { snap: out, unknown: [...unknown], demoDuplicates };
}

/** The two snapshots, compared part by part (a difference names its part). */
function expectSame(a: Awaited<ReturnType<typeof snapshot>>, b: Awaited<ReturnType<typeof snapshot>>, label: string) {
  for (const k of Object.keys(a.snap) as (keyof typeof a.snap)[]) expect(b.snap[k], `${label}: ${k}`).toEqual(a.snap[k]);
}

// ---------------------------------------------------------------------------------------------
// The history

interface Acceptance {
  at: string;
  who: 'citizen' | 'other' | 'third';
  body: (ctx: Ctx) => Record<string, unknown>;
  /** What the registration does with it. */
  outcome: 'registered' | 'refused';
}

const POTHOLE = 'Глубокая яма на дороге у дома 15 по улице Ерубаева, машины бьют колёса';
const LIGHTS = 'Не горит уличное освещение на улице Металлургов, вечером совсем темно';
const HEATING = 'В доме нет отопления, батареи холодные третьи сутки';
const here = { lat: 49.8062, lon: 73.0851 };

const at = (local: string) => `2026-03-17T${local}`;
const lighting = (ctx: Ctx, extra: Record<string, unknown> = {}) => ({ type: 'statement', categoryId: cat(ctx, 'roads.lighting'), text: LIGHTS, territoryCode: TEMIRTAU, ...extra });
const heating = (ctx: Ctx, extra: Record<string, unknown> = {}) => ({
  type: 'statement', categoryId: cat(ctx, 'housing.heating.none'), text: HEATING, territoryCode: KAZYBEK_BI, location: { lat: 49.79, lon: 73.12 }, extra: { apartment: '3' }, ...extra,
});

/**
 * Tuesday 17 March 2026: one appeal filed synchronously before the batch (a duplicate the batch
 * must find), then the batch accepted through the day — after 18:00 too (registered the next
 * working day), and one after the pass's own instant (registered at its receipt, never before).
 */
const BATCH: Acceptance[] = [
  // 0: near the appeal filed before the batch (a point), a duplicate of it.
  { at: at('10:05'), who: 'citizen', outcome: 'registered', body: (ctx) => pothole(ctx, { text: 'Глубокая яма на дороге у дома 15 по улице Ерубаева, все машины бьют колёса', location: { lat: 49.8063, lon: 73.0852 } }) },
  // 1: another citizen, the same hole: duplicates of the earlier appeal and of 0 (in this batch).
  { at: at('10:20'), who: 'other', outcome: 'registered', body: (ctx) => pothole(ctx, { text: 'Яма на дороге у дома 15 по улице Ерубаева, машины бьют колёса', location: { lat: 49.8061, lon: 73.085 } }) },
  // 2: another category and territory (Temirtau), no point.
  { at: at('10:40'), who: 'citizen', outcome: 'registered', body: (ctx) => lighting(ctx) },
  // 3: refused at registration: a category not of the region.
  { at: at('11:00'), who: 'other', outcome: 'refused', body: (ctx) => pothole(ctx, { categoryId: '00000000-0000-4000-8000-000000000000', text: 'Яма у рынка, неизвестная категория' }) },
  // 4: no point, the same territory: duplicates of the earlier appeal, 0 and 1.
  { at: at('11:15'), who: 'citizen', outcome: 'registered', body: (ctx) => pothole(ctx, { text: 'Глубокая яма на дороге у дома 15 по улице Ерубаева, бьют колёса машины' }) },
  // 5: heating in Kazybek Bi, with the category's extra field and a point.
  { at: at('11:40'), who: 'other', outcome: 'registered', body: (ctx) => heating(ctx) },
  // 6: a security report (the category's flag): routed at once, the coordinators told.
  { at: at('12:10'), who: 'citizen', outcome: 'registered', body: (ctx) => ({ type: 'report', categoryId: cat(ctx, 'safety.threat'), text: 'Во дворе дома 8 оставлен подозрительный предмет с проводами', territoryCode: KARAGANDA }) },
  // 7: refused at registration: the account is deactivated after the acceptance.
  { at: at('12:30'), who: 'third', outcome: 'refused', body: (ctx) => pothole(ctx, { text: 'Яма у остановки на проспекте Республики', territoryCode: TEMIRTAU }) },
  // 8: a complaint about a state service: to the provider, 5 working days.
  { at: at('13:00'), who: 'other', outcome: 'registered', body: (ctx) => ({
    type: 'complaint', categoryId: cat(ctx, 'state_services.complaint'), text: 'Третий раз отказывают в приёме документов на зачисление в школу', territoryCode: KARAGANDA,
    isStateServiceComplaint: true, serviceProviderId: org(ctx, 'Education Department'),
  }) },
  // 9: refused at registration: a point no settlement is near.
  { at: at('13:20'), who: 'citizen', outcome: 'refused', body: (ctx) => pothole(ctx, { territoryCode: undefined, location: { lat: 10, lon: 10 }, text: 'Яма где-то далеко' }) },
  // 10: a duplicate of 2 (in this batch), in Russian.
  { at: at('14:00'), who: 'other', outcome: 'registered', body: (ctx) => lighting(ctx, { text: 'Не горит уличное освещение на улице Металлургов, вечером темно', lang: 'ru' }) },
  // 11: a duplicate of 5 a few metres away, the notices in English.
  { at: at('14:30'), who: 'citizen', outcome: 'registered', body: (ctx) => heating(ctx, { text: 'Нет отопления в доме, батареи холодные', location: { lat: 49.7901, lon: 73.1201 }, extra: { apartment: '7', indoorTemperature: 12 }, lang: 'en' }) },
  // 12: nobody to route it to: stays with the coordination centre (its routing term runs).
  { at: at('15:00'), who: 'other', outcome: 'registered', body: (ctx) => ({ type: 'request', categoryId: cat(ctx, 'other'), text: 'Прошу разъяснить порядок получения справки о составе семьи', territoryCode: KARAGANDA, isPublic: true }) },
  // 13: another category in Temirtau, public, with an address.
  { at: at('16:00'), who: 'citizen', outcome: 'registered', body: (ctx) => ({ type: 'statement', categoryId: cat(ctx, 'environment.waste'), text: 'Не вывозят мусор в частном секторе вторую неделю', territoryCode: TEMIRTAU, address: 'ул. Димитрова, 4', isPublic: true }) },
  // 14: the same text at the same point as the appeal before the batch: duplicates of it, 0, 1 and 4.
  { at: at('17:59'), who: 'other', outcome: 'registered', body: (ctx) => pothole(ctx, { text: POTHOLE, location: here }) },
  // 15: after 18:00 (registered on Wednesday), no point: duplicates of 0, 1, 4, 14 and the earlier one.
  { at: at('18:30'), who: 'citizen', outcome: 'registered', body: (ctx) => pothole(ctx, { text: POTHOLE }) },
  // 16: accepted after the pass read its clock: registered at its own receipt instant.
  { at: at('19:00'), who: 'other', outcome: 'registered', body: (ctx) => ({ type: 'statement', categoryId: cat(ctx, 'education.school'), text: 'В школе не работает отопление в спортзале', territoryCode: BUKHAR }) },
];
const PASS_AT = almaty(at('18:45'));

async function accept(s: Side, who: string, body: Record<string, unknown>): Promise<string> {
  const res = await s.t.app.inject({ method: 'POST', url: '/api/appeals', headers: { ...(await as(s.ctx, who)), ...ASYNC }, payload: body });
  expect(res.statusCode, res.body).toBe(202);
  return (res.json() as { acceptanceId: string }).acceptanceId;
}

const login = (s: Side, who: Acceptance['who']) => (who === 'citizen' ? CITIZEN : who === 'other' ? OTHER : s.third);

function pass(s: Side, now: Date, oneByOne: boolean, log: string[] = []): Promise<RegistrarPass> {
  return registerAccepted(s.t.testDb.db, s.deps, { now, actors: resolveActor, limit: 50, log: (l) => log.push(l), oneByOne });
}

const withoutOneByOne = (p: RegistrarPass) => ({ ...p, oneByOne: undefined });

interface SlipRow {
  slipNumber: string;
  registeredOn: string;
  possibleDuplicates: { id: string; similarity: number; distanceMetres: number | null }[];
}

describe('the set-wise registrar writes what the one-by-one registrar writes', () => {
  const runs: { appealIds: string[]; acceptanceIds: string[]; mark: number }[] = [];

  it('a day’s batch: routes, the coordination centre, a security report, a state-service complaint, duplicates within the batch and before it, refusals in the middle', async () => {
    for (const s of sides) {
      const run = { appealIds: [] as string[], acceptanceIds: [] as string[], mark: 0 };
      runs.push(run);
      s.clock.set(almaty(at('09:30')));
      run.appealIds.push((await file(s.ctx, CITIZEN, pothole(s.ctx, { text: POTHOLE, location: here }))).appealId);
      for (const a of BATCH) {
        s.clock.set(almaty(a.at));
        run.acceptanceIds.push(await accept(s, login(s, a.who), a.body(s.ctx)));
      }
      s.clock.set(almaty(at('19:05')));
      await sql`update account set is_active = false where login = ${s.third}`.execute(raw(s));
      run.mark = await auditMark(s);
    }

    const results: RegistrarPass[] = [];
    const logs: string[][] = [[], []];
    for (const [i, s] of sides.entries()) results.push(await pass(s, PASS_AT, i === 0, logs[i]));
    const [oneByOne, setwise] = results as [RegistrarPass, RegistrarPass];
    const refused = BATCH.filter((a) => a.outcome === 'refused').length;
    expect(withoutOneByOne(oneByOne)).toEqual({ registered: BATCH.length - refused, refused, retried: 0, oneByOne: undefined });
    expect(withoutOneByOne(setwise)).toEqual(withoutOneByOne(oneByOne));
    // Forced one by one on side 0; the whole batch set-wise on side 1.
    expect.soft(oneByOne.oneByOne, 'one-by-one side: every acceptance one by one').toBe(BATCH.length);
    expect.soft(setwise.oneByOne, 'set-wise side: nothing one by one').toBe(0);

    // The acceptances' appeals join the one filed before them.
    for (const [i, s] of sides.entries()) {
      const registered = await rows(s, sql`select appeal_id::text as id from appeal_acceptance where id = any(${runs[i]!.acceptanceIds}::uuid[]) and appeal_id is not null order by accepted_at`);
      runs[i]!.appealIds.push(...registered.map((r) => r.id as string));
    }
    const scope = (i: number): Scope => ({ appealIds: runs[i]!.appealIds, acceptanceIds: runs[i]!.acceptanceIds, auditMark: runs[i]!.mark, days: ['2026-03-17', '2026-03-18'] });
    const [a, b] = await both((s, i) => snapshot(s, scope(i)));

    // The snapshot holds what the batch should have written (so that equal means something).
    const snap = a.snap;
    expect(snap.appeals).toHaveLength(1 + BATCH.length - refused);
    const acc = snap.acceptances.map((r) => r.row as { state: string; problem: { code: string; field?: string } | null; slip: SlipRow | null; settled_at: string | null; attempts: number });
    expect(acc.map((x) => x.state)).toEqual(BATCH.map((x) => x.outcome));
    expect(acc.filter((x) => x.state === 'refused').map((x) => [x.problem?.code, x.problem?.field])).toEqual([['validation', 'categoryId'], ['forbidden', undefined], ['validation', 'location']]);
    expect(acc.every((x) => x.settled_at !== null && x.attempts === 0)).toBe(true);
    const slipOf = (i: number) => acc[i]!.slip!;
    const dupSlips = (i: number) => slipOf(i).possibleDuplicates.map((d) => d.id.replace('appeal:', ''));
    const before = (snap.appeals[0]!.row as { slip_number: string }).slip_number; // the one filed before the batch
    expect(dupSlips(0)).toEqual([before]); // none of the batch's later appeals
    expect(dupSlips(1)).toEqual(expect.arrayContaining([before, slipOf(0).slipNumber]));
    expect(dupSlips(4)).toEqual(expect.arrayContaining([before, slipOf(0).slipNumber, slipOf(1).slipNumber]));
    expect(dupSlips(10)).toEqual([slipOf(2).slipNumber]);
    expect(dupSlips(11)).toEqual([slipOf(5).slipNumber]);
    expect(dupSlips(14)).toEqual(expect.arrayContaining([before, slipOf(0).slipNumber, slipOf(1).slipNumber, slipOf(4).slipNumber]));
    expect(dupSlips(15)).toHaveLength(5);
    expect(dupSlips(15)).toEqual(expect.arrayContaining([slipOf(14).slipNumber, slipOf(4).slipNumber]));
    // None of this test's appeals (an old demo appeal may be suggested: 12 is like one).
    const mine = new Set(snap.appeals.map((r) => (r.row as Row).slip_number as string));
    for (const i of [2, 5, 6, 8, 12, 13, 16]) expect(dupSlips(i).filter((x) => mine.has(x)), `acceptance ${i}`).toEqual([]);
    expect(slipOf(14).registeredOn).toBe('2026-03-17');
    expect(slipOf(15).registeredOn).toBe('2026-03-18');
    // Numbered in order of receipt, refusals taking no number.
    const numbers = BATCH.flatMap((x, i) => (x.outcome === 'registered' ? [Number(slipOf(i).slipNumber.slice(-6))] : []));
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
    const appealOf = (i: number) => snap.appeals.find((r) => (r.row as Row).slip_number === slipOf(i).slipNumber)!.row as Row;
    // The security report goes to the situation centre, the region's coordination centre.
    expect(appealOf(6)).toMatchObject({ is_security_report: true, state: 'registered', organization_id: 'org:Situation Centre of the Akimat of Karaganda Region' });
    expect(appealOf(8)).toMatchObject({ is_state_service_complaint: true, process_key: 'appeal.state_service_complaint', organization_id: 'org:Education Department of Karaganda Region', service_provider_id: 'org:Education Department of Karaganda Region' });
    expect(appealOf(12)).toMatchObject({ state: 'registered' });
    expect(appealOf(11)).toMatchObject({ lang: 'en', extra: { apartment: '7', indoorTemperature: 12 } });
    expect(appealOf(16).created_at).toBe(appealOf(16).received_at); // its own receipt instant, after the pass's
    expect(appealOf(15).created_at).not.toBe(appealOf(15).received_at);
    const templates = snap.notices.map((r) => (r.row as { template: string; about_id: string }).template.replace('appeals:notice.', ''));
    expect(templates.filter((x) => x === 'slip_issued')).toHaveLength(BATCH.length - refused + 1);
    expect(templates.filter((x) => x === 'staff_security_report').length).toBeGreaterThan(0);
    expect(snap.deliveries.length).toBeGreaterThan(snap.notices.length); // e-mail and SMS beside the inbox
    expect(snap.jobs.length).toBeGreaterThan(0);
    expect(snap.inbox.length).toBe(snap.notices.length);
    expect(snap.deadlines.length).toBeGreaterThanOrEqual(snap.appeals.length);
    // workflow.started, workflow.action (those routed elsewhere than the coordination centre), appeal.registered.
    const batchAppeals = BATCH.flatMap((x, i) => (x.outcome === 'registered' ? [appealOf(i)] : []));
    expect(snap.audit.length).toBe(batchAppeals.reduce((n, x) => n + (x.state === 'registered' ? 2 : 3), 0));
    expect(batchAppeals.filter((x) => x.state === 'registered')).toHaveLength(2);
    // $start, and the routing action of those routed.
    expect(snap.history.length).toBe(snap.appeals.reduce((n, r) => n + ((r.row as Row).state === 'registered' ? 1 : 2), 0));
    expect(snap.reportFigures.length).toBeGreaterThan(2);
    console.log(`[registrar-setwise] ${snap.appeals.length} appeals, ${acc.filter((x) => x.state === 'refused').length} refused, ${snap.history.length} history, ${snap.deadlines.length} deadlines,`
      + ` ${snap.audit.length} audit, ${snap.notices.length} notices, ${snap.deliveries.length} deliveries, ${snap.jobs.length} jobs;`
      + ` ${acc.reduce((n, x) => n + (x.slip?.possibleDuplicates.length ?? 0), 0)} duplicate suggestions (${a.demoDuplicates} of demo appeals); ids not named: ${a.unknown.length}`);

    // Every id in the compared rows is named (the unknown category of a refused request aside).
    for (const x of [a, b]) expect(x.unknown).toEqual(['00000000-0000-4000-8000-000000000000']);
    expectSame(a, b, 'the day’s batch');
  });

  it('a set-wise write that fails midway falls back to one by one: the rest registered, the failing one left for the next pass', async () => {
    // A row the register refuses (a constraint of this test's databases): the set-wise statement
    // writing the batch's appeals fails as a whole; one by one, only that appeal does.
    const poison = 'Яма у моста (this row violates a constraint)';
    for (const s of sides) await sql`alter table appeal add constraint registrar_setwise_test_poison check (text not like '%violates a constraint%') not valid`.execute(raw(s));
    const texts = ['Яма у моста на Бухар-Жырау', 'Нет света в подъезде дома 12', poison, 'Мусор не вывозят с площадки у дома 3', 'Яма у моста на Бухар-Жырау, большая'];
    const runs2: { acceptanceIds: string[]; mark: number }[] = [];
    for (const s of sides) {
      s.ctx.sessions.clear(); // signed in again two days later
      const run = { acceptanceIds: [] as string[], mark: 0 };
      runs2.push(run);
      for (const [i, text] of texts.entries()) {
        s.clock.set(almaty(`2026-03-19T10:0${i}`));
        run.acceptanceIds.push(await accept(s, i % 2 ? OTHER : CITIZEN, pothole(s.ctx, { text, ...(i === 1 ? { territoryCode: TEMIRTAU } : {}) })));
      }
      run.mark = await auditMark(s);
    }
    const logs: string[][] = [[], []];
    const results: RegistrarPass[] = [];
    for (const [i, s] of sides.entries()) results.push(await pass(s, almaty('2026-03-19T11:00'), i === 0, logs[i]));
    const [oneByOne, setwise] = results as [RegistrarPass, RegistrarPass];
    expect(withoutOneByOne(oneByOne)).toEqual({ registered: texts.length - 1, refused: 0, retried: 1, oneByOne: undefined });
    expect(withoutOneByOne(setwise)).toEqual(withoutOneByOne(oneByOne));
    for (const [i, log] of logs.entries()) {
      expect(log.some((l) => l.includes(runs2[i]!.acceptanceIds[2]!) && l.includes('attempt 1')), log.join('\n')).toBe(true);
    }
    expect.soft(oneByOne.oneByOne, 'one-by-one side').toBe(texts.length);
    expect.soft(setwise.oneByOne, 'set-wise side: the failed batch went one by one').toBeGreaterThan(0);

    const scope = async (i: number): Promise<Scope> => ({
      appealIds: (await rows(sides[i]!, sql`select appeal_id::text as id from appeal_acceptance where id = any(${runs2[i]!.acceptanceIds}::uuid[]) and appeal_id is not null`)).map((r) => r.id as string),
      acceptanceIds: runs2[i]!.acceptanceIds, auditMark: runs2[i]!.mark, days: ['2026-03-19', '2026-03-19'], rankSlips: true,
    });
    const [a, b] = await both(async (s, i) => snapshot(s, await scope(i)));
    expect(a.snap.appeals).toHaveLength(texts.length - 1);
    expect(a.snap.acceptances.map((r) => [(r.row as Row).state, (r.row as Row).attempts])).toEqual([['registered', 0], ['registered', 0], ['accepted', 1], ['registered', 0], ['registered', 0]]);
    // The last is a duplicate of the first (registered in the same batch).
    expect((a.snap.acceptances[4]!.row as { slip: SlipRow }).slip.possibleDuplicates.map((d) => d.id)).toContain('appeal:<slip #0>');
    for (const x of [a, b]) expect(x.unknown).toEqual([]);
    expectSame(a, b, 'the batch with a failing row');
    // Numbered in order of receipt on each side (gaps allowed: a rolled-back attempt drew numbers).
    for (const [i, s] of sides.entries()) {
      const seqs = (await rows(s, sql`select a.slip_seq from appeal_acceptance x join appeal a on a.id = x.appeal_id where x.id = any(${runs2[i]!.acceptanceIds}::uuid[]) order by x.accepted_at`)).map((r) => Number(r.slip_seq));
      expect(seqs).toEqual([...seqs].sort((p, q) => p - q));
    }

    // Once the register takes the row, the next pass registers it, on both sides alike.
    for (const [i, s] of sides.entries()) {
      await sql`alter table appeal drop constraint registrar_setwise_test_poison`.execute(raw(s));
      runs2[i]!.mark = await auditMark(s);
    }
    const again: RegistrarPass[] = [];
    for (const [i, s] of sides.entries()) again.push(await pass(s, almaty('2026-03-19T11:30'), i === 0));
    expect(withoutOneByOne(again[0]!)).toEqual({ registered: 1, refused: 0, retried: 0, oneByOne: undefined });
    expect(withoutOneByOne(again[1]!)).toEqual(withoutOneByOne(again[0]!));
    const [c, d] = await both(async (s, i) => snapshot(s, await scope(i)));
    expect(c.snap.appeals).toHaveLength(texts.length);
    expect(c.snap.acceptances.map((r) => (r.row as Row).state)).toEqual(texts.map(() => 'registered'));
    expectSame(c, d, 'the failing row registered by the next pass');
  });
});
