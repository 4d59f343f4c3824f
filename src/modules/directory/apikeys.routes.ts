import { Type } from 'typebox';
import { appendAudit } from '../../platform/audit/audit.ts';
import { createApiKey, revokeApiKey } from '../../platform/auth/auth.service.ts';
import { requireStaff } from '../../platform/auth/guards.ts';
import { notFound } from '../../platform/http/errors.ts';
import { problemResponses, Uuid } from '../../platform/http/schemas.ts';
import type { App, AppDeps } from '../../platform/http/types.ts';
import { assertRole } from './directory.access.ts';
import { getOrganization } from './directory.service.ts';

const tags = ['directory'];
export const API_SCOPES = ['open311', 'appeals.read'] as const;

const ApiKeyView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'The first characters of the key, to recognise it' }),
  organizationId: Type.String(),
  regionCode: Type.String(),
  scopes: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/**
 * API keys for machine clients (Open311 apps, agency systems), scoped to one organization.
 * Issued and revoked by that organization's administrators; the key is shown once and kept
 * only as a hash (src/platform/auth/auth.service.ts).
 */
export async function registerApiKeyRoutes(app: App, deps: AppDeps) {
  const { db, clock } = deps;

  app.get(
    '/organizations/:id/api-keys',
    {
      schema: {
        tags,
        summary: "An organization's API keys (never the keys themselves)",
        params: Type.Object({ id: Uuid }),
        response: { 200: Type.Object({ items: Type.Array(ApiKeyView) }), ...problemResponses },
      },
    },
    async (req) => {
      const actor = requireStaff(req.actor);
      await getOrganization(db, req.params.id);
      await assertRole(db, actor, 'administrator', req.params.id);
      const rows = await db
        .selectFrom('apiKey')
        .select(['id', 'name', 'prefix', 'organizationId', 'regionCode', 'scopes', 'createdAt', 'revokedAt', 'lastUsedAt'])
        .where('organizationId', '=', req.params.id)
        .orderBy('createdAt', 'desc')
        .execute();
      return { items: rows.map((r) => ({ ...r, createdAt: iso(r.createdAt)!, revokedAt: iso(r.revokedAt), lastUsedAt: iso(r.lastUsedAt) })) };
    },
  );

  app.post(
    '/organizations/:id/api-keys',
    {
      schema: {
        tags,
        summary: 'Issue an API key for a machine client of the organization (the key is shown only in this answer)',
        params: Type.Object({ id: Uuid }),
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 120 }),
          scopes: Type.Array(Type.Union(API_SCOPES.map((s) => Type.Literal(s))), { minItems: 1, uniqueItems: true }),
        }),
        response: { 201: Type.Object({ id: Type.String(), key: Type.String(), prefix: Type.String() }), ...problemResponses },
      },
    },
    async (req, reply) => {
      const actor = requireStaff(req.actor);
      const org = await getOrganization(db, req.params.id);
      await assertRole(db, actor, 'administrator', org.id);
      const now = clock.now();
      const created = await db.transaction().execute(async (trx) => {
        const k = await createApiKey(trx, { name: req.body.name, organizationId: org.id, regionCode: org.regionCode, scopes: req.body.scopes }, now);
        await appendAudit(trx, {
          regionCode: org.regionCode, actor, action: 'api_key.issued', entityType: 'api_key', entityId: k.id,
          organizationId: org.id, data: { name: req.body.name, scopes: req.body.scopes }, at: now,
        });
        return k;
      });
      return reply.status(201).send({ id: created.id, key: created.key, prefix: created.key.slice(0, 14) });
    },
  );

  app.delete(
    '/organizations/:id/api-keys/:keyId',
    {
      schema: {
        tags,
        summary: 'Revoke an API key: it stops working at once',
        params: Type.Object({ id: Uuid, keyId: Uuid }),
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (req, reply) => {
      const actor = requireStaff(req.actor);
      const org = await getOrganization(db, req.params.id);
      await assertRole(db, actor, 'administrator', org.id);
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        const key = await trx.selectFrom('apiKey').select('id').where('id', '=', req.params.keyId).where('organizationId', '=', org.id).executeTakeFirst();
        if (!key) throw notFound('api key');
        await revokeApiKey(trx, key.id, now);
        await appendAudit(trx, { regionCode: org.regionCode, actor, action: 'api_key.revoked', entityType: 'api_key', entityId: key.id, organizationId: org.id, at: now });
      });
      return reply.status(204).send(null);
    },
  );
}
