import { invalid } from '../../../platform/http/errors.ts';

/**
 * The period of a report: whole calendar days `from`–`to`, both included, in the region's
 * calendar. A report counts the appeals *registered* (APPC art. 64 receipt day) in the period.
 * Pure: `today` (the region's local date) is an input.
 */

export type Interval = 'day' | 'week' | 'month';
export const INTERVALS: readonly Interval[] = ['day', 'week', 'month'];

/** One year, leap years included: a longer period is refused (it would also be a slow read). */
export const MAX_PERIOD_DAYS = 366;
/** Without `from`, the 30 days ending `to`. */
export const DEFAULT_PERIOD_DAYS = 30;
/** Daily series up to this many days, weekly above. */
export const DAILY_UP_TO_DAYS = 62;

export interface Period {
  from: string;
  to: string;
  days: number;
  interval: Interval;
}

export interface PeriodInput {
  from?: string | undefined;
  to?: string | undefined;
  interval?: Interval | undefined;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` that names a real date of 2000–2099, else undefined. */
export function parseDate(s: string | undefined): number | undefined {
  const m = s === undefined ? null : DATE.exec(s);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 2000 || y > 2099) return undefined;
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return t;
}

export function isoDate(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

export function addDays(date: string, n: number): string {
  return isoDate(parseDate(date)! + n * DAY_MS);
}

function checkDate(field: 'from' | 'to', value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const t = parseDate(value);
  if (t === undefined) throw invalid(field, `not a date (YYYY-MM-DD): ${value}`, 'reports:errors.bad_date', { value });
  return t;
}

/** Defaults, then checks: real dates, `from` ≤ `to`, at most MAX_PERIOD_DAYS. Errors name the field. */
export function resolvePeriod(input: PeriodInput, today: string): Period {
  const fromT = checkDate('from', input.from);
  const toT = checkDate('to', input.to) ?? parseDate(today)!;
  const from = fromT ?? toT - (DEFAULT_PERIOD_DAYS - 1) * DAY_MS;
  if (from > toT) throw invalid('from', 'from is after to', 'reports:errors.from_after_to', { from: isoDate(from), to: isoDate(toT) });
  const days = Math.round((toT - from) / DAY_MS) + 1;
  if (days > MAX_PERIOD_DAYS) throw invalid('to', `period of ${days} days is longer than ${MAX_PERIOD_DAYS}`, 'reports:errors.period_too_long', { days, max: MAX_PERIOD_DAYS });
  const interval = input.interval ?? (days <= DAILY_UP_TO_DAYS ? 'day' : 'week');
  if (!INTERVALS.includes(interval)) throw invalid('interval', `unknown interval ${String(interval)}`, 'reports:errors.bad_interval');
  return { from: isoDate(from), to: isoDate(toT), days, interval };
}

/** The first day of the bucket holding `date`: itself, its ISO week's Monday, or the 1st of its month. */
export function bucketOf(date: string, interval: Interval): string {
  if (interval === 'day') return date;
  if (interval === 'month') return `${date.slice(0, 7)}-01`;
  const t = parseDate(date)!;
  const dow = (new Date(t).getUTCDay() + 6) % 7; // Monday 0
  return isoDate(t - dow * DAY_MS);
}

/** Every bucket start of the period in order (the first may start before `from`). */
export function bucketsOf(p: Pick<Period, 'from' | 'to' | 'interval'>): string[] {
  const out: string[] = [];
  let b = bucketOf(p.from, p.interval);
  while (b <= p.to) {
    out.push(b);
    if (p.interval === 'day') b = addDays(b, 1);
    else if (p.interval === 'week') b = addDays(b, 7);
    else {
      const [y, m] = [Number(b.slice(0, 4)), Number(b.slice(5, 7))];
      b = isoDate(Date.UTC(m === 12 ? y + 1 : y, m === 12 ? 0 : m, 1));
    }
  }
  return out;
}
