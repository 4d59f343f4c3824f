import type { ReactNode } from 'react';
import { Anchor, Box, Grid, Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { Loading, ProblemAlert } from '../../../ui/ErrorDisplay.tsx';
import { usePageTitle } from '../../../ui/page.ts';
import { useSession, type Me } from '../../../ui/session.ts';
import { AppealMap } from '../shared/AppealMap.tsx';
import { AttachmentList } from '../shared/AttachmentList.tsx';
import { SplitLinks } from '../shared/SplitLinks.tsx';
import { Timeline } from '../shared/Timeline.tsx';
import type { AppealPage as Appeal } from '../shared/types.ts';
import { AppealActions } from './AppealActions.tsx';
import { StateBadge, TimeLeft } from './Badges.tsx';
import { dateTime, day, localized } from './format.ts';
import { Section } from './parts.tsx';
import { useAppeal, useStaff } from './staffApi.ts';

/** A label and its value, as a row of a description list. */
function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div>
      <Text component="dt" size="sm" c="dimmed">
        {label}
      </Text>
      <Text component="dd" m={0} fw={500} data-testid={testId} style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </div>
  );
}

function Facts({ appeal }: { appeal: Appeal }) {
  const { t } = useTranslation('appealsstaff');
  const staff = useStaff(appeal.assigneeId ? appeal.organization.id : undefined);
  const assignee = appeal.assigneeId ? (staff.data?.items.find((s) => s.id === appeal.assigneeId)?.displayName ?? t('list.someone')) : t('list.notTaken');
  return (
    <Box component="dl" m={0} style={{ display: 'grid', gap: 12, gridTemplateColumns: 'repeat(auto-fit, minmax(200px, 1fr))' }}>
      <Fact label={t('appeal.organization')} testId="appeal-organization">{localized(appeal.organization.name)}</Fact>
      <Fact label={t('list.assignee')}>{assignee}</Fact>
      <Fact label={t('appeal.category')}>{localized(appeal.category.name)}</Fact>
      <Fact label={t('appeal.type')}>{t(`type.${appeal.typeCode}`, { defaultValue: appeal.typeCode })}</Fact>
      <Fact label={t('list.received')}>{dateTime(appeal.receivedAt)}</Fact>
      <Fact label={t('appeal.registeredOn')}>{day(appeal.registeredOn)}</Fact>
      <Fact label={t('appeal.channel')}>{t(`channel.${appeal.channel}`, { defaultValue: appeal.channel })}</Fact>
      {appeal.extensionCount > 0 && <Fact label={t('appeal.extensions')}>{appeal.extensionCount}</Fact>}
      {appeal.reopenCount > 0 && <Fact label={t('appeal.reopened')}>{appeal.reopenCount}</Fact>}
    </Box>
  );
}

function Applicant({ appeal }: { appeal: Appeal }) {
  const { t } = useTranslation('appealsstaff');
  const a = appeal.applicant;
  return (
    <Section id="applicant-title" title={t('appeal.applicant')}>
      {appeal.isAnonymous || !a ? (
        <Text>{t('list.anonymous')}</Text>
      ) : (
        <Box component="dl" m={0} style={{ display: 'grid', gap: 8 }}>
          <Fact label={t('appeal.name')}>{a.name ?? '—'}</Fact>
          {a.phone && (
            <Fact label={t('appeal.phone')}>
              <Anchor href={`tel:${a.phone.replace(/[^+\d]/g, '')}`}>{a.phone}</Anchor>
            </Fact>
          )}
          {a.email && <Fact label={t('appeal.email')}>{a.email}</Fact>}
          <Fact label={t('appeal.account')}>{a.hasAccount ? t('appeal.hasAccount') : t('appeal.noAccount')}</Fact>
        </Box>
      )}
    </Section>
  );
}

/**
 * Where a linked appeal's slip leads: the coordination centre opens any appeal of the region;
 * an organization's staff open a part that went to an organization they are executor or head
 * of (the original's organization is not in the page: its slip is shown as text).
 */
function linkedHref(appeal: Appeal, me: Me | null) {
  return (id: string, organizationId: string | null): string | null => {
    const mayOpen = appeal.access === 'coordination' || (!!organizationId && !!me?.roles.some((r) => (r.role === 'executor' || r.role === 'head') && r.organizationId === organizationId));
    return mayOpen ? `/work/appeals/${id}` : null;
  };
}

