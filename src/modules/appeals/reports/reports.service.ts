import type { Actor } from '../../../platform/auth/actor.ts';
import { getCalendar, type Calendar } from '../../../platform/calendar/calendar.ts';
import type { Executor } from '../../../platform/db/database.ts';
import { invalid } from '../../../platform/http/errors.ts';
import { findTerritory, type Localized, type OrganizationView } from '../../directory/directory.service.ts';
import { getStaff, listStaff } from '../../directory/staff.service.ts';
import type { CategoryView } from '../appeals.categories.ts';
import { publicStatus } from '../appeals.views.ts';
import * as ref from '../appeals.reference.ts';
import { checkRegion, resolveReportScope, type ReportScope } from './reports.access.ts';
import { bucketsOf, resolvePeriod, type Interval, type Period, type PeriodInput } from './reports.period.ts';
import * as repo from './reports.repository.ts';

/**
 * The reports of the appeals register (README.md in this folder defines every figure):
 * the coordination centre's summary, the "who ignores residents" ranking, the appeals behind
 * any figure, and the public list, map and statistics. Reads only; no transaction needed.
 */

export const DRILL_PATH = '/api/appeals/reports/appeals';

export interface Figures {
  received: number;
  open: number;
  overdue: number;
  escalated: number;
  reopened: number;
  deemedRefusals: number;
  answered: number;
  answeredOnTime: number;
  unansweredPastTerm: number;
  /** answeredOnTime / (answered + unansweredPastTerm); null when nothing was due yet. */
  answeredOnTimeShare: number | null;
  averageAnswerWorkingDays: number | null;
  rated: number;
  averageRating: number | null;
  /** Share of ratings 4–5 among the rated. */
  satisfiedShare: number | null;
}

const share = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);
const mean = (sum: number, n: number) => (n > 0 ? Math.round((sum / n) * 100) / 100 : null);

export function figuresOf(c: repo.Counts): Figures {
  return {
    received: c.received,
    open: c.open,
    overdue: c.overdue,
    escalated: c.escalated,
    reopened: c.reopened,
    deemedRefusals: c.deemedRefusals,
    answered: c.answered,
    answeredOnTime: c.answeredOnTime,
    unansweredPastTerm: c.unansweredPastTerm,
    answeredOnTimeShare: share(c.answeredOnTime, c.answered + c.unansweredPastTerm),
    averageAnswerWorkingDays: mean(c.answerDays, c.answerDaysCounted),
    rated: c.rated,
    averageRating: mean(c.ratingSum, c.rated),
    satisfiedShare: share(c.satisfied, c.rated),
  };
}

const EMPTY: repo.Counts = {
  received: 0, open: 0, overdue: 0, escalated: 0, reopened: 0, deemedRefusals: 0, answered: 0, answeredOnTime: 0,
  unansweredPastTerm: 0, rated: 0, ratingSum: 0, satisfied: 0, answerDays: 0, answerDaysCounted: 0,
};

export interface PeriodView {
  from: string;
  to: string;
  days: number;
  interval: Interval;
}

export interface OrganizationRef {
  organizationId: string;
  name: Localized | null;
}

export interface ReportInput extends PeriodInput {
  regionCode?: string | undefined;
  organizationId?: string | undefined;
}

async function periodOf(db: Executor, regionCode: string, input: PeriodInput, now: Date): Promise<{ period: Period; calendar: Calendar; today: string }> {
  const calendar = await getCalendar(db, regionCode);
  const today = calendar.localDate(now);
  return { period: resolvePeriod(input, today), calendar, today };
}

function regionOf(input: ReportInput, actor: Actor): string {
  if (input.regionCode) return input.regionCode;
  if (actor.kind === 'staff' && actor.regionCode) return actor.regionCode;
  throw invalid('regionCode', 'required', 'reports:errors.region_required');
}

async function nameOf(db: Executor, orgs: Map<string, OrganizationView>, id: string): Promise<Localized | null> {
  // An organization of another region (an appeal moved across regions): the reference cache; `orgs` is shared, never written.
  const o = orgs.get(id) ?? (await ref.organization(db, id));
  return o?.name ?? null;
}

function drillHref(scope: { regionCode: string }, p: Period, figure: repo.Figure, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({ regionCode: scope.regionCode, from: p.from, to: p.to, figure, ...extra });
  return `${DRILL_PATH}?${q.toString()}`;
}

