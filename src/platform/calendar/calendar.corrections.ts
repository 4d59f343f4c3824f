import { DAY_KINDS, NATIONAL_REGION, isRegionCode, show, type DayKind } from './calendar.ts';
import { isIsoDate, isWeekendDate } from './calendar.time.ts';

/**
 * The yearly corrections file: what the government's decree (or a law) changes in the
 * calendar, one entry per date, each citing its act. Pure parse and validation, shared by the
 * seed (src/platform/calendar/corrections/kz-*.json), the HTTP import and the CLI. Every
 * problem is reported with its row and column, all at once, so that an administrator fixes
 * the file in one pass. Format: README.md beside this file.
 */

export interface CorrectionEntry {
  date: string;
  kind: DayKind;
  name?: string;
  /** Catalog code of the holiday (`calendar:holiday.<code>`), e.g. nauryz. */
  holiday?: string;
  act: string;
}

export interface CorrectionsFile {
  region: string;
  year: number;
  /** Where the file's facts come from (a URL of the published act), for the reviewer. */
  source?: string;
  days: CorrectionEntry[];
}

export interface ImportIssue {
  /** JSON: the 1-based position in `days` (0 for the file itself). CSV: the 1-based line. */
  row: number;
  column: string;
  /** Field path for problem+json: `days.3.kind` (JSON) or `line 4.kind` (CSV). */
  path: string;
  /** Message key in the calendar catalog (`calendar:<key>`). */
  key: string;
  params: Record<string, unknown>;
}

export type ParseResult = { ok: true; file: CorrectionsFile } | { ok: false; issues: ImportIssue[] };

export const MAX_CONTENT_CHARS = 500_000;
export const MAX_ENTRIES = 400;
const MAX_NAME = 200;
const MAX_ACT = 500;
const HOLIDAY_CODE = /^[a-z][a-z0-9_]{0,39}$/;
const ENTRY_FIELDS = ['date', 'kind', 'name', 'holiday', 'act'] as const;
const FILE_FIELDS = ['region', 'year', 'act', 'source', 'days'];

export interface ParseOptions {
  /** Region when the file names none (CSV never does). Default: national. */
  region?: string;
}

type Locate = (index: number, column: string) => { row: number; path: string };

interface RawEntry {
  index: number;
  values: Record<string, unknown>;
}

function issue(loc: { row: number; path: string }, column: string, key: string, params: Record<string, unknown> = {}): ImportIssue {
  return { row: loc.row, column, path: loc.path, key: `import.${key}`, params };
}

function isText(v: unknown): v is string {
  return typeof v === 'string' && v.trim().length > 0;
}

/** Entry checks common to JSON and CSV; `year` undefined means "take it from the first date". */
function validateEntries(
  raws: RawEntry[],
  locate: Locate,
  ctx: { year: number | undefined; defaultAct: string | undefined },
): { entries: CorrectionEntry[]; year: number | undefined; issues: ImportIssue[] } {
  const issues: ImportIssue[] = [];
  const entries: CorrectionEntry[] = [];
  const seen = new Map<string, number>();
  let year = ctx.year;
  for (const { index, values } of raws) {
    const at = (column: string) => locate(index, column);
    const before = issues.length;
    for (const key of Object.keys(values)) {
      if (!(ENTRY_FIELDS as readonly string[]).includes(key)) issues.push(issue(at(key), key, 'unknown_field', { column: key }));
    }
    const { date, kind, name, holiday } = values;
    const act = values.act === undefined || values.act === '' ? ctx.defaultAct : values.act;

    if (date === undefined || date === '') issues.push(issue(at('date'), 'date', 'required', { column: 'date' }));
    else if (!isIsoDate(date)) issues.push(issue(at('date'), 'date', 'invalid_date', { value: show(date) }));
    else {
      const y = Number(date.slice(0, 4));
      if (year === undefined) year = y;
      if (y !== year) issues.push(issue(at('date'), 'date', 'date_outside_year', { value: date, year }));
      const prev = seen.get(date);
      if (prev !== undefined) issues.push(issue(at('date'), 'date', 'duplicate_date', { value: date, row: prev }));
      else seen.set(date, at('date').row);
    }

    if (kind === undefined || kind === '') issues.push(issue(at('kind'), 'kind', 'required', { column: 'kind' }));
    else if (typeof kind !== 'string' || !(DAY_KINDS as readonly string[]).includes(kind)) {
      issues.push(issue(at('kind'), 'kind', 'invalid_kind', { value: show(kind), kinds: DAY_KINDS.join(', ') }));
    } else if (isIsoDate(date)) {
      // Only a weekday can be an ordinary working day or a day off moved onto it; only a
      // Saturday or Sunday can be an ordinary weekend or a working day moved onto it.
      const weekend = isWeekendDate(date);
      const needsWeekend = kind === 'weekend' || kind === 'transferred_working_day';
      const needsWeekday = kind === 'working' || kind === 'transferred_day_off';
      if ((needsWeekend && !weekend) || (needsWeekday && weekend)) {
        issues.push(issue(at('kind'), 'kind', needsWeekend ? 'kind_needs_weekend' : 'kind_needs_weekday', { value: kind, date }));
      }
    }

    if (name !== undefined && name !== '') {
      if (typeof name !== 'string') issues.push(issue(at('name'), 'name', 'not_text', { column: 'name' }));
      else if (name.length > MAX_NAME) issues.push(issue(at('name'), 'name', 'too_long', { column: 'name', max: MAX_NAME }));
    } else if (kind === 'holiday') {
      issues.push(issue(at('name'), 'name', 'holiday_needs_name', {}));
    }

    if (holiday !== undefined && holiday !== '' && (typeof holiday !== 'string' || !HOLIDAY_CODE.test(holiday))) {
      issues.push(issue(at('holiday'), 'holiday', 'invalid_holiday_code', { value: show(holiday) }));
    }

    if (!isText(act)) issues.push(issue(at('act'), 'act', 'act_required', {}));
    else if (act.length > MAX_ACT) issues.push(issue(at('act'), 'act', 'too_long', { column: 'act', max: MAX_ACT }));

    if (issues.length === before) {
      entries.push({
        date: date as string,
        kind: kind as DayKind,
        ...(isText(name) ? { name: name.trim() } : {}),
        ...(isText(holiday) ? { holiday } : {}),
        act: (act as string).trim(),
      });
    }
  }
  return { entries, year, issues };
}

