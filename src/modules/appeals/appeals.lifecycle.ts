import type { Actor } from '../../platform/auth/actor.ts';
import { getCalendar, type Calendar } from '../../platform/calendar/calendar.ts';
import type { Executor } from '../../platform/db/database.ts';
import { storeFile } from '../../platform/files/files.ts';
import { DomainError, forbidden, invalid, notFound } from '../../platform/http/errors.ts';
import { assignCase, performAction, type PerformActionInput } from '../../platform/workflow/cases.ts';
import { findOrganization, isWithinOrganization } from '../directory/directory.service.ts';
import { getStaff } from '../directory/staff.service.ts';
import { accessTo, assertCoordinator, assertOrganizationStaff, findCoordinationOrganization, type Access } from './appeals.access.ts';
import type { AppealsDeps } from './appeals.deps.ts';
import { followAnswer, syncAppeal } from './appeals.effects.ts';
import type { Attachment } from './appeals.intake.ts';
import * as repo from './appeals.repository.ts';
import type { WorkflowCase } from '../../platform/workflow/hooks.ts';

/**
 * Every lifecycle action of an appeal. Each checks who may act (appeals.access.ts: the party,
 * then the engine's role check against the definition's roles), performs the workflow action
 * in the caller's transaction, and copies the case's state onto the appeal row. An action names
 * the case version it saw (`expectedVersion`): a concurrent change is a 409.
 */

export interface AppealRef {
  appealId: string;
}

export interface Versioned {
  expectedVersion?: number;
}

export type ActionAppeal = repo.AppealRow & { caseId: string; case: WorkflowCase };

/**
 * The appeal with its case (one statement), if `actor` is one of the parties allowed; 404 when it
 * does not exist, 403 otherwise.
 */
export async function loadForAction(db: Executor, ref: AppealRef, actor: Actor, parties: readonly Access[]): Promise<ActionAppeal> {
  const a = await repo.findAppealWithCase(db, ref.appealId);
  if (!a || !a.caseId || !a.case) throw notFound('appeal', { messageKey: 'appeals:errors.appeal_not_found' });
  const access = await accessTo(db, actor, a);
  if (!access || !parties.includes(access)) throw forbidden('not a party to this action', { messageKey: 'appeals:errors.no_access' });
  return a as ActionAppeal;
}

async function act(
  trx: Executor,
  deps: AppealsDeps,
  a: ActionAppeal,
  action: string,
  opts: Versioned & Pick<PerformActionInput, 'input' | 'comment' | 'assign' | 'asSystem'> & { verdict?: { verdict: string; rating: number | null }; answer?: repo.AnswerFields },
  actor: Actor,
  now: Date,
): Promise<repo.ActionState> {
  // The case and the appeal as loadForAction read them: the engine and the effects read neither again.
  const { case: current, ...subject } = a;
  await performAction(trx, deps.workflow, {
    regionCode: a.regionCode, caseId: a.caseId, action, actor, at: now, current, subject,
    ...(opts.expectedVersion !== undefined ? { expectedVersion: opts.expectedVersion } : {}),
    ...(opts.input ? { input: opts.input } : {}),
    ...(opts.comment !== undefined ? { comment: opts.comment } : {}),
    ...(opts.assign ? { assign: opts.assign } : {}),
    ...(opts.asSystem ? { asSystem: true } : {}),
  });
  return syncAppeal(trx, a.regionCode, a.id, a.caseId, now, { verdict: opts.verdict, answer: opts.answer });
}

async function storeAttachments(trx: Executor, deps: AppealsDeps, a: repo.AppealRow, files: Attachment[] | undefined, stage: 'info' | 'answer', actor: Actor, now: Date): Promise<void> {
  const by = actor.kind === 'staff' ? { kind: 'staff', id: actor.staffId } : actor.kind === 'citizen' ? { kind: 'citizen', id: actor.accountId } : { kind: actor.kind, id: null };
  for (const [i, f] of (files ?? []).entries()) {
    const s = await storeFile(trx, deps.files, { bytes: f.bytes, originalName: f.originalName, declaredMime: f.declaredMime, field: f.field ?? `attachments.${i}` }, now);
    await repo.insertAttachments(trx, [{ regionCode: a.regionCode, appealId: a.id, fileId: s.id, stage, originalName: s.originalName, mime: s.mime, size: s.size, sha256: s.sha256, uploadedByKind: by.kind, uploadedById: by.id, createdAt: now }]);
  }
}

function cleanLong(field: string, v: string, max: number): string {
  const s = v.replace(/\r\n/g, '\n').trim();
  if (!s) throw invalid(field, 'required', 'appeals:errors.text_required');
  if (s.includes('\u0000')) throw invalid(field, 'contains a NUL character', 'appeals:errors.text_invalid');
  if ([...s].length > max) throw invalid(field, 'too long', 'appeals:errors.text_too_long', { max });
  return s;
}

