/**
 * Writes the seed rows into migrations/0002_calendar.sql, between the GENERATED markers:
 *
 *   npx tsx src/platform/calendar/calendar.generate.ts          # rewrite
 *   npx tsx src/platform/calendar/calendar.generate.ts --check  # exit 1 if it would change
 *
 * Only while 0002 has not shipped: an applied migration must never change (the migrator refuses
 * an edited file). After that, corrections go in through an import or a new migration.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACT } from './calendar.acts.ts';
import { NATIONAL_REGION } from './calendar.ts';
import { SEED_YEARS, exceptionRows, type SeedRow } from './calendar.seed.ts';

export const MIGRATION_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations/0002_calendar.sql');
const BEGIN = '-- BEGIN GENERATED SEED (src/platform/calendar/calendar.generate.ts; do not edit by hand)';
const END = '-- END GENERATED SEED';

const q = (v: string | null) => (v === null ? 'null' : `'${v.replace(/'/g, "''")}'`);

export function renderSeedSql(rows: SeedRow[] = exceptionRows()): string {
  const first = `${SEED_YEARS[0]}-01-01`;
  const last = `${SEED_YEARS[SEED_YEARS.length - 1]}-12-31`;
  const values = rows.map((r) => `  (${q(r.regionCode)}, ${q(r.date)}, ${q(r.kind)}, ${q(r.holiday)}, ${q(r.name)}, ${q(r.act)})`);
  return [
    BEGIN,
    `-- Every date of ${SEED_YEARS[0]}–${SEED_YEARS[SEED_YEARS.length - 1]}: Monday–Friday working, Saturday and Sunday off.`,
    `insert into calendar_day (region_code, date, kind, act)`,
    `select ${q(NATIONAL_REGION)}, d::date,`,
    `       case when extract(isodow from d) >= 6 then 'weekend' else 'working' end,`,
    `       case when extract(isodow from d) >= 6 then ${q(ACT.weekend)} else ${q(ACT.workingDay)} end`,
    `from generate_series(date ${q(first)}, date ${q(last)}, interval '1 day') as d;`,
    '',
    `-- Holidays (date-holidays), weekend transfers, and the corrections files with their acts.`,
    `insert into calendar_day (region_code, date, kind, holiday, name, act) values`,
    values.join(',\n'),
    `on conflict on constraint calendar_day_pk do update`,
    `  set kind = excluded.kind, holiday = excluded.holiday, name = excluded.name, act = excluded.act;`,
    END,
  ].join('\n');
}

export function renderMigration(current: string): string {
  const a = current.indexOf(BEGIN);
  const b = current.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${MIGRATION_FILE} lacks the GENERATED SEED markers`);
  return current.slice(0, a) + renderSeedSql() + current.slice(b + END.length);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const current = fs.readFileSync(MIGRATION_FILE, 'utf8');
  const next = renderMigration(current);
  if (process.argv.includes('--check')) {
    if (next !== current) {
      console.error('migrations/0002_calendar.sql differs from the seed; see calendar.generate.ts before regenerating');
      process.exit(1);
    }
  } else if (next !== current) {
    fs.writeFileSync(MIGRATION_FILE, next);
    console.log(`wrote ${path.relative(process.cwd(), MIGRATION_FILE)}`);
  }
}
