import { Anchor, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { Loading, ProblemAlert } from '../../../ui/ErrorDisplay.tsx';
import { usePageTitle } from '../../../ui/page.ts';
import { AppealFacts } from '../shared/AppealFacts.tsx';
import { AppealMap } from '../shared/AppealMap.tsx';
import { AttachmentList } from '../shared/AttachmentList.tsx';
import { DeadlineText } from '../shared/DeadlineText.tsx';
import { SplitLinks } from '../shared/SplitLinks.tsx';
import { useFormat } from '../shared/format.ts';
import { useAppeal, useCategories } from '../shared/queries.ts';
import { StatusBadge } from '../shared/StatusBadge.tsx';
import { Timeline } from '../shared/Timeline.tsx';
import type { AppealPage } from '../shared/types.ts';
import { FeedbackForm, ProvideInfoForm, WithdrawButton } from './ApplicantActions.tsx';

/** The latest question the organization asked (the comment of the last request_info). */
function lastQuestion(a: AppealPage): string | null {
  for (let i = a.timeline.length - 1; i >= 0; i--) {
    const e = a.timeline[i]!;
    if (e.kind === 'transition' && e.action === 'request_info') return e.comment;
  }
  return null;
}

/**
 * One of the citizen's appeals: where it stands and until when, the answer with its files,
 * confirm-or-dispute with a rating, the information asked for, and the whole history.
 */
export default function MyAppealPage() {
  const { id } = useParams();
  const { t } = useTranslation('appealsweb');
  const f = useFormat();
  const q = useAppeal(id);
  const a = q.data;
  const categories = useCategories(a?.regionCode);
  usePageTitle(a ? t('appeal.title', { slip: a.slipNumber }) : t('mine.title'));

  if (q.isPending) return <Loading />;
  if (q.error || !a) return <ProblemAlert error={q.error} />;
  const extraSchema = categories.data?.find((c) => c.id === a.category.id)?.extraFields ?? null;
  const canFeedback = a.actions.includes('confirm') || a.actions.includes('dispute');

  return (
    <Stack gap="lg" maw={820}>
      <div>
        <Anchor component={Link} to="/my-appeals" size="sm">
          {t('appeal.back')}
        </Anchor>
        <Title order={1} size="h2" mt={4}>
          {t('appeal.title', { slip: a.slipNumber })}
        </Title>
        <Group gap="sm" mt="xs" wrap="wrap">
          <StatusBadge state={a.state} overdue={!a.closedAt && (a.workingDaysLeft ?? 0) < 0 && a.state !== 'answered'} />
        </Group>
        <DeadlineText deadline={a} size="md" />
        {a.deemedRefusalAt && (
          <Text size="sm" c="red.9" mt={4}>
            {t('timeline.deemedRefusal')}
          </Text>
        )}
      </div>

      {/* The applicant filed both: each appeal links to the other. */}
      <SplitLinks appeal={a} href={(other) => `/my-appeals/${other}`} />

      {a.actions.includes('provide_info') && <ProvideInfoForm appeal={a} question={lastQuestion(a)} />}

      {a.answer && (
        <Card withBorder padding="md" radius="md" component="section" aria-labelledby="answer-title" data-testid="answer" style={{ borderColor: '#9fd3aa' }}>
          <Title order={2} size="h4" id="answer-title">
            {t('appeal.answer')}
          </Title>
          <Text size="sm" c="dimmed" mt={2}>
            {a.answer.answeredAt ? f.dateTime(a.answer.answeredAt) : ''}
            {a.answer.decision ? ` · ${t(`decision.${a.answer.decision}`, { defaultValue: a.answer.decision })}` : ''}
          </Text>
          <Text mt="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="answer-text">
            {a.answer.text}
          </Text>
          <Stack mt="sm">
            <AttachmentList appealId={a.id} attachments={a.attachments} stage="answer" headingLevel={3} />
          </Stack>
          {a.rating !== null && (
            <Text size="sm" mt="sm" fw={600} data-testid="my-rating">
              {t(a.verdict === 'disputed' ? 'appeal.yourDispute' : 'appeal.yourRating', { rating: a.rating })}
            </Text>
          )}
        </Card>
      )}

      {canFeedback && <FeedbackForm appeal={a} />}

      <section aria-labelledby="text-title">
        <Title order={2} size="h4" id="text-title" mb="xs">
          {t('appeal.text')}
        </Title>
        <Text style={{ whiteSpace: 'pre-wrap' }}>{a.text}</Text>
      </section>

      <AppealFacts appeal={a} extraSchema={extraSchema} />

      {a.location && (
        <section aria-labelledby="place-title">
          <Title order={2} size="h4" id="place-title" mb="xs">
            {t('appeal.place')}
          </Title>
          <AppealMap label={t('appeal.place')} points={[{ id: a.id, lat: a.location.lat, lon: a.location.lon, label: a.slipNumber, tone: 'selected' }]} center={[a.location.lat, a.location.lon]} zoom={15} height={220} />
        </section>
      )}

      <AttachmentList appealId={a.id} attachments={a.attachments.filter((x) => x.stage !== 'answer')} />

      <Timeline entries={a.timeline} audience="applicant" />

      {a.actions.includes('withdraw') && (
        <div>
          <WithdrawButton appeal={a} />
        </div>
      )}
    </Stack>
  );
}
