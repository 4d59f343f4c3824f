import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { hashPassword } from '../src/platform/auth/password.ts';
import { buildBin, buildIin, katoLevel } from '../src/modules/directory/identity.ts';
import { BENCH_PASSWORD, FIRST_NAMES, KARAGANDA, LAST_NAMES, orgSpecs, orgTerritory, REGIONS, ROUTING, territoriesOf, type OrgKey } from './data.ts';

/**
 * The directory of the synthetic country, on top of the demo seed (Karaganda region): the
 * territories, organizations, staff and routing rules of the other 19 regions, and bench staff
 * (heads, executors, coordinators, operators) in every region, Karaganda's demo organizations
 * included. Small (a few thousand rows): written from JavaScript with json_to_recordset.
 */

export const EXECUTORS_PER_ORG = 5;

export interface BenchStaff {
  login: string;
  staffId: string;
  accountId: string;
  organizationId: string;
  regionCode: string;
  role: 'executor' | 'head' | 'coordinator' | 'operator';
  orgKey: OrgKey;
}

export interface BenchDirectory {
  /** Region → organization key → id. */
  orgs: Map<string, Map<OrgKey, string>>;
  staff: BenchStaff[];
  passwordHash: string;
}

async function insertJson(c: pg.Client, table: string, columns: string, types: string, rows: object[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) {
    await c.query(`insert into ${table} (${columns}) select ${columns} from json_to_recordset($1::json) as x(${types}) on conflict do nothing`, [
      JSON.stringify(rows.slice(i, i + 2000)),
    ]);
  }
}

/** Karaganda and Astana keep the demo's organizations; these English-name fragments find them. */
const DEMO_ORGS: Record<string, Partial<Record<OrgKey, string>>> = {
  [KARAGANDA]: {
    akimat: 'Akimat of Karaganda Region', cc: 'Situation Centre of the Akimat of Karaganda', housing: 'Housing and Utilities Department', roads: 'Passenger Transport and Roads',
    education: 'Education Department', health: 'Health Department', energy: 'Energy Department', city: 'Akimat of Karaganda City', d1: 'Kazybek Bi', d2: 'Akimat of Temirtau',
    d3: 'Bukhar-Zhyrau', water: 'Water Utility', heat: 'Heating Networks',
  },
  '710000000': { akimat: 'Akimat of Astana', cc: 'Situation Centre of the Akimat of Astana' },
};

