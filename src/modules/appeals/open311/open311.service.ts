import { sql } from 'kysely';
import type { Actor } from '../../../platform/auth/actor.ts';
import { findApiKey, touchApiKey } from '../../../platform/auth/auth.service.ts';
import { getCalendar } from '../../../platform/calendar/calendar.ts';
import { formatLocal } from '../../../platform/calendar/calendar.time.ts';
import type { Executor } from '../../../platform/db/database.ts';
import { DomainError } from '../../../platform/http/errors.ts';
import { t, type Lang } from '../../../platform/i18n/i18n.ts';
import { katoRegion } from '../../directory/identity.ts';
import { findCategoryByCode, type CategoryView } from '../appeals.categories.ts';
import type { AppealsDeps } from '../appeals.deps.ts';
import { registerApiAppeal, type ApiIntakeInput, type Slip } from '../appeals.intake.ts';
import { resolveTerritory } from '../appeals.places.ts';
import { listAppealsForApi } from '../appeals.queries.ts';
import * as ref from '../appeals.reference.ts';
import type { PublicAppealView } from '../appeals.views.ts';
import { attributesOf, hasAttributes, readAttributes, type Open311Attribute, type RawAttributes } from './open311.attributes.ts';
import { badRequest, forbiddenKey, notFound311 } from './open311.errors.ts';

/**
 * Open311 GeoReport v2 over the appeals register. Every use-case goes through the appeals
 * Service API: categories are services (`service_code` = the category code), an Open311
 * request is an appeal registered through `registerApiAppeal` (channel `open311`), and reads
 * come from `listAppealsForApi`, which carries public fields only.
 *
 * - jurisdiction_id = the KATO code of a region (`350000000`, Karaganda region). Optional when
 *   an api_key is given (its region); without either, 400 as the spec says for a server of
 *   several jurisdictions.
 * - service_request_id = the slip number (`KRG-2026-000123`).
 * - status = `publicStatus(state)`; status_notes = a sentence per internal state.
 * - expected_datetime = the legal deadline of the answer (the due instant of the workflow case).
 * - agency_responsible = the name of the organization holding the appeal.
 */

export const NATIONAL = '000000000';
export const MAX_ROWS = 1000;
export const WINDOW_DAYS = 90;
const DAY_MS = 86_400_000;

export type ApiClient = Extract<Actor, { kind: 'api_client' }>;

// ---------------------------------------------------------------------------------------
// Keys and jurisdictions
// ---------------------------------------------------------------------------------------

/** The API client behind an Open311 `api_key` (scope `open311`); 403 when missing, unknown, revoked or without the scope. */
export async function requireApiClient(db: Executor, key: string | undefined, fromHeader: Actor, now: Date): Promise<ApiClient> {
  let client: ApiClient | undefined;
  if (key) {
    const row = await findApiKey(db, key);
    if (!row) throw forbiddenKey('api_key_invalid');
    await touchApiKey(db, row, now);
    client = { kind: 'api_client', apiKeyId: row.id, organizationId: row.organizationId, regionCode: row.regionCode, displayName: row.name, scopes: row.scopes };
  } else if (fromHeader.kind === 'api_client') {
    // The platform's auth hook already resolved an x-api-key header.
    client = fromHeader;
  }
  if (!client) throw forbiddenKey('api_key_missing');
  if (!client.scopes.includes('open311')) throw forbiddenKey('api_key_scope');
  return client;
}

/**
 * The region an Open311 call is about: jurisdiction_id, else the API client's region. A write
 * (`isWrite`) must stay in its key's region; reads are public, the key only sets the default.
 */
export async function resolveJurisdiction(db: Executor, given: string | undefined, client: ApiClient | undefined, isWrite: boolean): Promise<string> {
  const id = given?.trim();
  if (!id) {
    if (client) return client.regionCode;
    throw badRequest(undefined, 'jurisdiction_missing');
  }
  if (!/^[0-9]{9}$/.test(id) || katoRegion(id) !== id || !(await ref.territoryExists(db, id))) throw notFound311('jurisdiction_unknown', { jurisdiction: id });
  if (isWrite && client && client.regionCode !== id) throw forbiddenKey('api_key_jurisdiction', { jurisdiction: id });
  return id;
}

// ---------------------------------------------------------------------------------------
// Services
// ---------------------------------------------------------------------------------------

