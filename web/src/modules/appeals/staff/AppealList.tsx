import { Anchor, Card, Group, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { StateBadge, TimeLeft } from './Badges.tsx';
import { dateTime, localized } from './format.ts';
import { NO_BREAK, TableRegion, useIsPhone } from './parts.tsx';
import type { Category, ListItem } from '../shared/types.ts';

/**
 * A page of appeals for staff: a table on a desktop, cards on a phone. Names and phones are
 * masked by the server; the slip number opens the appeal.
 */
export function AppealList({ items, categories, label, showAssignee, assigneeName }: {
  items: ListItem[];
  categories: Map<string, Category>;
  label: string;
  showAssignee?: boolean;
  assigneeName?: (id: string | null) => string;
}) {
  const { t } = useTranslation('appealsstaff');
  const phone = useIsPhone();
  const category = (id: string) => localized(categories.get(id)?.name);
  const link = (a: ListItem) => (
    <Anchor component={Link} to={`/work/appeals/${a.id}`} fw={700} style={{ whiteSpace: 'nowrap' }} data-testid="appeal-link" data-slip={a.slipNumber}>
      {a.slipNumber}
    </Anchor>
  );

  if (!items.length) return <Text c="dimmed">{t('list.empty')}</Text>;

  if (phone) {
    return (
      <Stack gap="sm" component="ul" aria-label={label} style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {items.map((a) => (
          <Card key={a.id} withBorder padding="sm" radius="md" component="li" data-row={a.slipNumber}>
            <Group justify="space-between" gap="xs" mb={4}>
              {link(a)}
              <StateBadge state={a.state} />
            </Group>
            <Text size="sm" fw={600}>
              {category(a.categoryId)}
            </Text>
            <Text size="sm" lineClamp={2} mb={6}>
              {a.excerpt}
            </Text>
            <TimeLeft dueAt={a.dueAt} isOverdue={a.isOverdue} workingDaysLeft={a.workingDaysLeft} withDate />
            <Text size="sm" c="dimmed" mt={6}>
              {t('list.received')}: {dateTime(a.receivedAt)}
              {a.applicantName ? ` · ${a.applicantName}` : a.isAnonymous ? ` · ${t('list.anonymous')}` : ''}
            </Text>
            {showAssignee && (
              <Text size="sm" c="dimmed">
                {t('list.assignee')}: {assigneeName?.(a.assigneeId)}
              </Text>
            )}
          </Card>
        ))}
      </Stack>
    );
  }

  return (
    <TableRegion label={label}>
      <Table striped highlightOnHover verticalSpacing="sm" miw={760} style={NO_BREAK}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('list.slip')}</Table.Th>
            <Table.Th scope="col">{t('list.subject')}</Table.Th>
            <Table.Th scope="col">{t('list.state')}</Table.Th>
            <Table.Th scope="col">{t('list.timeLeft')}</Table.Th>
            <Table.Th scope="col">{t('list.received')}</Table.Th>
            <Table.Th scope="col">{showAssignee ? t('list.assignee') : t('list.applicant')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((a) => (
            <Table.Tr key={a.id} data-row={a.slipNumber}>
              <Table.Td>{link(a)}</Table.Td>
              <Table.Td maw={360}>
                <Text size="sm" fw={600}>
                  {category(a.categoryId)}
                </Text>
                <Text size="sm" lineClamp={2}>
                  {a.excerpt}
                </Text>
              </Table.Td>
              <Table.Td>
                <StateBadge state={a.state} />
              </Table.Td>
              <Table.Td>
                <TimeLeft dueAt={a.dueAt} isOverdue={a.isOverdue} workingDaysLeft={a.workingDaysLeft} />
                <Text size="xs" c="dimmed" mt={4}>
                  {a.dueAt ? dateTime(a.dueAt) : ''}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{dateTime(a.receivedAt)}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{showAssignee ? assigneeName?.(a.assigneeId) : a.applicantName ?? (a.isAnonymous ? t('list.anonymous') : '—')}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableRegion>
  );
}
