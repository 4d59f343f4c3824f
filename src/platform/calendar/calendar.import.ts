import { sql } from 'kysely';
import { appendAudit } from '../audit/audit.ts';
import type { Actor } from '../auth/actor.ts';
import type { Executor } from '../db/database.ts';
import { forgetRevisions } from '../db/revision.ts';
import { invalid } from '../http/errors.ts';
import { plainDay } from './calendar.acts.ts';
import type { CorrectionsFile } from './calendar.corrections.ts';
import { plainRows } from './calendar.seed.ts';
import { NATIONAL_REGION, type DayKind } from './calendar.ts';

export interface ImportChange {
  date: string;
  /** The kind before the import; null when the date had no row for this region. */
  from: DayKind | null;
  to: DayKind;
}

export interface ImportResult {
  regionCode: string;
  year: number;
  /** Entries written (or, in a dry run, that would be). */
  applied: number;
  /** Plain days created first because the national calendar lacked the year. */
  created: number;
  changes: ImportChange[];
  dryRun: boolean;
}

/**
 * Applies a validated corrections file: each entry replaces the day of its region (upsert).
 * Dates not in the file are left as they are. A national file for a year not yet in the
 * calendar first fills that year with plain working days and weekends, so a new year's file
 * must list its holidays too (README.md). A region file needs the national year first.
 *
 * Call inside the route's transaction; writes the audit entry there too. The caller drops the
 * in-memory cache after commit (invalidateCalendarCache); other processes see the new revision.
 */
export async function importCorrections(
  trx: Executor,
  file: CorrectionsFile,
  actor: Actor,
  at: Date,
  opts: { dryRun?: boolean; via?: 'http' | 'cli' } = {},
): Promise<ImportResult> {
  const dryRun = opts.dryRun ?? false;
  const from = `${file.year}-01-01`;
  const to = `${file.year}-12-31`;
  const nationalDays = await trx
    .selectFrom('calendarDay')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('regionCode', '=', NATIONAL_REGION)
    .where('date', '>=', from)
    .where('date', '<=', to)
    .executeTakeFirstOrThrow();
  let created = 0;
  if (nationalDays.n === 0) {
    if (file.region !== NATIONAL_REGION) {
      throw invalid('year', `the national calendar has no ${file.year} yet; import it first`, 'calendar:import.year_not_in_national', { year: file.year });
    }
    const plain = plainRows(file.year);
    created = plain.length;
    if (!dryRun) await trx.insertInto('calendarDay').values(plain.map((r) => ({ ...r, source: 'import', updatedAt: at }))).execute();
  }

  const dates = file.days.map((d) => d.date);
  const existing = await trx
    .selectFrom('calendarDay')
    .select(['date', 'kind'])
    .where('regionCode', '=', file.region)
    .where('date', 'in', dates)
    .execute();
  const before = new Map(existing.map((r) => [r.date, r.kind as DayKind]));
  // In a dry run for a new year the plain rows were not written: report what they would be.
  const changes: ImportChange[] = file.days.map((d) => ({
    date: d.date,
    from: before.get(d.date) ?? (created > 0 ? plainDay(d.date).kind : null),
    to: d.kind,
  }));

  if (!dryRun) {
    await trx
      .insertInto('calendarDay')
      .values(
        file.days.map((d) => ({
          regionCode: file.region,
          date: d.date,
          kind: d.kind,
          holiday: d.holiday ?? null,
          name: d.name ?? null,
          act: d.act,
          source: 'import',
          updatedAt: at,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['regionCode', 'date']).doUpdateSet((eb) => ({
          kind: eb.ref('excluded.kind'),
          holiday: eb.ref('excluded.holiday'),
          name: eb.ref('excluded.name'),
          act: eb.ref('excluded.act'),
          source: eb.ref('excluded.source'),
          updatedAt: eb.ref('excluded.updatedAt'),
        })),
      )
      .execute();
    await sql`update calendar_revision set revision = gen_random_uuid(), changed_at = ${at}`.execute(trx);
    forgetRevisions(trx);
    await appendAudit(trx, {
      regionCode: file.region,
      actor,
      action: 'calendar.corrections_imported',
      entityType: 'calendar_year',
      entityId: `${file.region}/${file.year}`,
      organizationId: actor.kind === 'staff' ? actor.organizationId : null,
      data: { year: file.year, created, via: opts.via ?? 'http', source: file.source ?? null, changes },
      at,
    });
  }
  return { regionCode: file.region, year: file.year, applied: file.days.length, created, changes, dryRun };
}
