import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { ReferenceCache } from '../../platform/db/revision.ts';
import type { Appeal, AppealAttachment } from '../../platform/db/schema.generated.ts';
import type { WorkflowCase } from '../../platform/workflow/hooks.ts';
import { caseColumns, takeCase } from '../../platform/workflow/queries.ts';
import { keyIn } from '../../platform/db/keys.ts';
import { isUuid } from '../../platform/db/ids.ts';
import { executePrepared } from '../../platform/db/prepared.ts';

/** SQL of the appeal register. Every statement names the region (the Citus distribution key) when it can. */

export type AppealRow = Omit<Selectable<Appeal>, 'extra'> & { extraText: string };
export type NewAppeal = Insertable<Appeal>;
export type AttachmentRow = Selectable<AppealAttachment>;

function appeals(db: Executor) {
  // json read as text: the CamelCasePlugin must not rename keys of the applicant's extra fields.
  return db.selectFrom('appeal').selectAll().select(sql<string>`extra::text`.as('extraText'));
}

function strip(r: Selectable<Appeal> & { extraText: string }): AppealRow {
  const { extra: _extra, ...rest } = r;
  return rest;
}

/** Inserts the appeal and returns it as `findAppeal` would (no second read). */
export async function insertAppeal(trx: Executor, row: NewAppeal): Promise<AppealRow> {
  return (await insertAppeals(trx, [row]))[0]!;
}

/**
 * Appeals in one statement, returned in the order given. One is a named statement
 * (platform/db/prepared.ts: ~60 columns to parse and plan on every intake); several (the
 * registrar's batch) a statement planned once.
 */
export async function insertAppeals(trx: Executor, rows: readonly NewAppeal[]): Promise<AppealRow[]> {
  if (rows.length === 0) return [];
  const q = trx.insertInto('appeal').values([...rows]).returningAll().returning(sql<string>`extra::text`.as('extraText'));
  const inserted = await (rows.length === 1 ? executePrepared(trx, q) : q.execute());
  const byId = new Map(inserted.map((r) => [r.id, strip(r)]));
  return rows.map((r) => byId.get(r.id)!);
}

export async function findAppeal(db: Executor, regionCode: string, id: string): Promise<AppealRow | undefined> {
  const [r] = await executePrepared(db, appeals(db).where('regionCode', '=', regionCode).where('id', '=', id));
  return r && strip(r);
}

/** What a notice about an appeal reads of it (`appeals.notices.ts`); the sweep reads only these. */
export const NOTICE_COLUMNS = ['regionCode', 'id', 'slipNumber', 'dueAt', 'escalatedAt', 'lang', 'applicantAccountId', 'applicantPhone', 'applicantEmail'] as const;
export type NoticeAppeal = Pick<AppealRow, (typeof NOTICE_COLUMNS)[number]>;

/** Many appeals by their keys, the columns notices need, in one statement (the escalation sweep's chunk). */
export async function findAppealsForNotices(db: Executor, keys: readonly { regionCode: string; id: string }[]): Promise<NoticeAppeal[]> {
  if (keys.length === 0) return [];
  return db.selectFrom('appeal').select(NOTICE_COLUMNS).where(keyIn(keys)).execute();
}

/** "Escalated" (reports): the first instant a step reached the coordination centre; kept once set. */
export async function markEscalated(trx: Executor, keys: readonly { regionCode: string; id: string }[], at: Date): Promise<void> {
  if (keys.length === 0) return;
  await trx.updateTable('appeal').set({ escalatedAt: at, updatedAt: at }).where(keyIn(keys)).where('escalatedAt', 'is', null).execute();
}

/**
 * APPC art. 91 for many appeals: the deemed refusal recorded on those that have none yet (an
 * answer given before is no longer on time); returns the appeals it was recorded on, as they were.
 */
export async function recordDeemedRefusals(trx: Executor, keys: readonly { regionCode: string; id: string }[], at: Date): Promise<NoticeAppeal[]> {
  if (keys.length === 0) return [];
  return trx
    .updateTable('appeal')
    .set({ deemedRefusalAt: at, answeredOnTime: sql<boolean>`case when answered_at is not null then false else answered_on_time end`, updatedAt: at })
    .where(keyIn(keys))
    .where('deemedRefusalAt', 'is', null)
    .returning(NOTICE_COLUMNS)
    .execute();
}

/** By id alone (pages address appeals by id; on Citus a fan-out read). */
export async function findAppealById(db: Executor, id: string): Promise<AppealRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [r] = await executePrepared(db, appeals(db).where('id', '=', id));
  return r && strip(r);
}

