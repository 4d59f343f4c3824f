import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../api.ts';
import type { AppealPage, Category, ListItem, Localized, Page } from '../shared/types.ts';

/**
 * The staff side of the appeals API (src/modules/appeals/README.md, reports/): the report and
 * administration types (the appeal's own shapes — page, list item, category, timeline — are in ../shared/types.ts)
 * and the TanStack Query hooks of the staff screens.
 * Lists are paged by the server; nothing here loads a whole register.
 */

export interface RoutingRule {
  id: string;
  regionCode: string;
  categoryId: string;
  territoryPrefix: string;
  organizationId: string;
  note: string | null;
  isActive: boolean;
}

export interface Organization {
  id: string;
  name: Localized;
  kind: string;
  parentId: string | null;
  territoryCode: string;
  regionCode: string;
  isActive: boolean;
}

export interface StaffMember {
  id: string;
  organizationId: string;
  displayName: string;
  position: Localized;
  isActive: boolean;
}

export interface Overview {
  organizationId: string;
  byState: { state: string; open: number; overdue: number }[];
  holders: { assigneeId: string | null; name: string | null; open: number; overdue: number; deemedRefusals: number }[];
  overdue: ListItem[];
}

export interface Figures {
  received: number;
  open: number;
  overdue: number;
  escalated: number;
  reopened: number;
  deemedRefusals: number;
  answered: number;
  answeredOnTime: number;
  answeredOnTimeShare: number | null;
  averageAnswerWorkingDays: number | null;
  rated: number;
  averageRating: number | null;
  satisfiedShare: number | null;
}

export interface Period {
  from: string;
  to: string;
  days: number;
  interval: 'day' | 'week' | 'month';
}

export interface Summary {
  regionCode: string;
  period: Period;
  generatedAt: string;
  totals: Figures;
  organizations: (Figures & { organizationId: string; name: Localized | null })[];
  series: { bucket: string; received: number; open: number; overdue: number; deemedRefusals: number; answered: number; answeredOnTime: number }[];
}

export interface IgnoringRow {
  rank: number;
  received: number;
  open: number;
  overdue: number;
  deemedRefusals: number;
  ignored: number;
  answered: number;
  answeredOnTimeShare: number | null;
}

export interface IgnoringReport {
  regionCode: string;
  period: Period;
  generatedAt: string;
  organizations: (IgnoringRow & { organizationId: string; name: Localized | null })[];
  officials: (IgnoringRow & { staffId: string; name: string | null; position: Localized | null; organizationId: string; organizationName: Localized | null })[];
}

export interface DrillItem {
  id: string;
  slipNumber: string;
  categoryName: Localized | null;
  state: string;
  organizationId: string;
  organizationName: Localized | null;
  registeredOn: string;
  receivedAt: string;
  dueAt: string | null;
  isOverdue: boolean;
}

export interface DrillPage extends Page<DrillItem> {
  period: Period;
}

/** A point of the staff map layer (GET /api/appeals/reports/map): slip, category, state, organization — no personal data. */
export interface MapFeature {
  id: string;
  geometry: { coordinates: [number, number] };
  properties: {
    slipNumber: string;
    state: string;
    status: 'open' | 'closed';
    isOverdue: boolean;
    category: { id: string; name: Localized | null };
    organization: { id: string; name: Localized | null };
    registeredOn: string;
    dueAt: string | null;
  };
}

export interface ActionResult {
  id: string;
  state: string;
  caseVersion: number;
}

export type ReportPeriod = { from?: string; to?: string };

export const PAGE_SIZE = 20;

/** Keys every staff screen shares, so that an action refreshes the lists and figures it changed. */
export const keys = {
  all: ['appeals-staff'] as const,
  inbox: (f: object) => ['appeals-staff', 'inbox', f] as const,
  appeal: (id: string) => ['appeals-staff', 'appeal', id] as const,
  overview: (orgId: string) => ['appeals-staff', 'overview', orgId] as const,
  summary: (p: object) => ['appeals-staff', 'summary', p] as const,
  ignoring: (p: object) => ['appeals-staff', 'ignoring', p] as const,
  drill: (p: object) => ['appeals-staff', 'drill', p] as const,
};

export interface InboxFilter {
  organizationId?: string | undefined;
  mine?: boolean;
  overdue?: boolean;
  state?: string | undefined;
  offset: number;
}

