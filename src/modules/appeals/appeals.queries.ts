import { sql } from 'kysely';
import type { Actor } from '../../platform/auth/actor.ts';
import { getCalendar, type Calendar } from '../../platform/calendar/calendar.ts';
import type { Executor } from '../../platform/db/database.ts';
import { executePrepared } from '../../platform/db/prepared.ts';
import { forbidden, notFound } from '../../platform/http/errors.ts';
import { availableActions } from '../../platform/workflow/cases.ts';
import { getTimeline, type DeadlineView, type TimelineEntry } from '../../platform/workflow/queries.ts';
import { hasRole } from '../directory/directory.access.ts';
import type { Localized } from '../directory/directory.service.ts';
import { searchPeople, type PersonView } from '../directory/people.service.ts';
import { listStaff } from '../directory/staff.service.ts';
import { accessTo, assertOperator, type Access } from './appeals.access.ts';
import { getCategory, type CategoryView } from './appeals.categories.ts';
import type { AppealsDeps } from './appeals.deps.ts';
import * as repo from './appeals.repository.ts';
import * as ref from './appeals.reference.ts';
import { maySplit } from './appeals.split.ts';
import { applicantView, LIST_COLUMNS, listItem, publicView, WORK_STATES, WORK_STATES_SQL, workingDaysLeft, type AppealListItem, type ApplicantView, type ListRow, type PublicAppealView } from './appeals.views.ts';

/** The read side: an appeal's page, my appeals, the inbox, the head's overview, the caller lookup. */

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

const DEFAULT_PAGE_SIZE = 50;
const paging = (p: { limit?: number; offset?: number }) => ({ limit: Math.min(Math.max(p.limit ?? DEFAULT_PAGE_SIZE, 1), 200), offset: Math.max(p.offset ?? 0, 0) });

export interface AppealPage {
  id: string;
  regionCode: string;
  slipNumber: string;
  typeCode: string;
  category: Pick<CategoryView, 'id' | 'code' | 'name' | 'path'> & { targetHours: number | null };
  channel: string;
  lang: string;
  text: string;
  territoryCode: string;
  address: string | null;
  location: { lat: number; lon: number } | null;
  extra: Record<string, unknown>;
  isPublic: boolean;
  isAnonymous: boolean;
  isSecurityReport: boolean;
  isStateServiceComplaint: boolean;
  serviceProviderId: string | null;
  applicant: ApplicantView | null;
  receivedAt: Date;
  registeredOn: string;
  receivedBy: { kind: string; id: string | null; organizationId: string | null };
  state: string;
  organization: { id: string; name: Localized };
  assigneeId: string | null;
  dueAt: Date | null;
  workingDaysLeft: number | null;
  closedAt: Date | null;
  answer: { text: string; decision: string | null; answeredAt: Date | null; answeredBy: string | null } | null;
  verdict: string | null;
  rating: number | null;
  reopenCount: number;
  returnCount: number;
  extensionCount: number;
  deemedRefusalAt: Date | null;
  originalId: string | null;
  /** The appeal this one was split from (APPC art. 65), and the parts split from this one. */
  splitFrom: { id: string; slipNumber: string } | null;
  splits: { id: string; slipNumber: string; organizationId: string; state: string }[];
  forwardedTo: string | null;
  caseVersion: number;
  escalationLevel: number;
  attachments: { id: string; fileId: string; stage: string; originalName: string; mime: string; size: number; createdAt: Date }[];
  deadlines: DeadlineView[];
  timeline: TimelineEntry[];
  /** What the viewer may do now (workflow actions, plus delegate and merge for staff). */
  actions: string[];
  access: Access;
}

