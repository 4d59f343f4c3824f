import { forwardRef, type ReactNode } from 'react';
import { Box, Card, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from './format.ts';
import type { Slip } from './types.ts';

/**
 * The registration slip (APPC art. 64): number, when received and registered, who answers and
 * by when. Shown at once after filing (citizen) and read back to a caller (operator); the
 * heading takes focus so a screen reader reads the number first.
 */
export const SlipCard = forwardRef<HTMLHeadingElement, { slip: Slip; title: string; children?: ReactNode }>(function SlipCard({ slip, title, children }, ref) {
  const { t } = useTranslation('appealsweb');
  const f = useFormat();
  const rows: [string, ReactNode, string?][] = [
    [t('slip.number'), <Text component="span" ff="monospace" fw={700} fz="xl" data-testid="slip-number">{slip.slipNumber}</Text>],
    [t('slip.type'), t(`type.${slip.typeCode}`, { defaultValue: slip.typeCode })],
    [t('slip.received'), f.dateTime(slip.receivedAt)],
    [t('slip.registeredOn'), f.day(slip.registeredOn), 'slip-registered'],
    [t('slip.organization'), slip.organizationName ? f.pick(slip.organizationName) : t('slip.coordination')],
    [t('slip.due'), slip.dueAt ? f.dateTime(slip.dueAt) : '—', 'slip-due'],
  ];
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="slip-title" data-testid="slip" style={{ borderColor: '#9fd3aa', background: '#f6fcf7' }}>
      <Title order={2} size="h3" id="slip-title" ref={ref} tabIndex={-1} mb="sm">
        {title}
      </Title>
      <Box component="dl" m={0} style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(180px, 1fr))', gap: 12 }}>
        {rows.map(([label, value, testId]) => (
          <div key={label}>
            <Text component="dt" size="sm" c="dimmed">
              {label}
            </Text>
            <Text component="dd" m={0} size="sm" fw={600} data-testid={testId}>
              {value}
            </Text>
          </div>
        ))}
      </Box>
      {slip.isAnonymous && (
        <Text size="sm" mt="sm">
          {t('slip.anonymous')}
        </Text>
      )}
      <Text size="xs" c="dimmed" mt="sm">
        {t('slip.legal')}
      </Text>
      {children}
    </Card>
  );
});
