import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../../../test/app.ts';
import { DEMO_JURISDICTION, DEMO_OPEN311_KEY } from './open311.demo.ts';

/**
 * Open311 GeoReport v2 through HTTP on the demo region: discover → services → definition →
 * submit (form and JSON) → fetch → list with filters, in JSON and XML; every JSON response
 * validated against the shared GeoReport v2 schemas; Open311 errors; no personal data out.
 */

const { app, demo, testDb } = await createTestApp();
const V2 = '/open311/v2';
const J = `jurisdiction_id=${DEMO_JURISDICTION}`;

// The shared schemas, by their file names (services.json and requests.json $ref the others).
const SCHEMA_DIR = path.resolve(import.meta.dirname, '../../../../../shared/open311/georeport-v2');
const ajv = new Ajv({ strict: false, allErrors: true });
(addFormatsModule as unknown as (a: Ajv) => void)(ajv);
for (const f of ['service.json', 'services.json', 'service-definition.json', 'request.json', 'requests.json']) {
  ajv.addSchema(JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, f), 'utf8')), f);
}
const validators: Record<string, ValidateFunction> = {};
function valid(schema: 'services.json' | 'service-definition.json' | 'requests.json', body: unknown) {
  const v = (validators[schema] ??= ajv.getSchema(schema)!);
  expect(v(body), `${schema}: ${ajv.errorsText(v.errors)}`).toBe(true);
  return body;
}

const xml = new XMLParser({
  parseTagValue: false,
  isArray: (name) => ['service', 'request', 'attribute', 'value', 'error', 'endpoint', 'format'].includes(name),
});
function parseXml(res: { headers: Record<string, unknown>; body: string }) {
  expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
  expect(res.body.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  return xml.parse(res.body) as Record<string, unknown>;
}

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });
const form = (url: string, fields: Record<string, string | string[]>, headers: Record<string, string> = {}) => {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  return app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers }, payload: body.toString() });
};
const postJson = (url: string, payload: unknown, headers: Record<string, string> = {}) => app.inject({ method: 'POST', url, headers, payload: payload as Record<string, unknown> });

/** An Open311 error body: one error with the HTTP status as its code; its description. */
function open311Error(res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }, status: number): string {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  const body = res.json() as { code: number; description: string }[];
  expect(Array.isArray(body)).toBe(true);
  expect(body[0]!.code).toBe(status);
  expect(typeof body[0]!.description).toBe('string');
  return body[0]!.description;
}

// What the applicant gives and no public response may ever show.
const PERSON = { first_name: 'Айгерім', last_name: 'Сейітқызы', phone: '+7 701 555 01 99', email: 'aigerim.s@example.kz', address_string: 'ул. Гапеева, 12, кв. 45' };
const KAZAKH = 'Пәтерде үш күннен бері жылу жоқ; балалар тоңып жатыр. Әғқңөұүһі — «қазақша» & <тест>';

let formSlip = '';
let jsonSlip = '';
const publicBodies: string[] = [];