const CASE_PREFIX = 'workflowCase';

/**
 * The appeal and its workflow case in one statement (a lifecycle action reads both before it
 * acts: one round trip fewer per action). `case` is undefined for an appeal without a case.
 */
export async function findAppealWithCase(db: Executor, id: string): Promise<(AppealRow & { case: WorkflowCase | undefined }) | undefined> {
  if (!isUuid(id)) return undefined;
  const [r] = await executePrepared(db, db
    .selectFrom('appeal as a')
    .leftJoin('workflowCase as c', (j) => j.onRef('c.regionCode', '=', 'a.regionCode').onRef('c.id', '=', 'a.caseId'))
    .selectAll('a')
    .select(sql<string>`a.extra::text`.as('extraText'))
    .select(caseColumns('c', CASE_PREFIX))
    .where('a.id', '=', id));
  if (!r) return undefined;
  const row = r as unknown as Record<string, unknown>;
  const c = takeCase(row, CASE_PREFIX);
  return { ...strip(row as unknown as Selectable<Appeal> & { extraText: string }), case: c };
}

export async function findAppealBySlip(db: Executor, regionCode: string, slipNumber: string): Promise<AppealRow | undefined> {
  const r = await appeals(db).where('regionCode', '=', regionCode).where('slipNumber', '=', slipNumber).executeTakeFirst();
  return r && strip(r);
}

export async function lockAppeal(trx: Executor, regionCode: string, id: string): Promise<AppealRow | undefined> {
  const r = await appeals(trx).where('regionCode', '=', regionCode).where('id', '=', id).forUpdate().executeTakeFirst();
  return r && strip(r);
}

/**
 * Sets the fields of `patch` on one appeal: a named statement (platform/db/prepared.ts), one text
 * per set of fields — the call sites write fixed sets (an answer, a verdict, a counter), so they are
 * a handful; never pass a patch whose keys come from input.
 */
export async function updateAppeal(trx: Executor, regionCode: string, id: string, patch: Updateable<Appeal>): Promise<void> {
  await executePrepared(trx, trx.updateTable('appeal').set(patch).where('regionCode', '=', regionCode).where('id', '=', id));
}

/** Copies what lists need from the workflow case onto the appeal row (state, owner, due instant). */
export async function syncFromCase(trx: Executor, regionCode: string, appealId: string, c: WorkflowCase, now: Date): Promise<void> {
  await trx
    .updateTable('appeal')
    .set({
      caseId: c.id,
      state: c.state,
      organizationId: c.organizationId,
      assigneeId: c.assigneeId,
      // The legal term while it runs; otherwise the current state's own term (routing, confirmation, reconsideration).
      dueAt: c.dueAt ?? c.stateDueAt,
      closedAt: c.closedAt,
      updatedAt: now,
    })
    .where('regionCode', '=', regionCode)
    .where('id', '=', appealId)
    .execute();
}

/** Both directions of the split link (APPC art. 65): the appeal this one came from, and its parts. */
export async function splitLinks(db: Executor, a: Pick<AppealRow, 'regionCode' | 'id' | 'splitFromId'>): Promise<{
  splitFrom: { id: string; slipNumber: string } | null;
  splits: { id: string; slipNumber: string; organizationId: string; state: string }[];
}> {
  const rows = await db
    .selectFrom('appeal')
    .select(['id', 'slipNumber', 'organizationId', 'state', 'splitFromId'])
    .where('regionCode', '=', a.regionCode)
    .where((eb) => eb.or([eb('splitFromId', '=', a.id), ...(a.splitFromId ? [eb('id', '=', a.splitFromId)] : [])]))
    .orderBy('slipNumber')
    .execute();
  const from = rows.find((r) => r.id === a.splitFromId);
  return {
    splitFrom: from ? { id: from.id, slipNumber: from.slipNumber } : null,
    splits: rows.filter((r) => r.splitFromId === a.id).map((r) => ({ id: r.id, slipNumber: r.slipNumber, organizationId: r.organizationId, state: r.state })),
  };
}

/** What an action answers with: the appeal's state and owner after it, and its case's version. */
export interface ActionState {
  id: string;
  state: string;
  organizationId: string;
  assigneeId: string | null;
  dueAt: Date | null;
  closedAt: Date | null;
  caseVersion: number;
}

