import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/db.ts';
import { calendarCli } from './calendar.cli.ts';

let t: TestDb;
let dir: string;
beforeAll(async () => {
  t = await createTestDb();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ortak-calendar-'));
});
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await t.close();
});

async function run(...argv: string[]): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const code = await calendarCli(argv, t.db, { out: (l) => lines.push(l) });
  return { code, text: lines.join('\n') };
}

describe('ortak calendar due', () => {
  it('prints the receipt day, the due instant in local time and UTC, and the days skipped', async () => {
    const { code, text } = await run('due', '--from', '2026-03-20T10:00', '--days', '15', '--region', '351010000');
    expect(code).toBe(0);
    expect(text).toContain('Region 351010000: time zone Asia/Almaty, working hours 09:00–18:00');
    expect(text).toContain('Receipt day:  2026-03-20 (Fri)');
    expect(text).toContain('Due:          2026-04-15 18:00 (Wed) Asia/Almaty = 2026-04-15T13:00:00.000Z UTC (15 working days)');
    expect(text).toContain('Non-working days skipped (11):');
    expect(text).toContain('  2026-03-21 Sat  Nauryz Meiramy');
    expect(text).toContain('  2026-03-25 Wed  Nauryz Meiramy (transferred day off)');
  });

  it('accepts the leading "calendar" word and other languages', async () => {
    const { code, text } = await run('calendar', 'due', '--from=2026-03-20T10:00', '--days=15', '--lang', 'kk');
    expect(code).toBe(0);
    expect(text).toContain('2026-03-21 сн  Наурыз мейрамы');
  });

  it('refuses bad input with a message and exit code 1, bad usage with 2', async () => {
    expect(await run('due', '--from', 'yesterday', '--days', '15')).toMatchObject({ code: 1, text: expect.stringContaining('"yesterday" is not a date and time') });
    expect(await run('due', '--from', '2026-03-20T10:00', '--days', '-3')).toMatchObject({ code: 1, text: expect.stringContaining('whole number of days') });
    expect(await run('due', '--from', '2027-12-20T10:00', '--days', '30')).toMatchObject({ code: 1, text: expect.stringContaining('outside the production calendar') });
    expect(await run('due', '--from', '2026-03-20T10:00', '--days', '15', '--region', '35')).toMatchObject({ code: 1, text: expect.stringContaining('not a 9-digit KATO code') });
    expect((await run('due', '--days', '15')).code).toBe(2);
    expect((await run('due', '--frm', 'x')).code).toBe(2);
    expect((await run('bogus')).code).toBe(2);
  });
});

describe('ortak calendar import', () => {
  it('reports every error of a file with its row and column, and writes nothing', async () => {
    const f = path.join(dir, 'bad.csv');
    fs.writeFileSync(f, 'date,kind,act\n2026-12-31,transferred_day_off,Order No. 1\n2026-12-26,working,Order No. 1\n');
    const { code, text } = await run('import', f);
    expect(code).toBe(1);
    expect(text).toContain('1 errors in');
    expect(text).toContain('Row 3, kind: 2026-12-26 is a Saturday or Sunday');
  });

  it('imports a JSON file (dry run first) and the next due date sees it', async () => {
    const f = path.join(dir, 'kz-2026-extra.json');
    fs.writeFileSync(
      f,
      JSON.stringify({ year: 2026, act: 'Order of the Minister of Labour No. 999 (test)', days: [{ date: '2026-12-31', kind: 'transferred_day_off' }] }),
    );
    const dry = await run('import', f, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.text).toContain('Nothing was written');
    expect(dry.text).toContain('2026-12-31: Working day → Transferred day off');

    const done = await run('import', f);
    expect(done.code).toBe(0);
    expect(done.text).toContain('Imported 1 days into the calendar of region 000000000 for 2026');
    const due = await run('due', '--from', '2026-12-30T10:00', '--days', '1');
    expect(due.text).toContain('Due:          2027-01-05 18:00');
    const audit = await t.db.selectFrom('auditLog').select(['action', 'data']).where('action', '=', 'calendar.corrections_imported').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.data).toMatchObject({ via: 'cli' });
  });

  it('lists the days of a year', async () => {
    const { code, text } = await run('days', '--year', '2026');
    expect(code).toBe(0);
    expect(text).toMatch(/Region 000000000, 2026: \d+ working days/);
    expect(text).toContain('2026-03-25 Wed  Transferred day off');
  });
});
