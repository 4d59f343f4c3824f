import { currentLang, type Lang } from '../../../ui/i18n.ts';
import { localeOf, pick, REGION_TIME_ZONE } from '../shared/format.ts';
import type { Localized } from '../shared/types.ts';

/**
 * The staff screens' formatting: dates and numbers in the reader's language, times in the
 * region's zone (Asia/Almaty) whatever the device's own zone. Each call reads the current
 * language; the screens re-render on a switch (useTranslation).
 *
 * Hazard: Chromium ships a reduced ICU. It claims Kazakh but has no Kazakh month names
 * ("2026 M11 22") and formats numbers the English way ("12,345.6"). When the browser's Kazakh
 * data is missing, dates are built here from the Kazakh month names and numbers use the
 * Russian separators, which Kazakh shares ("12 345,6").
 */

export const TIME_ZONE = REGION_TIME_ZONE;
export const locale = (lang: Lang = currentLang()) => localeOf(lang);

const KK_MONTHS = ['қаңтар', 'ақпан', 'наурыз', 'сәуір', 'мамыр', 'маусым', 'шілде', 'тамыз', 'қыркүйек', 'қазан', 'қараша', 'желтоқсан'];
const KK_SHORT = ['қаң.', 'ақп.', 'нау.', 'сәу.', 'мам.', 'мау.', 'шіл.', 'там.', 'қыр.', 'қаз.', 'қар.', 'жел.'];

let kkDates: boolean | undefined;
let kkNumbers: boolean | undefined;
/** Whether the browser really has Kazakh month names (checked once). */
function hasKazakhDates(): boolean {
  kkDates ??= /қаңтар/i.test(new Intl.DateTimeFormat('kk-KZ', { month: 'long', day: 'numeric', timeZone: 'UTC' }).format(Date.UTC(2026, 0, 15)));
  return kkDates;
}
function hasKazakhNumbers(): boolean {
  kkNumbers ??= new Intl.NumberFormat('kk-KZ').format(1234.5) !== '1,234.5';
  return kkNumbers;
}
const numberLocale = (lang: Lang) => (lang === 'kk' && !hasKazakhNumbers() ? 'ru-KZ' : localeOf(lang));

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function dtf(lang: Lang, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d${lang}${JSON.stringify(opts)}`;
  let f = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) cache.set(key, (f = new Intl.DateTimeFormat(localeOf(lang), { timeZone: TIME_ZONE, ...opts })));
  return f;
}
function nf(lang: Lang, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n${lang}${JSON.stringify(opts)}`;
  let f = cache.get(key) as Intl.NumberFormat | undefined;
  if (!f) cache.set(key, (f = new Intl.NumberFormat(numberLocale(lang), opts)));
  return f;
}

/** The instant's parts in the region's zone: year, month (1–12), day, hours, minutes. */
function regionParts(d: Date) {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return { y: get('year'), m: Number(get('month')), d: Number(get('day')), hh: get('hour'), mm: get('minute') };
}

/** A calendar day `YYYY-MM-DD` is the region's day already: read it at noon there. */
const toDate = (v: string) => new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T12:00:00+05:00` : v);

/** "15 апреля 2026 г., 18:00" / "2026 ж. 15 сәуір, 18:00" — an instant, with the time. */
export function dateTime(iso: string | null | undefined, lang: Lang = currentLang()): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (lang === 'kk' && !hasKazakhDates()) {
    const p = regionParts(d);
    return `${p.y} ж. ${p.d} ${KK_MONTHS[p.m - 1]}, ${p.hh}:${p.mm}`;
  }
  return dtf(lang, { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(d);
}

/** A calendar day `YYYY-MM-DD`, or the region's day of an instant: "15 апреля 2026 г.". */
export function day(v: string | null | undefined, lang: Lang = currentLang()): string {
  if (!v) return '—';
  const d = toDate(v);
  if (lang === 'kk' && !hasKazakhDates()) {
    const p = regionParts(d);
    return `${p.y} ж. ${p.d} ${KK_MONTHS[p.m - 1]}`;
  }
  return dtf(lang, { day: 'numeric', month: 'long', year: 'numeric' }).format(d);
}

/** "15 апр." for chart axes. */
export function shortDay(v: string, lang: Lang = currentLang()): string {
  const d = toDate(v);
  if (lang === 'kk' && !hasKazakhDates()) {
    const p = regionParts(d);
    return `${p.d} ${KK_SHORT[p.m - 1]}`;
  }
  return dtf(lang, { day: 'numeric', month: 'short' }).format(d);
}

export function num(n: number | null | undefined, lang: Lang = currentLang(), digits = 0): string {
  if (n === null || n === undefined) return '—';
  return nf(lang, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(n);
}

export function percent(share: number | null | undefined, lang: Lang = currentLang()): string {
  if (share === null || share === undefined) return '—';
  return nf(lang, { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

export function localized(name: Localized | null | undefined, lang: Lang = currentLang()): string {
  return pick(name, lang) || '—';
}