describe('Open311 discovery and services', () => {
  it('prints the demo key and jurisdiction with the demo summary', () => {
    expect(demo.open311).toEqual({ apiKey: DEMO_OPEN311_KEY, jurisdictionId: '350000000' });
  });

  it('discovers the GeoReport v2 endpoint in JSON and XML, under /open311 and at the root', async () => {
    const res = await get('/open311/discovery.json');
    expect(res.statusCode).toBe(200);
    const d = res.json();
    expect(d.endpoints).toHaveLength(1);
    expect(d.endpoints[0]).toMatchObject({ specification: 'http://wiki.open311.org/GeoReport_v2', type: 'production', formats: ['text/xml', 'application/json'] });
    expect(d.endpoints[0].url).toMatch(/^http:\/\/[^/]+\/open311\/v2$/);
    expect(d.changeset).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(d.key_service).toContain('open311');
    const x = parseXml(await get('/open311/discovery.xml')) as { discovery: { endpoints: { endpoint: { url: string; formats: { format: string[] } }[] } } };
    expect(x.discovery.endpoints.endpoint[0]!.url).toBe(d.endpoints[0].url);
    expect(x.discovery.endpoints.endpoint[0]!.formats.format).toEqual(['text/xml', 'application/json']);
    expect((await get('/discovery.json')).json()).toEqual(d);
    expect((await get('/discovery.xml')).statusCode).toBe(200);
  });

  it('lists the leaf categories as services, validating against services.json', async () => {
    const res = await get(`${V2}/services.json?${J}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const services = valid('services.json', res.json()) as { service_code: string; service_name: string; metadata: boolean; type: string; keywords: string | null; group: string | null }[];
    expect(services.length).toBeGreaterThan(10);
    const heating = services.find((s) => s.service_code === 'housing.heating.none')!;
    expect(heating).toMatchObject({ service_name: 'Нет отопления в квартире', metadata: true, type: 'realtime', keywords: 'холодно, суық', group: 'Жилищно-коммунальное хозяйство' });
    expect(services.find((s) => s.service_code === 'roads.pothole')).toMatchObject({ metadata: false, group: 'Дороги и транспорт' });
    // Groups are not services.
    expect(services.map((s) => s.service_code)).not.toContain('housing');
    expect(services.map((s) => s.service_code)).not.toContain('housing.heating');

    const kk = (await get(`${V2}/services.json?${J}`, { 'accept-language': 'kk' })).json() as typeof services;
    expect(kk.find((s) => s.service_code === 'housing.heating.none')!.service_name).toBe('Пәтерде жылу жоқ');

    const x = parseXml(await get(`${V2}/services.xml?${J}`)) as { services: { service: Record<string, string>[] } };
    expect(x.services.service.map((s) => s.service_code)).toEqual(services.map((s) => s.service_code));
    expect(x.services.service.find((s) => s.service_code === 'housing.heating.none')).toMatchObject({ metadata: 'true', type: 'realtime', service_name: 'Нет отопления в квартире' });
  });

  it('takes the jurisdiction from the api_key when jurisdiction_id is left out', async () => {
    const byKey = await get(`${V2}/services.json?api_key=${DEMO_OPEN311_KEY}`);
    expect(byKey.json()).toEqual((await get(`${V2}/services.json?${J}`)).json());
    const byHeader = await get(`${V2}/services.json`, { 'x-api-key': DEMO_OPEN311_KEY });
    expect(byHeader.json()).toEqual(byKey.json());
  });

  it('gives a service definition with attributes from the extra fields, validating against service-definition.json', async () => {
    const res = await get(`${V2}/services/housing.heating.none.json?${J}`);
    expect(res.statusCode).toBe(200);
    const d = valid('service-definition.json', res.json()) as { service_code: string; attributes: { code: string; datatype: string; required: boolean; order: number; variable: boolean }[] };
    expect(d.service_code).toBe('housing.heating.none');
    expect(d.attributes.map((a) => [a.code, a.datatype, a.required, a.order, a.variable])).toEqual([
      ['apartment', 'string', false, 1, true],
      ['indoorTemperature', 'number', false, 2, true],
    ]);
    const x = parseXml(await get(`${V2}/services/housing.heating.none.xml?${J}`)) as { service_definition: { service_code: string; attributes: { attribute: Record<string, string>[] } } };
    expect(x.service_definition.service_code).toBe('housing.heating.none');
    expect(x.service_definition.attributes.attribute.map((a) => a.code)).toEqual(['apartment', 'indoorTemperature']);
    // A service without extra fields has an empty definition.
    expect(valid('service-definition.json', (await get(`${V2}/services/roads.pothole.json?${J}`)).json())).toEqual({ service_code: 'roads.pothole', attributes: [] });
  });

  it('answers unknown jurisdictions and services in the Open311 error format', async () => {
    expect(open311Error(await get(`${V2}/services.json`), 400)).toContain('jurisdiction_id');
    expect(open311Error(await get(`${V2}/services.json?jurisdiction_id=990000000`), 404)).toContain('990000000');
    // A city is not a jurisdiction: regions are.
    open311Error(await get(`${V2}/services.json?jurisdiction_id=351010000`), 404);
    expect(open311Error(await get(`${V2}/services/no.such.service.json?${J}`), 404)).toContain('no.such.service');
    open311Error(await get(`${V2}/services/housing.json?${J}`), 404);
    const x = await get(`${V2}/services/no.such.service.xml?${J}`);
    expect(x.statusCode).toBe(404);
    const e = parseXml(x) as { errors: { error: { code: string; description: string }[] } };
    expect(e.errors.error[0]!.code).toBe('404');
    expect(e.errors.error[0]!.description).toContain('no.such.service');
    expect(open311Error(await get(`${V2}/nothing.json`), 404)).toContain('/open311/v2/nothing.json');
    open311Error(await get(`${V2}/services.yaml?${J}`), 404);
    // A wrong x-api-key header is refused by the platform's auth hook: still an Open311 403.
    open311Error(await get(`${V2}/services.json?${J}`, { 'x-api-key': 'ortak_nope' }), 403);
  });
});

describe('Open311 POST requests', () => {
  it('registers an appeal from a form-encoded request and returns its slip number', async () => {
    const res = await form(`${V2}/requests.json`, {
      api_key: DEMO_OPEN311_KEY, jurisdiction_id: DEMO_JURISDICTION, service_code: 'housing.heating.none', lat: '49.80213', long: '73.14027',
      ...PERSON, description: KAZAKH, 'attribute[apartment]': '45', 'attribute[indoorTemperature]': '14', device_id: 'dev-1', account_id: 'acc-77', is_public: 'true',
    }, { 'accept-language': 'kk' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { service_request_id: string; service_notice: string; account_id: string | null }[];
    expect(body).toHaveLength(1);
    expect(body[0]!.service_request_id).toMatch(/^KRG-\d{4}-\d{6}$/);
    expect(body[0]!.service_notice).toContain(body[0]!.service_request_id);
    expect(body[0]!.account_id).toBe('acc-77');
    formSlip = body[0]!.service_request_id;
  });

  it('registers one from a JSON body with only an address, answering in XML', async () => {
    const res = await postJson(`${V2}/requests.xml`, { api_key: DEMO_OPEN311_KEY, service_code: 'roads.pothole', address_string: 'пр. Нуркена Абдирова, 3', description: 'Глубокая яма на проезжей части', email: 'driver@example.kz' });
    expect(res.statusCode, res.body).toBe(200);
    const x = parseXml(res) as { service_requests: { request: { service_request_id: string; service_notice: string; account_id: string }[] } };
    jsonSlip = x.service_requests.request[0]!.service_request_id;
    expect(jsonSlip).toMatch(/^KRG-\d{4}-\d{6}$/);
    expect(x.service_requests.request[0]!.account_id).toBe('');
    expect(x.service_requests.request[0]!.service_notice).toContain('Срок ответа');
  });

  it('places a point far from every known settlement at the region, for the coordination centre', async () => {
    const res = await form(`${V2}/requests.json`, { api_key: DEMO_OPEN311_KEY, service_code: 'roads.pothole', lat: '49.0', long: '75.0', first_name: 'Ерлан', phone: '+77015550155' });
    expect(res.statusCode, res.body).toBe(200);
    const slip = (res.json() as { service_request_id: string }[])[0]!.service_request_id;
    const row = await testDb.db.selectFrom('appeal').select(['territoryCode', 'lat', 'lon', 'text']).where('slipNumber', '=', slip).executeTakeFirstOrThrow();
    // Without a description the service's name is the text.
    expect(row).toEqual({ territoryCode: '350000000', lat: 49, lon: 75, text: 'Ямы на дороге' });
  });

  it('takes attributes as a JSON object too, and the key from the x-api-key header', async () => {
    const res = await postJson(`${V2}/requests.json`, { service_code: 'housing.heating.low', address_id: '351010000', description: 'Батареи еле тёплые', phone: '87015550111', first_name: 'Иван', attribute: { apartment: '7', indoorTemperature: 17.5 } }, { 'x-api-key': DEMO_OPEN311_KEY });
    expect(res.statusCode, res.body).toBe(200);
    const slip = (res.json() as { service_request_id: string }[])[0]!.service_request_id;
    const row = await testDb.db.selectFrom('appeal').select(['channel', 'territoryCode', sql<string>`extra::text`.as('extra'), 'typeCode']).where('slipNumber', '=', slip).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ channel: 'open311', territoryCode: '351010000', typeCode: 'report' });
    expect(JSON.parse(row.extra)).toEqual({ apartment: '7', indoorTemperature: 17.5 });
  });

  it('returns the first answer to a retry with the same Idempotency-Key, and refuses the key for another request', async () => {
    const fields = { api_key: DEMO_OPEN311_KEY, service_code: 'environment.waste', address_id: '351010000', description: 'Мусор не вывозят неделю', first_name: 'Дана', phone: '+77015550123' };
    const before = await testDb.db.selectFrom('appeal').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const first = await form(`${V2}/requests.json`, fields, { 'idempotency-key': 'open311-retry-1' });
    const again = await form(`${V2}/requests.json`, fields, { 'idempotency-key': 'open311-retry-1' });
    expect(first.statusCode).toBe(200);
    expect(again.statusCode).toBe(200);
    expect(again.body).toBe(first.body);
    const after = await testDb.db.selectFrom('appeal').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n) + 1);
    // The retry may ask for the other format: the same slip.
    const asXml = parseXml(await form(`${V2}/requests.xml`, fields, { 'idempotency-key': 'open311-retry-1' })) as { service_requests: { request: { service_request_id: string }[] } };
    expect(asXml.service_requests.request[0]!.service_request_id).toBe((first.json() as { service_request_id: string }[])[0]!.service_request_id);
    expect(open311Error(await form(`${V2}/requests.json`, { ...fields, description: 'Другой текст' }, { 'idempotency-key': 'open311-retry-1' }), 400)).toContain('Idempotency-Key');
  });

  it('registers an anonymous report, which the APPC leaves unconsidered, and says so', async () => {
    const res = await form(`${V2}/requests.json`, { api_key: DEMO_OPEN311_KEY, service_code: 'roads.lighting', lat: '49.806', long: '73.085', description: 'Не горит фонарь' });
    expect(res.statusCode, res.body).toBe(200);
    const [r] = res.json() as { service_request_id: string; service_notice: string }[];
    expect(r!.service_notice).toContain('не рассматривается');
    const [got] = (await get(`${V2}/requests/${r!.service_request_id}.json?${J}`)).json() as { status: string; status_notes: string }[];
    expect(got).toMatchObject({ status: 'closed' });
    expect(got!.status_notes).toContain('анонимные');
  });

  it('refuses a missing, wrong or foreign api_key with 403', async () => {
    const fields = { service_code: 'roads.pothole', address_string: 'ул. Ерубаева, 1', description: 'Яма' };
    expect(open311Error(await form(`${V2}/requests.json`, fields), 403)).toContain('api_key');
    expect(open311Error(await form(`${V2}/requests.json`, { ...fields, api_key: 'ortak_wrong_key' }), 403)).toContain('api_key');
    expect(open311Error(await form(`${V2}/requests.json`, { ...fields, api_key: DEMO_OPEN311_KEY, jurisdiction_id: '710000000' }), 403)).toContain('710000000');
    const x = await form(`${V2}/requests.xml`, fields);
    expect(x.statusCode).toBe(403);
    expect((parseXml(x) as { errors: { error: { code: string }[] } }).errors.error[0]!.code).toBe('403');
  });

  it('answers invalid fields with 400 naming the field, an unknown service with 404, never 500', async () => {
    const base = { api_key: DEMO_OPEN311_KEY, service_code: 'housing.heating.none', lat: '49.802', long: '73.14', description: 'Холодно', phone: '+77015550100' };
    const fails = async (patch: Record<string, string | undefined>, status = 400) => {
      const fields = Object.fromEntries(Object.entries({ ...base, ...patch }).filter(([, v]) => v !== undefined)) as Record<string, string>;
      return open311Error(await form(`${V2}/requests.json`, fields), status);
    };
    expect(await fails({ service_code: undefined })).toMatch(/^service_code: /);
    expect(await fails({ service_code: 'no.such' }, 404)).toContain('no.such');
    expect(await fails({ lat: undefined, long: undefined })).toContain('lat');
    expect(await fails({ long: undefined })).toMatch(/^long: /);
    expect(await fails({ lat: 'north' })).toMatch(/^lat: /);
    expect(await fails({ lat: '91' })).toMatch(/^lat: /);
    // A point outside the country, or nearest to a settlement of another region.
    expect(await fails({ lat: '10', long: '10' })).toMatch(/^lat: /);
    expect(await fails({ lat: '51.1694', long: '71.4491' })).toMatch(/^lat: .*350000000/);
    expect(await fails({ lat: undefined, long: undefined, address_id: '12345' })).toMatch(/^address_id: /);
    expect(await fails({ lat: undefined, long: undefined, address_id: '710000000' })).toMatch(/^address_id: /);
    expect(await fails({ description: 'я'.repeat(4001) })).toMatch(/^description: /);
    expect(await fails({ 'attribute[colour]': 'red' })).toMatch(/^attribute\[colour\]: /);
    expect(await fails({ 'attribute[indoorTemperature]': 'warm' })).toMatch(/^attribute\[indoorTemperature\]: /);
    expect(await fails({ 'attribute[indoorTemperature]': '95' })).toMatch(/^attribute\[indoorTemperature\]: /);
    expect(await fails({ phone: '12' })).toMatch(/^phone: /);
    expect(await fails({ email: 'not-an-email' })).toMatch(/^email: /);
    expect(await fails({ media_url: 'javascript:alert(1)' })).toMatch(/^media_url: /);
    const badJson = await app.inject({ method: 'POST', url: `${V2}/requests.json`, headers: { 'content-type': 'application/json' }, payload: '{"api_key": ' });
    open311Error(badJson, 400);
    const text = await app.inject({ method: 'POST', url: `${V2}/requests.json`, headers: { 'content-type': 'text/plain' }, payload: 'hello' });
    open311Error(text, 400);
    const boundary = 'x0311';
    const multipart = await app.inject({
      method: 'POST', url: `${V2}/requests.json`, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="api_key"\r\n\r\n${DEMO_OPEN311_KEY}\r\n--${boundary}--\r\n`,
    });
    expect(open311Error(multipart, 400)).toMatch(/^body: /);
  });
});

