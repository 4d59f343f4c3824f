import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../../api.ts';
import { REGION_TIME_ZONE } from '../shared/format.ts';
import type { Localized } from '../shared/types.ts';

/** The public reads (GET /api/appeals/public, /public/map, /public/stats): no sign-in, no personal data. */

export interface Period {
  from: string;
  to: string;
  days: number;
}

export interface PublicProperties {
  typeCode: string;
  category: { id: string; code: string | null; name: Localized | null };
  territory: { code: string; name: Localized | null };
  status: 'open' | 'closed';
  state: string;
  organization: { organizationId: string; name: Localized | null };
  registeredOn: string;
  answeredOn: string | null;
  closedOn: string | null;
}

export interface PublicItem extends PublicProperties {
  id: string;
  area: { lat: number; lon: number } | null;
}

export interface PublicList {
  period: Period;
  items: PublicItem[];
  total: number;
  limit: number;
  offset: number;
}

export interface PublicMap {
  features: { id: string; geometry: { coordinates: [number, number] }; properties: PublicProperties }[];
  total: number;
  truncated: boolean;
}

export interface StatsFields {
  received: number;
  answered: number;
  answeredOnTimeShare: number | null;
  averageRating: number | null;
  rated: number;
}

export interface PublicStats {
  period: Period;
  totals: StatsFields;
  organizations: (StatsFields & { organizationId: string; name: Localized | null })[];
}

export type StatusFilter = '' | 'open' | 'closed';

const DAY_MS = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

/**
 * The last 30 days by registration day — and the days ahead: an appeal received after hours
 * or before a holiday is registered on the next working day (APPC art. 64), and the public
 * should see it today, not after the holiday. Ten days cover the longest run of days off.
 */
export function publicPeriod(now = new Date()): { from: string; to: string; today: string } {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: REGION_TIME_ZONE }).format(now);
  const t = Date.parse(`${today}T00:00:00Z`);
  return { from: iso(t - 29 * DAY_MS), to: iso(t + 10 * DAY_MS), today };
}

const FRESH = { staleTime: 60_000 } as const;
const period = () => {
  const { from, to } = publicPeriod();
  return { from, to };
};

export function usePublicList(regionCode: string, status: StatusFilter, limit: number, offset: number) {
  return useQuery({
    queryKey: ['appeals', 'public', regionCode, status, limit, offset],
    queryFn: () => api<PublicList>('/api/appeals/public', { query: { regionCode, status, limit, offset, ...period() } }),
    placeholderData: keepPreviousData,
    ...FRESH,
  });
}

export function usePublicMap(regionCode: string, status: StatusFilter) {
  return useQuery({
    queryKey: ['appeals', 'public-map', regionCode, status],
    queryFn: () => api<PublicMap>('/api/appeals/public/map', { query: { regionCode, status, limit: 1000, ...period() } }),
    ...FRESH,
  });
}

export function usePublicStats(regionCode: string) {
  return useQuery({
    queryKey: ['appeals', 'public-stats', regionCode],
    queryFn: () => api<PublicStats>('/api/appeals/public/stats', { query: { regionCode, ...period() } }),
    ...FRESH,
  });
}
