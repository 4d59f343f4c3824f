import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type LoggedIn, type TestApp } from '../../../test/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});

interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

async function get(url: string, lang = 'en') {
  return t.app.inject({ method: 'GET', url, headers: { 'accept-language': lang } });
}

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }, status: number, field?: string): Problem {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  const p = res.json() as Problem;
  if (field) expect(p.errors?.map((e) => e.field)).toContain(field);
  return p;
}

describe('GET /api/calendar/days (public)', () => {
  it('lists every day of a year with its kind, label and act', async () => {
    const res = await get('/api/calendar/days?year=2026', 'kk');
    expect(res.statusCode).toBe(200);
    const body = res.json() as { days: { date: string; kind: string; label: string; act: string; isWorking: boolean }[]; workingDays: number; timeZone: string };
    expect(body.days).toHaveLength(365);
    expect(body.workingDays).toBe(247);
    expect(body.timeZone).toBe('Asia/Almaty');
    const d = body.days.find((x) => x.date === '2026-03-25')!;
    expect(d).toMatchObject({ kind: 'transferred_day_off', isWorking: false, label: 'Наурыз мейрамы (ауыстырылған демалыс күні)' });
    expect(d.act).toContain('267-II');
  });

  it('names the field of bad input, in the language asked', async () => {
    expectProblem(await get('/api/calendar/days?year=2031'), 400, 'year');
    const p = expectProblem(await get('/api/calendar/days?year=2026&region=35', 'ru'), 400, 'region');
    expect(p.detail).toBe('«35» — не код КАТО из 9 цифр.');
    expectProblem(await get('/api/calendar/days?year=abc'), 400, 'year');
    expectProblem(await get('/api/calendar/days'), 400, 'year');
  });
});

describe('GET /api/calendar/due (public)', () => {
  it('counts the Nauryz 2026 example', async () => {
    const res = await get('/api/calendar/due?from=2026-03-20T10:00&days=15&region=351010000');
    expect(res.statusCode).toBe(200);
    const body = res.json() as { due: string; dueLocal: string; receiptDay: string; receivedAt: string; skipped: { date: string; label: string }[] };
    expect(body).toMatchObject({ receivedAt: '2026-03-20T05:00:00.000Z', receiptDay: '2026-03-20', due: '2026-04-15T13:00:00.000Z', dueLocal: '2026-04-15T18:00' });
    expect(body.skipped).toHaveLength(11);
    expect(body.skipped[0]).toMatchObject({ date: '2026-03-21', label: 'Nauryz Meiramy' });
  });

  it('takes an instant with an offset as is', async () => {
    const res = await get(`/api/calendar/due?from=${encodeURIComponent('2026-03-20T13:30:00Z')}&days=0`);
    expect(res.json()).toMatchObject({ receiptDay: '2026-03-26', due: '2026-03-26T13:00:00.000Z' }); // 18:30 local: after hours
  });

  it('bad input is a 400 naming the field, never a 500', async () => {
    expectProblem(await get('/api/calendar/due?from=yesterday&days=15'), 400, 'from');
    expectProblem(await get('/api/calendar/due?from=2026-02-30T10:00&days=15'), 400, 'from');
    expectProblem(await get('/api/calendar/due?from=2026-03-20T10:00&days=-1'), 400, 'days');
    expectProblem(await get('/api/calendar/due?from=2026-03-20T10:00&days=1.5'), 400, 'days');
    expectProblem(await get('/api/calendar/due?from=2027-12-20T10:00&days=30'), 400, 'days');
    expectProblem(await get('/api/calendar/due?from=2023-12-30T10:00&days=1'), 400, 'from');
    expectProblem(await get('/api/calendar/due?days=1'), 400, 'from');
    expectProblem(await get('/api/calendar/due?from=2026-03-20T10:00&days=1&region=abcdefghi'), 400, 'region');
  });
});

