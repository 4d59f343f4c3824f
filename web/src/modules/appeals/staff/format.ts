import { currentLang, type Lang } from '../../../ui/i18n.ts';
import { formatBytes, formatDateTime, formatDay, formatNumber, formatPercent, formatShortDate, localeOf, pick, REGION_TIME_ZONE } from '../shared/format.ts';
import type { Localized } from './staffApi.ts';

/**
 * The staff screens' formatting, on the shared formatters (../shared/format.ts): dates and
 * numbers in the reader's language, times in the region's zone (Asia/Almaty) whatever the
 * device's own zone. Each call reads the current language; the screens re-render on a switch
 * (useTranslation).
 */

export const TIME_ZONE = REGION_TIME_ZONE;
export const locale = (lang: Lang = currentLang()) => localeOf(lang);

export function dateTime(iso: string | null | undefined, lang: Lang = currentLang()): string {
  return iso ? formatDateTime(iso, lang) : '—';
}

/** A calendar day `YYYY-MM-DD`, or the region's day of an instant. */
export function day(d: string | null | undefined, lang: Lang = currentLang()): string {
  return d ? formatDay(d, lang) : '—';
}

export function shortDate(d: string, lang: Lang = currentLang()): string {
  return formatShortDate(/^\d{4}-\d{2}-\d{2}$/.test(d) ? `${d}T12:00:00+05:00` : d, lang);
}

/** "15 апр." for chart axes. */
export function shortDay(d: string, lang: Lang = currentLang()): string {
  return new Intl.DateTimeFormat(localeOf(lang), { day: 'numeric', month: 'short', timeZone: REGION_TIME_ZONE }).format(new Date(`${d.slice(0, 10)}T12:00:00+05:00`));
}

export function num(n: number | null | undefined, lang: Lang = currentLang(), digits = 0): string {
  if (n === null || n === undefined) return '—';
  return formatNumber(n, lang, { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function percent(share: number | null | undefined, lang: Lang = currentLang()): string {
  return formatPercent(share ?? null, lang);
}

export function fileSize(bytes: number, lang: Lang = currentLang()): string {
  return formatBytes(bytes, lang);
}

export function localized(name: Localized | null | undefined, lang: Lang = currentLang()): string {
  return pick(name, lang) || '—';
}
