import { useState } from 'react';
import { Card, Group, NativeSelect, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Loading, ProblemAlert } from '../../../ui/ErrorDisplay.tsx';
import { usePageTitle } from '../../../ui/page.ts';
import { AppealMap } from '../shared/AppealMap.tsx';
import { useFormat } from '../shared/format.ts';
import { Pager } from '../shared/Pager.tsx';
import { DEFAULT_REGION, useRegions } from '../shared/queries.ts';
import { StatusBadge } from '../shared/StatusBadge.tsx';
import type { MapPoint } from '../shared/types.ts';
import { usePublicList, usePublicMap, type StatusFilter } from './publicApi.ts';
import { PublicStatsSection } from './PublicStatsSection.tsx';

const PAGE = 10;

/**
 * The public face of the register, open without signing in: where residents' published
 * appeals are (a ~300 m grid cell, never the point), what they are about, who answers and how
 * each organization keeps its terms. No name, IIN, phone, address or text ever reaches this
 * page: the server's public endpoints do not carry them.
 */
export default function PublicAppealsPage() {
  const { t } = useTranslation('appealsweb');
  const f = useFormat();
  usePageTitle(t('public.title'));
  const [regionCode, setRegionCode] = useState(DEFAULT_REGION);
  const [status, setStatus] = useState<StatusFilter>('');
  const [offset, setOffset] = useState(0);
  const regions = useRegions();
  const list = usePublicList(regionCode, status, PAGE, offset);
  const map = usePublicMap(regionCode, status);

  const points: MapPoint[] = (map.data?.features ?? []).map((x) => ({
    id: x.id,
    lat: x.geometry.coordinates[1],
    lon: x.geometry.coordinates[0],
    label: `${f.pick(x.properties.category.name)} · ${t(`state.${x.properties.state}`, { defaultValue: x.properties.state })}`,
    tone: x.properties.status === 'open' ? 'open' : 'closed',
  }));

  return (
    <Stack gap="lg" maw={1100}>
      <div>
        <Title order={1} size="h2">
          {t('public.title')}
        </Title>
        <Text c="dimmed" mt={4}>
          {t('public.intro')}
        </Text>
      </div>

      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" maw={640}>
        <NativeSelect
          label={t('public.region')}
          value={regionCode}
          data={(regions.data ?? [{ code: DEFAULT_REGION, name: null }]).map((r) => ({ value: r.code, label: r.name ? f.pick(r.name) : r.code }))}
          onChange={(e) => {
            setRegionCode(e.currentTarget.value);
            setOffset(0);
          }}
        />
        <NativeSelect
          label={t('public.status')}
          value={status}
          data={[
            { value: '', label: t('public.statusAll') },
            { value: 'open', label: t('public.statusOpen') },
            { value: 'closed', label: t('public.statusClosed') },
          ]}
          onChange={(e) => {
            setStatus(e.currentTarget.value as StatusFilter);
            setOffset(0);
          }}
        />
      </SimpleGrid>

      <section aria-labelledby="map-title">
        <Title order={2} size="h3" id="map-title" mb="xs">
          {t('public.mapTitle')}
        </Title>
        {map.error ? <ProblemAlert error={map.error} /> : <AppealMap label={t('public.mapTitle')} points={points} height={360} skipTo="list-title" testId="public-map" />}
        <Text size="xs" c="dimmed" mt={4}>
          {map.data ? t('public.mapNote', { shown: f.number(points.length), total: f.number(map.data.total) }) : ''}
        </Text>
      </section>

      <section aria-labelledby="list-title">
        <Title order={2} size="h3" id="list-title" mb="xs">
          {t('public.listTitle')}
        </Title>
        {list.isPending ? (
          <Loading />
        ) : list.error ? (
          <ProblemAlert error={list.error} />
        ) : list.data.total === 0 ? (
          <Text>{t('public.empty')}</Text>
        ) : (
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" component="ul" m={0} p={0} style={{ listStyle: 'none' }} data-testid="public-list">
              {list.data.items.map((a) => (
                <Card component="li" key={a.id} withBorder padding="sm" radius="md" data-testid="public-item">
                  <Group justify="space-between" gap="xs" wrap="wrap" align="flex-start">
                    <Text fw={600} size="sm" style={{ flex: 1, minWidth: 0 }}>
                      {f.pick(a.category.name) || '—'}
                    </Text>
                    <StatusBadge state={a.state} />
                  </Group>
                  <Text size="sm" mt={4}>
                    {t(`type.${a.typeCode}`, { defaultValue: a.typeCode })} · {f.pick(a.territory.name) || a.territory.code}
                  </Text>
                  <Text size="sm" c="dimmed">
                    {f.pick(a.organization.name)}
                  </Text>
                  <Text size="xs" c="dimmed" mt={4}>
                    {t('public.registeredOn', { date: f.day(a.registeredOn) })}
                    {a.answeredOn ? ` · ${t('public.answeredOn', { date: f.day(a.answeredOn) })}` : ''}
                  </Text>
                </Card>
              ))}
            </SimpleGrid>
            <Pager total={list.data.total} limit={PAGE} offset={offset} onOffset={setOffset} label={t('public.pages')} />
          </Stack>
        )}
      </section>

      <PublicStatsSection regionCode={regionCode} />
    </Stack>
  );
}
