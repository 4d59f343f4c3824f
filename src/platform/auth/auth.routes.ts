import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import type { ActorQuery, ActorResolver, Actor } from './actor.ts';
import { ROLES } from './actor.ts';
import { DomainError } from '../http/errors.ts';
import { problemResponses } from '../http/schemas.ts';
import type { App, AppDeps } from '../http/types.ts';
import { LANGUAGES, type Lang } from '../i18n/i18n.ts';
import { endSession, findApiKey, findSession, login, setLocale, touchApiKey } from './auth.service.ts';
import { requireActor } from './guards.ts';

export const SESSION_COOKIE = 'ortak_session';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const Localized = Type.Object({ kk: Type.String(), ru: Type.String(), en: Type.String() });
export const MeSchema = Type.Object(
  {
    kind: Type.Union([Type.Literal('staff'), Type.Literal('citizen')]),
    accountId: Type.String(),
    displayName: Type.String(),
    locale: Type.Union(LANGUAGES.map((l) => Type.Literal(l))),
    organizationId: Type.Optional(Type.String()),
    organizationName: Type.Optional(Localized),
    regionCode: Type.Optional(Type.String()),
    roles: Type.Array(
      Type.Object({
        role: Type.Union(ROLES.map((r) => Type.Literal(r))),
        organizationId: Type.String(),
        includesSubtree: Type.Boolean(),
      }),
    ),
  },
  { $id: 'Me' },
);
const SessionReply = Type.Object({ actor: Type.Ref('Me'), csrfToken: Type.String() });

function me(actor: Actor) {
  if (actor.kind === 'staff') {
    return {
      kind: 'staff' as const,
      accountId: actor.accountId,
      displayName: actor.displayName,
      locale: actor.locale,
      organizationId: actor.organizationId,
      ...(actor.organizationName ? { organizationName: actor.organizationName } : {}),
      regionCode: actor.regionCode,
      roles: actor.roles,
    };
  }
  if (actor.kind === 'citizen') {
    return { kind: 'citizen' as const, accountId: actor.accountId, displayName: actor.displayName, locale: actor.locale, roles: [] };
  }
  throw new DomainError('unauthenticated', 'sign in first');
}

/**
 * Who is calling: a session cookie (people) or an x-api-key header (machine clients).
 * Cookie-authenticated writes must carry the session's CSRF token in x-csrf-token.
 */
export async function registerAuth(app: App, deps: AppDeps, resolveActor: ActorResolver, actorQuery: ActorQuery) {
  const { db, clock, config } = deps;
  app.decorateRequest('actor', null as never);
  app.decorateRequest('sessionId', undefined);
  app.decorateRequest('csrfToken', undefined);
  app.decorateRequest('revisions', undefined);
  app.addSchema(MeSchema);

  app.addHook('onRequest', async (req: FastifyRequest) => {
    req.actor = { kind: 'anonymous' };
    const apiKey = req.headers['x-api-key'];
    if (typeof apiKey === 'string' && apiKey) {
      const key = await findApiKey(db, apiKey);
      if (!key) throw new DomainError('unauthenticated', 'unknown or revoked API key');
      await touchApiKey(db, key, clock.now());
      req.actor = {
        kind: 'api_client',
        apiKeyId: key.id,
        organizationId: key.organizationId,
        regionCode: key.regionCode,
        displayName: key.name,
        scopes: key.scopes,
      };
      return;
    }
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return;
    // One statement: session, account, actor (and the idle-expiry touch when due).
    const session = await findSession(db, token, clock.now(), config.sessionTtlHours, actorQuery);
    if (!session?.actor) return;
    req.actor = session.actor;
    req.sessionId = session.id;
    req.csrfToken = session.csrfToken;
    req.revisions = session.revisions;
    if (UNSAFE.has(req.method) && req.headers['x-csrf-token'] !== session.csrfToken) {
      throw new DomainError('csrf', 'missing or wrong x-csrf-token header');
    }
  });

  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: config.cookieSecure,
  };

  await app.register(
    async (r) => {
      const api = r as App;
      api.post(
        '/login',
        {
          config: { rateLimit: { max: config.loginRateLimit, timeWindow: '1 minute' } },
          schema: {
            tags: ['auth'],
            summary: 'Sign in with a login (staff) or IIN (citizen) and password',
            body: Type.Object({ login: Type.String({ minLength: 1, maxLength: 100 }), password: Type.String({ minLength: 1, maxLength: 200 }) }),
            response: { 200: SessionReply, ...problemResponses },
          },
        },
        async (req, reply) => {
          const s = await login(db, req.body.login, req.body.password, clock.now(), config.sessionTtlHours);
          const actor = await resolveActor(s.accountId, s.locale);
          if (!actor) throw new DomainError('invalid_credentials', 'account has no profile', { field: 'login' });
          reply.setCookie(SESSION_COOKIE, s.token, { ...cookieOptions, expires: s.expiresAt });
          return { actor: me(actor), csrfToken: s.csrfToken };
        },
      );

      api.get(
        '/me',
        { schema: { tags: ['auth'], summary: 'The signed-in user and the CSRF token for writes', response: { 200: SessionReply, ...problemResponses } } },
        async (req) => {
          requireActor(req.actor);
          if (!req.sessionId || !req.csrfToken) throw new DomainError('unauthenticated', 'no session');
          return { actor: me(req.actor), csrfToken: req.csrfToken };
        },
      );

      api.post(
        '/logout',
        { schema: { tags: ['auth'], summary: 'End the session', response: { 204: Type.Null(), ...problemResponses } } },
        async (req, reply) => {
          if (req.sessionId) await endSession(db, req.sessionId);
          reply.clearCookie(SESSION_COOKIE, { path: '/' });
          return reply.status(204).send(null);
        },
      );

      api.put(
        '/me/locale',
        {
          schema: {
            tags: ['auth'],
            summary: "Remember the user's language",
            body: Type.Object({ locale: Type.Union(LANGUAGES.map((l) => Type.Literal(l))) }),
            response: { 204: Type.Null(), ...problemResponses },
          },
        },
        async (req, reply) => {
          const actor = requireActor(req.actor);
          if (actor.kind === 'api_client') throw new DomainError('forbidden', 'people only');
          await setLocale(db, actor.accountId, req.body.locale as Lang);
          return reply.status(204).send(null);
        },
      );
    },
    { prefix: '/api/auth' },
  );
}

/** Per-route rate limit for endpoints open to anonymous callers. */
export function anonymousRateLimit(deps: AppDeps) {
  return { rateLimit: { max: deps.config.anonRateLimit, timeWindow: '1 minute' } };
}