export async function loadDirectory(c: pg.Client, now: Date): Promise<BenchDirectory> {
  const passwordHash = await hashPassword(BENCH_PASSWORD);

  // Territories (the demo has Karaganda's and some of Astana's and Almaty's: kept).
  const territories = REGIONS.filter((r) => r.code !== KARAGANDA).flatMap((r) => territoriesOf(r));
  await insertJson(c, 'territory', 'kato_code, level, parent_code, name_kk, name_ru, name_en', 'kato_code text, level smallint, parent_code text, name_kk text, name_ru text, name_en text',
    territories.map((t) => ({ kato_code: t.code, level: katoLevel(t.code), parent_code: t.parent, name_kk: t.kk, name_ru: t.ru, name_en: t.en })));

  // Organizations.
  const existing = (await c.query<{ id: string; region_code: string; name_en: string; path: string[] }>('select id, region_code, name_en, path from organization')).rows;
  const orgs = new Map<string, Map<OrgKey, string>>();
  const paths = new Map<string, string[]>();
  for (const o of existing) paths.set(o.id, o.path);
  const newOrgs: object[] = [];
  let binSerial = 61_000;
  for (const r of REGIONS) {
    const m = new Map<OrgKey, string>();
    orgs.set(r.code, m);
    for (const spec of orgSpecs(r)) {
      const fragment = DEMO_ORGS[r.code]?.[spec.key];
      if (fragment) {
        const found = existing.find((o) => o.region_code === r.code && o.name_en.includes(fragment));
        if (found) {
          m.set(spec.key, found.id);
          continue;
        }
      }
      if (r.code === KARAGANDA) continue; // the demo lacks it: Karaganda routes by its own rules
      const id = randomUUID();
      const parentId = spec.parent ? m.get(spec.parent)! : null;
      const path = [...(parentId ? paths.get(parentId)! : []), id];
      paths.set(id, path);
      m.set(spec.key, id);
      newOrgs.push({
        id, bin: spec.kind === 'coordination_centre' ? null : buildBin(5 + (binSerial % 15), 1 + (binSerial % 12), 4, 0, binSerial++),
        name_kk: spec.kk, name_ru: spec.ru, name_en: spec.en, kind: spec.kind, parent_id: parentId, territory_code: orgTerritory(r, spec.key),
        region_code: r.code, path: `{${path.join(',')}}`, created_at: now, updated_at: now,
      });
    }
  }
  await insertJson(c, 'organization', 'id, bin, name_kk, name_ru, name_en, kind, parent_id, territory_code, region_code, path, created_at, updated_at',
    'id uuid, bin text, name_kk text, name_ru text, name_en text, kind text, parent_id uuid, territory_code text, region_code text, path uuid[], created_at timestamptz, updated_at timestamptz', newOrgs);

  // Staff: a head and executors in every organization but the coordination centre, which gets
  // coordinators and operators (granted on the akimat with its subtree, like the demo's).
  const staff: BenchStaff[] = [];
  const accounts: object[] = [];
  const people: object[] = [];
  const staffRows: object[] = [];
  const grants: object[] = [];
  let n = 0;
  for (const r of REGIONS) {
    const m = orgs.get(r.code)!;
    const akimat = m.get('akimat')!;
    for (const [key, orgId] of m) {
      const roles: [BenchStaff['role'], string, boolean][][] = key === 'cc'
        ? [[['coordinator', akimat, true]], [['coordinator', akimat, true]], [['operator', akimat, true]], [['operator', akimat, true]]]
        : [[['head', orgId, true], ['executor', orgId, false]], ...Array.from({ length: EXECUTORS_PER_ORG }, () => [['executor', orgId, false]] as [BenchStaff['role'], string, boolean][])];
      roles.forEach((grantsOf, k) => {
        const role = grantsOf[0]![0];
        const login = `b.${r.prefix.toLowerCase()}.${key}.${role[0]}${k}`;
        const accountId = randomUUID();
        const personId = randomUUID();
        const staffId = randomUUID();
        const i = n++;
        const born = new Date(Date.UTC(1965, 0, 1) + (i % 9000) * 86_400_000).toISOString().slice(0, 10);
        const sex = i % 2 ? 'female' : 'male';
        accounts.push({ id: accountId, login, password_hash: passwordHash, kind: 'staff', locale: i % 3 ? 'ru' : 'kk', created_at: now });
        people.push({
          id: personId, iin: buildIin(born, sex, 7000 + Math.floor(i / 9000)), last_name: LAST_NAMES[i % LAST_NAMES.length], first_name: FIRST_NAMES[(i * 7) % FIRST_NAMES.length],
          birth_date: born, sex, preferred_language: i % 3 ? 'ru' : 'kk', created_at: now, updated_at: now,
        });
        staffRows.push({
          id: staffId, account_id: accountId, organization_id: orgId, person_id: personId, region_code: r.code,
          position_kk: 'Бас маман', position_ru: role === 'head' ? 'Руководитель' : 'Главный специалист', position_en: role === 'head' ? 'Head' : 'Chief specialist', created_at: now, updated_at: now,
        });
        for (const [gRole, gOrg, subtree] of grantsOf) {
          grants.push({ id: randomUUID(), staff_id: staffId, role: gRole, organization_id: gOrg, includes_subtree: subtree, region_code: r.code, granted_at: now });
        }
        staff.push({ login, staffId, accountId, organizationId: orgId, regionCode: r.code, role, orgKey: key });
      });
    }
  }
  await insertJson(c, 'account', 'id, login, password_hash, kind, locale, created_at', 'id uuid, login text, password_hash text, kind text, locale text, created_at timestamptz', accounts);
  await insertJson(c, 'person', 'id, iin, last_name, first_name, birth_date, sex, preferred_language, created_at, updated_at',
    'id uuid, iin text, last_name text, first_name text, birth_date date, sex text, preferred_language text, created_at timestamptz, updated_at timestamptz', people);
  await insertJson(c, 'staff', 'id, account_id, organization_id, person_id, region_code, position_kk, position_ru, position_en, created_at, updated_at',
    'id uuid, account_id uuid, organization_id uuid, person_id uuid, region_code text, position_kk text, position_ru text, position_en text, created_at timestamptz, updated_at timestamptz', staffRows);
  await insertJson(c, 'role_grant', 'id, staff_id, role, organization_id, includes_subtree, region_code, granted_at',
    'id uuid, staff_id uuid, role text, organization_id uuid, includes_subtree boolean, region_code text, granted_at timestamptz', grants);

  await loadCategories(c, orgs, now);
  return { orgs, staff, passwordHash };
}

