import { useState, type FormEvent } from 'react';
import { Alert, Button, Card, Group, Radio, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../../api.ts';
import { ProblemAlert } from '../../../ui/ErrorDisplay.tsx';
import { FilesField, filesError, withFiles } from '../shared/FilesField.tsx';
import { appealKey } from '../shared/queries.ts';
import type { AppealPage } from '../shared/types.ts';

/**
 * What the applicant can do with an appeal, as the server lists it in `actions`: confirm or
 * dispute the answer with a rating (a dispute reopens the appeal), add the information asked
 * for (with files, sent as multipart), or withdraw. Each posts the case version the page showed, so a change in between is a
 * clear 409 rather than a silent overwrite.
 */

function useAction(appeal: AppealPage, path: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ files = [], ...body }: Record<string, unknown> & { files?: File[] }) => {
      const data = { expectedVersion: appeal.caseVersion, ...body };
      return api(`/api/appeals/${appeal.id}/${path}`, { method: 'POST', body: files.length ? withFiles(data, files) : data });
    },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: appealKey(appeal.id) });
      void qc.invalidateQueries({ queryKey: ['appeals', 'mine'] });
    },
  });
}

const fieldError = (err: unknown, field: string) => (err instanceof ApiError ? err.fieldMessage(field) : undefined);
const generalError = (err: unknown, fields: string[]) => (err instanceof ApiError && !err.isGeneral(fields) ? undefined : err);

export function FeedbackForm({ appeal }: { appeal: AppealPage }) {
  const { t } = useTranslation('appealsweb');
  const [verdict, setVerdict] = useState<'confirmed' | 'disputed' | null>(null);
  const [rating, setRating] = useState<string | null>(null);
  const [comment, setComment] = useState('');
  const [missing, setMissing] = useState<Record<string, string>>({});
  const send = useAction(appeal, 'feedback');

  function submit(e: FormEvent) {
    e.preventDefault();
    const m: Record<string, string> = {};
    if (!verdict) m.verdict = t('feedback.required.verdict');
    if (!rating) m.rating = t('feedback.required.rating');
    if (verdict === 'disputed' && !comment.trim()) m.comment = t('feedback.required.comment');
    setMissing(m);
    if (Object.keys(m).length) return;
    send.mutate({ verdict, rating: Number(rating), ...(comment.trim() ? { comment: comment.trim() } : {}) });
  }

  const err = (field: string) => missing[field] ?? fieldError(send.error, field);
  return (
    <Card withBorder padding="md" radius="md" component="section" aria-labelledby="feedback-title">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Title order={2} size="h4" id="feedback-title">
            {t('feedback.title')}
          </Title>
          <Radio.Group label={t('feedback.verdict')} value={verdict} onChange={(v) => setVerdict(v as 'confirmed' | 'disputed')} error={err('verdict')} required>
            <Stack gap="xs" mt="xs">
              <Radio value="confirmed" label={t('feedback.confirm')} description={t('feedback.confirmHint')} data-testid="verdict-confirmed" />
              <Radio value="disputed" label={t('feedback.dispute')} description={t('feedback.disputeHint')} data-testid="verdict-disputed" />
            </Stack>
          </Radio.Group>
          <Radio.Group label={t('feedback.rating')} description={t('feedback.ratingHint')} value={rating} onChange={setRating} error={err('rating')} required>
            <Group gap="md" mt="xs" wrap="wrap">
              {['1', '2', '3', '4', '5'].map((n) => (
                <Radio key={n} value={n} label={n} aria-label={t('feedback.stars', { count: Number(n) })} data-testid={`rating-${n}`} />
              ))}
            </Group>
          </Radio.Group>
          <Textarea
            label={verdict === 'disputed' ? t('feedback.commentDispute') : t('feedback.comment')}
            value={comment}
            onChange={(e) => setComment(e.currentTarget.value)}
            autosize
            minRows={3}
            maxLength={5000}
            required={verdict === 'disputed'}
            error={err('comment')}
          />
          {generalError(send.error, ['verdict', 'rating', 'comment']) ? <ProblemAlert error={send.error} /> : null}
          <Group>
            <Button type="submit" loading={send.isPending} data-testid="feedback-send">
              {t('feedback.send')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

export function ProvideInfoForm({ appeal, question }: { appeal: AppealPage; question: string | null }) {
  const { t } = useTranslation('appealsweb');
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [missing, setMissing] = useState<string | undefined>();
  const send = useAction(appeal, 'provide-info');
  function submit(e: FormEvent) {
    e.preventDefault();
    if (!text.trim()) return setMissing(t('new.required.text'));
    setMissing(undefined);
    send.mutate({ text: text.trim(), files });
  }
  return (
    <Card withBorder padding="md" radius="md" component="section" aria-labelledby="info-title" style={{ borderColor: '#f0c27a' }}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={2} size="h4" id="info-title">
            {t('provideInfo.title')}
          </Title>
          {question && (
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {question}
            </Text>
          )}
          <Textarea label={t('provideInfo.text')} value={text} onChange={(e) => setText(e.currentTarget.value)} autosize minRows={3} maxLength={10000} required error={missing ?? fieldError(send.error, 'text')} />
          <FilesField id="info-files" label={t('provideInfo.files')} files={files} onChange={setFiles} error={filesError((field) => fieldError(send.error, field), files.length)} />
          {generalError(send.error, ['text', 'files', ...files.map((_, i) => `files.${i}`)]) ? <ProblemAlert error={send.error} /> : null}
          <Group>
            <Button type="submit" loading={send.isPending}>
              {t('provideInfo.send')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

export function WithdrawButton({ appeal }: { appeal: AppealPage }) {
  const { t } = useTranslation('appealsweb');
  const [asking, setAsking] = useState(false);
  const send = useAction(appeal, 'withdraw');
  if (!asking) {
    return (
      <Button variant="default" color="red" onClick={() => setAsking(true)}>
        {t('withdraw.button')}
      </Button>
    );
  }
  return (
    <Alert color="red" variant="light" title={t('withdraw.confirmTitle')} role="alert">
      <Text size="sm" mb="sm">
        {t('withdraw.confirmText')}
      </Text>
      {send.error ? <ProblemAlert error={send.error} /> : null}
      <Group gap="sm">
        <Button color="red" onClick={() => send.mutate({})} loading={send.isPending}>
          {t('withdraw.yes')}
        </Button>
        <Button variant="default" onClick={() => setAsking(false)}>
          {t('withdraw.no')}
        </Button>
      </Group>
    </Alert>
  );
}
