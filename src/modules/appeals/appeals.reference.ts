import type { Executor } from '../../platform/db/database.ts';
import { forgetRevisions, ReferenceCache } from '../../platform/db/revision.ts';
import { findOrganization, findOrganizations, findTerritory, getOrganization, getTerritoryChain, listOrganizations, type OrganizationView, type TerritoryView } from '../directory/directory.service.ts';
import { findCoordinationOrganization } from './appeals.access.ts';
import { findCategory, listCategories, type CategoryView } from './appeals.categories.ts';
import { activeRulesUnder, resolveRoute, type Route, type RouteCandidate } from './appeals.routing.ts';
import { listAppealTypes, rulesByCode, type AppealRule, type AppealType } from './appeals.rules.ts';

/**
 * The reference data every registration reads — appeal types and rules, the category, the
 * route of a (category, territory) pair, the coordination organization of a region, an
 * organization's name, whether a territory exists — kept in the process and checked against
 * the reference revision once per transaction (platform/db/revision.ts: a trigger bumps it on
 * every change of those tables, from any process). The module's own write paths (categories,
 * routing rules, publications) call `referenceChanged(trx)` so that the rest of their
 * transaction reads its own writes. Values are shared: callers must not mutate them.
 */

const cache = new ReferenceCache();

export function referenceChanged(trx: Executor): void {
  forgetRevisions(trx);
}

export function appealTypes(db: Executor): Promise<AppealType[]> {
  return cache.get(db, 'types', () => listAppealTypes(db)) as Promise<AppealType[]>;
}

export async function appealType(db: Executor, code: string): Promise<AppealType | undefined> {
  return (await appealTypes(db)).find((t) => t.code === code);
}

export function appealRules(db: Executor): Promise<Map<string, AppealRule>> {
  return cache.get(db, 'rules', () => rulesByCode(db)) as Promise<Map<string, AppealRule>>;
}

export function category(db: Executor, id: string): Promise<CategoryView | undefined> {
  return cache.get(db, `category:${id}`, () => findCategory(db, id));
}

/** Every category of a region (`000000000`: the national tree), inactive ones too. */
export function categories(db: Executor, regionCode: string): Promise<CategoryView[]> {
  return cache.get(db, `categories:${regionCode}`, () => listCategories(db, regionCode, { includeInactive: true })) as Promise<CategoryView[]>;
}

/**
 * The route of a (category, territory) pair. A pair seen for the first time is resolved from the
 * region's active rules (one statement per region, cached: a country has far more pairs than
 * rules) and the cached organizations, not by a query of its own.
 */
export function route(db: Executor, q: { categoryId: string; territoryCode: string; category?: CategoryView }): Promise<Route> {
  return cache.get(db, `route:${q.categoryId}:${q.territoryCode}`, () => resolveRoute(db, q, {
    rules: async (category, territoryCode) => {
      const byCategory = (await cache.get(db, `routing-rules:${territoryCode.slice(0, 2)}`, async () => {
        const m = new Map<string, RouteCandidate[]>();
        for (const r of await activeRulesUnder(db, territoryCode.slice(0, 2))) {
          const list = m.get(r.categoryId);
          if (list) list.push(r);
          else m.set(r.categoryId, [r]);
        }
        return m;
      }))!;
      return category.path.flatMap((id) => byCategory.get(id) ?? []);
    },
    organization: (id) => organization(db, id),
  })) as Promise<Route>;
}

/** Cached in appeals.access.ts, where the access checks read it too. */
export function coordinationOrganization(db: Executor, regionCode: string): Promise<OrganizationView | undefined> {
  return findCoordinationOrganization(db, regionCode);
}

export function organization(db: Executor, id: string): Promise<OrganizationView | undefined> {
  return cache.get(db, `organization:${id}`, () => findOrganization(db, id));
}

/** `organization`, or the directory's not-found problem. */
export async function requireOrganization(db: Executor, id: string): Promise<OrganizationView> {
  return (await organization(db, id)) ?? getOrganization(db, id);
}

/** `organization` for many ids at once: those not cached read in one query (the sweep's chunks). */
export async function primeOrganizations(db: Executor, ids: readonly string[]): Promise<void> {
  await cache.prime(db, ids.map((id) => `organization:${id}`), async (keys) => {
    const found = await findOrganizations(db, keys.map((k) => k.slice('organization:'.length)));
    return new Map(found.map((o) => [`organization:${o.id}`, o]));
  });
}

/**
 * Every organization of a region, inactive ones too (old appeals keep their holders), by id: the
 * reports' scope and names. Shared: callers must not mutate the map.
 */
export function regionOrganizations(db: Executor, regionCode: string): Promise<Map<string, OrganizationView>> {
  return cache.get(db, `region-organizations:${regionCode}`, async () => {
    const out = new Map<string, OrganizationView>();
    for (let offset = 0; ; offset += 500) {
      const page = await listOrganizations(db, { regionCode, includeInactive: true, limit: 500, offset });
      for (const o of page.items) out.set(o.id, o);
      if (offset + page.items.length >= page.total || page.items.length === 0) return out;
    }
  }) as Promise<Map<string, OrganizationView>>;
}

/** A territory and its parents up to the country (the directory's not-found problem for an unknown code). */
export function territoryChain(db: Executor, code: string): Promise<TerritoryView[]> {
  return cache.get(db, `territory-chain:${code}`, () => getTerritoryChain(db, code)) as Promise<TerritoryView[]>;
}

export async function territoryExists(db: Executor, code: string): Promise<boolean> {
  return (await cache.get(db, `territory:${code}`, async () => ((await findTerritory(db, code)) ? true : undefined))) ?? false;
}
