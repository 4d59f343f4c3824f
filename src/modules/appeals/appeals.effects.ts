import type { Executor } from '../../platform/db/database.ts';
import { executePrepared } from '../../platform/db/prepared.ts';
import type { Lang } from '../../platform/i18n/i18n.ts';
import { assignCase, performAction, performSystemActions } from '../../platform/workflow/cases.ts';
import type { BatchEffectHandler, EffectContext, EffectHandler, HookRegistry, SweepBatch, WorkflowHooks, WorkflowNotice } from '../../platform/workflow/hooks.ts';
import { t } from '../../platform/i18n/i18n.ts';
import * as repo from './appeals.repository.ts';
import { localTime, notifyApplicant, notifyStaff, organizationName, primeStaffLookups, staffAccounts } from './appeals.notices.ts';
import { processKeyForRule, STANDARD_RULE, STATE_SERVICE_RULE } from './appeals.rules.ts';

/**
 * The effects appeal.process.json names and the notice hook of the escalation sweep. They run
 * inside the engine's transaction (an action's or a sweep step's): every row and notice they
 * write commits with the step. None calls the network.
 */

async function appealOf(ctx: { trx: Executor; case: { regionCode: string; subjectId: string }; subject?: unknown }): Promise<repo.AppealRow> {
  // A user's action hands over the appeal it read in this transaction (appeals.lifecycle.ts, `act`).
  const given = ctx.subject as repo.AppealRow | undefined;
  if (given && given.id === ctx.case.subjectId && given.regionCode === ctx.case.regionCode) return given;
  const a = await repo.findAppeal(ctx.trx, ctx.case.regionCode, ctx.case.subjectId);
  if (!a) throw new Error(`appeal ${ctx.case.subjectId} of a workflow case is missing`);
  return a;
}

/**
 * Copies the case's state, owner and due instant onto the appeal (one statement; with `verdict`,
 * the applicant's verdict too); returns what the action answers with.
 */
export async function syncAppeal(
  trx: Executor, regionCode: string, appealId: string, caseId: string, now: Date,
  extra?: { verdict?: { verdict: string; rating: number | null } | undefined; answer?: repo.AnswerFields | undefined },
): Promise<repo.ActionState> {
  return repo.syncFromCaseRow(trx, regionCode, appealId, caseId, now, extra);
}

const lang = (a: repo.AppealRow) => a.lang as Lang;

