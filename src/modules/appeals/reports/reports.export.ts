import { t, type Lang } from '../../../platform/i18n/i18n.ts';
import type { IgnoringOfficial, IgnoringOrganization, IgnoringReport } from './reports.service.ts';

/**
 * Exports of the "who ignores residents" report: CSV (RFC 4180: comma, CRLF, quotes doubled,
 * with a UTF-8 byte order mark so that Excel reads Cyrillic and Kazakh letters right) and XLSX
 * (exceljs: a sheet of organizations, one of officials, one about the report). Column headers
 * in the reader's language.
 */

export interface ExportFile {
  body: Buffer;
  contentType: string;
  filename: string;
}

export const CSV_TYPE = 'text/csv; charset=utf-8';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const BOM = '\uFEFF';

const COLUMNS = ['kind', 'rank', 'organization', 'official', 'position', 'received', 'open', 'overdue', 'deemedRefusals', 'ignored', 'answered', 'onTimeShare', 'link'] as const;
type Column = (typeof COLUMNS)[number];
type Cell = string | number | null;

function header(lang: Lang, c: Column): string {
  return t(lang, `reports:columns.${c}`);
}

function orgCells(r: IgnoringOrganization, lang: Lang): Record<Column, Cell> {
  return {
    kind: t(lang, 'reports:kinds.organization'), rank: r.rank, organization: r.name?.[lang] ?? r.organizationId, official: null, position: null,
    received: r.received, open: r.open, overdue: r.overdue, deemedRefusals: r.deemedRefusals, ignored: r.ignored, answered: r.answered,
    onTimeShare: r.answeredOnTimeShare, link: r.links.ignored,
  };
}

function officialCells(r: IgnoringOfficial, lang: Lang): Record<Column, Cell> {
  return {
    kind: t(lang, 'reports:kinds.official'), rank: r.rank, organization: r.organizationName?.[lang] ?? r.organizationId, official: r.name ?? r.staffId,
    position: r.position?.[lang] ?? null, received: r.received, open: r.open, overdue: r.overdue, deemedRefusals: r.deemedRefusals,
    ignored: r.ignored, answered: r.answered, onTimeShare: r.answeredOnTimeShare, link: r.links.ignored,
  };
}

/** A text cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR) is prefixed with an apostrophe. */
export function csvField(v: Cell): string {
  if (v === null) return '';
  let s = typeof v === 'number' ? String(v) : v;
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function filename(r: IgnoringReport, ext: 'csv' | 'xlsx'): string {
  return `ortak-who-ignores-residents-${r.regionCode}-${r.period.from}_${r.period.to}.${ext}`;
}

/** One table: the organizations, then the officials, told apart by the first column. */
export function ignoringCsv(r: IgnoringReport, lang: Lang): ExportFile {
  const rows = [
    COLUMNS.map((c) => header(lang, c)),
    ...r.organizations.map((o) => COLUMNS.map((c) => orgCells(o, lang)[c])),
    ...r.officials.map((o) => COLUMNS.map((c) => officialCells(o, lang)[c])),
  ];
  const text = BOM + rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
  return { body: Buffer.from(text, 'utf8'), contentType: CSV_TYPE, filename: filename(r, 'csv') };
}

// Excel refuses these characters in sheet names and cuts them at 31.
const sheetName = (s: string) => s.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);

export async function ignoringXlsx(r: IgnoringReport, lang: Lang): Promise<ExportFile> {
  // Loaded on the first export, not with the module: it costs the server ~25 MB of memory.
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Ortak';
  wb.created = r.generatedAt;
  const sheet = (name: string, cols: Column[], rows: Record<Column, Cell>[]) => {
    const ws = wb.addWorksheet(sheetName(name), { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = cols.map((c) => ({
      header: header(lang, c), key: c,
      width: c === 'organization' || c === 'official' ? 48 : c === 'position' ? 32 : c === 'link' ? 60 : c === 'kind' ? 18 : 14,
      ...(c === 'onTimeShare' ? { style: { numFmt: '0.0%' } } : {}),
    }));
    ws.getRow(1).font = { bold: true };
    for (const row of rows) ws.addRow(row);
    ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: cols.length } };
  };
  const orgColumns = COLUMNS.filter((c) => c !== 'kind' && c !== 'official' && c !== 'position');
  const officialColumns = COLUMNS.filter((c) => c !== 'kind');
  sheet(t(lang, 'reports:sheets.organizations'), orgColumns, r.organizations.map((o) => orgCells(o, lang)));
  sheet(t(lang, 'reports:sheets.officials'), officialColumns, r.officials.map((o) => officialCells(o, lang)));
  const about = wb.addWorksheet(sheetName(t(lang, 'reports:sheets.about')));
  about.columns = [{ width: 28 }, { width: 100 }];
  about.addRows([
    [t(lang, 'reports:about.title')],
    [t(lang, 'reports:about.region'), r.regionCode],
    [t(lang, 'reports:about.period'), `${r.period.from} — ${r.period.to}`],
    [t(lang, 'reports:about.generated'), r.generatedAt.toISOString()],
    [t(lang, 'reports:about.definitions'), t(lang, 'reports:about.definitions_text')],
  ]);
  about.getRow(1).font = { bold: true, size: 13 };
  const body = Buffer.from(await wb.xlsx.writeBuffer());
  return { body, contentType: XLSX_TYPE, filename: filename(r, 'xlsx') };
}
