import type { Calendar } from '../calendar/calendar.ts';
import { addDays, hhmmToMinutes, isIsoDate } from '../calendar/calendar.time.ts';
import type { DeadlineUnit, EscalationStep, LimitUnit, Term } from './definition.ts';

/**
 * Deadline arithmetic on the production calendar: due instants, escalation step instants,
 * extensions and pauses. Pure given a Calendar, so property tests run it without a database.
 *
 * Every instant produced here lies inside working hours of a working day (or at the end of
 * them): a due instant is the end of the last working day of the term, a reminder is a
 * working moment. Conventions (README.md):
 * - working_days: APPC counting (calendar.addWorkingDays): the term starts the working day after
 *   the receipt day and ends at the close of its Nth working day.
 * - working_hours: working time only (calendar.addWorkingHours).
 * - calendar_days: N days after the receipt day, moved to the next working day, at its close.
 * - "N after breach" counts from the due instant the same way, the due day being day 0.
 * - "p percent" is p percent of the working time between the start and the due instant (of the
 *   wall time for calendar_days), moved to the next working moment.
 */

const MS_PER_HOUR = 3_600_000;
/** An instant one millisecond before `at`: "received" inside the due day, so counting starts the day after. */
const justBefore = (at: Date) => new Date(at.getTime() - 1);

export function workingDayMs(cal: Calendar): number {
  return (hhmmToMinutes(cal.workEnd) - hhmmToMinutes(cal.workStart)) * 60_000;
}

/** The close of working hours on a calendar date (whether or not it is a working day). */
export function endOfDay(cal: Calendar, date: string): Date {
  return new Date(cal.workingHours(date)[1]);
}

/** The due instant of a term that starts at `startedAt`. */
export function dueAfter(cal: Calendar, startedAt: Date, term: Term): Date {
  switch (term.unit) {
    case 'working_days':
      return cal.addWorkingDays(startedAt, term.amount).due;
    case 'working_hours':
      return cal.addWorkingHours(startedAt, term.amount);
    case 'calendar_days':
      return cal.addCalendarDays(startedAt, term.amount);
  }
}

/** A term added to a due instant (extensions "by", after-breach steps): the due day is day 0. */
export function extendDue(cal: Calendar, due: Date, term: Term): Date {
  return term.unit === 'working_hours' ? cal.addWorkingHours(due, term.amount) : dueAfter(cal, justBefore(due), term);
}

/** Working time (ms) between two instants: the overlap of [from, to] with working hours of working days. */
export function workingMsBetween(cal: Calendar, from: Date, to: Date): number {
  if (to.getTime() <= from.getTime()) return 0;
  let total = 0;
  const last = cal.localDate(to);
  for (let d = cal.localDate(from); d <= last; d = addDays(d, 1)) {
    if (!cal.isWorkingDay(d)) continue;
    const [start, end] = cal.workingHours(d);
    const s = Math.max(start, from.getTime());
    const e = Math.min(end, to.getTime());
    if (e > s) total += e - s;
  }
  return total;
}

/** The furthest instant an extension may reach, counted from the deadline's start. */
export function limitFrom(cal: Calendar, startedAt: Date, limit: { amount: number; unit: LimitUnit }): Date {
  if (limit.unit !== 'months') return dueAfter(cal, startedAt, { amount: limit.amount, unit: limit.unit });
  // The same date N months after the receipt day (clamped to the month's end), moved to a working day.
  const [y, m, d] = cal.receiptDay(startedAt).split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + limit.amount, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  let date = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(d, lastDay))).toISOString().slice(0, 10);
  while (!cal.isWorkingDay(date)) date = addDays(date, 1);
  return endOfDay(cal, date);
}

/** The due instant for a new due date typed by a person: the close of that working day. */
export function dueOnDate(cal: Calendar, date: string): Date | undefined {
  if (!isIsoDate(date) || !cal.isWorkingDay(date)) return undefined;
  return endOfDay(cal, date);
}

export interface DeadlineTimes {
  startedAt: Date;
  dueAt: Date;
  unit: DeadlineUnit;
}

/** When an escalation step of a deadline falls due. */
export function stepInstant(cal: Calendar, step: EscalationStep, d: DeadlineTimes): Date {
  if (step.at.breach) return d.dueAt;
  if (step.at.afterBreach) return extendDue(cal, d.dueAt, step.at.afterBreach);
  const share = (step.at.percent ?? 0) / 100;
  if (d.unit === 'calendar_days') {
    const at = new Date(d.startedAt.getTime() + Math.round((d.dueAt.getTime() - d.startedAt.getTime()) * share));
    return cal.nextWorkingMoment(at);
  }
  const ms = workingMsBetween(cal, d.startedAt, d.dueAt) * share;
  return cal.addWorkingHours(d.startedAt, ms / MS_PER_HOUR);
}

/**
 * The due instant after a pause (the case waited on the applicant from `pausedAt` to `resumedAt`):
 * the term is prolonged by the working time paused, in whole working days for working_days terms
 * (a started day counts), in calendar days for calendar_days terms.
 */
export function dueAfterPause(cal: Calendar, d: DeadlineTimes, pausedAt: Date, resumedAt: Date): Date {
  switch (d.unit) {
    case 'working_hours': {
      const ms = workingMsBetween(cal, pausedAt, resumedAt);
      return ms > 0 ? cal.addWorkingHours(d.dueAt, ms / MS_PER_HOUR) : d.dueAt;
    }
    case 'working_days': {
      const days = Math.ceil(workingMsBetween(cal, pausedAt, resumedAt) / workingDayMs(cal));
      return days > 0 ? extendDue(cal, d.dueAt, { amount: days, unit: 'working_days' }) : d.dueAt;
    }
    case 'calendar_days': {
      const days = Math.ceil((resumedAt.getTime() - pausedAt.getTime()) / 86_400_000);
      return days > 0 ? extendDue(cal, d.dueAt, { amount: days, unit: 'calendar_days' }) : d.dueAt;
    }
  }
}

export interface LadderPosition {
  /** Index of the next step to apply; ladder.length when none is left. */
  nextStep: number;
  nextStepAt: Date | null;
  /** Level of the last step before nextStep (0 when none). */
  level: number;
}

/**
 * Where a ladder stands for a (re)armed deadline at `now`: the first step still in the future.
 * Steps already in the past under the new term are not replayed (they were applied, or are moot).
 */
export function armLadder(cal: Calendar, ladder: readonly EscalationStep[], d: DeadlineTimes, now: Date): LadderPosition {
  for (let i = 0; i < ladder.length; i++) {
    const at = stepInstant(cal, ladder[i]!, d);
    if (at.getTime() > now.getTime()) return { nextStep: i, nextStepAt: at, level: i > 0 ? ladder[i - 1]!.level : 0 };
  }
  return { nextStep: ladder.length, nextStepAt: null, level: ladder.at(-1)?.level ?? 0 };
}
