import { useMemo, useState } from 'react';
import { Alert, Button, Card, Group, Select, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Loading, ProblemAlert } from '../../../ui/ErrorDisplay.tsx';
import { usePageTitle } from '../../../ui/page.ts';
import { useSession } from '../../../ui/session.ts';
import { ActionForm } from './ActionForm.tsx';
import { categoryOptions, categoryPath, useAdminWrite, useAllCategories, useRoutingRules } from './adminApi.ts';
import { localized } from './format.ts';
import { NO_BREAK, Section, TableRegion, useIsPhone } from './parts.tsx';
import { RoutePreview } from './RoutePreview.tsx';
import { useOrganizations, type RoutingRule } from './staffApi.ts';

/**
 * The routing rules of the region: category × territory (leading KATO digits) → organization.
 * The most specific rule wins (the longest territory prefix, then the deepest category); a rule
 * on a category covers its subcategories. The coordination centre adds, changes and switches
 * rules off here, and checks where an appeal would go now.
 */
export default function RoutingPage() {
  const { t } = useTranslation('appealsstaff');
  usePageTitle(t('routing.title'));
  const { me } = useSession();
  const phone = useIsPhone();
  const region = me?.regionCode;
  const rules = useRoutingRules(region);
  const categories = useAllCategories(region);
  const orgs = useOrganizations(region);
  const write = useAdminWrite();
  const [filter, setFilter] = useState<string>('');
  const [editing, setEditing] = useState<RoutingRule | 'new' | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const byId = useMemo(() => new Map((categories.data?.items ?? []).map((c) => [c.id, c])), [categories.data]);
  const orgName = (id: string) => localized(orgs.data?.items.find((o) => o.id === id)?.name);
  const orgOptions = (orgs.data?.items ?? []).filter((o) => o.isActive).map((o) => ({ value: o.id, label: localized(o.name) }));
  const catOptions = categoryOptions(categories.data?.items ?? [], { activeOnly: true });
  const shown = (rules.data?.items ?? [])
    .filter((r) => !filter || byId.get(r.categoryId)?.path.includes(filter))
    .sort((a, b) => categoryPath(byId.get(a.categoryId), byId).localeCompare(categoryPath(byId.get(b.categoryId), byId)) || a.territoryPrefix.localeCompare(b.territoryPrefix));

  const editButton = (r: RoutingRule) => (
    <Button size="xs" variant="default" onClick={() => { setDone(null); setEditing(r); }} aria-label={t('routing.editRule', { category: categoryPath(byId.get(r.categoryId), byId), prefix: r.territoryPrefix })}>
      {t('routing.edit')}
    </Button>
  );
  const active = (r: RoutingRule) => (r.isActive ? t('routing.on') : t('routing.off'));

  return (
    <Stack gap="md">
      <div>
        <Title order={1} size="h2">
          {t('routing.title')}
        </Title>
        <Text c="dimmed" mt={4}>
          {t('routing.intro')}
        </Text>
      </div>
      {done && (
        <Alert color="green" variant="light" role="status" data-testid="admin-done">
          {done}
        </Alert>
      )}
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Select label={t('routing.filter')} data={[{ value: '', label: t('routing.allCategories') }, ...catOptions]} value={filter} onChange={(v) => setFilter(v ?? '')} searchable allowDeselect={false} w={{ base: '100%', sm: 360 }} />
        <Button onClick={() => { setDone(null); setEditing('new'); }} data-testid="rule-new">
          {t('routing.add')}
        </Button>
      </Group>
      {editing === 'new' && (
        <ActionForm
          id="rule-new"
          title={t('routing.add')}
          fields={[
            { name: 'categoryId', kind: 'select', label: t('appeal.category'), required: true, searchable: true, options: catOptions },
            { name: 'territoryPrefix', kind: 'text', label: t('routing.prefix'), required: true, description: t('routing.prefixHint'), maxLength: 9, inputMode: 'numeric', pattern: /^[0-9]{2,9}$/, patternMessage: t('routing.prefixInvalid') },
            { name: 'organizationId', kind: 'select', label: t('appeal.organization'), required: true, searchable: true, options: orgOptions },
            { name: 'note', kind: 'textarea', label: t('routing.note'), maxLength: 1000 },
          ]}
          submitLabel={t('form.save')}
          onSubmit={async (v) => {
            await write.mutateAsync({ method: 'POST', path: '/api/appeals/routing-rules', body: { regionCode: region, categoryId: v.categoryId, territoryPrefix: v.territoryPrefix?.trim(), organizationId: v.organizationId, note: v.note?.trim() || null } });
            setEditing(null);
            setDone(t('routing.saved'));
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      {editing && editing !== 'new' && (
        <ActionForm
          key={editing.id}
          id="rule-edit"
          title={t('routing.editRule', { category: categoryPath(byId.get(editing.categoryId), byId), prefix: editing.territoryPrefix })}
          initial={{ organizationId: editing.organizationId, note: editing.note ?? '', isActive: editing.isActive ? '1' : '' }}
          fields={[
            { name: 'organizationId', kind: 'select', label: t('appeal.organization'), required: true, searchable: true, options: orgOptions },
            { name: 'note', kind: 'textarea', label: t('routing.note'), maxLength: 1000 },
            { name: 'isActive', kind: 'checkbox', label: t('routing.active') },
          ]}
          submitLabel={t('form.save')}
          onSubmit={async (v) => {
            await write.mutateAsync({ method: 'PATCH', path: `/api/appeals/routing-rules/${editing.id}`, body: { organizationId: v.organizationId, note: v.note?.trim() || null, isActive: v.isActive === '1' } });
            setEditing(null);
            setDone(t('routing.saved'));
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      <Section id="rules-title" title={t('routing.rules', { count: shown.length })}>
        {rules.error && <ProblemAlert error={rules.error} />}
        {rules.isPending ? (
          <Loading />
        ) : phone ? (
          <Stack gap="sm" component="ul" aria-label={t('routing.title')} style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            {shown.map((r) => (
              <Card key={r.id} withBorder padding="sm" component="li" data-rule={r.id}>
                <Text fw={700}>{categoryPath(byId.get(r.categoryId), byId)}</Text>
                <Text size="sm">{t('routing.prefix')}: {r.territoryPrefix}</Text>
                <Text size="sm">→ {orgName(r.organizationId)}</Text>
                <Group justify="space-between" mt={6}>
                  <Text size="sm" c={r.isActive ? undefined : 'dimmed'}>{active(r)}</Text>
                  {editButton(r)}
                </Group>
              </Card>
            ))}
          </Stack>
        ) : (
          <TableRegion label={t('routing.title')}>
            <Table striped verticalSpacing="xs" miw={760} style={NO_BREAK}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('appeal.category')}</Table.Th>
                  <Table.Th scope="col">{t('routing.prefix')}</Table.Th>
                  <Table.Th scope="col">{t('appeal.organization')}</Table.Th>
                  <Table.Th scope="col">{t('routing.state')}</Table.Th>
                  <Table.Th scope="col"><VisuallyHidden>{t('routing.edit')}</VisuallyHidden></Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shown.map((r) => (
                  <Table.Tr key={r.id} data-rule={r.id}>
                    <Table.Td>{categoryPath(byId.get(r.categoryId), byId)}</Table.Td>
                    <Table.Td>{r.territoryPrefix}</Table.Td>
                    <Table.Td>{orgName(r.organizationId)}</Table.Td>
                    <Table.Td>{active(r)}</Table.Td>
                    <Table.Td>{editButton(r)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableRegion>
        )}
      </Section>
      <RoutePreview categoryOptions={catOptions} orgName={orgName} />
    </Stack>
  );
}
