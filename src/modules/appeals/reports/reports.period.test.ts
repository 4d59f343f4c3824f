import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../platform/http/errors.ts';
import { csvField } from './reports.export.ts';
import { bucketOf, bucketsOf, resolvePeriod } from './reports.period.ts';

function fieldOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e.field;
    throw e;
  }
  return undefined;
}

describe('resolvePeriod', () => {
  it('defaults to the 30 days ending today, daily', () => {
    expect(resolvePeriod({}, '2026-03-31')).toEqual({ from: '2026-03-02', to: '2026-03-31', days: 30, interval: 'day' });
    expect(resolvePeriod({ to: '2026-01-10' }, '2026-03-31')).toEqual({ from: '2025-12-12', to: '2026-01-10', days: 30, interval: 'day' });
  });

  it('takes one day, a leap year, and switches to weeks past 62 days', () => {
    expect(resolvePeriod({ from: '2026-02-01', to: '2026-02-01' }, '2026-03-31').days).toBe(1);
    expect(resolvePeriod({ from: '2024-01-01', to: '2024-12-31' }, '2026-03-31')).toMatchObject({ days: 366, interval: 'week' });
    expect(resolvePeriod({ from: '2026-01-01', to: '2026-03-03' }, '2026-03-31').interval).toBe('day');
    expect(resolvePeriod({ from: '2026-01-01', to: '2026-03-04' }, '2026-03-31').interval).toBe('week');
    expect(resolvePeriod({ from: '2026-01-01', to: '2026-03-04', interval: 'month' }, '2026-03-31').interval).toBe('month');
  });

  it('refuses, naming the field: impossible dates, from after to, more than 366 days', () => {
    expect(fieldOf(() => resolvePeriod({ from: '2026-02-29' }, '2026-03-31'))).toBe('from');
    expect(fieldOf(() => resolvePeriod({ to: '2026-04-31' }, '2026-03-31'))).toBe('to');
    expect(fieldOf(() => resolvePeriod({ from: '26-01-01' }, '2026-03-31'))).toBe('from');
    expect(fieldOf(() => resolvePeriod({ from: '1999-12-31' }, '2026-03-31'))).toBe('from');
    expect(fieldOf(() => resolvePeriod({ from: '2026-03-02', to: '2026-03-01' }, '2026-03-31'))).toBe('from');
    expect(fieldOf(() => resolvePeriod({ from: '2025-01-01', to: '2026-01-02' }, '2026-03-31'))).toBe('to');
    expect(fieldOf(() => resolvePeriod({ from: '2027-01-01' }, '2026-03-31'))).toBe('from');
    expect(fieldOf(() => resolvePeriod({ from: '2024-02-29', to: '2025-02-28' }, '2026-03-31'))).toBeUndefined();
  });
});

describe('buckets', () => {
  it('start on the day, the ISO Monday or the first of the month', () => {
    expect(bucketOf('2026-03-22', 'week')).toBe('2026-03-16');
    expect(bucketOf('2026-03-16', 'week')).toBe('2026-03-16');
    expect(bucketOf('2026-03-22', 'month')).toBe('2026-03-01');
    expect(bucketsOf({ from: '2025-12-30', to: '2026-01-02', interval: 'day' })).toEqual(['2025-12-30', '2025-12-31', '2026-01-01', '2026-01-02']);
    expect(bucketsOf({ from: '2025-11-15', to: '2026-02-01', interval: 'month' })).toEqual(['2025-11-01', '2025-12-01', '2026-01-01', '2026-02-01']);
    expect(bucketsOf({ from: '2026-03-01', to: '2026-03-16', interval: 'week' })).toEqual(['2026-02-23', '2026-03-02', '2026-03-09', '2026-03-16']);
  });
});

describe('csvField (RFC 4180)', () => {
  it('quotes commas, quotes and line breaks, doubling quotes; defuses formulas', () => {
    expect(csvField('ГУ «Управление», отдел')).toBe('"ГУ «Управление», отдел"');
    expect(csvField('ТОО "Жылу"')).toBe('"ТОО ""Жылу"""');
    expect(csvField('a\r\nb')).toBe('"a\r\nb"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(-3)).toBe('-3');
    expect(csvField(0.25)).toBe('0.25');
    expect(csvField(null)).toBe('');
  });
});
