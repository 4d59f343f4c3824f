import { useMemo, useState } from 'react';
import { Box, Input, Radio, Select, Stack, Text, TextInput, type ComboboxItem, type OptionsFilter } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { buildTree, categoryPath, fold, isSelectable, searchLeaves, type CategoryTree } from './categories.ts';
import { useFormat } from './format.ts';
import type { Category } from './types.ts';

/**
 * Choosing a category. `CategoryPicker` is the searchable tree for citizens (tap through
 * groups, or type a word in any language: "холодно", "жылу", "heating"); `CategorySelect` is
 * one combobox for keyboard users (type, arrow, Enter). Both select leaves only.
 */

function TreeLevel({ tree, parentId, value, onChange, name }: { tree: CategoryTree; parentId: string | null; value: string | null; onChange: (id: string) => void; name: string }) {
  const f = useFormat();
  const list = tree.children.get(parentId) ?? [];
  return (
    <Box component="ul" m={0} p={0} pl={parentId ? 'md' : 0} style={{ listStyle: 'none' }}>
      {list.map((c) =>
        isSelectable(tree, c) ? (
          <Box component="li" key={c.id} py={6}>
            <Radio name={name} value={c.id} checked={value === c.id} onChange={() => onChange(c.id)} label={f.pick(c.name)} data-testid={`category-${c.code}`} />
          </Box>
        ) : (
          <Box component="li" key={c.id}>
            <details open={!!value && (tree.byId.get(value)?.path.includes(c.id) ?? false)} className="category-group">
              <summary style={{ cursor: 'pointer', padding: '8px 0', fontWeight: 600 }}>{f.pick(c.name)}</summary>
              <TreeLevel tree={tree} parentId={c.id} value={value} onChange={onChange} name={name} />
            </details>
          </Box>
        ),
      )}
    </Box>
  );
}

export function CategoryPicker({
  categories,
  value,
  onChange,
  label,
  error,
}: {
  categories: Category[];
  value: string | null;
  onChange: (id: string) => void;
  label: string;
  error?: string | undefined;
}) {
  const { t } = useTranslation('appealsweb');
  const f = useFormat();
  const [query, setQuery] = useState('');
  const tree = useMemo(() => buildTree(categories), [categories]);
  const found = useMemo(() => (query.trim() ? searchLeaves(tree, query, f.lang) : []), [tree, query, f.lang]);
  const errorId = 'category-error';

  return (
    <Box component="fieldset" m={0} p={0} style={{ border: 0, minWidth: 0 }} aria-describedby={error ? errorId : undefined} aria-invalid={error ? true : undefined}>
      <Box component="legend" p={0} mb="xs" fw={600} fz="sm">
        {label}
      </Box>
      <TextInput type="search" label={t('category.search')} description={t('category.searchHint')} value={query} onChange={(e) => setQuery(e.currentTarget.value)} mb="sm" data-testid="category-search" />
      {value && !query && (
        <Text size="sm" mb="xs" data-testid="category-chosen">
          {t('category.chosen')}: <strong>{categoryPath(tree, value, f.lang)}</strong>
        </Text>
      )}
      <Text size="sm" c="dimmed" aria-live="polite" mb={4}>
        {query.trim() ? (found.length ? t('category.found', { count: found.length }) : t('category.nothingFound')) : ''}
      </Text>
      {query.trim() ? (
        <Stack gap={4} component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
          {found.map(({ category, label: path }) => (
            <Box component="li" key={category.id} py={4}>
              <Radio name="category" value={category.id} checked={value === category.id} onChange={() => onChange(category.id)} label={path} data-testid={`category-${category.code}`} />
            </Box>
          ))}
        </Stack>
      ) : (
        <TreeLevel tree={tree} parentId={null} value={value} onChange={onChange} name="category" />
      )}
      {error && (
        <Input.Error id={errorId} mt={4}>
          {error}
        </Input.Error>
      )}
    </Box>
  );
}

/** One combobox for the keyboard: "Housing › Heating › No heating in the flat", filtered by every word typed. */
export function CategorySelect({
  categories,
  value,
  onChange,
  label,
  error,
  id,
}: {
  categories: Category[];
  value: string | null;
  onChange: (id: string | null) => void;
  label: string;
  error?: string | undefined;
  id?: string;
}) {
  const { t } = useTranslation('appealsweb');
  const f = useFormat();
  const tree = useMemo(() => buildTree(categories), [categories]);
  const data = useMemo(() => searchLeaves(tree, '', f.lang).map((x) => ({ value: x.category.id, label: x.label })), [tree, f.lang]);
  const filter: OptionsFilter = ({ options, search }) => {
    const words = fold(search).split(/\s+/).filter(Boolean);
    return (options as ComboboxItem[]).filter((o) => {
      const c = tree.byId.get(o.value);
      const path = c ? c.path.map((p) => tree.byId.get(p)).filter((x): x is Category => !!x) : [];
      const hay = fold([o.label, ...path.flatMap((x) => [x.name.kk, x.name.ru, x.name.en, ...x.keywords])].join(' '));
      return words.every((w) => hay.includes(w));
    });
  };
  return (
    <Select
      id={id}
      label={label}
      placeholder={t('category.typeToSearch')}
      data={data}
      value={value}
      onChange={onChange}
      searchable
      selectFirstOptionOnChange
      filter={filter}
      nothingFoundMessage={t('category.nothingFound')}
      error={error}
      required
      maxDropdownHeight={320}
      comboboxProps={{ withinPortal: true }}
      data-testid="category-select"
    />
  );
}
