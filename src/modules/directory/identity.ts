/**
 * Kazakhstan's identity numbers as pure functions: IIN (people), BIN (legal entities),
 * KATO (territories), and mobile phone numbers. Nothing here throws on any input: a check
 * returns `{ ok: false, reason }` so that a message can name what is wrong.
 *
 * Sources:
 * - IIN and BIN: Law of the Republic of Kazakhstan of 12 January 2007 No. 223 "On national
 *   registers of identification numbers", and the Rules for forming IIN/BIN (joint order of
 *   the Ministry of Justice and others); the check digit algorithm is the same for both.
 * - KATO: НК РК 11 "Классификатор административно-территориальных объектов" (stat.gov.kz).
 */

/** Why a number is refused. `bad_century` is the IIN's 7th digit; `bad_type` the BIN's 5th. */
export type IdReason = 'length' | 'not_digits' | 'bad_date' | 'bad_century' | 'bad_type' | 'checksum' | 'unissuable';

export type Sex = 'male' | 'female';

export interface IinInfo {
  iin: string;
  /** YYYY-MM-DD */
  birthDate: string;
  sex: Sex;
}

/** BIN digit 5: 4 resident legal entity, 5 non-resident legal entity, 6 joint individual entrepreneurship. */
export type BinEntityType = 'resident' | 'non_resident' | 'joint_entrepreneurship';

export interface BinInfo {
  bin: string;
  /** Year and month of registration as the number states them (the year has two digits only). */
  registeredYear2: number;
  registeredMonth: number;
  entityType: BinEntityType;
  /** BIN digit 6: 0 head office, 1 branch, 2 representative office, 3 peasant farm. */
  division: number;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: IdReason };

const W1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] as const;
const W2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2] as const;

/**
 * The check digit of the first 11 digits: sum(d[i]·(i+1)) mod 11; when that is 10, a second
 * pass with weights 3..11,1,2; when that is 10 again, `undefined`: such a number is never issued.
 * Expects exactly 11 ASCII digits.
 */
export function checkDigit(first11: string): number | undefined {
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < 11; i++) {
    const d = first11.charCodeAt(i) - 48;
    s1 += d * W1[i]!;
    s2 += d * W2[i]!;
  }
  const r1 = s1 % 11;
  if (r1 !== 10) return r1;
  const r2 = s2 % 11;
  return r2 === 10 ? undefined : r2;
}

const TWELVE_DIGITS = /^[0-9]{12}$/;

function shape(input: unknown): Checked<string> {
  if (typeof input !== 'string') return { ok: false, reason: 'not_digits' };
  if (input.length !== 12) return { ok: false, reason: 'length' };
  if (!TWELVE_DIGITS.test(input)) return { ok: false, reason: 'not_digits' };
  return { ok: true, value: input };
}

function checksum(n: string): IdReason | undefined {
  const c = checkDigit(n.slice(0, 11));
  if (c === undefined) return 'unissuable';
  return c === n.charCodeAt(11) - 48 ? undefined : 'checksum';
}

function isRealDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

const CENTURY: Record<string, { base: number; sex: Sex }> = {
  '1': { base: 1800, sex: 'male' },
  '2': { base: 1800, sex: 'female' },
  '3': { base: 1900, sex: 'male' },
  '4': { base: 1900, sex: 'female' },
  '5': { base: 2000, sex: 'male' },
  '6': { base: 2000, sex: 'female' },
};

/**
 * An IIN: digits 1–6 birth date YYMMDD, digit 7 century and sex (1/2 1800s, 3/4 1900s,
 * 5/6 2000s; odd male, even female), digits 8–11 a serial, digit 12 the check digit.
 * Checks run in the order of the reasons, so `bad_century` wins over `checksum`.
 */
export function parseIin(input: unknown): Checked<IinInfo> {
  const s = shape(input);
  if (!s.ok) return s;
  const iin = s.value;
  const c = CENTURY[iin[6]!];
  if (!c) return { ok: false, reason: 'bad_century' };
  const y = c.base + Number(iin.slice(0, 2));
  const m = Number(iin.slice(2, 4));
  const d = Number(iin.slice(4, 6));
  if (!isRealDate(y, m, d)) return { ok: false, reason: 'bad_date' };
  const bad = checksum(iin);
  if (bad) return { ok: false, reason: bad };
  return { ok: true, value: { iin, birthDate: `${y}-${iin.slice(2, 4)}-${iin.slice(4, 6)}`, sex: c.sex } };
}