export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string | null;
  metadata: boolean;
  type: 'realtime';
  keywords: string | null;
  group: string | null;
}

interface Catalogue {
  /** Leaf categories: the services one can file. */
  services: CategoryView[];
  /** Every category by id (inactive too), for names in request lists. */
  byId: Map<string, CategoryView>;
}

/** The region's categories and the national ones it does not override (same code). */
async function catalogue(db: Executor, regionCode: string): Promise<Catalogue> {
  // From the process's reference cache (appeals.reference.ts): shared views, never mutated here.
  const own = await ref.categories(db, regionCode);
  const national = regionCode === NATIONAL ? [] : await ref.categories(db, NATIONAL);
  const codes = new Set(own.map((c) => c.code));
  const all = [...own, ...national.filter((c) => !codes.has(c.code))];
  const byId = new Map(all.map((c) => [c.id, c]));
  const visible = (c: CategoryView) => c.path.every((id) => byId.get(id)?.isActive !== false);
  return { services: all.filter((c) => c.isLeaf && visible(c)), byId };
}

function serviceOf(c: CategoryView, byId: Map<string, CategoryView>, lang: Lang): Open311Service {
  const root = c.path.length > 1 ? byId.get(c.path[0]!) : undefined;
  return {
    service_code: c.code,
    service_name: c.name[lang],
    description: c.description?.[lang] || null,
    metadata: hasAttributes(c.extraFields),
    // Intake is synchronous: the slip number comes back in the POST response.
    type: 'realtime',
    keywords: c.keywords.length ? c.keywords.join(', ') : null,
    group: root ? root.name[lang] : null,
  };
}

export async function listServices(db: Executor, regionCode: string, lang: Lang): Promise<Open311Service[]> {
  const { services, byId } = await catalogue(db, regionCode);
  return services.map((c) => serviceOf(c, byId, lang));
}

/** A service of the jurisdiction by its code; 404 unless it is a filable (active leaf) category there. */
export async function findService(db: Executor, regionCode: string, code: string): Promise<CategoryView> {
  const c = (await findCategoryByCode(db, regionCode, code)) ?? (regionCode === NATIONAL ? undefined : await findCategoryByCode(db, NATIONAL, code));
  if (c && c.isActive && c.isLeaf) {
    const { services } = await catalogue(db, regionCode);
    if (services.some((s) => s.id === c.id)) return c;
  }
  throw notFound311('service_code_unknown', { code, jurisdiction: regionCode });
}

export async function serviceDefinition(db: Executor, regionCode: string, code: string, lang: Lang): Promise<{ service_code: string; attributes: Open311Attribute[] }> {
  const c = await findService(db, regionCode, code);
  return { service_code: c.code, attributes: attributesOf(c.extraFields, lang) };
}

// ---------------------------------------------------------------------------------------
// Discovery
// ---------------------------------------------------------------------------------------

export const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';

/** The last change of any category (a service or its definition): Open311's `changeset`. */
async function changeset(db: Executor): Promise<string> {
  const r = await sql<{ at: Date | null }>`select max(updated_at) as at from appeal_category`.execute(db);
  const at = r.rows[0]?.at;
  return iso(at ? new Date(at) : new Date(0));
}

export async function discovery(db: Executor, baseUrl: string, lang: Lang) {
  const cs = await changeset(db);
  return {
    changeset: cs,
    contact: t(lang, 'open311:discovery.contact', { docs: `${baseUrl}/docs` }),
    key_service: t(lang, 'open311:discovery.key_service'),
    endpoints: [{ specification: SPECIFICATION, url: `${baseUrl}/open311/v2`, changeset: cs, type: 'production' as const, formats: ['text/xml', 'application/json'] }],
  };
}

// ---------------------------------------------------------------------------------------
// POST requests
// ---------------------------------------------------------------------------------------

/** The fields of a POST requests, as strings, and its `attribute[...]` values. */
export interface SubmitFields {
  service_code?: string;
  lat?: string;
  long?: string;
  address_string?: string;
  address_id?: string;
  email?: string;
  device_id?: string;
  account_id?: string;
  first_name?: string;
  last_name?: string;
  phone?: string;
  description?: string;
  media_url?: string;
  /** Extension: the applicant's consent to publish the text and the rounded point (`true`/`false`, default false). */
  is_public?: string;
  attributes: RawAttributes;
}

