import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Executor } from '../../platform/db/database.ts';
import { readScope, seedRevisions } from '../../platform/db/revision.ts';
import { anonymousRateLimit } from '../../platform/auth/auth.routes.ts';
import { requireActor, requireCitizen, requireStaff } from '../../platform/auth/guards.ts';
import { readFile } from '../../platform/files/files.ts';
import { idempotencyKeyOf, requestHash, withIdempotency } from '../../platform/http/idempotency.ts';
import { problemResponses } from '../../platform/http/schemas.ts';
import type { App, AppDeps } from '../../platform/http/types.ts';
import { missingEffects } from '../../platform/workflow/hooks.ts';
import { registerAppealActionRoutes } from './appeals.actions.routes.ts';
import { registerAppealAdminRoutes } from './appeals.admin.routes.ts';
import { registerAppealSplitRoutes } from './appeals.split.routes.ts';
import { appealsDeps, type AppealsDeps } from './appeals.deps.ts';
import { suggestDuplicates } from './appeals.duplicates.ts';
import { prepareCitizenAppeal, prepareOperatorAppeal, registerCitizenAppeal, registerOperatorAppeal, type PreparedRegistration, type Slip } from './appeals.intake.ts';
import type { PersonRow } from '../directory/people.repository.ts';
import { intakeGroup, type IntakeGroup } from './appeals.intake-group.ts';
import { acceptCitizenAppeal, getAcceptance, notifyAccepted, registerAcceptanceMetrics, type Accepted } from './appeals.acceptance.ts';
import { requestLang } from '../../platform/http/problem.ts';
import type { FastifyReply } from 'fastify';
import type { IdempotentResponse } from '../../platform/http/idempotency.ts';
import { INTAKE_BODY_LIMIT, multipartJson, requestIdentity } from './appeals.multipart.ts';
import { findAttachmentFile, findCaller, getAppealPage, listInbox, listMyAppeals, organizationOverview } from './appeals.queries.ts';
import * as repo from './appeals.repository.ts';
import { accessTo } from './appeals.access.ts';
import { appealProcessTemplate, ensureAppealProcessesOnce } from './appeals.rules.ts';
import * as s from './appeals.schema.ts';
import { forbidden, notFound } from '../../platform/http/errors.ts';
import { Counter, Gauge, Histogram } from 'prom-client';

const tags = ['appeals'];

/** `Prefer: respond-async` among the request's preferences (RFC 7240: tokens are case-insensitive). */
export function prefersAsync(header: string | string[] | undefined): boolean {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  return values.some((v) => v.split(',').some((p) => p.split(';')[0]!.trim().toLowerCase() === 'respond-async'));
}

/**
 * The appeals API under /api/appeals: intake (citizen, operator), reading (page, mine, inbox,
 * overview, caller lookup), the lifecycle actions (appeals.actions.routes.ts) and the
 * coordination centre's category tree and routing rules (appeals.admin.routes.ts). Each route
 * owns its transaction and calls one service function. Every effect the lifecycle names is
 * checked to exist at registration (fail fast at boot); the national process definitions are
 * published when missing or changed before the first intake (`ensureAppealProcessesOnce`).
 */
