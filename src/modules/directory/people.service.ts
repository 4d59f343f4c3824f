import { randomUUID } from 'node:crypto';
import type { Actor } from '../../platform/auth/actor.ts';
import { hashPassword } from '../../platform/auth/password.ts';
import { appendAudit } from '../../platform/audit/audit.ts';
import type { Executor } from '../../platform/db/database.ts';
import { forbidden, invalid, notFound } from '../../platform/http/errors.ts';
import { isLang, type Lang } from '../../platform/i18n/i18n.ts';
import { assertRole, canSeePersonalData } from './directory.access.ts';
import { requireIin, rethrowUnique, taken } from './directory.errors.ts';
import { paging, type Page, type PageInput } from './directory.service.ts';
import * as orgs from './directory.repository.ts';
import { maskEmail, maskIin, maskPhone, normalizeKzPhone, type IinInfo, type Sex } from './identity.ts';
import * as repo from './people.repository.ts';

/**
 * People (by IIN) and citizens' accounts. IIN, phone and e-mail are personal data: lists show
 * them in full only to roles that need them (PERSONAL_DATA_ROLES); they never go into the
 * audit log, and the search takes them in a request body, never in a URL.
 */

export interface PersonView {
  id: string;
  iin: string;
  lastName: string;
  firstName: string;
  middleName: string | null;
  /** Null when masked. */
  birthDate: string | null;
  sex: Sex;
  phone: string | null;
  email: string | null;
  preferredLanguage: Lang;
  hasAccount: boolean;
  /** True when IIN, phone and e-mail are shown masked and the birth date withheld. */
  isMasked: boolean;
}

export function personView(p: repo.PersonRow, full: boolean): PersonView {
  return {
    id: p.id,
    iin: full ? p.iin : maskIin(p.iin),
    lastName: p.lastName,
    firstName: p.firstName,
    middleName: p.middleName,
    birthDate: full ? p.birthDate : null,
    sex: p.sex as Sex,
    phone: p.phone === null ? null : full ? p.phone : maskPhone(p.phone),
    email: p.email === null ? null : full ? p.email : maskEmail(p.email),
    preferredLanguage: (isLang(p.preferredLanguage) ? p.preferredLanguage : 'ru') as Lang,
    hasAccount: p.accountId !== null,
    isMasked: !full,
  };
}

export interface PeopleSearch extends PageInput {
  iin?: string;
  phone?: string;
  /** Part of a name, at least 2 characters. */
  q?: string;
}

export function requirePhone(field: string, value: string): string {
  const phone = normalizeKzPhone(value);
  if (!phone) throw invalid(field, 'not a Kazakhstan phone number', 'directory:phone_invalid');
  return phone;
}

/** Staff only. At least one criterion, so that nobody pages through the population. */
export async function searchPeople(db: Executor, s: PeopleSearch, actor: Actor): Promise<Page<PersonView>> {
  if (actor.kind !== 'staff') throw forbidden('staff only');
  const f: repo.PersonFilter = {};
  if (s.iin !== undefined && s.iin !== '') f.iin = requireIin('iin', s.iin).iin;
  if (s.phone !== undefined && s.phone !== '') f.phone = requirePhone('phone', s.phone);
  if (s.q !== undefined && s.q.trim() !== '') {
    if (s.q.trim().length < 2) throw invalid('q', 'too short', 'directory:search_too_short', { min: 2 });
    f.q = s.q.trim();
  }
  if (f.iin === undefined && f.phone === undefined && f.q === undefined) {
    throw invalid('q', 'no criteria', 'directory:search_criteria_required');
  }
  const page = paging(s);
  const { rows, total } = await repo.searchPeople(db, f, page);
  const full = canSeePersonalData(actor);
  return { items: rows.map((r) => personView(r, full)), total, ...page };
}

export async function getPerson(db: Executor, id: string, actor: Actor): Promise<PersonView> {
  if (actor.kind !== 'staff') throw forbidden('staff only');
  const p = await repo.findPerson(db, id);
  if (!p) throw notFound('person', { messageKey: 'directory:person_not_found' });
  return personView(p, canSeePersonalData(actor));
}

/** For other modules (a staff member's contacts for notices): the person with this id, if any. */
export async function findPersonById(db: Executor, id: string): Promise<repo.PersonRow | undefined> {
  return repo.findPerson(db, id);
}

/** For other modules (an appeal's applicant): the person with this IIN, if any. */
export async function findPersonByIin(db: Executor, iin: string): Promise<repo.PersonRow | undefined> {
  return repo.findPersonByIin(db, iin);
}

/** Many people by IIN in one statement; those not found are absent from the map. */
export async function findPeopleByIin(db: Executor, iins: readonly string[]): Promise<Map<string, repo.PersonRow>> {
  return repo.findPeopleByIin(db, iins);
}