const chars = (s: string) => [...s].length;

function coordinate(field: 'lat' | 'long', v: string, limit: number): number {
  const n = Number(v.trim());
  if (!v.trim() || !Number.isFinite(n)) throw badRequest(field, 'number');
  if (Math.abs(n) > limit) throw badRequest(field, 'range');
  return n;
}

function short(field: string, v: string | undefined, max: number): string | null {
  const s = v?.trim();
  if (!s) return null;
  if (chars(s) > max) throw badRequest(field, 'too_long', { max });
  return s;
}

// Kazakhstan's bounding box, generously: a point outside it is a client's mistake, not an appeal of this country.
const inKazakhstan = (p: { lat: number; lon: number }) => p.lat >= 40 && p.lat <= 56 && p.lon >= 46 && p.lon <= 88;

/**
 * The territory of a map point: the nearest known settlement (the appeals core's lookup), or,
 * when none is near, the region itself, so that the coordination centre places it by hand
 * (the lookup knows a few settlement centres only, and a report from the steppe is still an
 * appeal). A point nearest to a settlement of another region → 400 naming `lat`.
 */
async function placeOf(db: Executor, location: { lat: number; lon: number }, regionCode: string): Promise<string> {
  const code = await resolveTerritory(db, { location }).catch((e: unknown) => {
    if (e instanceof DomainError && e.field === 'location') return regionCode;
    throw e;
  });
  if (katoRegion(code) !== regionCode) throw badRequest('lat', 'outside_jurisdiction', { jurisdiction: regionCode });
  return code;
}

/**
 * Checks a POST against the spec and the category, and builds the appeals intake input.
 * Where the appeal is: `address_id` (a KATO code) if given; else the map point's settlement
 * (or the region); else, with only an `address_string`, the region itself (the coordination
 * centre routes it by hand).
 */
export async function intakeInput(db: Executor, regionCode: string, f: SubmitFields, lang: Lang): Promise<{ input: ApiIntakeInput; category: CategoryView }> {
  const code = f.service_code?.trim();
  if (!code) throw badRequest('service_code', 'service_code_missing');
  const category = await findService(db, regionCode, code);

  const hasLat = !!f.lat?.trim();
  const hasLong = !!f.long?.trim();
  if (hasLat !== hasLong) throw badRequest(hasLat ? 'long' : 'lat', 'lat_long_pair');
  const location = hasLat ? { lat: coordinate('lat', f.lat!, 90), lon: coordinate('long', f.long!, 180) } : null;
  if (location && !inKazakhstan(location)) throw badRequest('lat', 'outside_country');
  const address = short('address_string', f.address_string, 500);
  const addressId = f.address_id?.trim() || null;
  if (addressId && !/^[0-9]{9}$/.test(addressId)) throw badRequest('address_id', 'address_id');
  if (!location && !address && !addressId) throw badRequest(undefined, 'location_required');

  const description = f.description?.replace(/\r\n/g, '\n').trim() ?? '';
  if (chars(description) > 4000) throw badRequest('description', 'too_long', { max: 4000 });
  const mediaUrl = short('media_url', f.media_url, 2000);
  if (mediaUrl && !/^https?:\/\/[^\s]+$/i.test(mediaUrl)) throw badRequest('media_url', 'url');
  // No description: the service's name says what it is about (the APPC asks for the essence, not a form).
  const text = [description || category.name[lang], mediaUrl ? `media_url: ${mediaUrl}` : ''].filter(Boolean).join('\n\n');

  const consent = f.is_public?.trim().toLowerCase() ?? '';
  if (consent && !['true', 'false', '1', '0'].includes(consent)) throw badRequest('is_public', 'boolean');
  const isPublic = consent === 'true' || consent === '1';
  const extra = readAttributes(category.extraFields, f.attributes);
  const input: ApiIntakeInput = {
    // Open311 reports a problem; the APPC's "сообщение".
    type: 'report',
    categoryId: category.id,
    text,
    territoryCode: addressId ?? (location ? await placeOf(db, location, regionCode) : regionCode),
    address,
    location,
    lang,
    // GeoReport v2 has no consent field: the text and the (rounded) point are published only when
    // the client passes the applicant's consent as `is_public=true`. Names and contacts never are.
    isPublic,
    extra: Object.keys(extra).length || category.extraFields ? extra : undefined,
    applicant: {
      firstName: short('first_name', f.first_name, 100),
      lastName: short('last_name', f.last_name, 100),
      email: short('email', f.email, 254),
      phone: short('phone', f.phone, 32),
    },
  };
  return { input, category };
}

