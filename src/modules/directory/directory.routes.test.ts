import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type LoggedIn, type TestApp } from '../../../test/app.ts';
import { buildBin, buildIin } from './identity.ts';

let t: TestApp;
const sessions = new Map<string, LoggedIn>();
const ids: Record<string, string> = {};

interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

interface Res {
  statusCode: number;
  headers: Record<string, unknown>;
  json(): unknown;
}

async function as(loginName: string): Promise<LoggedIn> {
  let s = sessions.get(loginName);
  if (!s) {
    s = await login(t.app, loginName, 'demo');
    sessions.set(loginName, s);
  }
  return s;
}

async function call(who: string | undefined, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, lang = 'en'): Promise<Res> {
  const headers: Record<string, string> = { 'accept-language': lang };
  if (who) Object.assign(headers, (await as(who)).headers);
  return t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
}

function expectProblem(res: Res, status: number, field?: string): Problem {
  expect(res.statusCode, JSON.stringify(res.json())).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  const p = res.json() as Problem;
  if (field) expect(p.errors?.map((e) => e.field)).toContain(field);
  return p;
}

async function orgId(q: string): Promise<string> {
  const res = await call(undefined, 'GET', `/api/organizations?q=${encodeURIComponent(q)}`);
  const page = res.json() as { items: { id: string }[] };
  expect(page.items, q).toHaveLength(1);
  return page.items[0]!.id;
}

async function staffId(loginName: string): Promise<string> {
  const res = await call('admin', 'GET', `/api/staff?q=${encodeURIComponent(loginName)}`);
  const page = res.json() as { items: { id: string; login: string }[] };
  return page.items.find((s) => s.login === loginName)!.id;
}

beforeAll(async () => {
  t = await createTestApp();
  ids.akimat = await orgId('Акимат Карагандинской области');
  ids.housing = await orgId('жилищно-коммунального');
  ids.water = await orgId('Су Арнасы');
  ids.temirtau = await orgId('Акимат города Темиртау');
  ids.executorWater = await staffId('executor.water');
  ids.executorHeat = await staffId('executor.heat');
});

describe('public reads', () => {
  it('lists territories by parent, searches by name in any language, walks up', async () => {
    const res = await call(undefined, 'GET', '/api/territories?parentCode=351010000');
    expect(res.statusCode).toBe(200);
    const page = res.json() as { items: { code: string; level: number; name: { kk: string } }[]; total: number };
    expect(page.items.map((x) => [x.code, x.level])).toEqual([
      ['351011100', 4],
      ['351013100', 4],
    ]);
    expect(page.items[1]!.name.kk).toBe('Қазыбек би атындағы аудан');
    const byName = (await call(undefined, 'GET', `/api/territories?q=${encodeURIComponent('қарағанды')}&level=1`)).json() as { items: { code: string }[] };
    expect(byName.items.map((x) => x.code)).toEqual(['350000000']);
    const chain = (await call(undefined, 'GET', '/api/territories/351013100/ancestors')).json() as { items: { code: string }[] };
    expect(chain.items.map((x) => x.code)).toEqual(['351013100', '351010000', '351000000', '350000000', '000000000']);
    const one = (await call(undefined, 'GET', '/api/territories/710000000')).json() as { name: { en: string }; level: number };
    expect(one).toMatchObject({ name: { en: 'Astana' }, level: 1 });
    expectProblem(await call(undefined, 'GET', '/api/territories/999999999'), 404);
    expectProblem(await call(undefined, 'GET', '/api/territories/35'), 400, 'code');
    expectProblem(await call(undefined, 'GET', '/api/territories?parentCode=abc'), 400, 'parentCode');
    expectProblem(await call(undefined, 'GET', '/api/territories?limit=1000'), 400, 'limit');
  });

  it('lists organizations by kind, territory, parent and subtree; one by id', async () => {
    const centres = (await call(undefined, 'GET', '/api/organizations?kind=coordination_centre')).json() as { items: { name: { en: string }; bin: null }[] };
    expect(centres.items.map((o) => o.name.en).sort()).toEqual(['Situation Centre of the Akimat of Astana', 'Situation Centre of the Akimat of Karaganda Region']);
    const underHousing = (await call(undefined, 'GET', `/api/organizations?parentId=${ids.housing}`)).json() as { items: { id: string }[] };
    expect(underHousing.items.map((o) => o.id)).toEqual([ids.water]);
    const subtree = (await call(undefined, 'GET', `/api/organizations?within=${ids.akimat}&limit=200`)).json() as { total: number; items: { regionCode: string }[] };
    expect(subtree.total).toBe(14);
    expect(subtree.items.every((o) => o.regionCode === '350000000')).toBe(true);
    const inTemirtau = (await call(undefined, 'GET', '/api/organizations?territoryCode=352400000')).json() as { items: { id: string }[] };
    expect(inTemirtau.items.map((o) => o.id)).toEqual([ids.temirtau]);
    const water = (await call(undefined, 'GET', `/api/organizations/${ids.water}`)).json() as { kind: string; path: string[] };
    expect(water.kind).toBe('state_enterprise');
    expect(water.path).toEqual([ids.akimat, ids.housing, ids.water]);
    expectProblem(await call(undefined, 'GET', '/api/organizations/00000000-0000-4000-8000-000000000000'), 404);
    expectProblem(await call(undefined, 'GET', '/api/organizations/not-a-uuid'), 400, 'id');
    expectProblem(await call(undefined, 'GET', '/api/organizations?kind=bank'), 400, 'kind');
  });
});