export interface PersonInput {
  iin: string;
  lastName: string;
  firstName: string;
  middleName?: string | null;
  phone?: string | null;
  email?: string | null;
  preferredLanguage?: Lang;
}

function cleanText(field: string, v: string | null | undefined, required: boolean): string | null {
  const t = (v ?? '').trim().replace(/\s+/g, ' ');
  if (!t) {
    if (required) throw invalid(field, 'required', 'directory:name_required');
    return null;
  }
  return t;
}

export interface CleanPerson {
  info: IinInfo;
  lastName: string;
  firstName: string;
  middleName: string | null;
  phone: string | null;
  email: string | null;
  preferredLanguage: Lang;
}

export function cleanPersonInput(p: PersonInput, prefix = ''): CleanPerson {
  const info = requireIin(`${prefix}iin`, p.iin);
  const email = cleanText(`${prefix}email`, p.email, false);
  if (email !== null && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw invalid(`${prefix}email`, 'not an e-mail', 'directory:email_invalid');
  return {
    info,
    lastName: cleanText(`${prefix}lastName`, p.lastName, true)!,
    firstName: cleanText(`${prefix}firstName`, p.firstName, true)!,
    middleName: cleanText(`${prefix}middleName`, p.middleName, false),
    phone: p.phone ? requirePhone(`${prefix}phone`, p.phone) : null,
    email,
    preferredLanguage: p.preferredLanguage ?? 'ru',
  };
}

/** The person with this IIN, created from the input when new (an existing person's data is kept). */
export async function ensurePerson(trx: Executor, p: CleanPerson, now: Date): Promise<{ person: repo.PersonRow; created: boolean }> {
  const existing = await repo.lockPersonByIin(trx, p.info.iin);
  if (existing) return { person: existing, created: false };
  const row: repo.NewPerson = {
    id: randomUUID(),
    iin: p.info.iin,
    lastName: p.lastName,
    firstName: p.firstName,
    middleName: p.middleName,
    birthDate: p.info.birthDate,
    sex: p.info.sex,
    phone: p.phone,
    email: p.email,
    preferredLanguage: p.preferredLanguage,
    accountId: null,
    createdAt: now,
  };
  try {
    await repo.insertPerson(trx, row);
  } catch (e) {
    rethrowUnique(e);
  }
  const { createdAt: _c, ...person } = row;
  return { person, created: true };
}

export const MIN_PASSWORD = 8;

export function checkPassword(field: string, password: string): void {
  if (password.length < MIN_PASSWORD) throw invalid(field, 'too short', 'directory:password_too_short', { min: MIN_PASSWORD });
}

export interface RegisterCitizenInput extends PersonInput {
  /** The organization registering the person (its administrator acts). */
  organizationId: string;
  /** When given, the person also gets a citizen account: login = IIN. */
  password?: string;
}

/**
 * Registers a citizen: the person and, with a password, their account (login = IIN). A
 * person already known without an account (e.g. an earlier applicant) gets the account;
 * one that already has an account is a conflict.
 */
export async function registerCitizen(trx: Executor, input: RegisterCitizenInput, actor: Actor, now: Date): Promise<PersonView> {
  const clean = cleanPersonInput(input);
  if (input.password !== undefined) checkPassword('password', input.password);
  const org = await orgs.findOrganization(trx, input.organizationId);
  if (!org) throw invalid('organizationId', 'unknown organization', 'directory:organization_not_found');
  await assertRole(trx, actor, 'administrator', org.id);

  const { person, created } = await ensurePerson(trx, clean, now);
  if (!created && (person.accountId !== null || input.password === undefined)) throw taken('iin', 'directory:iin_taken');
  let accountId: string | null = null;
  if (input.password !== undefined) {
    if (await repo.accountLoginExists(trx, person.iin)) throw taken('iin', 'directory:iin_taken');
    accountId = randomUUID();
    try {
      await repo.insertAccounts(trx, [
        { id: accountId, login: person.iin, passwordHash: await hashPassword(input.password), kind: 'citizen', locale: clean.preferredLanguage, createdAt: now },
      ]);
    } catch (e) {
      rethrowUnique(e);
    }
    await repo.setPersonAccount(trx, person.id, accountId, now);
  }
  await appendAudit(trx, {
    regionCode: org.regionCode,
    actor,
    action: created ? 'person.registered' : 'person.account_created',
    entityType: 'person',
    entityId: person.id,
    organizationId: org.id,
    data: { personId: person.id, accountId },
    at: now,
  });
  return personView({ ...person, accountId: accountId ?? person.accountId }, true);
}
