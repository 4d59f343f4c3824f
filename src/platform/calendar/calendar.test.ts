import { describe, expect, it } from 'vitest';
import { DomainError } from '../http/errors.ts';
import { buildSeedRows, seededCalendar } from './calendar.seed.ts';
import { formatLocal, isWeekendDate, parseInstant, zonedToUtc } from './calendar.time.ts';
import { regionChain, withField, type CalendarDay } from './calendar.ts';

const cal = seededCalendar();

const almaty = (local: string) => parseInstant(local, 'Asia/Almaty')!;
const dates = (days: CalendarDay[]) => days.map((d) => d.date);

describe('the seeded national calendar matches the official one', () => {
  // Weekdays that are days off, and weekend days that are working, per year (egov.kz calendars,
  // the transfer orders of the Ministry of Labour, and the 2026 Constitution Day change).
  const official: Record<number, { offWeekdays: string[]; workingWeekends: string[] }> = {
    2024: {
      offWeekdays: ['01-01', '01-02', '03-08', '03-21', '03-22', '03-25', '05-01', '05-07', '05-08', '05-09', '07-08', '08-30', '10-25', '12-16'],
      workingWeekends: ['05-04'],
    },
    2025: {
      offWeekdays: ['01-01', '01-02', '01-03', '01-07', '03-10', '03-21', '03-24', '03-25', '05-01', '05-07', '05-09', '06-06', '07-07', '09-01', '10-27', '12-16'],
      workingWeekends: ['01-05'],
    },
    2026: {
      offWeekdays: ['01-01', '01-02', '01-07', '03-09', '03-23', '03-24', '03-25', '05-01', '05-07', '05-11', '05-27', '07-06', '10-26', '12-16'],
      workingWeekends: [],
    },
    2027: {
      offWeekdays: ['01-01', '01-04', '01-07', '03-08', '03-15', '03-22', '03-23', '03-24', '05-03', '05-07', '05-10', '07-06', '10-25', '12-16'],
      workingWeekends: [],
    },
  };
  for (const [year, expected] of Object.entries(official)) {
    it(`${year}`, () => {
      const rows = buildSeedRows().filter((r) => r.date.startsWith(`${year}-`));
      expect(rows).toHaveLength(Number(year) % 4 === 0 ? 366 : 365);
      const off = rows.filter((r) => !isWeekendDate(r.date) && !cal.isWorkingDay(r.date)).map((r) => r.date.slice(5));
      const workingWeekends = rows.filter((r) => isWeekendDate(r.date) && cal.isWorkingDay(r.date)).map((r) => r.date.slice(5));
      expect(off).toEqual(expected.offWeekdays);
      expect(workingWeekends).toEqual(expected.workingWeekends);
    });
  }

  it('names the act of every day, and the decree of each swap', () => {
    for (const r of buildSeedRows()) expect(r.act.length, r.date).toBeGreaterThan(10);
    expect(cal.day('2024-05-04')).toMatchObject({ kind: 'transferred_working_day', isWorking: true });
    expect(cal.day('2024-05-04').act).toMatch(/No\. 109/);
    expect(cal.day('2025-01-03')).toMatchObject({ kind: 'transferred_day_off', isWorking: false });
    expect(cal.day('2026-03-25')).toMatchObject({ kind: 'transferred_day_off', holiday: 'nauryz' });
    expect(cal.day('2026-03-21')).toMatchObject({ kind: 'holiday', holiday: 'nauryz', isWorking: false });
    // Orthodox Christmas and Kurban Ait on a weekend move nothing.
    expect(cal.day('2024-01-07').kind).toBe('holiday');
    expect(cal.isWorkingDay('2024-01-08')).toBe(true);
    expect(cal.day('2024-06-16').holiday).toBe('kurban_ait');
    expect(cal.isWorkingDay('2024-06-17')).toBe(true);
  });
});

describe('receipt day (APPC art. 64)', () => {
  it('is the same day when received on a working day before 18:00, early morning included', () => {
    expect(cal.receiptDay(almaty('2026-04-06T07:00'))).toBe('2026-04-06');
    expect(cal.receiptDay(almaty('2026-04-06T17:59'))).toBe('2026-04-06');
  });
  it('is the next working day when received at or after 18:00', () => {
    expect(cal.receiptDay(almaty('2026-04-06T18:00'))).toBe('2026-04-07');
    expect(cal.receiptDay(almaty('2026-03-20T18:30'))).toBe('2026-03-26'); // Friday evening, then Nauryz
  });
  it('is the next working day when received on a day off', () => {
    expect(cal.receiptDay(almaty('2026-04-04T12:00'))).toBe('2026-04-06');
    expect(cal.receiptDay(almaty('2026-03-23T10:00'))).toBe('2026-03-26');
  });
  it('counts a weekend the decree made working', () => {
    expect(cal.receiptDay(almaty('2025-01-05T10:00'))).toBe('2025-01-05');
  });
});