/**
 * The appeal as staff see it: the applicant's own words, their files, where it is, the term
 * and its time left, the history, and the actions open to this user now.
 */
export default function AppealPage() {
  const { t } = useTranslation('appealsstaff');
  const { id = '' } = useParams();
  const q = useAppeal(id);
  const { me } = useSession();
  const a = q.data;
  usePageTitle(a ? t('appeal.title', { slip: a.slipNumber }) : t('appeal.loading'));

  if (q.isPending) return <Loading />;
  if (q.error || !a) {
    return (
      <Stack>
        <Title order={1} size="h2">
          {t('appeal.loading')}
        </Title>
        <ProblemAlert error={q.error} />
      </Stack>
    );
  }
  const extra = Object.entries(a.extra ?? {});
  return (
    <Stack gap="md">
      <Anchor component={Link} to={a.access === 'coordination' ? '/coordination/appeals' : '/work/inbox'} size="sm">
        ← {a.access === 'coordination' ? t('nav.coordinationAppeals') : t('nav.inbox')}
      </Anchor>
      <div>
        <Title order={1} size="h2" data-testid="appeal-slip">
          {t('appeal.title', { slip: a.slipNumber })}
        </Title>
        <Group gap="xs" mt="xs" wrap="wrap">
          <StateBadge state={a.state} />
          <TimeLeft dueAt={a.dueAt} workingDaysLeft={a.workingDaysLeft} closedAt={a.closedAt} withDate />
          {a.isSecurityReport && <Text fw={700} c="red.9">{t('appeal.security')}</Text>}
        </Group>
      </div>

      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="md">
            <Section id="text-title" title={t('appeal.text')}>
              <Text style={{ whiteSpace: 'pre-wrap' }} data-testid="appeal-text">
                {a.text}
              </Text>
              {extra.length > 0 && (
                <Box component="dl" mt="sm" m={0} style={{ display: 'grid', gap: 8 }}>
                  {extra.map(([k, v]) => (
                    <Fact key={k} label={t(`extra.${k}`, { defaultValue: k })}>
                      {String(v)}
                    </Fact>
                  ))}
                </Box>
              )}
            </Section>
            <SplitLinks appeal={a} href={linkedHref(a, me)} />
            {a.answer && (
              <Section id="answer-title" title={t('appeal.answer')}>
                <Text size="sm" c="dimmed" mb={4}>
                  {t(`decision.${a.answer.decision ?? 'explained'}`)} · {dateTime(a.answer.answeredAt)}
                </Text>
                <Text style={{ whiteSpace: 'pre-wrap' }} data-testid="appeal-answer">
                  {a.answer.text}
                </Text>
                {a.rating !== null && (
                  <Text mt="xs" fw={600} data-testid="appeal-rating">
                    {t('appeal.rating', { rating: a.rating, verdict: t(`verdict.${a.verdict ?? 'confirmed'}`) })}
                  </Text>
                )}
              </Section>
            )}
            <AppealActions appeal={a} />
            <Section id="facts-title" title={t('appeal.details')}>
              <Facts appeal={a} />
            </Section>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="md">
            <Applicant appeal={a} />
            <Section id="place-title" title={t('appeal.place')}>
              <Text mb="xs">{a.address ?? t('appeal.noAddress')}</Text>
              {a.location ? (
                <AppealMap
                  label={t('appeal.mapLabel', { slip: a.slipNumber })}
                  points={[{ id: a.id, lat: a.location.lat, lon: a.location.lon, label: a.address ?? a.slipNumber, tone: 'selected' }]}
                  center={[a.location.lat, a.location.lon]}
                  zoom={14}
                  height={220}
                  testId="appeal-map"
                />
              ) : (
                <Text size="sm" c="dimmed">
                  {t('appeal.noPoint')}
                </Text>
              )}
            </Section>
            {a.attachments.length > 0 && (
              <Box p="md" style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }}>
                <AttachmentList appealId={a.id} attachments={a.attachments} />
              </Box>
            )}
            <Box p="md" style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }}>
              <Timeline entries={a.timeline} audience="staff" />
            </Box>
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
