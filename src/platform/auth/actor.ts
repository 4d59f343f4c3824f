import type { AliasableExpression, Expression } from 'kysely';
import type { Lang } from '../i18n/i18n.ts';
import type { Revisions } from '../db/revision.ts';

/** The roles a staff member can hold in an organization (directory module grants them). */
export const ROLES = [
  'operator',
  'executor',
  'head',
  'coordinator',
  'service_designer',
  'digitalization_officer',
  'administrator',
] as const;
export type Role = (typeof ROLES)[number];

export interface RoleGrant {
  role: Role;
  organizationId: string;
  /** The grant also covers every organization below this one in the organization tree. */
  includesSubtree: boolean;
}

/**
 * Who is acting. Every use-case receives it as an explicit argument; nothing reads it from
 * a global. Built per request from the session cookie or API key.
 */
export type Actor =
  | {
      kind: 'staff';
      accountId: string;
      staffId: string;
      personId: string | null;
      organizationId: string;
      /** KATO code of the region the staff member's organization belongs to. */
      regionCode: string;
      displayName: string;
      /** The organization's name in kk/ru/en, for screens. */
      organizationName?: { kk: string; ru: string; en: string };
      roles: RoleGrant[];
      locale: Lang;
    }
  | {
      kind: 'citizen';
      accountId: string;
      personId: string;
      iin: string;
      displayName: string;
      locale: Lang;
    }
  | {
      kind: 'api_client';
      apiKeyId: string;
      organizationId: string;
      regionCode: string;
      displayName: string;
      scopes: string[];
      locale?: undefined;
    }
  | { kind: 'anonymous'; locale?: undefined };

export type StaffActor = Extract<Actor, { kind: 'staff' }>;
export type CitizenActor = Extract<Actor, { kind: 'citizen' }>;

export const ANONYMOUS: Actor = Object.freeze({ kind: 'anonymous' });

/** An account id → the actor; supplied by the directory module so that platform knows no tables of it. */
export type ActorResolver = (accountId: string, locale: Lang) => Promise<Actor | undefined>;

/**
 * The same lookup as a piece of SQL, supplied by the directory too: the session check embeds
 * `expression` (over its session's account id) in its own statement, so that the sign-in of a
 * request is one round trip; `toActor` reads the value back (undefined: the account may not act).
 */
export interface ActorQuery {
  expression(accountId: Expression<string>): AliasableExpression<unknown>;
  toActor(value: unknown, accountId: string, locale: Lang): Actor | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
    sessionId?: string;
    /** The CSRF token of the session the request came with. */
    csrfToken?: string;
    /**
     * The reference and calendar revisions the session check read (signed-in requests only):
     * `readScope(db, req.revisions)` and `seedRevisions(trx, req.revisions)` start from them.
     */
    revisions?: Revisions;
  }
}
