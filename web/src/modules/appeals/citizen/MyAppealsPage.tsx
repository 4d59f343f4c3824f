import { useMemo, useState } from 'react';
import { Anchor, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../../api.ts';
import { Loading, ProblemAlert } from '../../../ui/ErrorDisplay.tsx';
import { usePageTitle } from '../../../ui/page.ts';
import { DeadlineText } from '../shared/DeadlineText.tsx';
import { useFormat } from '../shared/format.ts';
import { Pager } from '../shared/Pager.tsx';
import { isClosedState, type Category, type ListItem, type Page } from '../shared/types.ts';
import { StatusBadge } from '../shared/StatusBadge.tsx';

const PAGE = 10;

/** Category names for the regions the list touches (usually one). */
function useCategoryNames(regionCodes: string[]) {
  const results = useQueries({
    queries: regionCodes.map((regionCode) => ({
      queryKey: ['appeals', 'categories', regionCode],
      queryFn: () => api<{ items: Category[] }>('/api/appeals/categories', { query: { regionCode } }).then((r) => r.items),
      staleTime: 10 * 60_000,
    })),
  });
  return useMemo(() => new Map(results.flatMap((r) => r.data ?? []).map((c) => [c.id, c])), [results]);
}

/** The citizen's appeals, newest first, a page at a time: state, deadline in words, and a link to each. */
export default function MyAppealsPage() {
  const { t } = useTranslation('appealsweb');
  const f = useFormat();
  usePageTitle(t('mine.title'));
  const [offset, setOffset] = useState(0);
  const list = useQuery({
    queryKey: ['appeals', 'mine', offset],
    queryFn: () => api<Page<ListItem>>('/api/appeals/mine', { query: { limit: PAGE, offset } }),
    placeholderData: keepPreviousData,
  });
  const regions = [...new Set((list.data?.items ?? []).map((a) => a.regionCode))];
  const categories = useCategoryNames(regions);

  return (
    <Stack gap="md" maw={820}>
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
        <Title order={1} size="h2">
          {t('mine.title')}
        </Title>
        <Button component={Link} to="/new-appeal" data-testid="new-appeal">
          {t('mine.new')}
        </Button>
      </Group>
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <ProblemAlert error={list.error} />
      ) : list.data.total === 0 ? (
        <Text>{t('mine.empty')}</Text>
      ) : (
        <>
          <Stack gap="sm" component="ul" m={0} p={0} style={{ listStyle: 'none' }} data-testid="my-appeals">
            {list.data.items.map((a) => {
              const c = categories.get(a.categoryId);
              return (
                <Card component="li" key={a.id} withBorder padding="md" radius="md" data-testid="my-appeal">
                  <Group justify="space-between" gap="xs" wrap="wrap" align="flex-start">
                    <Anchor component={Link} to={`/my-appeals/${a.id}`} fw={700} ff="monospace" aria-label={t('mine.openSlip', { slip: a.slipNumber })}>
                      {a.slipNumber}
                    </Anchor>
                    <StatusBadge state={a.state} overdue={a.isOverdue && a.state !== 'answered'} />
                  </Group>
                  <Text size="sm" fw={600} mt={6}>
                    {t(`type.${a.typeCode}`, { defaultValue: a.typeCode })}
                    {c ? ` · ${f.pick(c.name)}` : ''}
                  </Text>
                  <Text size="sm" mt={4} lineClamp={2}>
                    {a.excerpt}
                  </Text>
                  <Text size="xs" c="dimmed" mt={6}>
                    {t('mine.registeredOn', { date: f.day(a.registeredOn) })}
                  </Text>
                  <DeadlineText deadline={{ ...a, closedAt: isClosedState(a.state) ? a.receivedAt : null }} />
                </Card>
              );
            })}
          </Stack>
          <Pager total={list.data.total} limit={PAGE} offset={offset} onOffset={setOffset} label={t('mine.pages')} />
        </>
      )}
    </Stack>
  );
}
