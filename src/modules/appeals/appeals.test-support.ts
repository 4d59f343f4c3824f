import { expect } from 'vitest';
import { login, type LoggedIn, type TestApp } from '../../../test/app.ts';

/** Shared by the appeals tests: the demo's ids, HTTP helpers, multipart bodies. */

export const REGION = '350000000';
export const KARAGANDA = '351010000';
export const KAZYBEK_BI = '351013100';
export const TEMIRTAU = '352410000';
export const BUKHAR = '354000000';

export interface Ctx {
  t: TestApp;
  categories: Map<string, string>;
  orgs: Map<string, string>;
  sessions: Map<string, LoggedIn>;
}

export async function context(t: TestApp): Promise<Ctx> {
  const cats = (await t.app.inject({ url: `/api/appeals/categories?regionCode=${REGION}` })).json() as { items: { id: string; code: string }[] };
  const orgs = (await t.app.inject({ url: `/api/organizations?limit=200` })).json() as { items: { id: string; name: { en: string } }[] };
  return {
    t,
    categories: new Map(cats.items.map((c) => [c.code, c.id])),
    orgs: new Map(orgs.items.map((o) => [o.name.en, o.id])),
    sessions: new Map(),
  };
}

export function org(ctx: Ctx, fragment: string): string {
  for (const [name, id] of ctx.orgs) if (name.includes(fragment)) return id;
  throw new Error(`no organization like ${fragment}`);
}

export function cat(ctx: Ctx, code: string): string {
  const id = ctx.categories.get(code);
  if (!id) throw new Error(`no category ${code}`);
  return id;
}

export async function as(ctx: Ctx, who: string): Promise<LoggedIn['headers']> {
  let s = ctx.sessions.get(who);
  if (!s) ctx.sessions.set(who, (s = await login(ctx.t.app, who)));
  return s.headers;
}

export interface SlipJson {
  appealId: string;
  slipNumber: string;
  state: string;
  organizationId: string;
  registeredOn: string;
  receivedAt: string;
  dueAt: string | null;
  isAnonymous: boolean;
  possibleDuplicates: { id: string; similarity: number; distanceMetres: number | null }[];
  legalSource: string;
}

export async function file(ctx: Ctx, who: string, body: Record<string, unknown>, url = '/api/appeals', extraHeaders: Record<string, string> = {}): Promise<SlipJson> {
  const res = await ctx.t.app.inject({ method: 'POST', url, headers: { ...(await as(ctx, who)), ...extraHeaders }, payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as SlipJson;
}

export async function act(ctx: Ctx, who: string, appealId: string, action: string, body: Record<string, unknown> = {}) {
  return ctx.t.app.inject({ method: 'POST', url: `/api/appeals/${appealId}/${action}`, headers: await as(ctx, who), payload: body });
}

export async function ok(ctx: Ctx, who: string, appealId: string, action: string, body: Record<string, unknown> = {}) {
  const res = await act(ctx, who, appealId, action, body);
  expect(res.statusCode, `${action} by ${who}: ${res.body}`).toBe(200);
  return res.json() as { state: string; caseVersion: number; organizationId: string; assigneeId: string | null; dueAt: string | null };
}

export async function page(ctx: Ctx, who: string, appealId: string) {
  const res = await ctx.t.app.inject({ url: `/api/appeals/${appealId}`, headers: await as(ctx, who) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Record<string, unknown> & {
    state: string; caseVersion: number; actions: string[]; timeline: { kind: string; action?: string; level?: number; comment?: string | null }[];
    applicant: { name: string; iin: string | null; phone: string | null } | null; answer: { text: string } | null; attachments: { id: string; stage: string; mime: string }[];
    reopenCount: number; extensionCount: number; deemedRefusalAt: string | null; dueAt: string | null; escalationLevel: number; organization: { id: string };
  };
}

/** A multipart/form-data body: the JSON in `data`, files in `files`. */
export function multipart(data: unknown, files: { name: string; type: string; bytes: Buffer }[] = [], dataField = 'data'): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----ortak${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  if (data !== undefined) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${dataField}"\r\n\r\n${typeof data === 'string' ? data : JSON.stringify(data)}\r\n`));
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${f.name}"\r\nContent-Type: ${f.type}\r\n\r\n`), f.bytes, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Notices written for an appeal (the outbox of src/platform/notify). */
export async function notices(t: TestApp, appealId: string) {
  return t.testDb.db.selectFrom('notice').select(['template', 'lang', 'accountId', 'phone', 'title', 'body']).where('aboutId', '=', appealId).orderBy('createdAt').execute();
}

export function pothole(ctx: Ctx, extra: Record<string, unknown> = {}) {
  return { type: 'statement', categoryId: cat(ctx, 'roads.pothole'), text: 'Глубокая яма на дороге у дома 15, машины бьют колёса', territoryCode: KARAGANDA, ...extra };
}