/** What an answer writes on the appeal, with the sync after the action (`syncFromCaseRow`). */
export interface AnswerFields {
  answerText: string;
  answerDecision: string;
  answeredAt: Date;
  answeredBy: string | null;
  answerWorkingDays: number | null;
  answeredOnTime: boolean;
}

/** The appeal's columns that mirror its workflow case `c` (an UPDATE … FROM workflow_case c). */
const MIRRORED_FROM_CASE = sql`case_id = c.id, state = c.state, organization_id = c.organization_id, assignee_id = c.assignee_id,
      due_at = coalesce(c.due_at, c.state_due_at), closed_at = c.closed_at`;

/**
 * `syncFromCase` in one statement: the case's current row, read by the UPDATE itself, which
 * returns what the action answers with. With `verdict` the applicant's verdict (and rating), with
 * `answer` the answer's fields, are written by the same UPDATE: the appeal row carries 15 indexes, so each extra UPDATE of it
 * costs PostgreSQL an index entry in every one of them.
 */
export async function syncFromCaseRow(
  trx: Executor, regionCode: string, appealId: string, caseId: string, now: Date,
  extra: { verdict?: { verdict: string; rating: number | null } | undefined; answer?: AnswerFields | undefined } = {},
): Promise<ActionState> {
  const { verdict, answer } = extra;
  // A named statement (platform/db/prepared.ts), three texts: it runs on every lifecycle step, and
  // the step's own fields (a verdict, an answer) go with it — one write of the appeal row, not two.
  const own = verdict
    ? sql`, verdict = ${verdict.verdict}, rating = ${verdict.rating}, verdict_at = ${now}`
    : answer
      ? sql`, answer_text = ${answer.answerText}, answer_decision = ${answer.answerDecision}, answered_at = ${answer.answeredAt}, answered_by = ${answer.answeredBy}::uuid,
          answer_working_days = ${answer.answerWorkingDays}::int, answered_on_time = ${answer.answeredOnTime}`
      : sql``;
  const [row] = await executePrepared(trx, sql<ActionState>`update appeal a set ${MIRRORED_FROM_CASE}, updated_at = ${now}${own}
    from workflow_case c
    where c.region_code = ${regionCode} and c.id = ${caseId} and a.region_code = ${regionCode} and a.id = ${appealId}
    returning a.id, a.state, a.organization_id, a.assignee_id, a.due_at, a.closed_at, c.version as case_version`.compile(trx));
  if (!row) throw new Error(`syncFromCaseRow: no appeal ${regionCode}/${appealId} with case ${caseId}`);
  return row;
}

/**
 * `syncFromCaseRow` with the verdict "silent" for many appeals in one statement (the sweep's
 * closes on silence): each appeal takes its case's state, owner, due instant and close, the
 * rating it had stays. Throws unless every appeal was there with its case.
 */
export async function syncSilentVerdicts(trx: Executor, items: readonly { regionCode: string; appealId: string; caseId: string }[], now: Date): Promise<void> {
  if (items.length === 0) return;
  const r = await sql`update appeal a set ${MIRRORED_FROM_CASE}, updated_at = ${now}, verdict = 'silent', verdict_at = ${now}
    from unnest(${items.map((i) => i.regionCode)}::text[], ${items.map((i) => i.appealId)}::uuid[], ${items.map((i) => i.caseId)}::uuid[]) as k(region_code, appeal_id, case_id)
      join workflow_case c on c.region_code = k.region_code and c.id = k.case_id
    where a.region_code = k.region_code and a.id = k.appeal_id`.execute(trx);
  if (Number(r.numAffectedRows ?? 0n) !== items.length) throw new Error(`syncSilentVerdicts: ${items.length - Number(r.numAffectedRows ?? 0n)} appeals not found with their cases`);
}

// Slip prefixes change with the KATO classifier only, but a change must reach every process:
// appeal_region is revision-checked (migration 0011), so they live in a reference cache.
const prefixes = new ReferenceCache(1_000);

/** The slip prefix of a region (`KRG`); cached against the reference revision (platform/db/revision.ts). */
export async function slipPrefix(db: Executor, regionCode: string): Promise<string> {
  return (await prefixes.get(db, `slipPrefix:${regionCode}`, async () => {
    const row = await db.selectFrom('appealRegion').select('slipPrefix').where('regionCode', '=', regionCode).executeTakeFirst();
    return row?.slipPrefix ?? `R${regionCode.slice(0, 2)}`;
  }))!;
}

/**
 * The next slip sequence values (a PostgreSQL sequence per region and year, created on first
 * use) of one or many registrations in one statement, in the order given:
 * the function is called row by row as `unnest` yields them, so the numbers follow that order.
 */
