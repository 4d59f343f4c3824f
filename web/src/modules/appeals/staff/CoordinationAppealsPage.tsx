import { Anchor, Card, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { Loading, ProblemAlert } from '../../../ui/ErrorDisplay.tsx';
import { usePageTitle } from '../../../ui/page.ts';
import { useSession } from '../../../ui/session.ts';
import { Pill, StateBadge } from './Badges.tsx';
import { dateTime, day, localized } from './format.ts';
import { NO_BREAK, Pager, TableRegion, useIsPhone } from './parts.tsx';
import { PeriodForm, usePeriod } from './PeriodForm.tsx';
import { useDrill, useOrganizations, type DrillItem } from './staffApi.ts';

const FIGURES = ['open', 'overdue', 'escalated', 'reopened', 'deemed_refusal', 'ignored', 'received', 'answered'] as const;

function Due({ a }: { a: DrillItem }) {
  const { t } = useTranslation('appealsstaff');
  if (a.isOverdue) return <Pill tone="red" urgency="overdue" testId="time-left">{`! ${t('urgency.overdue')} · ${dateTime(a.dueAt)}`}</Pill>;
  return <Text size="sm">{a.dueAt ? dateTime(a.dueAt) : '—'}</Text>;
}

/**
 * Every appeal of the region behind a figure (open, overdue, escalated…), for the coordination
 * centre: by organization and period, paged by the server. An appeal's page is where the
 * coordination centre routes, reassigns or forwards it.
 */
export default function CoordinationAppealsPage() {
  const { t } = useTranslation('appealsstaff');
  usePageTitle(t('coordAppeals.title'));
  const { me } = useSession();
  const phone = useIsPhone();
  const [params, setParams] = useSearchParams();
  const [period, setPeriod] = usePeriod();
  const figure = params.get('figure') ?? 'open';
  const organizationId = params.get('org') ?? undefined;
  const assigneeId = params.get('person') ?? undefined;
  const offset = Number(params.get('offset') ?? 0) || 0;
  const set = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries({ offset: undefined, ...patch })) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: true });
  };
  const drill = useDrill({ ...period, figure, organizationId, assigneeId, offset });
  const orgs = useOrganizations(me?.regionCode);
  const orgOptions = [{ value: '', label: t('coordAppeals.allOrganizations') }, ...(orgs.data?.items ?? []).map((o) => ({ value: o.id, label: localized(o.name) }))];
  const link = (a: DrillItem) => (
    <Anchor component={Link} to={`/work/appeals/${a.id}`} fw={700} style={{ whiteSpace: 'nowrap' }} data-testid="appeal-link" data-slip={a.slipNumber}>
      {a.slipNumber}
    </Anchor>
  );
  const items = drill.data?.items ?? [];

  return (
    <Stack gap="md">
      <div>
        <Title order={1} size="h2">
          {t('coordAppeals.title')}
        </Title>
        <Text c="dimmed" mt={4}>
          {t('coordAppeals.intro')}
        </Text>
      </div>
      <Group gap="md" align="flex-end" wrap="wrap">
        <Select
          label={t('coordAppeals.figure')}
          data={FIGURES.map((f) => ({ value: f, label: t(`drill.${f}`) }))}
          value={figure}
          onChange={(v) => set({ figure: v ?? 'open' })}
          allowDeselect={false}
          w={{ base: '100%', sm: 260 }}
        />
        <Select
          label={t('inbox.organization')}
          data={orgOptions}
          value={organizationId ?? ''}
          onChange={(v) => set({ org: v ?? undefined, person: undefined })}
          searchable
          allowDeselect={false}
          w={{ base: '100%', sm: 380 }}
        />
      </Group>
      <PeriodForm value={period} onChange={setPeriod} shown={drill.data?.period} error={drill.error} />
      {drill.error && <ProblemAlert error={drill.error} />}
      {drill.isPending ? (
        <Loading />
      ) : items.length === 0 ? (
        <Text c="dimmed">{t('list.empty')}</Text>
      ) : phone ? (
        <Stack gap="sm" component="ul" aria-label={t('coordAppeals.title')} style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {items.map((a) => (
            <Card key={a.id} withBorder padding="sm" component="li" data-row={a.slipNumber}>
              <Group justify="space-between" gap="xs" mb={4}>
                {link(a)}
                <StateBadge state={a.state} />
              </Group>
              <Text size="sm" fw={600}>{localized(a.categoryName)}</Text>
              <Text size="sm">{localized(a.organizationName)}</Text>
              <Text size="sm" c="dimmed" mb={4}>
                {t('appeal.registeredOn')}: {day(a.registeredOn)}
              </Text>
              <Due a={a} />
            </Card>
          ))}
        </Stack>
      ) : (
        <TableRegion label={t('coordAppeals.title')}>
          <Table striped verticalSpacing="sm" miw={820} style={NO_BREAK}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('list.slip')}</Table.Th>
                <Table.Th scope="col">{t('appeal.category')}</Table.Th>
                <Table.Th scope="col">{t('appeal.organization')}</Table.Th>
                <Table.Th scope="col">{t('list.state')}</Table.Th>
                <Table.Th scope="col">{t('appeal.registeredOn')}</Table.Th>
                <Table.Th scope="col">{t('coordAppeals.due')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((a) => (
                <Table.Tr key={a.id} data-row={a.slipNumber}>
                  <Table.Td>{link(a)}</Table.Td>
                  <Table.Td>{localized(a.categoryName)}</Table.Td>
                  <Table.Td>{localized(a.organizationName)}</Table.Td>
                  <Table.Td><StateBadge state={a.state} /></Table.Td>
                  <Table.Td>{day(a.registeredOn)}</Table.Td>
                  <Table.Td><Due a={a} /></Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableRegion>
      )}
      {drill.data && <Pager total={drill.data.total} offset={offset} limit={drill.data.limit} onChange={(o) => set({ offset: String(o) })} label={t('paging.label')} />}
    </Stack>
  );
}
