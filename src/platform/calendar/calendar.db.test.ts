import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/db.ts';
import type { Actor } from '../auth/actor.ts';
import { DomainError } from '../http/errors.ts';
import { parseCorrectionsJson, type CorrectionsFile } from './calendar.corrections.ts';
import { importCorrections } from './calendar.import.ts';
import { buildSeedRows, seedCalendar } from './calendar.seed.ts';
import { formatLocal, parseInstant } from './calendar.time.ts';
import { getCalendar, getCalendars, invalidateCalendarCache } from './calendar.ts';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t.close());

const admin: Actor = {
  kind: 'staff',
  accountId: '00000000-0000-4000-8000-000000000001',
  staffId: '00000000-0000-4000-8000-000000000002',
  personId: null,
  organizationId: '00000000-0000-4000-8000-000000000003',
  regionCode: '350000000',
  displayName: 'Test administrator',
  roles: [{ role: 'administrator', organizationId: '00000000-0000-4000-8000-000000000003', includesSubtree: true }],
  locale: 'en',
};
const at = new Date('2026-11-20T06:00:00Z');
const almaty = (local: string) => parseInstant(local, 'Asia/Almaty')!;

function file(json: unknown): CorrectionsFile {
  const r = parseCorrectionsJson(json);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.file;
}

async function nationalRows() {
  return t.db
    .selectFrom('calendarDay')
    .select(['regionCode', 'date', 'kind', 'holiday', 'name', 'act'])
    .where('regionCode', '=', '000000000')
    .orderBy('date')
    .execute();
}

describe('seeding', () => {
  it('migration 0002 holds exactly the seed rows (date-holidays + corrections files)', async () => {
    // If this fails after editing a corrections file or upgrading date-holidays: 0002 may not be
    // edited once shipped; add the change as a new migration or an administrator's import.
    expect(await nationalRows()).toEqual(buildSeedRows());
    const settings = await t.db.selectFrom('calendarRegion').selectAll().execute();
    expect(settings).toMatchObject([{ regionCode: '000000000', timeZone: 'Asia/Almaty', workStart: '09:00', workEnd: '18:00' }]);
  });

  it('seedCalendar is idempotent and never overwrites', async () => {
    expect(await seedCalendar(t.db)).toEqual({ inserted: 0 });
    await t.db.deleteFrom('calendarDay').where('regionCode', '=', '000000000').where('date', '>=', '2027-12-01').execute();
    await t.db.updateTable('calendarDay').set({ name: 'changed by an import' }).where('regionCode', '=', '000000000').where('date', '=', '2027-12-16').execute();
    expect(await seedCalendar(t.db)).toEqual({ inserted: 31 });
    expect(await seedCalendar(t.db)).toEqual({ inserted: 0 });
    const rows = await nationalRows();
    expect(rows).toHaveLength(buildSeedRows().length);
    await t.db.updateTable('calendarDay').set({ name: 'День независимости' }).where('date', '=', '2027-12-16').execute();
    expect(await nationalRows()).toEqual(buildSeedRows());
  });
});