function fileIssue(column: string, key: string, params: Record<string, unknown> = {}): ImportIssue {
  return issue({ row: 0, path: column }, column, key, params);
}

function checkRegion(fileRegion: unknown, optRegion: string | undefined, issues: ImportIssue[]): string {
  if (optRegion !== undefined && !isRegionCode(optRegion)) issues.push(fileIssue('region', 'invalid_region', { value: optRegion }));
  if (fileRegion === undefined) return optRegion ?? NATIONAL_REGION;
  if (!isRegionCode(fileRegion)) {
    issues.push(fileIssue('region', 'invalid_region', { value: show(fileRegion) }));
    return NATIONAL_REGION;
  }
  if (optRegion !== undefined && optRegion !== fileRegion) {
    issues.push(fileIssue('region', 'region_mismatch', { file: fileRegion, given: optRegion }));
  }
  return fileRegion;
}

function isYear(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 2000 && v <= 2100;
}

/** Parses and validates a corrections file given as JSON text (or an already parsed value). */
export function parseCorrectionsJson(input: unknown, opts: ParseOptions = {}): ParseResult {
  let data: unknown = input;
  if (typeof input === 'string') {
    if (input.length > MAX_CONTENT_CHARS) return { ok: false, issues: [fileIssue('content', 'too_large', { max: MAX_CONTENT_CHARS })] };
    try {
      data = JSON.parse(input.replace(/^\uFEFF/, ''));
    } catch (e) {
      return { ok: false, issues: [fileIssue('content', 'invalid_json', { detail: (e as Error).message })] };
    }
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, issues: [fileIssue('content', 'not_an_object', {})] };
  }
  const o = data as Record<string, unknown>;
  const issues: ImportIssue[] = [];
  for (const key of Object.keys(o)) if (!FILE_FIELDS.includes(key)) issues.push(fileIssue(key, 'unknown_field', { column: key }));
  const region = checkRegion(o.region, opts.region, issues);
  if (!isYear(o.year)) issues.push(fileIssue('year', 'invalid_year', { value: show(o.year) }));
  if (o.act !== undefined && !isText(o.act)) issues.push(fileIssue('act', 'not_text', { column: 'act' }));
  if (o.source !== undefined && (typeof o.source !== 'string' || o.source.length > MAX_ACT)) {
    issues.push(fileIssue('source', 'too_long', { column: 'source', max: MAX_ACT }));
  }
  if (!Array.isArray(o.days) || o.days.length === 0) {
    issues.push(fileIssue('days', 'no_days', {}));
    return { ok: false, issues };
  }
  if (o.days.length > MAX_ENTRIES) {
    issues.push(fileIssue('days', 'too_many_days', { max: MAX_ENTRIES }));
    return { ok: false, issues };
  }
  const raws: RawEntry[] = [];
  o.days.forEach((d, index) => {
    if (d === null || typeof d !== 'object' || Array.isArray(d)) {
      issues.push(issue({ row: index + 1, path: `days.${index}` }, '', 'entry_not_object', {}));
    } else raws.push({ index, values: d as Record<string, unknown> });
  });
  const locate: Locate = (index, column) => ({ row: index + 1, path: `days.${index}.${column}` });
  const v = validateEntries(raws, locate, { year: isYear(o.year) ? o.year : undefined, defaultAct: isText(o.act) ? o.act : undefined });
  issues.push(...v.issues);
  if (issues.length) return { ok: false, issues };
  return {
    ok: true,
    file: { region, year: o.year as number, ...(isText(o.source) ? { source: o.source } : {}), days: v.entries },
  };
}

