/**
 * Calendar dates (YYYY-MM-DD strings, no time zone) and instants in an IANA time zone, with
 * Intl only. Kazakhstan has no daylight saving time; the conversion below still re-checks
 * the offset once, so it stays right across a one-off change such as Almaty's move from
 * UTC+6 to UTC+5 on 1 March 2024 (tzdata 2024a, shipped with Node 20's ICU).
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** A real calendar date written YYYY-MM-DD (2026-02-30 is refused). */
export function isIsoDate(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const m = ISO_DATE.exec(v);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

export function isHhMm(v: unknown): v is string {
  return typeof v === 'string' && HH_MM.test(v);
}

/** 'HH:MM' → minutes after midnight. */
export function hhmmToMinutes(v: string): number {
  const m = HH_MM.exec(v);
  if (!m) throw new RangeError(`not HH:MM: ${v}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export function isValidDate(v: unknown): v is Date {
  return v instanceof Date && Number.isFinite(v.getTime());
}

export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wd = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return wd === 0 ? 7 : wd;
}

export function isWeekendDate(date: string): boolean {
  return isoWeekday(date) >= 6;
}

/** Every date from `from` to `to`, both included. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(tz: unknown): tz is string {
  if (typeof tz !== 'string' || tz.length === 0 || tz.length > 64) return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

export interface ZonedParts {
  /** YYYY-MM-DD in the zone. */
  date: string;
  /** Minutes after local midnight. */
  minutes: number;
  /** Milliseconds after local midnight (for exact comparisons). */
  msOfDay: number;
}

export function zonedParts(at: Date, timeZone: string): ZonedParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(at)) parts[p.type] = p.value;
  const hour = Number(parts.hour) % 24;
  const minutes = hour * 60 + Number(parts.minute);
  const ms = ((at.getTime() % 1000) + 1000) % 1000;
  return {
    date: `${parts.year!.padStart(4, '0')}-${parts.month}-${parts.day}`,
    minutes,
    msOfDay: minutes * 60_000 + Number(parts.second) * 1000 + ms,
  };
}

/** Offset of the zone from UTC at an instant, in milliseconds (Almaty today: +5 h). */
export function zoneOffsetMs(at: Date, timeZone: string): number {
  const p = zonedParts(at, timeZone);
  const [y, m, d] = p.date.split('-').map(Number) as [number, number, number];
  const asUtc = Date.UTC(y, m - 1, d) + p.msOfDay;
  return asUtc - at.getTime();
}

/** The instant at which the wall clock in `timeZone` shows `date` + `minutes`. */
export function zonedToUtc(date: string, minutes: number, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, 0, minutes);
  const first = wall - zoneOffsetMs(new Date(wall), timeZone);
  const second = wall - zoneOffsetMs(new Date(first), timeZone);
  return new Date(second);
}

/** '2026-04-15T18:00' — the local wall time of an instant, to the minute. */
export function formatLocal(at: Date, timeZone: string): string {
  const p = zonedParts(at, timeZone);
  const hh = String(Math.floor(p.minutes / 60)).padStart(2, '0');
  const mm = String(p.minutes % 60).padStart(2, '0');
  return `${p.date}T${hh}:${mm}`;
}

const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?)?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Reads an instant typed by a person or sent by a client: an ISO date-time with `Z` or an
 * offset is taken as is; without one it is wall time in `timeZone`; a bare date is local
 * midnight. Returns undefined when the text is none of these.
 */
export function parseInstant(text: unknown, timeZone: string): Date | undefined {
  if (typeof text !== 'string' || text.length > 40) return undefined;
  const s = text.trim();
  if (WITH_OFFSET.test(s)) {
    const d = new Date(s.replace(' ', 'T'));
    if (!isValidDate(d)) return undefined;
    // Date accepts 2026-02-30T10:00Z by rolling over; refuse that.
    return isIsoDate(s.slice(0, 10)) ? d : undefined;
  }
  const m = LOCAL_DATE_TIME.exec(s);
  if (!m || !isIsoDate(m[1])) return undefined;
  const hh = m[2] === undefined ? 0 : Number(m[2]);
  const mi = m[3] === undefined ? 0 : Number(m[3]);
  const ss = m[4] === undefined ? 0 : Number(m[4]);
  if (hh > 23 || mi > 59 || ss > 59) return undefined;
  const base = zonedToUtc(m[1], hh * 60 + mi, timeZone);
  return new Date(base.getTime() + ss * 1000);
}