export async function getAppealPage(db: Executor, deps: AppealsDeps, id: string, actor: Actor, now: Date): Promise<AppealPage> {
  const a = await repo.findAppealById(db, id);
  if (!a || !a.caseId) throw notFound('appeal', { messageKey: 'appeals:errors.appeal_not_found' });
  const access = await accessTo(db, actor, a);
  if (!access) throw forbidden('no access to this appeal', { messageKey: 'appeals:errors.no_access' });
  const [category, org, attachments, timeline, available, cal, links] = await Promise.all([
    getCategory(db, a.categoryId),
    ref.requireOrganization(db, a.organizationId),
    repo.listAttachments(db, a.regionCode, a.id),
    getTimeline(db, a.regionCode, a.caseId, now),
    availableActions(db, deps.workflow, { regionCode: a.regionCode, caseId: a.caseId, actor }),
    getCalendar(db, a.regionCode),
    repo.splitLinks(db, a),
  ]);
  const actions = available.actions.map((x) => x.action);
  if (actor.kind === 'staff' && !a.closedAt) {
    if (a.state !== 'registered' && (await hasRole(db, actor, 'head', a.organizationId))) actions.push('delegate');
    if (['registered', 'assigned', 'in_progress', 'awaiting_applicant'].includes(a.state) && access !== 'applicant') actions.push('merge');
    if (await maySplit(db, actor, a)) actions.push('split');
  }
  return {
    id: a.id,
    regionCode: a.regionCode,
    slipNumber: a.slipNumber,
    typeCode: a.typeCode,
    category: { id: category.id, code: category.code, name: category.name, path: category.path, targetHours: category.effective.targetHours },
    channel: a.channel,
    lang: a.lang,
    text: a.text,
    territoryCode: a.territoryCode,
    // Every viewer of a page is a party (applicant, coordination centre, assigned organization): full data.
    address: a.address,
    location: a.lat !== null && a.lon !== null ? { lat: a.lat, lon: a.lon } : null,
    extra: JSON.parse(a.extraText) as Record<string, unknown>,
    isPublic: a.isPublic,
    isAnonymous: a.isAnonymous,
    isSecurityReport: a.isSecurityReport,
    isStateServiceComplaint: a.isStateServiceComplaint,
    serviceProviderId: a.serviceProviderId,
    applicant: applicantView(a, true),
    receivedAt: a.receivedAt,
    registeredOn: a.registeredOn,
    receivedBy: { kind: a.receivedByKind, id: access === 'applicant' ? null : a.receivedById, organizationId: a.receivedByOrganizationId },
    state: a.state,
    organization: { id: org.id, name: org.name },
    assigneeId: a.assigneeId,
    dueAt: a.dueAt,
    workingDaysLeft: a.closedAt ? null : workingDaysLeft(cal, a.dueAt, now),
    closedAt: a.closedAt,
    answer: a.answerText ? { text: a.answerText, decision: a.answerDecision, answeredAt: a.answeredAt, answeredBy: a.answeredBy } : null,
    verdict: a.verdict,
    rating: a.rating,
    reopenCount: a.reopenCount,
    returnCount: a.returnCount,
    extensionCount: a.extensionCount,
    deemedRefusalAt: a.deemedRefusalAt,
    originalId: a.originalId,
    splitFrom: links.splitFrom,
    splits: links.splits,
    forwardedTo: a.forwardedTo,
    caseVersion: timeline.case.version,
    escalationLevel: timeline.case.escalationLevel,
    attachments: attachments.map((f) => ({ id: f.id, fileId: f.fileId, stage: f.stage, originalName: f.originalName, mime: f.mime, size: f.size, createdAt: f.createdAt })),
    deadlines: timeline.deadlines,
    timeline: timeline.entries,
    actions,
    access,
  };
}

/** The file of an attachment, if the actor may see the appeal it belongs to. */
export async function findAttachmentFile(db: Executor, appealId: string, attachmentId: string, actor: Actor): Promise<{ fileId: string; originalName: string; mime: string }> {
  const a = await repo.findAppealById(db, appealId);
  if (!a) throw notFound('appeal', { messageKey: 'appeals:errors.appeal_not_found' });
  if (!(await accessTo(db, actor, a))) throw forbidden('no access to this appeal', { messageKey: 'appeals:errors.no_access' });
  const f = (await repo.listAttachments(db, a.regionCode, a.id)).find((x) => x.id === attachmentId);
  if (!f) throw notFound('attachment', { messageKey: 'appeals:errors.attachment_not_found' });
  return { fileId: f.fileId, originalName: f.originalName, mime: f.mime };
}

