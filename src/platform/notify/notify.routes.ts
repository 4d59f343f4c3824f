import { requireActor } from '../auth/guards.ts';
import { forbidden } from '../http/errors.ts';
import { PageQuery, problemResponses } from '../http/schemas.ts';
import type { App, AppDeps } from '../http/types.ts';
import type { Actor } from '../auth/actor.ts';
import { InboxIdParams, InboxPageSchema, MarkReadReply } from './notify.schema.ts';
import { listInbox, markRead } from './notify.ts';

/** Staff and citizens have an inbox; API clients do not. */
function inboxOwner(actor: Actor): string {
  const a = requireActor(actor);
  if (a.kind !== 'staff' && a.kind !== 'citizen') throw forbidden('only people have an inbox');
  return a.accountId;
}

/** The signed-in person's in-app inbox under /api. */
export async function registerNotifyRoutes(app: App, deps: AppDeps) {
  const { db, clock } = deps;

  app.get(
    '/inbox',
    {
      schema: {
        tags: ['notices'],
        summary: "The signed-in person's notices, newest first, with the unread count",
        querystring: PageQuery,
        response: { 200: InboxPageSchema, ...problemResponses },
      },
    },
    async (req) => {
      const accountId = inboxOwner(req.actor);
      const page = await listInbox(db, accountId, { limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 });
      return {
        ...page,
        items: page.items.map((i) => ({
          ...i,
          createdAt: i.createdAt.toISOString(),
          readAt: i.readAt?.toISOString() ?? null,
          isRead: i.readAt !== null,
        })),
      };
    },
  );

  app.post(
    '/inbox/:id/read',
    {
      schema: {
        tags: ['notices'],
        summary: 'Mark one of my notices read (idempotent: the first reading time is kept)',
        params: InboxIdParams,
        response: { 200: MarkReadReply, ...problemResponses },
      },
    },
    async (req) => {
      const accountId = inboxOwner(req.actor);
      const r = await markRead(db, accountId, req.params.id, clock.now());
      return { id: r.id, readAt: r.readAt.toISOString() };
    },
  );
}