export interface PostResult {
  service_request_id: string;
  service_notice: string | null;
  account_id: string | null;
}

function serviceNotice(slip: Slip, lang: Lang, timeZone: string): string {
  const params = { slip: slip.slipNumber, registeredOn: slip.registeredOn, organization: slip.organizationName?.[lang] ?? '—', due: slip.dueAt ? formatLocal(slip.dueAt, timeZone).replace('T', ' ') : '—' };
  if (slip.state === 'not_considered') return t(lang, 'open311:notice.not_considered', params);
  return t(lang, slip.dueAt ? 'open311:notice.registered' : 'open311:notice.no_due', params);
}

/** Registers the appeal (in the caller's transaction) and answers with its slip number. */
export async function submitRequest(trx: Executor, deps: AppealsDeps, input: ApiIntakeInput, accountId: string | null, client: ApiClient, now: Date): Promise<PostResult[]> {
  return postResult(trx, await registerApiAppeal(trx, deps, input, client, now), input, accountId);
}

/** The answer to a `POST requests` from the registered appeal's slip. */
export async function postResult(trx: Executor, slip: Slip, input: ApiIntakeInput, accountId: string | null): Promise<PostResult[]> {
  const cal = await getCalendar(trx, slip.regionCode);
  return [{ service_request_id: slip.slipNumber, service_notice: serviceNotice(slip, input.lang ?? 'ru', cal.timeZone), account_id: accountId }];
}

// ---------------------------------------------------------------------------------------
// GET requests
// ---------------------------------------------------------------------------------------

export interface Open311Request {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string | null;
  service_name: string | null;
  service_code: string;
  description: string | null;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string | null;
  expected_datetime: string | null;
  address: string | null;
  address_id: string | null;
  zipcode: string | null;
  lat: number | null;
  long: number | null;
  media_url: string | null;
}

/** W3C date-time in UTC, whole seconds. */
export function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const W3C = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A W3C date-time with a time zone (the spec's format); 400 naming the field otherwise. */
export function parseW3c(field: string, v: string): Date {
  const m = W3C.exec(v.trim());
  const d = m ? new Date(v.trim()) : undefined;
  // Date() rolls 2026-02-30 over to March: compare the calendar fields as written.
  const [, y, mo, da, h, mi, s] = m ?? [];
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(da)));
  if (!m || !d || Number.isNaN(d.getTime()) || check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(da) || Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) {
    throw badRequest(field, 'date_format');
  }
  return d;
}

export interface RequestsFilter {
  service_request_id?: string;
  service_code?: string;
  start_date?: string;
  end_date?: string;
  status?: string;
}

const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/** The date window: at most 90 days; the last 90 days when neither end is given. */
export function dateWindow(f: RequestsFilter, now: Date): { from: Date; to: Date } {
  const start = f.start_date?.trim() ? parseW3c('start_date', f.start_date) : undefined;
  const end = f.end_date?.trim() ? parseW3c('end_date', f.end_date) : undefined;
  const span = WINDOW_DAYS * DAY_MS;
  if (start && end) {
    if (end.getTime() < start.getTime()) throw badRequest('end_date', 'date_order');
    if (end.getTime() - start.getTime() > span) throw badRequest('end_date', 'date_span');
    return { from: start, to: end };
  }
  if (start) return { from: start, to: new Date(start.getTime() + span) };
  if (end) return { from: new Date(end.getTime() - span), to: end };
  return { from: new Date(now.getTime() - span), to: now };
}

interface Names {
  organization(id: string): Promise<string | null>;
  place(code: string): Promise<string | null>;
}

/** Organization and territory names in `lang`, each looked up once per response. */
function names(db: Executor, lang: Lang): Names {
  const orgs = new Map<string, Promise<string | null>>();
  const places = new Map<string, Promise<string | null>>();
  return {
    organization(id) {
      if (!orgs.has(id)) orgs.set(id, ref.organization(db, id).then((o) => o?.name[lang] ?? null));
      return orgs.get(id)!;
    },
    // The territory up to the region ("г. Караганда, Караганда Г.А., Карагандинская область"): an area, never a street.
    place(code) {
      if (!places.has(code)) {
        places.set(code, ref.territoryChain(db, code).then(
          (chain) => chain.filter((x) => x.level > 0).map((x) => x.name[lang]).join(', ') || null,
          () => null,
        ));
      }
      return places.get(code)!;
    },
  };
}

