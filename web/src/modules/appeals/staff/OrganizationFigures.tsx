import { Anchor, Card, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { drillLink } from './links.ts';
import { localized, num, percent } from './format.ts';
import { NO_BREAK, TableRegion, useIsPhone } from './parts.tsx';
import type { ReportPeriod, Summary } from './staffApi.ts';

const COLUMNS = ['received', 'open', 'overdue', 'escalated', 'reopened', 'deemedRefusals'] as const;

/**
 * The summary per organization: most overdue first. Every number opens the appeals behind it.
 * A table on a desktop (scrolling inside its own region if the screen is narrow), cards on a
 * phone. Cells carry `data-testid="org-<id>-<figure>"` for the browser tests.
 */
export function OrganizationFigures({ rows, period }: { rows: Summary['organizations']; period: ReportPeriod }) {
  const { t } = useTranslation('appealsstaff');
  const phone = useIsPhone();
  const sorted = [...rows].sort((a, b) => b.overdue + b.deemedRefusals - (a.overdue + a.deemedRefusals) || b.open - a.open || localized(a.name).localeCompare(localized(b.name)));
  if (!sorted.length) return <Text c="dimmed">{t('list.empty')}</Text>;

  const cell = (r: (typeof rows)[number], k: (typeof COLUMNS)[number]) => {
    const v = r[k];
    const alert = (k === 'overdue' || k === 'deemedRefusals') && v > 0;
    return v > 0 ? (
      <Anchor component={Link} to={drillLink(k, period, r.organizationId)} fw={alert ? 700 : 500} c={alert ? 'red.9' : undefined} data-testid={`org-${r.organizationId}-${k}`} data-value={v}>
        {num(v)}
      </Anchor>
    ) : (
      <Text span data-testid={`org-${r.organizationId}-${k}`} data-value={v}>
        {num(v)}
      </Text>
    );
  };

  if (phone) {
    return (
      <Stack gap="sm" component="ul" aria-label={t('coord.byOrganization')} style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {sorted.map((r) => (
          <Card key={r.organizationId} withBorder padding="sm" component="li" data-org={r.organizationId}>
            <Text fw={700} mb={6}>
              {localized(r.name)}
            </Text>
            <SimpleGrid cols={2} spacing={6} component="dl" m={0}>
              {COLUMNS.map((k) => (
                <div key={k}>
                  <Text component="dt" size="xs" c="dimmed">
                    {t(`fig.${k}`)}
                  </Text>
                  <Text component="dd" m={0}>
                    {cell(r, k)}
                  </Text>
                </div>
              ))}
              <div>
                <Text component="dt" size="xs" c="dimmed">
                  {t('fig.onTime')}
                </Text>
                <Text component="dd" m={0} data-testid={`org-${r.organizationId}-onTime`} data-value={r.answeredOnTimeShare ?? ''}>
                  {percent(r.answeredOnTimeShare)}
                </Text>
              </div>
              <div>
                <Text component="dt" size="xs" c="dimmed">
                  {t('fig.rating')}
                </Text>
                <Text component="dd" m={0} data-testid={`org-${r.organizationId}-rating`} data-value={r.averageRating ?? ''}>
                  {num(r.averageRating, undefined, 1)}
                </Text>
              </div>
            </SimpleGrid>
          </Card>
        ))}
      </Stack>
    );
  }

  return (
    <TableRegion label={t('coord.byOrganization')}>
      <Table striped verticalSpacing="xs" miw={860} style={NO_BREAK} data-testid="org-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('fig.organization')}</Table.Th>
            {COLUMNS.map((k) => (
              <Table.Th key={k} scope="col" ta="end">
                {t(`fig.${k}`)}
              </Table.Th>
            ))}
            <Table.Th scope="col" ta="end">{t('fig.onTime')}</Table.Th>
            <Table.Th scope="col" ta="end">{t('fig.rating')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sorted.map((r) => (
            <Table.Tr key={r.organizationId} data-org={r.organizationId}>
              <Table.Th scope="row" fw={500} maw={280}>
                {localized(r.name)}
              </Table.Th>
              {COLUMNS.map((k) => (
                <Table.Td key={k} ta="end">
                  {cell(r, k)}
                </Table.Td>
              ))}
              <Table.Td ta="end" data-testid={`org-${r.organizationId}-onTime`} data-value={r.answeredOnTimeShare ?? ''}>
                {percent(r.answeredOnTimeShare)}
              </Table.Td>
              <Table.Td ta="end" data-testid={`org-${r.organizationId}-rating`} data-value={r.averageRating ?? ''}>
                {num(r.averageRating, undefined, 1)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableRegion>
  );
}
