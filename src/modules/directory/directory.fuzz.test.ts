import { Writable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, LOG_REDACT } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import type { App } from '../../platform/http/types.ts';
import { seedDemo } from '../../seed.ts';
import { createTestDb, type TestDb } from '../../../test/db.ts';
import { login, type LoggedIn } from '../../../test/app.ts';
import { buildBin, buildIin } from './identity.ts';

/**
 * Bad input to every directory endpoint gets a 4xx problem+json, never a 500; and the log
 * never holds an IIN or a phone number, whatever the request did.
 */

let db: TestDb;
let app: App;
let admin: LoggedIn;
const logLines: string[] = [];
const ids: Record<string, string> = {};

beforeAll(async () => {
  db = await createTestDb();
  await seedDemo(db.db);
  const config = loadConfig({ SEED_DEMO: 'false', LOG_LEVEL: 'info', LOGIN_RATE_LIMIT: '100000', ANON_RATE_LIMIT: '1000000', DATABASE_URL: db.url });
  const stream = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  app = await buildApp({ config, db: db.db, logger: { level: 'trace', stream, redact: LOG_REDACT } });
  await app.ready();
  admin = await login(app, 'admin', 'demo');
  const orgs = (await app.inject({ method: 'GET', url: '/api/organizations?limit=200' })).json() as { items: { id: string; name: { en: string } }[] };
  ids.housing = orgs.items.find((o) => o.name.en.startsWith('Housing'))!.id;
  ids.akimat = orgs.items.find((o) => o.name.en === 'Akimat of Karaganda Region')!.id;
  const staff = (await app.inject({ method: 'GET', url: '/api/staff?q=executor.water', headers: admin.headers })).json() as { items: { id: string; roles: { id: string }[] }[] };
  ids.staff = staff.items[0]!.id;
  ids.grant = staff.items[0]!.roles[0]!.id;
});

afterAll(async () => {
  await app?.close();
  await db?.close();
});

interface Endpoint {
  label: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: () => string;
  valid?: () => Record<string, unknown>;
}

const ENDPOINTS: Endpoint[] = [
  { label: 'POST /api/organizations', method: 'POST', url: () => '/api/organizations', valid: () => ({ parentId: ids.housing, bin: buildBin(24, 7, 4, 0, 900), kind: 'department', territoryCode: '350000000', name: { kk: 'а', ru: 'а', en: 'a' } }) },
  { label: 'PATCH /api/organizations/:id', method: 'PATCH', url: () => `/api/organizations/${ids.housing}`, valid: () => ({ name: { en: 'Housing' }, territoryCode: '350000000' }) },
  { label: 'POST /api/people/search', method: 'POST', url: () => '/api/people/search', valid: () => ({ iin: '900515301234', phone: '+77015550101', q: 'Сәрсенов', limit: 10, offset: 0 }) },
  { label: 'POST /api/people', method: 'POST', url: () => '/api/people', valid: () => ({ organizationId: ids.akimat, iin: buildIin('1988-08-08', 'male', 1), lastName: 'А', firstName: 'Б', phone: '+77015550999', password: 'long password' }) },
  {
    label: 'POST /api/staff',
    method: 'POST',
    url: () => '/api/staff',
    valid: () => ({
      organizationId: ids.housing,
      login: 'fuzz.user',
      password: 'long password',
      person: { iin: buildIin('1977-07-07', 'female', 3), lastName: 'А', firstName: 'Б' },
      position: { kk: 'а', ru: 'а', en: 'a' },
      roles: [{ role: 'executor' }],
    }),
  },
  { label: 'PATCH /api/staff/:id', method: 'PATCH', url: () => `/api/staff/${ids.staff}`, valid: () => ({ position: { en: 'x' }, isActive: true }) },
  { label: 'POST /api/staff/:id/roles', method: 'POST', url: () => `/api/staff/${ids.staff}/roles`, valid: () => ({ role: 'head', organizationId: ids.housing, includesSubtree: false }) },
];

const hostile = fc.oneof(
  fc.anything(),
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.constantFrom('', ' ', '0', '-1', '1e309', 'null', '00000000-0000-0000-0000-000000000000', '9'.repeat(5000), "'; drop table person; --", '%_\\', '\u0000', '💥', '٠١٢٣٤٥٦٧٨٩١٢'),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.anything(), { maxLength: 3 }),
  fc.object({ maxDepth: 2 }),
);

function expectClientError(res: { statusCode: number; headers: Record<string, unknown>; body: string }, what: string) {
  expect(res.statusCode, `${what} → ${res.statusCode} ${res.body.slice(0, 300)}`).toBeLessThan(500);
  if (res.statusCode >= 400) {
    expect(String(res.headers['content-type']), what).toContain('application/problem+json');
    const p = JSON.parse(res.body) as { code?: unknown; detail?: unknown };
    expect(typeof p.code, what).toBe('string');
    expect(typeof p.detail, what).toBe('string');
  }
}

