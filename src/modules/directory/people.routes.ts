import { Type } from 'typebox';
import { requireStaff } from '../../platform/auth/guards.ts';
import { problemResponses } from '../../platform/http/schemas.ts';
import type { App, AppDeps } from '../../platform/http/types.ts';
import * as s from './directory.schema.ts';
import { getPerson, registerCitizen, searchPeople } from './people.service.ts';
import { createStaff, getStaff, grantRole, listStaff, revokeRole, updateStaff } from './staff.service.ts';

const tags = ['directory'];

/**
 * People and staff: staff only. The people search takes IIN and phone in the body (POST),
 * so that they never appear in a URL, an access log or a browser history.
 */
export async function registerPeopleRoutes(app: App, deps: AppDeps) {
  const { db, clock } = deps;

  app.post(
    '/people/search',
    {
      schema: {
        tags,
        summary: 'Find people by IIN, phone or name (staff; IIN and phone masked unless the role needs them)',
        body: s.PeopleSearchBody,
        response: { 200: s.PersonPage, ...problemResponses },
      },
    },
    async (req) => searchPeople(db, req.body, requireStaff(req.actor)),
  );

  app.get(
    '/people/:id',
    { schema: { tags, summary: 'One person (staff)', params: s.IdParams, response: { 200: s.Person, ...problemResponses } } },
    async (req) => getPerson(db, req.params.id, requireStaff(req.actor)),
  );

  app.post(
    '/people',
    {
      schema: {
        tags,
        summary: 'Register a citizen: the person and, with a password, their account (login = IIN)',
        body: s.RegisterCitizenBody,
        response: { 201: s.Person, ...problemResponses },
      },
    },
    async (req, reply) => {
      const actor = requireStaff(req.actor);
      const person = await db.transaction().execute((trx) => registerCitizen(trx, req.body, actor, clock.now()));
      return reply.status(201).send(person);
    },
  );

  app.get(
    '/staff',
    {
      schema: {
        tags,
        summary: "Staff of the caller's organization tree (and wherever the caller holds a role)",
        querystring: s.StaffQuery,
        response: { 200: s.StaffPage, ...problemResponses },
      },
    },
    async (req) => listStaff(db, req.query, requireStaff(req.actor)),
  );

  app.get(
    '/staff/:id',
    { schema: { tags, summary: 'One staff member with their roles', params: s.IdParams, response: { 200: s.Staff, ...problemResponses } } },
    async (req) => getStaff(db, req.params.id, requireStaff(req.actor)),
  );

  app.post(
    '/staff',
    {
      schema: {
        tags,
        summary: 'Create a staff member with an account (administrator of the organization)',
        body: s.CreateStaffBody,
        response: { 201: s.Staff, ...problemResponses },
      },
    },
    async (req, reply) => {
      const actor = requireStaff(req.actor);
      const staff = await db.transaction().execute((trx) => createStaff(trx, req.body, actor, clock.now()));
      return reply.status(201).send(staff);
    },
  );

  app.patch(
    '/staff/:id',
    {
      schema: {
        tags,
        summary: 'Change a position or deactivate a staff member (administrator of their organization)',
        params: s.IdParams,
        body: s.UpdateStaffBody,
        response: { 200: s.Staff, ...problemResponses },
      },
    },
    async (req) => {
      const actor = requireStaff(req.actor);
      return db.transaction().execute((trx) => updateStaff(trx, req.params.id, req.body, actor, clock.now()));
    },
  );

  app.post(
    '/staff/:id/roles',
    {
      schema: {
        tags,
        summary: 'Grant a role in an organization, optionally with its subtree (administrator of both)',
        params: s.IdParams,
        body: s.GrantBody,
        response: { 201: s.Grant, ...problemResponses },
      },
    },
    async (req, reply) => {
      const actor = requireStaff(req.actor);
      const grant = await db.transaction().execute((trx) => grantRole(trx, req.params.id, req.body, actor, clock.now()));
      return reply.status(201).send(grant);
    },
  );

  app.delete(
    '/staff/:id/roles/:grantId',
    {
      schema: {
        tags,
        summary: "Revoke a role (administrator of the grant's organization)",
        params: s.GrantParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (req, reply) => {
      const actor = requireStaff(req.actor);
      await db.transaction().execute((trx) => revokeRole(trx, req.params.id, req.params.grantId, actor, clock.now()));
      return reply.status(204).send(null);
    },
  );
}
