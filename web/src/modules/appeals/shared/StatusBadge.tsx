import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/**
 * Colours picked by hand for WCAG AA: dark text on a pale ground, at least 6:1 each (Mantine's
 * light badges drop below 4.5:1 for yellow, orange and green). The colour is never the only
 * sign: the state's name is always written.
 */
export const TONES = {
  blue: { fg: '#0b4f8a', bg: '#e3f0fb', border: '#9cc3e6' },
  amber: { fg: '#7a3e00', bg: '#fff1dc', border: '#f0c27a' },
  green: { fg: '#1d5e2a', bg: '#e4f5e7', border: '#9fd3aa' },
  red: { fg: '#9b1c1c', bg: '#fde8e8', border: '#f1a9a9' },
  grey: { fg: '#3f454b', bg: '#eef0f2', border: '#c3c8cd' },
  violet: { fg: '#55309a', bg: '#efe8fb', border: '#c5b1ec' },
} as const;
export type Tone = keyof typeof TONES;

const STATE_TONE: Record<string, Tone> = {
  registered: 'blue',
  assigned: 'blue',
  in_progress: 'blue',
  awaiting_applicant: 'amber',
  answered: 'green',
  reopened: 'violet',
  closed: 'grey',
  forwarded: 'grey',
  not_considered: 'grey',
  merged: 'grey',
  withdrawn: 'grey',
};

export function ToneBadge({ tone, children, testId }: { tone: Tone; children: string; testId?: string }) {
  const c = TONES[tone];
  return (
    <Badge
      radius="sm"
      size="md"
      tt="none"
      fw={600}
      variant="outline"
      data-testid={testId}
      style={{ color: c.fg, backgroundColor: c.bg, borderColor: c.border, maxWidth: '100%', height: 'auto', minHeight: 22, whiteSpace: 'normal', lineHeight: 1.3 }}
    >
      {children}
    </Badge>
  );
}

/** The appeal's state in the user's language (`appealsweb:state.<state>`). */
export function StatusBadge({ state, overdue }: { state: string; overdue?: boolean }) {
  const { t } = useTranslation('appealsweb');
  const tone = overdue ? 'red' : (STATE_TONE[state] ?? 'grey');
  return (
    <ToneBadge tone={tone} testId="appeal-state">
      {t(`state.${state}`, { defaultValue: state })}
    </ToneBadge>
  );
}
