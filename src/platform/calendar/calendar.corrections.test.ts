import { describe, expect, it } from 'vitest';
import { t } from '../i18n/i18n.ts';
import { parseCorrectionsCsv, parseCorrectionsJson, type ImportIssue } from './calendar.corrections.ts';
import { issueMessage } from './calendar.labels.ts';
import { loadSeedCorrections } from './calendar.seed.ts';

const ACT = 'Order of the Minister of Labour of RK No. 999 (test)';
const where = (issues: ImportIssue[]) => issues.map((i) => `${i.row}:${i.column}:${i.key}`);

describe('JSON corrections', () => {
  it('accepts a valid file, with a file-wide act', () => {
    const r = parseCorrectionsJson(
      JSON.stringify({
        year: 2026,
        act: ACT,
        days: [
          { date: '2026-01-03', kind: 'transferred_working_day' },
          { date: '2026-01-05', kind: 'transferred_day_off', name: 'День отдыха' },
          { date: '2026-06-01', kind: 'holiday', name: 'City Day', holiday: 'city_day', act: 'Akimat decision No. 1' },
        ],
      }),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.file.region).toBe('000000000');
    expect(r.file.days).toEqual([
      { date: '2026-01-03', kind: 'transferred_working_day', act: ACT },
      { date: '2026-01-05', kind: 'transferred_day_off', name: 'День отдыха', act: ACT },
      { date: '2026-06-01', kind: 'holiday', name: 'City Day', holiday: 'city_day', act: 'Akimat decision No. 1' },
    ]);
  });

  it('reports every error with its row (1-based entry) and column', () => {
    const r = parseCorrectionsJson(
      JSON.stringify({
        region: '35',
        year: 2026,
        days: [
          { date: '2026-02-30', kind: 'holiday', name: 'x', act: ACT },
          { date: '2026-03-24', kind: 'day_off', act: ACT },
          { date: '2026-03-21', kind: 'working', act: ACT },
          { date: '2026-03-23', kind: 'transferred_working_day', act: ACT },
          { date: '2025-12-31', kind: 'holiday', act: ACT },
          { date: '2026-05-04', kind: 'transferred_day_off' },
          { date: '2026-05-05', kind: 'transferred_day_off', act: ACT, knd: 1 },
          { date: '2026-05-05', kind: 'transferred_day_off', act: ACT, holiday: 'Bad Code' },
        ],
      }),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(where(r.issues)).toEqual([
      '0:region:import.invalid_region',
      '1:date:import.invalid_date',
      '2:kind:import.invalid_kind',
      '3:kind:import.kind_needs_weekday',
      '4:kind:import.kind_needs_weekend',
      '5:date:import.date_outside_year',
      '5:name:import.holiday_needs_name',
      '6:act:import.act_required',
      '7:knd:import.unknown_field',
      '8:date:import.duplicate_date',
      '8:holiday:import.invalid_holiday_code',
    ]);
    expect(r.issues.find((i) => i.row === 2)!.path).toBe('days.1.kind');
    expect(r.issues.find((i) => i.key === 'import.duplicate_date')!.params).toMatchObject({ value: '2026-05-05', row: 7 });
  });

  it('refuses what is not a corrections file', () => {
    expect(where((parseCorrectionsJson('{') as { issues: ImportIssue[] }).issues)).toEqual(['0:content:import.invalid_json']);
    expect(where((parseCorrectionsJson('[]') as { issues: ImportIssue[] }).issues)).toEqual(['0:content:import.not_an_object']);
    expect(where((parseCorrectionsJson('{"year":1999,"days":[]}') as { issues: ImportIssue[] }).issues)).toEqual([
      '0:year:import.invalid_year',
      '0:days:import.no_days',
    ]);
  });

  it('a JSON file names its region; a different region chosen at upload is refused', () => {
    const body = JSON.stringify({ region: '350000000', year: 2026, act: ACT, days: [{ date: '2026-01-05', kind: 'transferred_day_off' }] });
    expect(parseCorrectionsJson(body, { region: '350000000' }).ok).toBe(true);
    const r = parseCorrectionsJson(body, { region: '710000000' });
    expect(r.ok ? [] : where(r.issues)).toEqual(['0:region:import.region_mismatch']);
  });

  it('the shipped corrections files are valid and cite an act for every day', () => {
    const files = loadSeedCorrections();
    expect(files.map((f) => f.year)).toEqual([2024, 2025, 2026, 2027]);
    for (const f of files) for (const d of f.days) expect(d.act.length).toBeGreaterThan(20);
  });
});

describe('CSV corrections', () => {
  it('accepts quoted fields, any column order, ; as delimiter, comments and blank lines', () => {
    const csv = [
      '# Order No. 999 of the Minister of Labour',
      'kind,date,act,name',
      `transferred_working_day,2026-01-03,"${ACT}, p. 1","Рабочий день ""по приказу"""`,
      '',
      `transferred_day_off,2026-01-05,"${ACT}",`,
    ].join('\r\n');
    const r = parseCorrectionsCsv(csv, { region: '350000000' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.file).toEqual({
      region: '350000000',
      year: 2026,
      days: [
        { date: '2026-01-03', kind: 'transferred_working_day', name: 'Рабочий день "по приказу"', act: `${ACT}, p. 1` },
        { date: '2026-01-05', kind: 'transferred_day_off', act: ACT },
      ],
    });
    const semi = parseCorrectionsCsv(`date;kind;act\n2026-01-03;transferred_working_day;${ACT}\n`);
    expect(semi.ok && semi.file.days[0]!.kind).toBe('transferred_working_day');
  });

  it('reports errors by line number and column', () => {
    const csv = ['date,kind,act', '2026-01-03,transferred_working_day,A', '2026-01-06,weekend,A', '2027-01-04,transferred_day_off,A', '2026-01-07,holiday'].join('\n');
    const r = parseCorrectionsCsv(csv);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(where(r.issues)).toEqual(['5::import.wrong_field_count', '3:kind:import.kind_needs_weekend', '4:date:import.date_outside_year']);
    expect(r.issues[1]!.path).toBe('line 3.kind');
  });

  it('refuses a bad header or an unclosed quote', () => {
    const bad = parseCorrectionsCsv('date,kinds,act\n2026-01-03,working,A');
    expect(bad.ok ? [] : where(bad.issues)).toEqual(['1:kinds:import.unknown_column', '1:kind:import.missing_column']);
    const open = parseCorrectionsCsv('date,kind,act\n2026-01-03,transferred_working_day,"A');
    expect(open.ok ? [] : where(open.issues)).toContain('2::import.unclosed_quote');
    expect(parseCorrectionsCsv('').ok).toBe(false);
  });
});

describe('issue messages', () => {
  it('are translated, with row and column, in kk, ru and en', () => {
    const r = parseCorrectionsJson(JSON.stringify({ year: 2026, days: [{ date: '2026-03-21', kind: 'working', act: ACT }] }));
    if (r.ok) throw new Error('expected issues');
    const issue = r.issues[0]!;
    expect(issueMessage(issue, 'en')).toEqual({
      field: 'days.0.kind',
      message: 'Row 1, kind: 2026-03-21 is a Saturday or Sunday, but "working" is only for a weekday.',
    });
    expect(issueMessage(issue, 'ru').message).toContain('Строка 1, kind');
    expect(issueMessage(issue, 'kk').message).toContain('1-жол, kind');
    expect(t('kk', 'calendar:holiday.nauryz')).toBe('Наурыз мейрамы');
  });
});
