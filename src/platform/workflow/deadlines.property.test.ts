import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededCalendar } from '../calendar/calendar.seed.ts';
import { hhmmToMinutes, zonedParts } from '../calendar/calendar.time.ts';
import type { DeadlineUnit, EscalationStep } from './definition.ts';
import { armLadder, dueAfter, dueAfterPause, extendDue, limitFrom, stepInstant, workingMsBetween } from './deadlines.ts';

const cal = seededCalendar();
const workStart = hhmmToMinutes(cal.workStart) * 60_000;
const workEnd = hhmmToMinutes(cal.workEnd) * 60_000;

/** Inside working hours of a working day (the close of the day included). */
function isWorkingMoment(at: Date): boolean {
  const p = zonedParts(at, cal.timeZone);
  return cal.isWorkingDay(p.date) && p.msOfDay >= workStart && p.msOfDay <= workEnd;
}

// Starts across 2024–2026 so that every term stays inside the seeded 2024–2027 range.
const instant = fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2026-10-31T00:00:00Z'), noInvalidDate: true });
const term = fc.oneof(
  fc.record({ amount: fc.integer({ min: 1, max: 60 }), unit: fc.constant<DeadlineUnit>('working_days') }),
  fc.record({ amount: fc.integer({ min: 1, max: 300 }), unit: fc.constant<DeadlineUnit>('working_hours') }),
  fc.record({ amount: fc.integer({ min: 1, max: 90 }), unit: fc.constant<DeadlineUnit>('calendar_days') }),
);
const step = fc.oneof(
  fc.double({ min: 1, max: 99, noNaN: true }).map((percent): EscalationStep => ({ at: { percent }, level: 1, notify: ['assignee'] })),
  fc.constant<EscalationStep>({ at: { breach: true }, level: 2, notify: ['head'] }),
  term.map((afterBreach): EscalationStep => ({ at: { afterBreach: { ...afterBreach, amount: Math.min(afterBreach.amount, 20) } }, level: 3, notify: ['coordinator'] })),
);

describe('deadlines on the seeded 2024–2027 calendar (fast-check)', () => {
  it('a due instant is never on a non-working day, and always after the start', () => {
    fc.assert(
      fc.property(instant, term, (start, t) => {
        const due = dueAfter(cal, start, t);
        expect(isWorkingMoment(due)).toBe(true);
        expect(due.getTime()).toBeGreaterThan(start.getTime());
        if (t.unit === 'working_days') expect(zonedParts(due, cal.timeZone).msOfDay).toBe(workEnd);
      }),
      { numRuns: 1500 },
    );
  });

  it('adding working hours and counting them back agree, to the millisecond', () => {
    // addWorkingHours (calendar.ts) and workingMsBetween (here) walk the days separately, each
    // through the calendar's per-date caches; any drift between the two would move reminders.
    fc.assert(
      fc.property(instant, fc.double({ min: 0, max: 400, noNaN: true }), (start, hours) => {
        const end = cal.addWorkingHours(start, hours);
        expect(workingMsBetween(cal, start, end)).toBe(Math.round(hours * 3_600_000));
        expect(isWorkingMoment(end)).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('escalation steps fall on working moments, in ladder order', () => {
    fc.assert(
      fc.property(instant, term, fc.array(step, { minLength: 1, maxLength: 4 }), (start, t, steps) => {
        const d = { startedAt: start, dueAt: dueAfter(cal, start, t), unit: t.unit };
        for (const s of steps) {
          const at = stepInstant(cal, s, d);
          expect(isWorkingMoment(at)).toBe(true);
          if (s.at.percent !== undefined) {
            expect(at.getTime()).toBeGreaterThanOrEqual(start.getTime());
            expect(at.getTime()).toBeLessThanOrEqual(d.dueAt.getTime());
          } else {
            expect(at.getTime()).toBeGreaterThanOrEqual(d.dueAt.getTime());
          }
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('p% of the term has p% of its working time behind it', () => {
    fc.assert(
      fc.property(instant, term, fc.integer({ min: 1, max: 99 }), (start, t, percent) => {
        if (t.unit === 'calendar_days') return;
        const due = dueAfter(cal, start, t);
        const at = stepInstant(cal, { at: { percent }, level: 1, notify: [] }, { startedAt: start, dueAt: due, unit: t.unit });
        const total = workingMsBetween(cal, start, due);
        expect(Math.abs(workingMsBetween(cal, start, at) - (total * percent) / 100)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
  });

  it('extensions, pauses and limits also end on working days, never earlier than before', () => {
    fc.assert(
      fc.property(instant, term, term, fc.integer({ min: 0, max: 30 * 24 * 3_600_000 }), fc.integer({ min: 1, max: 3 }), (start, t, by, pauseMs, months) => {
        const d = { startedAt: start, dueAt: dueAfter(cal, start, t), unit: t.unit };
        const extended = extendDue(cal, d.dueAt, { ...by, amount: Math.min(by.amount, 30) });
        expect(isWorkingMoment(extended)).toBe(true);
        expect(extended.getTime()).toBeGreaterThan(d.dueAt.getTime());
        const pausedAt = new Date(start.getTime() + 3_600_000);
        const resumed = dueAfterPause(cal, d, pausedAt, new Date(pausedAt.getTime() + pauseMs));
        expect(isWorkingMoment(resumed)).toBe(true);
        expect(resumed.getTime()).toBeGreaterThanOrEqual(d.dueAt.getTime());
        const limit = limitFrom(cal, start, { amount: months, unit: 'months' });
        expect(isWorkingMoment(limit)).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('a re-armed ladder points at its first future step', () => {
    fc.assert(
      fc.property(instant, term, fc.integer({ min: 0, max: 60 * 86_400_000 }), (start, t, later) => {
        const ladder: EscalationStep[] = [
          { at: { percent: 75 }, level: 1, notify: ['assignee'] },
          { at: { breach: true }, level: 2, notify: ['head'] },
          { at: { afterBreach: { amount: 2, unit: 'working_days' } }, level: 3, notify: ['coordinator'] },
        ];
        const d = { startedAt: start, dueAt: dueAfter(cal, start, t), unit: t.unit };
        const now = new Date(start.getTime() + later);
        const pos = armLadder(cal, ladder, d, now);
        ladder.forEach((s, i) => {
          const at = stepInstant(cal, s, d).getTime();
          if (i < pos.nextStep) expect(at).toBeLessThanOrEqual(now.getTime());
          if (i === pos.nextStep) expect(at).toBe(pos.nextStepAt!.getTime());
        });
        expect(pos.nextStepAt === null || pos.nextStepAt.getTime() > now.getTime()).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
