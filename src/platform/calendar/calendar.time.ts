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

// The day after and the day before a date, kept: the steps of every day-by-day loop of term
// arithmetic; the dates a process meets are a few thousand (~50 bytes each; cleared at 100,000).
const dayAfter = new Map<string, string>();
const dayBefore = new Map<string, string>();

export function addDays(date: string, n: number): string {
  const kept = n === 1 ? dayAfter : n === -1 ? dayBefore : undefined;
  const hit = kept?.get(date);
  if (hit !== undefined) return hit;
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const out = new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
  if (kept) {
    if (kept.size >= 100_000) kept.clear();
    kept.set(date, out);
  }
  return out;
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

/** The zone's offset by Intl, to the second (the costly path: ~5–10 µs a call). */
function intlOffsetMs(ms: number, timeZone: string): number {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) parts[p.type] = p.value;
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour) % 24, Number(parts.minute), Number(parts.second));
  return wall - Math.floor(ms / 1000) * 1000;
}

// Offsets are read once per zone and 15-minute span of UTC: deadline arithmetic converts
// instants several times per working day counted, and Intl's formatToParts was ~6 % of the
// server's CPU under load (bench/README.md). A span is cached only when its first and last
// millisecond have the same offset, so a transition inside a span (none in tzdata since 1972
// falls off a quarter hour, but nothing relies on it) is always computed exactly.
const OFFSET_SPAN_MS = 15 * 60_000;
const OFFSET_CACHE_MAX = 100_000; // ~3 years of quarter hours per zone, a few MB
const offsetCache = new Map<string, Map<number, number>>();

/** Offset of the zone from UTC at an instant, in milliseconds (Almaty today: +5 h). */
export function zoneOffsetMs(at: Date, timeZone: string): number {
  const ms = at.getTime();
  const span = Math.floor(ms / OFFSET_SPAN_MS);
  let spans = offsetCache.get(timeZone);
  const cached = spans?.get(span);
  if (cached !== undefined) return cached;
  const start = span * OFFSET_SPAN_MS;
  const offset = intlOffsetMs(start, timeZone);
  if (intlOffsetMs(start + OFFSET_SPAN_MS - 1, timeZone) !== offset) return intlOffsetMs(ms, timeZone);
  if (!spans) offsetCache.set(timeZone, (spans = new Map()));
  if (spans.size >= OFFSET_CACHE_MAX) spans.clear();
  spans.set(span, offset);
  return offset;
}

const DAY_MS = 86_400_000;
// 'YYYY-MM-DD' per day number (days since 1970-01-01), kept: every list item and term step asks
// for the local date of an instant, and the days a process meets are a few thousand.
const isoOfDay = new Map<number, string>();

function isoDay(day: number): string {
  let s = isoOfDay.get(day);
  if (s === undefined) {
    const d = new Date(day * DAY_MS);
    s = `${String(d.getUTCFullYear()).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
    if (isoOfDay.size >= 100_000) isoOfDay.clear();
    isoOfDay.set(day, s);
  }
  return s;
}

export function zonedParts(at: Date, timeZone: string): ZonedParts {
  const local = at.getTime() + zoneOffsetMs(at, timeZone);
  const day = Math.floor(local / DAY_MS);
  const msOfDay = local - day * DAY_MS;
  return { date: isoDay(day), minutes: Math.floor(msOfDay / 60_000), msOfDay };
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