// ---------------------------------------------------------------------------------------
// Coordination centre summary
// ---------------------------------------------------------------------------------------

export interface SeriesPoint {
  bucket: string;
  received: number;
  open: number;
  overdue: number;
  deemedRefusals: number;
  answered: number;
  answeredOnTime: number;
  answeredOnTimeShare: number | null;
}

export interface Summary {
  regionCode: string;
  period: PeriodView;
  generatedAt: Date;
  /** Null: the whole region (coordination centre); else the organizations the report covers. */
  organizationIds: string[] | null;
  totals: Figures;
  organizations: (OrganizationRef & Figures)[];
  series: SeriesPoint[];
  drill: string;
}

export async function coordinationSummary(db: Executor, input: ReportInput, actor: Actor, now: Date): Promise<Summary> {
  const regionCode = regionOf(input, actor);
  const scope = await resolveReportScope(db, actor, regionCode, input.organizationId);
  return summaryFor(db, scope, input, now);
}

async function summaryFor(db: Executor, scope: ReportScope, input: PeriodInput, now: Date): Promise<Summary> {
  const { period } = await periodOf(db, scope.regionCode, input, now);
  const cohort = { regionCode: scope.regionCode, from: period.from, to: period.to, now, organizationIds: scope.organizationIds };
  const rows = await repo.summaryRows(db, cohort, period.interval);
  const total = rows.find((r) => r.set === 'total') ?? EMPTY;
  const byBucket = new Map(rows.filter((r) => r.set === 'bucket').map((r) => [r.bucket!, r]));
  const organizations = await Promise.all(
    rows
      .filter((r) => r.set === 'organization' && r.organizationId !== null && r.received > 0)
      .map(async (r) => ({ organizationId: r.organizationId!, name: await nameOf(db, scope.organizations, r.organizationId!), ...figuresOf(r) })),
  );
  organizations.sort((a, b) => b.overdue - a.overdue || b.deemedRefusals - a.deemedRefusals || b.received - a.received || a.organizationId.localeCompare(b.organizationId));
  return {
    regionCode: scope.regionCode,
    period: { from: period.from, to: period.to, days: period.days, interval: period.interval },
    generatedAt: now,
    organizationIds: scope.organizationIds,
    totals: figuresOf(total),
    organizations,
    series: bucketsOf(period).map((bucket) => {
      const r = byBucket.get(bucket) ?? EMPTY;
      return {
        bucket, received: r.received, open: r.open, overdue: r.overdue, deemedRefusals: r.deemedRefusals, answered: r.answered,
        answeredOnTime: r.answeredOnTime, answeredOnTimeShare: share(r.answeredOnTime, r.answered + r.unansweredPastTerm),
      };
    }),
    drill: drillHref(scope, period, 'received'),
  };
}

// ---------------------------------------------------------------------------------------
// Who ignores residents
// ---------------------------------------------------------------------------------------

export interface IgnoringFigures {
  rank: number;
  received: number;
  open: number;
  overdue: number;
  deemedRefusals: number;
  ignored: number;
  answered: number;
  answeredOnTimeShare: number | null;
  links: { overdue: string; deemedRefusals: string; ignored: string };
}

export interface IgnoringOrganization extends OrganizationRef, IgnoringFigures {}

export interface IgnoringOfficial extends IgnoringFigures {
  staffId: string;
  name: string | null;
  position: Localized | null;
  organizationId: string;
  organizationName: Localized | null;
}

export interface IgnoringReport {
  regionCode: string;
  period: PeriodView;
  generatedAt: Date;
  organizationIds: string[] | null;
  organizations: IgnoringOrganization[];
  officials: IgnoringOfficial[];
}

/** Competition ranking ("1, 2, 2, 4") by ignored, then overdue, then deemed refusals. */
function ranked<T extends { ignored: number; overdue: number; deemedRefusals: number; received: number }>(rows: T[], tie: (a: T, b: T) => number): (T & { rank: number })[] {
  const key = (r: T) => [r.ignored, r.overdue, r.deemedRefusals] as const;
  const sorted = [...rows].sort((a, b) => b.ignored - a.ignored || b.overdue - a.overdue || b.deemedRefusals - a.deemedRefusals || b.received - a.received || tie(a, b));
  let rank = 0;
  return sorted.map((r, i) => {
    const prev = sorted[i - 1];
    if (!prev || key(prev).some((v, k) => v !== key(r)[k])) rank = i + 1;
    return { ...r, rank };
  });
}

