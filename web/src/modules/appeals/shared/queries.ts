import { useQuery } from '@tanstack/react-query';
import { api } from '../../../api.ts';
import type { AppealPage, Category, Localized, Page, Territory } from './types.ts';

/**
 * Reads shared by the appeals screens. Reference data (categories, types, organization names,
 * territories) changes rarely and is cached for minutes; an appeal's page is always fresh.
 */

const REFERENCE = { staleTime: 10 * 60_000, gcTime: 30 * 60_000 } as const;

/** The demo region: the default until the user or their earlier appeals say otherwise. */
export const DEFAULT_REGION = '350000000';

export interface WebConfig {
  mapTileUrl: string | null;
}

/** Run-time settings (GET /api/web-config); a failure means "no tiles", never a broken page. */
export function useWebConfig() {
  return useQuery({
    queryKey: ['web-config'],
    queryFn: () => api<WebConfig>('/api/web-config').catch((): WebConfig => ({ mapTileUrl: null })),
    staleTime: Infinity,
  });
}

export function useCategories(regionCode: string | undefined) {
  return useQuery({
    queryKey: ['appeals', 'categories', regionCode],
    queryFn: () => api<{ items: Category[] }>('/api/appeals/categories', { query: { regionCode } }).then((r) => r.items),
    enabled: !!regionCode,
    ...REFERENCE,
  });
}

export interface AppealTypeInfo {
  code: string;
  name: Localized;
  term: { amount: number; unit: string; legalSource: string };
}

export function useAppealTypes() {
  return useQuery({
    queryKey: ['appeals', 'types'],
    queryFn: () => api<{ items: AppealTypeInfo[] }>('/api/appeals/types').then((r) => r.items),
    ...REFERENCE,
  });
}

/** The regions (KATO level 1) for a region switch. */
export function useRegions() {
  return useQuery({
    queryKey: ['territories', 'regions'],
    queryFn: () => api<Page<Territory>>('/api/territories', { query: { level: 1, limit: 50 } }).then((r) => r.items),
    ...REFERENCE,
  });
}

export function useTerritory(code: string | null | undefined) {
  return useQuery({
    queryKey: ['territories', 'one', code],
    queryFn: () => api<Territory>(`/api/territories/${code}`),
    enabled: !!code && /^\d{9}$/.test(code),
    ...REFERENCE,
  });
}

/** An organization's name (public directory read). */
export function useOrganizationName(id: string | null | undefined) {
  return useQuery({
    queryKey: ['organizations', 'name', id],
    queryFn: () => api<{ name: Localized }>(`/api/organizations/${id}`).then((o) => o.name),
    enabled: !!id,
    ...REFERENCE,
  });
}

export function appealKey(id: string) {
  return ['appeals', 'page', id] as const;
}

export function useAppeal(id: string | undefined) {
  return useQuery({
    queryKey: appealKey(id ?? ''),
    queryFn: () => api<AppealPage>(`/api/appeals/${id}`),
    enabled: !!id,
  });
}

/** Index of categories by id, with each category's path of names for breadcrumbs. */
export function categoryIndex(items: Category[] | undefined): Map<string, Category> {
  return new Map((items ?? []).map((c) => [c.id, c]));
}