describe('OpenAPI', () => {
  it('documents every directory route with its schemas', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { tags?: string[] }>> };
    for (const [path, method] of [
      ['/api/territories', 'get'],
      ['/api/territories/{code}/ancestors', 'get'],
      ['/api/organizations', 'post'],
      ['/api/organizations/{id}', 'patch'],
      ['/api/people/search', 'post'],
      ['/api/people', 'post'],
      ['/api/staff', 'post'],
      ['/api/staff/{id}', 'patch'],
      ['/api/staff/{id}/roles', 'post'],
      ['/api/staff/{id}/roles/{grantId}', 'delete'],
    ] as const) {
      expect(doc.paths[path]?.[method]?.tags, `${method} ${path}`).toEqual(['directory']);
    }
  });
});

describe('people and staff (staff only)', () => {
  it('refuses anonymous callers and citizens', async () => {
    expectProblem(await call(undefined, 'POST', '/api/people/search', { iin: '900515301234' }), 401);
    expectProblem(await call('900515301234', 'POST', '/api/people/search', { iin: '900515301234' }), 403);
    expectProblem(await call(undefined, 'GET', '/api/staff'), 401);
    expectProblem(await call('900515301234', 'GET', '/api/staff'), 403);
  });

  it('masks IIN and phone unless the role needs them', async () => {
    const masked = (await call('executor', 'POST', '/api/people/search', { iin: '900515301234' })).json() as { items: Record<string, unknown>[] };
    expect(masked.items[0]).toMatchObject({ iin: '••••••••1234', phone: '+7701•••••01', birthDate: null, isMasked: true });
    const full = (await call('operator', 'POST', '/api/people/search', { phone: '+7 701 555-01-01' })).json() as { items: Record<string, unknown>[] };
    expect(full.items[0]).toMatchObject({ iin: '900515301234', phone: '+77015550101', birthDate: '1990-05-15', isMasked: false });
    const one = await call('coordinator', 'GET', `/api/people/${full.items[0]!.id as string}`);
    expect(one.json()).toMatchObject({ iin: '900515301234' });
  });

  it('names the reason of a bad IIN in the language asked', async () => {
    const p = expectProblem(await call('operator', 'POST', '/api/people/search', { iin: '900515301235' }, 'ru'), 400, 'iin');
    expect(p.detail).toBe('Не сходится контрольная цифра ИИН: проверьте номер на опечатку.');
    // The signed-in user's own language wins over Accept-Language: operator.kk works in Kazakh.
    const kk = expectProblem(await call('operator.kk', 'POST', '/api/people/search', { iin: '90051530123' }, 'en'), 400, 'iin');
    expect(kk.detail).toBe('ЖСН дәл 12 цифрдан тұруы керек.');
    expectProblem(await call('operator', 'POST', '/api/people/search', {}), 400, 'q');
  });

  it('lists the staff of the same tree', async () => {
    const res = (await call('executor', 'GET', '/api/staff?limit=200')).json() as { items: { login: string }[]; total: number };
    expect(res.items.some((s) => s.login === 'executor.water')).toBe(true);
    expect(res.items.some((s) => s.login.startsWith('astana.'))).toBe(false);
    const astana = (await call('astana.admin', 'GET', '/api/staff')).json() as { total: number };
    expect(astana.total).toBe(3);
    expectProblem(await call('astana.admin', 'GET', `/api/staff/${ids.executorWater}`), 404);
  });
});

