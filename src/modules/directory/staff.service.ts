import { randomUUID } from 'node:crypto';
import { ROLES, type Actor, type Role } from '../../platform/auth/actor.ts';
import { hashPassword } from '../../platform/auth/password.ts';
import { appendAudit } from '../../platform/audit/audit.ts';
import type { Executor } from '../../platform/db/database.ts';
import { forbidden, invalid, notFound } from '../../platform/http/errors.ts';
import type { Lang } from '../../platform/i18n/i18n.ts';
import { assertRole, roleScope } from './directory.access.ts';
import { displayName } from './directory.actor.ts';
import { rethrowUnique, taken } from './directory.errors.ts';
import * as orgs from './directory.repository.ts';
import { paging, type Localized, type Page, type PageInput } from './directory.service.ts';
import { checkPassword, cleanPersonInput, ensurePerson, type PersonInput } from './people.service.ts';
import * as people from './people.repository.ts';
import * as repo from './staff.repository.ts';

/**
 * Staff members and their roles. Writes need the administrator role on the staff member's
 * organization; a grant also needs it on the organization the grant is for, and a subtree
 * grant needs the granter's own authority to cover that subtree.
 */

export interface GrantView {
  id: string;
  role: Role;
  organizationId: string;
  includesSubtree: boolean;
  grantedAt: string;
}

export interface StaffView {
  id: string;
  accountId: string;
  login: string;
  organizationId: string;
  organizationName: Localized;
  personId: string | null;
  displayName: string;
  position: Localized;
  isActive: boolean;
  roles: GrantView[];
}

function grantView(g: repo.GrantRow): GrantView {
  return { id: g.id, role: g.role as Role, organizationId: g.organizationId, includesSubtree: g.includesSubtree, grantedAt: new Date(g.grantedAt).toISOString() };
}

function staffView(s: repo.StaffRow, grants: repo.GrantRow[]): StaffView {
  return {
    id: s.id,
    accountId: s.accountId,
    login: s.login,
    organizationId: s.organizationId,
    organizationName: { kk: s.organizationNameKk, ru: s.organizationNameRu, en: s.organizationNameEn },
    personId: s.personId,
    displayName: s.lastName && s.firstName ? displayName({ lastName: s.lastName, firstName: s.firstName }) : s.login,
    position: { kk: s.positionKk, ru: s.positionRu, en: s.positionEn },
    isActive: s.isActive,
    roles: grants.filter((g) => g.staffId === s.id).map(grantView),
  };
}

/**
 * Which organizations' staff the actor may list: the whole tree their own organization
 * belongs to (from its root down), plus wherever they hold a role.
 */
async function visibility(db: Executor, actor: Actor): Promise<{ anchors: string[]; exact: string[] }> {
  if (actor.kind !== 'staff') throw forbidden('staff only');
  const path = await orgs.findOrganizationPath(db, actor.organizationId);
  const scope = roleScope(actor, ROLES);
  return { anchors: [...(path ? [path[0]!] : []), ...scope.subtrees], exact: scope.exact };
}

export interface StaffSearch extends PageInput {
  organizationId?: string;
  role?: Role;
  q?: string;
  isActive?: boolean;
}

export async function listStaff(db: Executor, s: StaffSearch, actor: Actor): Promise<Page<StaffView>> {
  const vis = await visibility(db, actor);
  const page = paging(s);
  const { rows, total } = await repo.listStaff(
    db,
    { ...vis, organizationId: s.organizationId, role: s.role, q: s.q?.trim() || undefined, isActive: s.isActive },
    page,
  );
  const grants = await repo.grantsOf(db, rows.map((r) => r.id));
  return { items: rows.map((r) => staffView(r, grants)), total, ...page };
}

export async function getStaff(db: Executor, id: string, actor: Actor): Promise<StaffView> {
  const vis = await visibility(db, actor);
  const s = await repo.findStaff(db, id);
  if (!s) throw notFound('staff', { messageKey: 'directory:staff_not_found' });
  // Outside the actor's view it does not exist for them: 404, not 403.
  const path = await orgs.findOrganizationPath(db, s.organizationId);
  if (!path || !(path.some((o) => vis.anchors.includes(o)) || vis.exact.includes(s.organizationId))) {
    throw notFound('staff', { messageKey: 'directory:staff_not_found' });
  }
  return staffView(s, await repo.grantsOf(db, [id]));
}

// ---------------------------------------------------------------------------------------
// Writes
// ---------------------------------------------------------------------------------------

