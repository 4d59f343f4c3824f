import { randomUUID } from 'node:crypto';
import { hashPassword } from '../../platform/auth/password.ts';
import type { Executor } from '../../platform/db/database.ts';
import { CITIZENS, ORGANIZATIONS, STAFF, TERRITORIES, type OrgKey } from './demo.data.ts';
import { addTerritory } from './directory.service.ts';
import { buildBin, buildIin, katoRegion, type Sex } from './identity.ts';
import * as orgRepo from './directory.repository.ts';
import * as peopleRepo from './people.repository.ts';
import * as staffRepo from './staff.repository.ts';

/**
 * The demo region: Karaganda region with its akimat, coordination (situation) centre,
 * departments, two city akimats, a district, a water and a heating utility; the ministry
 * and Astana's akimat so that the platform is visibly national. Every account's password
 * is `demo`.
 *
 * KATO codes: the 20 regions and the Karaganda codes follow public extracts of the KATO
 * classifier (stat.gov.kz, НК РК 11); district codes are marked where less certain. Check
 * them against the current classifier before any production use.
 *
 * BINs and IINs are fictional but valid (built with the real check digit); organization
 * names of the utilities are invented. Any match with a real number is accidental.
 */

export interface DemoAccount {
  login: string;
  password: string;
  /** The principal role, or 'citizen'. */
  role: string;
  /** The organization's name (Russian), or '—' for citizens. */
  organization: string;
  kind: 'staff' | 'citizen';
}

export const DEMO_PASSWORD = 'demo';

/**
 * Loads the demo directory inside the caller's transaction. Fast: one argon2 hash of the
 * shared password, and bulk inserts. Returns every account, the seven role logins first,
 * then the citizen, then the rest.
 */
export async function seedDirectoryDemo(trx: Executor): Promise<DemoAccount[]> {
  const now = new Date();
  for (const t of TERRITORIES) {
    await addTerritory(trx, { code: t.code, parentCode: t.parent, name: { kk: t.kk, ru: t.ru, en: t.en }, validFrom: t.validFrom });
  }

  const orgs = new Map<OrgKey, { id: string; path: string[]; regionCode: string; ru: string }>();
  for (const o of ORGANIZATIONS) {
    const id = randomUUID();
    const parent = o.parent ? orgs.get(o.parent)! : undefined;
    const path = [...(parent?.path ?? []), id];
    const regionCode = katoRegion(o.territory);
    await orgRepo.insertOrganization(trx, {
      id,
      bin: o.bin ? buildBin(o.bin[0], o.bin[1], 4, 0, o.bin[2]) : null,
      nameKk: o.kk,
      nameRu: o.ru,
      nameEn: o.en,
      kind: o.kind,
      parentId: parent?.id ?? null,
      territoryCode: o.territory,
      regionCode,
      path,
      createdAt: now,
    });
    orgs.set(o.key, { id, path, regionCode, ru: o.ru });
  }

  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const accounts: peopleRepo.NewAccount[] = [];
  const persons: peopleRepo.NewPerson[] = [];
  const staff: staffRepo.NewStaff[] = [];
  const grants: staffRepo.NewGrant[] = [];
  const out: DemoAccount[] = [];
  const usedIins = new Set<string>();
  const iinFor = (born: string, sex: Sex, serial: number) => {
    let s = serial;
    let iin = buildIin(born, sex, s);
    while (usedIins.has(iin)) iin = buildIin(born, sex, ++s);
    usedIins.add(iin);
    return iin;
  };

  STAFF.forEach((s, i) => {
    const org = orgs.get(s.org)!;
    const accountId = randomUUID();
    const personId = randomUUID();
    const id = randomUUID();
    const iin = iinFor(s.born, s.sex, 3000 + i * 7);
    accounts.push({ id: accountId, login: s.login, passwordHash, kind: 'staff', locale: s.lang, createdAt: now });
    persons.push({
      id: personId,
      iin,
      lastName: s.last,
      firstName: s.first,
      middleName: s.middle ?? null,
      birthDate: s.born,
      sex: s.sex,
      phone: s.phone ?? null,
      email: s.email ?? null,
      preferredLanguage: s.lang,
      accountId: null,
      createdAt: now,
    });
    staff.push({ id, accountId, organizationId: org.id, personId, regionCode: org.regionCode, positionKk: s.position.kk, positionRu: s.position.ru, positionEn: s.position.en, createdAt: now });
    for (const [role, orgKey, subtree] of s.roles) {
      const g = orgs.get(orgKey)!;
      grants.push({ id: randomUUID(), staffId: id, role, organizationId: g.id, includesSubtree: subtree, regionCode: g.regionCode, grantedBy: null, grantedAt: now });
    }
    out.push({ login: s.login, password: DEMO_PASSWORD, role: s.roles[0]![0], organization: org.ru, kind: 'staff' });
  });

  const citizens: DemoAccount[] = [];
  CITIZENS.forEach((c, i) => {
    const iin = c.iin ?? iinFor(c.born, c.sex, 5000 + i * 11);
    usedIins.add(iin);
    const accountId = c.hasAccount ? randomUUID() : null;
    if (accountId) {
      accounts.push({ id: accountId, login: iin, passwordHash, kind: 'citizen', locale: c.lang, createdAt: now });
      citizens.push({ login: iin, password: DEMO_PASSWORD, role: 'citizen', organization: '—', kind: 'citizen' });
    }
    persons.push({
      id: randomUUID(),
      iin,
      lastName: c.last,
      firstName: c.first,
      middleName: c.middle ?? null,
      birthDate: c.born,
      sex: c.sex,
      phone: c.phone ?? null,
      email: c.email ?? null,
      preferredLanguage: c.lang,
      accountId,
      createdAt: now,
    });
  });

  await peopleRepo.insertAccounts(trx, accounts);
  await peopleRepo.insertPeople(trx, persons);
  await staffRepo.insertStaff(trx, staff);
  await staffRepo.insertGrants(trx, grants);

  return [...out.slice(0, 7), citizens[0]!, ...out.slice(7), ...citizens.slice(1)];
}
