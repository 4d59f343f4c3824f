import type { FastifyReply, FastifyRequest } from 'fastify';
import { assertRole } from '../../modules/directory/directory.access.ts';
import { requireStaff } from '../auth/guards.ts';
import { forbidden, invalid } from '../http/errors.ts';
import { requestLang } from '../http/problem.ts';
import { problemResponses } from '../http/schemas.ts';
import type { App, AppDeps } from '../http/types.ts';
import { t, type Lang } from '../i18n/i18n.ts';
import { parseCorrections } from './calendar.corrections.ts';
import { importCorrections } from './calendar.import.ts';
import { dayLabel, issueMessage } from './calendar.labels.ts';
import { CorrectionsBody, CorrectionsResponse, DaysQuery, DaysResponse, DueQuery, DueResponse } from './calendar.schema.ts';
import { datesBetween, formatLocal, parseInstant } from './calendar.time.ts';
import { NATIONAL_REGION, getCalendar, invalidateCalendarCache, withField, type CalendarDay } from './calendar.ts';

function dayOut(d: CalendarDay, lang: Lang) {
  return {
    date: d.date,
    kind: d.kind,
    isWorking: d.isWorking,
    label: dayLabel(d, lang),
    ...(d.name ? { name: d.name } : {}),
    ...(d.holiday ? { holiday: d.holiday } : {}),
    act: d.act,
  };
}

/** A corrections file with errors: 400 problem+json listing every error with its row and column. */
function sendImportProblem(req: FastifyRequest, reply: FastifyReply, errors: { field: string; message: string }[], lang: Lang) {
  const detail = t(lang, 'calendar:import.invalid', { count: errors.length, first: errors[0]?.message ?? '' });
  return reply
    .status(400)
    .type('application/problem+json; charset=utf-8')
    .send({
      type: 'https://ortak.kz/problems/validation',
      title: 'validation',
      status: 400,
      detail,
      instance: req.url.split('?')[0]!,
      code: 'validation',
      requestId: req.id,
      errors: errors.slice(0, 200),
    });
}

/**
 * The working-day calendar under /api: the days of a year and a due date (public, read-only),
 * and an administrator's import of the yearly decree (audited).
 */
export async function registerCalendarRoutes(app: App, deps: AppDeps) {
  const { db, clock, config } = deps;
  const publicLimit = { rateLimit: { max: config.anonRateLimit, timeWindow: '1 minute' } };

  app.get(
    '/calendar/days',
    {
      config: publicLimit,
      schema: {
        tags: ['calendar'],
        summary: 'The days of a year in the production calendar of a region, with the act that set each',
        querystring: DaysQuery,
        response: { 200: DaysResponse, ...problemResponses },
      },
    },
    async (req) => {
      const lang = requestLang(req);
      const cal = await getCalendar(db, req.query.region ?? NATIONAL_REGION);
      const days = withField('year', () => datesBetween(`${req.query.year}-01-01`, `${req.query.year}-12-31`).map((d) => cal.day(d)));
      return {
        regionCode: cal.regionCode,
        year: req.query.year,
        timeZone: cal.timeZone,
        workStart: cal.workStart,
        workEnd: cal.workEnd,
        workingDays: days.filter((d) => d.isWorking).length,
        days: days.map((d) => dayOut(d, lang)),
      };
    },
  );

  app.get(
    '/calendar/due',
    {
      config: publicLimit,
      schema: {
        tags: ['calendar'],
        summary: 'When a term of N working days ends for something received at `from` (APPC art. 64)',
        querystring: DueQuery,
        response: { 200: DueResponse, ...problemResponses },
      },
    },
    async (req) => {
      const lang = requestLang(req);
      const cal = await getCalendar(db, req.query.region ?? NATIONAL_REGION);
      const receivedAt = parseInstant(req.query.from, cal.timeZone);
      if (!receivedAt) throw invalid('from', `not a date-time: ${req.query.from}`, 'calendar:errors.invalid_from', { value: req.query.from });
      const receiptDay = withField('from', () => cal.receiptDay(receivedAt));
      const { due, skipped } = withField('days', () => cal.addWorkingDays(receivedAt, req.query.days));
      return {
        regionCode: cal.regionCode,
        timeZone: cal.timeZone,
        receivedAt: receivedAt.toISOString(),
        receiptDay,
        days: req.query.days,
        due: due.toISOString(),
        dueLocal: formatLocal(due, cal.timeZone),
        skipped: skipped.map((d) => dayOut(d, lang)),
      };
    },
  );

  app.post(
    '/calendar/corrections',
    {
      schema: {
        tags: ['calendar'],
        summary: "Import a year's corrections (the government's decree) into the calendar — administrators",
        description:
          'The file is sent as text in `content`, JSON or CSV (format in src/platform/calendar/README.md). ' +
          'Every error is reported at once, with its row and column. Each entry replaces the day of its region; ' +
          'the import is written to the audit log.',
        body: CorrectionsBody,
        response: { 200: CorrectionsResponse, ...problemResponses },
      },
    },
    async (req, reply) => {
      const actor = requireStaff(req.actor);
      await assertRole(db, actor, 'administrator', actor.organizationId);
      const lang = requestLang(req);
      const { format, content, region, dryRun } = req.body;
      const parsed = parseCorrections(format, content, region === undefined ? {} : { region });
      if (!parsed.ok) return sendImportProblem(req, reply, parsed.issues.map((i) => issueMessage(i, lang)), lang);
      // The national calendar belongs to national bodies (a ministry: region 000000000); a
      // regional administrator changes only the days of their own KATO region.
      const target = parsed.file.region;
      const mine = actor.regionCode === NATIONAL_REGION || (target !== NATIONAL_REGION && target.slice(0, 2) === actor.regionCode.slice(0, 2));
      if (!mine) {
        throw forbidden(`administrator of region ${actor.regionCode} may not change the calendar of ${target}`, {
          messageKey: 'calendar:errors.import_forbidden',
          params: { region: target },
        });
      }
      const result = await db
        .transaction()
        .execute((trx) => importCorrections(trx, parsed.file, actor, clock.now(), { dryRun: dryRun ?? false, via: 'http' }));
      if (!result.dryRun) invalidateCalendarCache();
      return result;
    },
  );
}
