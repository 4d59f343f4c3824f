import fs from 'node:fs';
import path from 'node:path';
import { ANONYMOUS } from '../auth/actor.ts';
import type { Executor } from '../db/database.ts';
import { DomainError } from '../http/errors.ts';
import { isLang, t, type Lang } from '../i18n/i18n.ts';
import { parseCorrections } from './calendar.corrections.ts';
import { importCorrections } from './calendar.import.ts';
import { dayLabel, issueMessage, kindLabel } from './calendar.labels.ts';
import { datesBetween, formatLocal, isoWeekday, parseInstant } from './calendar.time.ts';
import { NATIONAL_REGION, getCalendar, invalidateCalendarCache } from './calendar.ts';

/**
 * `ortak calendar …` (wired in src/main.ts):
 *   calendar due --from 2026-03-20T10:00 --days 15 [--region 351010000] [--lang en]
 *   calendar import <file.json|file.csv> [--region …] [--dry-run]
 *   calendar days --year 2026 [--region …]
 * Returns the exit code: 0 done, 1 refused (bad data or out of range), 2 bad usage.
 */

export interface CliIo {
  out(line: string): void;
}

const defaultIo: CliIo = { out: (line) => process.stdout.write(line + '\n') };
const WEEKDAY: Record<Lang, string[]> = {
  en: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
  ru: ['пн', 'вт', 'ср', 'чт', 'пт', 'сб', 'вс'],
  kk: ['дс', 'сс', 'ср', 'бс', 'жм', 'сн', 'жс'],
};

interface Args {
  positional: string[];
  options: Record<string, string | true>;
  bad?: string;
}

const VALUED = new Set(['from', 'days', 'region', 'lang', 'year']);
const FLAGS = new Set(['dry-run']);

function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  const options: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const [key, inline] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (FLAGS.has(key) && inline === undefined) options[key] = true;
    else if (VALUED.has(key)) {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith('--')) return { positional, options, bad: a };
      options[key] = v;
    } else return { positional, options, bad: a };
  }
  return { positional, options };
}

export async function calendarCli(argv: string[], db: Executor, io: CliIo = defaultIo): Promise<number> {
  const args = parseArgs(argv[0] === 'calendar' ? argv.slice(1) : argv);
  const langOpt = args.options.lang;
  const lang: Lang = typeof langOpt === 'string' && isLang(langOpt) ? langOpt : 'en';
  const out = io.out;
  const usage = (code: number) => {
    out(t(lang, 'calendar:cli.usage'));
    return code;
  };
  if (args.bad) {
    out(t(lang, 'calendar:cli.bad_option', { option: args.bad }));
    return usage(2);
  }
  const opt = (k: string) => (typeof args.options[k] === 'string' ? (args.options[k] as string) : undefined);
  const region = opt('region') ?? NATIONAL_REGION;
  const [cmd, ...rest] = args.positional;

  try {
    switch (cmd) {
      case 'due': {
        const from = opt('from');
        const daysText = opt('days');
        if (!from || !daysText) return usage(2);
        const cal = await getCalendar(db, region);
        const receivedAt = parseInstant(from, cal.timeZone);
        if (!receivedAt) {
          out(t(lang, 'calendar:errors.invalid_from', { value: from }));
          return 1;
        }
        const days = /^\d+$/.test(daysText) ? Number(daysText) : Number.NaN;
        const receipt = cal.receiptDay(receivedAt);
        const { due, skipped } = cal.addWorkingDays(receivedAt, days);
        const wd = (date: string) => WEEKDAY[lang][isoWeekday(date) - 1];
        out(t(lang, 'calendar:cli.region', { region: cal.regionCode, timeZone: cal.timeZone, start: cal.workStart, end: cal.workEnd }));
        out(t(lang, 'calendar:cli.received', { local: formatLocal(receivedAt, cal.timeZone).replace('T', ' '), timeZone: cal.timeZone }));
        out(t(lang, 'calendar:cli.receipt_day', { date: `${receipt} (${wd(receipt)})` }));
        out(
          t(lang, 'calendar:cli.due', {
            local: `${formatLocal(due, cal.timeZone).replace('T', ' ')} (${wd(cal.localDate(due))})`,
            timeZone: cal.timeZone,
            utc: due.toISOString(),
            days,
          }),
        );
        if (skipped.length === 0) out(t(lang, 'calendar:cli.skipped_none'));
        else {
          out(t(lang, 'calendar:cli.skipped', { count: skipped.length }));
          for (const d of skipped) out(`  ${d.date} ${wd(d.date)}  ${dayLabel(d, lang)}`);
        }
        return 0;
      }

      case 'import': {
        const file = rest[0];
        if (!file) return usage(2);
        const ext = path.extname(file).toLowerCase();
        if (ext !== '.json' && ext !== '.csv') {
          out(t(lang, 'calendar:cli.unknown_format', { file }));
          return 2;
        }
        let content: string;
        try {
          content = fs.readFileSync(file, 'utf8');
        } catch (e) {
          out(t(lang, 'calendar:cli.file_unreadable', { file, detail: (e as Error).message }));
          return 1;
        }
        const parsed = parseCorrections(ext === '.csv' ? 'csv' : 'json', content, opt('region') === undefined ? {} : { region });
        if (!parsed.ok) {
          out(t(lang, 'calendar:cli.errors_found', { count: parsed.issues.length, file }));
          for (const i of parsed.issues) out(`  ${issueMessage(i, lang).message}`);
          return 1;
        }
        const dryRun = args.options['dry-run'] === true;
        const r = await db.transaction().execute((trx) => importCorrections(trx, parsed.file, ANONYMOUS, new Date(), { dryRun, via: 'cli' }));
        if (!dryRun) invalidateCalendarCache();
        out(t(lang, dryRun ? 'calendar:cli.dry_run' : 'calendar:cli.imported', { applied: r.applied, region: r.regionCode, year: r.year, created: r.created }));
        for (const c of r.changes) {
          out(t(lang, 'calendar:cli.change', { date: c.date, from: c.from ? kindLabel(c.from, lang) : t(lang, 'calendar:cli.none'), to: kindLabel(c.to, lang) }));
        }
        return 0;
      }

      case 'days': {
        const yearText = opt('year');
        if (!yearText || !/^\d{4}$/.test(yearText)) return usage(2);
        const cal = await getCalendar(db, region);
        const days = datesBetween(`${yearText}-01-01`, `${yearText}-12-31`).map((d) => cal.day(d));
        const working = days.filter((d) => d.isWorking).length;
        out(t(lang, 'calendar:cli.days_summary', { region: cal.regionCode, year: yearText, working, off: days.length - working }));
        for (const d of days) {
          if (d.kind === 'working' || (d.kind === 'weekend' && !d.name)) continue;
          out(`  ${d.date} ${WEEKDAY[lang][isoWeekday(d.date) - 1]}  ${kindLabel(d.kind, lang).padEnd(28)} ${dayLabel(d, lang)}`);
        }
        return 0;
      }

      default:
        return usage(cmd === undefined || cmd === 'help' ? 0 : 2);
    }
  } catch (e) {
    if (e instanceof DomainError) {
      out(t(lang, e.messageKey, { ...e.params, field: e.field }));
      return 1;
    }
    throw e;
  }
}