describe('getCalendar', () => {
  it('counts the Nauryz 2026 example on the stored calendar', async () => {
    const cal = await getCalendar(t.db);
    expect(cal.timeZone).toBe('Asia/Almaty');
    const { due, skipped } = cal.addWorkingDays(almaty('2026-03-20T10:00'), 15);
    expect(due.toISOString()).toBe('2026-04-15T13:00:00.000Z');
    expect(skipped).toHaveLength(11);
    // A region with no days or hours of its own: the nation's calendar under its own code.
    const region = await getCalendar(t.db, '710000000');
    expect(region.regionCode).toBe('710000000');
    expect(cal.regionCode).toBe('000000000');
    expect(region.addWorkingDays(almaty('2026-03-20T10:00'), 15).due.toISOString()).toBe('2026-04-15T13:00:00.000Z');
    expect(region.day('2026-03-23')).toEqual(cal.day('2026-03-23'));
  });

  it('is cached until the calendar changes, even when another process changes it', async () => {
    const a = await getCalendar(t.db);
    expect(await getCalendar(t.db)).toBe(a);
    // Another process edits a day and bumps the revision; this process never called invalidate.
    await t.db.transaction().execute(async (trx) => {
      await trx.updateTable('calendarDay').set({ kind: 'transferred_day_off', act: 'test' }).where('regionCode', '=', '000000000').where('date', '=', '2026-12-31').execute();
      await sql`update calendar_revision set revision = gen_random_uuid()`.execute(trx);
    });
    const b = await getCalendar(t.db);
    expect(b).not.toBe(a);
    expect(b.isWorkingDay('2026-12-31')).toBe(false);
    await t.db.transaction().execute(async (trx) => {
      await trx.updateTable('calendarDay').set({ kind: 'working', act: buildSeedRows().find((r) => r.date === '2026-12-31')!.act }).where('date', '=', '2026-12-31').execute();
      await sql`update calendar_revision set revision = gen_random_uuid()`.execute(trx);
    });
    expect((await getCalendar(t.db)).isWorkingDay('2026-12-31')).toBe(true);
  });

  it('refuses a region code that is not 9 digits, naming the field', async () => {
    await expect(getCalendar(t.db, '35')).rejects.toMatchObject({ field: 'region', messageKey: 'calendar:errors.invalid_region' });
  });
});

