import { sql } from 'kysely';
import Schema from 'typebox/schema';
import type { Actor } from '../../platform/auth/actor.ts';
import { appendAudit } from '../../platform/audit/audit.ts';
import type { Executor } from '../../platform/db/database.ts';
import { isUuid } from '../../platform/db/ids.ts';
import { forgetRevisions } from '../../platform/db/revision.ts';
import { conflict, invalid, notFound } from '../../platform/http/errors.ts';
import { ORGANIZATION_KINDS, type Localized, type OrganizationKind } from '../directory/directory.service.ts';
import { assertCoordinator } from './appeals.access.ts';

/**
 * The category tree of a region (any depth). A category carries the responsible organization
 * kind, the operational target in hours (urgent matters), the security flag, keywords and the
 * extra fields it asks for (a JSON Schema); descendants inherit the first three where they
 * leave them empty (`effective`). `code` is the Open311 service_code. The coordination centre
 * of the region manages the tree.
 */

export interface CategoryView {
  id: string;
  regionCode: string;
  parentId: string | null;
  /** Ids from the root down to this category, itself last. */
  path: string[];
  depth: number;
  code: string;
  name: Localized;
  description: Localized | null;
  organizationKind: OrganizationKind | null;
  targetHours: number | null;
  isSecurityReport: boolean;
  keywords: string[];
  extraFields: Record<string, unknown> | null;
  sort: number;
  isActive: boolean;
  isLeaf: boolean;
  /** What applies to appeals of this category, inherited from the ancestors where unset here. */
  effective: { organizationKind: OrganizationKind | null; targetHours: number | null; isSecurityReport: boolean };
}

const COLUMNS = [
  'id', 'regionCode', 'parentId', 'path', 'code', 'nameKk', 'nameRu', 'nameEn', 'descriptionKk', 'descriptionRu', 'descriptionEn',
  'organizationKind', 'targetHours', 'isSecurityReport', 'keywords', 'sort', 'isActive',
] as const;

type Row = {
  id: string; regionCode: string; parentId: string | null; path: string[]; code: string; nameKk: string; nameRu: string; nameEn: string;
  descriptionKk: string | null; descriptionRu: string | null; descriptionEn: string | null; organizationKind: string | null;
  targetHours: number | null; isSecurityReport: boolean; keywords: string[]; sort: number; isActive: boolean; extraText: string | null;
};

function selectRows(db: Executor) {
  // json read as text: the CamelCasePlugin must not rename the keys of a JSON Schema.
  return db.selectFrom('appealCategory').select([...COLUMNS, sql<string | null>`extra_fields::text`.as('extraText')]);
}

/** Views of rows with their ancestors' inheritance resolved; `all` must hold every ancestor. */
function views(rows: Row[], all: Row[]): CategoryView[] {
  const byId = new Map(all.map((r) => [r.id, r]));
  const hasChildren = new Set(all.filter((r) => r.isActive && r.parentId).map((r) => r.parentId!));
  return rows.map((r) => {
    const chain = r.path.map((id) => byId.get(id)).filter((x): x is Row => !!x).reverse();
    return {
      id: r.id,
      regionCode: r.regionCode,
      parentId: r.parentId,
      path: r.path,
      depth: r.path.length - 1,
      code: r.code,
      name: { kk: r.nameKk, ru: r.nameRu, en: r.nameEn },
      description: r.descriptionRu || r.descriptionKk || r.descriptionEn ? { kk: r.descriptionKk ?? '', ru: r.descriptionRu ?? '', en: r.descriptionEn ?? '' } : null,
      organizationKind: r.organizationKind as OrganizationKind | null,
      targetHours: r.targetHours,
      isSecurityReport: r.isSecurityReport,
      keywords: r.keywords,
      extraFields: r.extraText ? (JSON.parse(r.extraText) as Record<string, unknown>) : null,
      sort: r.sort,
      isActive: r.isActive,
      isLeaf: !hasChildren.has(r.id),
      effective: {
        organizationKind: (chain.find((c) => c.organizationKind)?.organizationKind ?? null) as OrganizationKind | null,
        targetHours: chain.find((c) => c.targetHours !== null)?.targetHours ?? null,
        isSecurityReport: chain.some((c) => c.isSecurityReport),
      },
    };
  });
}

