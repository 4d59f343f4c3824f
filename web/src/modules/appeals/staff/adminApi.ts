import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../api.ts';
import { localized } from './format.ts';
import type { Category } from '../shared/types.ts';
import type { RoutingRule } from './staffApi.ts';

/** The coordination centre's reference data: routing rules and the category tree (appeals.admin.routes.ts). */

export const ORGANIZATION_KINDS = ['ministry', 'regional_akimat', 'district_akimat', 'department', 'coordination_centre', 'state_enterprise', 'private_provider'] as const;

export function useRoutingRules(regionCode: string | undefined) {
  return useQuery({
    queryKey: ['appeals-staff', 'routing-rules', regionCode],
    queryFn: ({ signal }) => api<{ items: RoutingRule[] }>('/api/appeals/routing-rules', { query: { regionCode, includeInactive: true }, signal }),
    enabled: !!regionCode,
  });
}

export function useAllCategories(regionCode: string | undefined) {
  return useQuery({
    queryKey: ['appeals-staff', 'categories', regionCode, true],
    queryFn: ({ signal }) => api<{ items: Category[] }>('/api/appeals/categories', { query: { regionCode, includeInactive: true }, signal }),
    enabled: !!regionCode,
  });
}

/** A write to the reference data; on success every cached list of it is read again. */
export function useAdminWrite() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ method, path, body }: { method: 'POST' | 'PATCH'; path: string; body: unknown }) => api(path, { method, body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['appeals-staff'] }),
  });
}

/** Categories as select options, children indented under their parents ("— Heating"). */
export function categoryOptions(items: Category[], opts: { activeOnly?: boolean } = {}) {
  return items
    .filter((c) => !opts.activeOnly || c.isActive)
    .map((c) => ({ value: c.id, label: `${'— '.repeat(c.depth)}${localized(c.name)}` }));
}

/** The names of a category's ancestors and itself: "Housing › Heating › No heating". */
export function categoryPath(c: Category | undefined, byId: Map<string, Category>): string {
  if (!c) return '—';
  return c.path.map((id) => localized(byId.get(id)?.name)).join(' › ');
}
