import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type HolidaysType from 'date-holidays';
import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';
import { forgetRevisions } from '../db/revision.ts';
import { ACT, plainDay } from './calendar.acts.ts';
import { parseCorrectionsJson, type CorrectionsFile } from './calendar.corrections.ts';
import {
  DEFAULT_TIME_ZONE,
  DEFAULT_WORK_END,
  DEFAULT_WORK_START,
  NATIONAL_REGION,
  buildCalendar,
  invalidateCalendarCache,
  isWorkingKind,
  type Calendar,
  type DayKind,
} from './calendar.ts';
import { datesBetween } from './calendar.time.ts';

/**
 * The national calendar for 2024–2027: every date of the years, holidays from `date-holidays`
 * (used here only, to seed), then the corrections files in ./corrections, which fix what the
 * library gets wrong or cannot know (decreed swaps, Nauryz 2026, the 2026 Constitution Day
 * change) and cite the act for each day.
 *
 * Where the rows live: migrations/0002_calendar.sql inserts exactly these rows (written by
 * calendar.generate.ts), so every database — and the test template — is seeded by migrating.
 * seedCalendar() inserts the same rows where missing: idempotent, never overwrites an
 * administrator's import. calendar.db.test.ts checks that the two agree.
 */

export const SEED_YEARS = [2024, 2025, 2026, 2027] as const;
export const CORRECTIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'corrections');

export interface SeedRow {
  regionCode: string;
  date: string;
  kind: DayKind;
  holiday: string | null;
  name: string | null;
  act: string;
}

/** date-holidays rule → our holiday code. A rule missing here stops the seed (the library changed). */
const HOLIDAY_BY_RULE: Record<string, string> = {
  '01-01': 'new_year',
  '01-02': 'new_year',
  '01-07': 'orthodox_christmas',
  '03-08': 'womens_day',
  '03-15': 'constitution_day',
  '03-21': 'nauryz',
  '03-22': 'nauryz',
  '03-23': 'nauryz',
  '05-01': 'unity_day',
  '05-07': 'defender_day',
  '05-09': 'victory_day',
  '07-06': 'capital_day',
  '08-30': 'constitution_day',
  '10-25': 'republic_day',
  '12-16': 'independence_day',
  '10 Dhu al-Hijjah': 'kurban_ait',
};
const RELIGIOUS = new Set(['orthodox_christmas', 'kurban_ait']);

function holidayCode(rule: string): string {
  const key = Object.keys(HOLIDAY_BY_RULE).find((k) => rule === k || rule.startsWith(`${k} `));
  if (!key) throw new Error(`date-holidays returned a Kazakhstan holiday with an unknown rule "${rule}": map it in calendar.seed.ts`);
  return HOLIDAY_BY_RULE[key]!;
}

/** Holidays and the library's weekend transfers for one year, as rows (not yet corrected). */
export function libraryRows(year: number): SeedRow[] {
  // Loaded on first use, not with the module: its data for every country costs the server ~12 MB
  // of memory, and only seeding and the calendar generator need it.
  const Holidays = createRequire(import.meta.url)('date-holidays') as typeof HolidaysType;
  const hd = new Holidays('KZ', { languages: ['ru'] });
  const holidays = hd.getHolidays(year).filter((h) => h.type === 'public');
  const rows = new Map<string, SeedRow>();
  // Holidays first, so that a transfer landing on another holiday (Nauryz 2026) never hides it.
  for (const h of [...holidays.filter((x) => !x.substitute), ...holidays.filter((x) => x.substitute)]) {
    const date = h.date.slice(0, 10);
    if (rows.has(date)) continue;
    const code = holidayCode(h.rule);
    const name = h.name.replace(/\s*\(substitute day\)$/, '');
    rows.set(
      date,
      h.substitute
        ? { regionCode: NATIONAL_REGION, date, kind: 'transferred_day_off', holiday: code, name: `${name} (перенесённый выходной)`, act: ACT.transferRule }
        : { regionCode: NATIONAL_REGION, date, kind: 'holiday', holiday: code, name, act: RELIGIOUS.has(code) ? ACT.religiousHoliday : ACT.holiday },
    );
  }
  return [...rows.values()];
}