export function useInbox(f: InboxFilter, enabled = true) {
  return useQuery({
    queryKey: keys.inbox(f),
    queryFn: ({ signal }) => api<Page<ListItem>>('/api/appeals/inbox', { query: { ...f, mine: f.mine || undefined, overdue: f.overdue || undefined, limit: PAGE_SIZE }, signal }),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useAppeal(id: string) {
  return useQuery({ queryKey: keys.appeal(id), queryFn: ({ signal }) => api<AppealPage>(`/api/appeals/${id}`, { signal }) });
}

export function useOverview(orgId: string | undefined) {
  return useQuery({
    queryKey: keys.overview(orgId ?? ''),
    queryFn: ({ signal }) => api<Overview>(`/api/appeals/organizations/${orgId}/overview`, { signal }),
    enabled: !!orgId,
  });
}

export function useCategories(regionCode: string | undefined, includeInactive = false) {
  return useQuery({
    queryKey: ['appeals-staff', 'categories', regionCode, includeInactive],
    queryFn: ({ signal }) => api<{ items: Category[] }>('/api/appeals/categories', { query: { regionCode, includeInactive }, signal }),
    enabled: !!regionCode,
    staleTime: 5 * 60_000,
  });
}

/** Organizations of a region (the region has dozens, not thousands: one page of 200 holds them). */
export function useOrganizations(regionCode: string | undefined) {
  return useQuery({
    queryKey: ['appeals-staff', 'organizations', regionCode],
    queryFn: ({ signal }) => api<Page<Organization>>('/api/organizations', { query: { regionCode, limit: 200 }, signal }),
    enabled: !!regionCode,
    staleTime: 5 * 60_000,
  });
}

export function useStaff(organizationId: string | undefined) {
  return useQuery({
    queryKey: ['appeals-staff', 'staff', organizationId],
    queryFn: ({ signal }) => api<Page<StaffMember>>('/api/staff', { query: { organizationId, isActive: true, limit: 200 }, signal }),
    enabled: !!organizationId,
    staleTime: 5 * 60_000,
  });
}

export function useSummary(p: ReportPeriod) {
  return useQuery({
    queryKey: keys.summary(p),
    queryFn: ({ signal }) => api<Summary>('/api/appeals/reports/summary', { query: p, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useIgnoring(p: ReportPeriod) {
  return useQuery({
    queryKey: keys.ignoring(p),
    queryFn: ({ signal }) => api<IgnoringReport>('/api/appeals/reports/ignoring', { query: p, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useDrill(p: ReportPeriod & { figure: string; organizationId?: string | undefined; assigneeId?: string | undefined; offset: number }) {
  return useQuery({
    queryKey: keys.drill(p),
    queryFn: ({ signal }) => api<DrillPage>('/api/appeals/reports/appeals', { query: { ...p, limit: PAGE_SIZE }, signal }),
    placeholderData: keepPreviousData,
  });
}

/** Where the period's appeals of the region are: every appeal with a point (the staff layer, not only the published ones). */
export function useRegionMap(regionCode: string | undefined, p: ReportPeriod) {
  return useQuery({
    queryKey: ['appeals-staff', 'map', regionCode, p],
    queryFn: ({ signal }) => api<{ features: MapFeature[]; total: number; truncated: boolean }>('/api/appeals/reports/map', { query: { regionCode, ...p, limit: 1000 }, signal }),
    enabled: !!regionCode,
  });
}

/**
 * One lifecycle action (`POST /api/appeals/:id/<path>`). The body carries the case version the
 * user saw, so a change made meanwhile by someone else is refused (409) instead of overwritten.
 */
export function useAppealAction(appeal: Pick<AppealPage, 'id' | 'caseVersion'>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ path, body, files }: { path: string; body?: Record<string, unknown>; files?: File[] }) => {
      const data = { expectedVersion: appeal.caseVersion, ...body };
      if (files?.length) {
        const form = new FormData();
        form.set('data', JSON.stringify(data));
        for (const f of files) form.append('files', f, f.name);
        return api<ActionResult>(`/api/appeals/${appeal.id}/${path}`, { method: 'POST', body: form });
      }
      return api<ActionResult>(`/api/appeals/${appeal.id}/${path}`, { method: 'POST', body: data });
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.all }),
  });
}
