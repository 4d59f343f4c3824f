import type { TSchema } from 'typebox';
import type { Actor } from '../../platform/auth/actor.ts';
import { requireActor } from '../../platform/auth/guards.ts';
import type { Executor } from '../../platform/db/database.ts';
import { seedRevisions } from '../../platform/db/revision.ts';
import { notFound } from '../../platform/http/errors.ts';
import { problemResponses } from '../../platform/http/schemas.ts';
import type { App, AppDeps } from '../../platform/http/types.ts';
import type { AppealsDeps } from './appeals.deps.ts';
import type { ActionState } from './appeals.repository.ts';
import { mergeAppeal } from './appeals.duplicates.ts';
import * as life from './appeals.lifecycle.ts';
import type { Attachment } from './appeals.intake.ts';
import { INTAKE_BODY_LIMIT, multipartJson } from './appeals.multipart.ts';
import * as s from './appeals.schema.ts';
import { executePrepared } from '../../platform/db/prepared.ts';
import { isUuid } from '../../platform/db/ids.ts';

const tags = ['appeals'];

/** The appeal's new state and its case version, read after the commit (for actions that do not return it). */
async function result(db: Executor, id: string) {
  const a = isUuid(id)
    ? (await executePrepared(db, db
        .selectFrom('appeal as a')
        .leftJoin('workflowCase as c', (j) => j.onRef('c.regionCode', '=', 'a.regionCode').onRef('c.id', '=', 'a.caseId'))
        .select(['a.id', 'a.state', 'a.organizationId', 'a.assigneeId', 'a.dueAt', 'a.closedAt', 'a.caseId', 'c.version'])
        .where('a.id', '=', id)))[0]
    : undefined;
  if (!a || !a.caseId) throw notFound('appeal', { messageKey: 'appeals:errors.appeal_not_found' });
  return { id: a.id, state: a.state, organizationId: a.organizationId, assigneeId: a.assigneeId, dueAt: a.dueAt, closedAt: a.closedAt, caseVersion: a.version ?? 0 };
}

/**
 * One POST per lifecycle action, `/api/appeals/:id/<action>`. The body names the case version
 * the user saw (`expectedVersion`, optional); the answer is the appeal's new state and version.
 */
export async function registerAppealActionRoutes(app: App, deps: AppDeps, appeals: AppealsDeps): Promise<void> {
  const { db, clock } = deps;

  function action<B extends TSchema>(
    path: string,
    summary: string,
    body: B,
    // Most actions return the appeal's state as their last write left it (the sync's RETURNING),
    // which saves reading it again after the commit.
    run: (trx: Executor, ref: life.AppealRef, body: never, actor: Actor, now: Date, files: Attachment[]) => Promise<ActionState | void>,
    opts: { multipart?: boolean } = {},
  ) {
    app.post(
      `/appeals/:id/${path}`,
      {
        ...(opts.multipart ? { bodyLimit: INTAKE_BODY_LIMIT, preValidation: multipartJson } : {}),
        schema: { tags, summary, params: s.IdParams, body, response: { 200: s.ActionResult, ...problemResponses } },
      },
      async (req) => {
        const actor = requireActor(req.actor);
        const params = req.params as { id: string };
        const state = await db.transaction().execute((trx) => {
          seedRevisions(trx, req.revisions);
          return run(trx, { appealId: params.id }, req.body as never, actor, clock.now(), req.appealFiles ?? []);
        });
        return state ?? result(db, params.id);
      },
    );
  }

  action('accept', 'Take the appeal into work (executor or head of the assigned organization)', s.VersionBody, (trx, ref, b: { expectedVersion?: number }, actor, now) =>
    life.acceptAppeal(trx, appeals, ref, b, actor, now));
  action('delegate', 'Hand the appeal to a staff member of the organization (head)', s.DelegateBody, (trx, ref, b: { expectedVersion?: number; assigneeId: string; comment?: string | null }, actor, now) =>
    life.delegateAppeal(trx, appeals, ref, b, actor, now));
  action('request-info', 'Ask the applicant for information (assignee or head)', s.RequestInfoBody, (trx, ref, b: { expectedVersion?: number; question: string }, actor, now) =>
    life.requestInformation(trx, appeals, ref, b, actor, now));
  action('provide-info', 'Give the information asked for (applicant, or an operator for a caller); JSON or multipart with files', s.ProvideInfoBody, (trx, ref, b: { expectedVersion?: number; text: string }, actor, now, files) =>
    life.provideInformation(trx, appeals, ref, { ...b, attachments: files }, actor, now), { multipart: true });
  action('answer', 'Answer the appeal: text required, attachments optional (assignee or head); JSON or multipart', s.AnswerBody, (trx, ref, b: { expectedVersion?: number; text: string; decision: string }, actor, now, files) =>
    life.answerAppeal(trx, appeals, ref, { ...b, attachments: files }, actor, now), { multipart: true });
  action('extend', 'Extend the term with a reason, two months at most (head; APPC art. 76)', s.ExtendBody, (trx, ref, b: { expectedVersion?: number; newDueDate: string; reason: string }, actor, now) =>
    life.extendAppeal(trx, appeals, ref, b, actor, now));
  action('feedback', 'Confirm or dispute the answer and rate it 1–5 (applicant, or an operator for a caller)', s.FeedbackBody,
    (trx, ref, b: { expectedVersion?: number; verdict: 'confirmed' | 'disputed'; rating: number; comment?: string | null }, actor, now) => life.giveFeedback(trx, appeals, ref, b, actor, now));
  action('route', 'Route a registered appeal to an organization (coordination centre)', s.RouteBody, (trx, ref, b: { expectedVersion?: number; organizationId: string; comment?: string | null }, actor, now) =>
    life.routeAppeal(trx, appeals, ref, b, actor, now));
  action('reassign', 'Move the appeal to another organization, with the reason (coordination centre)', s.ReassignBody, (trx, ref, b: { expectedVersion?: number; organizationId: string; reason: string }, actor, now) =>
    life.reassignAppeal(trx, appeals, ref, b, actor, now));
  action('return', 'Return the appeal as "not ours", with the reason: back to the coordination centre (organization)', s.ReasonBody, (trx, ref, b: { expectedVersion?: number; reason: string }, actor, now) =>
    life.returnAppeal(trx, appeals, ref, b, actor, now));
  action('forward', 'Forward to a competent body outside Ortak within 3 working days (coordination centre; APPC art. 65)', s.ForwardBody, (trx, ref, b: { expectedVersion?: number; recipient: string; reason: string }, actor, now) =>
    life.forwardAppeal(trx, appeals, ref, b, actor, now));
  action('merge', 'Merge this duplicate into its original (staff who see both)', s.MergeBody, (trx, ref, b: { expectedVersion?: number; originalId: string; comment?: string | null }, actor, now) =>
    mergeAppeal(trx, appeals, ref, b, actor, now));
  action('withdraw', 'Withdraw the appeal (applicant, or an operator for a caller)', s.WithdrawBody, (trx, ref, b: { expectedVersion?: number; comment?: string | null }, actor, now) =>
    life.withdrawAppeal(trx, appeals, ref, b, actor, now));
}