export async function nextSlipSeqs(trx: Executor, items: readonly { regionCode: string; year: number }[]): Promise<number[]> {
  if (items.length === 0) return [];
  const r = await sql<{ n: number; o: number }>`select appeal_next_slip(v.r, v.y) as n, v.o
    from unnest(${items.map((i) => i.regionCode)}::text[], ${items.map((i) => i.year)}::int[]) with ordinality as v(r, y, o)`.execute(trx);
  const byOrder = new Map(r.rows.map((x) => [Number(x.o), Number(x.n)]));
  return items.map((_, i) => byOrder.get(i + 1)!);
}

export async function insertAttachments(trx: Executor, rows: Insertable<AppealAttachment>[]): Promise<void> {
  if (rows.length) await trx.insertInto('appealAttachment').values(rows).execute();
}

export async function listAttachments(db: Executor, regionCode: string, appealId: string): Promise<AttachmentRow[]> {
  return db.selectFrom('appealAttachment').selectAll().where('regionCode', '=', regionCode).where('appealId', '=', appealId).orderBy('createdAt').orderBy('id').execute();
}

export interface DuplicateCandidate {
  id: string;
  slipNumber: string;
  state: string;
  receivedAt: Date;
  similarity: number;
  distanceMetres: number | null;
}

/**
 * Open appeals of the same category near the same place, ranked by text similarity (pg_trgm).
 * "Near": within `radiusMetres` when both have a point (a bounding box on the index, then the
 * haversine distance), else the same KATO territory. Texts are compared through
 * `appeal_text_key` (lower case, Cyrillic transliterated: pg_trgm under a C locale sees no
 * trigrams in Cyrillic). Only the 200 most recent candidates
 * are ranked, so the cost does not grow with the register.
 */
export async function duplicateCandidates(
  db: Executor,
  q: { regionCode: string; categoryId: string; territoryCode: string; lat: number | null; lon: number | null; text: string; excludeIds: readonly string[]; radiusMetres: number; limit: number },
): Promise<DuplicateCandidate[]> {
  const near = q.lat !== null && q.lon !== null
    ? sql<boolean>`((a.lat between ${q.lat - q.radiusMetres / 111_000} and ${q.lat + q.radiusMetres / 111_000}
         and a.lon between ${q.lon - q.radiusMetres / (111_000 * Math.cos((q.lat * Math.PI) / 180))} and ${q.lon + q.radiusMetres / (111_000 * Math.cos((q.lat * Math.PI) / 180))})
         or (a.lat is null and a.territory_code = ${q.territoryCode}))`
    : sql<boolean>`a.territory_code = ${q.territoryCode}`;
  const distance = q.lat !== null && q.lon !== null
    ? sql<number | null>`case when a.lat is null then null else 2 * 6371000 * asin(sqrt(
        power(sin(radians(a.lat - ${q.lat}) / 2), 2) + cos(radians(${q.lat})) * cos(radians(a.lat)) * power(sin(radians(a.lon - ${q.lon}) / 2), 2))) end`
    : sql<number | null>`null::float8`;
  // The new appeal's text key is a sub-select, computed once per statement (an InitPlan), not
  // once per candidate as a function of a parameter would be.
  // A named statement (platform/db/prepared.ts), two texts (with a point or without): planning
  // it cost PostgreSQL more than running it, on every intake. Its plan does not depend on the
  // values much (region, category, a box around the point on appeal_open_category_ix).
  const raw = db.withoutPlugins();
  return executePrepared(raw, sql<{ id: string; slipNumber: string; state: string; receivedAt: Date; similarity: number; distanceMetres: number | null }>`
    with candidates as (
      select a.id, a.slip_number, a.state, a.received_at, a.text, ${distance} as distance_metres
      from appeal a
      where a.region_code = ${q.regionCode} and a.category_id = ${q.categoryId}
        and a.closed_at is null and a.original_id is null
        and a.id <> all(${q.excludeIds}::uuid[])
        and ${near}
      order by a.received_at desc
      limit 200)
    select id, slip_number as "slipNumber", state, received_at as "receivedAt",
      round(similarity(appeal_text_key(text), (select appeal_text_key(${q.text})))::numeric, 3)::float8 as similarity,
      round(distance_metres::numeric)::float8 as "distanceMetres"
    from candidates
    where distance_metres is null or distance_metres <= ${q.radiusMetres}
    order by similarity desc, received_at desc
    limit ${q.limit}`.compile(raw));
}
