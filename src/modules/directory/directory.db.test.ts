import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, StaffActor } from '../../platform/auth/actor.ts';
import { verifyAudit } from '../../platform/audit/audit.ts';
import { DomainError } from '../../platform/http/errors.ts';
import { createTestDb, type TestDb } from '../../../test/db.ts';
import { organization as cachedOrganization } from '../appeals/appeals.reference.ts';
import { seedDirectoryDemo, type DemoAccount } from './demo.ts';
import { assertRole, canSeePersonalData, hasRole } from './directory.access.ts';
import { resolveActor } from './directory.actor.ts';
import {
  createOrganization,
  findCoordinationCentre,
  findCoordinationCentres,
  findServingOrganizations,
  getTerritoryChain,
  listOrganizations,
  listTerritories,
  updateOrganization,
  type OrganizationView,
} from './directory.service.ts';
import { buildBin, buildIin, isValidBin, isValidIin } from './identity.ts';
import { getPerson, registerCitizen, searchPeople } from './people.service.ts';
import { createStaff, getStaff, grantRole, listStaff, revokeRole, updateStaff } from './staff.service.ts';

let t: TestDb;
let demo: DemoAccount[];
const now = new Date('2025-03-03T05:00:00Z');

async function actorOf(login: string): Promise<Actor> {
  const a = await t.db.selectFrom('account').select('id').where('login', '=', login).executeTakeFirstOrThrow();
  const actor = await resolveActor(t.db)(a.id, 'ru');
  if (!actor) throw new Error(`no actor for ${login}`);
  return actor;
}

async function org(nameRuPart: string): Promise<OrganizationView> {
  const page = await listOrganizations(t.db, { q: nameRuPart });
  if (page.items.length !== 1) throw new Error(`expected one organization named like ${nameRuPart}, got ${page.items.length}`);
  return page.items[0]!;
}

/** Runs a write the way a route does: in its own transaction. */
const tx = <T>(fn: (trx: TestDb['db']) => Promise<T>) => t.db.transaction().execute(fn);

