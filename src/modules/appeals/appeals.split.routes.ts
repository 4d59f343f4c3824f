import { requireStaff } from '../../platform/auth/guards.ts';
import { seedRevisions } from '../../platform/db/revision.ts';
import { idempotencyKeyOf, requestHash, withIdempotency } from '../../platform/http/idempotency.ts';
import { problemResponses } from '../../platform/http/schemas.ts';
import type { App, AppDeps } from '../../platform/http/types.ts';
import type { AppealsDeps } from './appeals.deps.ts';
import * as s from './appeals.schema.ts';
import { splitAppeal, type SplitInput, type SplitResult } from './appeals.split.ts';

/**
 * `POST /api/appeals/:id/split`: the part outside competence registered as a new appeal (APPC
 * art. 65). 201 with the new appeal's slip; `Idempotency-Key` makes a retry return it again (200).
 */
export async function registerAppealSplitRoutes(app: App, deps: AppDeps, appeals: AppealsDeps): Promise<void> {
  const { db, clock } = deps;
  app.post(
    '/appeals/:id/split',
    {
      schema: {
        tags: ['appeals'],
        summary: 'Split the part outside competence into a new appeal (staff of the holding organization, or a coordinator; APPC art. 65)',
        params: s.IdParams,
        headers: s.IdempotencyHeaders,
        body: s.SplitBody,
        response: { 200: s.SplitResult, 201: s.SplitResult, ...problemResponses },
      },
    },
    async (req, reply) => {
      const actor = requireStaff(req.actor);
      const now = clock.now();
      const key = idempotencyKeyOf(req.headers);
      const r = await db.transaction().execute((trx) => {
        seedRevisions(trx, req.revisions);
        return withIdempotency<SplitResult>(trx, { scope: `appeals.split:${req.params.id}:${actor.accountId}`, key, hash: requestHash(req.body), now }, async () => ({
          statusCode: 201,
          body: await splitAppeal(trx, appeals, { appealId: req.params.id }, req.body as SplitInput, actor, now),
        }));
      });
      return reply.status(r.replayed ? 200 : r.statusCode).header('idempotent-replayed', String(r.replayed)).send(r.body);
    },
  );
}