async function items(db: Executor, rows: ListRow[], now: Date): Promise<AppealListItem[]> {
  // One calendar per region of the page (getCalendar checks the revision with a round trip on each call).
  const calendars = new Map<string, Calendar>();
  for (const code of new Set(rows.map((r) => r.regionCode))) calendars.set(code, await getCalendar(db, code));
  return rows.map((r) => listItem(r, calendars.get(r.regionCode)!, now));
}

/**
 * Every list (inbox, my appeals, the head's overdue, the caller's earlier appeals) reads the list
 * item's columns only, with the text cut to the excerpt by PostgreSQL (`left` counts characters, as
 * the excerpt does): the rows were all ~60 columns with the whole text and the extra fields, parsed
 * and renamed per column and row in Node — the inbox's cost grew with the rows a page shows.
 */
function base(db: Executor) {
  return db.selectFrom('appeal as a').select([...LIST_COLUMNS.map((c) => `a.${c}` as const), sql<string>`left(a.text, 200)`.as('text')]);
}

/** A citizen's own appeals, newest first. */
export async function listMyAppeals(db: Executor, actor: Actor, p: { limit?: number; offset?: number }, now: Date): Promise<Page<AppealListItem>> {
  if (actor.kind !== 'citizen') throw forbidden('citizens only', { messageKey: 'appeals:errors.citizens_only' });
  const page = paging(p);
  const q = base(db).where('a.applicantAccountId', '=', actor.accountId);
  const [rows, total] = await Promise.all([
    q.orderBy('a.receivedAt', 'desc').orderBy('a.id').limit(page.limit).offset(page.offset).execute(),
    db.selectFrom('appeal').select((eb) => eb.fn.countAll<number>().as('n')).where('applicantAccountId', '=', actor.accountId).executeTakeFirstOrThrow(),
  ]);
  return { items: await items(db, rows, now), total: Number(total.n), ...page };
}

export interface InboxFilter {
  organizationId?: string;
  /** Only appeals assigned to the caller. */
  mine?: boolean;
  state?: string;
  /** The category and everything below it. */
  categoryId?: string;
  overdue?: boolean;
  limit?: number;
  offset?: number;
}

/**
 * An organization's work list, most urgent first (due instant, then receipt), with time left in
 * working days. Staff holding executor, head, coordinator or operator for the organization.
 */
