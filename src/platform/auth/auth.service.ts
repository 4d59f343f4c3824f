import { createHash, randomBytes } from 'node:crypto';
import type { CompiledQuery, InferResult } from 'kysely';
import type { Executor } from '../db/database.ts';
import { DomainError } from '../http/errors.ts';
import type { Lang } from '../i18n/i18n.ts';
import type { Actor, ActorQuery } from './actor.ts';
import { prepareStatement } from '../db/prepared.ts';
import { revisionColumns, revisionsOf, type Revisions } from '../db/revision.ts';
import { dummyPasswordHash, verifyPassword } from './password.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export interface NewSession {
  /** The cookie value; only its hash is stored. */
  token: string;
  csrfToken: string;
  accountId: string;
  locale: Lang;
  expiresAt: Date;
}

/** Checks a login and password; creates a server-side session. */
export async function login(db: Executor, login: string, password: string, now: Date, ttlHours: number): Promise<NewSession> {
  const account = await db
    .selectFrom('account')
    .select(['id', 'passwordHash', 'locale', 'isActive'])
    .where('login', '=', login.trim().toLowerCase())
    .executeTakeFirst();
  const ok = await verifyPassword(account?.passwordHash ?? (await dummyPasswordHash()), password);
  if (!account || !ok || !account.isActive) throw new DomainError('invalid_credentials', 'wrong login or password', { field: 'password' });
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlHours * 3_600_000);
  await db
    .insertInto('session')
    .values({ id: sha256(token), accountId: account.id, csrfToken, createdAt: now, lastSeenAt: now, expiresAt })
    .execute();
  await db.updateTable('account').set({ lastLoginAt: now }).where('id', '=', account.id).execute();
  return { token, csrfToken, accountId: account.id, locale: account.locale as Lang, expiresAt };
}

export interface ActiveSession {
  id: string;
  accountId: string;
  csrfToken: string;
  locale: Lang;
  /** Who acts through it; undefined when the account may not act (see ActorQuery). */
  actor: Actor | undefined;
  /** The reference and calendar revisions, read by the same statement (platform/db/revision.ts). */
  revisions: Revisions;
}

/** The idle expiry is slid forward at most this often: it holds to this precision. */
export const SESSION_TOUCH_MS = 60_000;

interface SessionParams {
  id: string;
  now: Date;
  expiresAt: Date;
  touchBefore: Date;
}

function sessionQuery(db: Executor, actors: ActorQuery, p: SessionParams) {
  return db
    .with('touched', (db) =>
      db
        .updateTable('session')
        .from('account')
        .set({ lastSeenAt: p.now, expiresAt: p.expiresAt })
        .whereRef('account.id', '=', 'session.accountId')
        .where('account.isActive', '=', true)
        .where('session.id', '=', p.id)
        .where('session.expiresAt', '>', p.now)
        .where('session.lastSeenAt', '<', p.touchBefore)
        .returning('session.id'),
    )
    .selectFrom('session')
    .innerJoin('account', 'account.id', 'session.accountId')
    .select((eb) => [
      'session.id',
      'session.accountId',
      'session.csrfToken',
      'session.expiresAt',
      'account.locale',
      'account.isActive',
      actors.expression(eb.ref('session.accountId')).as('actor'),
      ...revisionColumns(),
    ])
    .where('session.id', '=', p.id);
}
type SessionRow = InferResult<ReturnType<typeof sessionQuery>>[number];

/**
 * Building and compiling that statement with Kysely costs ~5x the Node CPU of the rest of a
 * sign-in (~220 µs), so it is compiled once per database and actor query with placeholder
 * values, found again by identity in the parameters, and each request only binds its own.
 */
const PLACEHOLDER: SessionParams = { id: '\u0000session-id', now: new Date(1), expiresAt: new Date(2), touchBefore: new Date(3) };
const compiled = new WeakMap<Executor, WeakMap<ActorQuery, CompiledQuery>>();

