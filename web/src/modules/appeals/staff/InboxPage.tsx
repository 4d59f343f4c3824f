import { useMemo } from 'react';
import { Checkbox, Group, Select, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { Loading, ProblemAlert } from '../../../ui/ErrorDisplay.tsx';
import { usePageTitle } from '../../../ui/page.ts';
import { useSession, type Me } from '../../../ui/session.ts';
import { AppealList } from './AppealList.tsx';
import { localized } from './format.ts';
import { Pager } from './parts.tsx';
import { useCategories, useInbox, useOrganizations, useStaff } from './staffApi.ts';

export const WORK_STATES = ['registered', 'assigned', 'in_progress', 'awaiting_applicant', 'reopened'] as const;

/** The organizations where the user holds one of the roles (their own first). */
export function organizationsWith(me: Me | null, roles: readonly string[]): string[] {
  if (!me || me.kind !== 'staff') return [];
  const ids = [...new Set(me.roles.filter((g) => roles.includes(g.role)).map((g) => g.organizationId))];
  return ids.sort((a, b) => Number(b === me.organizationId) - Number(a === me.organizationId));
}

/**
 * The executor's inbox: the organization's appeals in work, the nearest term first, with the
 * time left in working days (on track, due soon, overdue — in colour, shape and words). Filters
 * and the page live in the address, so "back" returns to the same place.
 */
export default function InboxPage() {
  const { t } = useTranslation('appealsstaff');
  usePageTitle(t('inbox.title'));
  const { me } = useSession();
  const [params, setParams] = useSearchParams();
  const orgIds = organizationsWith(me, ['executor', 'head']);
  const organizationId = params.get('org') ?? orgIds[0];
  const mine = params.get('mine') === '1';
  const overdue = params.get('overdue') === '1';
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

  const inbox = useInbox({ organizationId, mine, overdue, state, offset }, !!organizationId);
  const categories = useCategories(me?.regionCode);
  const orgs = useOrganizations(me?.regionCode);
  const staff = useStaff(organizationId);
  const categoryMap = useMemo(() => new Map((categories.data?.items ?? []).map((c) => [c.id, c])), [categories.data]);
  const staffNames = useMemo(() => new Map((staff.data?.items ?? []).map((s) => [s.id, s.displayName])), [staff.data]);
  const orgName = (id: string) => localized(orgs.data?.items.find((o) => o.id === id)?.name) ?? id;

  return (
    <Stack gap="md">
      <div>
        <Title order={1} size="h2">
          {t('inbox.title')}
        </Title>
        <Text c="dimmed" mt={4}>
          {t('inbox.intro')}
        </Text>
      </div>

      <Group gap="md" align="flex-end" wrap="wrap" role="group" aria-label={t('inbox.filters')}>
        {orgIds.length > 1 && (
          <Select
            label={t('inbox.organization')}
            data={orgIds.map((id) => ({ value: id, label: orgName(id) }))}
            value={organizationId ?? null}
            onChange={(v) => set({ org: v ?? undefined })}
            allowDeselect={false}
            w={{ base: '100%', sm: 320 }}
          />
        )}
        <Select
          label={t('inbox.state')}
          data={[{ value: '', label: t('inbox.allStates') }, ...WORK_STATES.map((s) => ({ value: s, label: t(`state.${s}`) }))]}
          value={state ?? ''}
          onChange={(v) => set({ state: v ?? undefined })}
          allowDeselect={false}
          w={{ base: '100%', sm: 240 }}
        />
        <Checkbox label={t('inbox.mine')} checked={mine} onChange={(e) => set({ mine: e.currentTarget.checked ? '1' : undefined })} />
        <Checkbox label={t('inbox.overdueOnly')} checked={overdue} onChange={(e) => set({ overdue: e.currentTarget.checked ? '1' : undefined })} />
      </Group>

      {!organizationId && <Text>{t('inbox.noOrganization')}</Text>}
      {inbox.error && <ProblemAlert error={inbox.error} />}
      {inbox.isPending && organizationId ? (
        <Loading />
      ) : (
        inbox.data && (
          <Stack gap="sm" aria-busy={inbox.isFetching}>
            <AppealList
              items={inbox.data.items}
              categories={categoryMap}
              label={t('inbox.listLabel')}
              showAssignee={!mine}
              assigneeName={(id) => (id ? (staffNames.get(id) ?? t('list.someone')) : t('list.notTaken'))}
            />
            <Pager total={inbox.data.total} offset={offset} limit={inbox.data.limit} onChange={(o) => set({ offset: String(o) })} label={t('paging.label')} />
          </Stack>
        )
      )}
    </Stack>
  );
}
