import { t, type Lang } from '../i18n/i18n.ts';
import type { ImportIssue } from './calendar.corrections.ts';
import type { CalendarDay, DayKind } from './calendar.ts';

export function kindLabel(kind: DayKind, lang: Lang): string {
  return t(lang, `calendar:kind.${kind}`);
}

/** The holiday's name from the catalog; undefined for a code the catalog does not know. */
export function holidayLabel(code: string, lang: Lang): string | undefined {
  const key = `holiday.${code}`;
  const s = t(lang, `calendar:${key}`);
  return s === key || s === `calendar:${key}` ? undefined : s;
}

/**
 * What to show for a day in `lang`: the translated holiday (with "transferred day off" for a
 * carried day), else the name the act gave it, else its kind.
 */
export function dayLabel(day: CalendarDay, lang: Lang): string {
  const holiday = day.holiday ? holidayLabel(day.holiday, lang) : undefined;
  if (holiday) return day.kind === 'transferred_day_off' ? `${holiday} (${kindLabel(day.kind, lang).toLowerCase()})` : holiday;
  if (day.name && day.kind !== 'working' && day.kind !== 'weekend') return day.name;
  return kindLabel(day.kind, lang);
}

/** One import issue as a sentence: "Row 3, kind: …". */
export function issueMessage(i: ImportIssue, lang: Lang): { field: string; message: string } {
  const message = t(lang, `calendar:${i.key}`, i.params);
  const text = i.row > 0 ? t(lang, 'calendar:import.issue_at', { row: i.row, column: i.column || '—', message }) : t(lang, 'calendar:import.issue_file', { column: i.column, message });
  return { field: i.path, message: text };
}
