import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../http/errors.ts';
import { parseCorrectionsCsv, parseCorrectionsJson } from './calendar.corrections.ts';
import { seededCalendar } from './calendar.seed.ts';
import { addDays, formatLocal, parseInstant, zonedParts, zonedToUtc } from './calendar.time.ts';

const cal = seededCalendar();
const RUNS = { numRuns: 300 };

// Instants from the start of the seeded range to early October 2027, so that 60 working days
// still end inside it.
const instant = fc.date({ min: new Date('2024-01-01T00:00:00+05:00'), max: new Date('2027-10-01T00:00:00+05:00'), noInvalidDate: true });
const term = fc.integer({ min: 0, max: 60 });

/** Either returns or throws a DomainError; anything else fails the property. */
function onlyDomainErrors(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof DomainError)) throw new Error(`expected a DomainError, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
  }
}

describe('addWorkingDays (properties)', () => {
  it('the due date is a working day, at the end of its working hours, after the receipt', () => {
    fc.assert(
      fc.property(instant, term, (at, n) => {
        const { due } = cal.addWorkingDays(at, n);
        expect(cal.isWorkingDay(cal.localDate(due))).toBe(true);
        expect(formatLocal(due, cal.timeZone).slice(11)).toBe(cal.workEnd);
        expect(due.getTime()).toBeGreaterThan(at.getTime());
      }),
      RUNS,
    );
  });

  it('adding N working days then counting back gives N', () => {
    fc.assert(
      fc.property(instant, term, (at, n) => {
        expect(cal.workingDaysBetween(at, cal.addWorkingDays(at, n).due)).toBe(n);
      }),
      RUNS,
    );
  });

  it('counting matches the definition: working days after the receipt day whose hours ended by then', () => {
    // Up to two years apart: an overdue appeal's time left is counted over its whole delay.
    fc.assert(
      fc.property(instant, fc.integer({ min: -3 * 86_400_000, max: 730 * 86_400_000 }), (from, span) => {
        const to = new Date(Math.min(from.getTime() + span, Date.parse('2027-12-31T00:00:00+05:00')));
        let expected = 0;
        for (let d = addDays(cal.receiptDay(from), 1); zonedToUtc(d, 18 * 60, cal.timeZone).getTime() <= to.getTime(); d = addDays(d, 1)) {
          if (cal.isWorkingDay(d)) expected++;
        }
        expect(cal.workingDaysBetween(from, to)).toBe(expected);
      }),
      RUNS,
    );
  });

  it('one more day ends on a later working day; skipped days are all non-working', () => {
    fc.assert(
      fc.property(instant, term, (at, n) => {
        const a = cal.addWorkingDays(at, n);
        const b = cal.addWorkingDays(at, n + 1);
        expect(cal.localDate(b.due) > cal.localDate(a.due)).toBe(true);
        for (const d of b.skipped) expect(d.isWorking).toBe(false);
        // Nothing is skipped twice and nothing skipped lies after the due date.
        expect(new Set(b.skipped.map((d) => d.date)).size).toBe(b.skipped.length);
        for (const d of b.skipped) expect(d.date < cal.localDate(b.due)).toBe(true);
      }),
      RUNS,
    );
  });

  it('the receipt day is a working day, never before the local date of receipt', () => {
    fc.assert(
      fc.property(instant, (at) => {
        const r = cal.receiptDay(at);
        expect(cal.isWorkingDay(r)).toBe(true);
        expect(r >= cal.localDate(at)).toBe(true);
      }),
      RUNS,
    );
  });

  it('nextWorkingMoment is not earlier, and inside working hours of a working day', () => {
    fc.assert(
      fc.property(instant, (at) => {
        const m = cal.nextWorkingMoment(at);
        expect(m.getTime()).toBeGreaterThanOrEqual(at.getTime());
        expect(cal.isWorkingDay(cal.localDate(m))).toBe(true);
        const hhmm = formatLocal(m, cal.timeZone).slice(11);
        expect(hhmm >= cal.workStart && hhmm < cal.workEnd).toBe(true);
      }),
      RUNS,
    );
  });

  it('addWorkingHours lands inside working hours (the end included)', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 200 }), (at, h) => {
        const r = cal.addWorkingHours(at, h);
        expect(cal.isWorkingDay(cal.localDate(r))).toBe(true);
        const hhmm = formatLocal(r, cal.timeZone).slice(11);
        expect(hhmm >= cal.workStart && hhmm <= cal.workEnd).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('zonedParts (cached offsets) against Intl', () => {
  // Intl's own reading of the wall clock, the definition the cache must agree with.
  function byIntl(at: Date, timeZone: string): string {
    const f = new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
    return `${p.year}-${p.month}-${p.day} ${Number(p.hour) * 3600 + Number(p.minute) * 60 + Number(p.second)}`;
  }
  // Almaty (UTC+6 -> +5 on 1 March 2024), daylight saving (Berlin, New York), quarter and half
  // hours (Kathmandu, St John's), a 30-minute DST shift (Lord Howe).
  const zones = ['Asia/Almaty', 'Asia/Aqtobe', 'Europe/Berlin', 'America/New_York', 'Asia/Kathmandu', 'America/St_Johns', 'Australia/Lord_Howe'];
  it('gives the same local date and second of the day for any instant, across offset changes', () => {
    const near = fc.oneof(
      fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2035-01-01T00:00:00Z'), noInvalidDate: true }),
      // A few hours around Almaty's change (2024-02-29 24:00 local, +6) and Berlin's of 2026.
      fc.integer({ min: -4 * 3600_000, max: 4 * 3600_000 }).map((d) => new Date(Date.parse('2024-02-29T18:00:00Z') + d)),
      fc.integer({ min: -4 * 3600_000, max: 4 * 3600_000 }).map((d) => new Date(Date.parse('2026-03-29T01:00:00Z') + d)),
    );
    fc.assert(
      fc.property(near, fc.constantFrom(...zones), (at, tz) => {
        const p = zonedParts(at, tz);
        expect(`${p.date} ${Math.floor(p.msOfDay / 1000)}`).toBe(byIntl(at, tz));
        expect(p.minutes).toBe(Math.floor(p.msOfDay / 60_000));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('bad input raises DomainError, never another error', () => {
  it('for every method', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (a, b) => {
        onlyDomainErrors(() => cal.day(a as string));
        onlyDomainErrors(() => cal.isWorkingDay(a as string));
        onlyDomainErrors(() => cal.localDate(a as Date));
        onlyDomainErrors(() => cal.receiptDay(a as Date));
        onlyDomainErrors(() => cal.nextWorkingMoment(a as Date));
        onlyDomainErrors(() => cal.addWorkingDays(a as Date, b as number));
        onlyDomainErrors(() => cal.addWorkingHours(a as Date, b as number));
        onlyDomainErrors(() => cal.addCalendarDays(a as Date, b as number));
        onlyDomainErrors(() => cal.workingDaysBetween(a as Date, b as Date));
      }),
      { numRuns: 500 },
    );
  });

  it('for any date string, instant or number of days, in range or not', () => {
    const anyDate = fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01') });
    fc.assert(
      fc.property(fc.string(), anyDate, fc.oneof(fc.integer(), fc.double()), (s, at, n) => {
        onlyDomainErrors(() => cal.day(s));
        onlyDomainErrors(() => cal.addWorkingDays(at, n));
        onlyDomainErrors(() => cal.addWorkingHours(at, n));
        onlyDomainErrors(() => cal.addCalendarDays(at, n));
        onlyDomainErrors(() => cal.workingDaysBetween(at, new Date(at.getTime() + Math.abs(n))));
        const parsed = parseInstant(s, cal.timeZone);
        expect(parsed === undefined || Number.isFinite(parsed.getTime())).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('the corrections parsers return issues, never throw', () => {
    fc.assert(
      fc.property(fc.anything(), fc.string(), fc.json(), (v, s, j) => {
        expect(parseCorrectionsJson(v).ok).toBeTypeOf('boolean');
        expect(parseCorrectionsJson(s).ok).toBeTypeOf('boolean');
        expect(parseCorrectionsJson(j).ok).toBeTypeOf('boolean');
        expect(parseCorrectionsCsv(s).ok).toBeTypeOf('boolean');
        expect(parseCorrectionsCsv(`date,kind,name\n${s}`).ok).toBeTypeOf('boolean');
      }),
      { numRuns: 500 },
    );
  });
});
