import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fixedClock, login, type TestApp } from '../../../../test/app.ts';
import { getCalendar } from '../../../platform/calendar/calendar.ts';
import { runSweep } from '../../../platform/workflow/sweep.ts';
import { appealHooks } from '../appeals.effects.ts';

/**
 * The reports through HTTP on a real database. Appeals are filed and worked through the
 * appeals API with the application's clock moved across February 2025 (no holidays in it), and
 * the escalation sweep run at chosen instants, so that every figure has a known value:
 *
 * | appeal | filed (local)        | organization | what happens                                                       |
 * |--------|----------------------|--------------|--------------------------------------------------------------------|
 * | A1     | Mon 3 Feb 10:00      | Education    | accepted, answered Wed 5 Feb 15:00 (1 working day), confirmed, 5    |
 * | A2     | Mon 3 Feb 10:30      | Education    | accepted, never answered: due 24 Feb, deemed refusal, escalated     |
 * | A3     | Tue 4 Feb 11:00      | Health       | accepted, due 25 Feb, deemed refusal 27 Feb, answered 27 Feb 15:00 (16 working days), disputed with 2: reopened |
 * | A4     | Wed 5 Feb 19:30      | Roads        | after hours: registered Thu 6 Feb; nobody takes it: due 27 Feb, overdue, deemed refusal 3 Mar |
 * | A5     | Sat 1 Mar 12:00      | Education    | a day off: registered Mon 3 Mar (outside February)                  |
 *
 * The reports are read on Mon 3 Mar 2025 at 10:00, after a sweep at that instant.
 */

const local = (s: string) => new Date(`${s}+05:00`);
const clock = fixedClock(local('2025-02-03T09:00:00'));
const REGION = '350000000';
const FEB = 'regionCode=350000000&from=2025-02-01&to=2025-02-28';

let t: TestApp;
const ids: Record<string, string> = {};
const orgs: Record<string, string> = {};
const staff: Record<string, string> = {};
let categories: Map<string, string>;
let personal: string[] = [];

type Headers = Record<string, string>;

async function as(who: string): Promise<Headers> {
  return (await login(t.app, who)).headers;
}

async function get(url: string, headers: Headers = {}) {
  return t.app.inject({ method: 'GET', url, headers });
}

async function file(key: string, who: string, at: string, body: Record<string, unknown>): Promise<void> {
  clock.set(local(at));
  const res = await t.app.inject({ method: 'POST', url: '/api/appeals', headers: { ...(await as(who)), 'idempotency-key': randomUUID() }, payload: { type: 'statement', lang: 'ru', ...body } });
  expect(res.statusCode, res.body).toBeLessThan(300);
  ids[key] = (res.json() as { appealId: string }).appealId;
}

async function act(key: string, who: string, at: string, action: string, body: Record<string, unknown> = {}): Promise<void> {
  clock.set(local(at));
  const res = await t.app.inject({ method: 'POST', url: `/api/appeals/${ids[key]}/${action}`, headers: await as(who), payload: body });
  expect(res.statusCode, `${key} ${action}: ${res.body}`).toBe(200);
}

async function sweep(at: string): Promise<void> {
  clock.set(local(at));
  const r = await runSweep(t.testDb.db, clock, { hooks: appealHooks() });
  expect(r.failed).toBe(0);
}

