import { useEffect, useState, type FormEvent } from 'react';
import { Button, Group, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { ApiError } from '../../../api.ts';
import { day } from './format.ts';
import type { Period, ReportPeriod } from './staffApi.ts';

/** The report period from the address (`?from=&to=`); empty means the server's default (30 days to today). */
export function usePeriod(): [ReportPeriod, (p: ReportPeriod) => void] {
  const [params, setParams] = useSearchParams();
  const from = params.get('from') ?? undefined;
  const to = params.get('to') ?? undefined;
  const period: ReportPeriod = { ...(from ? { from } : {}), ...(to ? { to } : {}) };
  const set = (p: ReportPeriod) => {
    const next = new URLSearchParams(params);
    for (const k of ['from', 'to', 'offset'] as const) next.delete(k);
    if (p.from) next.set('from', p.from);
    if (p.to) next.set('to', p.to);
    setParams(next, { replace: true });
  };
  return [period, set];
}

/**
 * Chooses the days a report covers. The server checks the dates (a real day, `from` before
 * `to`, a year at most) and names the field at fault; its message shows under that field.
 */
export function PeriodForm({ value, onChange, shown, error }: { value: ReportPeriod; onChange: (p: ReportPeriod) => void; shown?: Period | undefined; error?: unknown }) {
  const { t } = useTranslation('appealsstaff');
  const [from, setFrom] = useState(value.from ?? '');
  const [to, setTo] = useState(value.to ?? '');
  useEffect(() => {
    setFrom(value.from ?? shown?.from ?? '');
    setTo(value.to ?? shown?.to ?? '');
  }, [value.from, value.to, shown?.from, shown?.to]);
  const fieldError = (f: string) => (error instanceof ApiError ? error.fieldMessage(f) : undefined);
  function submit(e: FormEvent) {
    e.preventDefault();
    onChange({ ...(from ? { from } : {}), ...(to ? { to } : {}) });
  }
  return (
    <form onSubmit={submit} aria-label={t('period.label')} noValidate>
      <Group gap="sm" align="flex-end" wrap="wrap">
        <TextInput type="date" name="from" label={t('period.from')} value={from} onChange={(e) => setFrom(e.currentTarget.value)} error={fieldError('from')} w={{ base: '100%', xs: 180 }} />
        <TextInput type="date" name="to" label={t('period.to')} value={to} onChange={(e) => setTo(e.currentTarget.value)} error={fieldError('to')} w={{ base: '100%', xs: 180 }} />
        <Button type="submit" variant="default" data-testid="period-apply">
          {t('period.apply')}
        </Button>
      </Group>
      {shown && (
        <Text size="sm" c="dimmed" mt={6} data-testid="period-shown">
          {t('period.shown', { from: day(shown.from), to: day(shown.to), count: shown.days })}
        </Text>
      )}
    </form>
  );
}