async function activeOrganization(db: Executor, id: string): Promise<string> {
  const o = await findOrganization(db, id);
  if (!o || !o.isActive) throw invalid('organizationId', 'unknown or closed organization', 'appeals:errors.organization_not_found');
  return o.id;
}

/** An executor (or the head) of the assigned organization takes the appeal; they become its assignee. */
export async function acceptAppeal(trx: Executor, deps: AppealsDeps, ref: AppealRef, input: Versioned, actor: Actor, now: Date): Promise<repo.ActionState> {
  const a = await loadForAction(trx, ref, actor, ['organization', 'coordination']);
  const staff = await assertOrganizationStaff(trx, actor, a);
  return act(trx, deps, a, 'accept', { ...input, assign: { assigneeId: staff.staffId } }, actor, now);
}

/** The head hands the appeal to a staff member of the organization (or below it); the state stays. */
export async function delegateAppeal(trx: Executor, deps: AppealsDeps, ref: AppealRef, input: Versioned & { assigneeId: string; comment?: string | null }, actor: Actor, now: Date): Promise<repo.ActionState> {
  const a = await loadForAction(trx, ref, actor, ['organization', 'coordination']);
  await assertOrganizationStaff(trx, actor, a, ['head']);
  if (a.closedAt || a.state === 'registered') {
    throw new DomainError('invalid_transition', 'only an appeal assigned to an organization can be delegated', { status: 409, messageKey: 'appeals:errors.cannot_delegate' });
  }
  const staff = await getStaff(trx, input.assigneeId, actor).catch(() => undefined);
  if (!staff || !staff.isActive || !(await isWithinOrganization(trx, staff.organizationId, a.organizationId))) {
    throw invalid('assigneeId', 'not an active staff member of the organization', 'appeals:errors.assignee_invalid');
  }
  await assignCase(trx, {
    regionCode: a.regionCode, caseId: a.caseId, assigneeId: staff.id, comment: input.comment ?? null, actor, at: now,
    ...(input.expectedVersion !== undefined ? { expectedVersion: input.expectedVersion } : {}),
  });
  return syncAppeal(trx, a.regionCode, a.id, a.caseId, now);
}

export async function requestInformation(trx: Executor, deps: AppealsDeps, ref: AppealRef, input: Versioned & { question: string }, actor: Actor, now: Date): Promise<repo.ActionState> {
  const a = await loadForAction(trx, ref, actor, ['organization', 'coordination']);
  return act(trx, deps, a, 'request_info', { ...input, comment: cleanLong('question', input.question, 5000) }, actor, now);
}

/** The applicant (or an operator for a caller) answers a request for information, with files. */
export async function provideInformation(
  trx: Executor, deps: AppealsDeps, ref: AppealRef, input: Versioned & { text: string; attachments?: Attachment[] }, actor: Actor, now: Date,
): Promise<repo.ActionState> {
  const a = await loadForAction(trx, ref, actor, ['applicant', 'coordination']);
  const state = await act(trx, deps, a, 'provide_info', { ...input, comment: cleanLong('text', input.text, 10_000) }, actor, now);
  await storeAttachments(trx, deps, a, input.attachments, 'info', actor, now);
  return state;
}

/**
 * Working days from the receipt to the answer; null when the calendar does not cover the span
 * (an appeal received before its first day, e.g. migrated from an older register). The answer
 * never fails for it: reports average the answer time over the answers that have the count.
 */
function answerDays(cal: Calendar, receivedAt: Date, now: Date): number | null {
  try {
    return cal.workingDaysBetween(receivedAt, now);
  } catch (e) {
    if (e instanceof DomainError && e.messageKey === 'calendar:errors.out_of_range') return null;
    throw e;
  }
}

/** No answer without text; an answer may carry attachments. The assignee or the head answers. */
export async function answerAppeal(
  trx: Executor, deps: AppealsDeps, ref: AppealRef, input: Versioned & { text: string; decision: string; attachments?: Attachment[] }, actor: Actor, now: Date,
): Promise<repo.ActionState> {
  const a = await loadForAction(trx, ref, actor, ['organization', 'coordination']);
  const text = cleanLong('text', input.text, 20_000);
  // Mirrors for reports: working days from the receipt day to this answer, and on time = no deemed refusal recorded.
  const answer: repo.AnswerFields = {
    answerText: text, answerDecision: input.decision, answeredAt: now, answeredBy: actor.kind === 'staff' ? actor.staffId : null,
    answerWorkingDays: answerDays(await getCalendar(trx, a.regionCode), a.receivedAt, now), answeredOnTime: a.deemedRefusalAt === null,
  };
  // The answer goes on the appeal with the sync after the action: one write of the row, not two.
  const state = await act(trx, deps, a, 'answer', { expectedVersion: input.expectedVersion, input: { decision: input.decision }, answer }, actor, now);
  await followAnswer(trx, a, answer, state.caseVersion, now);
  await storeAttachments(trx, deps, a, input.attachments, 'answer', actor, now);
  return state;
}