export async function listInbox(db: Executor, actor: Actor, f: InboxFilter, now: Date): Promise<Page<AppealListItem>> {
  if (actor.kind !== 'staff') throw forbidden('staff only', { messageKey: 'appeals:errors.staff_only' });
  const org = await ref.requireOrganization(db, f.organizationId ?? actor.organizationId);
  if (!(await hasRole(db, actor, ['executor', 'head', 'coordinator', 'operator'], org.id))) {
    throw forbidden('no role in this organization', { messageKey: 'appeals:errors.needs_organization_role', params: { role: 'executor, head' } });
  }
  const page = paging(f);
  let q = base(db).where('a.regionCode', '=', org.regionCode).where('a.organizationId', '=', org.id);
  q = f.state ? q.where('a.state', '=', f.state) : q.where(WORK_STATE_LIST);
  if (f.mine) q = q.where('a.assigneeId', '=', actor.staffId);
  if (f.categoryId) q = q.where(sql<boolean>`exists (select 1 from appeal_category c where c.id = a.category_id and c.path @> array[${f.categoryId}]::uuid[])`);
  if (f.overdue) q = q.where('a.dueAt', '<', now);
  // The work list over every work state (the default, with or without `mine` and `overdue`) goes
  // as named statements: planning its page and count was a third of PostgreSQL's time per inbox
  // request (bench/README.md, stop 20), and their plan is the same for every organization — a
  // range of `appeal_work_ix`. For a generic plan to be kept, PostgreSQL must see what a custom
  // plan sees: the work states as literals (so that the index's partial predicate is proven), and
  // for the page the first page's limit and offset too (with a parameter there it assumes a tenth
  // of the rows and keeps planning each call). Filtered lists and later pages stay unnamed.
  //
  // The page carries the count of the whole list in each row (an uncorrelated subquery: PostgreSQL
  // counts once), so a page is one statement and one round trip, not two. An empty page says the
  // count only on the first page (nothing there: 0); past the end the count is asked alone.
  const named = !f.state && !f.categoryId;
  const firstPage = named && page.offset === 0 && page.limit === DEFAULT_PAGE_SIZE;
  const countQuery = q.clearSelect().select((eb) => eb.fn.countAll<number>().as('n'));
  const pageQuery = q
    .select(() => countQuery.as('total'))
    .orderBy(sql`a.due_at asc nulls last`)
    .orderBy('a.receivedAt')
    .orderBy('a.id')
    .limit(firstPage ? sql.lit(page.limit) : page.limit)
    .offset(firstPage ? sql.lit(0) : page.offset);
  const rows = firstPage ? await executePrepared(db, pageQuery) : await pageQuery.execute();
  const total = rows[0]?.total ?? (page.offset === 0 ? 0 : (await countQuery.executeTakeFirstOrThrow()).n);
  return { items: await items(db, rows, now), total: Number(total), ...page };
}

/** `state in ('registered', …)` with the work states as literals (see `listInbox`). */
const WORK_STATE_LIST = sql<boolean>`a.state in (${WORK_STATES_SQL})`;

export interface HolderRow {
  assigneeId: string | null;
  name: string | null;
  open: number;
  overdue: number;
  deemedRefusals: number;
}

export interface OrganizationOverview {
  organizationId: string;
  byState: { state: string; open: number; overdue: number }[];
  /** Who holds what; `assigneeId` null = not yet taken by anyone. Most overdue first. */
  holders: HolderRow[];
  overdue: AppealListItem[];
}

/** The head's view of an organization: who holds what, overdue by person. Heads (and the coordination centre). */
export async function organizationOverview(db: Executor, organizationId: string, actor: Actor, now: Date): Promise<OrganizationOverview> {
  const org = await ref.requireOrganization(db, organizationId);
  if (!(await hasRole(db, actor, ['head', 'coordinator'], org.id))) {
    throw forbidden('needs head of the organization', { messageKey: 'appeals:errors.needs_organization_role', params: { role: 'head' } });
  }
  const open = db.selectFrom('appeal').where('regionCode', '=', org.regionCode).where('organizationId', '=', org.id).where('state', 'in', [...WORK_STATES]);
  const overdueCount = sql<number>`(count(*) filter (where due_at < ${now}))::int`;
  const [byState, byHolder, overdueRows] = await Promise.all([
    open.select(['state', sql<number>`count(*)::int`.as('open'), overdueCount.as('overdue')]).groupBy('state').orderBy('state').execute(),
    open.select(['assigneeId', sql<number>`count(*)::int`.as('open'), overdueCount.as('overdue'), sql<number>`(count(*) filter (where deemed_refusal_at is not null))::int`.as('deemedRefusals')]).groupBy('assigneeId').execute(),
    base(db).where('a.regionCode', '=', org.regionCode).where('a.organizationId', '=', org.id).where('a.state', 'in', [...WORK_STATES]).where('a.dueAt', '<', now).orderBy('a.dueAt').limit(100).execute(),
  ]);
  const staff = await listStaff(db, { organizationId: org.id, limit: 200 }, actor).catch(() => ({ items: [] as { id: string; displayName: string }[] }));
  const names = new Map(staff.items.map((s) => [s.id, s.displayName]));
  return {
    organizationId: org.id,
    byState,
    holders: byHolder
      .map((h) => ({ assigneeId: h.assigneeId, name: h.assigneeId ? (names.get(h.assigneeId) ?? null) : null, open: h.open, overdue: h.overdue, deemedRefusals: h.deemedRefusals }))
      .sort((x, y) => y.overdue - x.overdue || y.open - x.open),
    overdue: await items(db, overdueRows, now),
  };
}

