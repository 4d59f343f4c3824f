import { useMemo, useState } from 'react';
import { Alert, Box, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Loading, ProblemAlert } from '../../../ui/ErrorDisplay.tsx';
import { usePageTitle } from '../../../ui/page.ts';
import { useSession } from '../../../ui/session.ts';
import { ActionForm, type FieldSpec } from './ActionForm.tsx';
import { categoryOptions, categoryPath, ORGANIZATION_KINDS, useAdminWrite, useAllCategories } from './adminApi.ts';
import { localized, num } from './format.ts';
import { Section } from './parts.tsx';
import type { Category } from '../shared/types.ts';

/**
 * The region's category tree, managed by the coordination centre: names in the three
 * languages, the kind of organization responsible (which routing falls back on when no rule
 * matches), the operational target for urgent matters, the security-report flag. Children
 * inherit what they do not set. A category with active children cannot be switched off.
 */
export default function CategoriesPage() {
  const { t } = useTranslation('appealsstaff');
  usePageTitle(t('categories.title'));
  const { me } = useSession();
  const region = me?.regionCode;
  const categories = useAllCategories(region);
  const write = useAdminWrite();
  const [editing, setEditing] = useState<Category | 'new' | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const items = useMemo(() => categories.data?.items ?? [], [categories.data]);
  const byId = useMemo(() => new Map(items.map((c) => [c.id, c])), [items]);

  const kindOptions = [{ value: '', label: t('categories.inherit') }, ...ORGANIZATION_KINDS.map((k) => ({ value: k, label: t(`kind.${k}`) }))];
  const names: FieldSpec[] = (['kk', 'ru', 'en'] as const).map((l) => ({ name: `name.${l}`, kind: 'text', label: t(`categories.name_${l}`), required: true, maxLength: 300 }));
  const common: FieldSpec[] = [
    { name: 'organizationKind', kind: 'select', label: t('categories.kind'), options: kindOptions },
    { name: 'targetHours', kind: 'text', label: t('categories.targetHours'), description: t('categories.targetHint'), inputMode: 'numeric', maxLength: 4, pattern: /^[1-9][0-9]{0,3}$/, patternMessage: t('categories.targetInvalid') },
  ];
  const body = (v: Record<string, string>) => ({
    name: { kk: v['name.kk']?.trim(), ru: v['name.ru']?.trim(), en: v['name.en']?.trim() },
    organizationKind: v.organizationKind || null,
    targetHours: v.targetHours ? Number(v.targetHours) : null,
  });
  const saved = (msg: string) => {
    setEditing(null);
    setDone(msg);
  };

  return (
    <Stack gap="md">
      <div>
        <Title order={1} size="h2">
          {t('categories.title')}
        </Title>
        <Text c="dimmed" mt={4}>
          {t('categories.intro')}
        </Text>
      </div>
      {done && (
        <Alert color="green" variant="light" role="status" data-testid="admin-done">
          {done}
        </Alert>
      )}
      <div>
        <Button onClick={() => { setDone(null); setEditing('new'); }} data-testid="category-new">
          {t('categories.add')}
        </Button>
      </div>
      {editing === 'new' && (
        <ActionForm
          id="category-new"
          title={t('categories.add')}
          fields={[
            { name: 'parentId', kind: 'select', label: t('categories.parent'), searchable: true, options: [{ value: '', label: t('categories.topLevel') }, ...categoryOptions(items, { activeOnly: true })] },
            { name: 'code', kind: 'text', label: t('categories.code'), required: true, description: t('categories.codeHint'), maxLength: 64, pattern: /^[a-z0-9][a-z0-9_.-]{0,63}$/, patternMessage: t('categories.codeInvalid') },
            ...names,
            ...common,
            { name: 'isSecurityReport', kind: 'checkbox', label: t('categories.security') },
          ]}
          submitLabel={t('form.save')}
          onSubmit={async (v) => {
            await write.mutateAsync({ method: 'POST', path: '/api/appeals/categories', body: { regionCode: region, parentId: v.parentId || null, code: v.code?.trim(), ...body(v), isSecurityReport: v.isSecurityReport === '1' } });
            saved(t('categories.saved'));
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      {editing && editing !== 'new' && (
        <ActionForm
          key={editing.id}
          id="category-edit"
          title={t('categories.editOne', { name: localized(editing.name) })}
          initial={{ 'name.kk': editing.name.kk, 'name.ru': editing.name.ru, 'name.en': editing.name.en, organizationKind: editing.organizationKind ?? '', targetHours: editing.targetHours ? String(editing.targetHours) : '', isActive: editing.isActive ? '1' : '' }}
          fields={[...names, ...common, { name: 'isActive', kind: 'checkbox', label: t('categories.active'), description: t('categories.activeHint') }]}
          submitLabel={t('form.save')}
          onSubmit={async (v) => {
            await write.mutateAsync({ method: 'PATCH', path: `/api/appeals/categories/${editing.id}`, body: { ...body(v), isActive: v.isActive === '1' } });
            saved(t('categories.saved'));
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      <Section id="tree-title" title={t('categories.tree', { count: items.length })}>
        {categories.error && <ProblemAlert error={categories.error} />}
        {categories.isPending ? (
          <Loading />
        ) : (
          <Box component="ul" m={0} p={0} style={{ listStyle: 'none' }} data-testid="category-tree">
            {items.map((c) => (
              <Box
                component="li"
                key={c.id}
                py={6}
                style={{ paddingInlineStart: Math.min(c.depth, 4) * 20, borderBottom: '1px solid var(--mantine-color-gray-2)' }}
                data-code={c.code}
              >
                <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
                  <Box miw={0}>
                    <Text fw={c.depth === 0 ? 700 : 500} c={c.isActive ? undefined : 'dimmed'}>
                      {localized(c.name)}
                      {!c.isActive && ` (${t('categories.inactive')})`}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {[
                        c.code,
                        c.effective.organizationKind ? t(`kind.${c.effective.organizationKind}`) : null,
                        c.effective.targetHours ? t('categories.targetShort', { hours: num(c.effective.targetHours) }) : null,
                        c.effective.isSecurityReport ? t('categories.securityShort') : null,
                      ]
                        .filter(Boolean)
                        .join(' · ')}
                    </Text>
                  </Box>
                  <Button size="xs" variant="default" onClick={() => { setDone(null); setEditing(c); }} aria-label={t('categories.editOne', { name: categoryPath(c, byId) })} style={{ flex: 'none' }}>
                    {t('routing.edit')}
                  </Button>
                </Group>
              </Box>
            ))}
          </Box>
        )}
      </Section>
    </Stack>
  );
}
