import type { ReactNode } from 'react';
import { Anchor, Box, Card, Group, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from './format.ts';
import { useOrganizationName } from './queries.ts';
import { StatusBadge } from './StatusBadge.tsx';
import type { AppealPage } from './types.ts';

/**
 * The appeals linked by splitting (APPC art. 65): the appeal this one was split from, and the
 * parts split from this one as new appeals, each by its slip number with a link to its page
 * where the viewer may open it (`href` gives the address, or null for a slip shown as text).
 * Nothing is shown for an appeal with neither.
 */
export function SplitLinks({ appeal, href }: { appeal: Pick<AppealPage, 'splitFrom' | 'splits'>; href: (id: string, organizationId: string | null) => string | null }) {
  const { t } = useTranslation('appealsweb');
  if (!appeal.splitFrom && appeal.splits.length === 0) return null;
  const slip = (id: string, slipNumber: string, organizationId: string | null, testId: string): ReactNode => {
    const to = href(id, organizationId);
    const text = t('split.slip', { slip: slipNumber });
    return to ? (
      <Anchor component={Link} to={to} fw={600} data-testid={testId} data-slip={slipNumber}>
        {text}
      </Anchor>
    ) : (
      <Text span fw={600} data-testid={testId} data-slip={slipNumber}>
        {text}
      </Text>
    );
  };
  return (
    <Card withBorder padding="md" radius="md" component="section" aria-labelledby="split-title" data-testid="split-links">
      <Title order={2} size="h4" id="split-title" mb="xs">
        {t('split.title')}
      </Title>
      <Box component="dl" m={0} style={{ display: 'grid', gap: 8 }}>
        {appeal.splitFrom && (
          <div>
            <Text component="dt" size="sm" c="dimmed">
              {t('split.from')}
            </Text>
            <Text component="dd" m={0}>
              {slip(appeal.splitFrom.id, appeal.splitFrom.slipNumber, null, 'split-from')}
            </Text>
          </div>
        )}
        {appeal.splits.length > 0 && (
          <div>
            <Text component="dt" size="sm" c="dimmed">
              {t('split.parts')}
            </Text>
            <Box component="dd" m={0}>
              <Box component="ul" m={0} p={0} style={{ listStyle: 'none', display: 'grid', gap: 6 }}>
                {appeal.splits.map((s) => (
                  <Group component="li" key={s.id} gap="xs" wrap="wrap">
                    {slip(s.id, s.slipNumber, s.organizationId, 'split-part')}
                    <OrgName id={s.organizationId} />
                    <StatusBadge state={s.state} />
                  </Group>
                ))}
              </Box>
            </Box>
          </div>
        )}
      </Box>
    </Card>
  );
}

function OrgName({ id }: { id: string }) {
  const f = useFormat();
  const name = useOrganizationName(id);
  return (
    <Text span size="sm" style={{ overflowWrap: 'anywhere' }}>
      {name.data ? f.pick(name.data) : '…'}
    </Text>
  );
}
