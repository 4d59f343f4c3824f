import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { ANONYMOUS } from '../../platform/auth/actor.ts';
import { NATIONAL_REGION } from '../../platform/calendar/calendar.ts';
import type { Db, Executor } from '../../platform/db/database.ts';
import type { DeadlineUnit, LimitUnit, ProcessDefinition } from '../../platform/workflow/definition.ts';
import { checksumOf, listDefinitions, publishDefinition } from '../../platform/workflow/registry.ts';
import type { Localized } from '../directory/directory.service.ts';

/**
 * The rules of the APPC as data (table appeal_rule, seeded by migration 0005, each row with
 * its legal source) and the six appeal types (appeal_type). The lifecycle lives in
 * appeal.process.json; `buildAppealDefinition` fills its terms from the rule rows, and
 * `ensureAppealProcesses` publishes one national definition per answer term:
 *
 *   appeal                                   — answer_standard (15 working days, APPC art. 76)
 *   appeal.state_service_complaint           — answer_state_service_complaint (5 working days,
 *                                              Law on State Services art. 25)
 *
 * Changing a rule row and publishing again gives new appeals the new term; an appeal in
 * flight stays on the definition version it started on (the engine guarantees it).
 */

export interface AppealRule {
  code: string;
  amount: number | null;
  unit: string | null;
  legalSource: string;
  summary: Localized;
}

export interface AppealType {
  code: string;
  name: Localized;
  answerRule: string;
  legalSource: string;
  term: { amount: number; unit: string; legalSource: string };
}

export const APPEAL_TYPES = ['statement', 'complaint', 'proposal', 'request', 'response', 'report'] as const;
export type AppealTypeCode = (typeof APPEAL_TYPES)[number];

/** The rule whose term applies to complaints about a state service. */
export const STATE_SERVICE_RULE = 'answer_state_service_complaint';
export const STANDARD_RULE = 'answer_standard';

/** The process key of the definition carrying an answer rule's term. */
export function processKeyForRule(answerRule: string): string {
  return answerRule === STANDARD_RULE ? 'appeal' : `appeal.${answerRule.replace(/^answer_/, '')}`;
}

export async function listAppealRules(db: Executor): Promise<AppealRule[]> {
  const rows = await db.selectFrom('appealRule').selectAll().orderBy('code').execute();
  return rows.map((r) => ({ code: r.code, amount: r.amount, unit: r.unit, legalSource: r.legalSource, summary: { kk: r.summaryKk, ru: r.summaryRu, en: r.summaryEn } }));
}

export async function rulesByCode(db: Executor): Promise<Map<string, AppealRule>> {
  return new Map((await listAppealRules(db)).map((r) => [r.code, r]));
}

export async function listAppealTypes(db: Executor): Promise<AppealType[]> {
  const rows = await db
    .selectFrom('appealType as t')
    .innerJoin('appealRule as r', 'r.code', 't.answerRule')
    .select(['t.code', 't.nameKk', 't.nameRu', 't.nameEn', 't.answerRule', 't.legalSource', 'r.amount', 'r.unit', 'r.legalSource as termSource'])
    .orderBy('t.sort')
    .execute();
  return rows.map((r) => ({
    code: r.code,
    name: { kk: r.nameKk, ru: r.nameRu, en: r.nameEn },
    answerRule: r.answerRule,
    legalSource: r.legalSource,
    term: { amount: r.amount ?? 0, unit: r.unit ?? '', legalSource: r.termSource },
  }));
}