const LOGIN = /^[a-z][a-z0-9._-]{2,63}$/;

/** Staff logins start with a letter, so they never collide with citizens' IIN logins. */
export function cleanLogin(field: string, login: string): string {
  const l = login.trim().toLowerCase();
  if (!LOGIN.test(l)) throw invalid(field, 'bad login', 'directory:login_format');
  return l;
}

function cleanPosition(p: Localized): Localized {
  const out = { kk: p.kk.trim(), ru: p.ru.trim(), en: p.en.trim() };
  for (const lang of ['kk', 'ru', 'en'] as const) if (!out[lang]) throw invalid(`position.${lang}`, 'required', 'directory:name_required');
  return out;
}

export interface RoleInput {
  role: Role;
  includesSubtree?: boolean;
}

/** Checks the actor may grant `role` in `organizationId` (with or without its subtree). */
async function assertCanGrant(db: Executor, actor: Actor, organizationId: string, includesSubtree: boolean): Promise<void> {
  await assertRole(db, actor, 'administrator', organizationId, { subtree: includesSubtree });
}

export interface CreateStaffInput {
  organizationId: string;
  login: string;
  password: string;
  locale?: Lang;
  person: PersonInput;
  position: Localized;
  /** Roles in the staff member's own organization, granted at once. */
  roles?: RoleInput[];
}

export async function createStaff(trx: Executor, input: CreateStaffInput, actor: Actor, now: Date): Promise<StaffView> {
  const login = cleanLogin('login', input.login);
  checkPassword('password', input.password);
  const person = cleanPersonInput(input.person, 'person.');
  const position = cleanPosition(input.position);
  const org = await orgs.findOrganization(trx, input.organizationId);
  if (!org) throw invalid('organizationId', 'unknown organization', 'directory:organization_not_found');
  await assertRole(trx, actor, 'administrator', org.id);
  if (!org.isActive) throw invalid('organizationId', 'organization is closed', 'directory:organization_inactive');
  const roles = input.roles ?? [];
  const seen = new Set<string>();
  for (const [i, r] of roles.entries()) {
    if (seen.has(r.role)) throw invalid(`roles.${i}.role`, 'duplicate role', 'directory:grant_exists');
    seen.add(r.role);
    if (r.includesSubtree) await assertCanGrant(trx, actor, org.id, true);
  }
  if (await people.accountLoginExists(trx, login)) throw taken('login', 'directory:login_taken');

  const { person: p } = await ensurePerson(trx, person, now);
  const accountId = randomUUID();
  const id = randomUUID();
  try {
    await people.insertAccounts(trx, [
      { id: accountId, login, passwordHash: await hashPassword(input.password), kind: 'staff', locale: input.locale ?? p.preferredLanguage, createdAt: now },
    ]);
    await repo.insertStaff(trx, [
      { id, accountId, organizationId: org.id, personId: p.id, regionCode: org.regionCode, positionKk: position.kk, positionRu: position.ru, positionEn: position.en, createdAt: now },
    ]);
    await repo.insertGrants(
      trx,
      roles.map((r) => ({
        id: randomUUID(),
        staffId: id,
        role: r.role,
        organizationId: org.id,
        includesSubtree: r.includesSubtree ?? false,
        regionCode: org.regionCode,
        grantedBy: actor.kind === 'staff' ? actor.accountId : null,
        grantedAt: now,
      })),
    );
  } catch (e) {
    rethrowUnique(e);
  }
  await appendAudit(trx, {
    regionCode: org.regionCode,
    actor,
    action: 'staff.created',
    entityType: 'staff',
    entityId: id,
    organizationId: org.id,
    data: { accountId, personId: p.id, roles: roles.map((r) => ({ role: r.role, includesSubtree: r.includesSubtree ?? false })) },
    at: now,
  });
  const row = await repo.findStaff(trx, id);
  return staffView(row!, await repo.grantsOf(trx, [id]));
}

export interface UpdateStaffInput {
  position?: Partial<Localized>;
  isActive?: boolean;
}