export const isValidIin = (input: unknown): boolean => parseIin(input).ok;

const ENTITY: Record<string, BinEntityType> = { '4': 'resident', '5': 'non_resident', '6': 'joint_entrepreneurship' };

/**
 * A BIN: digits 1–2 year and 3–4 month of registration, digit 5 the kind of entity (4/5/6),
 * digit 6 head office / branch / representative office / farm, 7–11 a serial, 12 the check digit.
 * A month outside 01–12 is `bad_date`, an entity-type digit other than 4/5/6 is `bad_type`.
 */
export function parseBin(input: unknown): Checked<BinInfo> {
  const s = shape(input);
  if (!s.ok) return s;
  const bin = s.value;
  const month = Number(bin.slice(2, 4));
  if (month < 1 || month > 12) return { ok: false, reason: 'bad_date' };
  const entityType = ENTITY[bin[4]!];
  if (!entityType) return { ok: false, reason: 'bad_type' };
  const bad = checksum(bin);
  if (bad) return { ok: false, reason: bad };
  return { ok: true, value: { bin, registeredYear2: Number(bin.slice(0, 2)), registeredMonth: month, entityType, division: Number(bin[5]) } };
}

export const isValidBin = (input: unknown): boolean => parseBin(input).ok;

/** Appends the check digit to 11 digits; `undefined` when that prefix can never be issued. */
export function withCheckDigit(first11: string): string | undefined {
  if (!/^[0-9]{11}$/.test(first11)) return undefined;
  const c = checkDigit(first11);
  return c === undefined ? undefined : first11 + String(c);
}

/**
 * Builds a valid IIN from a birth date, sex and serial (0–9999). When the serial gives an
 * unissuable number, the next serial is taken (as the registry does). For demo data and tests.
 */
export function buildIin(birthDate: string, sex: Sex, serial: number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!m) throw new RangeError(`birth date ${birthDate} is not YYYY-MM-DD`);
  const year = Number(m[1]);
  const century = Math.floor(year / 100) * 100;
  const digit7 = { 1800: 1, 1900: 3, 2000: 5 }[century];
  if (digit7 === undefined) throw new RangeError(`no IIN century digit for ${year}`);
  const seven = `${m[1]!.slice(2)}${m[2]}${m[3]}${digit7 + (sex === 'female' ? 1 : 0)}`;
  for (let k = 0; k < 10_000; k++) {
    const n = withCheckDigit(seven + String((serial + k) % 10_000).padStart(4, '0'));
    if (n) return n;
  }
  throw new RangeError('no issuable serial');
}

/** Builds a valid BIN (see parseBin for the parts); the serial (0–99999) is advanced past unissuable ones. */
export function buildBin(year: number, month: number, entity: 4 | 5 | 6, division: 0 | 1 | 2 | 3, serial: number): string {
  const head = `${String(year % 100).padStart(2, '0')}${String(month).padStart(2, '0')}${entity}${division}`;
  for (let k = 0; k < 100_000; k++) {
    const n = withCheckDigit(head + String((serial + k) % 100_000).padStart(5, '0'));
    if (n) return n;
  }
  throw new RangeError('no issuable serial');
}

// ---------------------------------------------------------------------------------------
// KATO: 9 digits AB CD EF HIJ — AB region (oblast or city of republican significance),
// CD district or city administration, EF rural okrug / town / city district, HIJ settlement.
// ---------------------------------------------------------------------------------------

export type KatoLevel = 0 | 1 | 2 | 3 | 4;

export const KATO_ROOT = '000000000';

export type KatoReason = 'length' | 'not_digits';

