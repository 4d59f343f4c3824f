import { useTranslation } from 'react-i18next';
import { deadlineTone } from '../shared/DeadlineText.tsx';
import { ToneBadge } from '../shared/StatusBadge.tsx';
import { dateTime } from './format.ts';

/**
 * Time left to the legal term for staff lists. Colour is never the only signal: the badge says
 * in words which band the appeal is in ("Due soon: 2 working days left", "Overdue: by 3 working
 * days") and carries a mark of its own (WCAG 1.4.1). Colours are the shared AA tones.
 */

export type Urgency = 'overdue' | 'soon' | 'ok' | 'none';

const BY_TONE = { red: 'overdue', amber: 'soon', green: 'ok' } as const;
const MARK: Record<Urgency, string> = { overdue: '‼', soon: '◔', ok: '✓', none: '–' };

export function urgencyOf(a: { dueAt: string | null; isOverdue?: boolean; workingDaysLeft: number | null; closedAt?: string | null }): Urgency {
  if (!a.dueAt || a.closedAt || a.workingDaysLeft === null) return 'none';
  const tone = deadlineTone({ dueAt: a.dueAt, workingDaysLeft: a.workingDaysLeft, isOverdue: a.isOverdue ?? false });
  return (BY_TONE as Record<string, Urgency>)[tone] ?? 'none';
}

export function TimeLeft({ dueAt, isOverdue, workingDaysLeft, closedAt, withDate = false }: {
  dueAt: string | null;
  isOverdue?: boolean;
  workingDaysLeft: number | null;
  closedAt?: string | null;
  withDate?: boolean;
}) {
  const { t } = useTranslation('appealsstaff');
  const u = urgencyOf({ dueAt, isOverdue: isOverdue ?? false, workingDaysLeft, closedAt: closedAt ?? null });
  const n = workingDaysLeft ?? 0;
  const words =
    u === 'none' ? t('time.none') : u === 'overdue' ? (n < 0 ? t('time.overdueBy', { count: -n }) : t('time.overdueToday')) : n === 0 ? t('time.dueToday') : t('time.left', { count: n });
  const text = `${MARK[u]} ${u === 'none' ? words : `${t(`urgency.${u}`)}: ${words}`}${withDate && dueAt && u !== 'none' ? ` · ${t('time.dueOn', { date: dateTime(dueAt) })}` : ''}`;
  return (
    <span data-urgency={u} data-testid="time-left">
      <ToneBadge tone={u === 'overdue' ? 'red' : u === 'soon' ? 'amber' : u === 'ok' ? 'green' : 'grey'}>{text}</ToneBadge>
    </span>
  );
}