beforeAll(async () => {
  t = await createTestApp({ clock });
  const db = t.testDb.db;
  const cats = (await get(`/api/appeals/categories?regionCode=${REGION}`)).json() as { items: { id: string; code: string }[] };
  categories = new Map(cats.items.map((c) => [c.code, c.id]));
  for (const o of await db.selectFrom('organization').select(['id', 'nameEn']).where('regionCode', '=', REGION).execute()) {
    if (o.nameEn.includes('Education Department')) orgs.education = o.id;
    if (o.nameEn.includes('Health Department')) orgs.health = o.id;
    if (o.nameEn.includes('Passenger Transport and Roads')) orgs.roads = o.id;
    if (o.nameEn.includes('Housing and Utilities Department')) orgs.housing = o.id;
  }
  for (const s of await db.selectFrom('staff').innerJoin('account', 'account.id', 'staff.accountId').select(['staff.id', 'account.login']).execute()) staff[s.login] = s.id;
  // Everything personal the applicants gave or the directory holds about them: none may leak publicly.
  const people = await db.selectFrom('person').select(['iin', 'phone', 'lastName', 'firstName', 'email']).where('iin', 'in', ['900515301234', '061211600012']).execute();
  personal = people.flatMap((p) => [p.iin, p.phone, p.lastName, p.firstName, p.email]).filter((x): x is string => !!x);

  const kindergarten = categories.get('education.kindergarten')!;
  await file('A1', '900515301234', '2025-02-03T10:00:00', {
    categoryId: kindergarten, territoryCode: '351010000', text: 'Балабақша кезегі туралы сұрақ', isPublic: true,
    location: { lat: 49.80621, lon: 73.08517 }, address: 'пр. Бухар-Жырау, 47, кв. 12',
  });
  await act('A1', 'executor.education', '2025-02-03T11:00:00', 'accept');
  await file('A2', '061211600012', '2025-02-03T10:30:00', { categoryId: kindergarten, territoryCode: '351010000', text: 'Кезек бір жыл бойы жылжымайды' });
  await act('A2', 'executor.education', '2025-02-03T11:30:00', 'accept');
  await file('A3', '900515301234', '2025-02-04T11:00:00', { categoryId: categories.get('health.clinic')!, territoryCode: '351010000', text: 'Емханаға жазылу мүмкін емес' });
  await act('A3', 'executor.health', '2025-02-04T12:00:00', 'accept');
  await act('A1', 'executor.education', '2025-02-05T15:00:00', 'answer', { text: 'Кезек нөміріңіз: 15', decision: 'explained' });
  await file('A4', '061211600012', '2025-02-05T19:30:00', {
    categoryId: categories.get('roads.pothole')!, territoryCode: '351010000', text: 'Жолда үлкен шұңқыр', isPublic: true,
    location: { lat: 49.82014, lon: 73.07052 }, address: 'пр. Строителей, 31',
  });
  await act('A1', '900515301234', '2025-02-06T10:00:00', 'feedback', { verdict: 'confirmed', rating: 5 });
  await sweep('2025-02-25T10:00:00');
  await sweep('2025-02-27T10:00:00');
  await act('A3', 'executor.health', '2025-02-27T15:00:00', 'answer', { text: 'Жазылу телефоны қалпына келтірілді', decision: 'granted' });
  await act('A3', '900515301234', '2025-02-28T10:00:00', 'feedback', { verdict: 'disputed', rating: 2, comment: 'Телефон әлі жауап бермейді' });
  await file('A5', '900515301234', '2025-03-01T12:00:00', { categoryId: kindergarten, territoryCode: '351010000', text: 'Тағы бір сұрақ' });
  await sweep('2025-03-03T10:00:00');
}, 120_000);

type Figures = Record<string, number | null>;
interface SummaryBody {
  totals: Figures;
  organizations: (Figures & { organizationId: string })[];
  series: { bucket: string; received: number }[];
  period: { from: string; to: string; days: number; interval: string };
  organizationIds: string[] | null;
}

