import { useTranslation } from 'react-i18next';
import type { Lang, Localized } from './types.ts';

/**
 * Dates and numbers for the chosen language, always in the region's time zone: a deadline is
 * "18:00 in Karaganda" whoever reads it and wherever the browser is. All of Kazakhstan keeps
 * one offset (UTC+5) since 1 March 2024, so Asia/Almaty serves every region; a region with
 * its own zone would read it from the calendar (`calendar.timeZone`).
 */
export const REGION_TIME_ZONE = 'Asia/Almaty';

/** kk and ru as used in Kazakhstan; English with day-month order ("15 April"). */
const LOCALES: Record<Lang, string> = { kk: 'kk-KZ', ru: 'ru-KZ', en: 'en-GB' };

/**
 * Kazakh dates are written here rather than by Intl: browsers built on a trimmed ICU (Debian's
 * Chromium among them) claim `kk` but print "2026 M12 14". CLDR's Kazakh patterns: "2026 ж.
 * 14 желтоқсан", "14.12.2026". Numbers in Kazakh follow the Russian conventions of the country
 * (space between thousands, decimal comma), which every ICU has.
 */
const KK_MONTHS = ['қаңтар', 'ақпан', 'наурыз', 'сәуір', 'мамыр', 'маусым', 'шілде', 'тамыз', 'қыркүйек', 'қазан', 'қараша', 'желтоқсан'];
const NUMBER_LOCALES: Record<Lang, string> = { kk: 'ru-KZ', ru: 'ru-KZ', en: 'en-GB' };

export function toLang(v: string | undefined): Lang {
  return v === 'kk' || v === 'en' ? v : 'ru';
}

export function localeOf(lang: Lang): string {
  return LOCALES[lang];
}

const cache = new Map<string, Intl.DateTimeFormat>();
function dtf(locale: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = locale + JSON.stringify(opts);
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { timeZone: REGION_TIME_ZONE, ...opts });
    cache.set(key, f);
  }
  return f;
}

/** Year, month (1–12), day, hours and minutes of an instant in the region's time zone. */
function regionParts(d: Date): { y: string; m: number; d: string; hh: string; mm: string } {
  const parts = Object.fromEntries(
    dtf('en-GB', { year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return { y: parts.year!, m: Number(parts.month), d: String(Number(parts.day)), hh: parts.hour!, mm: parts.minute! };
}

/** A calendar day given as YYYY-MM-DD (no time zone shift: it is already the region's day). */
function dayToDate(day: string): Date {
  return new Date(`${day}T12:00:00+05:00`);
}

export function formatDay(value: string | Date, lang: Lang, withYear = true): string {
  const d = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? dayToDate(value) : new Date(value);
  if (lang === 'kk') {
    const p = regionParts(d);
    return withYear ? `${p.y} ж. ${p.d} ${KK_MONTHS[p.m - 1]}` : `${p.d} ${KK_MONTHS[p.m - 1]}`;
  }
  return dtf(LOCALES[lang], { day: 'numeric', month: 'long', ...(withYear ? { year: 'numeric' } : {}) }).format(d);
}

export function formatDateTime(value: string | Date, lang: Lang): string {
  const d = new Date(value);
  if (lang === 'kk') {
    const p = regionParts(d);
    return `${p.y} ж. ${p.d} ${KK_MONTHS[p.m - 1]}, ${p.hh}:${p.mm}`;
  }
  return dtf(LOCALES[lang], { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(d);
}

export function formatShortDate(value: string | Date, lang: Lang): string {
  const d = new Date(value);
  if (lang === 'kk') {
    const p = regionParts(d);
    return `${p.d.padStart(2, '0')}.${String(p.m).padStart(2, '0')}.${p.y}`;
  }
  return dtf(LOCALES[lang], { day: '2-digit', month: '2-digit', year: 'numeric' }).format(d);
}

export function formatNumber(n: number, lang: Lang, opts: Intl.NumberFormatOptions = {}): string {
  return new Intl.NumberFormat(NUMBER_LOCALES[lang], opts).format(n);
}

export function formatPercent(share: number | null, lang: Lang): string {
  return share === null ? '—' : formatNumber(share, lang, { style: 'percent', maximumFractionDigits: 0 });
}

export function formatBytes(bytes: number, lang: Lang): string {
  if (bytes < 1024) return formatNumber(bytes, lang, { style: 'unit', unit: 'byte', unitDisplay: 'short' });
  if (bytes < 1024 * 1024) return formatNumber(bytes / 1024, lang, { style: 'unit', unit: 'kilobyte', unitDisplay: 'short', maximumFractionDigits: 0 });
  return formatNumber(bytes / 1024 / 1024, lang, { style: 'unit', unit: 'megabyte', unitDisplay: 'short', maximumFractionDigits: 1 });
}

/** The text of a `{kk, ru, en}` object in the language, falling back to Russian, then any. */
export function pick(v: Localized | string | null | undefined, lang: Lang): string {
  if (!v) return '';
  if (typeof v === 'string') return v;
  return v[lang] || v.ru || v.kk || v.en || '';
}

/** The formatters bound to the current UI language (re-rendered when it changes). */
export function useFormat() {
  const { i18n } = useTranslation();
  const lang = toLang(i18n.resolvedLanguage);
  return {
    lang,
    day: (v: string | Date, withYear = true) => formatDay(v, lang, withYear),
    dateTime: (v: string | Date) => formatDateTime(v, lang),
    shortDate: (v: string | Date) => formatShortDate(v, lang),
    number: (n: number, opts?: Intl.NumberFormatOptions) => formatNumber(n, lang, opts),
    percent: (share: number | null) => formatPercent(share, lang),
    bytes: (n: number) => formatBytes(n, lang),
    pick: (v: Localized | string | null | undefined) => pick(v, lang),
  };
}