const effects: Record<string, EffectHandler> = {
  // APPC art. 65: the applicant learns where the appeal went. At registration the slip already says it.
  async noticeApplicantRouted(ctx) {
    if (ctx.case.startedAt.getTime() === ctx.at.getTime()) return;
    const a = await appealOf(ctx);
    await notifyApplicant(ctx.trx, a, 'routed', { organization: await organizationName(ctx.trx, ctx.case.organizationId, lang(a)) }, ctx.at, `routed:${ctx.case.version}`);
  },

  async noticeApplicantForwarded(ctx) {
    const a = await appealOf(ctx);
    const recipient = ctx.trigger.kind === 'action' ? String(ctx.trigger.input.recipient ?? '') : '';
    await repo.updateAppeal(ctx.trx, a.regionCode, a.id, { forwardedTo: recipient, updatedAt: ctx.at });
    await notifyApplicant(ctx.trx, a, 'forwarded', { recipient }, ctx.at, 'forwarded');
  },

  async noticeApplicantInfoRequested(ctx) {
    const a = await appealOf(ctx);
    const question = ctx.trigger.kind === 'action' ? (ctx.trigger.comment ?? '') : '';
    await notifyApplicant(ctx.trx, a, 'info_requested', { question }, ctx.at, `info_requested:${ctx.case.version}`);
  },

  async noticeAssigneeInfoProvided(ctx) {
    const a = await appealOf(ctx);
    const to = await staffAccounts(ctx.trx, ctx.case.organizationId, 'assignee', ctx.case.assigneeId);
    await notifyStaff(ctx.trx, a, to, 'staff_info_provided', {}, ctx.at, `info_provided:${ctx.case.version}`);
  },

  // The applicant is told. The answer itself goes on the appeal with the sync after the action,
  // and the duplicates merged into it follow it then (answerAppeal, `followAnswer`).
  async sendAnswer(ctx) {
    const a = await appealOf(ctx);
    const decision = ctx.trigger.kind === 'action' ? String(ctx.trigger.input.decision ?? '') : '';
    await notifyApplicant(ctx.trx, a, 'answered', { decision: t(lang(a), `appeals:decision.${decision}`) }, ctx.at, `answered:${ctx.case.version}`);
  },

  // APPC art. 76: the applicant is told of the extension (the rule allows 3 working days; we tell at once).
  async noticeApplicantExtended(ctx) {
    const a = await appealOf(ctx);
    await repo.updateAppeal(ctx.trx, a.regionCode, a.id, { extensionCount: a.extensionCount + 1, dueAt: ctx.case.dueAt, updatedAt: ctx.at });
    const reason = ctx.trigger.kind === 'action' ? (ctx.trigger.comment ?? '') : '';
    await notifyApplicant(ctx.trx, a, 'extended', { due: localTime(ctx.case.dueAt), reason }, ctx.at, `extended:${ctx.case.version}`);
  },

  // "Not ours": back to the coordination centre, which routes it again.
  async noticeCoordinatorReturned(ctx) {
    const a = await appealOf(ctx);
    await repo.updateAppeal(ctx.trx, a.regionCode, a.id, { returnCount: a.returnCount + 1, updatedAt: ctx.at });
    const to = await staffAccounts(ctx.trx, ctx.case.organizationId, 'coordinator', null);
    const reason = ctx.trigger.kind === 'action' ? (ctx.trigger.comment ?? '') : '';
    await notifyStaff(ctx.trx, a, to, 'staff_returned', { reason }, ctx.at, `returned:${ctx.case.version}`);
  },

  async noticeApplicantMerged(ctx) {
    const a = await appealOf(ctx);
    const originalId = ctx.trigger.kind === 'action' ? String(ctx.trigger.input.originalId ?? '') : '';
    const original = await repo.findAppeal(ctx.trx, a.regionCode, originalId);
    await notifyApplicant(ctx.trx, a, 'merged', { original: original?.slipNumber ?? '—' }, ctx.at, 'merged');
  },

  // A disputed answer: counted as a reopen, back to the organization one level up — the head
  // takes it (the assignee is cleared) and is told; the reconsideration ladder runs a level higher.
  async reopenToHead(ctx) {
    const a = await appealOf(ctx);
    const c = await assignCase(ctx.trx, { regionCode: ctx.case.regionCode, caseId: ctx.case.id, assigneeId: null, actor: ctx.actor, at: ctx.at, comment: 'reopened: to the head of the organization' });
    await repo.updateAppeal(ctx.trx, a.regionCode, a.id, { reopenCount: a.reopenCount + 1, updatedAt: ctx.at });
    const to = await staffAccounts(ctx.trx, c.organizationId, 'head', null);
    await notifyStaff(ctx.trx, a, to, 'staff_reopened', {}, ctx.at, `reopened:${a.reopenCount + 1}`);
  },

  // APPC art. 91: silence past the term is a refusal; recorded once, the applicant told.
  recordDeemedRefusal: (ctx) => recordDeemedRefusal([ctx]),

  // The confirmation window passed in silence: the appeal closes as answered.
  async closeOnSilence(ctx) {
    const a = await appealOf(ctx);
    await performAction(ctx.trx, SYSTEM_DEPS, { regionCode: ctx.case.regionCode, caseId: ctx.case.id, action: 'close_on_silence', actor: ctx.actor, at: ctx.at, asSystem: true });
    await syncAppeal(ctx.trx, a.regionCode, a.id, ctx.case.id, ctx.at, { verdict: { verdict: 'silent', rating: a.rating } });
  },
};

const NOTICE_TEMPLATE: Record<string, string> = { reminder: 'staff_reminder', breach: 'staff_breach', after_breach: 'staff_escalation' };

/**
 * Escalation notices of the sweep, a chunk's at once: the appeals read in one statement, the
 * "escalated" mirror set in one, then the people behind each recipient told (their notices
 * written with the chunk's others at its end).
 */
async function onNotices(trx: Executor, items: readonly { notice: WorkflowNotice }[], batch?: SweepBatch): Promise<void> {
  const keys = [...new Map(items.map(({ notice: n }) => [`${n.regionCode}|${n.data.subjectId}`, { regionCode: n.regionCode, id: String(n.data.subjectId ?? '') }])).values()];
  const appeals = new Map((await repo.findAppealsForNotices(trx, keys)).map((a) => [`${a.regionCode}|${a.id}`, a]));
  // "Escalated" (reports): the first step that reached the coordination centre, mirrored on the appeal.
  const escalated = items.filter(({ notice: n }) => n.recipient === 'coordinator' && !appeals.get(`${n.regionCode}|${n.data.subjectId}`)?.escalatedAt);
  if (escalated.length) await repo.markEscalated(trx, escalated.map(({ notice: n }) => ({ regionCode: n.regionCode, id: String(n.data.subjectId) })), escalated[0]!.notice.createdAt);
  if (batch && items.length > 1) await primeStaffLookups(trx, batch, items.map(({ notice: n }) => n));
  for (const { notice: n } of items) {
    const a = appeals.get(`${n.regionCode}|${n.data.subjectId}`);
    if (!a) continue;
    const to = await staffAccounts(trx, n.organizationId, n.recipient, n.assigneeId, batch);
    const template = NOTICE_TEMPLATE[n.kind] ?? 'staff_reminder';
    await notifyStaff(trx, { ...a, dueAt: new Date(String(n.data.dueAt)) }, to, template, { level: n.level }, n.createdAt, `wf:${n.id}`, batch);
  }
}