describe('coordination centre summary', () => {
  it('the scenario left the appeals where the table says', async () => {
    const rows = await t.testDb.db.selectFrom('appeal').select(['id', 'state', 'registeredOn', 'deemedRefusalAt', 'reopenCount']).where('id', 'in', Object.values(ids)).execute();
    const by = new Map(rows.map((r) => [r.id, r]));
    expect(by.get(ids.A1!)!.state).toBe('closed');
    expect(by.get(ids.A2!)!.deemedRefusalAt).not.toBeNull();
    expect(by.get(ids.A3!)!.state).toBe('reopened');
    expect(String(by.get(ids.A4!)!.registeredOn)).toContain('2025-02-06');
    expect(String(by.get(ids.A5!)!.registeredOn)).toContain('2025-03-03');
  });

  it('gives the region totals, each organization and the series for February', async () => {
    const res = await get(`/api/appeals/reports/summary?${FEB}`, await as('coordinator'));
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as SummaryBody;
    expect(body.period).toEqual({ from: '2025-02-01', to: '2025-02-28', days: 28, interval: 'day' });
    expect(body.organizationIds).toBeNull();
    expect(body.totals).toEqual({
      received: 4, open: 3, overdue: 2, escalated: 1, reopened: 1, deemedRefusals: 3, answered: 2, answeredOnTime: 1, unansweredPastTerm: 2,
      answeredOnTimeShare: 0.25, averageAnswerWorkingDays: 8.5, rated: 2, averageRating: 3.5, satisfiedShare: 0.5,
    });
    const org = (id: string) => body.organizations.find((o) => o.organizationId === id)!;
    expect(org(orgs.education!)).toMatchObject({
      received: 2, open: 1, overdue: 1, escalated: 1, reopened: 0, deemedRefusals: 1, answered: 1, answeredOnTime: 1,
      answeredOnTimeShare: 0.5, averageAnswerWorkingDays: 1, averageRating: 5, satisfiedShare: 1,
    });
    expect(org(orgs.health!)).toMatchObject({
      received: 1, open: 1, overdue: 0, escalated: 0, reopened: 1, deemedRefusals: 1, answered: 1, answeredOnTime: 0,
      answeredOnTimeShare: 0, averageAnswerWorkingDays: 16, averageRating: 2, satisfiedShare: 0,
    });
    expect(org(orgs.roads!)).toMatchObject({ received: 1, open: 1, overdue: 1, deemedRefusals: 1, answered: 0, answeredOnTimeShare: 0, averageAnswerWorkingDays: null, averageRating: null });
    expect(body.organizations).toHaveLength(3);
    expect(body.series).toHaveLength(28);
    expect(body.series.filter((p) => p.received > 0)).toEqual([
      expect.objectContaining({ bucket: '2025-02-03', received: 2 }),
      expect.objectContaining({ bucket: '2025-02-04', received: 1 }),
      expect.objectContaining({ bucket: '2025-02-06', received: 1 }),
    ]);
  });

  it('counts answer time the same when the period reaches back across a change of UTC offset', async () => {
    // From 2024-03-15 the ordinals start before 1 March 2024 (Almaty: UTC+6 → UTC+5): the
    // answer day is then found through the named zone instead of a fixed offset.
    const body = (await get(`/api/appeals/reports/summary?regionCode=${REGION}&from=2024-03-15&to=2025-03-03`, await as('coordinator'))).json() as SummaryBody;
    expect(body.totals).toMatchObject({ received: 5, answered: 2, averageAnswerWorkingDays: 8.5 });
  });

  it('counts answer time in working days exactly as the calendar does', async () => {
    const cal = await getCalendar(t.testDb.db, REGION);
    const a3 = await t.testDb.db.selectFrom('appeal').select(['receivedAt', 'answeredAt']).where('id', '=', ids.A3!).executeTakeFirstOrThrow();
    expect(cal.workingDaysBetween(a3.receivedAt, a3.answeredAt!)).toBe(16);
  });

  it('counts by receipt day: after hours and days off move an appeal to the next working day', async () => {
    const h = await as('coordinator');
    const one = (await get(`/api/appeals/reports/summary?regionCode=${REGION}&from=2025-02-05&to=2025-02-05`, h)).json() as SummaryBody;
    expect(one.totals.received).toBe(0);
    const six = (await get(`/api/appeals/reports/summary?regionCode=${REGION}&from=2025-02-06&to=2025-02-06`, h)).json() as SummaryBody;
    expect(six.totals.received).toBe(1);
    const march = (await get(`/api/appeals/reports/summary?regionCode=${REGION}&from=2025-02-01&to=2025-03-03`, h)).json() as SummaryBody;
    expect(march.totals.received).toBe(5);
    const weekly = (await get(`/api/appeals/reports/summary?regionCode=${REGION}&from=2025-02-01&to=2025-02-28&interval=week`, h)).json() as SummaryBody;
    expect(weekly.series.map((p) => [p.bucket, p.received])).toEqual([['2025-01-27', 0], ['2025-02-03', 4], ['2025-02-10', 0], ['2025-02-17', 0], ['2025-02-24', 0]]);
    const monthly = (await get(`/api/appeals/reports/summary?regionCode=${REGION}&from=2024-12-01&to=2025-03-31&interval=month`, h)).json() as SummaryBody;
    expect(monthly.series.map((p) => [p.bucket, p.received])).toEqual([['2024-12-01', 0], ['2025-01-01', 0], ['2025-02-01', 4], ['2025-03-01', 1]]);
  });

  it('gives zeros, not nulls, for an empty period or region', async () => {
    const empty = (await get(`/api/appeals/reports/summary?regionCode=${REGION}&from=2024-06-01&to=2024-06-30`, await as('coordinator'))).json() as SummaryBody;
    expect(empty.totals).toMatchObject({ received: 0, open: 0, overdue: 0, answered: 0, answeredOnTimeShare: null, averageAnswerWorkingDays: null, averageRating: null });
    expect(empty.organizations).toEqual([]);
    expect(empty.series).toHaveLength(30);
    const astana = await get('/api/appeals/reports/summary?regionCode=710000000&from=2025-02-01&to=2025-02-28', await as('astana.coordinator'));
    expect(astana.statusCode, astana.body).toBe(200);
    expect((astana.json() as SummaryBody).totals.received).toBe(0);
  });

  it('defaults to the 30 days ending today in the region, and the caller\'s region', async () => {
    const res = await get('/api/appeals/reports/summary', await as('coordinator'));
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as SummaryBody;
    expect(body.period).toEqual({ from: '2025-02-02', to: '2025-03-03', days: 30, interval: 'day' });
    expect(body.totals.received).toBe(5);
  });

  it('refuses bad periods, naming the field', async () => {
    const h = await as('coordinator');
    const cases: [string, string, string][] = [
      ['from=2025-03-01&to=2025-02-01', 'from', 'validation'],
      ['from=2025-02-30', 'from', 'validation'],
      ['to=2025-13-01', 'to', 'validation'],
      ['from=yesterday', 'from', 'validation'],
      ['from=2024-01-01&to=2025-01-02', 'to', 'validation'],
      ['interval=year', 'interval', 'validation'],
      ['organizationId=not-a-uuid', 'organizationId', 'validation'],
      [`organizationId=${randomUUID()}`, 'organizationId', 'validation'],
    ];
    for (const [q, field, code] of cases) {
      const res = await get(`/api/appeals/reports/summary?regionCode=${REGION}&${q}`, h);
      expect(res.statusCode, q).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const p = res.json() as { code: string; errors: { field: string; message: string }[] };
      expect(p.code, q).toBe(code);
      expect(p.errors[0]!.field, q).toBe(field);
    }
    const long = (await get(`/api/appeals/reports/summary?regionCode=${REGION}&from=2024-01-01&to=2025-01-02`, h)).json() as { detail: string };
    // 2024 is a leap year: 366 + 2 days.
    expect(long.detail).toContain('368');
    for (const region of ['990000000', '351010000', '000000000', '35']) {
      const res = await get(`/api/appeals/reports/summary?regionCode=${region}`, h);
      expect(res.statusCode, region).toBe(400);
      expect((res.json() as { errors: { field: string }[] }).errors[0]!.field).toBe('regionCode');
    }
  });

  it('speaks the reader\'s language in errors', async () => {
    const res = await get(`/api/appeals/reports/summary?regionCode=${REGION}&from=2025-03-01&to=2025-02-01`, await as('head.education'));
    // head.education works in Kazakh.
    expect((res.json() as { detail: string }).detail).toContain('Кезеңнің басы');
  });
});