function truncate(s: string | null, max: number): string | null {
  if (s === null) return null;
  // Code points never outnumber UTF-16 units: a short string needs no array of its code points.
  if (s.length <= max) return s;
  const cp = [...s];
  return cp.length <= max ? s : `${cp.slice(0, max - 1).join('')}…`;
}

/** The status note of each state in `lang`, translated once per response (not per request of up to 1,000). */
function statusNotes(lang: Lang): (state: string) => string {
  const notes = new Map<string, string>();
  return (state) => {
    let note = notes.get(state);
    if (note === undefined) {
      note = t(lang, `open311:status.${state}`);
      if (note.startsWith('status.')) note = t(lang, 'open311:status.other');
      notes.set(state, note);
    }
    return note;
  };
}

async function requestOf(v: PublicAppealView, byId: Map<string, CategoryView>, names: Names, lang: Lang, note: (state: string) => string): Promise<Open311Request> {
  const c = byId.get(v.categoryId);
  return {
    service_request_id: v.slipNumber,
    status: v.status,
    status_notes: note(v.state),
    service_name: c?.name[lang] ?? null,
    service_code: c?.code ?? v.categoryId,
    description: truncate(v.text, 4000),
    agency_responsible: await names.organization(v.organizationId),
    service_notice: null,
    requested_datetime: iso(v.receivedAt),
    updated_datetime: iso(v.updatedAt),
    expected_datetime: v.dueAt ? iso(v.dueAt) : null,
    address: await names.place(v.territoryCode),
    address_id: v.territoryCode,
    zipcode: null,
    lat: v.location?.lat ?? null,
    long: v.location?.lon ?? null,
    media_url: null,
  };
}

/** Slip numbers are PREFIX-YYYY-NNNNNN; anything else cannot exist and is left out. */
const SLIP = /^[A-Z]{1,5}-\d{4}-\d{1,12}$/;

export async function listRequests(db: Executor, regionCode: string, f: RequestsFilter, now: Date, lang: Lang): Promise<Open311Request[]> {
  const { services, byId } = await catalogue(db, regionCode);
  const lookup = names(db, lang);
  const slips = list(f.service_request_id);
  let rows: PublicAppealView[];
  if (f.service_request_id?.trim()) {
    // The spec: service_request_id overrides every other argument.
    if (slips.length > MAX_ROWS) throw badRequest('service_request_id', 'too_many_ids');
    rows = await listAppealsForApi(db, { regionCode, slipNumbers: slips.filter((x) => SLIP.test(x)), limit: MAX_ROWS });
  } else {
    // A service, or a group of the tree (`housing`): then every category below it.
    const all = [...byId.values()];
    const categoryIds = list(f.service_code).flatMap((code) => {
      const c = services.find((s) => s.code === code) ?? all.find((s) => s.code === code);
      if (!c) throw notFound311('service_code_unknown', { code, jurisdiction: regionCode });
      return all.filter((x) => x.path.includes(c.id)).map((x) => x.id);
    });
    const statuses = list(f.status);
    if (statuses.some((s) => s !== 'open' && s !== 'closed')) throw badRequest('status', 'status_value');
    const { from, to } = dateWindow(f, now);
    rows = await listAppealsForApi(db, { regionCode, categoryIds, statuses: statuses as ('open' | 'closed')[], from, to, limit: MAX_ROWS });
  }
  const note = statusNotes(lang);
  const out: Open311Request[] = [];
  for (const v of rows) out.push(await requestOf(v, byId, lookup, lang, note));
  return out;
}

export async function getRequest(db: Executor, regionCode: string, slip: string, now: Date, lang: Lang): Promise<Open311Request[]> {
  const rows = slip.includes(',') ? [] : await listRequests(db, regionCode, { service_request_id: slip }, now, lang);
  if (!rows.length) throw notFound311('request_not_found', { id: slip, jurisdiction: regionCode });
  return rows;
}
