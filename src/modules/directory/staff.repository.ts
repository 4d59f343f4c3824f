import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { containsText, organizationVisible, type Paging } from './directory.repository.ts';

/** SQL for staff members and their role grants. */

export interface StaffRow {
  id: string;
  accountId: string;
  login: string;
  organizationId: string;
  organizationNameKk: string;
  organizationNameRu: string;
  organizationNameEn: string;
  personId: string | null;
  lastName: string | null;
  firstName: string | null;
  middleName: string | null;
  positionKk: string;
  positionRu: string;
  positionEn: string;
  isActive: boolean;
  regionCode: string;
}

export interface GrantRow {
  id: string;
  staffId: string;
  role: string;
  organizationId: string;
  includesSubtree: boolean;
  regionCode: string;
  grantedAt: Date;
}

export interface StaffFilter {
  organizationId?: string;
  role?: string;
  q?: string;
  isActive?: boolean;
  /** Visibility: organizations in these subtrees… */
  anchors: string[];
  /** …or exactly these. */
  exact: string[];
}

function staffBase(db: Executor) {
  return db
    .selectFrom('staff')
    .innerJoin('account', 'account.id', 'staff.accountId')
    .innerJoin('organization', 'organization.id', 'staff.organizationId')
    .leftJoin('person', 'person.id', 'staff.personId');
}

const STAFF_COLUMNS = [
  'staff.id',
  'staff.accountId',
  'account.login',
  'staff.organizationId',
  'organization.nameKk as organizationNameKk',
  'organization.nameRu as organizationNameRu',
  'organization.nameEn as organizationNameEn',
  'staff.personId',
  'person.lastName',
  'person.firstName',
  'person.middleName',
  'staff.positionKk',
  'staff.positionRu',
  'staff.positionEn',
  'staff.isActive',
  'staff.regionCode',
] as const;

function staffQuery(db: Executor, f: StaffFilter) {
  let q = staffBase(db).where(organizationVisible('staff.organizationId', f.anchors, f.exact));
  if (f.organizationId !== undefined) q = q.where('staff.organizationId', '=', f.organizationId);
  if (f.isActive !== undefined) q = q.where('staff.isActive', '=', f.isActive);
  if (f.role !== undefined) {
    const role = f.role;
    q = q.where((eb) => eb.exists(eb.selectFrom('roleGrant').select('roleGrant.id').whereRef('roleGrant.staffId', '=', 'staff.id').where('roleGrant.role', '=', role)));
  }
  if (f.q) {
    q = q.where(
      containsText(
        sql`coalesce(person.last_name, '') || ' ' || coalesce(person.first_name, '') || ' ' || account.login || ' ' || staff.position_ru || ' ' || staff.position_kk || ' ' || staff.position_en`,
        f.q,
      ),
    );
  }
  return q;
}

