import type { Actor, ActorResolver, Role } from '../../platform/auth/actor.ts';
import { ROLES } from '../../platform/auth/actor.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Lang } from '../../platform/i18n/i18n.ts';

/** "Сәрсенов Нұрлан" — the Kazakh and Russian order, surname first. */
export function displayName(p: { lastName: string; firstName: string }): string {
  return `${p.lastName} ${p.firstName}`;
}

/**
 * Builds the actor of a signed-in account: a staff member with the roles granted to them,
 * or a citizen with their person. An inactive account, an inactive staff member or one whose
 * organization was closed, and a citizen account with no person resolve to nothing (the
 * request then runs as anonymous).
 */
export function resolveActor(db: Executor): ActorResolver {
  return async (accountId: string, locale: Lang): Promise<Actor | undefined> => {
    const account = await db.selectFrom('account').select(['id', 'kind', 'login', 'isActive']).where('id', '=', accountId).executeTakeFirst();
    if (!account || !account.isActive) return undefined;

    if (account.kind === 'citizen') {
      const person = await db
        .selectFrom('person')
        .select(['id', 'iin', 'lastName', 'firstName'])
        .where('accountId', '=', accountId)
        .executeTakeFirst();
      if (!person) return undefined;
      return { kind: 'citizen', accountId, personId: person.id, iin: person.iin, displayName: displayName(person), locale };
    }

    const staff = await db
      .selectFrom('staff')
      .innerJoin('organization', 'organization.id', 'staff.organizationId')
      .leftJoin('person', 'person.id', 'staff.personId')
      .select([
        'staff.id as staffId',
        'staff.personId',
        'staff.organizationId',
        'staff.isActive',
        'organization.regionCode',
        'organization.isActive as organizationIsActive',
        'organization.nameKk',
        'organization.nameRu',
        'organization.nameEn',
        'person.lastName',
        'person.firstName',
      ])
      .where('staff.accountId', '=', accountId)
      .executeTakeFirst();
    if (!staff || !staff.isActive || !staff.organizationIsActive) return undefined;

    const grants = await db
      .selectFrom('roleGrant')
      .innerJoin('organization', 'organization.id', 'roleGrant.organizationId')
      .select(['roleGrant.role', 'roleGrant.organizationId', 'roleGrant.includesSubtree'])
      .where('roleGrant.staffId', '=', staff.staffId)
      .where('organization.isActive', '=', true)
      .orderBy('roleGrant.grantedAt')
      .execute();

    return {
      kind: 'staff',
      accountId,
      staffId: staff.staffId,
      personId: staff.personId,
      organizationId: staff.organizationId,
      regionCode: staff.regionCode,
      displayName: staff.lastName && staff.firstName ? displayName({ lastName: staff.lastName, firstName: staff.firstName }) : account.login,
      organizationName: { kk: staff.nameKk, ru: staff.nameRu, en: staff.nameEn },
      roles: grants
        .filter((g) => (ROLES as readonly string[]).includes(g.role))
        .map((g) => ({ role: g.role as Role, organizationId: g.organizationId, includesSubtree: g.includesSubtree })),
      locale,
    };
  };
}
