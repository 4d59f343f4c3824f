import type { ReactNode } from 'react';
import { Anchor, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Loading, ProblemAlert } from '../../../ui/ErrorDisplay.tsx';
import { currentLang } from '../../../ui/i18n.ts';
import { usePageTitle } from '../../../ui/page.ts';
import { localized, num, percent } from './format.ts';
import { drillLink } from './links.ts';
import { NO_BREAK, Section, TableRegion, useIsPhone } from './parts.tsx';
import { PeriodForm, usePeriod } from './PeriodForm.tsx';
import { useIgnoring, type IgnoringRow, type ReportPeriod } from './staffApi.ts';

const FIGS = ['ignored', 'overdue', 'deemedRefusals', 'received', 'answered'] as const;

interface Row extends IgnoringRow {
  key: string;
  name: ReactNode;
  sub?: string;
  organizationId: string;
  staffId?: string;
}

function exportHref(format: 'csv' | 'xlsx', p: ReportPeriod): string {
  const q = new URLSearchParams({ format, lang: currentLang(), ...(p.from ? { from: p.from } : {}), ...(p.to ? { to: p.to } : {}) });
  return `/api/appeals/reports/ignoring?${q.toString()}`;
}

/** A ranking as a table (desktop) or cards (phone); the figures open the appeals behind them. */
function Ranking({ rows, label, nameHeader, period, testId }: { rows: Row[]; label: string; nameHeader: string; period: ReportPeriod; testId: string }) {
  const { t } = useTranslation('appealsstaff');
  const phone = useIsPhone();
  if (!rows.length) return <Text c="dimmed">{t('report.nobody')}</Text>;
  const fig = (r: Row, k: (typeof FIGS)[number]) => {
    const v = r[k];
    const linkable = v > 0 && k !== 'answered';
    const alert = k !== 'received' && k !== 'answered' && v > 0;
    return linkable ? (
      <Anchor component={Link} to={drillLink(k, period, r.organizationId, r.staffId)} fw={alert ? 700 : 500} c={alert ? 'red.9' : undefined} data-testid={`${testId}-${r.key}-${k}`} data-value={v}>
        {num(v)}
      </Anchor>
    ) : (
      <Text span data-testid={`${testId}-${r.key}-${k}`} data-value={v}>
        {num(v)}
      </Text>
    );
  };
  if (phone) {
    return (
      <Stack gap="sm" component="ol" aria-label={label} style={{ listStyle: 'none', padding: 0, margin: 0 }} data-testid={testId}>
        {rows.map((r) => (
          <Card key={r.key} withBorder padding="sm" component="li" data-key={r.key}>
            <Text fw={700}>
              {t('report.rank', { rank: r.rank })} · {r.name}
            </Text>
            {r.sub && <Text size="sm" c="dimmed">{r.sub}</Text>}
            <SimpleGrid cols={2} spacing={6} mt={6} component="dl" m={0}>
              {FIGS.map((k) => (
                <div key={k}>
                  <Text component="dt" size="xs" c="dimmed">{t(`fig.${k}`)}</Text>
                  <Text component="dd" m={0}>{fig(r, k)}</Text>
                </div>
              ))}
              <div>
                <Text component="dt" size="xs" c="dimmed">{t('fig.onTime')}</Text>
                <Text component="dd" m={0}>{percent(r.answeredOnTimeShare)}</Text>
              </div>
            </SimpleGrid>
          </Card>
        ))}
      </Stack>
    );
  }
  return (
    <TableRegion label={label}>
      <Table striped verticalSpacing="xs" miw={820} style={NO_BREAK} data-testid={testId}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col" ta="end">{t('report.rankHeader')}</Table.Th>
            <Table.Th scope="col">{nameHeader}</Table.Th>
            {FIGS.map((k) => (
              <Table.Th key={k} scope="col" ta="end">{t(`fig.${k}`)}</Table.Th>
            ))}
            <Table.Th scope="col" ta="end">{t('fig.onTime')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.key} data-key={r.key}>
              <Table.Td ta="end">{num(r.rank)}</Table.Td>
              <Table.Th scope="row" fw={500} maw={300}>
                {r.name}
                {r.sub && <Text size="xs" c="dimmed">{r.sub}</Text>}
              </Table.Th>
              {FIGS.map((k) => (
                <Table.Td key={k} ta="end">{fig(r, k)}</Table.Td>
              ))}
              <Table.Td ta="end">{percent(r.answeredOnTimeShare)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableRegion>
  );
}

/**
 * "Who ignores residents": the organizations and officials of the region ranked by appeals
 * left past their term (overdue now, or a deemed refusal recorded), with the figures behind
 * each rank and the report as CSV or XLSX in the reader's language.
 */
export default function IgnoringPage() {
  const { t } = useTranslation('appealsstaff');
  usePageTitle(t('report.title'));
  const [period, setPeriod] = usePeriod();
  const report = useIgnoring(period);
  const r = report.data;
  const orgRows: Row[] = (r?.organizations ?? []).map((o) => ({ ...o, key: o.organizationId, name: localized(o.name) }));
  const officialRows: Row[] = (r?.officials ?? []).map((o) => ({
    ...o,
    key: o.staffId,
    name: o.name ?? t('list.someone'),
    sub: [localized(o.position), localized(o.organizationName)].filter((x) => x && x !== '—').join(', '),
  }));

  return (
    <Stack gap="md">
      <div>
        <Title order={1} size="h2">
          {t('report.title')}
        </Title>
        <Text c="dimmed" mt={4}>
          {t('report.intro')}
        </Text>
      </div>
      <PeriodForm value={period} onChange={setPeriod} shown={r?.period} error={report.error} />
      <Group gap="sm" wrap="wrap" role="group" aria-label={t('report.export')}>
        <Text fw={600}>{t('report.export')}:</Text>
        <Anchor href={exportHref('csv', period)} download data-testid="export-csv">
          {t('report.csv')}
        </Anchor>
        <Anchor href={exportHref('xlsx', period)} download data-testid="export-xlsx">
          {t('report.xlsx')}
        </Anchor>
      </Group>
      {report.error && <ProblemAlert error={report.error} />}
      {report.isPending && <Loading />}
      {r && (
        <>
          <Section id="rank-orgs" title={t('report.organizations')}>
            <Ranking rows={orgRows} label={t('report.organizations')} nameHeader={t('fig.organization')} period={period} testId="rank-org" />
          </Section>
          <Section id="rank-officials" title={t('report.officials')}>
            <Ranking rows={officialRows} label={t('report.officials')} nameHeader={t('report.official')} period={period} testId="rank-official" />
          </Section>
        </>
      )}
    </Stack>
  );
}