/**
 * The operator's caller lookup: the people with this IIN or phone (directory, in full for the
 * operator) and their earlier appeals in the operator's region (masked like every list).
 */
export async function findCaller(db: Executor, q: { iin?: string; phone?: string }, actor: Actor, now: Date): Promise<{ people: PersonView[]; appeals: AppealListItem[] }> {
  if (actor.kind !== 'staff') throw forbidden('operators only', { messageKey: 'appeals:errors.needs_operator' });
  await assertOperator(db, actor, actor.regionCode);
  const people = (await searchPeople(db, { ...(q.iin ? { iin: q.iin } : {}), ...(q.phone ? { phone: q.phone } : {}), limit: 10 }, actor)).items;
  const ids = people.map((p) => p.id);
  const phones = people.map((p) => p.phone).filter((x): x is string => !!x && !x.includes('•'));
  let s = base(db).where('a.regionCode', '=', actor.regionCode);
  s = s.where((eb) => eb.or([...(ids.length ? [eb('a.applicantPersonId', 'in', ids)] : []), ...(phones.length ? [eb('a.applicantPhone', 'in', phones)] : []), eb.val(false)]));
  const rows = ids.length || phones.length ? await s.orderBy('a.receivedAt', 'desc').limit(50).execute() : [];
  return { people, appeals: await items(db, rows, now) };
}

/** Public fields only (no personal data): for Open311 and public statistics. */
export async function listAppealsForApi(
  db: Executor,
  f: { regionCode: string; ids?: string[]; slipNumbers?: string[]; categoryIds?: string[]; statuses?: ('open' | 'closed')[]; from?: Date; to?: Date; limit?: number },
): Promise<PublicAppealView[]> {
  // An empty list of slip numbers matches nothing (not "no filter").
  if (f.slipNumbers && !f.slipNumbers.length) return [];
  // Reports of crimes and threats to security are never shown in public lists, whatever they contain.
  // The public view's columns only (not `select a.*`: ~60 columns incl. `extra` and the applicant's
  // personal data, for lists of up to 1,000); text, answer and point are read only when public.
  const ifPublic = <T>(column: string) => sql<T | null>`case when a.is_public then ${sql.ref(`a.${column}`)} end`;
  let q = db
    .selectFrom('appeal as a')
    .select(['a.id', 'a.regionCode', 'a.slipNumber', 'a.typeCode', 'a.categoryId', 'a.state', 'a.organizationId', 'a.receivedAt', 'a.updatedAt', 'a.dueAt', 'a.territoryCode', 'a.isPublic'])
    .select([ifPublic<string>('text').as('text'), ifPublic<string>('answer_text').as('answerText'), ifPublic<number>('lat').as('lat'), ifPublic<number>('lon').as('lon')])
    .where('a.regionCode', '=', f.regionCode)
    .where('a.isSecurityReport', '=', false);
  if (f.ids?.length) q = q.where('a.id', 'in', f.ids);
  // By slip numbers: one statement on the unique (region_code, slip_number) index.
  if (f.slipNumbers?.length) q = q.where('a.slipNumber', 'in', [...new Set(f.slipNumbers)]);
  if (f.categoryIds?.length) q = q.where('a.categoryId', 'in', f.categoryIds);
  if (f.statuses?.length === 1) q = f.statuses[0] === 'open' ? q.where('a.closedAt', 'is', null) : q.where('a.closedAt', 'is not', null);
  if (f.from) q = q.where('a.receivedAt', '>=', f.from);
  if (f.to) q = q.where('a.receivedAt', '<=', f.to);
  const rows = await q.orderBy('a.receivedAt', 'desc').orderBy('a.id').limit(Math.min(Math.max(f.limit ?? 1000, 1), 1000)).execute();
  return rows.map(publicView);
}
