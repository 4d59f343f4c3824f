import { forwardRef, type FormEvent } from 'react';
import { Box, Button, Card, Checkbox, Group, Radio, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../api.ts';
import { ProblemAlert } from '../../../ui/ErrorDisplay.tsx';
import { DeadlineText } from '../shared/DeadlineText.tsx';
import { useFormat } from '../shared/format.ts';
import { StatusBadge } from '../shared/StatusBadge.tsx';
import { isClosedState, type ListItem } from '../shared/types.ts';

/** The caller: found by IIN or phone (with their earlier appeals), or entered as a new caller, or anonymous. */

export interface Person {
  id: string;
  iin: string;
  lastName: string;
  firstName: string;
  middleName: string | null;
  phone: string | null;
  hasAccount: boolean;
}

export interface CallerResult {
  people: Person[];
  appeals: ListItem[];
}

export interface NewCaller {
  iin: string;
  lastName: string;
  firstName: string;
  middleName: string;
  phone: string;
}

/** Twelve digits are an IIN; anything else is read as a phone number (the server normalizes it). */
export function searchBody(input: string): { iin: string } | { phone: string } {
  const compact = input.replace(/[\s-]/g, '');
  return /^\d{12}$/.test(compact) ? { iin: compact } : { phone: input.trim() };
}

export const CallerSearch = forwardRef<HTMLInputElement, { value: string; onChange: (v: string) => void; onSearch: () => void; pending: boolean; error: unknown }>(function CallerSearch(
  { value, onChange, onSearch, pending, error },
  ref,
) {
  const { t } = useTranslation('appealsweb');
  const fieldError = error instanceof ApiError ? (error.fieldMessage('iin') ?? error.fieldMessage('phone')) : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSearch();
  };
  return (
    <form onSubmit={submit} role="search" aria-label={t('operator.callerTitle')}>
      <TextInput
        ref={ref}
        name="caller"
        label={t('operator.searchLabel')}
        description={t('operator.searchHint')}
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
        error={fieldError}
        autoComplete="off"
        inputMode="tel"
        data-testid="caller-search"
        inputContainer={(input) => (
          <Group gap="sm" wrap="nowrap" align="flex-start">
            <div style={{ flex: 1, minWidth: 0 }}>{input}</div>
            <Button type="submit" loading={pending}>
              {t('operator.search')}
            </Button>
          </Group>
        )}
      />
      {error && !fieldError ? <ProblemAlert error={error} /> : null}
    </form>
  );
});

export function CallerChoice({
  result,
  personId,
  onPerson,
  anonymous,
  onAnonymous,
  newCaller,
  onNewCaller,
  errorFor,
}: {
  result: CallerResult | undefined;
  personId: string | null;
  onPerson: (id: string | null) => void;
  anonymous: boolean;
  onAnonymous: (v: boolean) => void;
  newCaller: NewCaller;
  onNewCaller: (v: NewCaller) => void;
  errorFor: (field: string) => string | undefined;
}) {
  const { t } = useTranslation('appealsweb');
  const people = result?.people ?? [];
  const setField = (k: keyof NewCaller) => (e: { currentTarget: { value: string } }) => onNewCaller({ ...newCaller, [k]: e.currentTarget.value });
  return (
    <Stack gap="sm">
      {result && (
        <Text size="sm" aria-live="polite" data-testid="caller-found">
          {people.length ? t('operator.found', { count: people.length }) : t('operator.notFound')}
        </Text>
      )}
      {people.length > 0 && !anonymous && (
        <Radio.Group label={t('operator.caller')} value={personId ?? 'new'} onChange={(v) => onPerson(v === 'new' ? null : v)}>
          <Stack gap="xs" mt={4}>
            {people.map((p) => (
              <Radio
                key={p.id}
                value={p.id}
                data-testid="caller-person"
                label={[p.lastName, p.firstName, p.middleName].filter(Boolean).join(' ')}
                description={[t('operator.iin', { iin: p.iin }), p.phone].filter(Boolean).join(' · ')}
              />
            ))}
            <Radio value="new" label={t('operator.someoneElse')} />
          </Stack>
        </Radio.Group>
      )}
      {result && !personId && !anonymous && (
        <Box component="fieldset" m={0} p={0} style={{ border: 0, minWidth: 0 }}>
          <Box component="legend" p={0} fw={600} fz="sm" mb={4}>
            {t('operator.newCaller')}
          </Box>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
            <TextInput label={t('operator.lastName')} value={newCaller.lastName} onChange={setField('lastName')} error={errorFor('applicant.lastName')} required autoComplete="off" />
            <TextInput label={t('operator.firstName')} value={newCaller.firstName} onChange={setField('firstName')} error={errorFor('applicant.firstName')} required autoComplete="off" />
            <TextInput label={t('operator.middleName')} value={newCaller.middleName} onChange={setField('middleName')} autoComplete="off" />
            <TextInput label={t('operator.phone')} value={newCaller.phone} onChange={setField('phone')} error={errorFor('applicant.phone')} autoComplete="off" inputMode="tel" />
            <TextInput label={t('operator.iinOptional')} value={newCaller.iin} onChange={setField('iin')} error={errorFor('applicant.iin')} autoComplete="off" inputMode="numeric" />
          </SimpleGrid>
        </Box>
      )}
      <Checkbox label={t('operator.anonymous')} description={t('operator.anonymousHint')} checked={anonymous} onChange={(e) => onAnonymous(e.currentTarget.checked)} error={errorFor('applicant')} />
    </Stack>
  );
}

export function EarlierAppeals({ items, categoryName }: { items: ListItem[]; categoryName: (id: string) => string }) {
  const { t } = useTranslation('appealsweb');
  const f = useFormat();
  if (!items.length) return null;
  return (
    <Card withBorder padding="sm" radius="md" component="section" aria-labelledby="earlier-title">
      <Title order={2} size="h5" id="earlier-title" mb="xs">
        {t('operator.earlier', { count: items.length })}
      </Title>
      <Stack gap="xs" component="ul" m={0} p={0} style={{ listStyle: 'none' }} data-testid="earlier-appeals">
        {items.slice(0, 5).map((a) => (
          <Box component="li" key={a.id} pb={6} style={{ borderBottom: '1px solid #e9ecef' }}>
            <Group gap="xs" wrap="wrap" justify="space-between">
              <Text size="sm" fw={700} ff="monospace">
                {a.slipNumber}
              </Text>
              <StatusBadge state={a.state} overdue={a.isOverdue && a.state !== 'answered'} />
            </Group>
            <Text size="xs" c="dimmed">
              {f.day(a.registeredOn)} · {categoryName(a.categoryId)}
            </Text>
            <Text size="sm" lineClamp={1}>
              {a.excerpt}
            </Text>
            <DeadlineText deadline={{ ...a, closedAt: isClosedState(a.state) ? a.receivedAt : null }} size="xs" />
          </Box>
        ))}
      </Stack>
      {items.length > 5 && (
        <Text size="xs" c="dimmed" mt={4}>
          {t('operator.moreEarlier', { count: items.length - 5 })}
        </Text>
      )}
    </Card>
  );
}
