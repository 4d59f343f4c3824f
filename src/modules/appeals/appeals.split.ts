import type { Actor, StaffActor } from '../../platform/auth/actor.ts';
import { appendAudit } from '../../platform/audit/audit.ts';
import type { Executor } from '../../platform/db/database.ts';
import { DomainError, invalid } from '../../platform/http/errors.ts';
import type { Lang } from '../../platform/i18n/i18n.ts';
import { noteCase } from '../../platform/workflow/notes.ts';
import { findOrganization } from '../directory/directory.service.ts';
import { assertOrganizationStaff, holdsInRegion } from './appeals.access.ts';
import type { ResolvedApplicant } from './appeals.applicant.ts';
import { findCategory } from './appeals.categories.ts';
import type { AppealsDeps } from './appeals.deps.ts';
import { refuseNul, registerAppeal, type Receiver, type Slip } from './appeals.intake.ts';
import { loadForAction, type AppealRef } from './appeals.lifecycle.ts';
import { localTime, notifyApplicant } from './appeals.notices.ts';
import * as repo from './appeals.repository.ts';
import type { AppealRow } from './appeals.repository.ts';
import { resolveRoute, type Route } from './appeals.routing.ts';
import { WORK_STATES } from './appeals.views.ts';

/**
 * Splitting (APPC art. 65: the parts of an appeal outside the competence of the body are split
 * into a new appeal). Staff of the organization holding the appeal (executor, head, the
 * assignee) or a coordinator of the region name the text of the part outside competence, and
 * optionally its category and the receiving organization. The part is registered through the
 * one registration path (`registerAppeal` with an origin) as an appeal of its own:
 *
 * - its own slip number; the same applicant, type, place, language and publication consent;
 * - a part of a crime or security report is one too (whatever its category), and never public;
 * - the original's receipt instant and registration day: its legal answer term counts from the
 *   original receipt, the term of the state it starts in (routing, or work at the organization)
 *   from the split;
 * - routed by the routing rules for its category and territory, or to the organization given
 *   (another organization than the one holding the original; for the organization's staff, the
 *   one the routing rules name; a coordinator may choose any active one). Routing that lands on
 *   the organization holding the original leaves the part with the coordination centre;
 * - linked both ways (`split_from_id`; pages show `splitFrom` and `splits`), a timeline entry on
 *   both (`$split` on the original, `$split_from` on the new one), audit rows on both, and the
 *   applicant told the new slip number and organization.
 */

export interface SplitInput {
  /** The version of the original's case the user saw. */
  expectedVersion?: number;
  /** The part outside competence, as the new appeal's text. */
  text: string;
  /** Default: the original's category. */
  categoryId?: string | null;
  /** Default: by the routing rules. */
  organizationId?: string | null;
  /** The new category's extra fields (default: the original's when the category is the same). */
  extra?: Record<string, unknown>;
}

export interface SplitResult extends Slip {
  splitFromId: string;
  splitFromSlipNumber: string;
}

const SPLITTABLE: ReadonlySet<string> = new Set(WORK_STATES);

/**
 * Whether `splitAppeal` would accept this actor and appeal now (the page offers the action
 * exactly then): a coordinator of the region, or the holding organization's executor or head;
 * an open work state; not merged into another; an anonymous appeal only as a crime or security report.
 */
export async function maySplit(db: Executor, actor: Actor, a: AppealRow): Promise<boolean> {
  if (actor.kind !== 'staff' || a.closedAt || !SPLITTABLE.has(a.state) || a.originalId) return false;
  if (a.isAnonymous && !a.isSecurityReport) return false;
  if (await holdsInRegion(db, actor, 'coordinator', a.regionCode)) return true;
  return assertOrganizationStaff(db, actor, a).then(() => true, () => false);
}

function cannotSplit(): DomainError {
  return new DomainError('invalid_transition', 'only an appeal under consideration can be split', { status: 409, messageKey: 'appeals:errors.cannot_split' });
}