describe('POST /api/calendar/corrections (administrators)', () => {
  let ministry: LoggedIn;
  let regionAdmin: LoggedIn;
  let operator: LoggedIn;
  beforeAll(async () => {
    ministry = await login(t.app, 'ministry.admin');
    regionAdmin = await login(t.app, 'admin');
    operator = await login(t.app, 'operator');
  });

  const regional = JSON.stringify({
    region: '350000000',
    year: 2026,
    act: 'Decision of the Karaganda region akimat No. 1 (test)',
    days: [{ date: '2026-04-10', kind: 'holiday', name: 'Regional day (test)' }],
  });
  const post = (who: LoggedIn | undefined, payload: object) =>
    t.app.inject({ method: 'POST', url: '/api/calendar/corrections', headers: { ...(who?.headers ?? {}), 'accept-language': 'en' }, payload });

  it('refuses anonymous callers, staff without the role, and a regional administrator on the national calendar', async () => {
    expectProblem(await post(undefined, { format: 'json', content: regional }), 401);
    expectProblem(await post(operator, { format: 'json', content: regional }), 403);
    const national = JSON.stringify({ year: 2026, act: 'x (test)', days: [{ date: '2026-12-31', kind: 'transferred_day_off' }] });
    const p = expectProblem(await post(regionAdmin, { format: 'json', content: national }), 403);
    expect(p.detail).toContain('Общенациональный календарь'); // the staff member's own language wins
    const other = JSON.stringify({ region: '710000000', year: 2026, act: 'x (test)', days: [{ date: '2026-12-31', kind: 'transferred_day_off' }] });
    expectProblem(await post(regionAdmin, { format: 'json', content: other }), 403);
  });

  it('lists every error of the file with its row and column', async () => {
    const csv = 'date,kind,act\n2026-12-31,transferred_day_off,Order (test)\n2026-12-26,working,Order (test)\n2026-13-01,weekend,Order (test)\n';
    const p = expectProblem(await post(ministry, { format: 'csv', content: csv }), 400, 'line 3.kind');
    expect(p.errors!.map((e) => e.field)).toEqual(['line 3.kind', 'line 4.date']);
    expect(p.errors![0]!.message).toBe('Строка 3, kind: 2026-12-26 — суббота или воскресенье, а «working» допустим только для будних дней.');
    expectProblem(await post(ministry, { format: 'json', content: '{"year": 2026' }), 400, 'content');
    expectProblem(await post(ministry, { format: 'xml', content: '<x/>' }), 400, 'format');
    expectProblem(await post(ministry, { format: 'json' }), 400, 'content');
  });

  it('a dry run changes nothing', async () => {
    const csv = 'date,kind,act\n2026-12-31,transferred_day_off,Order of the Minister of Labour No. 999 (test)\n';
    const res = await post(ministry, { format: 'csv', content: csv, dryRun: true });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ dryRun: true, changes: [{ date: '2026-12-31', from: 'working', to: 'transferred_day_off' }] });
    const due = await get('/api/calendar/due?from=2026-12-30T10:00&days=1');
    expect((due.json() as { dueLocal: string }).dueLocal).toBe('2026-12-31T18:00');
  });

  it('an import by the region administrator changes the due dates of its cities at once, and is audited', async () => {
    const res = await post(regionAdmin, { format: 'json', content: regional });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ regionCode: '350000000', year: 2026, applied: 1, created: 0, dryRun: false });
    const due = await get('/api/calendar/due?from=2026-03-20T10:00&days=15&region=351010000');
    expect((due.json() as { dueLocal: string }).dueLocal).toBe('2026-04-16T18:00');
    const national = await get('/api/calendar/due?from=2026-03-20T10:00&days=15');
    expect((national.json() as { dueLocal: string }).dueLocal).toBe('2026-04-15T18:00');
    const audit = await t.testDb.db.selectFrom('auditLog').selectAll().where('action', '=', 'calendar.corrections_imported').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ regionCode: '350000000', entityId: '350000000/2026', actorKind: 'staff' });
  });

  it('the ministry administrator imports the national decree', async () => {
    const csv = 'date,kind,act,name\n2026-12-31,transferred_day_off,Order of the Minister of Labour No. 999 (test),День отдыха\n';
    const res = await post(ministry, { format: 'csv', content: csv });
    expect(res.statusCode).toBe(200);
    const due = await get('/api/calendar/due?from=2026-12-30T10:00&days=1');
    expect((due.json() as { dueLocal: string }).dueLocal).toBe('2027-01-05T18:00');
  });
});

describe('OpenAPI', () => {
  it('documents the calendar routes with their schemas', async () => {
    const doc = (await t.app.inject('/openapi.json')).json() as { paths: Record<string, Record<string, { summary?: string; tags?: string[] }>> };
    expect(doc.paths['/api/calendar/due']?.get?.tags).toEqual(['calendar']);
    expect(doc.paths['/api/calendar/days']?.get?.summary).toBeTruthy();
    expect(doc.paths['/api/calendar/corrections']?.post).toHaveProperty('requestBody');
  });
});