/**
 * Every write endpoint: unauthenticated 401, a citizen 403, a user with the wrong role 403,
 * an administrator of another organization 403, then the happy path.
 */
describe('write permissions', () => {
  async function refusals(
    req: () => Promise<{ method: 'POST' | 'PATCH' | 'DELETE'; url: string; payload?: unknown }>,
    wrongRole: string,
    otherOrg: string,
  ) {
    const r = await req();
    expectProblem(await call(undefined, r.method, r.url, r.payload), 401);
    expectProblem(await call('900515301234', r.method, r.url, r.payload), 403);
    expectProblem(await call(wrongRole, r.method, r.url, r.payload), 403);
    expectProblem(await call(otherOrg, r.method, r.url, r.payload), 403);
  }

  it('POST /organizations', async () => {
    const body = {
      parentId: ids.housing,
      bin: buildBin(24, 6, 4, 0, 101),
      kind: 'state_enterprise',
      territoryCode: '351010000',
      name: { kk: '«Қарағанды Тазалық» КМК', ru: 'КГП «Караганды Тазалык»', en: 'Karaganda Tazalyk' },
    };
    const req = async () => ({ method: 'POST' as const, url: '/api/organizations', payload: body });
    await refusals(req, 'head', 'temirtau.admin');
    const res = await call('admin', 'POST', '/api/organizations', body);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ bin: body.bin, parentId: ids.housing, regionCode: '350000000' });
    expectProblem(await call('admin', 'POST', '/api/organizations', body), 409, 'bin');
  });

  it('PATCH /organizations/:id', async () => {
    const req = async () => ({ method: 'PATCH' as const, url: `/api/organizations/${ids.water}`, payload: { name: { en: 'Karaganda Water' } } });
    await refusals(req, 'head.water', 'temirtau.admin');
    const res = await call('admin', 'PATCH', `/api/organizations/${ids.water}`, { name: { en: 'Karaganda Water' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: { en: 'Karaganda Water' } });
    // Temirtau's own administrator manages Temirtau.
    expect((await call('temirtau.admin', 'PATCH', `/api/organizations/${ids.temirtau}`, { name: { en: 'Temirtau City Akimat' } })).statusCode).toBe(200);
  });

  it('POST /staff', async () => {
    const body = {
      organizationId: ids.housing,
      login: 'housing.specialist',
      password: 'a good long password',
      person: { iin: buildIin('1993-03-03', 'female', 12), lastName: 'Сейітова', firstName: 'Назерке', phone: '87015550333' },
      position: { kk: 'Жетекші маман', ru: 'Ведущий специалист', en: 'Leading specialist' },
      roles: [{ role: 'executor' }],
    };
    await refusals(async () => ({ method: 'POST', url: '/api/staff', payload: body }), 'head', 'astana.admin');
    const res = await call('admin', 'POST', '/api/staff', body);
    expect(res.statusCode, JSON.stringify(res.json())).toBe(201);
    expect(res.json()).toMatchObject({ login: 'housing.specialist', displayName: 'Сейітова Назерке', roles: [{ role: 'executor', organizationId: ids.housing }] });
    const s = await login(t.app, 'housing.specialist', 'a good long password');
    expect(s.cookie).toContain('ortak_session=');
    expectProblem(await call('admin', 'POST', '/api/staff', body), 409, 'login');
  });

  it('PATCH /staff/:id', async () => {
    const url = `/api/staff/${ids.executorWater}`;
    await refusals(async () => ({ method: 'PATCH', url, payload: { position: { en: 'Senior dispatcher' } } }), 'head.water', 'temirtau.admin');
    const res = await call('admin', 'PATCH', url, { position: { en: 'Senior dispatcher' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ position: { en: 'Senior dispatcher', ru: 'Диспетчер' } });
  });

  let grantId = '';
  it('POST /staff/:id/roles', async () => {
    const url = `/api/staff/${ids.executorHeat}/roles`;
    const payload = { role: 'executor', organizationId: ids.water };
    await refusals(async () => ({ method: 'POST', url, payload }), 'coordinator', 'astana.admin');
    // Temirtau's administrator may grant in Temirtau, but not to another organization's staff.
    expectProblem(await call('temirtau.admin', 'POST', url, { role: 'executor', organizationId: ids.temirtau }), 403);
    const res = await call('admin', 'POST', url, payload);
    expect(res.statusCode).toBe(201);
    grantId = (res.json() as { id: string }).id;
    expect(res.json()).toMatchObject({ role: 'executor', organizationId: ids.water, includesSubtree: false });
    expectProblem(await call('admin', 'POST', url, payload), 409, 'role');
  });

  it('DELETE /staff/:id/roles/:grantId', async () => {
    const url = `/api/staff/${ids.executorHeat}/roles/${grantId}`;
    await refusals(async () => ({ method: 'DELETE', url }), 'head', 'temirtau.admin');
    const res = await call('admin', 'DELETE', url);
    expect(res.statusCode).toBe(204);
    expectProblem(await call('admin', 'DELETE', url), 404);
  });

  it('POST /people', async () => {
    const iin = buildIin('2000-01-15', 'male', 321);
    const body = { organizationId: ids.akimat, iin, lastName: 'Нұрмағамбетов', firstName: 'Ерасыл', phone: '+77475550444', preferredLanguage: 'kk', password: 'citizen password' };
    await refusals(async () => ({ method: 'POST', url: '/api/people', payload: body }), 'operator', 'temirtau.admin');
    const res = await call('admin', 'POST', '/api/people', body);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ iin, sex: 'male', birthDate: '2000-01-15', hasAccount: true });
    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: (await login(t.app, iin, 'citizen password')).headers });
    expect(me.json()).toMatchObject({ actor: { kind: 'citizen', displayName: 'Нұрмағамбетов Ерасыл' } });
    expectProblem(await call('admin', 'POST', '/api/people', body), 409, 'iin');
    // An administrator of Temirtau registers people on behalf of Temirtau.
    const other = { ...body, organizationId: ids.temirtau, iin: buildIin('1965-06-01', 'female', 9), lastName: 'Ким', firstName: 'Елена' };
    expect((await call('temirtau.admin', 'POST', '/api/people', other)).statusCode).toBe(201);
  });

  it('writes an audit trail without personal data', async () => {
    const res = await call('admin', 'GET', `/api/audit?entityType=staff&entityId=${ids.executorHeat}`);
    expect(res.statusCode).toBe(200);
    const items = (res.json() as { items: { action: string; data: unknown }[] }).items;
    expect(items.map((i) => i.action)).toEqual(['role.granted', 'role.revoked']);
  });
});
