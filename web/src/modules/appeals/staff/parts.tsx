import type { ReactNode } from 'react';
import { Anchor, Button, Card, Group, Paper, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { num } from './format.ts';

/** Small pieces the staff screens share: server paging, figure tiles, the phone breakpoint. */

/** Below 48em (768 px) tables turn into cards: no sideways scrolling on a phone. */
export function useIsPhone(): boolean {
  return useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false }) ?? false;
}

export function Pager({ total, offset, limit, onChange, label }: { total: number; offset: number; limit: number; onChange: (offset: number) => void; label: string }) {
  const { t } = useTranslation('appealsstaff');
  if (total <= limit && offset === 0) return total > 0 ? <Text size="sm" c="dimmed">{t('paging.all', { count: total, total: num(total) })}</Text> : null;
  const first = Math.min(offset + 1, total);
  const last = Math.min(offset + limit, total);
  return (
    <Group component="nav" aria-label={label} justify="space-between" gap="sm" wrap="wrap">
      <Text size="sm" aria-live="polite">
        {t('paging.range', { first: num(first), last: num(last), total: num(total) })}
      </Text>
      <Group gap="xs">
        <Button variant="default" size="sm" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - limit))}>
          {t('paging.previous')}
        </Button>
        <Button variant="default" size="sm" disabled={offset + limit >= total} onClick={() => onChange(offset + limit)}>
          {t('paging.next')}
        </Button>
      </Group>
    </Group>
  );
}

/** One figure with its name; `to` makes it a link to the appeals behind it. */
export function FigureTile({ label, value, testId, to, tone }: { label: string; value: number; testId?: string; to?: string; tone?: 'alert' }) {
  return (
    <Paper withBorder p="sm" radius="md" style={tone === 'alert' && value > 0 ? { borderColor: '#c92a2a', borderWidth: 2 } : undefined}>
      <Text size="sm" c="dimmed" component="div">
        {label}
      </Text>
      {to ? (
        <Anchor component={Link} to={to} fz={28} fw={700} data-testid={testId} data-value={value}>
          {num(value)}
        </Anchor>
      ) : (
        <Text fz={28} fw={700} data-testid={testId} data-value={value}>
          {num(value)}
        </Text>
      )}
    </Paper>
  );
}

/** A titled section in a bordered card, named for assistive technology by its heading. */
export function Section({ id, title, children, actions }: { id: string; title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <Card withBorder padding="md" radius="md" component="section" aria-labelledby={id}>
      <Group justify="space-between" align="flex-start" mb="sm" gap="xs">
        <Text component="h2" id={id} fw={700} fz="lg" m={0}>
          {title}
        </Text>
        {actions}
      </Group>
      {children}
    </Card>
  );
}

/** Words in a table break at spaces, not mid-word: the table keeps its width and scrolls in its region. */
export const NO_BREAK = { overflowWrap: 'normal' } as const;

/** A wide table keeps to its own region and scrolls there, never the page (keyboard-reachable). */
export function TableRegion({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} style={{ overflowX: 'auto', maxWidth: '100%' }}>
      {children}
    </div>
  );
}
