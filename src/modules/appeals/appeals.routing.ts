import { sql } from 'kysely';
import type { Actor } from '../../platform/auth/actor.ts';
import { appendAudit } from '../../platform/audit/audit.ts';
import type { Executor } from '../../platform/db/database.ts';
import { forgetRevisions } from '../../platform/db/revision.ts';
import { conflict, invalid, notFound } from '../../platform/http/errors.ts';
import { findOrganization, findServingOrganizations } from '../directory/directory.service.ts';
import { assertCoordinator } from './appeals.access.ts';
import { getCategory, type CategoryView } from './appeals.categories.ts';

/**
 * Routing: who answers an appeal of a category on a territory.
 *
 * A rule maps (category, territory prefix) to an organization. A rule on a category applies to
 * its whole subtree; a prefix is the leading digits of a KATO code (`35` the region, `3510` the
 * Karaganda city administration, `351013100` the Kazybek Bi district). Among the active rules
 * that match, the **most specific wins**: the longest territory prefix first (local bodies
 * answer for their territory), then the deepest category. When no rule matches, the category's
 * responsible organization kind is looked up among the organizations serving the territory,
 * nearest first (directory `findServingOrganizations`). When that finds nothing either, the
 * appeal stays with the coordination centre, which routes it by hand within 3 working days
 * (APPC art. 65).
 */