export async function listStaff(db: Executor, f: StaffFilter, page: Paging): Promise<{ rows: StaffRow[]; total: number }> {
  const [rows, count] = await Promise.all([
    staffQuery(db, f)
      .select(STAFF_COLUMNS)
      .orderBy('organization.nameRu')
      .orderBy('person.lastName')
      .orderBy('account.login')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    staffQuery(db, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/**
 * Internal lookups (e.g. the recipients of a notice): the accounts of the active staff of an
 * organization holding `role`, in one plain query — no visibility check, no count.
 */
export async function activeStaffAccounts(db: Executor, organizationId: string, role: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('staff')
    .select('staff.accountId')
    .where('staff.organizationId', '=', organizationId)
    .where('staff.isActive', '=', true)
    .where((eb) => eb.exists(eb.selectFrom('roleGrant').select('roleGrant.id').whereRef('roleGrant.staffId', '=', 'staff.id').where('roleGrant.role', '=', role)))
    .orderBy('staff.id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.accountId);
}

/** Internal lookup: the account of a staff member, when active. */
export async function activeStaffAccount(db: Executor, staffId: string): Promise<string | undefined> {
  const s = await db.selectFrom('staff').select('accountId').where('id', '=', staffId).where('isActive', '=', true).executeTakeFirst();
  return s?.accountId;
}

/** `activeStaffAccounts` for many organizations in one query: the first `limit` of each, by staff id. */
export async function activeStaffAccountsOf(db: Executor, organizationIds: readonly string[], role: string, limit: number): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(organizationIds.map((id) => [id, []]));
  if (organizationIds.length === 0) return out;
  const rows = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('staff')
        .select(['staff.organizationId', 'staff.accountId', sql<number>`row_number() over (partition by staff.organization_id order by staff.id)`.as('n')])
        .where('staff.organizationId', 'in', [...new Set(organizationIds)])
        .where('staff.isActive', '=', true)
        .where((w) => w.exists(w.selectFrom('roleGrant').select('roleGrant.id').whereRef('roleGrant.staffId', '=', 'staff.id').where('roleGrant.role', '=', role)))
        .as('s'),
    )
    .select(['s.organizationId', 's.accountId'])
    .where('s.n', '<=', limit)
    .orderBy('s.organizationId')
    .orderBy('s.n')
    .execute();
  for (const r of rows) out.get(r.organizationId)!.push(r.accountId);
  return out;
}

/** `activeStaffAccount` for many staff members in one query (absent: not active). */
export async function activeStaffAccountsById(db: Executor, staffIds: readonly string[]): Promise<Map<string, string>> {
  if (staffIds.length === 0) return new Map();
  const rows = await db.selectFrom('staff').select(['id', 'accountId']).where('id', 'in', [...new Set(staffIds)]).where('isActive', '=', true).execute();
  return new Map(rows.map((r) => [r.id, r.accountId]));
}

/**
 * Internal lookup for notices to staff: each account's language (its own setting) and the
 * e-mail and phone of the person behind it, in one query.
 */
export async function staffNoticeContacts(db: Executor, accountIds: readonly string[]): Promise<Map<string, { lang: string; email: string | null; phone: string | null }>> {
  if (accountIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('account')
    .leftJoin('staff', 'staff.accountId', 'account.id')
    .leftJoin('person', 'person.id', 'staff.personId')
    .select(['account.id', 'account.locale', 'person.email', 'person.phone'])
    .where('account.id', 'in', [...new Set(accountIds)])
    .execute();
  return new Map(rows.map((r) => [r.id, { lang: r.locale, email: r.email ?? null, phone: r.phone ?? null }]));
}

export async function findStaff(db: Executor, id: string): Promise<StaffRow | undefined> {
  return staffBase(db).select(STAFF_COLUMNS).where('staff.id', '=', id).executeTakeFirst();
}

export async function lockStaff(db: Executor, id: string): Promise<{ id: string; organizationId: string; accountId: string; isActive: boolean } | undefined> {
  return db.selectFrom('staff').select(['id', 'organizationId', 'accountId', 'isActive']).where('id', '=', id).forUpdate().executeTakeFirst();
}

export interface NewStaff {
  id: string;
  accountId: string;
  organizationId: string;
  personId: string | null;
  regionCode: string;
  positionKk: string;
  positionRu: string;
  positionEn: string;
  createdAt: Date;
}

export async function insertStaff(db: Executor, rows: NewStaff[]): Promise<void> {
  if (rows.length) await db.insertInto('staff').values(rows.map((s) => ({ ...s, updatedAt: s.createdAt }))).execute();
}

export async function updateStaffRow(
  db: Executor,
  id: string,
  patch: Partial<{ positionKk: string; positionRu: string; positionEn: string; isActive: boolean }>,
  now: Date,
): Promise<void> {
  await db.updateTable('staff').set({ ...patch, updatedAt: now }).where('id', '=', id).execute();
}

const GRANT_COLUMNS = ['id', 'staffId', 'role', 'organizationId', 'includesSubtree', 'regionCode', 'grantedAt'] as const;

export async function grantsOf(db: Executor, staffIds: readonly string[]): Promise<GrantRow[]> {
  if (staffIds.length === 0) return [];
  return db.selectFrom('roleGrant').select(GRANT_COLUMNS).where('staffId', 'in', [...staffIds]).orderBy('grantedAt').orderBy('role').execute();
}

export async function findGrant(db: Executor, id: string): Promise<GrantRow | undefined> {
  return db.selectFrom('roleGrant').select(GRANT_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export async function findGrantByKey(db: Executor, staffId: string, role: string, organizationId: string): Promise<GrantRow | undefined> {
  return db
    .selectFrom('roleGrant')
    .select(GRANT_COLUMNS)
    .where('staffId', '=', staffId)
    .where('role', '=', role)
    .where('organizationId', '=', organizationId)
    .executeTakeFirst();
}

export interface NewGrant {
  id: string;
  staffId: string;
  role: string;
  organizationId: string;
  includesSubtree: boolean;
  regionCode: string;
  grantedBy: string | null;
  grantedAt: Date;
}

export async function insertGrants(db: Executor, rows: NewGrant[]): Promise<void> {
  if (rows.length) await db.insertInto('roleGrant').values(rows).execute();
}

export async function deleteGrant(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('roleGrant').where('id', '=', id).execute();
}