describe('who may read the reports', () => {
  const paths = ['summary', 'ignoring', 'appeals?figure=overdue&'];
  const url = (p: string) => `/api/appeals/reports/${p}${p.includes('?') ? '' : '?'}${FEB}`;

  it('refuses the anonymous (401), citizens, executors, other regions and administrators (403)', async () => {
    for (const p of paths) {
      expect((await get(url(p))).statusCode, p).toBe(401);
      for (const who of ['900515301234', 'executor', 'executor.education', 'astana.coordinator', 'temirtau.admin', 'operator']) {
        const res = await get(url(p), await as(who));
        expect(res.statusCode, `${who} ${p}`).toBe(403);
        expect(res.headers['content-type']).toContain('application/problem+json');
      }
    }
  });

  it('shows a head only their own organizations', async () => {
    const edu = (await get(`/api/appeals/reports/summary?${FEB}`, await as('head.education'))).json() as SummaryBody;
    expect(edu.organizationIds).toEqual([orgs.education]);
    expect(edu.organizations.map((o) => o.organizationId)).toEqual([orgs.education]);
    expect(edu.totals.received).toBe(2);
    const housing = (await get(`/api/appeals/reports/summary?${FEB}`, await as('head'))).json() as SummaryBody;
    expect(housing.organizationIds).toContain(orgs.housing);
    expect(housing.totals.received).toBe(0);
    const other = await get(`/api/appeals/reports/summary?${FEB}&organizationId=${orgs.health}`, await as('head.education'));
    expect(other.statusCode).toBe(403);
    const drill = await get(`/api/appeals/reports/appeals?${FEB}&figure=received&organizationId=${orgs.health}`, await as('head.education'));
    expect(drill.statusCode).toBe(403);
    const ignoring = (await get(`/api/appeals/reports/ignoring?${FEB}`, await as('head.education'))).json() as { organizations: { organizationId: string }[] };
    expect(ignoring.organizations.map((o) => o.organizationId)).toEqual([orgs.education]);
  });

  it('lets the coordinator narrow to one organization', async () => {
    const body = (await get(`/api/appeals/reports/summary?${FEB}&organizationId=${orgs.health}`, await as('coordinator'))).json() as SummaryBody;
    expect(body.totals.received).toBe(1);
    expect(body.organizations.map((o) => o.organizationId)).toEqual([orgs.health]);
  });
});