/** Set-wise effects of the sweep (hooks.ts `BatchEffectHandler`): the same rows and notices as `effects`. */
const batchEffects: Record<string, BatchEffectHandler> = { recordDeemedRefusal, closeOnSilence: closeOnSilenceSet };

/** `closeOnSilence` for a chunk: the system's close in a statement per kind of row, then the appeals' mirrors and verdicts in one. */
async function closeOnSilenceSet(ctxs: readonly EffectContext[]): Promise<void> {
  const { trx, at, actor } = ctxs[0]!;
  await performSystemActions(trx, ctxs.map((c) => c.case), 'close_on_silence', actor, at);
  await repo.syncSilentVerdicts(trx, ctxs.map((c) => ({ regionCode: c.case.regionCode, appealId: c.case.subjectId, caseId: c.case.id })), at);
}

/** APPC art. 91 on the appeals of `ctxs` (one transaction, one instant): see `repo.recordDeemedRefusals`. */
async function recordDeemedRefusal(ctxs: readonly EffectContext[]): Promise<void> {
  const { trx, at, batch } = ctxs[0]!;
  const recorded = await repo.recordDeemedRefusals(trx, ctxs.map((c) => ({ regionCode: c.case.regionCode, id: c.case.subjectId })), at);
  for (const a of recorded) await notifyApplicant(trx, a, 'deemed_refusal', {}, at, 'deemed_refusal', batch);
}

const hooks: WorkflowHooks = {
  effects,
  batchEffects,
  onNotice: (trx, notice, _c, batch) => onNotices(trx, [{ notice }], batch),
  onNotices: (trx, items, batch) => onNotices(trx, items, batch),
};

// closeOnSilence acts as the system: the role check is never consulted (actions for `system` only).
const SYSTEM_DEPS = { checkRole: async () => false, hooks: {} as HookRegistry };

/** Hooks for every appeal process key (one definition per answer term); for `workflowHooks()`. */
export function appealHooks(): HookRegistry {
  const keys = new Set([processKeyForRule(STANDARD_RULE), processKeyForRule(STATE_SERVICE_RULE)]);
  return Object.fromEntries([...keys].map((k) => [k, hooks]));
}

/**
 * Duplicates merged into an appeal follow its answer, and each of their applicants is told
 * (after the answer's sync wrote it on the appeal: `caseVersion` is the answered case's).
 */
export async function followAnswer(trx: Executor, a: repo.AppealRow, answer: repo.AnswerFields, caseVersion: number, now: Date): Promise<void> {
  const duplicates = await executePrepared(trx, trx.selectFrom('appeal').select('id').where('regionCode', '=', a.regionCode).where('originalId', '=', a.id));
  for (const d of duplicates) await copyAnswerToDuplicate(trx, a, d.id, answer, now, `answered_original:${a.id}:${caseVersion}`);
}

/** One duplicate takes its original's answer and its applicant is told (on the answer, or on a merge into an answered appeal). */
export async function copyAnswerToDuplicate(
  trx: Executor, original: Pick<repo.AppealRow, 'regionCode' | 'slipNumber'>, duplicateId: string,
  answer: Pick<repo.AppealRow, 'answerText' | 'answerDecision' | 'answeredAt' | 'answeredBy'>, now: Date, dedupeKey: string,
): Promise<void> {
  await repo.updateAppeal(trx, original.regionCode, duplicateId, { answerText: answer.answerText, answerDecision: answer.answerDecision, answeredAt: answer.answeredAt, answeredBy: answer.answeredBy, updatedAt: now });
  const dup = (await repo.findAppeal(trx, original.regionCode, duplicateId))!;
  await notifyApplicant(trx, dup, 'answered_original', { original: original.slipNumber, decision: t(lang(dup), `appeals:decision.${answer.answerDecision}`) }, now, dedupeKey);
}
