import type { ReactNode } from 'react';
import { Box, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useExtraLabel } from './ExtraFields.tsx';
import { useFormat } from './format.ts';
import { useTerritory } from './queries.ts';
import type { AppealPage, ExtraFieldsSchema } from './types.ts';

/**
 * The facts of an appeal as a description list: type, category, received and registered, who
 * answers, where, and the category's extra fields. The address is shown only to those the
 * server gave it to (the parties).
 */
export function AppealFacts({ appeal, extraSchema, children }: { appeal: AppealPage; extraSchema?: ExtraFieldsSchema | null; children?: ReactNode }) {
  const { t } = useTranslation('appealsweb');
  const f = useFormat();
  const territory = useTerritory(appeal.territoryCode);
  const extraLabel = useExtraLabel();
  const rows: [string, string, string?][] = [
    [t('facts.type'), t(`type.${appeal.typeCode}`, { defaultValue: appeal.typeCode })],
    [t('facts.category'), f.pick(appeal.category.name)],
    [t('facts.received'), f.dateTime(appeal.receivedAt)],
    [t('facts.registeredOn'), f.day(appeal.registeredOn)],
    [t('facts.organization'), f.pick(appeal.organization.name), 'facts-organization'],
    [t('facts.territory'), territory.data ? f.pick(territory.data.name) : appeal.territoryCode],
  ];
  if (appeal.address) rows.push([t('facts.address'), appeal.address]);
  for (const [name, value] of Object.entries(appeal.extra ?? {})) {
    const shown = typeof value === 'boolean' ? t(value ? 'facts.yes' : 'facts.no') : typeof value === 'number' ? f.number(value) : String(value);
    rows.push([extraLabel(name, extraSchema?.properties?.[name]), shown]);
  }
  rows.push([t('facts.publication'), t(appeal.isPublic ? 'facts.public' : 'facts.private')]);
  return (
    <Box component="dl" m={0} style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(200px, 1fr))', gap: 12 }} data-testid="appeal-facts">
      {rows.map(([k, v, testId]) => (
        <div key={k}>
          <Text component="dt" size="sm" c="dimmed">
            {k}
          </Text>
          <Text component="dd" m={0} size="sm" fw={600} data-testid={testId}>
            {v}
          </Text>
        </div>
      ))}
      {children}
    </Box>
  );
}