/** Staff names of the officials, read through the directory (what the reader may see of staff). */
async function staffNames(db: Executor, actor: Actor, ids: { staffId: string; organizationId: string }[]): Promise<Map<string, { name: string; position: Localized; organizationId: string }>> {
  const out = new Map<string, { name: string; position: Localized; organizationId: string }>();
  const wanted = new Set(ids.map((x) => x.staffId));
  for (const org of new Set(ids.map((x) => x.organizationId))) {
    for (let offset = 0; offset < 5_000; offset += 200) {
      const page = await listStaff(db, { organizationId: org, limit: 200, offset }, actor).catch(() => undefined);
      if (!page) break;
      for (const s of page.items) if (wanted.has(s.id)) out.set(s.id, { name: s.displayName, position: s.position, organizationId: s.organizationId });
      if (offset + page.items.length >= page.total || page.items.length === 0) break;
    }
  }
  // An assignee who works elsewhere than the appeal's organization (a subtree grant): one by one.
  for (const id of [...wanted].filter((x) => !out.has(x)).slice(0, 100)) {
    const s = await getStaff(db, id, actor).catch(() => undefined);
    if (s) out.set(s.id, { name: s.displayName, position: s.position, organizationId: s.organizationId });
  }
  return out;
}

export async function ignoringReport(db: Executor, input: ReportInput, actor: Actor, now: Date): Promise<IgnoringReport> {
  const regionCode = regionOf(input, actor);
  const scope = await resolveReportScope(db, actor, regionCode, input.organizationId);
  const { period } = await periodOf(db, regionCode, input, now);
  const rows = await repo.ignoringRows(db, { regionCode, from: period.from, to: period.to, now, organizationIds: scope.organizationIds });
  const links = (extra: Record<string, string>) => ({
    overdue: drillHref(scope, period, 'overdue', extra),
    deemedRefusals: drillHref(scope, period, 'deemed_refusal', extra),
    ignored: drillHref(scope, period, 'ignored', extra),
  });
  const figures = (r: repo.IgnoringRow) => ({
    received: r.received, open: r.open, overdue: r.overdue, deemedRefusals: r.deemedRefusals, ignored: r.ignored, answered: r.answered,
    answeredOnTimeShare: share(r.answeredOnTime, r.answered + r.unansweredPastTerm),
  });
  const orgRows = await Promise.all(
    rows.filter((r) => r.isOrganization).map(async (r) => ({
      organizationId: r.organizationId, name: await nameOf(db, scope.organizations, r.organizationId), ...figures(r), links: links({ organizationId: r.organizationId }),
    })),
  );
  const officialRows = rows.filter((r) => !r.isOrganization);
  const names = await staffNames(db, actor, officialRows.map((r) => ({ staffId: r.assigneeId!, organizationId: r.organizationId })));
  const officials = await Promise.all(
    officialRows.map(async (r) => {
      const s = names.get(r.assigneeId!);
      return {
        staffId: r.assigneeId!, name: s?.name ?? null, position: s?.position ?? null,
        organizationId: r.organizationId, organizationName: await nameOf(db, scope.organizations, r.organizationId),
        ...figures(r), links: links({ organizationId: r.organizationId, assigneeId: r.assigneeId! }),
      };
    }),
  );
  return {
    regionCode,
    period: { from: period.from, to: period.to, days: period.days, interval: period.interval },
    generatedAt: now,
    organizationIds: scope.organizationIds,
    organizations: ranked(orgRows, (a, b) => a.organizationId.localeCompare(b.organizationId)),
    officials: ranked(officials, (a, b) => a.staffId.localeCompare(b.staffId)),
  };
}

// ---------------------------------------------------------------------------------------
// The appeals behind a figure
// ---------------------------------------------------------------------------------------

