import { conflict, invalid, type DomainError } from '../../platform/http/errors.ts';
import { checkKato, parseBin, parseIin, type BinInfo, type IinInfo } from './identity.ts';

/**
 * Identity checks at a field: the value, or a validation error whose message key names the
 * reason (`directory:iin_checksum`, `directory:bin_bad_date`, …).
 */
export function requireIin(field: string, value: unknown): IinInfo {
  const r = parseIin(value);
  if (!r.ok) throw invalid(field, `IIN: ${r.reason}`, `directory:iin_${r.reason}`);
  return r.value;
}

export function requireBin(field: string, value: unknown): BinInfo {
  const r = parseBin(value);
  if (!r.ok) throw invalid(field, `BIN: ${r.reason}`, `directory:bin_${r.reason}`);
  return r.value;
}

export function requireKato(field: string, value: unknown): string {
  const r = checkKato(value);
  if (!r.ok) throw invalid(field, `KATO: ${r.reason}`, `directory:kato_${r.reason}`);
  return r.value;
}

/** The field a unique constraint protects, for a 409 that names it. */
const UNIQUE_FIELDS: Record<string, { field: string; key: string }> = {
  organization_bin_uq: { field: 'bin', key: 'directory:bin_taken' },
  person_iin_uq: { field: 'iin', key: 'directory:iin_taken' },
  account_login_uq: { field: 'login', key: 'directory:login_taken' },
  role_grant_uq: { field: 'role', key: 'directory:grant_exists' },
  staff_account_uq: { field: 'login', key: 'directory:login_taken' },
  person_account_uq: { field: 'iin', key: 'directory:iin_taken' },
};

/**
 * A unique violation raised by a concurrent writer (the services check first; this covers
 * the race) becomes a 409 naming the field; anything else is rethrown unchanged.
 */
export function rethrowUnique(e: unknown): never {
  const pe = e as { code?: string; constraint?: string };
  if (pe && pe.code === '23505' && pe.constraint && UNIQUE_FIELDS[pe.constraint]) {
    const u = UNIQUE_FIELDS[pe.constraint]!;
    throw conflict(`${u.field} already exists`, { field: u.field, messageKey: u.key });
  }
  throw e;
}

export function taken(field: string, key: string): DomainError {
  return conflict(`${field} already exists`, { field, messageKey: key });
}