/** The head (or a deputy holding `head`) extends the term with a reason; two months at most (APPC art. 76). */
export async function extendAppeal(trx: Executor, deps: AppealsDeps, ref: AppealRef, input: Versioned & { newDueDate: string; reason: string }, actor: Actor, now: Date): Promise<repo.ActionState> {
  const a = await loadForAction(trx, ref, actor, ['organization', 'coordination']);
  return act(trx, deps, a, 'extend', { expectedVersion: input.expectedVersion, input: { newDueDate: input.newDueDate }, comment: cleanLong('reason', input.reason, 2000) }, actor, now);
}

/** The applicant confirms (closed) or disputes (reopened) the answer and rates it 1–5. */
export async function giveFeedback(
  trx: Executor, deps: AppealsDeps, ref: AppealRef, input: Versioned & { verdict: 'confirmed' | 'disputed'; rating: number; comment?: string | null }, actor: Actor, now: Date,
): Promise<repo.ActionState> {
  const a = await loadForAction(trx, ref, actor, ['applicant', 'coordination']);
  if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5) throw invalid('rating', 'from 1 to 5', 'appeals:errors.rating');
  const comment = input.verdict === 'disputed' ? cleanLong('comment', input.comment ?? '', 5000) : input.comment?.trim() || null;
  // The verdict goes with the sync after the action: one write of the appeal row, not two.
  return act(trx, deps, a, input.verdict === 'confirmed' ? 'confirm' : 'dispute', {
    expectedVersion: input.expectedVersion, input: { rating: input.rating }, comment, verdict: { verdict: input.verdict, rating: input.rating },
  }, actor, now);
}

/** The coordination centre routes an appeal that no rule placed (or that came back). */
export async function routeAppeal(trx: Executor, deps: AppealsDeps, ref: AppealRef, input: Versioned & { organizationId: string; comment?: string | null }, actor: Actor, now: Date): Promise<repo.ActionState> {
  const a = await loadForAction(trx, ref, actor, ['coordination']);
  await assertCoordinator(trx, actor, a.regionCode);
  const organizationId = await activeOrganization(trx, input.organizationId);
  return act(trx, deps, a, 'route', { expectedVersion: input.expectedVersion, assign: { organizationId }, comment: input.comment?.trim() || null }, actor, now);
}

/** The coordination centre moves an appeal to another organization; the reason is logged. */
export async function reassignAppeal(trx: Executor, deps: AppealsDeps, ref: AppealRef, input: Versioned & { organizationId: string; reason: string }, actor: Actor, now: Date): Promise<repo.ActionState> {
  const a = await loadForAction(trx, ref, actor, ['coordination']);
  await assertCoordinator(trx, actor, a.regionCode);
  const organizationId = await activeOrganization(trx, input.organizationId);
  if (organizationId === a.organizationId) throw invalid('organizationId', 'the appeal is there already', 'appeals:errors.same_organization');
  return act(trx, deps, a, 'reassign', { expectedVersion: input.expectedVersion, assign: { organizationId, assigneeId: null }, comment: cleanLong('reason', input.reason, 2000) }, actor, now);
}

/** The organization returns the appeal as "not ours", with a reason: back to the coordination centre. */
export async function returnAppeal(trx: Executor, deps: AppealsDeps, ref: AppealRef, input: Versioned & { reason: string }, actor: Actor, now: Date): Promise<repo.ActionState> {
  const a = await loadForAction(trx, ref, actor, ['organization']);
  const cc = await findCoordinationOrganization(trx, a.regionCode);
  if (!cc) throw invalid('(request)', 'no coordination centre', 'appeals:errors.region_not_served');
  return act(trx, deps, a, 'return', { expectedVersion: input.expectedVersion, assign: { organizationId: cc.id, assigneeId: null }, comment: cleanLong('reason', input.reason, 2000) }, actor, now);
}

/** The coordination centre forwards an appeal outside Ortak's organizations (police, courts) within 3 working days (APPC art. 65). */
export async function forwardAppeal(trx: Executor, deps: AppealsDeps, ref: AppealRef, input: Versioned & { recipient: string; reason: string }, actor: Actor, now: Date): Promise<repo.ActionState> {
  const a = await loadForAction(trx, ref, actor, ['coordination']);
  await assertCoordinator(trx, actor, a.regionCode);
  return act(trx, deps, a, 'forward', { expectedVersion: input.expectedVersion, input: { recipient: cleanLong('recipient', input.recipient, 500) }, comment: cleanLong('reason', input.reason, 2000) }, actor, now);
}

/** The applicant (or an operator for a caller) withdraws the appeal. */
export async function withdrawAppeal(trx: Executor, deps: AppealsDeps, ref: AppealRef, input: Versioned & { comment?: string | null }, actor: Actor, now: Date): Promise<repo.ActionState> {
  const a = await loadForAction(trx, ref, actor, ['applicant', 'coordination']);
  return act(trx, deps, a, 'withdraw', { expectedVersion: input.expectedVersion, comment: input.comment?.trim() || null }, actor, now);
}