export function checkKato(input: unknown): { ok: true; value: string } | { ok: false; reason: KatoReason } {
  if (typeof input !== 'string') return { ok: false, reason: 'not_digits' };
  if (input.length !== 9) return { ok: false, reason: 'length' };
  if (!/^[0-9]{9}$/.test(input)) return { ok: false, reason: 'not_digits' };
  return { ok: true, value: input };
}

export const isKato = (input: unknown): input is string => checkKato(input).ok;

/**
 * 0 for the republic (000000000), 1 region (AB0000000), 2 district (ABCD00000),
 * 3 okrug / town (ABCDEF000), 4 settlement. The level is read from the digits only.
 */
export function katoLevel(code: string): KatoLevel {
  if (code === KATO_ROOT) return 0;
  if (code.endsWith('0000000')) return 1;
  if (code.endsWith('00000')) return 2;
  if (code.endsWith('000')) return 3;
  return 4;
}

const KEEP: Record<KatoLevel, number> = { 0: 0, 1: 2, 2: 4, 3: 6, 4: 9 };

/** The code cut to a level: the lower segments zeroed. */
export function katoTruncate(code: string, level: KatoLevel): string {
  return code.slice(0, KEEP[level]).padEnd(9, '0');
}

/** The structural parent: the code with its lowest non-zero segment zeroed; undefined for the republic. */
export function katoParent(code: string): string | undefined {
  const level = katoLevel(code);
  if (level === 0) return undefined;
  return katoTruncate(code, (level - 1) as KatoLevel);
}

/**
 * Every structural ancestor, nearest first, ending with the republic. KATO is not strictly
 * nested (a town under a district is coded ABCD20100, whose structural parent ABCD20000
 * does not exist), so callers pick the nearest ancestor that exists.
 */
export function katoAncestors(code: string): string[] {
  const out: string[] = [];
  let c = katoParent(code);
  while (c !== undefined) {
    if (out.at(-1) !== c) out.push(c);
    c = katoParent(c);
  }
  return out;
}

/** The region (level 1) a code belongs to; the republic belongs to itself. */
export function katoRegion(code: string): string {
  return code === KATO_ROOT ? KATO_ROOT : katoTruncate(code, 1);
}

/** True when `code` lies in the territory `ancestor` by its digits (a code contains itself). */
export function katoWithin(code: string, ancestor: string): boolean {
  const level = katoLevel(ancestor);
  return katoTruncate(code, level) === ancestor && katoLevel(code) >= level;
}

// ---------------------------------------------------------------------------------------
// Phones: Kazakhstan's numbers are +7 followed by 10 digits (mobile 7xx, fixed 7xxx area codes).
// ---------------------------------------------------------------------------------------

/** "+7 701 123-45-67", "87011234567", "7011234567" → "+77011234567"; undefined when not a KZ number. */
export function normalizeKzPhone(input: unknown): string | undefined {
  if (typeof input !== 'string' || input.length > 40) return undefined;
  if (!/^[0-9+()\-\s.]+$/.test(input)) return undefined;
  const digits = input.replace(/\D/g, '');
  let ten: string | undefined;
  if (digits.length === 10) ten = digits;
  else if (digits.length === 11 && (digits[0] === '7' || digits[0] === '8')) ten = digits.slice(1);
  if (!ten || ten[0] !== '7') return undefined;
  if (input.trim().startsWith('+') && !(digits.length === 11 && digits[0] === '7')) return undefined;
  return `+7${ten}`;
}

// ---------------------------------------------------------------------------------------
// Masking for lists shown to those who do not need the full value.
// ---------------------------------------------------------------------------------------

/** "900515301234" → "••••••••1234". */
export function maskIin(iin: string): string {
  return '•'.repeat(Math.max(0, iin.length - 4)) + iin.slice(-4);
}

/** "+77011234567" → "+7701•••••67". */
export function maskPhone(phone: string): string {
  if (phone.length <= 7) return '•'.repeat(phone.length);
  return phone.slice(0, 5) + '•'.repeat(phone.length - 7) + phone.slice(-2);
}

/** "aigerim@mail.kz" → "a•••@mail.kz". */
export function maskEmail(email: string): string {
  const at = email.indexOf('@');
  if (at <= 0) return '•••';
  return `${email[0]}•••${email.slice(at)}`;
}
