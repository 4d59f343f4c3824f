import { useMemo } from 'react';
import { Grid, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { Loading, ProblemAlert } from '../../../ui/ErrorDisplay.tsx';
import { usePageTitle } from '../../../ui/page.ts';
import { useSession } from '../../../ui/session.ts';
import { StateBadge } from './Badges.tsx';
import { AppealList } from './AppealList.tsx';
import { localized, num } from './format.ts';
import { organizationsWith, WORK_STATES } from './InboxPage.tsx';
import { FigureTile, NO_BREAK, Pager, Section } from './parts.tsx';
import { useCategories, useInbox, useOrganizations, useOverview, useStaff } from './staffApi.ts';

/**
 * The head of an organization: what is open and overdue, by state and by person, and every
 * appeal in work with the overdue ones first (the list is ordered by the term). Extending a
 * term (with its reason) and handing an appeal to someone else are on each appeal's page.
 */
export default function HeadPage() {
  const { t } = useTranslation('appealsstaff');
  usePageTitle(t('head.title'));
  const { me } = useSession();
  const [params, setParams] = useSearchParams();
  const orgIds = organizationsWith(me, ['head']);
  const organizationId = params.get('org') ?? orgIds[0];
  const state = params.get('state') ?? undefined;
  const offset = Number(params.get('offset') ?? 0) || 0;
  const set = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries({ offset: undefined, ...patch })) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: true });
  };

  const overview = useOverview(organizationId);
  const list = useInbox({ organizationId, state, offset }, !!organizationId);
  const orgs = useOrganizations(me?.regionCode);
  const staff = useStaff(organizationId);
  const categories = useCategories(me?.regionCode);
  const categoryMap = useMemo(() => new Map((categories.data?.items ?? []).map((c) => [c.id, c])), [categories.data]);
  const names = useMemo(() => new Map((staff.data?.items ?? []).map((s) => [s.id, s.displayName])), [staff.data]);
  const orgName = (id: string) => localized(orgs.data?.items.find((o) => o.id === id)?.name);
  const o = overview.data;
  const totals = o ? o.byState.reduce((acc, s) => ({ open: acc.open + s.open, overdue: acc.overdue + s.overdue }), { open: 0, overdue: 0 }) : null;
  const deemed = o ? o.holders.reduce((n, h) => n + h.deemedRefusals, 0) : 0;
  const personName = (id: string | null, name: string | null) => (id ? (name ?? names.get(id) ?? t('list.someone')) : t('list.notTaken'));

  return (
    <Stack gap="md">
      <div>
        <Title order={1} size="h2">
          {t('head.title')}
        </Title>
        <Text c="dimmed" mt={4}>
          {organizationId ? orgName(organizationId) : t('inbox.noOrganization')}
        </Text>
      </div>
      {orgIds.length > 1 && (
        <Select
          label={t('inbox.organization')}
          data={orgIds.map((id) => ({ value: id, label: orgName(id) }))}
          value={organizationId ?? null}
          onChange={(v) => set({ org: v ?? undefined, state: undefined })}
          allowDeselect={false}
          maw={420}
        />
      )}
      {overview.error && <ProblemAlert error={overview.error} />}
      {overview.isPending && organizationId ? <Loading /> : null}
      {o && totals && (
        <>
          <Grid gap="sm">
            <Grid.Col span={{ base: 6, sm: 4 }}>
              <FigureTile label={t('fig.open')} value={totals.open} testId="head-open" />
            </Grid.Col>
            <Grid.Col span={{ base: 6, sm: 4 }}>
              <FigureTile label={t('fig.overdue')} value={totals.overdue} testId="head-overdue" tone="alert" />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 4 }}>
              <FigureTile label={t('fig.deemedRefusals')} value={deemed} testId="head-deemed" tone="alert" />
            </Grid.Col>
          </Grid>
          <Grid gap="md">
            <Grid.Col span={{ base: 12, md: 6 }}>
              <Section id="by-person" title={t('head.byPerson')}>
                <Table verticalSpacing="xs" style={NO_BREAK} data-testid="by-person">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">{t('head.person')}</Table.Th>
                      <Table.Th scope="col" ta="end">{t('fig.open')}</Table.Th>
                      <Table.Th scope="col" ta="end">{t('fig.overdue')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {o.holders.map((h) => (
                      <Table.Tr key={h.assigneeId ?? 'none'}>
                        <Table.Th scope="row" fw={500}>{personName(h.assigneeId, h.name)}</Table.Th>
                        <Table.Td ta="end">{num(h.open)}</Table.Td>
                        <Table.Td ta="end" fw={h.overdue ? 700 : 400} c={h.overdue ? 'red.9' : undefined}>
                          {num(h.overdue)}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
                {o.holders.length === 0 && <Text c="dimmed">{t('list.empty')}</Text>}
              </Section>
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 6 }}>
              <Section id="by-state" title={t('head.byState')}>
                <Table verticalSpacing="xs" style={NO_BREAK} data-testid="by-state">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">{t('list.state')}</Table.Th>
                      <Table.Th scope="col" ta="end">{t('fig.open')}</Table.Th>
                      <Table.Th scope="col" ta="end">{t('fig.overdue')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {o.byState.map((s) => (
                      <Table.Tr key={s.state}>
                        <Table.Th scope="row" fw={500}>
                          <StateBadge state={s.state} />
                        </Table.Th>
                        <Table.Td ta="end">{num(s.open)}</Table.Td>
                        <Table.Td ta="end" fw={s.overdue ? 700 : 400} c={s.overdue ? 'red.9' : undefined}>
                          {num(s.overdue)}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
                {o.byState.length === 0 && <Text c="dimmed">{t('list.empty')}</Text>}
              </Section>
            </Grid.Col>
          </Grid>
        </>
      )}
      {organizationId && (
        <Section
          id="head-list"
          title={t('head.list')}
          actions={
            <Select
              label={t('inbox.state')}
              size="sm"
              data={[{ value: '', label: t('inbox.allStates') }, ...WORK_STATES.map((s) => ({ value: s, label: t(`state.${s}`) }))]}
              value={state ?? ''}
              onChange={(v) => set({ state: v ?? undefined })}
              allowDeselect={false}
              w={{ base: '100%', sm: 260 }}
            />
          }
        >
          <Text size="sm" c="dimmed" mb="sm">
            {t('head.listIntro')}
          </Text>
          {list.error && <ProblemAlert error={list.error} />}
          {list.data ? (
            <Stack gap="sm">
              <AppealList items={list.data.items} categories={categoryMap} label={t('head.list')} showAssignee assigneeName={(id) => personName(id, null)} />
              <Group justify="flex-end">
                <Pager total={list.data.total} offset={offset} limit={list.data.limit} onChange={(x) => set({ offset: String(x) })} label={t('paging.label')} />
              </Group>
            </Stack>
          ) : (
            list.isPending && <Loading />
          )}
        </Section>
      )}
    </Stack>
  );
}