/** The region's tree in display order (parents before children), active only unless asked. */
export async function listCategories(db: Executor, regionCode: string, opts: { includeInactive?: boolean } = {}): Promise<CategoryView[]> {
  const rows = (await selectRows(db).where('regionCode', '=', regionCode).execute()) as Row[];
  const all = views(rows, rows);
  const byId = new Map(all.map((c) => [c.id, c]));
  // Inactive parents hide their subtree.
  const visible = all.filter((c) => opts.includeInactive || c.path.every((id) => byId.get(id)?.isActive));
  const key = (c: CategoryView) => c.path.map((id) => { const x = byId.get(id)!; return `${String(x.sort).padStart(6, '0')}:${x.code}`; }).join('/');
  return visible.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The category with its ancestors' inheritance; one statement (the chain is read through `path`). */
export async function findCategory(db: Executor, id: string): Promise<CategoryView | undefined> {
  if (!isUuid(id)) return undefined;
  const chain = (await selectRows(db)
    .select(sql<boolean>`exists (select 1 from appeal_category k where k.parent_id = appeal_category.id and k.is_active)`.as('hasChildren'))
    .where(sql<boolean>`id = any (select unnest(path) from appeal_category where id = ${id})`)
    .execute()) as (Row & { hasChildren: boolean })[];
  const row = chain.find((r) => r.id === id);
  if (!row) return undefined;
  const v = views([row], chain)[0]!;
  return { ...v, isLeaf: !row.hasChildren };
}

export async function getCategory(db: Executor, id: string): Promise<CategoryView> {
  const c = await findCategory(db, id);
  if (!c) throw notFound('category', { messageKey: 'appeals:errors.category_not_found' });
  return c;
}

export async function findCategoryByCode(db: Executor, regionCode: string, code: string): Promise<CategoryView | undefined> {
  const row = await db.selectFrom('appealCategory').select('id').where('regionCode', '=', regionCode).where('code', '=', code).executeTakeFirst();
  return row ? findCategory(db, row.id) : undefined;
}

export interface CategoryInput {
  regionCode: string;
  parentId?: string | null;
  code: string;
  name: Localized;
  description?: Localized | null;
  organizationKind?: OrganizationKind | null;
  targetHours?: number | null;
  isSecurityReport?: boolean;
  keywords?: string[];
  extraFields?: Record<string, unknown> | null;
  sort?: number;
}

function cleanName(field: string, n: Localized): Localized {
  const out = { kk: n.kk.trim(), ru: n.ru.trim(), en: n.en.trim() };
  for (const l of ['kk', 'ru', 'en'] as const) if (!out[l]) throw invalid(`${field}.${l}`, 'empty', 'appeals:errors.name_required');
  return out;
}

/** An extra-fields schema must be a JSON Schema of an object that compiles. */
export function checkExtraFields(schema: Record<string, unknown> | null | undefined): void {
  if (schema === null || schema === undefined) return;
  if (schema.type !== 'object' || (schema.properties !== undefined && (typeof schema.properties !== 'object' || schema.properties === null))) {
    throw invalid('extraFields', 'must be a JSON Schema with type object', 'appeals:errors.extra_fields_schema');
  }
  try {
    Schema.Compile(schema as Parameters<typeof Schema.Compile>[0]);
  } catch {
    throw invalid('extraFields', 'does not compile as JSON Schema', 'appeals:errors.extra_fields_schema');
  }
}

function checkKind(kind: string | null | undefined) {
  if (kind && !(ORGANIZATION_KINDS as readonly string[]).includes(kind)) throw invalid('organizationKind', 'unknown kind', 'appeals:errors.organization_kind');
}

function cleanKeywords(k: string[] | undefined): string[] {
  return [...new Set((k ?? []).map((x) => x.trim().toLowerCase()).filter(Boolean))].slice(0, 50);
}

export async function createCategory(trx: Executor, input: CategoryInput, actor: Actor, now: Date): Promise<CategoryView> {
  await assertCoordinator(trx, actor, input.regionCode);
  const name = cleanName('name', input.name);
  checkKind(input.organizationKind);
  checkExtraFields(input.extraFields);
  let parentPath: string[] = [];
  if (input.parentId) {
    const parent = await findCategory(trx, input.parentId);
    if (!parent || parent.regionCode !== input.regionCode) throw invalid('parentId', 'unknown parent in this region', 'appeals:errors.category_not_found');
    parentPath = parent.path;
  }
  const taken = await trx.selectFrom('appealCategory').select('id').where('regionCode', '=', input.regionCode).where('code', '=', input.code).executeTakeFirst();
  if (taken) throw conflict('category code taken', { field: 'code', messageKey: 'appeals:errors.category_code_taken' });
  const id = crypto.randomUUID();
  await trx
    .insertInto('appealCategory')
    .values({
      id,
      regionCode: input.regionCode,
      parentId: input.parentId ?? null,
      path: [...parentPath, id],
      code: input.code,
      nameKk: name.kk,
      nameRu: name.ru,
      nameEn: name.en,
      descriptionKk: input.description?.kk ?? null,
      descriptionRu: input.description?.ru ?? null,
      descriptionEn: input.description?.en ?? null,
      organizationKind: input.organizationKind ?? null,
      targetHours: input.targetHours ?? null,
      isSecurityReport: input.isSecurityReport ?? false,
      keywords: cleanKeywords(input.keywords),
      extraFields: input.extraFields ? JSON.stringify(input.extraFields) : null,
      sort: input.sort ?? 0,
      createdAt: now,
      updatedAt: now,
    })
    .execute();
  forgetRevisions(trx); // the cached reference data (appeals.reference.ts) is stale for the rest of this transaction
  await appendAudit(trx, { regionCode: input.regionCode, actor, action: 'appeal_category.created', entityType: 'appeal_category', entityId: id, data: { code: input.code, parentId: input.parentId ?? null }, at: now });
  return getCategory(trx, id);
}

export type CategoryPatch = Partial<Omit<CategoryInput, 'regionCode' | 'parentId' | 'code' | 'name'>> & { name?: Partial<Localized>; isActive?: boolean };

export async function updateCategory(trx: Executor, id: string, patch: CategoryPatch, actor: Actor, now: Date): Promise<CategoryView> {
  const current = await getCategory(trx, id);
  await assertCoordinator(trx, actor, current.regionCode);
  checkKind(patch.organizationKind);
  checkExtraFields(patch.extraFields);
  const name = patch.name ? cleanName('name', { ...current.name, ...patch.name }) : undefined;
  if (patch.isActive === false && !current.isLeaf) throw invalid('isActive', 'has active children', 'appeals:errors.category_has_children');
  const set: Record<string, unknown> = { updatedAt: now };
  if (name) Object.assign(set, { nameKk: name.kk, nameRu: name.ru, nameEn: name.en });
  if (patch.description !== undefined) Object.assign(set, { descriptionKk: patch.description?.kk ?? null, descriptionRu: patch.description?.ru ?? null, descriptionEn: patch.description?.en ?? null });
  if (patch.organizationKind !== undefined) set.organizationKind = patch.organizationKind;
  if (patch.targetHours !== undefined) set.targetHours = patch.targetHours;
  if (patch.isSecurityReport !== undefined) set.isSecurityReport = patch.isSecurityReport;
  if (patch.keywords !== undefined) set.keywords = cleanKeywords(patch.keywords);
  if (patch.extraFields !== undefined) set.extraFields = patch.extraFields ? JSON.stringify(patch.extraFields) : null;
  if (patch.sort !== undefined) set.sort = patch.sort;
  if (patch.isActive !== undefined) set.isActive = patch.isActive;
  await trx.updateTable('appealCategory').set(set).where('id', '=', id).execute();
  forgetRevisions(trx); // the cached reference data (appeals.reference.ts) is stale for the rest of this transaction
  await appendAudit(trx, {
    regionCode: current.regionCode, actor, action: 'appeal_category.updated', entityType: 'appeal_category', entityId: id,
    data: { changed: Object.keys(set).filter((k) => k !== 'updatedAt') }, at: now,
  });
  return getCategory(trx, id);
}

/** Validates an appeal's extra fields against its category's schema; the field at fault is `extra.<name>`. */
export function checkExtraValues(category: CategoryView, extra: Record<string, unknown> | undefined): Record<string, unknown> {
  const value = extra ?? {};
  if (!category.extraFields) {
    if (Object.keys(value).length) throw invalid('extra', 'this category takes no extra fields', 'appeals:errors.extra_not_expected');
    return {};
  }
  const [ok, errors] = Schema.Compile(category.extraFields as Parameters<typeof Schema.Compile>[0]).Errors(value);
  if (!ok) {
    const e = errors.find((x) => x.keyword !== 'boolean') ?? errors[0]!;
    const parts = e.instancePath.split('/').filter(Boolean);
    const params = e.params as { requiredProperties?: string[]; additionalProperties?: string[] };
    if (e.keyword === 'required' && params.requiredProperties?.[0]) parts.push(params.requiredProperties[0]);
    if (e.keyword === 'additionalProperties' && params.additionalProperties?.[0]) parts.push(params.additionalProperties[0]);
    const field = ['extra', ...parts].join('.');
    throw invalid(field, `${field}: ${e.message}`, 'appeals:errors.extra_invalid', { field, detail: e.message });
  }
  return value;
}