export async function updateStaff(trx: Executor, id: string, input: UpdateStaffInput, actor: Actor, now: Date): Promise<StaffView> {
  const s = await repo.lockStaff(trx, id);
  if (!s) throw notFound('staff', { messageKey: 'directory:staff_not_found' });
  await assertRole(trx, actor, 'administrator', s.organizationId);
  const current = (await repo.findStaff(trx, id))!;
  const patch: Parameters<typeof repo.updateStaffRow>[2] = {};
  const changed: string[] = [];
  if (input.position) {
    const merged = cleanPosition({ kk: input.position.kk ?? current.positionKk, ru: input.position.ru ?? current.positionRu, en: input.position.en ?? current.positionEn });
    if (merged.kk !== current.positionKk) {
      patch.positionKk = merged.kk;
      changed.push('position.kk');
    }
    if (merged.ru !== current.positionRu) {
      patch.positionRu = merged.ru;
      changed.push('position.ru');
    }
    if (merged.en !== current.positionEn) {
      patch.positionEn = merged.en;
      changed.push('position.en');
    }
  }
  if (input.isActive !== undefined && input.isActive !== s.isActive) {
    if (!input.isActive && actor.kind === 'staff' && actor.staffId === id) throw invalid('isActive', 'cannot deactivate yourself', 'directory:cannot_deactivate_self');
    patch.isActive = input.isActive;
    changed.push('isActive');
  }
  if (changed.length) {
    await repo.updateStaffRow(trx, id, patch, now);
    await appendAudit(trx, {
      regionCode: current.regionCode,
      actor,
      action: 'staff.updated',
      entityType: 'staff',
      entityId: id,
      organizationId: s.organizationId,
      data: { changed, ...(patch.isActive !== undefined ? { isActive: patch.isActive } : {}) },
      at: now,
    });
  }
  return staffView((await repo.findStaff(trx, id))!, await repo.grantsOf(trx, [id]));
}

export interface GrantRoleInput {
  role: Role;
  organizationId: string;
  includesSubtree?: boolean;
}

export async function grantRole(trx: Executor, staffId: string, input: GrantRoleInput, actor: Actor, now: Date): Promise<GrantView> {
  if (!(ROLES as readonly string[]).includes(input.role)) throw invalid('role', 'unknown role', 'directory:role_unknown');
  const s = await repo.lockStaff(trx, staffId);
  if (!s) throw notFound('staff', { messageKey: 'directory:staff_not_found' });
  const org = await orgs.findOrganization(trx, input.organizationId);
  if (!org) throw invalid('organizationId', 'unknown organization', 'directory:organization_not_found');
  const includesSubtree = input.includesSubtree ?? false;
  // Both ends: the staff member is one the actor manages, and the grant's organization too.
  await assertRole(trx, actor, 'administrator', s.organizationId);
  await assertCanGrant(trx, actor, org.id, includesSubtree);
  if (await repo.findGrantByKey(trx, staffId, input.role, org.id)) throw taken('role', 'directory:grant_exists');
  const grant: repo.NewGrant = {
    id: randomUUID(),
    staffId,
    role: input.role,
    organizationId: org.id,
    includesSubtree,
    regionCode: org.regionCode,
    grantedBy: actor.kind === 'staff' ? actor.accountId : null,
    grantedAt: now,
  };
  try {
    await repo.insertGrants(trx, [grant]);
  } catch (e) {
    rethrowUnique(e);
  }
  await appendAudit(trx, {
    regionCode: org.regionCode,
    actor,
    action: 'role.granted',
    entityType: 'staff',
    entityId: staffId,
    organizationId: org.id,
    data: { grantId: grant.id, role: input.role, organizationId: org.id, includesSubtree },
    at: now,
  });
  return grantView(grant as repo.GrantRow);
}

export async function revokeRole(trx: Executor, staffId: string, grantId: string, actor: Actor, now: Date): Promise<void> {
  const g = await repo.findGrant(trx, grantId);
  if (!g || g.staffId !== staffId) throw notFound('role grant', { messageKey: 'directory:grant_not_found' });
  await assertRole(trx, actor, 'administrator', g.organizationId);
  // Nobody removes their own administrator role: a region must not lock itself out by a click.
  if (actor.kind === 'staff' && actor.staffId === staffId && g.role === 'administrator') {
    throw invalid('grantId', 'own administrator role', 'directory:cannot_revoke_own_admin');
  }
  await repo.deleteGrant(trx, grantId);
  await appendAudit(trx, {
    regionCode: g.regionCode,
    actor,
    action: 'role.revoked',
    entityType: 'staff',
    entityId: staffId,
    organizationId: g.organizationId,
    data: { grantId, role: g.role, organizationId: g.organizationId, includesSubtree: g.includesSubtree },
    at: now,
  });
}

// Internal lookups for other modules (notice recipients): plain queries, no visibility, no count.
export { activeStaffAccount, activeStaffAccounts, activeStaffAccountsById, activeStaffAccountsOf, staffNoticeContacts } from './staff.repository.ts';