export function plainRows(year: number, regionCode = NATIONAL_REGION): SeedRow[] {
  return datesBetween(`${year}-01-01`, `${year}-12-31`).map((date) => ({ regionCode, date, holiday: null, name: null, ...plainDay(date) }));
}

/** The corrections files shipped in the repository, validated (a bad file is a bug: it throws). */
export function loadSeedCorrections(dir = CORRECTIONS_DIR): CorrectionsFile[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^kz-\d{4}\.json$/.test(f))
    .sort()
    .map((f) => {
      const r = parseCorrectionsJson(fs.readFileSync(path.join(dir, f), 'utf8'));
      if (!r.ok) throw new Error(`${f}: ${r.issues.map((i) => `${i.path}: ${i.key} ${JSON.stringify(i.params)}`).join('; ')}`);
      if (`kz-${r.file.year}.json` !== f) throw new Error(`${f} holds year ${r.file.year}`);
      return r.file;
    });
}

/** Every national row of the seeded years: plain days, then library holidays, then corrections. */
export function buildSeedRows(): SeedRow[] {
  const rows = new Map<string, SeedRow>();
  for (const year of SEED_YEARS) {
    for (const r of plainRows(year)) rows.set(r.date, r);
    for (const r of libraryRows(year)) rows.set(r.date, r);
  }
  for (const file of loadSeedCorrections()) {
    if (file.region !== NATIONAL_REGION || !(SEED_YEARS as readonly number[]).includes(file.year)) continue;
    for (const d of file.days) {
      rows.set(d.date, { regionCode: NATIONAL_REGION, date: d.date, kind: d.kind, holiday: d.holiday ?? null, name: d.name ?? null, act: d.act });
    }
  }
  return [...rows.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
}

/**
 * The seeded national calendar in memory, no database: for pure tests of code that counts
 * terms (the same days migration 0002 inserts).
 */
export function seededCalendar(): Calendar {
  return buildCalendar(
    { regionCode: NATIONAL_REGION, timeZone: DEFAULT_TIME_ZONE, workStart: DEFAULT_WORK_START, workEnd: DEFAULT_WORK_END },
    buildSeedRows().map((r) => ({
      date: r.date,
      kind: r.kind,
      isWorking: isWorkingKind(r.kind),
      ...(r.name ? { name: r.name } : {}),
      ...(r.holiday ? { holiday: r.holiday } : {}),
      act: r.act,
    })),
  );
}

/** The rows that differ from a plain working day or weekend: what the migration spells out. */
export function exceptionRows(rows = buildSeedRows()): SeedRow[] {
  return rows.filter((r) => {
    const plain = plainDay(r.date);
    return !(r.kind === plain.kind && r.act === plain.act && r.name === null && r.holiday === null);
  });
}

/**
 * Inserts the seed rows that are missing, and the national settings row. Idempotent: a row
 * already there (seeded by the migration, or changed by an import) is left alone. Returns the
 * number of day rows inserted.
 */
export async function seedCalendar(db: Executor): Promise<{ inserted: number }> {
  const rows = buildSeedRows();
  let inserted = 0;
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('calendarRegion').values({ regionCode: NATIONAL_REGION }).onConflict((oc) => oc.doNothing()).execute();
    for (let i = 0; i < rows.length; i += 500) {
      const res = await trx
        .insertInto('calendarDay')
        .values(rows.slice(i, i + 500).map((r) => ({ ...r, source: 'seed' })))
        .onConflict((oc) => oc.columns(['regionCode', 'date']).doNothing())
        .executeTakeFirst();
      inserted += Number(res.numInsertedOrUpdatedRows ?? 0);
    }
    if (inserted > 0) {
      await sql`update calendar_revision set revision = gen_random_uuid(), changed_at = now()`.execute(trx);
      forgetRevisions(trx);
    }
  });
  if (inserted > 0) invalidateCalendarCache();
  return { inserted };
}