describe('Open311 GET requests', () => {
  it('fetches a submitted request by its slip number, validating against requests.json, Kazakh text intact', async () => {
    const res = await get(`${V2}/requests/${formSlip}.json?${J}`);
    expect(res.statusCode).toBe(200);
    publicBodies.push(res.body);
    const [r] = valid('requests.json', res.json()) as Record<string, unknown>[];
    expect(r).toMatchObject({ service_request_id: formSlip, status: 'open', service_code: 'housing.heating.none', service_name: 'Нет отопления в квартире', description: KAZAKH, address_id: expect.stringMatching(/^35/) });
    expect(typeof r!.agency_responsible).toBe('string');
    expect(r!.expected_datetime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(new Date(r!.expected_datetime as string).getTime()).toBeGreaterThan(new Date(r!.requested_datetime as string).getTime());
    // The point is rounded (~100 m); the address is the area, never the street.
    expect(r!.lat).toBe(49.802);
    expect(r!.long).toBe(73.14);
    expect(r!.address).toContain('Караганд');
    expect(typeof r!.status_notes).toBe('string');

    const x = await get(`${V2}/requests/${formSlip}.xml?${J}`);
    publicBodies.push(x.body);
    const doc = parseXml(x) as { service_requests: { request: Record<string, string>[] } };
    expect(doc.service_requests.request[0]).toMatchObject({ service_request_id: formSlip, status: 'open', description: KAZAKH, lat: '49.802' });
  });

  it('shows neither the text nor the point of a request without the consent to publish (is_public)', async () => {
    const res = await get(`${V2}/requests/${jsonSlip}.json?${J}`);
    publicBodies.push(res.body);
    const [r] = valid('requests.json', res.json()) as Record<string, unknown>[];
    expect(r).toMatchObject({ service_request_id: jsonSlip, status: 'open', service_code: 'roads.pothole', description: null, lat: null, long: null, address_id: '350000000' });
    expect(r!.address).toBe('Карагандинская область');
    expect(open311Error(await form(`${V2}/requests.json`, { api_key: DEMO_OPEN311_KEY, service_code: 'roads.pothole', address_id: '351010000', is_public: 'maybe' }), 400)).toMatch(/^is_public: /);
  });

  it('is found without jurisdiction_id through the api_key, and 404 when unknown', async () => {
    const byKey = await get(`${V2}/requests/${jsonSlip}.json?api_key=${DEMO_OPEN311_KEY}`);
    expect(byKey.statusCode).toBe(200);
    expect((byKey.json() as { service_code: string }[])[0]!.service_code).toBe('roads.pothole');
    expect(open311Error(await get(`${V2}/requests/KRG-2026-999999.json?${J}`), 404)).toContain('KRG-2026-999999');
    open311Error(await get(`${V2}/requests/anything.json?${J}`), 404);
    // Another region does not see this one.
    open311Error(await get(`${V2}/requests/${formSlip}.json?jurisdiction_id=710000000`), 404);
  });

  it('lists the last 90 days by default, JSON and XML alike', async () => {
    const res = await get(`${V2}/requests.json?${J}`);
    expect(res.statusCode).toBe(200);
    publicBodies.push(res.body);
    const list = valid('requests.json', res.json()) as { service_request_id: string; requested_datetime: string; status: string }[];
    expect(list.length).toBeGreaterThan(25);
    expect(list.map((r) => r.service_request_id)).toEqual(expect.arrayContaining([formSlip, jsonSlip]));
    const times = list.map((r) => new Date(r.requested_datetime).getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const x = await get(`${V2}/requests.xml?${J}`);
    publicBodies.push(x.body);
    const doc = parseXml(x) as { service_requests: { request: Record<string, string>[] } };
    expect(doc.service_requests.request.map((r) => r.service_request_id)).toEqual(list.map((r) => r.service_request_id));
  });

  it('filters by status, service_code, ids and date window', async () => {
    const list = async (q: string) => {
      const res = await get(`${V2}/requests.json?${J}&${q}`);
      expect(res.statusCode, res.body).toBe(200);
      publicBodies.push(res.body);
      return valid('requests.json', res.json()) as { service_request_id: string; status: string; service_code: string; requested_datetime: string }[];
    };
    const open = await list('status=open');
    const closed = await list('status=closed');
    expect(open.length).toBeGreaterThan(0);
    expect(closed.length).toBeGreaterThan(0);
    expect(open.every((r) => r.status === 'open')).toBe(true);
    expect(closed.every((r) => r.status === 'closed')).toBe(true);
    expect((await list('status=open,closed')).length).toBe(open.length + closed.length);

    const heating = await list('service_code=housing.heating.none');
    expect(heating.length).toBeGreaterThan(1);
    expect(heating.every((r) => r.service_code === 'housing.heating.none')).toBe(true);
    // A group of the tree stands for every service below it.
    const group = await list('service_code=housing.heating');
    expect(new Set(group.map((r) => r.service_code))).toEqual(new Set(['housing.heating.none', 'housing.heating.low']));
    const two = await list('service_code=housing.heating.none,roads.pothole');
    expect(new Set(two.map((r) => r.service_code))).toEqual(new Set(['housing.heating.none', 'roads.pothole']));

    // Ids override every other filter.
    const ids = await list(`service_request_id=${formSlip},${jsonSlip},KRG-2000-000001&status=closed&service_code=education.school`);
    expect(ids.map((r) => r.service_request_id).sort()).toEqual([formSlip, jsonSlip].sort());

    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const lastHour = await list(`start_date=${iso(now - 3_600_000)}&end_date=${encodeURIComponent(iso(now + 60_000))}`);
    expect(lastHour.map((r) => r.service_request_id)).toEqual(expect.arrayContaining([formSlip, jsonSlip]));
    expect(lastHour.every((r) => new Date(r.requested_datetime).getTime() >= now - 3_600_000 - 1000)).toBe(true);
    // Offsets are fine; a window in the future is empty (and still valid).
    expect(await list(`start_date=${encodeURIComponent('2099-01-01T00:00:00+05:00')}`)).toEqual([]);
    const older = await list(`end_date=${iso(now - 10 * 86_400_000)}`);
    expect(older.length).toBeGreaterThan(0);
    expect(older.every((r) => new Date(r.requested_datetime).getTime() <= now - 10 * 86_400_000)).toBe(true);
  });

  it('refuses bad dates, statuses and unknown services in the Open311 format', async () => {
    const bad = async (q: string, status = 400) => open311Error(await get(`${V2}/requests.json?${J}&${q}`), status);
    expect(await bad('start_date=2026-02-30T00:00:00Z')).toMatch(/^start_date: /);
    expect(await bad('start_date=2026-03-01')).toMatch(/^start_date: /);
    expect(await bad('end_date=2026-03-01T10:00:00')).toMatch(/^end_date: /);
    expect(await bad('start_date=yesterday')).toMatch(/^start_date: /);
    expect(await bad('start_date=2026-03-10T00:00:00Z&end_date=2026-03-01T00:00:00Z')).toMatch(/^end_date: /);
    expect(await bad('start_date=2026-01-01T00:00:00Z&end_date=2026-04-02T00:00:00Z')).toContain('90');
    expect(await bad('status=pending')).toMatch(/^status: /);
    expect(await bad('service_code=no.such', 404)).toContain('no.such');
    const x = await get(`${V2}/requests.xml?${J}&start_date=bad`);
    expect(x.statusCode).toBe(400);
    expect((parseXml(x) as { errors: { error: { description: string }[] } }).errors.error[0]!.description).toMatch(/^start_date: /);
  });

  it('never shows personal data: no name, phone, e-mail, IIN or street address', async () => {
    const rows = await testDb.db.selectFrom('appeal').select(['applicantName', 'applicantPhone', 'applicantEmail', 'address', 'applicantPersonId']).execute();
    const people = await testDb.db.selectFrom('person').select(['iin', 'lastName', 'phone']).execute();
    const secrets = new Set<string>([PERSON.first_name, PERSON.last_name, PERSON.email, 'Гапеева', '7015550199', '+77015550199']);
    for (const r of rows) for (const v of [r.applicantName, r.applicantPhone, r.applicantEmail, r.address]) if (v) secrets.add(v);
    for (const p of people) {
      secrets.add(p.iin);
      if (p.phone) secrets.add(p.phone);
    }
    expect(rows.some((r) => r.applicantName === `${PERSON.last_name} ${PERSON.first_name}`)).toBe(true);
    expect(publicBodies.length).toBeGreaterThan(8);
    const all = publicBodies.join('\n');
    for (const s of secrets) expect(all.includes(s), `leaked: ${s}`).toBe(false);
  });

  it('returns at most 1000 requests, and refuses more than 1000 ids', async () => {
    const template = await testDb.db.selectFrom('appeal').select('id').where('slipNumber', '=', formSlip).executeTakeFirstOrThrow();
    await sql`insert into appeal (region_code, id, slip_number, slip_year, slip_seq, type_code, category_id, channel, lang, text, territory_code,
        received_at, registered_on, received_by_kind, process_key, state, organization_id, created_at, updated_at)
      select region_code, gen_random_uuid(), 'BLK-2026-' || lpad(g::text, 6, '0'), slip_year, 900000 + g, type_code, category_id, channel, lang, text, territory_code,
        now() - make_interval(secs => g), registered_on, received_by_kind, process_key, state, organization_id, created_at, updated_at
      from appeal, generate_series(1, 1001) g where id = ${template.id}`.execute(testDb.db);
    const res = await get(`${V2}/requests.json?${J}`);
    expect(res.statusCode).toBe(200);
    const list = valid('requests.json', res.json()) as { service_request_id: string }[];
    expect(list).toHaveLength(1000);
    const many = Array.from({ length: 1001 }, (_, i) => `BLK-2026-${String(i + 1).padStart(6, '0')}`).join(',');
    expect(open311Error(await get(`${V2}/requests.json?${J}&service_request_id=${many}`), 400)).toMatch(/^service_request_id: /);
    const thousand = await get(`${V2}/requests.json?${J}&service_request_id=${many.split(',').slice(0, 1000).join(',')}`);
    expect((thousand.json() as unknown[]).length).toBe(1000);
  });
});

describe('Open311 in the OpenAPI document', () => {
  it('documents every resource under the tag open311, JSON and XML twins', async () => {
    const doc = (await get('/openapi.json')).json() as { paths: Record<string, Record<string, { tags: string[]; responses: Record<string, unknown>; requestBody?: unknown }>> };
    for (const p of ['/open311/discovery.json', '/discovery.xml', '/open311/v2/services.json', '/open311/v2/services/{service_code}.xml', '/open311/v2/requests.json', '/open311/v2/requests/{service_request_id}.json']) {
      const ops = doc.paths[p];
      expect(ops, p).toBeDefined();
      for (const op of Object.values(ops!)) expect(op.tags).toEqual(['open311']);
    }
    expect(doc.paths['/open311/v2/requests.xml']!.post!.requestBody).toBeDefined();
    expect(JSON.stringify(doc.paths['/open311/v2/requests.xml']!.get!.responses['200'])).toContain('"type":"string"');
    expect(Object.keys(doc.paths).some((p) => p.includes('*'))).toBe(false);
  });
});
