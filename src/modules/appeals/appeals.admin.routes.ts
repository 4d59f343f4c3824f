import { Type } from 'typebox';
import { anonymousRateLimit } from '../../platform/auth/auth.routes.ts';
import { requireStaff } from '../../platform/auth/guards.ts';
import { problemResponses } from '../../platform/http/schemas.ts';
import type { App, AppDeps } from '../../platform/http/types.ts';
import { holdsRoleAnywhere } from '../directory/directory.access.ts';
import { forbidden } from '../../platform/http/errors.ts';
import { createCategory, getCategory, listCategories, updateCategory } from './appeals.categories.ts';
import { createRoutingRule, listRoutingRules, resolveRoute, updateRoutingRule } from './appeals.routing.ts';
import { listAppealRules, listAppealTypes } from './appeals.rules.ts';
import * as s from './appeals.schema.ts';

const tags = ['appeals'];

/**
 * The rules (public, with their legal sources), the category tree (public to read; the region's
 * coordination centre changes it) and the routing rules (the coordination centre).
 */
export async function registerAppealAdminRoutes(app: App, deps: AppDeps): Promise<void> {
  const { db, clock } = deps;
  const publicRead = anonymousRateLimit(deps);

  app.get(
    '/appeals/types',
    { config: publicRead, schema: { tags, summary: 'The six appeal types of the APPC with their answer terms and legal sources', response: { 200: Type.Object({ items: Type.Array(s.AppealType) }), ...problemResponses } } },
    async () => ({ items: await listAppealTypes(db) }),
  );

  app.get(
    '/appeals/rules',
    { config: publicRead, schema: { tags, summary: 'Every appeal rule as data: terms, units and their legal sources', response: { 200: Type.Object({ items: Type.Array(s.AppealRule) }), ...problemResponses } } },
    async () => ({ items: await listAppealRules(db) }),
  );

  app.get(
    '/appeals/categories',
    { config: publicRead, schema: { tags, summary: "A region's category tree, parents before children", querystring: s.CategoryQuery, response: { 200: Type.Object({ items: Type.Array(s.Category) }), ...problemResponses } } },
    async (req) => ({ items: await listCategories(db, req.query.regionCode, { includeInactive: req.query.includeInactive ?? false }) }),
  );

  app.get(
    '/appeals/categories/:id',
    { config: publicRead, schema: { tags, summary: 'One category with what it inherits', params: s.IdParams, response: { 200: s.Category, ...problemResponses } } },
    async (req) => getCategory(db, req.params.id),
  );

  app.post(
    '/appeals/categories',
    { schema: { tags, summary: 'Add a category (coordinator of the region)', body: s.CreateCategoryBody, response: { 201: s.Category, ...problemResponses } } },
    async (req, reply) => {
      const actor = requireStaff(req.actor);
      const c = await db.transaction().execute((trx) => createCategory(trx, req.body, actor, clock.now()));
      return reply.status(201).send(c);
    },
  );

  app.patch(
    '/appeals/categories/:id',
    { schema: { tags, summary: 'Change a category: names, kind, target, keywords, extra fields, on/off (coordinator of the region)', params: s.IdParams, body: s.UpdateCategoryBody, response: { 200: s.Category, ...problemResponses } } },
    async (req) => {
      const actor = requireStaff(req.actor);
      return db.transaction().execute((trx) => updateCategory(trx, req.params.id, req.body, actor, clock.now()));
    },
  );

  app.get(
    '/appeals/routing-rules',
    { schema: { tags, summary: "The region's routing rules (coordinator)", querystring: s.RoutingRuleQuery, response: { 200: Type.Object({ items: Type.Array(s.RoutingRule) }), ...problemResponses } } },
    async (req) => ({ items: await listRoutingRules(db, req.query.regionCode, requireStaff(req.actor), { ...(req.query.categoryId ? { categoryId: req.query.categoryId } : {}), includeInactive: req.query.includeInactive ?? false }) }),
  );

  app.post(
    '/appeals/routing-rules',
    { schema: { tags, summary: 'Add a routing rule: category × territory prefix → organization (coordinator)', body: s.CreateRoutingRuleBody, response: { 201: s.RoutingRule, ...problemResponses } } },
    async (req, reply) => {
      const actor = requireStaff(req.actor);
      const { regionCode, ...input } = req.body;
      const r = await db.transaction().execute((trx) => createRoutingRule(trx, regionCode, input, actor, clock.now()));
      return reply.status(201).send(r as never); // Dates serialize as date-time
    },
  );

  app.patch(
    '/appeals/routing-rules/:id',
    { schema: { tags, summary: 'Change or switch off a routing rule (coordinator)', params: s.IdParams, body: s.UpdateRoutingRuleBody, response: { 200: s.RoutingRule, ...problemResponses } } },
    async (req) => {
      const actor = requireStaff(req.actor);
      return db.transaction().execute((trx) => updateRoutingRule(trx, req.params.id, req.body, actor, clock.now()));
    },
  );

  app.get(
    '/appeals/route-preview',
    { schema: { tags, summary: 'Where an appeal of a category on a territory would be routed now (coordinator, operator)', querystring: s.RoutePreviewQuery, response: { 200: s.RoutePreview, ...problemResponses } } },
    async (req) => {
      const actor = requireStaff(req.actor);
      if (!holdsRoleAnywhere(actor, ['coordinator', 'operator'])) throw forbidden('coordinators and operators', { messageKey: 'appeals:errors.needs_coordinator' });
      return resolveRoute(db, req.query);
    },
  );
}
