import { Type } from 'typebox';
import { forbidden } from '../http/errors.ts';
import { problemResponses } from '../http/schemas.ts';
import type { App, AppDeps } from '../http/types.ts';
import { requireStaff } from '../auth/guards.ts';
import { verifyAudit } from './audit.ts';

const AuditRow = Type.Object({
  regionCode: Type.String(),
  seq: Type.Union([Type.Integer(), Type.Null()], { description: 'Position in the region chain; null until sealed (seconds)' }),
  at: Type.String({ format: 'date-time' }),
  actorKind: Type.String(),
  actorId: Type.Union([Type.String(), Type.Null()]),
  organizationId: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  entityType: Type.String(),
  entityId: Type.String(),
  data: Type.Unknown(),
  hash: Type.Union([Type.String(), Type.Null()]),
});

/** Reading the audit log: administrators and coordinators of the region it belongs to. */
export async function registerAuditRoutes(app: App, deps: AppDeps) {
  const { db } = deps;
  const canRead = (roles: { role: string }[]) => roles.some((r) => r.role === 'administrator' || r.role === 'coordinator');

  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: "An entity's audit trail in its region's chain",
        querystring: Type.Object({
          entityType: Type.String({ minLength: 1, maxLength: 60 }),
          entityId: Type.String({ minLength: 1, maxLength: 100 }),
        }),
        response: { 200: Type.Object({ items: Type.Array(AuditRow) }), ...problemResponses },
      },
    },
    async (req) => {
      const actor = requireStaff(req.actor);
      if (!canRead(actor.roles)) throw forbidden('administrator or coordinator only');
      const rows = await db
        .selectFrom('auditLog')
        .leftJoin('auditSeal', (j) => j.onRef('auditSeal.regionCode', '=', 'auditLog.regionCode').onRef('auditSeal.logId', '=', 'auditLog.id'))
        .select(['auditLog.regionCode', 'auditSeal.seq', 'auditLog.at', 'auditLog.actorKind', 'auditLog.actorId', 'auditLog.organizationId', 'auditLog.action', 'auditLog.entityType', 'auditLog.entityId', 'auditLog.data', 'auditSeal.hash'])
        .where('auditLog.entityType', '=', req.query.entityType)
        .where('auditLog.entityId', '=', req.query.entityId)
        .where('auditLog.regionCode', '=', actor.regionCode)
        .orderBy('auditLog.at')
        .orderBy('auditLog.pos')
        .limit(1000)
        .execute();
      return { items: rows.map((r) => ({ ...r, seq: r.seq === null ? null : Number(r.seq), hash: r.hash ?? null, at: new Date(r.at).toISOString() })) };
    },
  );

  app.get(
    '/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary: 'Walk every chain and name the first broken row',
        response: {
          200: Type.Object({
            ok: Type.Boolean(),
            regions: Type.Array(Type.Object({ regionCode: Type.String(), rows: Type.Integer() })),
            pending: Type.Integer(),
            firstBroken: Type.Optional(Type.Object({ regionCode: Type.String(), seq: Type.Integer(), id: Type.String(), reason: Type.String() })),
          }),
          ...problemResponses,
        },
      },
    },
    async (req) => {
      const actor = requireStaff(req.actor);
      if (!actor.roles.some((r) => r.role === 'administrator')) throw forbidden('administrator only');
      return verifyAudit(db);
    },
  );
}