/** Every region gets Karaganda's category tree (the demo's) and routing rules of the same shape. */
async function loadCategories(c: pg.Client, orgs: Map<string, Map<OrgKey, string>>, now: Date): Promise<void> {
  const cats = (await c.query<{ id: string; parent_id: string | null; code: string; name_kk: string; name_ru: string; name_en: string; organization_kind: string | null; target_hours: number | null; is_security_report: boolean; keywords: string[]; extra_fields: string | null; sort: number; depth: number }>(
    `select id, parent_id, code, name_kk, name_ru, name_en, organization_kind, target_hours, is_security_report, keywords, extra_fields::text as extra_fields, sort, array_length(path, 1) as depth
     from appeal_category where region_code = $1 order by array_length(path, 1), sort`, [KARAGANDA])).rows;
  const rows: object[] = [];
  const rules: object[] = [];
  for (const r of REGIONS) {
    if (r.code === KARAGANDA) continue;
    const ids = new Map<string, { id: string; path: string[] }>();
    for (const k of cats) {
      const id = randomUUID();
      const parent = k.parent_id ? ids.get(k.parent_id)! : undefined;
      const path = [...(parent?.path ?? []), id];
      ids.set(k.id, { id, path });
      rows.push({
        id, region_code: r.code, parent_id: parent?.id ?? null, path: `{${path.join(',')}}`, code: k.code, name_kk: k.name_kk, name_ru: k.name_ru, name_en: k.name_en,
        organization_kind: k.organization_kind, target_hours: k.target_hours, is_security_report: k.is_security_report, keywords: `{${k.keywords.map((w) => `"${w}"`).join(',')}}`,
        extra_fields: k.extra_fields === null ? null : (JSON.parse(k.extra_fields) as unknown), sort: k.sort, created_at: now, updated_at: now,
      });
    }
    const byCode = new Map(cats.map((k) => [k.code, ids.get(k.id)!.id]));
    const ab = r.code.slice(0, 2);
    const m = orgs.get(r.code)!;
    for (const [code, where, key] of ROUTING) {
      const org = m.get(key);
      const categoryId = byCode.get(code);
      if (!org || !categoryId) continue;
      const prefix = where === 'region' ? ab : where === 'city' ? (r.isCity ? null : `${ab}10`) : r.isCity ? `${ab}1${where.slice(1)}1` : `${ab}${[32, 40, 44][Number(where.slice(1)) - 1]}`;
      if (!prefix) continue;
      rules.push({ id: randomUUID(), region_code: r.code, category_id: categoryId, territory_prefix: prefix, organization_id: org, note: 'bench', created_at: now, updated_at: now });
    }
  }
  await insertJson(c, 'appeal_category',
    'id, region_code, parent_id, path, code, name_kk, name_ru, name_en, organization_kind, target_hours, is_security_report, keywords, extra_fields, sort, created_at, updated_at',
    'id uuid, region_code text, parent_id uuid, path uuid[], code text, name_kk text, name_ru text, name_en text, organization_kind text, target_hours int, is_security_report boolean, keywords text[], extra_fields json, sort int, created_at timestamptz, updated_at timestamptz',
    rows);
  await insertJson(c, 'appeal_routing_rule', 'id, region_code, category_id, territory_prefix, organization_id, note, created_at, updated_at',
    'id uuid, region_code text, category_id uuid, territory_prefix text, organization_id uuid, note text, created_at timestamptz, updated_at timestamptz', rules);
}
