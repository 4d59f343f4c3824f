import type { Actor, Role, RoleGrant, StaffActor } from '../../platform/auth/actor.ts';
import type { Executor } from '../../platform/db/database.ts';
import { isUuid } from '../../platform/db/ids.ts';
import { ReferenceCache } from '../../platform/db/revision.ts';
import { forbidden } from '../../platform/http/errors.ts';
import { findOrganizationPath } from './directory.repository.ts';

/**
 * The permission model: a staff member holds roles in organizations (role_grant). A grant
 * applies to its organization and, when `includesSubtree`, to every organization below it
 * in the organization tree (organization.path). Nothing else confers a role: not the
 * staff member's own organization, not the territory. Citizens, API clients and anonymous
 * callers hold no roles.
 */

export interface RoleCheckOptions {
  /**
   * Require a grant that itself covers the whole subtree of the organization (a subtree
   * grant on it or an ancestor). Used before handing out a subtree grant: an administrator
   * of one organization alone must not create authority over its descendants.
   */
  subtree?: boolean;
}

// Organization paths, checked against the reference revision (organization writes bump it:
// migration 0011; the directory's own writes forget it for the rest of their transaction).
const paths = new ReferenceCache();


function matching(actor: Actor, role: Role | readonly Role[]): RoleGrant[] {
  if (actor.kind !== 'staff') return [];
  const roles: readonly Role[] = typeof role === 'string' ? [role] : role;
  return actor.roles.filter((g) => roles.includes(g.role));
}

/** True when the actor holds `role` (or one of the roles) for `organizationId`. */
export async function hasRole(
  db: Executor,
  actor: Actor,
  role: Role | readonly Role[],
  organizationId: string,
  opts: RoleCheckOptions = {},
): Promise<boolean> {
  const grants = matching(actor, role);
  if (grants.length === 0 || !isUuid(organizationId)) return false;
  if (!opts.subtree && grants.some((g) => g.organizationId === organizationId)) return true;
  const subtreeGrants = grants.filter((g) => g.includesSubtree);
  if (subtreeGrants.length === 0) return false;
  const path = await paths.get(db, organizationId, () => findOrganizationPath(db, organizationId));
  if (!path) return false;
  return subtreeGrants.some((g) => path.includes(g.organizationId));
}

/** Throws `forbidden` unless the actor holds the role for the organization. */
export async function assertRole(
  db: Executor,
  actor: Actor,
  role: Role | readonly Role[],
  organizationId: string,
  opts: RoleCheckOptions = {},
): Promise<void> {
  if (!(await hasRole(db, actor, role, organizationId, opts))) {
    const roles = typeof role === 'string' ? role : role.join('|');
    throw forbidden(`needs ${roles} for organization ${organizationId}`, { messageKey: 'directory:needs_role', params: { role: roles } });
  }
}

/** True when the actor holds the role in any organization at all (for screens, not for writes). */
export function holdsRoleAnywhere(actor: Actor, role: Role | readonly Role[]): boolean {
  return matching(actor, role).length > 0;
}

/**
 * Where the actor holds a role, for filtering lists in SQL: `subtrees` are organization ids
 * whose whole subtree is covered, `exact` ids covered alone. Empty for non-staff.
 */
export function roleScope(actor: Actor, role: Role | readonly Role[]): { subtrees: string[]; exact: string[] } {
  const grants = matching(actor, role);
  return {
    subtrees: [...new Set(grants.filter((g) => g.includesSubtree).map((g) => g.organizationId))],
    exact: [...new Set(grants.filter((g) => !g.includesSubtree).map((g) => g.organizationId))],
  };
}

/**
 * Roles whose work needs a person's IIN and phone in full: the operator finds a caller,
 * the coordinator contacts an ignored applicant, the administrator registers people.
 * Everyone else sees them masked.
 */
export const PERSONAL_DATA_ROLES: readonly Role[] = ['operator', 'coordinator', 'administrator'];

export function canSeePersonalData(actor: Actor): actor is StaffActor {
  return holdsRoleAnywhere(actor, PERSONAL_DATA_ROLES);
}