describe('the appeals behind a figure', () => {
  const drill = async (q: string, who = 'coordinator') => {
    const res = await get(`/api/appeals/reports/appeals?${FEB}&${q}`, await as(who));
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { items: { id: string; slipNumber: string; isOverdue: boolean }[]; total: number };
  };

  it('lists exactly the appeals each figure counts', async () => {
    const set = async (q: string) => new Set((await drill(q)).items.map((i) => i.id));
    expect(await set('figure=received')).toEqual(new Set([ids.A1, ids.A2, ids.A3, ids.A4]));
    expect(await set('figure=open')).toEqual(new Set([ids.A2, ids.A3, ids.A4]));
    expect(await set('figure=overdue')).toEqual(new Set([ids.A2, ids.A4]));
    expect(await set('figure=escalated')).toEqual(new Set([ids.A2]));
    expect(await set('figure=reopened')).toEqual(new Set([ids.A3]));
    expect(await set('figure=deemed_refusal')).toEqual(new Set([ids.A2, ids.A3, ids.A4]));
    expect(await set('figure=answered_on_time')).toEqual(new Set([ids.A1]));
    expect(await set('figure=answered_late')).toEqual(new Set([ids.A3]));
    expect(await set('figure=unanswered_past_term')).toEqual(new Set([ids.A2, ids.A4]));
    expect(await set('figure=satisfied')).toEqual(new Set([ids.A1]));
    expect(await set('figure=dissatisfied')).toEqual(new Set([ids.A3]));
    expect(await set(`figure=ignored&organizationId=${orgs.education}`)).toEqual(new Set([ids.A2]));
    expect(await set(`figure=received&organizationId=${orgs.education}&assigneeId=${staff['executor.education']}`)).toEqual(new Set([ids.A1, ids.A2]));
  });

  it('pages', async () => {
    const first = await drill('figure=received&limit=3');
    expect(first.total).toBe(4);
    expect(first.items).toHaveLength(3);
    const rest = await drill('figure=received&limit=3&offset=3');
    expect(rest.items).toHaveLength(1);
    expect(new Set([...first.items, ...rest.items].map((i) => i.id)).size).toBe(4);
    // Newest receipt day first.
    expect(first.items[0]!.id).toBe(ids.A4);
  });

  it('carries no personal data', async () => {
    const res = await get(`/api/appeals/reports/appeals?${FEB}&figure=received`, await as('coordinator'));
    for (const p of personal) expect(res.body).not.toContain(p);
  });

  it('refuses an unknown figure', async () => {
    const res = await get(`/api/appeals/reports/appeals?${FEB}&figure=everything`, await as('coordinator'));
    expect(res.statusCode).toBe(400);
    expect((res.json() as { errors: { field: string }[] }).errors[0]!.field).toBe('figure');
  });
});