function compiledSessionQuery(db: Executor, actors: ActorQuery): CompiledQuery {
  let byActors = compiled.get(db);
  if (!byActors) compiled.set(db, (byActors = new WeakMap()));
  let query = byActors.get(actors);
  if (!query) {
    query = sessionQuery(db, actors, PLACEHOLDER).compile();
    for (const v of Object.values(PLACEHOLDER)) if (!query.parameters.includes(v)) throw new Error('session query: a placeholder was not bound');
    // Planning it cost ~10x running it (bench --pg-stats): one named statement per connection.
    prepareStatement(query.sql);
    byActors.set(actors, query);
  }
  return query;
}

/**
 * The session behind a cookie token, if it exists, has not expired and its account is active,
 * with its actor — in one statement (issue 6): the session row, its account and the directory's
 * actor expression (staff and role grants, or person), nothing cached, so a logout, a revoked
 * session or grant and a deactivated account act on the very next request. The same statement
 * slides the expiry forward (idle timeout) when the last touch is older than SESSION_TOUCH_MS
 * (a data-modifying CTE: it runs whether or not its result is read, and writes nothing otherwise).
 */
export async function findSession(db: Executor, token: string, now: Date, ttlHours: number, actors: ActorQuery): Promise<ActiveSession | undefined> {
  const p: SessionParams = {
    id: sha256(token),
    now,
    expiresAt: new Date(now.getTime() + ttlHours * 3_600_000),
    touchBefore: new Date(now.getTime() - SESSION_TOUCH_MS),
  };
  const query = compiledSessionQuery(db, actors);
  const bind = (v: unknown) =>
    v === PLACEHOLDER.id ? p.id : v === PLACEHOLDER.now ? p.now : v === PLACEHOLDER.expiresAt ? p.expiresAt : v === PLACEHOLDER.touchBefore ? p.touchBefore : v;
  const { rows } = await db.executeQuery<SessionRow>({ ...query, parameters: query.parameters.map(bind) });
  const row = rows[0];
  // The row read is the one before the touch: expiry is judged on the stored value.
  if (!row || !row.isActive || new Date(row.expiresAt) <= now) return undefined;
  const locale = row.locale as Lang;
  return { id: row.id, accountId: row.accountId, csrfToken: row.csrfToken, locale, actor: actors.toActor(row.actor, row.accountId, locale), revisions: revisionsOf(row) };
}

export async function endSession(db: Executor, sessionId: string): Promise<void> {
  await db.deleteFrom('session').where('id', '=', sessionId).execute();
}

export async function deleteExpiredSessions(db: Executor, now: Date): Promise<number> {
  const r = await db.deleteFrom('session').where('expiresAt', '<=', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function setLocale(db: Executor, accountId: string, locale: Lang): Promise<void> {
  await db.updateTable('account').set({ locale }).where('id', '=', accountId).execute();
}

export interface NewApiKey {
  id: string;
  /** Shown once; only its hash is kept. */
  key: string;
}

/** API keys for machine clients, scoped to an organization; `ortak_<prefix>_<secret>`. */
export async function createApiKey(
  db: Executor,
  input: { name: string; organizationId: string; regionCode: string; scopes: string[]; key?: string },
  now: Date,
): Promise<NewApiKey> {
  const key = input.key ?? `ortak_${randomBytes(4).toString('hex')}_${randomBytes(24).toString('base64url')}`;
  const row = await db
    .insertInto('apiKey')
    .values({
      keyHash: sha256(key),
      prefix: key.slice(0, 14),
      name: input.name,
      organizationId: input.organizationId,
      regionCode: input.regionCode,
      scopes: input.scopes,
      createdAt: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, key };
}

export async function findApiKey(db: Executor, key: string) {
  return db
    .selectFrom('apiKey')
    .select(['id', 'name', 'organizationId', 'regionCode', 'scopes', 'lastUsedAt'])
    .where('keyHash', '=', sha256(key))
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
}

/** Records use of a key, at most once a minute per key (no write per request on the hot path). */
export async function touchApiKey(db: Executor, key: { id: string; lastUsedAt: Date | string | null }, now: Date): Promise<void> {
  if (key.lastUsedAt && now.getTime() - new Date(key.lastUsedAt).getTime() < 60_000) return;
  await db.updateTable('apiKey').set({ lastUsedAt: now }).where('id', '=', key.id).execute();
}

export async function revokeApiKey(db: Executor, id: string, now: Date): Promise<void> {
  await db.updateTable('apiKey').set({ revokedAt: now }).where('id', '=', id).execute();
}
