import { useMemo, useState } from 'react';
import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api.ts';
import { useFormat } from './format.ts';
import { useTerritory } from './queries.ts';
import type { Page, Territory } from './types.ts';

/**
 * A settlement or district of the region (KATO), found by name in any language
 * (GET /api/territories?q=…); with nothing typed, the region's districts and cities.
 */
export function TerritorySelect({
  regionCode,
  value,
  onChange,
  label,
  error,
  id,
  required,
}: {
  regionCode: string;
  value: string | null;
  onChange: (code: string | null) => void;
  label: string;
  error?: string | undefined;
  id?: string;
  required?: boolean;
}) {
  const { t } = useTranslation('appealsweb');
  const f = useFormat();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const selected = useTerritory(value);
  const prefix = regionCode.slice(0, 2);
  const list = useQuery({
    queryKey: ['territories', 'pick', regionCode, q],
    queryFn: () =>
      api<Page<Territory>>('/api/territories', { query: q.length >= 2 ? { q, limit: 50 } : { parentCode: regionCode, limit: 50 } }).then((r) =>
        r.items.filter((x) => x.code.startsWith(prefix) && x.level >= 2),
      ),
    staleTime: 5 * 60_000,
  });
  const data = useMemo(() => {
    const items = [...(list.data ?? [])];
    if (selected.data && !items.some((x) => x.code === selected.data.code)) items.unshift(selected.data);
    return items.map((x) => ({ value: x.code, label: f.pick(x.name) }));
  }, [list.data, selected.data, f]);
  const selectedLabel = selected.data ? f.pick(selected.data.name) : '';

  return (
    <Select
      id={id}
      label={label}
      placeholder={t('territory.typeToSearch')}
      data={data}
      value={value}
      onChange={(v) => {
        onChange(v);
        setSearch('');
      }}
      searchable
      onSearchChange={(s) => setSearch(s === selectedLabel ? '' : s)}
      filter={({ options }) => options}
      nothingFoundMessage={list.isFetching ? t('territory.searching') : t('territory.nothingFound')}
      error={error}
      required={required}
      clearable
      comboboxProps={{ withinPortal: true }}
      data-testid="territory-select"
    />
  );
}
