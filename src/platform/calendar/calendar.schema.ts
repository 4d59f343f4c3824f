import { Type } from 'typebox';
import { MAX_CONTENT_CHARS } from './calendar.corrections.ts';
import { DAY_KINDS, MAX_TERM_DAYS } from './calendar.ts';

/** TypeBox schemas of the calendar routes (request and response). */

export const DayKindSchema = Type.Union(
  DAY_KINDS.map((k) => Type.Literal(k)),
  { description: 'working | weekend | holiday | transferred_day_off | transferred_working_day' },
);

// The region is checked in code (calendar:errors.invalid_region) so that the message is translated.
const RegionQuery = Type.String({
  maxLength: 20,
  description: 'KATO code of 9 digits; default 000000000 (the national calendar). A city inherits its region\'s days.',
  examples: ['351010000'],
});

export const CalendarDaySchema = Type.Object({
  date: Type.String({ format: 'date' }),
  kind: DayKindSchema,
  isWorking: Type.Boolean(),
  label: Type.String({ description: 'Holiday or kind of day in the language of the request' }),
  name: Type.Optional(Type.String({ description: 'The name the act gave the day' })),
  holiday: Type.Optional(Type.String({ description: 'Holiday code (calendar:holiday.<code>)' })),
  act: Type.String({ description: 'The legal act that set the day' }),
});

export const DaysQuery = Type.Object({
  year: Type.Integer({ minimum: 2000, maximum: 2100, examples: [2026] }),
  region: Type.Optional(RegionQuery),
});

export const DaysResponse = Type.Object({
  regionCode: Type.String(),
  year: Type.Integer(),
  timeZone: Type.String(),
  workStart: Type.String(),
  workEnd: Type.String(),
  workingDays: Type.Integer(),
  days: Type.Array(CalendarDaySchema),
});

export const DueQuery = Type.Object({
  from: Type.String({
    maxLength: 40,
    description: 'When the appeal was received: ISO date-time; without an offset it is local time of the region',
    examples: ['2026-03-20T10:00', '2026-03-20T05:00:00Z'],
  }),
  days: Type.Integer({ minimum: 0, maximum: MAX_TERM_DAYS, description: 'Term in working days', examples: [15] }),
  region: Type.Optional(RegionQuery),
});

export const DueResponse = Type.Object({
  regionCode: Type.String(),
  timeZone: Type.String(),
  receivedAt: Type.String({ format: 'date-time' }),
  receiptDay: Type.String({ format: 'date', description: 'The day the appeal counts as received on (APPC art. 64)' }),
  days: Type.Integer(),
  due: Type.String({ format: 'date-time', description: 'End of working hours of the last working day, UTC' }),
  dueLocal: Type.String({ description: 'The same instant as local wall time, YYYY-MM-DDTHH:MM' }),
  skipped: Type.Array(CalendarDaySchema),
});

export const CorrectionsBody = Type.Object({
  format: Type.Union([Type.Literal('json'), Type.Literal('csv')], { description: 'How `content` is written' }),
  content: Type.String({ minLength: 1, maxLength: MAX_CONTENT_CHARS, description: 'The corrections file as uploaded (README.md of the calendar)' }),
  region: Type.Optional(Type.String({ maxLength: 20, description: 'Region of a CSV file (a JSON file names its own); default national' })),
  dryRun: Type.Optional(Type.Boolean({ description: 'Validate and report the changes without writing' })),
});

export const CorrectionsResponse = Type.Object({
  regionCode: Type.String(),
  year: Type.Integer(),
  applied: Type.Integer(),
  created: Type.Integer(),
  dryRun: Type.Boolean(),
  changes: Type.Array(Type.Object({ date: Type.String({ format: 'date' }), from: Type.Union([DayKindSchema, Type.Null()]), to: DayKindSchema })),
});
