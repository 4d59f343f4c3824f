import { Box, Card, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Loading, ProblemAlert } from '../../../ui/ErrorDisplay.tsx';
import { useFormat } from '../shared/format.ts';
import { publicPeriod, usePublicStats, type StatsFields } from './publicApi.ts';

/**
 * Per-organization figures for the period: received, answered, answered on time, average
 * rating. A table on a desktop; on a phone each organization is a card (a wide table would
 * make the page scroll sideways).
 */
export function PublicStatsSection({ regionCode }: { regionCode: string }) {
  const { t } = useTranslation('appealsweb');
  const f = useFormat();
  const stats = usePublicStats(regionCode);
  const rating = (s: StatsFields) => (s.averageRating === null ? '—' : f.number(s.averageRating, { minimumFractionDigits: 1, maximumFractionDigits: 1 }));
  const figures = (s: StatsFields): [string, string][] => [
    [t('public.received'), f.number(s.received)],
    [t('public.answered'), f.number(s.answered)],
    [t('public.onTime'), f.percent(s.answeredOnTimeShare)],
    [t('public.rating'), rating(s)],
  ];
  return (
    <Stack gap="sm" component="section" aria-labelledby="stats-title">
      <Title order={2} size="h3" id="stats-title">
        {t('public.statsTitle')}
      </Title>
      {stats.isPending ? (
        <Loading />
      ) : stats.error ? (
        <ProblemAlert error={stats.error} />
      ) : (
        <>
          <Text size="sm" c="dimmed">
            {t('public.period', { from: f.day(stats.data.period.from), to: f.day(publicPeriod().today) })}
          </Text>
          <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" data-testid="stats-totals">
            {figures(stats.data.totals).map(([k, v]) => (
              <Card key={k} withBorder padding="sm" radius="md">
                <Text size="xs" c="dimmed">
                  {k}
                </Text>
                <Text fw={700} fz="xl">
                  {v}
                </Text>
              </Card>
            ))}
          </SimpleGrid>
          <Table visibleFrom="sm" striped highlightOnHover withTableBorder captionSide="top" data-testid="stats-table" style={{ overflowWrap: 'normal' }}>
            <Table.Caption>{t('public.byOrganization')}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('public.organization')}</Table.Th>
                {figures(stats.data.totals).map(([k]) => (
                  <Table.Th key={k} scope="col" ta="end">
                    {k}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {stats.data.organizations.map((o) => (
                <Table.Tr key={o.organizationId}>
                  <Table.Th scope="row" fw={500}>
                    {f.pick(o.name) || '—'}
                  </Table.Th>
                  {figures(o).map(([k, v]) => (
                    <Table.Td key={k} ta="end">
                      {v}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Stack gap="xs" hiddenFrom="sm" component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
            {stats.data.organizations.map((o) => (
              <Card component="li" key={o.organizationId} withBorder padding="sm" radius="md">
                <Text fw={600} size="sm">
                  {f.pick(o.name) || '—'}
                </Text>
                <Box component="dl" m={0} mt={4} style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 4 }}>
                  {figures(o).map(([k, v]) => (
                    <div key={k}>
                      <Text component="dt" size="xs" c="dimmed">
                        {k}
                      </Text>
                      <Text component="dd" m={0} size="sm" fw={600}>
                        {v}
                      </Text>
                    </div>
                  ))}
                </Box>
              </Card>
            ))}
          </Stack>
        </>
      )}
    </Stack>
  );
}
