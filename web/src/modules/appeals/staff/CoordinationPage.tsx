import { useMemo } from 'react';
import { Anchor, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Loading, ProblemAlert } from '../../../ui/ErrorDisplay.tsx';
import { usePageTitle } from '../../../ui/page.ts';
import { useSession } from '../../../ui/session.ts';
import { AppealMap } from '../shared/AppealMap.tsx';
import { EChart } from './EChart.tsx';
import { day, localized, num, percent, shortDay } from './format.ts';
import { OrganizationFigures } from './OrganizationFigures.tsx';
import { drillLink } from './links.ts';
import { FigureTile, Section } from './parts.tsx';
import { PeriodForm, usePeriod } from './PeriodForm.tsx';
import { useRegionMap, useSummary, type Summary } from './staffApi.ts';

/** The figures of the summary, in the order the coordination centre reads them. */
export const FIGURE_KEYS = ['open', 'overdue', 'escalated', 'reopened', 'deemedRefusals'] as const;
/**
 * The first view of the region map, worked out from the points: the shared map would otherwise
 * fit them with an animation, and leaving the page mid-animation breaks Leaflet. Web Mercator
 * at zoom z spans 360° over 256·2^z pixels; sized for a 320 × 300 px box, so a phone shows all.
 */
export function viewOf(points: { lat: number; lon: number }[]): { center: [number, number]; zoom: number } | null {
  if (!points.length) return null;
  const lats = points.map((p) => p.lat);
  const lons = points.map((p) => p.lon);
  const [s, n, w, e] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
  const span = Math.max(e - w, (n - s) * 1.6, 0.02);
  const zoom = Math.max(4, Math.min(13, Math.floor(Math.log2(((320 / 256) * 360) / (span * 1.2)))));
  return { center: [(s + n) / 2, (w + e) / 2], zoom };
}

/** Colours of the series: distinct in hue and lightness, each also named in the legend. */
const SERIES = [
  { key: 'received', colour: '#1c5fa8', type: 'bar' },
  { key: 'answered', colour: '#2f7d32', type: 'line' },
  { key: 'overdue', colour: '#b3261e', type: 'line' },
  { key: 'deemedRefusals', colour: '#6a3d9a', type: 'line' },
] as const;

function useChartOption(s: Summary | undefined, t: (k: string) => string, lang: string) {
  return useMemo(() => {
    if (!s) return {};
    return {
      animation: false,
      textStyle: { fontFamily: 'system-ui, sans-serif', color: '#1f2328' },
      tooltip: { trigger: 'axis' },
      legend: { top: 0, textStyle: { color: '#1f2328', fontSize: 13 } },
      grid: { left: 8, right: 16, top: 56, bottom: 8 },
      xAxis: { type: 'category', data: s.series.map((b) => shortDay(b.bucket)), axisLabel: { color: '#3f454b', hideOverlap: true } },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { color: '#3f454b' } },
      series: SERIES.map((x) => ({
        name: t(`fig.${x.key}`),
        type: x.type,
        data: s.series.map((b) => b[x.key]),
        itemStyle: { color: x.colour },
        lineStyle: { width: 2 },
        symbolSize: 6,
      })),
    };
    // The language changes the names of the series and the days on the axis.
  }, [s, t, lang]);
}

/**
 * The coordination centre's view of the region: open, overdue, escalated, reopened and deemed
 * refusals — in total, over time and per organization — and where the appeals are. Each
 * figure opens the appeals behind it, where any appeal can be reassigned.
 */
export default function CoordinationPage() {
  const { t, i18n } = useTranslation('appealsstaff');
  usePageTitle(t('coord.title'));
  const { me } = useSession();
  const [period, setPeriod] = usePeriod();
  const summary = useSummary(period);
  const map = useRegionMap(me?.regionCode, period);
  const s = summary.data;
  const option = useChartOption(s, t, i18n.resolvedLanguage ?? 'ru');
  const points = (map.data?.features ?? []).map((f) => ({
    id: f.id,
    lat: f.geometry.coordinates[1],
    lon: f.geometry.coordinates[0],
    label: `${f.properties.slipNumber} · ${localized(f.properties.category.name)} — ${t(`state.${f.properties.state}`, { defaultValue: f.properties.state })}`,
    tone: f.properties.isOverdue ? ('overdue' as const) : f.properties.status === 'open' ? ('open' as const) : ('closed' as const),
    href: `/work/appeals/${f.id}`,
  }));
  const openPoints = points.filter((p) => p.tone !== 'closed').length;
  const view = viewOf(points);

  return (
    <Stack gap="md">
      <div>
        <Title order={1} size="h2">
          {t('coord.title')}
        </Title>
        <Text c="dimmed" mt={4}>
          {t('coord.intro')}
        </Text>
      </div>
      <Group gap="md" wrap="wrap">
        <Anchor component={Link} to="/coordination/report">{t('nav.report')}</Anchor>
        <Anchor component={Link} to="/coordination/appeals">{t('nav.coordinationAppeals')}</Anchor>
        <Anchor component={Link} to="/coordination/routing">{t('nav.routing')}</Anchor>
        <Anchor component={Link} to="/coordination/categories">{t('nav.categories')}</Anchor>
      </Group>
      <PeriodForm value={period} onChange={setPeriod} shown={s?.period} error={summary.error} />
      {summary.error && <ProblemAlert error={summary.error} />}
      {summary.isPending && <Loading />}
      {s && (
        <>
          <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="sm" data-testid="totals">
            {FIGURE_KEYS.map((k) => (
              <FigureTile key={k} label={t(`fig.${k}`)} value={s.totals[k]} testId={`total-${k}`} to={drillLink(k, period)} tone={k === 'open' ? undefined : 'alert'} />
            ))}
          </SimpleGrid>
          <Text size="sm" data-testid="totals-line">
            {t('coord.totalsLine', {
              received: num(s.totals.received),
              answered: num(s.totals.answered),
              onTime: percent(s.totals.answeredOnTimeShare),
              rating: s.totals.averageRating === null ? '—' : num(s.totals.averageRating, undefined, 1),
            })}
          </Text>
          <Section id="chart-title" title={t('coord.chart')}>
            <EChart option={option} label={t('coord.chartLabel', { from: day(s.period.from), to: day(s.period.to) })} height={300} testId="chart" />
          </Section>
          <Section id="orgs-title" title={t('coord.byOrganization')}>
            <OrganizationFigures rows={s.organizations} period={period} />
          </Section>
        </>
      )}
      <Section id="map-title" title={t('coord.map')}>
        <Text size="sm" mb="xs">
          {t('coord.mapIntro')}
        </Text>
        {map.error && <ProblemAlert error={map.error} />}
        {map.data && (
          <AppealMap
            key={JSON.stringify(view)}
            label={t('coord.map')}
            points={points}
            {...(view ? { center: view.center, zoom: view.zoom } : { zoom: 8 })}
            height={340}
            testId="region-map"
          />
        )}
        {map.data && (
          <Text size="sm" c="dimmed" mt="xs" data-testid="map-summary">
            {t('coord.mapSummary', { count: points.length, open: num(openPoints), closed: num(points.length - openPoints) })}
            {map.data.truncated ? ` ${t('coord.mapTruncated', { total: num(map.data.total) })}` : ''}
          </Text>
        )}
      </Section>
    </Stack>
  );
}