interface IgnoringBody {
  organizations: { rank: number; organizationId: string; overdue: number; deemedRefusals: number; ignored: number; links: { overdue: string; ignored: string } }[];
  officials: { rank: number; staffId: string; name: string | null; organizationId: string; overdue: number; deemedRefusals: number; ignored: number; received: number }[];
}

describe('who ignores residents', () => {
  it('ranks organizations and officials by overdue appeals and deemed refusals', async () => {
    const res = await get(`/api/appeals/reports/ignoring?${FEB}`, await as('coordinator'));
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as IgnoringBody;
    const rank = new Map(body.organizations.map((o) => [o.organizationId, o]));
    // Education and Roads: one appeal each both overdue and refused by silence; Health: refused by silence, then answered.
    expect(rank.get(orgs.education!)).toMatchObject({ rank: 1, overdue: 1, deemedRefusals: 1, ignored: 1 });
    expect(rank.get(orgs.roads!)).toMatchObject({ rank: 1, overdue: 1, deemedRefusals: 1, ignored: 1 });
    expect(rank.get(orgs.health!)).toMatchObject({ rank: 3, overdue: 0, deemedRefusals: 1, ignored: 1 });
    // A3 went back to the head of Health when disputed (no assignee now); A4 was never taken.
    expect(body.officials).toEqual([
      expect.objectContaining({ rank: 1, staffId: staff['executor.education'], name: expect.stringContaining('Байжанов'), organizationId: orgs.education, received: 2, overdue: 1, deemedRefusals: 1, ignored: 1 }),
    ]);
    // The links list the appeals behind the figures.
    const link = rank.get(orgs.education!)!.links.overdue;
    const listed = (await get(link, await as('coordinator'))).json() as { items: { id: string }[] };
    expect(listed.items.map((i) => i.id)).toEqual([ids.A2]);
  });

  it('exports CSV (RFC 4180, UTF-8 with BOM) with Russian headers', async () => {
    const res = await get(`/api/appeals/reports/ignoring?${FEB}&format=csv&lang=ru`, await as('coordinator'));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="ortak-who-ignores-residents-350000000-2025-02-01_2025-02-28.csv"');
    const raw = res.rawPayload;
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(raw.subarray(3).toString('utf8'));
    expect(rows[0]).toEqual(['Вид', 'Место', 'Организация', 'Должностное лицо', 'Должность', 'Поступило', 'На рассмотрении', 'Просрочено', 'Молчание (считается отказом)', 'Проигнорировано', 'Дан ответ', 'Доля ответов в срок', 'Обращения']);
    const data = rows.slice(1);
    expect(data).toHaveLength(4);
    expect(data.filter((r) => r[0] === 'Организация')).toHaveLength(3);
    const official = data.find((r) => r[0] === 'Должностное лицо')!;
    expect(official[3]).toContain('Байжанов');
    expect(official.slice(5, 11)).toEqual(['2', '1', '1', '1', '1', '1']);
    const health = data.find((r) => r[2]!.includes('здравоохранения') || r[2]!.includes('Здравоохранения'));
    expect(health?.[1]).toBe('3');
    expect(res.rawPayload.toString('utf8')).toContain('\r\n');
  });

  it('exports XLSX with Kazakh headers, two sheets and the figures as numbers', async () => {
    const res = await get(`/api/appeals/reports/ignoring?${FEB}&format=xlsx`, await as('head.education'));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toContain('.xlsx"');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Ұйымдар', 'Лауазымды тұлғалар', 'Есеп туралы']);
    const orgSheet = wb.getWorksheet('Ұйымдар')!;
    expect((orgSheet.getRow(1).values as unknown[]).slice(1)).toEqual(['Орны', 'Ұйым', 'Түскені', 'Қаралуда', 'Мерзімі өткені', 'Үнсіздік (бас тарту деп есептеледі)', 'Жауапсыз қалғаны', 'Жауап берілгені', 'Мерзімінде берілген жауап үлесі', 'Өтініштер']);
    expect(orgSheet.rowCount).toBe(2);
    const row = (orgSheet.getRow(2).values as unknown[]).slice(1);
    expect(row.slice(0, 1)).toEqual([1]);
    expect(row.slice(2, 9)).toEqual([2, 1, 1, 1, 1, 1, 0.5]);
    const officials = wb.getWorksheet('Лауазымды тұлғалар')!;
    expect(String(officials.getRow(2).getCell(3).value)).toContain('Байжанов');
  });

  it('refuses an unknown format', async () => {
    const res = await get(`/api/appeals/reports/ignoring?${FEB}&format=pdf`, await as('coordinator'));
    expect(res.statusCode).toBe(400);
    expect((res.json() as { errors: { field: string }[] }).errors[0]!.field).toBe('format');
  });
});

