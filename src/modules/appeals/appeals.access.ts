import type { Actor, Role, StaffActor } from '../../platform/auth/actor.ts';
import type { Executor } from '../../platform/db/database.ts';
import { ReferenceCache } from '../../platform/db/revision.ts';
import { forbidden } from '../../platform/http/errors.ts';
import { hasRole } from '../directory/directory.access.ts';
import { findCoordinationCentre, findCoordinationCentres, findServingOrganizations, type OrganizationView } from '../directory/directory.service.ts';
import { maskIin, maskPhone } from '../directory/identity.ts';

/**
 * Who may do what with an appeal. Three parties see an appeal, its text and its applicant's
 * personal data (IIN, phone, e-mail, address, exact location):
 *
 * - the **applicant** (the citizen account it was filed for);
 * - the **coordination centre** of the appeal's region: staff holding `coordinator` or
 *   `operator` for the region's coordination-centre organization (directly or through a
 *   subtree grant on the akimat above it);
 * - the **assigned organization**: staff holding `executor` or `head` for the organization the
 *   appeal is assigned to now (a subtree grant on a parent counts), and the assignee.
 *
 * Nobody else — not an organization that held the appeal before a reassignment, not a
 * coordinator of another region. Lists show personal data masked to everyone.
 */

export type Access = 'applicant' | 'coordination' | 'organization';

const COORDINATION_ROLES: readonly Role[] = ['coordinator', 'operator'];
export const ORGANIZATION_ROLES: readonly Role[] = ['executor', 'head'];

/**
 * The organization that receives appeals nobody else is routed to: the region's coordination
 * centre, or its regional akimat where it has none.
 */
export function findCoordinationOrganization(db: Executor, regionCode: string): Promise<OrganizationView | undefined> {
  // Read by every registration and every access check: kept in the process, checked against
  // the reference revision (platform/db/revision.ts; organizations changing bump it).
  return coordination.get(db, regionCode, async () => {
    const cc = await findCoordinationCentre(db, regionCode);
    if (cc) return cc;
    return (await findServingOrganizations(db, regionCode, 'regional_akimat'))[0];
  });
}

const coordination = new ReferenceCache(1_000);

/**
 * `findCoordinationOrganization` for several regions at once (the sweep's chunks): their
 * coordination centres in one query; a region without one is left to the single lookup.
 */
export async function primeCoordinationOrganizations(db: Executor, regionCodes: readonly string[]): Promise<void> {
  await coordination.prime(db, regionCodes, (missing) => findCoordinationCentres(db, missing));
}

export async function holdsInRegion(db: Executor, actor: Actor, roles: Role | readonly Role[], regionCode: string): Promise<boolean> {
  if (actor.kind !== 'staff') return false;
  const cc = await findCoordinationOrganization(db, regionCode);
  return !!cc && hasRole(db, actor, roles, cc.id);
}

/** The coordination centre's own work: routing, reassigning, the category tree, the routing rules. */
export async function assertCoordinator(db: Executor, actor: Actor, regionCode: string): Promise<StaffActor> {
  if (actor.kind !== 'staff' || !(await holdsInRegion(db, actor, 'coordinator', regionCode))) {
    throw forbidden('needs coordinator of the region', { messageKey: 'appeals:errors.needs_coordinator' });
  }
  return actor;
}

export async function assertOperator(db: Executor, actor: Actor, regionCode: string): Promise<StaffActor> {
  if (actor.kind !== 'staff' || !(await holdsInRegion(db, actor, ['operator', 'coordinator'], regionCode))) {
    throw forbidden('needs operator of the region', { messageKey: 'appeals:errors.needs_operator' });
  }
  return actor;
}

export interface AccessSubject {
  regionCode: string;
  organizationId: string;
  assigneeId: string | null;
  applicantAccountId: string | null;
}

/** The strongest reason the actor may see the appeal, or null. */
export async function accessTo(db: Executor, actor: Actor, a: AccessSubject): Promise<Access | null> {
  if (actor.kind === 'citizen') return a.applicantAccountId !== null && a.applicantAccountId === actor.accountId ? 'applicant' : null;
  if (actor.kind !== 'staff') return null;
  if (await holdsInRegion(db, actor, COORDINATION_ROLES, a.regionCode)) return 'coordination';
  if (a.assigneeId !== null && a.assigneeId === actor.staffId) return 'organization';
  if (await hasRole(db, actor, ORGANIZATION_ROLES, a.organizationId)) return 'organization';
  return null;
}

export async function assertAccess(db: Executor, actor: Actor, a: AccessSubject): Promise<Access> {
  const access = await accessTo(db, actor, a);
  if (!access) throw forbidden('no access to this appeal', { messageKey: 'appeals:errors.no_access' });
  return access;
}

/** Staff of the assigned organization (executor or head, or the assignee). */
export async function assertOrganizationStaff(db: Executor, actor: Actor, a: AccessSubject, roles: readonly Role[] = ORGANIZATION_ROLES): Promise<StaffActor> {
  if (actor.kind === 'staff' && ((a.assigneeId !== null && a.assigneeId === actor.staffId && roles.includes('executor')) || (await hasRole(db, actor, roles, a.organizationId)))) {
    return actor;
  }
  throw forbidden(`needs ${roles.join('|')} of the assigned organization`, { messageKey: 'appeals:errors.needs_organization_role', params: { role: roles.join(', ') } });
}

/** `Сәрсенов Нұрлан Асқарұлы` → `С••• Н. А.`: enough to tell callers apart in a list, not to identify. */
export function maskName(name: string | null): string | null {
  if (!name) return name;
  const words = name.trim().split(/\s+/);
  return [`${[...words[0]!][0]}•••`, ...words.slice(1).map((w) => `${[...w][0]}.`)].join(' ');
}

export function maskedIin(iin: string | null): string | null {
  return iin === null ? null : maskIin(iin);
}

export function maskedPhone(phone: string | null): string | null {
  return phone === null ? null : maskPhone(phone);
}

/** `a.b@example.kz` → `a•••@example.kz`. */
export function maskedEmail(email: string | null): string | null {
  if (email === null) return null;
  const [local, domain] = email.split('@');
  return `${[...(local ?? '')][0] ?? ''}•••@${domain ?? ''}`;
}