export async function splitAppeal(trx: Executor, deps: AppealsDeps, ref: AppealRef, input: SplitInput, actor: Actor, now: Date): Promise<SplitResult> {
  const a = await loadForAction(trx, ref, actor, ['organization', 'coordination']);
  const coordinator = await holdsInRegion(trx, actor, 'coordinator', a.regionCode);
  const staff: StaffActor = coordinator ? (actor as StaffActor) : await assertOrganizationStaff(trx, actor, a);
  if (a.closedAt || !SPLITTABLE.has(a.state) || a.originalId) throw cannotSplit();
  refuseNul(input);
  // An anonymous appeal is considered only as a crime or security report (APPC); its part would
  // be left unconsidered at once. Such an original is closed at registration, so this guards
  // against data that says otherwise rather than failing half-way through.
  if (a.isAnonymous && !a.isSecurityReport) {
    throw new DomainError('invalid_transition', 'an anonymous appeal that is not a crime or security report is left unconsidered; no part can be split off', {
      status: 409, messageKey: 'appeals:errors.split_anonymous',
    });
  }

  const categoryId = input.categoryId ?? a.categoryId;
  const category = await findCategory(trx, categoryId);
  if (!category || !category.isActive || (category.regionCode !== a.regionCode && category.regionCode !== '000000000')) {
    throw invalid('categoryId', 'unknown category in this region', 'appeals:errors.category_unknown');
  }
  let route: Route;
  if (input.organizationId) {
    const org = await findOrganization(trx, input.organizationId);
    if (!org || !org.isActive) throw invalid('organizationId', 'unknown or closed organization', 'appeals:errors.organization_not_found');
    if (org.id === a.organizationId) throw invalid('organizationId', 'the part outside competence goes to another organization', 'appeals:errors.split_same_organization');
    if (!coordinator) {
      const competent = await resolveRoute(trx, { categoryId: category.id, territoryCode: a.territoryCode, category });
      if (competent.organizationId !== org.id) {
        throw invalid('organizationId', 'not the organization the routing rules name for this category and territory', 'appeals:errors.split_not_competent');
      }
    }
    route = { organizationId: org.id, ruleId: null, via: 'none' };
  } else {
    route = await resolveRoute(trx, { categoryId: category.id, territoryCode: a.territoryCode, category });
    if (route.organizationId === a.organizationId) route = { organizationId: null, ruleId: null, via: 'none' };
  }

  const applicant: ResolvedApplicant = {
    isAnonymous: a.isAnonymous, iin: a.applicantIin, personId: a.applicantPersonId, accountId: a.applicantAccountId,
    name: a.applicantName, phone: a.applicantPhone, email: a.applicantEmail, lang: a.lang as Lang,
  };
  const extra = input.extra ?? (category.id === a.categoryId ? (JSON.parse(a.extraText) as Record<string, unknown>) : {});
  const comment = input.organizationId
    ? `split from ${a.slipNumber}: to the organization chosen`
    : route.ruleId ? `split from ${a.slipNumber}: routing rule ${route.ruleId}` : `split from ${a.slipNumber}: responsible organization kind of the category`;
  const slip = await registerAppeal(
    trx, deps,
    {
      type: a.typeCode, categoryId: category.id, text: input.text, territoryCode: a.territoryCode, address: a.address,
      location: a.lat !== null && a.lon !== null ? { lat: a.lat, lon: a.lon } : null, lang: a.lang as Lang, isPublic: a.isPublic && !a.isSecurityReport, extra,
      reportsCrimeOrThreat: a.isSecurityReport,
    },
    applicant,
    { channel: a.channel as Receiver['channel'], kind: 'staff', id: staff.staffId, organizationId: staff.organizationId, name: staff.displayName },
    actor, now, undefined,
    { splitFromId: a.id, receivedAt: a.receivedAt, registeredOn: a.registeredOn, route, comment },
  );

  const part = (await repo.findAppeal(trx, a.regionCode, slip.appealId))!;
  // Timeline entries naming each other (notes: no state or owner change). A stale
  // `expectedVersion` of the original is a 409 here, and the transaction leaves nothing behind.
  await noteCase(trx, {
    regionCode: a.regionCode, caseId: a.caseId, actor, at: now,
    ...(input.expectedVersion !== undefined ? { expectedVersion: input.expectedVersion } : {}),
    action: '$split', input: { appealId: part.id, slipNumber: part.slipNumber, organizationId: part.organizationId },
  });
  await noteCase(trx, {
    regionCode: part.regionCode, caseId: part.caseId!, actor, at: now,
    action: '$split_from', input: { appealId: a.id, slipNumber: a.slipNumber },
  });
  await repo.updateAppeal(trx, a.regionCode, a.id, { updatedAt: now });
  await appendAudit(trx, {
    regionCode: a.regionCode, actor, action: 'appeal.split', entityType: 'appeal', entityId: a.id, organizationId: a.organizationId,
    data: { splitId: part.id, slipNumber: part.slipNumber, categoryId: category.id, organizationId: part.organizationId, chosen: !!input.organizationId },
    at: now,
  });
  const org = await findOrganization(trx, part.organizationId);
  await notifyApplicant(trx, part, 'split', {
    original: a.slipNumber, registeredOn: part.registeredOn, organization: org ? org.name[part.lang as Lang] : '—', due: localTime(part.dueAt),
  }, now, 'split');
  return { ...slip, splitFromId: a.id, splitFromSlipNumber: a.slipNumber };
}
