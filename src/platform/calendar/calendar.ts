import type { Executor } from '../db/database.ts';
import { revisions } from '../db/revision.ts';
import { DomainError } from '../http/errors.ts';
import {
  addDays,
  hhmmToMinutes,
  isIsoDate,
  isValidDate,
  zonedParts,
  zonedToUtc,
} from './calendar.time.ts';

/**
 * The production calendar of Kazakhstan and the legal term arithmetic on it.
 *
 * Counting rule (Administrative Procedural Code of RK, art. 64, and DESIGN.md): an appeal is
 * registered on the day it is received; received after working hours or on a non-working day,
 * it counts as received on the next working day. A term in working days starts on the working
 * day after that receipt day, and ends at the end of working hours (18:00 local) of its Nth
 * working day. See README.md beside this file.
 */

export type DayKind = 'working' | 'weekend' | 'holiday' | 'transferred_day_off' | 'transferred_working_day';
export const DAY_KINDS: readonly DayKind[] = ['working', 'weekend', 'holiday', 'transferred_day_off', 'transferred_working_day'];

export interface CalendarDay {
  date: string /* YYYY-MM-DD */;
  kind: DayKind;
  isWorking: boolean;
  name?: string;
  /** Beyond the contract: the catalog code of the holiday (`calendar:holiday.<code>`), when known. */
  holiday?: string;
  act: string;
}

export interface Calendar {
  readonly regionCode: string;
  readonly timeZone: string; // IANA, default Asia/Almaty (UTC+5)
  readonly workStart: string;
  readonly workEnd: string; // 'HH:MM', default 09:00 / 18:00
  day(date: string): CalendarDay; // throws DomainError outside the seeded range
  isWorkingDay(date: string): boolean;
  localDate(at: Date): string;
  nextWorkingMoment(at: Date): Date;
  /** Receipt day: `at` if a working day before the end of hours, else the next working day (APPC art. 64). */
  receiptDay(at: Date): string;
  /** APPC counting: the term starts on the working day after the receipt day; due = end of working hours
   *  of the Nth working day. skipped = non-working days passed over. */
  addWorkingDays(receivedAt: Date, days: number): { due: Date; skipped: CalendarDay[] };
  addWorkingHours(at: Date, hours: number): Date;
  /** The instants (ms) working hours start and end on a date, working or not (computed once per date). */
  workingHours(date: string): readonly [number, number];
  addCalendarDays(receivedAt: Date, days: number): Date;
  workingDaysBetween(from: Date, to: Date): number;
}

/** KATO code of the national calendar; region rows override it. */
export const NATIONAL_REGION = '000000000';
export const DEFAULT_TIME_ZONE = 'Asia/Almaty';
export const DEFAULT_WORK_START = '09:00';
export const DEFAULT_WORK_END = '18:00';
/** Longest term accepted, in days of either kind (ten years; the seeded range is shorter anyway). */
export const MAX_TERM_DAYS = 3660;
export const MAX_TERM_HOURS = 100_000;

export function isWorkingKind(kind: DayKind): boolean {
  return kind === 'working' || kind === 'transferred_working_day';
}

export function isRegionCode(v: unknown): v is string {
  return typeof v === 'string' && /^\d{9}$/.test(v);
}

/**
 * The KATO codes whose calendar rows apply to `code`, from the nation down: a city inherits
 * its region's days (KATO AB CD EF HIJ; the parent zeroes the lower segments).
 */
export function regionChain(code: string): string[] {
  const chain = [NATIONAL_REGION, `${code.slice(0, 2)}0000000`, `${code.slice(0, 4)}00000`, `${code.slice(0, 6)}000`, code];
  return chain.filter((c, i) => chain.indexOf(c) === i && !(i > 0 && c === NATIONAL_REGION));
}

// --- errors: no field here; routes name the field (withField) --------------------------------

/** A value as text for an error message; never throws (String() does on some objects). */
export function show(v: unknown): string {
  try {
    const s = typeof v === 'string' ? v : v instanceof Date ? (Number.isFinite(v.getTime()) ? v.toISOString() : 'Invalid Date') : String(v);
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return `(${typeof v})`;
  }
}

function calendarError(key: string, detail: string, params: Record<string, unknown> = {}): DomainError {
  return new DomainError('validation', detail, { messageKey: `calendar:errors.${key}`, params });
}

/** Re-throws a calendar error that names no field with `field`, so that problem+json can name it. */
export function withField<T>(field: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof DomainError && e.field === undefined) {
      throw new DomainError(e.code, e.message, { field, messageKey: e.messageKey, params: e.params, status: e.status });
    }
    throw e;
  }
}

