import { randomUUID } from 'node:crypto';
import type { Actor } from '../../platform/auth/actor.ts';
import { appendAudit } from '../../platform/audit/audit.ts';
import type { Executor } from '../../platform/db/database.ts';
import { invalid, notFound } from '../../platform/http/errors.ts';
import { assertRole } from './directory.access.ts';
import { requireBin, requireKato, rethrowUnique, taken } from './directory.errors.ts';
import * as repo from './directory.repository.ts';
import { katoAncestors, katoLevel, katoRegion, KATO_ROOT } from './identity.ts';

/**
 * Territories and organizations: the public directory and its administration. Other modules
 * call these functions (never the tables): to show an organization, to find who serves a
 * territory, to find a region's coordination centre.
 */

export interface Localized {
  kk: string;
  ru: string;
  en: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export const ORGANIZATION_KINDS = [
  'ministry',
  'regional_akimat',
  'district_akimat',
  'department',
  'coordination_centre',
  'state_enterprise',
  'private_provider',
] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

/** Kinds that are structural units of another body and have no BIN of their own. */
export const KINDS_WITHOUT_BIN: readonly OrganizationKind[] = ['coordination_centre'];

export interface TerritoryView {
  code: string;
  level: number;
  parentCode: string | null;
  name: Localized;
  validFrom: string;
  validTo: string | null;
}

export interface OrganizationView {
  id: string;
  bin: string | null;
  name: Localized;
  kind: OrganizationKind;
  parentId: string | null;
  territoryCode: string;
  regionCode: string;
  /** Ids from the root of the tree down to this organization, itself last. */
  path: string[];
  isActive: boolean;
}

export function territoryView(t: repo.TerritoryRow): TerritoryView {
  return {
    code: t.katoCode,
    level: t.level,
    parentCode: t.parentCode,
    name: { kk: t.nameKk, ru: t.nameRu, en: t.nameEn },
    validFrom: t.validFrom,
    validTo: t.validTo,
  };
}

export function organizationView(o: repo.OrganizationRow): OrganizationView {
  return {
    id: o.id,
    bin: o.bin,
    name: { kk: o.nameKk, ru: o.nameRu, en: o.nameEn },
    kind: o.kind as OrganizationKind,
    parentId: o.parentId,
    territoryCode: o.territoryCode,
    regionCode: o.regionCode,
    path: o.path,
    isActive: o.isActive,
  };
}

export interface PageInput {
  limit?: number;
  offset?: number;
}

export function paging(p: PageInput): repo.Paging {
  // Schema coercion lets a string such as "1e309" through as Infinity: refuse what is not a
  // whole number here, naming the field, instead of letting PostgreSQL fail on it (a 500).
  for (const field of ['limit', 'offset'] as const) {
    const v = p[field];
    if (v !== undefined && !Number.isSafeInteger(v)) throw invalid(field, `${field} must be a whole number`);
  }
  return { limit: Math.min(Math.max(p.limit ?? 50, 1), 200), offset: Math.min(Math.max(p.offset ?? 0, 0), 1_000_000) };
}

// ---------------------------------------------------------------------------------------
// Territories
// ---------------------------------------------------------------------------------------

export async function listTerritories(db: Executor, f: repo.TerritoryFilter & PageInput): Promise<Page<TerritoryView>> {
  const page = paging(f);
  const { rows, total } = await repo.listTerritories(db, f, page);
  return { items: rows.map(territoryView), total, ...page };
}

export async function findTerritory(db: Executor, code: string): Promise<TerritoryView | undefined> {
  const t = await repo.findCurrentTerritory(db, code);
  return t && territoryView(t);
}

export async function getTerritory(db: Executor, code: string): Promise<TerritoryView> {
  const t = await findTerritory(db, code);
  if (!t) throw notFound('territory', { messageKey: 'directory:territory_not_found', params: { code } });
  return t;
}

/** The territory and its ancestors up to the republic, the territory itself first. */
export async function getTerritoryChain(db: Executor, code: string): Promise<TerritoryView[]> {
  const chain = await repo.territoryChain(db, code);
  if (chain.length === 0) throw notFound('territory', { messageKey: 'directory:territory_not_found', params: { code } });
  return chain.map(territoryView);
}

// ---------------------------------------------------------------------------------------
// Organizations: reading
// ---------------------------------------------------------------------------------------

export async function listOrganizations(db: Executor, f: repo.OrganizationFilter & PageInput): Promise<Page<OrganizationView>> {
  const page = paging(f);
  const { rows, total } = await repo.listOrganizations(db, f, page);
  return { items: rows.map(organizationView), total, ...page };
}

export async function findOrganization(db: Executor, id: string): Promise<OrganizationView | undefined> {
  const o = await repo.findOrganization(db, id);
  return o && organizationView(o);
}

/** Those of `ids` that exist, in no particular order. */
export async function findOrganizations(db: Executor, ids: readonly string[]): Promise<OrganizationView[]> {
  return (await repo.findOrganizationsByIds(db, ids)).map(organizationView);
}

export async function getOrganization(db: Executor, id: string): Promise<OrganizationView> {
  const o = await findOrganization(db, id);
  if (!o) throw notFound('organization', { messageKey: 'directory:organization_not_found' });
  return o;
}

/** True when `id` is `ancestorId` or lies below it. */
export async function isWithinOrganization(db: Executor, id: string, ancestorId: string): Promise<boolean> {
  const path = await repo.findOrganizationPath(db, id);
  return !!path && path.includes(ancestorId);
}

/**
 * The active organizations that serve a territory or any territory above it, nearest
 * territory first (appeal routing: the district akimat before the regional one).
 */
export async function findServingOrganizations(db: Executor, katoCode: string, kind?: OrganizationKind): Promise<OrganizationView[]> {
  const chain = (await repo.territoryChain(db, katoCode)).map((t) => t.katoCode);
  const rows = await repo.organizationsServing(db, chain, kind);
  return rows.sort((a, b) => chain.indexOf(a.territoryCode) - chain.indexOf(b.territoryCode)).map(organizationView);
}

/** The coordination centre of a region (the escalation end of appeals), if it has one. */
/** `findCoordinationCentre` of each region that has one, in one query (keyed by region code). */
export async function findCoordinationCentres(db: Executor, regionCodes: readonly string[]): Promise<Map<string, OrganizationView>> {
  return new Map((await repo.firstOrganizationsByRegion(db, regionCodes, 'coordination_centre')).map((o) => [o.regionCode, organizationView(o)]));
}

export async function findCoordinationCentre(db: Executor, regionCode: string): Promise<OrganizationView | undefined> {
  const row = await repo.firstOrganization(db, { regionCode, kind: 'coordination_centre' });
  return row && organizationView(row);
}

// ---------------------------------------------------------------------------------------
// Organizations: writing. Each needs the administrator role on the organization concerned
// (directly, or through a subtree grant on an ancestor).
// ---------------------------------------------------------------------------------------

export interface CreateOrganizationInput {
  parentId: string;
  bin?: string | null;
  name: Localized;
  kind: OrganizationKind;
  territoryCode: string;
}

function cleanName(field: string, name: Localized): Localized {
  const out = { kk: name.kk.trim(), ru: name.ru.trim(), en: name.en.trim() };
  for (const lang of ['kk', 'ru', 'en'] as const) {
    if (!out[lang]) throw invalid(`${field}.${lang}`, 'empty name', 'directory:name_required');
  }
  return out;
}

function checkBinForKind(kind: OrganizationKind, bin: string | null | undefined): string | null {
  if (bin === undefined || bin === null || bin === '') {
    if (KINDS_WITHOUT_BIN.includes(kind)) return null;
    throw invalid('bin', 'BIN required', 'directory:bin_required');
  }
  return requireBin('bin', bin).bin;
}

/** The territory must be the parent's territory or lie inside it (by the territory tree). */
async function assertTerritoryWithin(db: Executor, territoryCode: string, parentTerritory: string | undefined): Promise<void> {
  const chain = await repo.territoryChain(db, territoryCode);
  if (chain.length === 0) throw invalid('territoryCode', 'unknown territory', 'directory:territory_not_found', { code: territoryCode });
  if (parentTerritory !== undefined && !chain.some((t) => t.katoCode === parentTerritory)) {
    throw invalid('territoryCode', 'outside the parent territory', 'directory:territory_outside_parent');
  }
}

export async function createOrganization(trx: Executor, input: CreateOrganizationInput, actor: Actor, now: Date): Promise<OrganizationView> {
  const name = cleanName('name', input.name);
  const territoryCode = requireKato('territoryCode', input.territoryCode);
  const bin = checkBinForKind(input.kind, input.bin);
  const parent = await repo.findOrganization(trx, input.parentId);
  if (!parent) throw invalid('parentId', 'unknown parent', 'directory:organization_not_found');
  await assertRole(trx, actor, 'administrator', parent.id);
  if (!parent.isActive) throw invalid('parentId', 'parent is closed', 'directory:organization_inactive');
  await assertTerritoryWithin(trx, territoryCode, parent.territoryCode);
  if (bin && (await repo.findOrganizationByBin(trx, bin))) throw taken('bin', 'directory:bin_taken');

  const id = randomUUID();
  const regionCode = katoRegion(territoryCode);
  try {
    await repo.insertOrganization(trx, {
      id,
      bin,
      nameKk: name.kk,
      nameRu: name.ru,
      nameEn: name.en,
      kind: input.kind,
      parentId: parent.id,
      territoryCode,
      regionCode,
      path: [...parent.path, id],
      createdAt: now,
    });
  } catch (e) {
    rethrowUnique(e);
  }
  await appendAudit(trx, {
    regionCode,
    actor,
    action: 'organization.created',
    entityType: 'organization',
    entityId: id,
    organizationId: id,
    data: { parentId: parent.id, kind: input.kind, territoryCode, bin },
    at: now,
  });
  return getOrganization(trx, id);
}

export interface UpdateOrganizationInput {
  bin?: string | null;
  name?: Partial<Localized>;
  kind?: OrganizationKind;
  territoryCode?: string;
  parentId?: string;
  isActive?: boolean;
}

export async function updateOrganization(trx: Executor, id: string, input: UpdateOrganizationInput, actor: Actor, now: Date): Promise<OrganizationView> {
  const current = await repo.lockOrganization(trx, id);
  if (!current) throw notFound('organization', { messageKey: 'directory:organization_not_found' });
  await assertRole(trx, actor, 'administrator', id);

  const patch: Parameters<typeof repo.updateOrganizationRow>[2] = {};
  const changed: string[] = [];
  const kind = input.kind ?? (current.kind as OrganizationKind);
  if (input.name) {
    const merged = cleanName('name', { kk: input.name.kk ?? current.nameKk, ru: input.name.ru ?? current.nameRu, en: input.name.en ?? current.nameEn });
    if (merged.kk !== current.nameKk) {
      patch.nameKk = merged.kk;
      changed.push('name.kk');
    }
    if (merged.ru !== current.nameRu) {
      patch.nameRu = merged.ru;
      changed.push('name.ru');
    }
    if (merged.en !== current.nameEn) {
      patch.nameEn = merged.en;
      changed.push('name.en');
    }
  }
  if (input.kind !== undefined && input.kind !== current.kind) {
    patch.kind = input.kind;
    changed.push('kind');
  }
  if (input.bin !== undefined || input.kind !== undefined) {
    const bin = checkBinForKind(kind, input.bin === undefined ? current.bin : input.bin);
    if (bin !== current.bin) {
      if (bin && (await repo.findOrganizationByBin(trx, bin))) throw taken('bin', 'directory:bin_taken');
      patch.bin = bin;
      changed.push('bin');
    }
  }

  // Where it sits: the (new) parent decides which territories are allowed.
  let parent = current.parentId ? await repo.findOrganization(trx, current.parentId) : undefined;
  let moveTo: repo.OrganizationRow | undefined;
  if (input.parentId !== undefined && input.parentId !== current.parentId) {
    const np = await repo.findOrganization(trx, input.parentId);
    if (!np) throw invalid('parentId', 'unknown parent', 'directory:organization_not_found');
    if (np.path.includes(id)) throw invalid('parentId', 'would make a cycle', 'directory:parent_cycle');
    await assertRole(trx, actor, 'administrator', np.id);
    if (!np.isActive) throw invalid('parentId', 'parent is closed', 'directory:organization_inactive');
    parent = moveTo = np;
    changed.push('parentId');
  }
  const territoryCode = input.territoryCode !== undefined ? requireKato('territoryCode', input.territoryCode) : current.territoryCode;
  if (territoryCode !== current.territoryCode || moveTo) {
    await assertTerritoryWithin(trx, territoryCode, parent?.territoryCode);
    if (territoryCode !== current.territoryCode) {
      patch.territoryCode = territoryCode;
      patch.regionCode = katoRegion(territoryCode);
      changed.push('territoryCode');
    }
  }

  if (input.isActive !== undefined && input.isActive !== current.isActive) {
    if (!input.isActive) {
      const { total } = await repo.listOrganizations(trx, { parentId: id }, { limit: 1, offset: 0 });
      if (total > 0) throw invalid('isActive', 'has active children', 'directory:organization_has_children');
    }
    patch.isActive = input.isActive;
    changed.push('isActive');
  }

  if (changed.length === 0) return organizationView(current);
  try {
    if (Object.keys(patch).length) await repo.updateOrganizationRow(trx, id, patch, now);
  } catch (e) {
    rethrowUnique(e);
  }
  if (moveTo) await repo.moveOrganization(trx, id, moveTo.id, moveTo.path, now);
  if (patch.regionCode && patch.regionCode !== current.regionCode) await repo.updateRegionOfOrganizationRows(trx, id, patch.regionCode);

  await appendAudit(trx, {
    regionCode: patch.regionCode ?? current.regionCode,
    actor,
    action: 'organization.updated',
    entityType: 'organization',
    entityId: id,
    organizationId: id,
    data: { changed, ...(moveTo ? { parentId: moveTo.id } : {}), ...(patch.territoryCode ? { territoryCode } : {}), ...(patch.isActive !== undefined ? { isActive: patch.isActive } : {}) },
    at: now,
  });
  return getOrganization(trx, id);
}

/**
 * Writes one territory row; for seeding and imports of the KATO classifier. Without a
 * parent code, the parent is the nearest structural ancestor that exists (see katoAncestors).
 */
export async function addTerritory(
  trx: Executor,
  t: { code: string; parentCode?: string | null; name: Localized; validFrom?: string; validTo?: string | null },
): Promise<void> {
  const code = requireKato('code', t.code);
  let parentCode: string | null = null;
  if (code !== KATO_ROOT) {
    if (t.parentCode) parentCode = requireKato('parentCode', t.parentCode);
    else {
      for (const candidate of katoAncestors(code)) {
        if (await repo.findCurrentTerritory(trx, candidate)) {
          parentCode = candidate;
          break;
        }
      }
    }
    if (!parentCode) throw invalid('parentCode', 'no parent territory', 'directory:territory_not_found', { code: t.parentCode ?? '' });
  }
  await repo.insertTerritory(trx, {
    katoCode: code,
    level: katoLevel(code),
    parentCode,
    nameKk: t.name.kk,
    nameRu: t.name.ru,
    nameEn: t.name.en,
    validFrom: t.validFrom ?? '1991-12-16',
    validTo: t.validTo ?? null,
  });
}