describe('addWorkingDays', () => {
  it('Nauryz 2026: received Fri 20 March 10:00, 15 working days → Wed 15 April 18:00 Almaty', () => {
    const { due, skipped } = cal.addWorkingDays(almaty('2026-03-20T10:00'), 15);
    expect(due.toISOString()).toBe('2026-04-15T13:00:00.000Z');
    expect(formatLocal(due, 'Asia/Almaty')).toBe('2026-04-15T18:00');
    expect(dates(skipped)).toEqual([
      '2026-03-21', '2026-03-22', '2026-03-23', '2026-03-24', '2026-03-25', // Nauryz and its carried days off
      '2026-03-28', '2026-03-29', '2026-04-04', '2026-04-05', '2026-04-11', '2026-04-12',
    ]);
    expect(skipped[0]).toMatchObject({ kind: 'holiday', holiday: 'nauryz' });
  });

  it('the same appeal received after hours counts from Thursday 26 March', () => {
    const { due, skipped } = cal.addWorkingDays(almaty('2026-03-20T18:30'), 15);
    expect(formatLocal(due, 'Asia/Almaty')).toBe('2026-04-16T18:00');
    expect(dates(skipped).slice(0, 5)).toEqual(['2026-03-21', '2026-03-22', '2026-03-23', '2026-03-24', '2026-03-25']);
  });

  it('Independence Day: received Tue 15 December 2026, 3 working days → Mon 21 December', () => {
    const { due, skipped } = cal.addWorkingDays(almaty('2026-12-15T11:00'), 3);
    expect(formatLocal(due, 'Asia/Almaty')).toBe('2026-12-21T18:00');
    expect(dates(skipped)).toEqual(['2026-12-16', '2026-12-19', '2026-12-20']);
  });

  it('15 working days from 15 December 2026 run across New Year and Christmas to 11 January 2027', () => {
    const { due, skipped } = cal.addWorkingDays(almaty('2026-12-15T11:00'), 15);
    expect(formatLocal(due, 'Asia/Almaty')).toBe('2027-01-11T18:00');
    expect(dates(skipped)).toEqual(expect.arrayContaining(['2027-01-01', '2027-01-02', '2027-01-04', '2027-01-07']));
  });

  it('received on a Saturday: the weekend itself is skipped, the term runs from Tuesday', () => {
    const { due, skipped } = cal.addWorkingDays(almaty('2026-04-04T12:00'), 1);
    expect(formatLocal(due, 'Asia/Almaty')).toBe('2026-04-07T18:00');
    expect(dates(skipped)).toEqual(['2026-04-04', '2026-04-05']);
  });

  it('0 days is the end of the receipt day', () => {
    expect(formatLocal(cal.addWorkingDays(almaty('2026-04-04T12:00'), 0).due, 'Asia/Almaty')).toBe('2026-04-06T18:00');
  });

  it('follows Almaty from UTC+6 to UTC+5 on 1 March 2024', () => {
    const { due } = cal.addWorkingDays(new Date('2024-02-28T10:00:00+06:00'), 3);
    expect(due.toISOString()).toBe('2024-03-04T13:00:00.000Z'); // 18:00 at UTC+5
    expect(zonedToUtc('2024-02-28', 18 * 60, 'Asia/Almaty').toISOString()).toBe('2024-02-28T12:00:00.000Z');
  });

  it('refuses to run past the seeded years with a DomainError', () => {
    expect(() => cal.addWorkingDays(almaty('2027-12-20T10:00'), 15)).toThrow(DomainError);
    expect(() => cal.day('2023-12-31')).toThrow(/outside the calendar/);
  });

  it('refuses bad input with DomainError', () => {
    expect(() => cal.addWorkingDays(new Date('nope'), 1)).toThrow(DomainError);
    expect(() => cal.addWorkingDays(almaty('2026-04-06T10:00'), -1)).toThrow(DomainError);
    expect(() => cal.addWorkingDays(almaty('2026-04-06T10:00'), 1.5)).toThrow(DomainError);
    expect(() => cal.day('2026-02-30')).toThrow(DomainError);
  });
});

