import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { forgetRevisions } from '../../platform/db/revision.ts';

/** SQL for territories and organizations. No rules here: the services decide, this reads and writes. */

export interface TerritoryRow {
  katoCode: string;
  validFrom: string;
  validTo: string | null;
  level: number;
  parentCode: string | null;
  nameKk: string;
  nameRu: string;
  nameEn: string;
}

export interface OrganizationRow {
  id: string;
  bin: string | null;
  nameKk: string;
  nameRu: string;
  nameEn: string;
  kind: string;
  parentId: string | null;
  territoryCode: string;
  regionCode: string;
  path: string[];
  isActive: boolean;
}

export interface Paging {
  limit: number;
  offset: number;
}

/** `%` and `_` typed by a user are literal characters, not wildcards. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Case-insensitive "contains" over a text expression, for Kazakh and Russian letters too:
 * a database created with the C locale folds only ASCII, so the comparison runs under ICU's
 * root collation (PostgreSQL built with ICU, as the PGDG and embedded builds are).
 */
export function containsText(expression: RawBuilder<string>, q: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${expression}) collate "und-x-icu" ilike ${likePattern(q)}`;
}

const TERRITORY_COLUMNS = ['katoCode', 'validFrom', 'validTo', 'level', 'parentCode', 'nameKk', 'nameRu', 'nameEn'] as const;

export interface TerritoryFilter {
  parentCode?: string;
  code?: string;
  level?: number;
  q?: string;
  /** A date (YYYY-MM-DD): the rows valid on that day instead of the current ones. */
  at?: string;
}

function territoryQuery(db: Executor, f: TerritoryFilter) {
  let q = db.selectFrom('territory');
  if (f.at) q = q.where('validFrom', '<=', f.at).where((eb) => eb.or([eb('validTo', 'is', null), eb('validTo', '>', f.at!)]));
  else q = q.where('validTo', 'is', null);
  if (f.parentCode !== undefined) q = q.where('parentCode', '=', f.parentCode);
  if (f.code !== undefined) q = q.where('katoCode', '=', f.code);
  if (f.level !== undefined) q = q.where('level', '=', f.level);
  if (f.q) q = q.where(containsText(sql`name_kk || ' ' || name_ru || ' ' || name_en`, f.q));
  return q;
}

export async function listTerritories(db: Executor, f: TerritoryFilter, page: Paging): Promise<{ rows: TerritoryRow[]; total: number }> {
  const [rows, count] = await Promise.all([
    territoryQuery(db, f).select(TERRITORY_COLUMNS).orderBy('katoCode').limit(page.limit).offset(page.offset).execute(),
    territoryQuery(db, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function findCurrentTerritory(db: Executor, code: string): Promise<TerritoryRow | undefined> {
  return db.selectFrom('territory').select(TERRITORY_COLUMNS).where('katoCode', '=', code).where('validTo', 'is', null).executeTakeFirst();
}

/** The current territory and its ancestors along parent_code, the territory itself first. */
export async function territoryChain(db: Executor, code: string): Promise<TerritoryRow[]> {
  const { rows } = await sql<TerritoryRow>`
    with recursive chain as (
      select t.*, 0 as depth from territory t where t.kato_code = ${code} and t.valid_to is null
      union all
      select p.*, c.depth + 1 from territory p join chain c on p.kato_code = c.parent_code and p.valid_to is null
      where c.depth < 10
    )
    select kato_code, valid_from, valid_to, level, parent_code, name_kk, name_ru, name_en from chain order by depth`.execute(db);
  return rows;
}

export async function insertTerritory(db: Executor, t: Omit<TerritoryRow, 'validTo'> & { validTo?: string | null }): Promise<void> {
  await db.insertInto('territory').values({ ...t, validTo: t.validTo ?? null }).execute();
  forgetRevisions(db); // territories are reference data (migration 0011): the rest of the transaction reads this write
}

// ----------------------------------------------------------------------------------------

const ORGANIZATION_COLUMNS = ['id', 'bin', 'nameKk', 'nameRu', 'nameEn', 'kind', 'parentId', 'territoryCode', 'regionCode', 'path', 'isActive'] as const;

export interface OrganizationFilter {
  kind?: string;
  territoryCode?: string;
  parentId?: string;
  regionCode?: string;
  /** Only organizations in the subtree of this one (itself included). */
  within?: string;
  q?: string;
  includeInactive?: boolean;
}

function organizationQuery(db: Executor, f: OrganizationFilter) {
  let q = db.selectFrom('organization');
  if (!f.includeInactive) q = q.where('isActive', '=', true);
  if (f.kind !== undefined) q = q.where('kind', '=', f.kind);
  if (f.territoryCode !== undefined) q = q.where('territoryCode', '=', f.territoryCode);
  if (f.parentId !== undefined) q = q.where('parentId', '=', f.parentId);
  if (f.regionCode !== undefined) q = q.where('regionCode', '=', f.regionCode);
  if (f.within !== undefined) q = q.where(sql<SqlBool>`path @> array[${f.within}]::uuid[]`);
  if (f.q) {
    const q1 = f.q;
    q = q.where((eb) =>
      eb.or([containsText(sql`name_kk || ' ' || name_ru || ' ' || name_en`, q1), eb('bin', '=', q1)]),
    );
  }
  return q;
}

export async function listOrganizations(db: Executor, f: OrganizationFilter, page: Paging): Promise<{ rows: OrganizationRow[]; total: number }> {
  const [rows, count] = await Promise.all([
    organizationQuery(db, f)
      .select(ORGANIZATION_COLUMNS)
      // Parents before children, then by name: a readable tree order.
      .orderBy(sql`array_length(path, 1)`)
      .orderBy('nameRu')
      .orderBy('id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    organizationQuery(db, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** The first of `listOrganizations`' order, without its count. */
export async function firstOrganization(db: Executor, f: OrganizationFilter): Promise<OrganizationRow | undefined> {
  return organizationQuery(db, f).select(ORGANIZATION_COLUMNS).orderBy(sql`array_length(path, 1)`).orderBy('nameRu').orderBy('id').limit(1).executeTakeFirst();
}

/** `firstOrganization` of `kind` in each of `regionCodes` that has one, in one query. */
export async function firstOrganizationsByRegion(db: Executor, regionCodes: readonly string[], kind: string): Promise<OrganizationRow[]> {
  if (regionCodes.length === 0) return [];
  return organizationQuery(db, { kind })
    .where('regionCode', 'in', [...regionCodes])
    .distinctOn('regionCode')
    .select(ORGANIZATION_COLUMNS)
    .orderBy('regionCode')
    .orderBy(sql`array_length(path, 1)`)
    .orderBy('nameRu')
    .orderBy('id')
    .execute();
}

export async function findOrganization(db: Executor, id: string): Promise<OrganizationRow | undefined> {
  return db.selectFrom('organization').select(ORGANIZATION_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export async function findOrganizationsByIds(db: Executor, ids: readonly string[]): Promise<OrganizationRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('organization').select(ORGANIZATION_COLUMNS).where('id', 'in', [...ids]).execute();
}

export async function lockOrganization(db: Executor, id: string): Promise<OrganizationRow | undefined> {
  return db.selectFrom('organization').select(ORGANIZATION_COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function findOrganizationByBin(db: Executor, bin: string): Promise<{ id: string } | undefined> {
  return db.selectFrom('organization').select('id').where('bin', '=', bin).executeTakeFirst();
}

/** The path of ids from the root down to the organization itself; undefined when it does not exist. */
export async function findOrganizationPath(db: Executor, id: string): Promise<string[] | undefined> {
  const row = await db.selectFrom('organization').select('path').where('id', '=', id).executeTakeFirst();
  return row?.path;
}

export interface NewOrganization {
  id: string;
  bin: string | null;
  nameKk: string;
  nameRu: string;
  nameEn: string;
  kind: string;
  parentId: string | null;
  territoryCode: string;
  regionCode: string;
  path: string[];
  createdAt: Date;
}

export async function insertOrganization(db: Executor, o: NewOrganization): Promise<void> {
  await db
    .insertInto('organization')
    .values({ ...o, updatedAt: o.createdAt })
    .execute();
  forgetRevisions(db); // organizations are reference data (migration 0011): the rest of the transaction reads this write
}

export async function updateOrganizationRow(
  db: Executor,
  id: string,
  patch: Partial<Pick<OrganizationRow, 'bin' | 'nameKk' | 'nameRu' | 'nameEn' | 'kind' | 'territoryCode' | 'regionCode' | 'isActive'>>,
  now: Date,
): Promise<void> {
  await db.updateTable('organization').set({ ...patch, updatedAt: now }).where('id', '=', id).execute();
  forgetRevisions(db); // see insertOrganization
}

/**
 * Moves an organization (and its whole subtree) under a new parent: every path that runs
 * through `id` gets the new parent's path in front of the part from `id` down.
 */
export async function moveOrganization(db: Executor, id: string, newParentId: string, newParentPath: string[], now: Date): Promise<void> {
  // One statement: the row's parent and every path change together, so that the path check
  // (a root has a path of one) holds at every row.
  await sql`
    update organization
       set path = ${newParentPath}::uuid[] || path[array_position(path, ${id}::uuid):],
           parent_id = case when id = ${id}::uuid then ${newParentId}::uuid else parent_id end,
           updated_at = ${now}
     where path @> array[${id}]::uuid[]`.execute(db);
  forgetRevisions(db); // see insertOrganization
}

/** Staff and grants carry their organization's region for Citus; they follow a change of it. */
export async function updateRegionOfOrganizationRows(db: Executor, organizationId: string, regionCode: string): Promise<void> {
  await db.updateTable('staff').set({ regionCode }).where('organizationId', '=', organizationId).execute();
  await db.updateTable('roleGrant').set({ regionCode }).where('organizationId', '=', organizationId).execute();
}

/** Organizations whose served territory is one of `codes`, optionally of one kind. */
export async function organizationsServing(db: Executor, codes: string[], kind?: string): Promise<OrganizationRow[]> {
  if (codes.length === 0) return [];
  let q = db.selectFrom('organization').select(ORGANIZATION_COLUMNS).where('territoryCode', 'in', codes).where('isActive', '=', true);
  if (kind) q = q.where('kind', '=', kind);
  return q.orderBy(sql`array_length(path, 1)`).execute();
}

/** `where` fragment: the organization column is inside the subtree of any of `anchors`, or is one of `exact`. */
export function organizationVisible(column: string, anchors: string[], exact: string[]): Expression<SqlBool> {
  const a = anchors.length ? anchors : ['00000000-0000-0000-0000-000000000000'];
  const e = exact.length ? exact : ['00000000-0000-0000-0000-000000000000'];
  return sql<SqlBool>`(${sql.ref(column)} in (select o.id from organization o where o.path && ${a}::uuid[]) or ${sql.ref(column)} = any(${e}::uuid[]))`;
}