export async function registerAppealsRoutes(app: App, deps: AppDeps): Promise<AppealsDeps & { intakes: IntakeGroup }> {
  const { db, clock, config } = deps;
  const appeals = appealsDeps(db, { dataDir: config.dataDir, maxBytes: config.fileMaxBytes });
  if (deps.metrics) registerAcceptanceMetrics(deps.metrics, db);
  // Fail fast at boot when the lifecycle names an effect nobody implements (the rule rows only
  // change terms, so the template is enough to tell).
  for (const key of Object.keys(appeals.workflow.hooks ?? {})) {
    const missing = missingEffects(appealProcessTemplate(), appeals.workflow.hooks?.[key]);
    if (missing.length) throw new Error(`appeal process ${key}: effects not implemented: ${missing.join(', ')}`);
  }

  // The synchronous intakes of citizens, operators and Open311 clients, group-committed under load
  // (appeals.intake-group.ts; Open311's routes are given the same writers).
  const registers = deps.metrics ? [deps.metrics] : [];
  const groupSizes = new Histogram({ name: 'ortak_appeal_intake_group_size', help: 'Synchronous intakes (citizens, operators, Open311) written per transaction (group commit; 1: alone)', buckets: [1, 2, 4, 8, 16, 32, 64], registers });
  const groupsFailed = new Counter({ name: 'ortak_appeal_intake_group_failed_total', help: 'Groups of synchronous intakes that failed as a whole, their requests then written alone (the server log names the error)', registers });
  const group = intakeGroup(db, appeals, {
    writers: Math.max(1, Math.min(config.appealIntakeWriters, config.databasePoolSize - 1)), max: 64,
    log: (line) => app.log.error(line), onGroup: (n) => groupSizes.observe(n), onFailed: () => groupsFailed.inc(),
  });
  new Gauge({ name: 'ortak_appeal_intake_queue', help: 'Synchronous intakes (citizens, operators, Open311) waiting for a writer (group commit)', registers, collect() { this.set(group.queued); } });

  // One intake request, in a transaction of its own (the claim of its key, the work, the stored answer).
  const intake = async (req: FastifyRequest, scope: string, run: (trx: Executor, now: Date) => Promise<Slip>, id = { key: idempotencyKeyOf(req.headers), hash: requestHash(requestIdentity(req)) }) => {
    const now = clock.now();
    await ensureAppealProcessesOnce(db, now);
    return db.transaction().execute((trx) => {
      seedRevisions(trx, req.revisions);
      return withIdempotency<Slip>(trx, { scope, ...id, now }, async () => ({ statusCode: 201, body: await run(trx, now) }));
    });
  };

  // An intake without files joins the group writer (alone when a writer is free: `intake` as
  // above); with files, `intake` itself. The key and the request's hash are computed once for both.
  const grouped = async (
    req: FastifyRequest, scope: string, run: (trx: Executor, now: Date) => Promise<Slip>,
    prepare: (trx: Executor, people: ReadonlyMap<string, PersonRow>, now: Date) => Promise<PreparedRegistration>,
    opts: { iin?: string; prepareWrites?: boolean } = {},
  ): Promise<IdempotentResponse<Slip>> => {
    const id = { key: idempotencyKeyOf(req.headers), hash: requestHash(requestIdentity(req)) };
    if (req.appealFiles?.length) return intake(req, scope, run, id);
    const now = clock.now();
    const r = await group.submit({ scope, ...id, now, ...opts, prepare: (trx, people) => prepare(trx, people, now), single: () => intake(req, scope, run, id) });
    return r as IdempotentResponse<Slip>;
  };

  // An answer of either intake: a slip (201, a replay 200) or an acceptance (202, also when
  // replayed: the same key answers what it answered first, whichever way it was sent).
  const answer = (reply: FastifyReply, r: IdempotentResponse<Slip | Accepted>) => {
    reply.header('idempotent-replayed', String(r.replayed));
    if (r.statusCode === 202) {
      const a = r.body as Accepted;
      return reply.status(202).header('location', a.location).header('preference-applied', 'respond-async').send(a);
    }
    return reply.status(r.replayed ? 200 : r.statusCode).send(r.body);
  };

  app.post(
    '/appeals',
    {
      bodyLimit: INTAKE_BODY_LIMIT,
      preValidation: multipartJson,
      schema: {
        tags,
        summary: 'File an appeal (citizen); JSON or multipart with files. Returns the slip; Idempotency-Key makes retries safe',
        description: 'With `Prefer: respond-async` (RFC 7240) and no files, the appeal is accepted at once (202, `Location` of the outcome, `Preference-Applied`) and registered within seconds with the receipt instant of the acceptance; read the slip, or why it was refused, at `GET /api/appeals/acceptances/{id}`. With files the preference is not applied (201 with the slip).',
        headers: s.IntakeHeaders,
        body: s.CitizenIntakeBody,
        response: { 200: Type.Union([s.Slip, s.Accepted]), 201: s.Slip, 202: s.Accepted, ...problemResponses },
      },
    },
    async (req, reply) => {
      const actor = requireCitizen(req.actor);
      const scope = `appeals.intake:citizen:${actor.accountId}`;
      if (prefersAsync(req.headers.prefer) && !req.appealFiles?.length) {
        const r = await acceptCitizenAppeal(db, {
          actor, body: req.body, channel: 'web', lang: req.body.lang ?? actor.locale, key: idempotencyKeyOf(req.headers), hash: requestHash(requestIdentity(req)), scope, now: clock.now(),
        });
        if (!r.replayed) notifyAccepted();
        return answer(reply, r);
      }
      const r = await grouped(req, scope,
        (trx, now) => registerCitizenAppeal(trx, appeals, { ...req.body, attachments: req.appealFiles ?? [] }, actor, now),
        (trx, people, now) => prepareCitizenAppeal(trx, appeals, req.body, actor, now, 'web', undefined, people),
        { iin: actor.iin },
      );
      return answer(reply, r);
    },
  );

  app.post(
    '/appeals/operator',
    {
      bodyLimit: INTAKE_BODY_LIMIT,
      preValidation: multipartJson,
      schema: {
        tags,
        summary: 'Register an appeal for a caller (operator of the region): by IIN, or name and phone, or anonymous',
        headers: s.IdempotencyHeaders,
        body: s.OperatorIntakeBody,
        response: { 200: s.Slip, 201: s.Slip, ...problemResponses },
      },
    },
    async (req, reply) => {
      const actor = requireStaff(req.actor);
      const r = await grouped(req, `appeals.intake:staff:${actor.accountId}`,
        (trx, now) => registerOperatorAppeal(trx, appeals, { ...req.body, attachments: req.appealFiles ?? [] }, actor, now),
        (trx, _people, now) => prepareOperatorAppeal(trx, appeals, req.body, actor, now),
        { prepareWrites: true },
      );
      return reply.status(r.replayed ? 200 : r.statusCode).header('idempotent-replayed', String(r.replayed)).send(r.body);
    },
  );

  app.get(
    '/appeals/acceptances/:id',
    {
      schema: {
        tags,
        summary: "An accepted appeal's outcome, to the citizen who sent it: still accepted, registered (the slip) or refused (why)",
        params: s.IdParams,
        response: { 200: s.AcceptanceView, ...problemResponses },
      },
    },
    async (req) => getAcceptance(db, req.params.id, requireCitizen(req.actor), requestLang(req)),
  );

  app.post(
    '/appeals/callers/search',
    {
      schema: {
        tags,
        summary: "Find a caller by IIN or phone, with their earlier appeals (operator). In a body, so the IIN never reaches a URL or a log",
        body: s.CallerSearchBody,
        response: { 200: s.CallerResult, ...problemResponses },
      },
    },
    async (req) => findCaller(db, req.body, requireStaff(req.actor), clock.now()),
  );

  app.get(
    '/appeals/mine',
    { schema: { tags, summary: "The citizen's own appeals, newest first", querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })), offset: Type.Optional(Type.Integer({ minimum: 0 })) }), response: { 200: s.ListPage, ...problemResponses } } },
    async (req) => listMyAppeals(readScope(db, req.revisions), requireCitizen(req.actor), req.query, clock.now()),
  );

  app.get(
    '/appeals/inbox',
    {
      schema: {
        tags,
        summary: "An organization's work list by due instant, with working days left; filters: state, category, overdue, mine",
        querystring: s.InboxQuery,
        response: { 200: s.ListPage, ...problemResponses },
      },
    },
    async (req) => listInbox(readScope(db, req.revisions), requireStaff(req.actor), req.query, clock.now()),
  );

  app.get(
    '/appeals/organizations/:organizationId/overview',
    { schema: { tags, summary: 'Head of an organization: open and overdue by state and by person', params: s.OrganizationParams, response: { 200: s.Overview, ...problemResponses } } },
    async (req) => organizationOverview(readScope(db, req.revisions), req.params.organizationId, requireStaff(req.actor), clock.now()),
  );

  app.get(
    '/appeals/:id',
    { schema: { tags, summary: 'An appeal: text, applicant, attachments, deadlines, timeline and the actions open to the caller', params: s.IdParams, response: { 200: s.AppealPage, ...problemResponses } } },
    async (req) => getAppealPage(readScope(db, req.revisions), appeals, req.params.id, requireActor(req.actor), clock.now()),
  );

  app.get(
    '/appeals/:id/duplicates',
    { schema: { tags, summary: 'Open appeals of the same category near the same place, by text similarity (staff)', params: s.IdParams, response: { 200: s.Duplicates, ...problemResponses } } },
    async (req) => {
      const actor = requireStaff(req.actor);
      const a = await repo.findAppealById(db, req.params.id);
      if (!a) throw notFound('appeal', { messageKey: 'appeals:errors.appeal_not_found' });
      if (!(await accessTo(db, actor, a))) throw forbidden('no access', { messageKey: 'appeals:errors.no_access' });
      return { items: await suggestDuplicates(db, a, 10) };
    },
  );

  app.get(
    '/appeals/:id/attachments/:attachmentId',
    {
      config: anonymousRateLimit(deps),
      schema: { tags, summary: 'The file of an attachment, to those who may see the appeal', params: s.AttachmentParams, response: { 200: Type.Any({ description: 'The file' }), ...problemResponses } },
    },
    async (req, reply) => {
      const f = await findAttachmentFile(db, req.params.id, req.params.attachmentId, requireActor(req.actor));
      const { stream } = await readFile(db, { dataDir: config.dataDir }, f.fileId);
      const name = encodeURIComponent(f.originalName);
      return reply.type(f.mime).header('content-disposition', `attachment; filename*=UTF-8''${name}`).header('x-content-type-options', 'nosniff').send(stream);
    },
  );

  await registerAppealActionRoutes(app, deps, appeals);
  await registerAppealSplitRoutes(app, deps, appeals);
  await registerAppealAdminRoutes(app, deps);
  return { ...appeals, intakes: group };
}