export interface DrillInput extends ReportInput {
  figure: repo.Figure;
  assigneeId?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

export interface DrillItem extends repo.DrillRow {
  organizationName: Localized | null;
  categoryName: Localized | null;
}

export interface DrillPage {
  regionCode: string;
  period: PeriodView;
  figure: repo.Figure;
  items: DrillItem[];
  total: number;
  limit: number;
  offset: number;
}

export async function drillAppeals(db: Executor, input: DrillInput, actor: Actor, now: Date): Promise<DrillPage> {
  const regionCode = regionOf(input, actor);
  const scope = await resolveReportScope(db, actor, regionCode, input.organizationId);
  const { period } = await periodOf(db, regionCode, input, now);
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
  const offset = Math.max(input.offset ?? 0, 0);
  const { rows, total } = await repo.drillRows(db, {
    regionCode, from: period.from, to: period.to, now, organizationIds: scope.organizationIds, figure: input.figure, assigneeId: input.assigneeId, limit, offset,
  });
  const categories = await categoryNames(db, regionCode, rows.map((r) => r.categoryId));
  const items = await Promise.all(
    rows.map(async (r) => ({ ...r, organizationName: await nameOf(db, scope.organizations, r.organizationId), categoryName: categories.get(r.categoryId)?.name ?? null })),
  );
  return { regionCode, period: { from: period.from, to: period.to, days: period.days, interval: period.interval }, figure: input.figure, items, total, limit, offset };
}

async function categoryNames(db: Executor, regionCode: string, ids: string[]): Promise<Map<string, CategoryView>> {
  const out = new Map<string, CategoryView>();
  if (ids.length === 0) return out;
  for (const c of [...(await ref.categories(db, regionCode)), ...(await ref.categories(db, '000000000'))]) out.set(c.id, c);
  for (const id of new Set(ids.filter((x) => !out.has(x)))) {
    const c = await ref.category(db, id);
    if (c) out.set(id, c);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Public: no sign-in, no personal data
// ---------------------------------------------------------------------------------------

export interface PublicInput extends PeriodInput {
  regionCode: string;
  categoryId?: string | undefined;
  status?: 'open' | 'closed' | undefined;
  bbox?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

export interface PublicAppeal {
  id: string;
  typeCode: string;
  category: { id: string; code: string | null; name: Localized | null };
  territory: { code: string; name: Localized | null };
  /** The centre of the ~300 m grid cell holding the reported point; null without a point. */
  area: { lat: number; lon: number } | null;
  status: 'open' | 'closed';
  state: string;
  organization: OrganizationRef;
  registeredOn: string;
  answeredOn: string | null;
  closedOn: string | null;
}

export interface PublicPage {
  regionCode: string;
  period: PeriodView;
  items: PublicAppeal[];
  total: number;
  limit: number;
  offset: number;
}

function parseBbox(s: string | undefined): [number, number, number, number] | undefined {
  if (s === undefined || s === '') return undefined;
  const n = s.split(',').map((x) => Number(x.trim()));
  const [minLon, minLat, maxLon, maxLat] = n as [number, number, number, number];
  if (n.length !== 4 || n.some((x) => !Number.isFinite(x)) || minLon < -180 || maxLon > 180 || minLat < -90 || maxLat > 90 || minLon > maxLon || minLat > maxLat) {
    throw invalid('bbox', `not a bounding box: ${s}`, 'reports:errors.bad_bbox');
  }
  return [minLon, minLat, maxLon, maxLat];
}

async function publicPage(db: Executor, input: PublicInput, now: Date, opts: { withAreaOnly: boolean; maxLimit: number; defaultLimit: number }): Promise<PublicPage> {
  await checkRegion(db, input.regionCode);
  const { period, calendar } = await periodOf(db, input.regionCode, input, now);
  const categoryIds = input.categoryId ? await categoryWithDescendants(db, input.regionCode, input.categoryId) : undefined;
  const limit = Math.min(Math.max(input.limit ?? opts.defaultLimit, 1), opts.maxLimit);
  const offset = Math.max(input.offset ?? 0, 0);
  const { rows, total } = await repo.publicRows(db, {
    regionCode: input.regionCode, from: period.from, to: period.to, timeZone: calendar.timeZone, categoryIds, status: input.status, bbox: parseBbox(input.bbox),
    withAreaOnly: opts.withAreaOnly, limit, offset,
  });
  const orgs = await ref.regionOrganizations(db, input.regionCode);
  const categories = await categoryNames(db, input.regionCode, rows.map((r) => r.categoryId));
  const territories = new Map<string, Localized | null>();
  for (const code of new Set(rows.map((r) => r.territoryCode))) territories.set(code, (await findTerritory(db, code))?.name ?? null);
  const items: PublicAppeal[] = await Promise.all(rows.map(async (r) => ({
    id: r.id,
    typeCode: r.typeCode,
    category: { id: r.categoryId, code: categories.get(r.categoryId)?.code ?? null, name: categories.get(r.categoryId)?.name ?? null },
    territory: { code: r.territoryCode, name: territories.get(r.territoryCode) ?? null },
    area: r.areaLat !== null && r.areaLon !== null ? { lat: r.areaLat, lon: r.areaLon } : null,
    status: publicStatus(r.state),
    state: r.state,
    organization: { organizationId: r.organizationId, name: await nameOf(db, orgs, r.organizationId) },
    registeredOn: r.registeredOn,
    answeredOn: r.answeredOn,
    closedOn: r.closedOn,
  })));
  return { regionCode: input.regionCode, period: { from: period.from, to: period.to, days: period.days, interval: period.interval }, items, total, limit, offset };
}

/** A category filter covers its subtree (Housing → Heating → No heating). */
async function categoryWithDescendants(db: Executor, regionCode: string, id: string): Promise<string[]> {
  const all = [...(await ref.categories(db, regionCode)), ...(await ref.categories(db, '000000000'))];
  const ids = all.filter((c) => c.path.includes(id)).map((c) => c.id);
  if (ids.length === 0) throw invalid('categoryId', 'unknown category in this region', 'reports:errors.category_unknown');
  return ids;
}

export async function publicAppeals(db: Executor, input: PublicInput, now: Date): Promise<PublicPage> {
  return publicPage(db, input, now, { withAreaOnly: false, maxLimit: 200, defaultLimit: 50 });
}

export interface Feature {
  type: 'Feature';
  id: string;
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: Omit<PublicAppeal, 'id' | 'area'>;
}

export interface FeatureCollection {
  type: 'FeatureCollection';
  features: Feature[];
  /** Foreign members (RFC 7946 §6.1): how many matched, and whether the layer was cut at `limit`. */
  total: number;
  truncated: boolean;
}

export const MAP_MAX_FEATURES = 2000;

export async function publicMap(db: Executor, input: PublicInput, now: Date): Promise<FeatureCollection> {
  const page = await publicPage(db, { ...input, offset: 0 }, now, { withAreaOnly: true, maxLimit: MAP_MAX_FEATURES, defaultLimit: 1000 });
  return {
    type: 'FeatureCollection',
    features: page.items.map(({ id, area, ...properties }) => ({
      type: 'Feature' as const,
      id,
      // GeoJSON order: longitude, latitude.
      geometry: { type: 'Point' as const, coordinates: [area!.lon, area!.lat] as [number, number] },
      properties,
    })),
    total: page.total,
    truncated: page.total > page.items.length,
  };
}

export interface PublicStatsRow extends OrganizationRef {
  received: number;
  answered: number;
  answeredOnTimeShare: number | null;
  averageRating: number | null;
  rated: number;
}

export interface PublicStats {
  regionCode: string;
  period: PeriodView;
  totals: Omit<PublicStatsRow, 'organizationId' | 'name'>;
  organizations: PublicStatsRow[];
}

/** Per organization: received, answered, on-time share, average rating — counts only, over every appeal (not only the published ones). */
export async function publicStats(db: Executor, input: PeriodInput & { regionCode: string }, now: Date): Promise<PublicStats> {
  await checkRegion(db, input.regionCode);
  const orgs = await ref.regionOrganizations(db, input.regionCode);
  const s = await summaryFor(db, { regionCode: input.regionCode, organizationIds: null, organizations: orgs, isCoordinator: false }, input, now);
  const pick = (f: Figures) => ({ received: f.received, answered: f.answered, answeredOnTimeShare: f.answeredOnTimeShare, averageRating: f.averageRating, rated: f.rated });
  return {
    regionCode: s.regionCode,
    period: s.period,
    totals: pick(s.totals),
    organizations: s.organizations
      .map((o) => ({ organizationId: o.organizationId, name: o.name, ...pick(o) }))
      .sort((a, b) => b.received - a.received || a.organizationId.localeCompare(b.organizationId)),
  };
}
