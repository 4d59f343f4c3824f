import type { Actor } from '../auth/actor.ts';
import { actorRef, appendAudit } from '../audit/audit.ts';
import type { Executor } from '../db/database.ts';
import { conflict } from '../http/errors.ts';
import type { CaseRef } from './cases.ts';
import type { WorkflowCase } from './hooks.ts';

/**
 * A module's bookkeeping entry on a case's timeline (e.g. the appeals' `$split` and
 * `$split_from`): neither the state nor the owner changes. The case version is bumped (a stale
 * `expectedVersion` is a 409, as for an action), one history row is written with the note's
 * action and data, and one `workflow.noted` audit row — not `workflow.assigned`, since nothing
 * was assigned. Notes may be written on closed cases too (they record, they do not act).
 */
export async function noteCase(
  trx: Executor,
  input: CaseRef & {
    action: `$${string}`;
    input?: Record<string, unknown>;
    comment?: string | null;
    /** The case version the user saw. */
    expectedVersion?: number;
    actor: Actor;
    at: Date;
  },
): Promise<WorkflowCase> {
  let q = trx
    .updateTable('workflowCase')
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('regionCode', '=', input.regionCode)
    .where('id', '=', input.caseId);
  if (input.expectedVersion !== undefined) q = q.where('version', '=', input.expectedVersion);
  const c = await q.returningAll().executeTakeFirst();
  if (!c) {
    const current = await trx.selectFrom('workflowCase').select('version').where('regionCode', '=', input.regionCode).where('id', '=', input.caseId).executeTakeFirst();
    if (!current) throw new Error(`noteCase: no case ${input.caseId}`);
    throw conflict(`case ${input.caseId} was changed meanwhile (version ${current.version}, expected ${String(input.expectedVersion)})`, {
      messageKey: 'workflow:version_conflict',
      params: { version: current.version },
    });
  }
  const ref = actorRef(input.actor);
  await trx
    .insertInto('workflowHistory')
    .values({
      regionCode: c.regionCode, caseId: c.id, seq: c.version, at: input.at, action: input.action, fromState: c.state, toState: c.state,
      actorKind: ref.kind, actorId: ref.id, comment: input.comment ?? null, input: JSON.stringify(input.input ?? {}), organizationId: c.organizationId, assigneeId: c.assigneeId,
    })
    .execute();
  await appendAudit(trx, {
    regionCode: c.regionCode, actor: input.actor, action: 'workflow.noted', entityType: 'workflow_case', entityId: c.id, organizationId: c.organizationId,
    data: { processKey: c.processKey, version: c.version, note: input.action }, at: input.at,
  });
  return c;
}