export async function findAppealType(db: Executor, code: string): Promise<AppealType | undefined> {
  return (await listAppealTypes(db)).find((t) => t.code === code);
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** The lifecycle as authored (appeal.process.json), before the rule rows fill its terms. */
export function appealProcessTemplate(): ProcessDefinition {
  return JSON.parse(fs.readFileSync(path.join(here, 'appeal.process.json'), 'utf8')) as ProcessDefinition;
}

function term(rules: Map<string, AppealRule>, code: string): { amount: number; unit: DeadlineUnit; legalSource: string } {
  const r = rules.get(code);
  if (!r || r.amount === null || !r.unit) throw new Error(`appeal rule ${code} is missing or has no term (migration 0005 seeds it)`);
  return { amount: r.amount, unit: r.unit as DeadlineUnit, legalSource: r.legalSource };
}

/**
 * The definition for one answer rule: the template with every term taken from the rules.
 * Pure; tested against the template so that the file and the rows never silently disagree.
 */
export function buildAppealDefinition(template: ProcessDefinition, rules: Map<string, AppealRule>, answerRule: string): ProcessDefinition {
  const def = structuredClone(template);
  def.key = processKeyForRule(answerRule);
  const answer = term(rules, answerRule);
  def.deadlines!.answer = { ...def.deadlines!.answer!, ...answer };
  const setState = (state: string, code: string) => {
    def.states[state]!.deadline = { ...def.states[state]!.deadline!, ...term(rules, code) };
  };
  setState('registered', 'forwarding');
  setState('answered', 'confirmation_window');
  setState('reopened', 'reconsideration');
  const limit = rules.get('extension_limit')!;
  const notice = rules.get('extension_notice')!;
  def.actions.extend!.extends = {
    ...def.actions.extend!.extends!,
    limit: { amount: limit.amount!, unit: limit.unit as LimitUnit },
    legalSource: `${limit.legalSource}; ${notice.legalSource}`,
  };
  const share = rules.get('reminder_share')!.amount!;
  const after = term(rules, 'coordination_after_breach');
  for (const ladder of ['standard', 'reopened']) {
    const steps = def.escalations![ladder]!;
    steps[0]!.at = { percent: share };
    steps[2]!.at = { afterBreach: { amount: after.amount, unit: after.unit } };
  }
  if (answerRule !== STANDARD_RULE) {
    def.title = { kk: `${def.title.kk} (${answer.amount})`, ru: `${def.title.ru} (${answer.amount})`, en: `${def.title.en} (${answer.amount})` };
  }
  return def;
}

/** Answer rules that need a definition: those of the types, and the state-service complaint. */
export async function answerRules(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom('appealType').select('answerRule').distinct().execute();
  return [...new Set([...rows.map((r) => r.answerRule), STATE_SERVICE_RULE])].sort();
}

/**
 * Publishes the national appeal definitions when missing or different from what the template
 * and the rules give now (a new version; cases in flight keep theirs). Idempotent and safe to
 * run from several processes at once (an advisory lock serializes them). Called at boot by
 * the routes and by the demo seed.
 */
export async function ensureAppealProcesses(db: Db, now: Date): Promise<Record<string, ProcessDefinition>> {
  return db.transaction().execute((trx) => publishAppealProcesses(trx, now));
}

const ensured = new WeakMap<Db, Promise<Record<string, ProcessDefinition>>>();

/**
 * `ensureAppealProcesses` once per database handle and process (the intake routes call it
 * before their first registration; a failure is retried on the next call). Not at boot: the
 * app is also built without a database (the OpenAPI export).
 */
export function ensureAppealProcessesOnce(db: Db, now: Date): Promise<Record<string, ProcessDefinition>> {
  let p = ensured.get(db);
  if (!p) {
    p = ensureAppealProcesses(db, now).catch((e: unknown) => {
      ensured.delete(db);
      throw e;
    });
    ensured.set(db, p);
  }
  return p;
}

/** `ensureAppealProcesses` inside the caller's transaction (the demo seed runs in one). */
export async function publishAppealProcesses(trx: Executor, now: Date): Promise<Record<string, ProcessDefinition>> {
  await sql`select pg_advisory_xact_lock(hashtext('appeals.ensure_processes'))`.execute(trx);
  const rules = await rulesByCode(trx);
  const template = appealProcessTemplate();
  const out: Record<string, ProcessDefinition> = {};
  for (const rule of await answerRules(trx)) {
    const def = buildAppealDefinition(template, rules, rule);
    out[def.key] = def;
    const published = await listDefinitions(trx, { processKey: def.key, regionCode: NATIONAL_REGION, status: 'published' });
    const latest = published.filter((d) => d.organizationId === null)[0];
    if (latest?.checksum === checksumOf(def)) continue;
    await publishDefinition(trx, { regionCode: NATIONAL_REGION, body: def, actor: ANONYMOUS, at: now });
  }
  return out;
}