function checkInstant(at: unknown, what = 'at'): asserts at is Date {
  if (!isValidDate(at)) throw calendarError('invalid_instant', `${what} is not a valid instant`, { value: show(at) });
}

function checkCount(n: unknown, max: number, key: 'invalid_days' | 'invalid_hours'): asserts n is number {
  const ok = typeof n === 'number' && Number.isFinite(n) && n >= 0 && n <= max && (key === 'invalid_hours' || Number.isInteger(n));
  if (!ok) throw calendarError(key, `expected ${key === 'invalid_days' ? 'a whole number' : 'a number'} from 0 to ${max}, got ${show(n)}`, { max, value: show(n) });
}

// --- the pure calendar ------------------------------------------------------------------------

export interface CalendarSettings {
  regionCode: string;
  timeZone: string;
  workStart: string;
  workEnd: string;
}

/**
 * A calendar over already merged days (one per date). Pure: tests build one from literal rows.
 * Only the range of `days` is known; any date outside it throws, so a term never silently runs
 * past the seeded years.
 */
export function buildCalendar(settings: CalendarSettings, days: Iterable<CalendarDay>): Calendar {
  const byDate = new Map<string, CalendarDay>();
  let first: string | undefined;
  let last: string | undefined;
  for (const d of days) {
    byDate.set(d.date, Object.freeze({ ...d, isWorking: isWorkingKind(d.kind) }));
    if (first === undefined || d.date < first) first = d.date;
    if (last === undefined || d.date > last) last = d.date;
  }
  const { timeZone } = settings;
  const startMin = hhmmToMinutes(settings.workStart);
  const endMin = hhmmToMinutes(settings.workEnd);

  const day = (date: string): CalendarDay => {
    // A known date is valid by construction; only a miss needs telling a bad text from a gap.
    const d = byDate.get(date);
    if (d) return d;
    if (!isIsoDate(date)) throw calendarError('invalid_date', `not a date (YYYY-MM-DD): ${show(date)}`, { value: show(date) });
    throw calendarError('out_of_range', `${date} is outside the calendar (${first ?? '—'} … ${last ?? '—'})`, {
      date,
      first: first ?? '—',
      last: last ?? '—',
    });
  };
  const isWorkingDay = (date: string) => day(date).isWorking;
  // Working days up to and including each known date, built on first use; empty when the known
  // dates have a gap (then counts go day by day and throw at the gap, as before).
  let ords: Map<string, number> | undefined;
  const ordinals = (): Map<string, number> => {
    if (!ords) {
      ords = new Map();
      let n = 0;
      let prev: string | undefined;
      for (const d of [...byDate.keys()].sort()) {
        if (prev !== undefined && addDays(prev, 1) !== d) return (ords = new Map());
        ords.set(d, (n += byDate.get(d)!.isWorking ? 1 : 0));
        prev = d;
      }
    }
    return ords;
  };
  // Per date, computed once for the calendar's life (it is immutable): the instants its working
  // hours start and end (each a time-zone conversion) and the next working date. Term arithmetic
  // asks for the same few hundred dates again and again (the sweep's ladders: bench/README.md).
  const hours = new Map<string, readonly [number, number]>();
  const hoursOf = (date: string): readonly [number, number] => {
    let h = hours.get(date);
    if (!h) hours.set(date, (h = [zonedToUtc(date, startMin, timeZone).getTime(), zonedToUtc(date, endMin, timeZone).getTime()]));
    return h;
  };
  const startOf = (date: string) => new Date(hoursOf(date)[0]);
  const endOf = (date: string) => new Date(hoursOf(date)[1]);
  const nextWorking = new Map<string, string>();
  const nextWorkingDate = (date: string): string => {
    let next = nextWorking.get(date);
    if (next === undefined) {
      next = addDays(date, 1);
      while (!isWorkingDay(next)) next = addDays(next, 1);
      nextWorking.set(date, next);
    }
    return next;
  };
  const localDate = (at: Date): string => {
    checkInstant(at);
    return zonedParts(at, timeZone).date;
  };

  const nextWorkingMoment = (at: Date): Date => {
    const local = localDate(at);
    if (isWorkingDay(local)) {
      if (at.getTime() < startOf(local).getTime()) return startOf(local);
      if (at.getTime() < endOf(local).getTime()) return new Date(at.getTime());
    }
    return startOf(nextWorkingDate(local));
  };

  const receiptDay = (at: Date): string => {
    const local = localDate(at);
    // Before the end of hours on a working day (early morning included) counts as that day.
    if (isWorkingDay(local) && at.getTime() < endOf(local).getTime()) return local;
    return nextWorkingDate(local);
  };

  return Object.freeze({
    regionCode: settings.regionCode,
    timeZone,
    workStart: settings.workStart,
    workEnd: settings.workEnd,
    day,
    isWorkingDay,
    localDate,
    receiptDay,
    nextWorkingMoment,
    workingHours: hoursOf,

    addWorkingDays(receivedAt: Date, days: number) {
      checkInstant(receivedAt, 'receivedAt');
      checkCount(days, MAX_TERM_DAYS, 'invalid_days');
      const skipped: CalendarDay[] = [];
      const receipt = receiptDay(receivedAt);
      // Days off between the receipt itself and the day it counts as received on.
      for (let d = localDate(receivedAt); d < receipt; d = addDays(d, 1)) {
        const cd = day(d);
        if (!cd.isWorking) skipped.push(cd);
      }
      let d = receipt;
      for (let counted = 0; counted < days; ) {
        d = addDays(d, 1);
        const cd = day(d);
        if (cd.isWorking) counted++;
        else skipped.push(cd);
      }
      return { due: endOf(d), skipped };
    },

    addWorkingHours(at: Date, hours: number): Date {
      checkInstant(at);
      checkCount(hours, MAX_TERM_HOURS, 'invalid_hours');
      let remaining = Math.round(hours * 3_600_000);
      let cur = nextWorkingMoment(at).getTime();
      // A working moment lies on its own working date; each next one starts a working date.
      let date = localDate(new Date(cur));
      for (;;) {
        const available = hoursOf(date)[1] - cur;
        if (remaining <= available) return new Date(cur + remaining);
        remaining -= available;
        date = nextWorkingDate(date);
        cur = hoursOf(date)[0];
      }
    },

    addCalendarDays(receivedAt: Date, days: number): Date {
      checkInstant(receivedAt, 'receivedAt');
      checkCount(days, MAX_TERM_DAYS, 'invalid_days');
      // A term in calendar days that ends on a day off ends on the next working day.
      let d = addDays(receiptDay(receivedAt), days);
      while (!isWorkingDay(d)) d = addDays(d, 1);
      return endOf(d);
    },

    workingDaysBetween(from: Date, to: Date): number {
      checkInstant(from, 'from');
      checkInstant(to, 'to');
      // Working days after the receipt day whose hours have fully ended by `to`: up to `to`'s own
      // date if its hours have ended, else the day before (endOf grows with the date, and each
      // call is a time-zone lookup: two here, not two per day of a long-overdue appeal).
      const local = localDate(to);
      const last = endOf(local).getTime() <= to.getTime() ? local : addDays(local, -1);
      const first = addDays(receiptDay(from), 1);
      if (first > last) return 0;
      // Both ends known: a difference of working-day ordinals. Otherwise day by day, which
      // throws for the first date outside the calendar.
      const [a, b] = [ordinals().get(first), ordinals().get(last)];
      if (a !== undefined && b !== undefined) return b - a + (isWorkingDay(first) ? 1 : 0);
      let n = 0;
      for (let d = first; d <= last; d = addDays(d, 1)) {
        if (isWorkingDay(d)) n++;
      }
      return n;
    },
  } satisfies Calendar);
}