// --- CSV (RFC 4180 quoting; `;` accepted for spreadsheets set to a Russian locale) ---------------

interface CsvRecord {
  line: number;
  fields: string[];
}

function splitCsv(text: string, delimiter: string): { records: CsvRecord[]; error?: { line: number } } {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let line = 1;
  let recordLine = 1;
  let fieldStarted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && !fieldStarted) {
      inQuotes = true;
      fieldStarted = true;
    } else if (c === delimiter) {
      fields.push(field);
      field = '';
      fieldStarted = false;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      records.push({ line: recordLine, fields });
      fields = [];
      field = '';
      fieldStarted = false;
      line++;
      recordLine = line;
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  if (inQuotes) return { records, error: { line: recordLine } };
  if (field !== '' || fields.length) {
    fields.push(field);
    records.push({ line: recordLine, fields });
  }
  return { records };
}

/**
 * Parses a corrections CSV: a header line naming the columns (date, kind, name, act, holiday;
 * any order; date and kind required), then one day per line. Blank lines and lines starting
 * with # are skipped. The year is that of the dates (all in one year); the region comes from
 * the options (national by default).
 */
export function parseCorrectionsCsv(text: string, opts: ParseOptions = {}): ParseResult {
  if (typeof text !== 'string') return { ok: false, issues: [fileIssue('content', 'not_text', { column: 'content' })] };
  if (text.length > MAX_CONTENT_CHARS) return { ok: false, issues: [fileIssue('content', 'too_large', { max: MAX_CONTENT_CHARS })] };
  const body = text.replace(/^\uFEFF/, '');
  const issues: ImportIssue[] = [];
  const region = checkRegion(undefined, opts.region, issues);
  const firstLine = body.split(/\r?\n/).find((l) => l.trim() !== '' && !l.trimStart().startsWith('#')) ?? '';
  const delimiter = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  const { records, error } = splitCsv(body, delimiter);
  if (error) issues.push(issue({ row: error.line, path: `line ${error.line}` }, '', 'unclosed_quote', { line: error.line }));
  const meaningful = records.filter((r) => !(r.fields.length === 1 && r.fields[0]!.trim() === '') && !r.fields[0]!.trimStart().startsWith('#'));
  const header = meaningful.shift();
  if (!header) {
    issues.push(fileIssue('content', 'no_header', {}));
    return { ok: false, issues };
  }
  const columns = header.fields.map((f) => f.trim().toLowerCase());
  const at = (line: number, column: string) => ({ row: line, path: `line ${line}.${column}` });
  columns.forEach((c) => {
    if (!(ENTRY_FIELDS as readonly string[]).includes(c)) issues.push(issue(at(header.line, c), c, 'unknown_column', { column: c }));
  });
  for (const required of ['date', 'kind']) {
    if (!columns.includes(required)) issues.push(issue(at(header.line, required), required, 'missing_column', { column: required }));
  }
  if (issues.length) return { ok: false, issues };
  if (meaningful.length === 0) return { ok: false, issues: [fileIssue('content', 'no_days', {})] };
  if (meaningful.length > MAX_ENTRIES) return { ok: false, issues: [fileIssue('content', 'too_many_days', { max: MAX_ENTRIES })] };

  const raws: RawEntry[] = [];
  meaningful.forEach((r, index) => {
    if (r.fields.length !== columns.length) {
      issues.push(issue({ row: r.line, path: `line ${r.line}` }, '', 'wrong_field_count', { expected: columns.length, got: r.fields.length }));
      return;
    }
    const values: Record<string, unknown> = {};
    columns.forEach((c, i) => {
      const v = r.fields[i]!.trim();
      if (v !== '') values[c] = v;
    });
    raws.push({ index, values });
  });
  const locate: Locate = (index, column) => at(meaningful[index]!.line, column);
  const v = validateEntries(raws, locate, { year: undefined, defaultAct: undefined });
  issues.push(...v.issues);
  if (issues.length || v.year === undefined) return { ok: false, issues };
  return { ok: true, file: { region, year: v.year, days: v.entries } };
}

export type CorrectionsFormat = 'json' | 'csv';

export function parseCorrections(format: CorrectionsFormat, content: string, opts: ParseOptions = {}): ParseResult {
  return format === 'csv' ? parseCorrectionsCsv(content, opts) : parseCorrectionsJson(content, opts);
}
