import type { Actor, StaffActor } from '../../../platform/auth/actor.ts';
import { requireActor } from '../../../platform/auth/guards.ts';
import type { Executor } from '../../../platform/db/database.ts';
import { forbidden, invalid } from '../../../platform/http/errors.ts';
import type { OrganizationView } from '../../directory/directory.service.ts';
import { holdsInRegion } from '../appeals.access.ts';
import * as ref from '../appeals.reference.ts';

/**
 * Who reads the reports. The coordination centre — `coordinator` of the region, the same test
 * the appeals module uses (a grant on the region's coordination centre, directly or through a
 * subtree grant above it) — reads every organization of its region. A `head` reads only the
 * organizations their head grants cover (the organization itself, and its subtree when the
 * grant includes it). Nobody else: not an executor, not a coordinator of another region, not a
 * citizen or an API client.
 */

export interface ReportScope {
  regionCode: string;
  /** Null: every organization of the region (the coordination centre). */
  organizationIds: string[] | null;
  /** The region's organizations (inactive ones too: old appeals keep their holders), by id. */
  organizations: Map<string, OrganizationView>;
  isCoordinator: boolean;
}

const REGION = /^\d{2}0000000$/;

/** The region must be a current level-1 territory of KATO; the field at fault is `regionCode`. */
export async function checkRegion(db: Executor, regionCode: string): Promise<void> {
  if (!REGION.test(regionCode) || regionCode === '000000000' || !(await ref.territoryExists(db, regionCode))) {
    throw invalid('regionCode', `unknown region ${regionCode}`, 'reports:errors.region_unknown', { regionCode });
  }
}

function coveredByHead(actor: StaffActor, o: OrganizationView): boolean {
  return actor.roles.some((g) => g.role === 'head' && (g.organizationId === o.id || (g.includesSubtree && o.path.includes(g.organizationId))));
}

/** The organizations the actor may read in the region, narrowed to `organizationId` when given. */
export async function resolveReportScope(db: Executor, actor: Actor, regionCode: string, organizationId?: string): Promise<ReportScope> {
  const who = requireActor(actor);
  if (who.kind !== 'staff') throw forbidden('staff only', { messageKey: 'reports:errors.forbidden' });
  await checkRegion(db, regionCode);
  const organizations = await ref.regionOrganizations(db, regionCode);
  if (organizationId !== undefined && !organizations.has(organizationId)) {
    throw invalid('organizationId', 'no such organization in the region', 'reports:errors.organization_unknown');
  }
  if (await holdsInRegion(db, who, 'coordinator', regionCode)) {
    return { regionCode, organizationIds: organizationId ? [organizationId] : null, organizations, isCoordinator: true };
  }
  const own = [...organizations.values()].filter((o) => coveredByHead(who, o)).map((o) => o.id);
  if (own.length === 0) throw forbidden('needs coordinator of the region or head of an organization in it', { messageKey: 'reports:errors.forbidden' });
  if (organizationId !== undefined && !own.includes(organizationId)) {
    throw forbidden('head of another organization', { messageKey: 'reports:errors.forbidden_organization' });
  }
  return { regionCode, organizationIds: organizationId ? [organizationId] : own, organizations, isCoordinator: false };
}
