import { isWeekendDate } from './calendar.time.ts';
import type { DayKind } from './calendar.ts';

/**
 * The legal sources cited by rows that no yearly act set: the working week, the holidays law,
 * and the rule that moves a day off when a holiday falls on a weekend. Decreed swaps cite their
 * own order in the corrections files (corrections/kz-*.json).
 */
export const ACT = {
  workingDay: 'Labour Code of RK No. 414-V of 23.11.2015 (five-day working week)',
  weekend: 'Labour Code of RK No. 414-V of 23.11.2015, art. 84 (five-day week: Saturday and Sunday are days off)',
  holiday: 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»',
  religiousHoliday:
    'Law of RK No. 267-II «On holidays in RK»; Labour Code of RK art. 84 p. 5 (religious holiday: a day off, not moved when it falls on a weekend)',
  transferRule:
    'Law of RK No. 267-II «On holidays in RK» art. 5; Labour Code art. 85 (transfer rule: a holiday on a weekend moves the day off to the next working day)',
} as const;

/** The kind and act of a date that no holiday or decree touches. */
export function plainDay(date: string): { kind: DayKind; act: string } {
  return isWeekendDate(date) ? { kind: 'weekend', act: ACT.weekend } : { kind: 'working', act: ACT.workingDay };
}