describe('fuzz: bad input is a 4xx problem+json, never a 500', () => {
  for (const ep of ENDPOINTS) {
    it(`${ep.label} — whole bodies`, async () => {
      await fc.assert(
        fc.asyncProperty(hostile, async (body) => {
          const res = await app.inject({ method: ep.method, url: ep.url(), headers: admin.headers, ...(body === undefined ? {} : { payload: body as object }) });
          expectClientError(res, `${ep.method} ${ep.url()} ${JSON.stringify(body)?.slice(0, 200)}`);
        }),
        { numRuns: 40 },
      );
    });

    if (ep.valid) {
      it(`${ep.label} — one field spoiled`, async () => {
        const keys = Object.keys(ep.valid!());
        await fc.assert(
          fc.asyncProperty(fc.constantFrom(...keys), hostile, async (key, value) => {
            const body = { ...ep.valid!(), [key]: value };
            const res = await app.inject({ method: ep.method, url: ep.url(), headers: admin.headers, payload: body });
            expectClientError(res, `${ep.method} ${ep.url()} ${key}=${JSON.stringify(value)?.slice(0, 200)}`);
          }),
          { numRuns: 60 },
        );
      });
    }
  }

  it('path parameters and query strings of every read and delete', async () => {
    const urls = [
      (v: string) => `/api/territories/${v}`,
      (v: string) => `/api/territories/${v}/ancestors`,
      (v: string) => `/api/organizations/${v}`,
      (v: string) => `/api/people/${v}`,
      (v: string) => `/api/staff/${v}`,
      (v: string) => `/api/staff/${ids.staff}/roles/${v}`,
      (v: string) => `/api/staff/${v}/roles/${ids.grant}`,
      (v: string) => `/api/territories?parentCode=${v}&level=${v}&q=${v}&at=${v}`,
      (v: string) => `/api/organizations?kind=${v}&territoryCode=${v}&parentId=${v}&within=${v}&q=${v}&limit=${v}`,
      (v: string) => `/api/staff?organizationId=${v}&role=${v}&q=${v}&isActive=${v}&offset=${v}`,
      (v: string) => `/api/territories?q=${v}`,
      (v: string) => `/api/organizations?q=${v}`,
      (v: string) => `/api/staff?q=${v}`,
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...urls), fc.string({ unit: 'grapheme', maxLength: 120 }), fc.constantFrom('GET', 'DELETE'), async (u, raw, method) => {
        const url = u(encodeURIComponent(raw));
        if (method === 'DELETE' && !url.includes('/roles/')) return;
        const res = await app.inject({ method: method as 'GET' | 'DELETE', url, headers: admin.headers });
        expectClientError(res, `${method} ${url}`);
      }),
      { numRuns: 300 },
    );
  });

  it('malformed JSON and wrong content types', async () => {
    for (const ep of ENDPOINTS) {
      for (const [payload, type] of [
        ['{"a":', 'application/json'],
        ['', 'application/json'],
        ['a=1', 'application/x-www-form-urlencoded'],
        ['<x/>', 'application/xml'],
      ] as const) {
        const res = await app.inject({ method: ep.method, url: ep.url(), headers: { ...admin.headers, 'content-type': type }, payload });
        expectClientError(res, `${ep.method} ${ep.url()} ${type}`);
        expect(res.statusCode).toBeGreaterThanOrEqual(400);
      }
    }
  });
});

describe('logs', () => {
  it('never hold an IIN or a phone number', async () => {
    const iin = buildIin('1991-11-11', 'female', 55);
    await app.inject({ method: 'POST', url: '/api/people/search', headers: admin.headers, payload: { iin: '900515301234' } });
    await app.inject({ method: 'POST', url: '/api/people/search', headers: admin.headers, payload: { phone: '+77015550101' } });
    await app.inject({ method: 'POST', url: '/api/people/search', headers: admin.headers, payload: { iin: '900515301235' } });
    await app.inject({
      method: 'POST',
      url: '/api/people',
      headers: admin.headers,
      payload: { organizationId: ids.akimat, iin, lastName: 'Логова', firstName: 'Анна', phone: '+77019998877', password: 'long password' },
    });
    await login(app, iin, 'long password');
    const text = logLines.join('');
    expect(text.length).toBeGreaterThan(0);
    for (const secret of ['900515301234', '900515301235', '7015550101', iin, '7019998877', 'long password']) expect(text).not.toContain(secret);
  });
});
