import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from './format.ts';
import { ToneBadge, type Tone } from './StatusBadge.tsx';

export interface DeadlineInput {
  state: string;
  dueAt: string | null;
  workingDaysLeft: number | null;
  /** Closed appeals have no running term. */
  closedAt?: string | null;
  isOverdue?: boolean;
}

/** On track, due soon (two working days or less), overdue: for inboxes that colour time left. */
export function deadlineTone(d: Pick<DeadlineInput, 'workingDaysLeft' | 'isOverdue' | 'dueAt'>): Tone {
  if (!d.dueAt || d.workingDaysLeft === null) return 'grey';
  if (d.isOverdue || d.workingDaysLeft < 0) return 'red';
  if (d.workingDaysLeft <= 2) return 'amber';
  return 'green';
}

function isPast(d: DeadlineInput): boolean {
  return !!d.dueAt && (d.isOverdue ?? new Date(d.dueAt).getTime() < Date.now());
}

/**
 * The deadline in plain words: "Answer due by 15 April; 6 working days left", "…; overdue by
 * 2 working days", "Confirm or dispute the answer by 3 May". Plurals follow each language's
 * rules (i18next `_one`/`_few`/`_many`/`_other`).
 */
export function useDeadlineWords() {
  const { t } = useTranslation('appealsweb');
  const f = useFormat();
  return (d: DeadlineInput): string => {
    if (d.closedAt || !d.dueAt) return t('deadline.none');
    const date = f.day(d.dueAt, true);
    if (d.state === 'answered') return t('deadline.confirmBy', { date });
    const due = d.state === 'awaiting_applicant' ? t('deadline.dueByPaused', { date }) : t('deadline.dueBy', { date });
    const n = d.workingDaysLeft;
    let left: string;
    if (n === null) left = '';
    else if (isPast(d)) left = n < 0 ? t('deadline.overdue', { count: -n }) : t('deadline.overdueToday');
    else if (n === 0) left = t('deadline.lastDay');
    else left = t('deadline.left', { count: n });
    return left ? t('deadline.sentence', { due, left }) : due;
  };
}

/** One line of text with the deadline in words. */
export function DeadlineText({ deadline, size = 'sm' }: { deadline: DeadlineInput; size?: 'xs' | 'sm' | 'md' }) {
  const words = useDeadlineWords();
  const past = !deadline.closedAt && isPast(deadline) && deadline.state !== 'answered';
  return (
    <Text size={size} fw={past ? 700 : 400} c={past ? 'red.9' : undefined} data-testid="deadline-words">
      {words(deadline)}
    </Text>
  );
}

/** Time left as a coloured badge (the words say it too): for staff inboxes. */
export function TimeLeftBadge({ deadline }: { deadline: DeadlineInput }) {
  const { t } = useTranslation('appealsweb');
  const tone = deadlineTone(deadline);
  const n = deadline.workingDaysLeft;
  let label: string;
  if (deadline.closedAt || !deadline.dueAt || n === null) label = t('deadline.noneShort');
  else if (tone === 'red') label = n < 0 ? t('deadline.overdue', { count: -n }) : t('deadline.overdueToday');
  else if (n === 0) label = t('deadline.lastDay');
  else label = t('deadline.left', { count: n });
  return <ToneBadge tone={tone}>{label}</ToneBadge>;
}
