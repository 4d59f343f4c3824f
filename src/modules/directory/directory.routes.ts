import { Type } from 'typebox';
import { anonymousRateLimit } from '../../platform/auth/auth.routes.ts';
import { requireStaff } from '../../platform/auth/guards.ts';
import { problemResponses } from '../../platform/http/schemas.ts';
import type { App, AppDeps } from '../../platform/http/types.ts';
import * as s from './directory.schema.ts';
import { createOrganization, getOrganization, getTerritory, getTerritoryChain, listOrganizations, listTerritories, updateOrganization } from './directory.service.ts';
import { registerPeopleRoutes } from './people.routes.ts';
import { registerApiKeyRoutes } from './apikeys.routes.ts';

const tags = ['directory'];

/**
 * The directory API under /api: territories and organizations (public reads), people and
 * staff (staff only, people.routes.ts). Every write runs in one transaction owned here, with
 * its audit entry, and needs the administrator role on the organization concerned.
 */
export async function registerDirectoryRoutes(app: App, deps: AppDeps) {
  const { db, clock } = deps;
  const publicRead = anonymousRateLimit(deps);

  app.get(
    '/territories',
    {
      config: publicRead,
      schema: {
        tags,
        summary: 'Territories of the KATO classifier: by parent, code, level or name',
        querystring: s.TerritoryQuery,
        response: { 200: s.TerritoryPage, ...problemResponses },
      },
    },
    async (req) => listTerritories(db, req.query),
  );

  app.get(
    '/territories/:code',
    {
      config: publicRead,
      schema: { tags, summary: 'One territory (its current row)', params: s.CodeParams, response: { 200: s.Territory, ...problemResponses } },
    },
    async (req) => getTerritory(db, req.params.code),
  );

  app.get(
    '/territories/:code/ancestors',
    {
      config: publicRead,
      schema: {
        tags,
        summary: 'The territory and every territory above it, up to the republic',
        params: s.CodeParams,
        response: { 200: Type.Object({ items: Type.Array(s.Territory) }), ...problemResponses },
      },
    },
    async (req) => ({ items: await getTerritoryChain(db, req.params.code) }),
  );

  app.get(
    '/organizations',
    {
      config: publicRead,
      schema: {
        tags,
        summary: 'Organizations: by kind, territory, region, parent, subtree or name',
        querystring: s.OrganizationQuery,
        response: { 200: s.OrganizationPage, ...problemResponses },
      },
    },
    async (req) => listOrganizations(db, req.query),
  );

  app.get(
    '/organizations/:id',
    {
      config: publicRead,
      schema: { tags, summary: 'One organization', params: s.IdParams, response: { 200: s.Organization, ...problemResponses } },
    },
    async (req) => getOrganization(db, req.params.id),
  );

  app.post(
    '/organizations',
    {
      schema: {
        tags,
        summary: 'Create an organization under a parent (administrator of the parent)',
        body: s.CreateOrganizationBody,
        response: { 201: s.Organization, ...problemResponses },
      },
    },
    async (req, reply) => {
      const actor = requireStaff(req.actor);
      const org = await db.transaction().execute((trx) => createOrganization(trx, req.body, actor, clock.now()));
      return reply.status(201).send(org);
    },
  );

  app.patch(
    '/organizations/:id',
    {
      schema: {
        tags,
        summary: 'Change an organization: names, BIN, kind, territory, parent, closed (administrator of it; of the new parent too)',
        params: s.IdParams,
        body: s.UpdateOrganizationBody,
        response: { 200: s.Organization, ...problemResponses },
      },
    },
    async (req) => {
      const actor = requireStaff(req.actor);
      return db.transaction().execute((trx) => updateOrganization(trx, req.params.id, req.body, actor, clock.now()));
    },
  );

  await registerPeopleRoutes(app, deps);
  await registerApiKeyRoutes(app, deps);
}