describe('public: no sign-in, no personal data', () => {
  interface PublicBody { items: { id: string; area: { lat: number; lon: number } | null; status: string; registeredOn: string; answeredOn: string | null; category: { code: string } }[]; total: number }

  it('lists only what applicants agreed to publish, with the area rounded', async () => {
    const res = await get(`/api/appeals/public?${FEB}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['x-ratelimit-limit']).toBeDefined();
    const body = res.json() as PublicBody;
    expect(body.total).toBe(2);
    const a1 = body.items.find((i) => i.id === ids.A1)!;
    const a4 = body.items.find((i) => i.id === ids.A4)!;
    expect(a1).toMatchObject({ status: 'closed', registeredOn: '2025-02-03', answeredOn: '2025-02-05', category: { code: 'education.kindergarten' } });
    expect(a4).toMatchObject({ status: 'open', registeredOn: '2025-02-06', answeredOn: null, category: { code: 'roads.pothole' } });
    // The cell centre: within ~300 m, never the point itself.
    expect(Math.abs(a1.area!.lat - 49.80621)).toBeLessThanOrEqual(0.0015);
    expect(Math.abs(a1.area!.lon - 73.08517)).toBeLessThanOrEqual(0.00225);
    expect(a1.area!.lat).not.toBe(49.80621);
    expect(a1.area!.lon).not.toBe(73.08517);
    for (const secret of [...personal, 'Бухар-Жырау, 47', 'Строителей, 31', '49.80621', '73.08517', '49.82014', '73.07052', 'Балабақша кезегі туралы', 'Жолда үлкен']) {
      expect(res.body, secret).not.toContain(secret);
    }
    const open = (await get(`/api/appeals/public?${FEB}&status=open`)).json() as PublicBody;
    expect(open.items.map((i) => i.id)).toEqual([ids.A4]);
    const roads = (await get(`/api/appeals/public?${FEB}&categoryId=${categories.get('roads')}`)).json() as PublicBody;
    expect(roads.items.map((i) => i.id)).toEqual([ids.A4]);
  });

  it('gives the map layer as GeoJSON', async () => {
    const res = await get(`/api/appeals/public/map?${FEB}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('application/geo+json');
    const fc = res.json() as { type: string; features: { id: string; geometry: { type: string; coordinates: number[] }; properties: Record<string, unknown> }[]; truncated: boolean };
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features).toHaveLength(2);
    const f = fc.features.find((x) => x.id === ids.A4)!;
    expect(f.geometry.type).toBe('Point');
    expect(Math.abs(f.geometry.coordinates[0]! - 73.07052)).toBeLessThanOrEqual(0.00225);
    expect(Math.abs(f.geometry.coordinates[1]! - 49.82014)).toBeLessThanOrEqual(0.0015);
    for (const secret of [...personal, 'Строителей', '49.82014', '73.07052']) expect(res.body).not.toContain(secret);
    const boxed = (await get(`/api/appeals/public/map?${FEB}&bbox=73.0,49.815,73.1,49.83`)).json() as { features: { id: string }[] };
    expect(boxed.features.map((x) => x.id)).toEqual([ids.A4]);
    const bad = await get(`/api/appeals/public/map?${FEB}&bbox=73.1,49.8,73.0`);
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { errors: { field: string }[] }).errors[0]!.field).toBe('bbox');
  });

  it('gives statistics per organization over every appeal', async () => {
    const res = await get(`/api/appeals/public/stats?${FEB}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { totals: Figures; organizations: (Figures & { organizationId: string })[] };
    expect(body.totals).toEqual({ received: 4, answered: 2, answeredOnTimeShare: 0.25, averageRating: 3.5, rated: 2 });
    expect(body.organizations.find((o) => o.organizationId === orgs.education)).toMatchObject({ received: 2, answered: 1, answeredOnTimeShare: 0.5, averageRating: 5 });
    for (const p of personal) expect(res.body).not.toContain(p);
  });

  it('refuses unknown regions and bad periods with problem+json, never a 500', async () => {
    for (const q of ['regionCode=990000000', 'regionCode=abc', '', `regionCode=${REGION}&from=2025-02-10&to=2025-02-01`, `regionCode=${REGION}&from=2025-02-31`, `regionCode=${REGION}&limit=0`, `regionCode=${REGION}&categoryId=${randomUUID()}`]) {
      for (const p of ['public', 'public/map', 'public/stats']) {
        if (p === 'public/stats' && /limit|categoryId/.test(q)) continue;
        const res = await get(`/api/appeals/${p}?${q}`);
        expect(res.statusCode, `${p}?${q}`).toBe(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
      }
    }
  });
});

describe('rate limit of the public endpoints', () => {
  it('answers 429 problem+json past the anonymous limit', async () => {
    const small = await createTestApp({ env: { ANON_RATE_LIMIT: '3' } });
    const replies = [];
    for (let i = 0; i < 4; i++) replies.push(await small.app.inject({ url: `/api/appeals/public/stats?regionCode=${REGION}` }));
    expect(replies.map((r) => r.statusCode)).toEqual([200, 200, 200, 429]);
    expect(replies[3]!.headers['content-type']).toContain('application/problem+json');
    expect(replies[3]!.headers['retry-after']).toBeDefined();
    await small.close();
  }, 60_000);
});

/** RFC 4180 reader: quoted fields, doubled quotes, CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; } else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}
