import { expressionBuilder, sql, type CompiledQuery, type Expression } from 'kysely';
import { jsonBuildObject } from 'kysely/helpers/postgres';
import type { Actor, ActorQuery, ActorResolver, Role } from '../../platform/auth/actor.ts';
import { ROLES } from '../../platform/auth/actor.ts';
import type { Executor } from '../../platform/db/database.ts';
import { executePrepared } from '../../platform/db/prepared.ts';
import type { DB } from '../../platform/db/schema.generated.ts';
import type { Lang } from '../../platform/i18n/i18n.ts';

/** "Сәрсенов Нұрлан" — the Kazakh and Russian order, surname first. */
export function displayName(p: { lastName: string; firstName: string }): string {
  return `${p.lastName} ${p.firstName}`;
}

/**
 * The actor of an account as one json value (one SQL expression, no round trip of its own):
 * the account, its person (citizen) or its staff row with organization, name and the role
 * grants on open organizations (oldest first). Keys are written out here because the
 * CamelCasePlugin leaves keys inside json alone. Read fresh on every request: a revoked grant,
 * a deactivated account or staff member, a closed organization act on the next request.
 */
function actorJson(accountId: Expression<string>) {
  const eb = expressionBuilder<DB, never>();
  return eb
    .selectFrom('account')
    .where('account.id', '=', accountId)
    .select((eb) =>
      jsonBuildObject({
        kind: eb.ref('account.kind'),
        login: eb.ref('account.login'),
        isActive: eb.ref('account.isActive'),
        person: eb
          .selectFrom('person')
          .whereRef('person.accountId', '=', 'account.id')
          .select((eb) =>
            jsonBuildObject({ id: eb.ref('person.id'), iin: eb.ref('person.iin'), lastName: eb.ref('person.lastName'), firstName: eb.ref('person.firstName') }).as('p'),
          )
          .$asScalar(),
        staff: eb
          .selectFrom('staff')
          .innerJoin('organization', 'organization.id', 'staff.organizationId')
          .leftJoin('person', 'person.id', 'staff.personId')
          .whereRef('staff.accountId', '=', 'account.id')
          .select((eb) =>
            jsonBuildObject({
              staffId: eb.ref('staff.id'),
              personId: eb.ref('staff.personId'),
              organizationId: eb.ref('staff.organizationId'),
              isActive: eb.ref('staff.isActive'),
              regionCode: eb.ref('organization.regionCode'),
              organizationIsActive: eb.ref('organization.isActive'),
              nameKk: eb.ref('organization.nameKk'),
              nameRu: eb.ref('organization.nameRu'),
              nameEn: eb.ref('organization.nameEn'),
              lastName: eb.ref('person.lastName'),
              firstName: eb.ref('person.firstName'),
              grants: eb
                .selectFrom('roleGrant as g')
                .innerJoin('organization as go', 'go.id', 'g.organizationId')
                .whereRef('g.staffId', '=', 'staff.id')
                .where('go.isActive', '=', true)
                .select((eb) =>
                  eb.fn
                    .coalesce(
                      eb.fn
                        .jsonAgg(jsonBuildObject({ role: eb.ref('g.role'), organizationId: eb.ref('g.organizationId'), includesSubtree: eb.ref('g.includesSubtree') }))
                        .orderBy('g.grantedAt'),
                      sql<never>`'[]'::json`,
                    )
                    .as('grants'),
                )
                .$asScalar(),
            }).as('s'),
          )
          .$asScalar(),
      }).as('actor'),
    )
    .$asScalar();
}

type ActorJson = ReturnType<typeof actorJson> extends Expression<infer T> ? T : never;

/**
 * The json of `actorJson` → the actor: a staff member with the roles granted to them, or a
 * citizen with their person. An inactive account, an inactive staff member or one whose
 * organization was closed, and a citizen account with no person resolve to nothing (the
 * request then runs as anonymous).
 */
function toActor(value: unknown, accountId: string, locale: Lang): Actor | undefined {
  const account = value as ActorJson | null | undefined;
  if (!account || !account.isActive) return undefined;

  if (account.kind === 'citizen') {
    const person = account.person;
    if (!person) return undefined;
    return { kind: 'citizen', accountId, personId: person.id, iin: person.iin, displayName: displayName(person), locale };
  }

  const staff = account.staff;
  if (!staff || !staff.isActive || !staff.organizationIsActive) return undefined;
  return {
    kind: 'staff',
    accountId,
    staffId: staff.staffId,
    personId: staff.personId,
    organizationId: staff.organizationId,
    regionCode: staff.regionCode,
    displayName: staff.lastName && staff.firstName ? displayName({ lastName: staff.lastName, firstName: staff.firstName }) : account.login,
    organizationName: { kk: staff.nameKk, ru: staff.nameRu, en: staff.nameEn },
    roles: staff.grants
      .filter((g) => (ROLES as readonly string[]).includes(g.role))
      .map((g) => ({ role: g.role as Role, organizationId: g.organizationId, includesSubtree: g.includesSubtree })),
    locale,
  };
}

/**
 * The directory's half of the sign-in seam (issue 6): the session check embeds `expression`
 * in its own statement, so that a request's sign-in is one round trip (session, account,
 * staff or person, role grants).
 */
export const actorQuery: ActorQuery = {
  expression: (accountId) => actorJson(accountId),
  toActor,
};

/**
 * An account id → its actor, in one statement (login, background jobs, tests). A named
 * statement (platform/db/prepared.ts): the registrar resolves every sender of a batch, and
 * planning this statement cost PostgreSQL ~0.7 ms a call, twenty times its execution
 * (bench/README.md, HISTORY stop 24).
 */
export function resolveActor(db: Executor): ActorResolver {
  return async (accountId: string, locale: Lang): Promise<Actor | undefined> => {
    const [row] = await executePrepared(db, actorStatement(db, accountId));
    return toActor(row?.actor, accountId, locale);
  };
}

// The statement is built and compiled once (Kysely's builders took ~0.1 ms of the server's CPU
// a call, more than sending it); each call puts its account id where the placeholder was.
const PLACEHOLDER = '00000000-0000-0000-0000-0000000ac7ed';
let compiled: { query: CompiledQuery<{ actor: unknown }>; slots: number[] } | undefined;
function actorStatement(db: Executor, accountId: string): CompiledQuery<{ actor: unknown }> {
  if (!compiled) {
    const query = db.selectNoFrom(actorJson(sql.val(PLACEHOLDER)).as('actor')).compile() as CompiledQuery<{ actor: unknown }>;
    compiled = { query, slots: query.parameters.flatMap((v, i) => (v === PLACEHOLDER ? [i] : [])) };
  }
  const parameters = [...compiled.query.parameters];
  for (const i of compiled.slots) parameters[i] = accountId;
  return { ...compiled.query, parameters };
}