export interface RoutingRuleView {
  id: string;
  regionCode: string;
  categoryId: string;
  territoryPrefix: string;
  organizationId: string;
  note: string | null;
  isActive: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface RouteCandidate {
  id: string;
  categoryId: string;
  territoryPrefix: string;
  organizationId: string;
}

/**
 * Pure: the most specific candidate for a territory, given the category chain root → leaf.
 * Candidates whose prefix does not match or whose category is outside the chain are ignored.
 */
export function pickMostSpecific<T extends RouteCandidate>(candidates: readonly T[], categoryPath: readonly string[], territoryCode: string): T | undefined {
  let best: T | undefined;
  let bestScore: [number, number] = [-1, -1];
  for (const c of candidates) {
    const depth = categoryPath.indexOf(c.categoryId);
    if (depth < 0 || !territoryCode.startsWith(c.territoryPrefix)) continue;
    const score: [number, number] = [c.territoryPrefix.length, depth];
    if (score[0] > bestScore[0] || (score[0] === bestScore[0] && score[1] > bestScore[1])) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

export interface Route {
  /** Null: nobody found, the coordination centre routes by hand. */
  organizationId: string | null;
  ruleId: string | null;
  via: 'rule' | 'organization_kind' | 'none';
}

/**
 * What `resolveRoute` reads. Straight from the database by default; the intake's process cache
 * (appeals.reference.ts) serves both from memory, so that a (category, territory) pair seen for
 * the first time costs no statement once its region's rules and organizations are cached.
 */
export interface RouteLookups {
  /** Active rules that may match the territory (a superset is fine: `pickMostSpecific` keeps those that do). */
  rules(category: CategoryView, territoryCode: string): Promise<readonly RouteCandidate[]>;
  organization(id: string): Promise<{ id: string; isActive: boolean } | undefined>;
}

const RULE_COLUMNS = ['id', 'categoryId', 'territoryPrefix', 'organizationId'] as const;

function directLookups(db: Executor): RouteLookups {
  return {
    rules: (category, territoryCode) => db
      .selectFrom('appealRoutingRule')
      .select(RULE_COLUMNS)
      .where('isActive', '=', true)
      .where('categoryId', 'in', category.path)
      .where(sql<boolean>`${territoryCode} like territory_prefix || '%'`)
      .execute(),
    organization: (id) => findOrganization(db, id),
  };
}

/**
 * Every active rule that can match a territory whose KATO code starts with `twoDigits` (a region's
 * territories share their first two digits): prefixes under those digits, and a one-digit prefix
 * above them. One statement for a region's whole rule set, which the process cache keeps.
 */
export function activeRulesUnder(db: Executor, twoDigits: string): Promise<RouteCandidate[]> {
  return db
    .selectFrom('appealRoutingRule')
    .select(RULE_COLUMNS)
    .where('isActive', '=', true)
    .where(sql<boolean>`(territory_prefix like ${twoDigits} || '%' or ${twoDigits} like territory_prefix || '%')`)
    .execute();
}

export async function resolveRoute(db: Executor, q: { categoryId: string; territoryCode: string; category?: CategoryView }, lookups: RouteLookups = directLookups(db)): Promise<Route> {
  const category = q.category?.id === q.categoryId ? q.category : await getCategory(db, q.categoryId);
  const rules = await lookups.rules(category, q.territoryCode);
  // Most specific first; a rule pointing at a closed organization is passed over.
  const remaining = [...rules];
  for (;;) {
    const best = pickMostSpecific(remaining, category.path, q.territoryCode);
    if (!best) break;
    const org = await lookups.organization(best.organizationId);
    if (org?.isActive) return { organizationId: org.id, ruleId: best.id, via: 'rule' };
    remaining.splice(remaining.indexOf(best), 1);
  }
  const kind = category.effective.organizationKind;
  if (kind) {
    const serving = await findServingOrganizations(db, q.territoryCode, kind);
    if (serving[0]) return { organizationId: serving[0].id, ruleId: null, via: 'organization_kind' };
  }
  return { organizationId: null, ruleId: null, via: 'none' };
}

const COLUMNS = ['id', 'regionCode', 'categoryId', 'territoryPrefix', 'organizationId', 'note', 'isActive', 'createdAt', 'updatedAt'] as const;

export async function listRoutingRules(db: Executor, regionCode: string, actor: Actor, opts: { categoryId?: string; includeInactive?: boolean } = {}): Promise<RoutingRuleView[]> {
  await assertCoordinator(db, actor, regionCode);
  let q = db.selectFrom('appealRoutingRule').select(COLUMNS).where('regionCode', '=', regionCode);
  if (!opts.includeInactive) q = q.where('isActive', '=', true);
  if (opts.categoryId) q = q.where('categoryId', '=', opts.categoryId);
  return q.orderBy('categoryId').orderBy('territoryPrefix').execute();
}

export interface RoutingRuleInput {
  categoryId: string;
  territoryPrefix: string;
  organizationId: string;
  note?: string | null;
}

async function checkRuleTargets(db: Executor, regionCode: string, input: { categoryId?: string; territoryPrefix?: string; organizationId?: string }) {
  if (input.territoryPrefix !== undefined && (!/^[0-9]{1,9}$/.test(input.territoryPrefix) || !regionCode.startsWith(input.territoryPrefix.slice(0, 2)))) {
    throw invalid('territoryPrefix', 'must be 2–9 leading digits of a KATO code in the region', 'appeals:errors.territory_prefix');
  }
  if (input.territoryPrefix !== undefined && input.territoryPrefix.length < 2) {
    throw invalid('territoryPrefix', 'must be 2–9 leading digits of a KATO code in the region', 'appeals:errors.territory_prefix');
  }
  if (input.organizationId !== undefined) {
    const org = await findOrganization(db, input.organizationId);
    if (!org || !org.isActive) throw invalid('organizationId', 'unknown or closed organization', 'appeals:errors.organization_not_found');
  }
}

export async function createRoutingRule(trx: Executor, regionCode: string, input: RoutingRuleInput, actor: Actor, now: Date): Promise<RoutingRuleView> {
  await assertCoordinator(trx, actor, regionCode);
  const category = await getCategory(trx, input.categoryId).catch(() => {
    throw invalid('categoryId', 'unknown category', 'appeals:errors.category_not_found');
  });
  if (category.regionCode !== regionCode) throw invalid('categoryId', 'category of another region', 'appeals:errors.category_not_found');
  await checkRuleTargets(trx, regionCode, input);
  const exists = await trx
    .selectFrom('appealRoutingRule')
    .select('id')
    .where('categoryId', '=', input.categoryId)
    .where('territoryPrefix', '=', input.territoryPrefix)
    .where('isActive', '=', true)
    .executeTakeFirst();
  if (exists) throw conflict('a rule for this category and territory exists', { field: 'territoryPrefix', messageKey: 'appeals:errors.rule_exists' });
  const row = await trx
    .insertInto('appealRoutingRule')
    .values({ regionCode, categoryId: input.categoryId, territoryPrefix: input.territoryPrefix, organizationId: input.organizationId, note: input.note ?? null, createdAt: now, createdBy: actor.kind === 'staff' ? actor.staffId : null, updatedAt: now })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  forgetRevisions(trx); // the cached reference data (appeals.reference.ts) is stale for the rest of this transaction
  await appendAudit(trx, { regionCode, actor, action: 'appeal_routing_rule.created', entityType: 'appeal_routing_rule', entityId: row.id, organizationId: input.organizationId, data: { categoryId: input.categoryId, territoryPrefix: input.territoryPrefix }, at: now });
  return row;
}

export async function updateRoutingRule(
  trx: Executor,
  id: string,
  patch: { organizationId?: string; note?: string | null; isActive?: boolean },
  actor: Actor,
  now: Date,
): Promise<RoutingRuleView> {
  const current = await trx.selectFrom('appealRoutingRule').select(COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!current) throw notFound('routing rule', { messageKey: 'appeals:errors.rule_not_found' });
  await assertCoordinator(trx, actor, current.regionCode);
  await checkRuleTargets(trx, current.regionCode, patch);
  if (patch.isActive === true && !current.isActive) {
    const clash = await trx.selectFrom('appealRoutingRule').select('id').where('categoryId', '=', current.categoryId).where('territoryPrefix', '=', current.territoryPrefix).where('isActive', '=', true).executeTakeFirst();
    if (clash) throw conflict('a rule for this category and territory exists', { field: 'isActive', messageKey: 'appeals:errors.rule_exists' });
  }
  const row = await trx
    .updateTable('appealRoutingRule')
    .set({ ...(patch.organizationId !== undefined ? { organizationId: patch.organizationId } : {}), ...(patch.note !== undefined ? { note: patch.note } : {}), ...(patch.isActive !== undefined ? { isActive: patch.isActive } : {}), updatedAt: now })
    .where('id', '=', id)
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  forgetRevisions(trx); // the cached reference data (appeals.reference.ts) is stale for the rest of this transaction
  await appendAudit(trx, { regionCode: current.regionCode, actor, action: 'appeal_routing_rule.updated', entityType: 'appeal_routing_rule', entityId: id, organizationId: row.organizationId, data: { changed: Object.keys(patch) }, at: now });
  return row;
}