describe('other terms', () => {
  it('workingDaysBetween counts whole working days after the receipt day', () => {
    const from = almaty('2026-03-20T10:00');
    expect(cal.workingDaysBetween(from, almaty('2026-04-15T18:00'))).toBe(15);
    expect(cal.workingDaysBetween(from, almaty('2026-04-15T17:59'))).toBe(14);
    expect(cal.workingDaysBetween(from, almaty('2026-03-25T23:00'))).toBe(0);
    expect(cal.workingDaysBetween(almaty('2026-04-15T18:00'), from)).toBe(0);
  });

  it('nextWorkingMoment', () => {
    expect(formatLocal(cal.nextWorkingMoment(almaty('2026-04-06T07:00')), 'Asia/Almaty')).toBe('2026-04-06T09:00');
    expect(formatLocal(cal.nextWorkingMoment(almaty('2026-04-06T12:34')), 'Asia/Almaty')).toBe('2026-04-06T12:34');
    expect(formatLocal(cal.nextWorkingMoment(almaty('2026-03-20T18:00')), 'Asia/Almaty')).toBe('2026-03-26T09:00');
  });

  it('addWorkingHours carries over nights and days off', () => {
    expect(formatLocal(cal.addWorkingHours(almaty('2026-04-06T16:00'), 2), 'Asia/Almaty')).toBe('2026-04-06T18:00');
    expect(formatLocal(cal.addWorkingHours(almaty('2026-04-06T16:00'), 3), 'Asia/Almaty')).toBe('2026-04-07T10:00');
    expect(formatLocal(cal.addWorkingHours(almaty('2026-03-20T17:00'), 2), 'Asia/Almaty')).toBe('2026-03-26T10:00');
    expect(formatLocal(cal.addWorkingHours(almaty('2026-04-04T10:00'), 0.5), 'Asia/Almaty')).toBe('2026-04-06T09:30');
  });

  it('addCalendarDays ends on the next working day when the last day is off', () => {
    // Received Mon 16 March 2026; 5 calendar days → Sat 21 March (Nauryz) → Thu 26 March.
    expect(formatLocal(cal.addCalendarDays(almaty('2026-03-16T10:00'), 5), 'Asia/Almaty')).toBe('2026-03-26T18:00');
    expect(formatLocal(cal.addCalendarDays(almaty('2026-03-16T10:00'), 2), 'Asia/Almaty')).toBe('2026-03-18T18:00');
  });

  it('localDate is the date in Almaty', () => {
    expect(cal.localDate(new Date('2026-03-20T19:30:00Z'))).toBe('2026-03-21');
  });
});

describe('helpers', () => {
  it('regionChain walks KATO from the nation down', () => {
    expect(regionChain('351010000')).toEqual(['000000000', '350000000', '351000000', '351010000']);
    expect(regionChain('710000000')).toEqual(['000000000', '710000000']);
    expect(regionChain('000000000')).toEqual(['000000000']);
  });

  it('parseInstant reads local time, offsets and Z, and refuses the rest', () => {
    expect(parseInstant('2026-03-20T10:00', 'Asia/Almaty')!.toISOString()).toBe('2026-03-20T05:00:00.000Z');
    expect(parseInstant('2026-03-20 10:00:30', 'Asia/Almaty')!.toISOString()).toBe('2026-03-20T05:00:30.000Z');
    expect(parseInstant('2026-03-20', 'Asia/Almaty')!.toISOString()).toBe('2026-03-19T19:00:00.000Z');
    expect(parseInstant('2026-03-20T10:00+03:00', 'Asia/Almaty')!.toISOString()).toBe('2026-03-20T07:00:00.000Z');
    expect(parseInstant('2026-03-20T05:00:00Z', 'Asia/Almaty')!.toISOString()).toBe('2026-03-20T05:00:00.000Z');
    for (const bad of ['', 'tomorrow', '2026-02-30T10:00', '2026-03-20T24:00', '2026-02-30T10:00Z', '20.03.2026']) {
      expect(parseInstant(bad, 'Asia/Almaty'), bad).toBeUndefined();
    }
  });

  it('withField names the field of a calendar error', () => {
    try {
      withField('days', () => cal.day('x'));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).field).toBe('days');
      expect((e as DomainError).messageKey).toBe('calendar:errors.invalid_date');
    }
  });
});
