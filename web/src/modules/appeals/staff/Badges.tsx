import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { deadlineTone } from '../shared/DeadlineText.tsx';
import { TONES, type Tone } from '../shared/StatusBadge.tsx';
import { dateTime } from './format.ts';

/**
 * Badges of the staff lists, in the shared AA tones (../shared/StatusBadge.tsx) but wrapping
 * onto a second line instead of cutting the words off in a narrow column. Colour is never the
 * only signal: time left says its band in words ("Due soon: 2 working days left") and carries
 * a mark of its own (WCAG 1.4.1); states are named from the staff's side ("waiting for the
 * applicant", not "waiting for you").
 */

export function Pill({ tone, children, testId, urgency }: { tone: Tone; children: ReactNode; testId?: string; urgency?: string }) {
  const c = TONES[tone];
  return (
    <span
      data-testid={testId}
      data-urgency={urgency}
      style={{
        display: 'inline-block',
        maxWidth: '100%',
        padding: '1px 8px',
        borderRadius: 4,
        border: `1px solid ${c.border}`,
        background: c.bg,
        color: c.fg,
        fontSize: 13,
        fontWeight: 600,
        lineHeight: 1.45,
        overflowWrap: 'normal',
      }}
    >
      {children}
    </span>
  );
}

export type Urgency = 'overdue' | 'soon' | 'ok' | 'none';

const BY_TONE: Record<string, Urgency> = { red: 'overdue', amber: 'soon', green: 'ok' };
const MARK: Record<Urgency, string> = { overdue: '!', soon: '◔', ok: '✓', none: '–' };
const TONE_OF: Record<Urgency, Tone> = { overdue: 'red', soon: 'amber', ok: 'green', none: 'grey' };

export function urgencyOf(a: { dueAt: string | null; isOverdue?: boolean; workingDaysLeft: number | null; closedAt?: string | null }): Urgency {
  if (!a.dueAt || a.closedAt || a.workingDaysLeft === null) return 'none';
  return BY_TONE[deadlineTone({ dueAt: a.dueAt, workingDaysLeft: a.workingDaysLeft, isOverdue: a.isOverdue ?? false })] ?? 'none';
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
  return (
    <Pill tone={TONE_OF[u]} testId="time-left" urgency={u}>
      <span aria-hidden="true">{MARK[u]} </span>
      {u === 'none' ? words : `${t(`urgency.${u}`)}: ${words}`}
      {withDate && dueAt && u !== 'none' ? <span style={{ fontWeight: 400 }}> · {t('time.dueOn', { date: dateTime(dueAt) })}</span> : null}
    </Pill>
  );
}

const STATE_TONE: Record<string, Tone> = {
  registered: 'blue',
  assigned: 'blue',
  in_progress: 'blue',
  awaiting_applicant: 'amber',
  answered: 'green',
  reopened: 'violet',
};

export function StateBadge({ state }: { state: string }) {
  const { t } = useTranslation('appealsstaff');
  return (
    <Pill tone={STATE_TONE[state] ?? 'grey'} testId="appeal-state">
      {t(`state.${state}`, { defaultValue: state })}
    </Pill>
  );
}
