import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fixedClock, login, type TestApp } from '../../../../test/app.ts';

/**
 * The staff map layer (`GET /api/appeals/reports/map`) through HTTP on a real database: the
 * coordination centre sees every appeal of the period that has a point — published or not, at
 * the reported point — with no personal data; a head sees their own organization's; an executor,
 * a citizen and a visitor are refused; a bad period is a problem naming the field.
 */

const clock = fixedClock(new Date('2026-11-18T10:00:00+05:00')); // a Wednesday
const PERIOD = 'from=2026-11-01&to=2026-11-30';
let t: TestApp;
const ids: Record<string, string> = {};

type Fc = { type: string; features: { id: string; geometry: { coordinates: number[] }; properties: { slipNumber: string; state: string; status: string; isOverdue: boolean; organization: { id: string } } }[]; total: number; truncated: boolean };

async function as(who: string) {
  return (await login(t.app, who)).headers;
}

beforeAll(async () => {
  t = await createTestApp({ clock });
  const cats = (await t.app.inject({ url: '/api/appeals/categories?regionCode=350000000' })).json() as { items: { id: string; code: string }[] };
  const cat = (code: string) => cats.items.find((c) => c.code === code)!.id;
  const citizen = await as('900515301234');
  const file = async (key: string, body: Record<string, unknown>) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/appeals', headers: { ...citizen, 'idempotency-key': randomUUID() }, payload: { type: 'complaint', lang: 'ru', territoryCode: '351010000', ...body } });
    expect(res.statusCode, res.body).toBe(201);
    ids[key] = (res.json() as { appealId: string }).appealId;
  };
  await file('lift', { categoryId: cat('housing.elevator'), text: 'Лифт не работает, Ерубаева 35, кв. 7', location: { lat: 49.80471, lon: 73.10943 }, address: 'Ерубаева, 35, кв. 7', isPublic: false });
  await file('pothole', { categoryId: cat('roads.pothole'), text: 'Яма на дороге у дома 5', location: { lat: 49.81234, lon: 73.08765 }, isPublic: true });
  await file('noPoint', { categoryId: cat('housing.elevator'), text: 'Лифт стоит, адрес без точки' });
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('staff map layer', () => {
  it('gives the coordination centre every appeal of the period with a point, at the reported point, with no personal data', async () => {
    const res = await t.app.inject({ url: `/api/appeals/reports/map?${PERIOD}`, headers: await as('coordinator') });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('application/geo+json');
    const fc = res.json() as Fc;
    expect(fc.type).toBe('FeatureCollection');
    const mine = fc.features.filter((f) => Object.values(ids).includes(f.id));
    expect(mine.map((f) => f.id).sort()).toEqual([ids.lift, ids.pothole].sort()); // the unpublished one too; none without a point
    const lift = mine.find((f) => f.id === ids.lift)!;
    expect(lift.geometry.coordinates).toEqual([73.10943, 49.80471]);
    expect(lift.properties).toMatchObject({ state: 'assigned', status: 'open', isOverdue: false });
    expect(lift.properties.slipNumber).toMatch(/^KRG-2026-\d{6}$/);
    for (const secret of ['900515301234', 'Ерубаева', 'кв. 7', 'Лифт не работает', 'Сәрсенов']) expect(res.body, secret).not.toContain(secret);
    expect(fc.total).toBe(fc.features.length);
    expect(fc.truncated).toBe(false);
    const one = (await t.app.inject({ url: `/api/appeals/reports/map?${PERIOD}&limit=1`, headers: await as('coordinator') })).json() as Fc;
    expect([one.features.length, one.truncated]).toEqual([1, true]);
  });

  it("gives a head only their organization's appeals", async () => {
    const head = await as('head');
    const res = await t.app.inject({ url: `/api/appeals/reports/map?${PERIOD}`, headers: head });
    expect(res.statusCode, res.body).toBe(200);
    const fc = res.json() as Fc;
    expect(fc.features.map((f) => f.id)).toContain(ids.lift);
    expect(fc.features.map((f) => f.id)).not.toContain(ids.pothole);
    // Only organizations the head's grants cover (the same scope as their summary).
    const summary = (await t.app.inject({ url: `/api/appeals/reports/summary?${PERIOD}`, headers: head })).json() as { organizations: { organizationId: string }[] };
    const own = new Set(summary.organizations.map((o) => o.organizationId));
    for (const f of fc.features) expect(own.has(f.properties.organization.id)).toBe(true);
  });

  it('refuses an executor, a citizen and a visitor; a bad period names its field', async () => {
    expect((await t.app.inject({ url: `/api/appeals/reports/map?${PERIOD}`, headers: await as('executor') })).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/api/appeals/reports/map?${PERIOD}`, headers: await as('900515301234') })).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/api/appeals/reports/map?${PERIOD}` })).statusCode).toBe(401);
    const bad = await t.app.inject({ url: '/api/appeals/reports/map?from=2026-11-31', headers: await as('coordinator') });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect((bad.json() as { errors: { field: string }[] }).errors[0]!.field).toBe('from');
  });
});