async function refusal(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

beforeAll(async () => {
  t = await createTestDb();
  demo = await t.db.transaction().execute((trx) => seedDirectoryDemo(trx));
});
afterAll(async () => t?.close());

describe('demo data', () => {
  it('has one documented login per role, a citizen, and every password is demo', () => {
    expect(demo.slice(0, 8).map((a) => [a.login, a.role])).toEqual([
      ['operator', 'operator'],
      ['executor', 'executor'],
      ['head', 'head'],
      ['coordinator', 'coordinator'],
      ['designer', 'service_designer'],
      ['digital', 'digitalization_officer'],
      ['admin', 'administrator'],
      ['900515301234', 'citizen'],
    ]);
    expect(demo.every((a) => a.password === 'demo')).toBe(true);
    expect(new Set(demo.map((a) => a.login)).size).toBe(demo.length);
  });

  it('holds only valid identity numbers and consistent trees', async () => {
    const orgs = await t.db.selectFrom('organization').selectAll().execute();
    for (const o of orgs) {
      if (o.bin) expect(isValidBin(o.bin), o.nameRu).toBe(true);
      expect(o.path.at(-1)).toBe(o.id);
      if (o.parentId) {
        const parent = orgs.find((p) => p.id === o.parentId)!;
        expect(o.path.slice(0, -1)).toEqual(parent.path);
      }
      expect(o.regionCode).toBe(o.territoryCode === '000000000' ? '000000000' : `${o.territoryCode.slice(0, 2)}0000000`);
    }
    const people = await t.db.selectFrom('person').select(['iin', 'birthDate', 'sex']).execute();
    expect(people.length).toBeGreaterThan(30);
    for (const p of people) expect(isValidIin(p.iin), p.iin).toBe(true);

    const territories = await t.db.selectFrom('territory').select(['katoCode', 'parentCode']).execute();
    const codes = new Set(territories.map((x) => x.katoCode));
    for (const x of territories) if (x.parentCode) expect(codes.has(x.parentCode), x.katoCode).toBe(true);
    expect(codes.has('000000000') && codes.has('710000000') && codes.has('750000000')).toBe(true);
  });

  it('has a coordination centre for Karaganda region and Astana', async () => {
    expect((await findCoordinationCentre(t.db, '350000000'))?.name.ru).toContain('Ситуационный центр');
    expect((await findCoordinationCentre(t.db, '710000000'))?.name.en).toContain('Astana');
    expect(await findCoordinationCentre(t.db, '550000000')).toBeUndefined();
    // Several regions in one query: the same centre each, none for a region without one.
    const centres = await findCoordinationCentres(t.db, ['350000000', '710000000', '550000000', '350000000']);
    expect([...centres.keys()].sort()).toEqual(['350000000', '710000000']);
    expect(centres.get('350000000')).toEqual(await findCoordinationCentre(t.db, '350000000'));
    expect(centres.get('710000000')).toEqual(await findCoordinationCentre(t.db, '710000000'));
    expect((await findCoordinationCentres(t.db, [])).size).toBe(0);
  });
});

describe('territories', () => {
  it('lists by parent and by name, and walks up to the republic', async () => {
    const karaganda = await listTerritories(t.db, { parentCode: '351010000' });
    expect(karaganda.items.map((x) => x.code)).toEqual(['351011100', '351013100']);
    const byName = await listTerritories(t.db, { q: 'Теміртау' });
    expect(byName.items.map((x) => x.code)).toEqual(['352400000', '352410000']);
    const chain = await getTerritoryChain(t.db, '351013100');
    expect(chain.map((x) => x.code)).toEqual(['351013100', '351010000', '351000000', '350000000', '000000000']);
    const regions = await listTerritories(t.db, { level: 1, limit: 100 });
    expect(regions.total).toBe(20);
  });

  it('answers "as of a date": Ulytau region did not exist in 2020', async () => {
    expect((await listTerritories(t.db, { code: '620000000', at: '2020-01-01' })).total).toBe(0);
    expect((await listTerritories(t.db, { code: '620000000', at: '2023-01-01' })).total).toBe(1);
  });

  it('finds who serves a territory, nearest first', async () => {
    const serving = await findServingOrganizations(t.db, '351013100', 'district_akimat');
    expect(serving.map((o) => o.name.en)).toEqual(['Office of the Akim of Kazybek Bi District, Karaganda', 'Akimat of Karaganda City']);
    const akimats = await findServingOrganizations(t.db, '352410000', 'regional_akimat');
    expect(akimats.map((o) => o.name.en)).toEqual(['Akimat of Karaganda Region']);
  });
});

describe('actors and roles', () => {
  it('resolves a staff member with roles, region and names', async () => {
    const admin = (await actorOf('admin')) as StaffActor;
    expect(admin.kind).toBe('staff');
    expect(admin.displayName).toBe('Жұмабеков Ерлан');
    expect(admin.regionCode).toBe('350000000');
    expect(admin.organizationName?.ru).toBe('Акимат Карагандинской области');
    expect(admin.roles).toEqual([{ role: 'administrator', organizationId: admin.organizationId, includesSubtree: true }]);
  });

  it('resolves a citizen by IIN login', async () => {
    const c = await actorOf('900515301234');
    expect(c).toMatchObject({ kind: 'citizen', iin: '900515301234', displayName: 'Сәрсенов Нұрлан', locale: 'ru' });
  });

  it('resolves nothing for unknown or deactivated accounts', async () => {
    expect(await resolveActor(t.db)('00000000-0000-0000-0000-000000000000', 'ru')).toBeUndefined();
    const row = await t.db.selectFrom('account').select('id').where('login', '=', 'bukhar.executor').executeTakeFirstOrThrow();
    await t.db.updateTable('staff').set({ isActive: false }).where('accountId', '=', row.id).execute();
    expect(await resolveActor(t.db)(row.id, 'kk')).toBeUndefined();
    await t.db.updateTable('staff').set({ isActive: true }).where('accountId', '=', row.id).execute();
    expect(await resolveActor(t.db)(row.id, 'kk')).toMatchObject({ kind: 'staff', locale: 'kk' });
  });

  it('applies a grant to its organization and, with subtree, to every descendant', async () => {
    const water = await org('Су Арнасы');
    const housing = await org('жилищно-коммунального');
    const temirtau = await org('Акимат города Темиртау');
    const admin = await actorOf('admin');
    const head = await actorOf('head');
    const executor = await actorOf('executor');
    const temirtauAdmin = await actorOf('temirtau.admin');
    const citizen = await actorOf('900515301234');

    expect(await hasRole(t.db, admin, 'administrator', water.id)).toBe(true); // akimat → housing → water
    expect(await hasRole(t.db, head, 'head', water.id)).toBe(true); // housing with subtree
    expect(await hasRole(t.db, executor, 'executor', housing.id)).toBe(true);
    expect(await hasRole(t.db, executor, 'executor', water.id)).toBe(false); // exact grant only
    expect(await hasRole(t.db, executor, ['head', 'administrator'], housing.id)).toBe(false);
    expect(await hasRole(t.db, temirtauAdmin, 'administrator', temirtau.id)).toBe(true);
    expect(await hasRole(t.db, temirtauAdmin, 'administrator', housing.id)).toBe(false);
    expect(await hasRole(t.db, citizen, 'executor', housing.id)).toBe(false);
    expect(await hasRole(t.db, { kind: 'anonymous' }, 'executor', housing.id)).toBe(false);
    expect(await hasRole(t.db, admin, 'administrator', '00000000-0000-0000-0000-000000000000')).toBe(false);
    expect(await hasRole(t.db, admin, 'administrator', 'not-an-id')).toBe(false);

    // A subtree check needs a subtree grant: head's exact executor grant does not count.
    expect(await hasRole(t.db, head, 'executor', housing.id, { subtree: true })).toBe(false);
    expect(await hasRole(t.db, head, 'head', housing.id, { subtree: true })).toBe(true);

    const e = await refusal(assertRole(t.db, temirtauAdmin, 'administrator', housing.id));
    expect(e.status).toBe(403);
    expect(canSeePersonalData(await actorOf('operator'))).toBe(true);
    expect(canSeePersonalData(executor)).toBe(false);
  });
});

describe('organizations: writes', () => {
  it('creates an organization under a parent the administrator covers, with an audit entry', async () => {
    const housing = await org('жилищно-коммунального');
    const admin = await actorOf('admin');
    const bin = buildBin(24, 5, 4, 0, 777);
    const created = await tx((trx) =>
      createOrganization(
        trx,
        {
          parentId: housing.id,
          bin,
          kind: 'state_enterprise',
          territoryCode: '352400000',
          name: { kk: ' «Теміртау Су» КМК ', ru: 'КГП «Темиртау Су»', en: 'Temirtau Water' },
        },
        admin,
        now,
      ),
    );
    expect(created).toMatchObject({ bin, kind: 'state_enterprise', regionCode: '350000000', parentId: housing.id, name: { kk: '«Теміртау Су» КМК' } });
    expect(created.path).toEqual([...housing.path, created.id]);
    const audit = await t.db.selectFrom('auditLog').selectAll().where('entityId', '=', created.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['organization.created']);
    expect((await verifyAudit(t.db)).ok).toBe(true);
  });

  it('names the reason of a bad BIN, and refuses a taken one', async () => {
    const housing = await org('жилищно-коммунального');
    const admin = await actorOf('admin');
    const base = { parentId: housing.id, kind: 'private_provider' as const, territoryCode: '351010000', name: { kk: 'А', ru: 'А', en: 'A' } };
    expect(await refusal(tx((trx) => createOrganization(trx, { ...base, bin: '940140000386' }, admin, now)))).toMatchObject({
      status: 400,
      field: 'bin',
      messageKey: 'directory:bin_checksum',
    });
    expect(await refusal(tx((trx) => createOrganization(trx, { ...base, bin: '94014000038' }, admin, now)))).toMatchObject({ messageKey: 'directory:bin_length' });
    expect(await refusal(tx((trx) => createOrganization(trx, { ...base }, admin, now)))).toMatchObject({ messageKey: 'directory:bin_required' });
    const taken = housing.bin!;
    expect(await refusal(tx((trx) => createOrganization(trx, { ...base, bin: taken }, admin, now)))).toMatchObject({ status: 409, field: 'bin' });
    expect(await refusal(tx((trx) => createOrganization(trx, { ...base, bin: buildBin(24, 1, 4, 0, 1), territoryCode: '710000000' }, admin, now)))).toMatchObject({
      field: 'territoryCode',
      messageKey: 'directory:territory_outside_parent',
    });
    expect(await refusal(tx((trx) => createOrganization(trx, { ...base, bin: buildBin(24, 1, 4, 0, 2), territoryCode: '351099999' }, admin, now)))).toMatchObject({
      field: 'territoryCode',
      messageKey: 'directory:territory_not_found',
    });
  });

  it('refuses the wrong role and another organization', async () => {
    const housing = await org('жилищно-коммунального');
    const input = { parentId: housing.id, bin: buildBin(24, 2, 4, 0, 3), kind: 'department' as const, territoryCode: '350000000', name: { kk: 'Б', ru: 'Б', en: 'B' } };
    for (const login of ['head', 'temirtau.admin', 'astana.admin', 'karaganda.admin']) {
      const e = await refusal(tx(async (trx) => createOrganization(trx, input, await actorOf(login), now)));
      expect(e.status, login).toBe(403);
    }
  });

  it('moves a subtree, keeps paths consistent, and refuses a cycle', async () => {
    const admin = await actorOf('admin');
    const energy = await org('Управление энергетики');
    const housing = await org('жилищно-коммунального');
    const heat = await org('Жылу Желісі');
    const moved = await tx((trx) => updateOrganization(trx, energy.id, { parentId: housing.id }, admin, now));
    expect(moved.path).toEqual([...housing.path, energy.id]);
    const heatAfter = (await listOrganizations(t.db, { q: 'Жылу Желісі' })).items[0]!;
    expect(heatAfter.path).toEqual([...housing.path, energy.id, heat.id]);
    expect(await refusal(tx((trx) => updateOrganization(trx, housing.id, { parentId: heat.id }, admin, now)))).toMatchObject({
      field: 'parentId',
      messageKey: 'directory:parent_cycle',
    });
    // Put it back for the other tests.
    await tx((trx) => updateOrganization(trx, energy.id, { parentId: energy.parentId! }, admin, now));
    expect((await listOrganizations(t.db, { q: 'Жылу Желісі' })).items[0]!.path).toEqual(heat.path);
  });

  it('moves a root under another tree when the actor administers both', async () => {
    const astana = await org('Акимат города Астаны');
    const ministry = await org('Министерство цифрового развития');
    const situation = await org('Ситуационный центр акимата города Астаны');
    const both: StaffActor = {
      ...((await actorOf('astana.admin')) as StaffActor),
      roles: [
        { role: 'administrator', organizationId: astana.id, includesSubtree: true },
        { role: 'administrator', organizationId: ministry.id, includesSubtree: false },
      ],
    };
    expect((await refusal(tx(async (trx) => updateOrganization(trx, astana.id, { parentId: ministry.id }, await actorOf('astana.admin'), now)))).status).toBe(403);
    await tx((trx) => updateOrganization(trx, astana.id, { parentId: ministry.id }, both, now));
    expect((await org('Ситуационный центр акимата города Астаны')).path).toEqual([ministry.id, astana.id, situation.id]);
    expect((await org('Акимат города Астаны')).parentId).toBe(ministry.id);
    // And back: a root again is not reachable by the API (no parent to name), so restore by hand.
    await t.db.updateTable('organization').set({ parentId: null, path: [astana.id] }).where('id', '=', astana.id).execute();
    await t.db.updateTable('organization').set({ path: [astana.id, situation.id] }).where('id', '=', situation.id).execute();
  });

  it('renames, refuses closing an organization with open children, and lets Temirtau manage only Temirtau', async () => {
    const temirtau = await org('Акимат города Темиртау');
    const tAdmin = await actorOf('temirtau.admin');
    const renamed = await tx((trx) => updateOrganization(trx, temirtau.id, { name: { en: 'Temirtau City Akimat' } }, tAdmin, now));
    expect(renamed.name).toEqual({ ...temirtau.name, en: 'Temirtau City Akimat' });
    const karaganda = await org('Акимат города Караганды');
    expect((await refusal(tx((trx) => updateOrganization(trx, karaganda.id, { name: { en: 'X' } }, tAdmin, now)))).status).toBe(403);
    const admin = await actorOf('admin');
    expect(await refusal(tx((trx) => updateOrganization(trx, karaganda.id, { isActive: false }, admin, now)))).toMatchObject({
      messageKey: 'directory:organization_has_children',
    });
  });

  it('lets the rest of the writing transaction read its own writes through the reference cache', async () => {
    const housing = await org('жилищно-коммунального');
    const admin = await actorOf('admin');
    const rollback = new Error('rollback: leave the directory as it was');
    await expect(
      tx(async (trx) => {
        const created = await createOrganization(
          trx,
          { parentId: housing.id, bin: buildBin(24, 5, 4, 0, 778), kind: 'state_enterprise', territoryCode: '352400000', name: { kk: 'Су арнасы', ru: 'Водоканал', en: 'Water Channel' } },
          admin,
          now,
        );
        // Cached under the revision the creation gave this transaction.
        expect((await cachedOrganization(trx, created.id))?.name.en).toBe('Water Channel');
        await updateOrganization(trx, created.id, { name: { en: 'Temirtau Water Channel' } }, admin, now);
        expect((await cachedOrganization(trx, created.id))?.name.en).toBe('Temirtau Water Channel');
        await updateOrganization(trx, housing.id, { name: { en: 'Housing Department' } }, admin, now);
        expect((await cachedOrganization(trx, housing.id))?.name.en).toBe('Housing Department');
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    expect((await cachedOrganization(t.db, housing.id))?.name).toEqual(housing.name);
  });
});

describe('people', () => {
  it('masks IIN and phone for roles that do not need them', async () => {
    const masked = await searchPeople(t.db, { iin: '900515301234' }, await actorOf('executor'));
    expect(masked.items).toHaveLength(1);
    expect(masked.items[0]).toMatchObject({ iin: '••••••••1234', phone: '+7701•••••01', birthDate: null, isMasked: true, lastName: 'Сәрсенов' });
    const full = await searchPeople(t.db, { phone: '8 701 555 01 01' }, await actorOf('operator'));
    expect(full.items[0]).toMatchObject({ iin: '900515301234', phone: '+77015550101', birthDate: '1990-05-15', sex: 'male', isMasked: false });
    const person = await getPerson(t.db, full.items[0]!.id, await actorOf('coordinator'));
    expect(person.iin).toBe('900515301234');
  });

  it('needs a criterion and checks it', async () => {
    const op = await actorOf('operator');
    expect(await refusal(searchPeople(t.db, {}, op))).toMatchObject({ messageKey: 'directory:search_criteria_required' });
    expect(await refusal(searchPeople(t.db, { iin: '900515301235' }, op))).toMatchObject({ field: 'iin', messageKey: 'directory:iin_checksum' });
    expect(await refusal(searchPeople(t.db, { phone: '12' }, op))).toMatchObject({ field: 'phone', messageKey: 'directory:phone_invalid' });
    expect(await refusal(searchPeople(t.db, { q: 'a' }, op))).toMatchObject({ field: 'q' });
    expect((await refusal(searchPeople(t.db, { q: 'Сәрсенов' }, await actorOf('900515301234')))).status).toBe(403);
    expect((await searchPeople(t.db, { q: 'сәрсен' }, op)).total).toBe(1);
  });

  it('registers a citizen with an account, once', async () => {
    const admin = await actorOf('admin');
    const akimat = await org('Акимат Карагандинской области');
    const iin = buildIin('1999-09-09', 'female', 42);
    const p = await tx((trx) =>
      registerCitizen(trx, { organizationId: akimat.id, iin, lastName: 'Омарова', firstName: 'Ботагөз', phone: '+7 702 555 0199', password: 'correct horse', preferredLanguage: 'kk' }, admin, now),
    );
    expect(p).toMatchObject({ iin, birthDate: '1999-09-09', sex: 'female', phone: '+77025550199', hasAccount: true });
    const actor = await actorOf(iin);
    expect(actor).toMatchObject({ kind: 'citizen', personId: p.id });
    expect(await refusal(tx((trx) => registerCitizen(trx, { organizationId: akimat.id, iin, lastName: 'X', firstName: 'Y', password: 'another pass' }, admin, now)))).toMatchObject({
      status: 409,
      field: 'iin',
    });
    const audit = await t.db.selectFrom('auditLog').select(['action', 'data']).where('entityId', '=', p.id).execute();
    expect(audit).toHaveLength(1);
    // No personal data in the audit row: neither the IIN nor the phone, in any spelling (the row
    // holds two random UUIDs, so a bare '555' could appear in them by chance: 1 run in ~70 did).
    const data = JSON.stringify(audit[0]!.data);
    expect(data).not.toContain(iin);
    for (const phone of ['+77025550199', '77025550199', '7025550199', '+7 702 555 0199', '555 0199', '5550199']) expect(data).not.toContain(phone);
  });

  it('gives an earlier applicant without an account their account', async () => {
    const admin = await actorOf('admin');
    const akimat = await org('Акимат Карагандинской области');
    const shevchenko = (await searchPeople(t.db, { q: 'Шевченко' }, admin)).items[0]!;
    expect(shevchenko.hasAccount).toBe(false);
    const p = await tx((trx) =>
      registerCitizen(trx, { organizationId: akimat.id, iin: shevchenko.iin, lastName: 'Шевченко', firstName: 'Виктор', password: 'long enough' }, admin, now),
    );
    expect(p).toMatchObject({ id: shevchenko.id, hasAccount: true });
  });
});

describe('staff', () => {
  it('lists the staff of the own tree only', async () => {
    const exec = await actorOf('executor');
    const mine = await listStaff(t.db, { limit: 200 }, exec);
    expect(mine.items.some((s) => s.login === 'head.water')).toBe(true);
    expect(mine.items.some((s) => s.login === 'astana.admin')).toBe(false);
    const astana = await listStaff(t.db, { limit: 200 }, await actorOf('astana.admin'));
    expect(astana.items.map((s) => s.login).sort()).toEqual(['astana.admin', 'astana.coordinator', 'astana.operator']);
    const water = (await listStaff(t.db, { q: 'Кузнецов' }, exec)).items[0]!;
    expect(water).toMatchObject({ login: 'executor.water', displayName: 'Кузнецов Дмитрий', roles: [{ role: 'executor' }] });
    expect((await refusal(getStaff(t.db, water.id, await actorOf('astana.admin')))).status).toBe(404);
    const byRole = await listStaff(t.db, { role: 'coordinator', limit: 200 }, exec);
    expect(byRole.items.map((s) => s.login)).toEqual(['coordinator']);
  });

  it('creates a staff member with an account and a role, and the new account can act', async () => {
    const kAdmin = await actorOf('karaganda.admin');
    const karaganda = await org('Акимат города Караганды');
    const created = await tx((trx) =>
      createStaff(
        trx,
        {
          organizationId: karaganda.id,
          login: 'New.Executor',
          password: 'a long password',
          person: { iin: buildIin('1994-04-04', 'male', 77), lastName: 'Нұрғалиев', firstName: 'Әділ' },
          position: { kk: 'Маман', ru: 'Специалист', en: 'Specialist' },
          roles: [{ role: 'executor' }],
        },
        kAdmin,
        now,
      ),
    );
    expect(created).toMatchObject({ login: 'new.executor', displayName: 'Нұрғалиев Әділ', roles: [{ role: 'executor', organizationId: karaganda.id, includesSubtree: false }] });
    const actor = (await actorOf('new.executor')) as StaffActor;
    expect(actor.roles).toEqual([{ role: 'executor', organizationId: karaganda.id, includesSubtree: false }]);
    expect(await refusal(tx((trx) => createStaff(trx, { ...baseStaff(karaganda.id), login: 'new.executor' }, kAdmin, now)))).toMatchObject({ status: 409, field: 'login' });
    expect(await refusal(tx((trx) => createStaff(trx, { ...baseStaff(karaganda.id), login: '900515301234' }, kAdmin, now)))).toMatchObject({ field: 'login' });
    expect(await refusal(tx((trx) => createStaff(trx, { ...baseStaff(karaganda.id), password: 'short' }, kAdmin, now)))).toMatchObject({ field: 'password' });
    expect(await refusal(tx((trx) => createStaff(trx, { ...baseStaff(karaganda.id), person: { ...baseStaff(karaganda.id).person, iin: '1' } }, kAdmin, now)))).toMatchObject({
      field: 'person.iin',
      messageKey: 'directory:iin_length',
    });
    expect((await refusal(tx(async (trx) => createStaff(trx, baseStaff(karaganda.id), await actorOf('temirtau.admin'), now)))).status).toBe(403);
  });

  it('grants only within what the granter covers; a subtree grant needs subtree authority', async () => {
    const admin = await actorOf('admin');
    const tAdmin = await actorOf('temirtau.admin');
    const temirtau = await org('Акимат города Темиртау');
    const housing = await org('жилищно-коммунального');
    const tExec = (await listStaff(t.db, { q: 'temirtau.executor' }, tAdmin)).items[0]!;

    const g = await tx((trx) => grantRole(trx, tExec.id, { role: 'head', organizationId: temirtau.id, includesSubtree: true }, tAdmin, now));
    expect(g).toMatchObject({ role: 'head', organizationId: temirtau.id, includesSubtree: true });
    expect((await refusal(tx((trx) => grantRole(trx, tExec.id, { role: 'head', organizationId: temirtau.id }, tAdmin, now)))).status).toBe(409);
    // Not for another organization, nor for someone else's staff.
    expect((await refusal(tx((trx) => grantRole(trx, tExec.id, { role: 'executor', organizationId: housing.id }, tAdmin, now)))).status).toBe(403);
    const waterExec = (await listStaff(t.db, { q: 'executor.water' }, admin)).items[0]!;
    expect((await refusal(tx((trx) => grantRole(trx, waterExec.id, { role: 'executor', organizationId: temirtau.id }, tAdmin, now)))).status).toBe(403);

    // An administrator of one organization only cannot hand out authority over its subtree.
    const kAdmin = await actorOf('karaganda.admin');
    const karaganda = await org('Акимат города Караганды');
    const kExec = (await listStaff(t.db, { q: 'karaganda.executor' }, kAdmin)).items[0]!;
    await tx((trx) => grantRole(trx, kExec.id, { role: 'administrator', organizationId: karaganda.id }, kAdmin, now));
    const narrowAdmin = await actorOf('karaganda.executor');
    expect((await refusal(tx((trx) => grantRole(trx, kExec.id, { role: 'coordinator', organizationId: karaganda.id, includesSubtree: true }, narrowAdmin, now)))).status).toBe(403);
    await tx((trx) => grantRole(trx, kExec.id, { role: 'coordinator', organizationId: karaganda.id }, narrowAdmin, now));

    // Revoking: not your own administrator role; the regional administrator may.
    const grants = (await getStaff(t.db, kExec.id, admin)).roles;
    const adminGrant = grants.find((x) => x.role === 'administrator')!;
    expect(await refusal(tx((trx) => revokeRole(trx, kExec.id, adminGrant.id, narrowAdmin, now)))).toMatchObject({ messageKey: 'directory:cannot_revoke_own_admin' });
    expect((await refusal(tx((trx) => revokeRole(trx, kExec.id, adminGrant.id, tAdmin, now)))).status).toBe(403);
    await tx((trx) => revokeRole(trx, kExec.id, adminGrant.id, admin, now));
    expect((await getStaff(t.db, kExec.id, admin)).roles.map((r) => r.role).sort()).toEqual(['coordinator', 'executor']);
    expect((await refusal(tx((trx) => revokeRole(trx, kExec.id, adminGrant.id, admin, now)))).status).toBe(404);
  });

  it('deactivates a staff member (not oneself); the account then resolves to nothing', async () => {
    const tAdmin = (await actorOf('temirtau.admin')) as StaffActor;
    const head = (await listStaff(t.db, { q: 'temirtau.head' }, tAdmin)).items[0]!;
    const updated = await tx((trx) => updateStaff(trx, head.id, { isActive: false, position: { en: 'Former head' } }, tAdmin, now));
    expect(updated).toMatchObject({ isActive: false, position: { en: 'Former head' } });
    expect(await resolveActor(t.db)(head.accountId, 'ru')).toBeUndefined();
    expect(await refusal(tx((trx) => updateStaff(trx, tAdmin.staffId, { isActive: false }, tAdmin, now)))).toMatchObject({ messageKey: 'directory:cannot_deactivate_self' });
    await tx((trx) => updateStaff(trx, head.id, { isActive: true }, tAdmin, now));
    expect((await refusal(tx(async (trx) => updateStaff(trx, head.id, { isActive: false }, await actorOf('karaganda.admin'), now)))).status).toBe(403);
  });

  it('keeps the audit chains intact after all these writes', async () => {
    const v = await verifyAudit(t.db);
    expect(v.ok).toBe(true);
    const data = await t.db.selectFrom('auditLog').select('data').execute();
    const people = await t.db.selectFrom('person').select(['iin', 'phone']).execute();
    const all = JSON.stringify(data);
    for (const p of people) {
      expect(all).not.toContain(p.iin);
      if (p.phone) expect(all).not.toContain(p.phone);
    }
  });
});

function baseStaff(organizationId: string) {
  return {
    organizationId,
    login: 'another.one',
    password: 'long password',
    person: { iin: buildIin('1980-01-01', 'female', 5), lastName: 'Ахметова', firstName: 'Алия' },
    position: { kk: 'Маман', ru: 'Специалист', en: 'Specialist' },
  };
}