describe('importCorrections', () => {
  it('a region file overrides the nation for the region and its cities only, and is audited', async () => {
    const before = await t.db.selectFrom('calendarRevision').select('revision').executeTakeFirstOrThrow();
    const r = await t.db.transaction().execute((trx) =>
      importCorrections(
        trx,
        file({
          region: '350000000',
          year: 2026,
          act: 'Decision of the Karaganda region maslikhat No. 1 (test)',
          days: [{ date: '2026-04-10', kind: 'holiday', name: 'Regional day (test)', holiday: 'regional_day' }],
        }),
        admin,
        at,
      ),
    );
    invalidateCalendarCache();
    expect(r).toEqual({ regionCode: '350000000', year: 2026, applied: 1, created: 0, dryRun: false, changes: [{ date: '2026-04-10', from: null, to: 'holiday' }] });
    const after = await t.db.selectFrom('calendarRevision').select('revision').executeTakeFirstOrThrow();
    expect(after.revision).not.toBe(before.revision);

    const city = await getCalendar(t.db, '351010000');
    expect(city.day('2026-04-10')).toMatchObject({ kind: 'holiday', isWorking: false, name: 'Regional day (test)' });
    expect(city.addWorkingDays(almaty('2026-03-20T10:00'), 15).due.toISOString()).toBe('2026-04-16T13:00:00.000Z');
    expect((await getCalendar(t.db)).isWorkingDay('2026-04-10')).toBe(true);
    expect((await getCalendar(t.db, '710000000')).isWorkingDay('2026-04-10')).toBe(true);

    const audit = await t.db.selectFrom('auditLog').selectAll().where('action', '=', 'calendar.corrections_imported').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ regionCode: '350000000', entityType: 'calendar_year', entityId: '350000000/2026', actorKind: 'staff', actorId: admin.kind === 'staff' ? admin.accountId : '' });
    expect(audit[0]!.data).toMatchObject({ year: 2026, changes: [{ date: '2026-04-10', from: null, to: 'holiday' }] });
  });

  it("uses the most specific region's settings", async () => {
    await t.db.insertInto('calendarRegion').values({ regionCode: '350000000', workStart: '08:00', workEnd: '17:00' }).execute();
    await sql`update calendar_revision set revision = gen_random_uuid()`.execute(t.db);
    const city = await getCalendar(t.db, '351010000');
    expect([city.workStart, city.workEnd]).toEqual(['08:00', '17:00']);
    expect(formatLocal(city.addWorkingDays(almaty('2026-04-06T10:00'), 1).due, 'Asia/Almaty')).toBe('2026-04-07T17:00');
  });

  it('getCalendars builds several regions at once, each as getCalendar builds it alone', async () => {
    // After the two tests above: Karaganda region has a holiday of its own and its own hours.
    const regions = ['351010000', '350000000', '710000000', '000000000'];
    invalidateCalendarCache();
    const together = await getCalendars(t.db, [...regions, '351010000']);
    expect([...together.keys()].sort()).toEqual([...regions].sort());
    invalidateCalendarCache();
    for (const code of regions) {
      const alone = await getCalendar(t.db, code);
      const c = together.get(code)!;
      expect([c.regionCode, c.timeZone, c.workStart, c.workEnd]).toEqual([alone.regionCode, alone.timeZone, alone.workStart, alone.workEnd]);
      for (const date of ['2026-03-23', '2026-04-10', '2026-12-16']) expect([code, date, c.isWorkingDay(date)]).toEqual([code, date, alone.isWorkingDay(date)]);
      expect(c.addWorkingDays(almaty('2026-03-20T10:00'), 15).due).toEqual(alone.addWorkingDays(almaty('2026-03-20T10:00'), 15).due);
    }
    expect(together.get('351010000')!.isWorkingDay('2026-04-10')).toBe(false);
    expect([together.get('351010000')!.workStart, together.get('710000000')!.workStart]).toEqual(['08:00', '09:00']);
    expect(together.get('710000000')!.isWorkingDay('2026-04-10')).toBe(true);
    // Cached: a second call answers the same objects.
    expect((await getCalendars(t.db, ['710000000'])).get('710000000')).toBe(await getCalendar(t.db, '710000000'));
    await expect(getCalendars(t.db, ['350000000', '35'])).rejects.toMatchObject({ field: 'region', messageKey: 'calendar:errors.invalid_region' });
  });

  it('a dry run reports the changes and writes nothing', async () => {
    const f = file({ year: 2026, act: 'Order No. 1 (test)', days: [{ date: '2026-12-31', kind: 'transferred_day_off' }] });
    const r = await t.db.transaction().execute((trx) => importCorrections(trx, f, admin, at, { dryRun: true }));
    expect(r.changes).toEqual([{ date: '2026-12-31', from: 'working', to: 'transferred_day_off' }]);
    const row = await t.db.selectFrom('calendarDay').select('kind').where('regionCode', '=', '000000000').where('date', '=', '2026-12-31').executeTakeFirstOrThrow();
    expect(row.kind).toBe('working');
  });

  it('a national file for a new year creates the year first', async () => {
    const f = file({
      year: 2028,
      act: 'Law of RK No. 267-II «On holidays in RK» (test)',
      days: [
        { date: '2028-01-01', kind: 'holiday', name: 'Новый год', holiday: 'new_year' },
        { date: '2028-01-03', kind: 'transferred_day_off', holiday: 'new_year' },
      ],
    });
    const r = await t.db.transaction().execute((trx) => importCorrections(trx, f, admin, at));
    invalidateCalendarCache();
    expect(r.created).toBe(366);
    expect(r.changes).toEqual([
      { date: '2028-01-01', from: 'weekend', to: 'holiday' },
      { date: '2028-01-03', from: 'working', to: 'transferred_day_off' },
    ]);
    const cal = await getCalendar(t.db);
    expect(cal.day('2028-01-03')).toMatchObject({ kind: 'transferred_day_off', isWorking: false });
    expect(cal.day('2028-12-31').kind).toBe('weekend');
    // A term now runs across New Year 2027/2028 instead of failing at the end of 2027.
    expect(cal.addWorkingDays(almaty('2027-12-28T10:00'), 5).due.toISOString()).toBe('2028-01-05T13:00:00.000Z');
  });

  it('a region file for a year the nation lacks is refused, naming the field', async () => {
    const f = file({ region: '350000000', year: 2030, act: 'x', days: [{ date: '2030-01-07', kind: 'working' }] });
    const err = await t.db.transaction().execute((trx) => importCorrections(trx, f, admin, at)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ field: 'year', messageKey: 'calendar:import.year_not_in_national' });
  });

  it('the database refuses a kind that contradicts the weekday', async () => {
    await expect(
      t.db.insertInto('calendarDay').values({ regionCode: '350000000', date: '2026-04-11', kind: 'working', act: 'x' }).execute(),
    ).rejects.toThrow(/calendar_day_weekday_ck/);
  });
});