// --- from the database, cached ----------------------------------------------------------------

interface CacheEntry {
  revision: string;
  calendar: Calendar;
}

const cache = new Map<string, CacheEntry>();

type DayRow = { regionCode: string; date: string; kind: string; holiday: string | null; name: string | null; act: string };
// The national rows (four years of days), read once per calendar revision and shared by every
// region's calendar: a region reads only its own rows (usually none). Building the 20 regions'
// calendars in a fresh process read the national days 20 times (151 ms, most of a cold sweep's planning).
let national: { revision: string; rows: Promise<DayRow[]> } | undefined;
function nationalDays(revision: string, load: () => Promise<DayRow[]>): Promise<DayRow[]> {
  if (national?.revision !== revision) {
    const entry = { revision, rows: load() };
    entry.rows.catch(() => {
      if (national === entry) national = undefined;
    });
    national = entry;
  }
  return national.rows;
}

/** Drops every cached calendar; imports call it after commit (other processes see the revision). */
export function invalidateCalendarCache(): void {
  cache.clear();
  national = undefined;
}

/**
 * The calendar of a region (national when omitted): national days overlaid with the rows of
 * each KATO ancestor and of the region itself; settings from the most specific row.
 *
 * Cached in memory per region. Each call reads the one-row revision (a primary-key read) so
 * that an import made by another process, or into another database, is never served stale.
 */
