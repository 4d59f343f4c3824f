import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { executePrepared } from '../../platform/db/prepared.ts';
import { containsText, type Paging } from './directory.repository.ts';

/** SQL for people and the accounts the directory creates for them (account is platform's table, written here only on registration). */

export interface PersonRow {
  id: string;
  iin: string;
  lastName: string;
  firstName: string;
  middleName: string | null;
  birthDate: string;
  sex: string;
  phone: string | null;
  email: string | null;
  preferredLanguage: string;
  accountId: string | null;
}

const PERSON_COLUMNS = ['id', 'iin', 'lastName', 'firstName', 'middleName', 'birthDate', 'sex', 'phone', 'email', 'preferredLanguage', 'accountId'] as const;

export interface PersonFilter {
  iin?: string;
  phone?: string;
  q?: string;
}

function personQuery(db: Executor, f: PersonFilter) {
  let q = db.selectFrom('person');
  if (f.iin !== undefined) q = q.where('iin', '=', f.iin);
  if (f.phone !== undefined) q = q.where('phone', '=', f.phone);
  if (f.q) q = q.where(containsText(sql`last_name || ' ' || first_name || ' ' || coalesce(middle_name, '')`, f.q));
  return q;
}

export async function searchPeople(db: Executor, f: PersonFilter, page: Paging): Promise<{ rows: PersonRow[]; total: number }> {
  const [rows, count] = await Promise.all([
    personQuery(db, f).select(PERSON_COLUMNS).orderBy('lastName').orderBy('firstName').orderBy('id').limit(page.limit).offset(page.offset).execute(),
    personQuery(db, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function findPerson(db: Executor, id: string): Promise<PersonRow | undefined> {
  return db.selectFrom('person').select(PERSON_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export async function findPersonByIin(db: Executor, iin: string): Promise<PersonRow | undefined> {
  // A named statement (platform/db/prepared.ts): every citizen's intake looks the applicant up.
  return (await executePrepared(db, db.selectFrom('person').select(PERSON_COLUMNS).where('iin', '=', iin)))[0];
}

/** Many people by IIN in one statement (the appeals registrar's batch); those not found are absent. */
export async function findPeopleByIin(db: Executor, iins: readonly string[]): Promise<Map<string, PersonRow>> {
  if (iins.length === 0) return new Map();
  // A named statement: one text for any number of IINs (an array parameter).
  const rows = await executePrepared(db, db.selectFrom('person').select(PERSON_COLUMNS).where(sql<boolean>`iin = any(${[...new Set(iins)]}::text[])`));
  return new Map(rows.map((p) => [p.iin, p]));
}

export async function lockPersonByIin(db: Executor, iin: string): Promise<PersonRow | undefined> {
  return db.selectFrom('person').select(PERSON_COLUMNS).where('iin', '=', iin).forUpdate().executeTakeFirst();
}

export type NewPerson = Omit<PersonRow, 'id'> & { id: string; createdAt: Date };

export async function insertPerson(db: Executor, p: NewPerson): Promise<void> {
  await db.insertInto('person').values({ ...p, updatedAt: p.createdAt }).execute();
}

export async function insertPeople(db: Executor, people: NewPerson[]): Promise<void> {
  if (people.length) await db.insertInto('person').values(people.map((p) => ({ ...p, updatedAt: p.createdAt }))).execute();
}

export async function setPersonAccount(db: Executor, personId: string, accountId: string, now: Date): Promise<void> {
  await db.updateTable('person').set({ accountId, updatedAt: now }).where('id', '=', personId).execute();
}

export interface NewAccount {
  id: string;
  login: string;
  passwordHash: string;
  kind: 'staff' | 'citizen';
  locale: string;
  createdAt: Date;
}

export async function insertAccounts(db: Executor, accounts: NewAccount[]): Promise<void> {
  if (accounts.length) await db.insertInto('account').values(accounts).execute();
}

export async function accountLoginExists(db: Executor, login: string): Promise<boolean> {
  return !!(await db.selectFrom('account').select('id').where('login', '=', login).executeTakeFirst());
}