export async function getCalendar(db: Executor, regionCode: string = NATIONAL_REGION): Promise<Calendar> {
  return (await getCalendars(db, [regionCode])).get(regionCode)!;
}

/**
 * `getCalendar` for several regions at once (the escalation sweep's pages): the revision read
 * once, and the calendars not cached built from one query for their own days and one for their
 * settings, whatever their number.
 */
export async function getCalendars(db: Executor, regionCodes: readonly string[]): Promise<Map<string, Calendar>> {
  for (const regionCode of regionCodes) {
    if (!isRegionCode(regionCode)) {
      throw new DomainError('validation', `region must be a 9-digit KATO code, got ${show(regionCode)}`, {
        field: 'region',
        messageKey: 'calendar:errors.invalid_region',
        params: { value: show(regionCode) },
      });
    }
  }
  // Read once per transaction, together with the reference revision (platform/db/revision.ts).
  const revision = (await revisions(db)).calendar;
  const out = new Map<string, Calendar>();
  const missing: string[] = [];
  for (const regionCode of new Set(regionCodes)) {
    const hit = cache.get(regionCode);
    if (hit && hit.revision === revision) out.set(regionCode, hit.calendar);
    else missing.push(regionCode);
  }
  if (missing.length === 0) return out;

  const chains = new Map(missing.map((code) => [code, regionChain(code)]));
  const below = [...new Set([...chains.values()].flatMap((chain) => chain.slice(1)))];
  const all = [...new Set([...chains.values()].flat())];
  const days = () => db.selectFrom('calendarDay').select(['regionCode', 'date', 'kind', 'holiday', 'name', 'act']);
  const [nationalRows, ownRows, settingsRows] = await Promise.all([
    nationalDays(revision, () => days().where('regionCode', '=', NATIONAL_REGION).execute()),
    below.length ? days().where('regionCode', 'in', below).execute() : [],
    db.selectFrom('calendarRegion').select(['regionCode', 'timeZone', 'workStart', 'workEnd']).where('regionCode', 'in', all).execute(),
  ]);
  const build = (regionCode: string): Calendar => {
    const chain = chains.get(regionCode) ?? regionChain(regionCode);
    const own = ownRows.filter((r) => chain.includes(r.regionCode));
    const settingRows = settingsRows.filter((r) => chain.includes(r.regionCode));
    // Most regions have no days or hours of their own: their calendar is the nation's under their
    // code, sharing its tables (built once, not once per region).
    if (regionCode !== NATIONAL_REGION && own.length === 0 && settingRows.every((r) => r.regionCode === NATIONAL_REGION)) {
      return Object.freeze({ ...calendarOf(NATIONAL_REGION), regionCode });
    }
    const rank = (code: string) => chain.indexOf(code);
    const settings = [...settingRows].sort((a, b) => rank(b.regionCode) - rank(a.regionCode))[0];
    const merged = new Map<string, CalendarDay>();
    // National rows set the range; a region row only overrides a date the nation has.
    for (const r of [...nationalRows, ...own].sort((a, b) => rank(a.regionCode) - rank(b.regionCode))) {
      if (r.regionCode !== NATIONAL_REGION && !merged.has(r.date)) continue;
      merged.set(r.date, {
        date: r.date,
        kind: r.kind as DayKind,
        isWorking: isWorkingKind(r.kind as DayKind),
        ...(r.name ? { name: r.name } : {}),
        ...(r.holiday ? { holiday: r.holiday } : {}),
        act: r.act,
      });
    }
    return buildCalendar(
      {
        regionCode,
        timeZone: settings?.timeZone ?? DEFAULT_TIME_ZONE,
        workStart: settings?.workStart ?? DEFAULT_WORK_START,
        workEnd: settings?.workEnd ?? DEFAULT_WORK_END,
      },
      merged.values(),
    );
  };
  // The nation's calendar under this revision: cached, or built here (its chain is itself).
  let nationCal: Calendar | undefined;
  const calendarOf = (code: string): Calendar => {
    if (code !== NATIONAL_REGION) return out.get(code) ?? build(code);
    if (!nationCal) {
      const hit = cache.get(NATIONAL_REGION);
      nationCal = hit && hit.revision === revision ? hit.calendar : build(NATIONAL_REGION);
      cache.set(NATIONAL_REGION, { revision, calendar: nationCal });
    }
    return nationCal;
  };
  for (const regionCode of missing) {
    const calendar = calendarOf(regionCode);
    cache.set(regionCode, { revision, calendar });
    out.set(regionCode, calendar);
  }
  return out;
}
