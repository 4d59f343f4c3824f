import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../../platform/http/errors.ts';
import { pickLang, t, type Lang } from '../../../platform/i18n/i18n.ts';
import { AttributeError } from './open311.attributes.ts';
import { OPEN311_ITEMS, toXml } from './open311.xml.ts';

/**
 * Open311 errors: `[{ code, description }]` (`<errors><error>…`) in the format the URL asks
 * for, instead of the platform's problem+json. The spec's statuses: 404 for what does not
 * exist, 403 for a missing or wrong api_key, 400 for anything else the request cannot get —
 * including a failure on our side ("General service error"), so this API never answers 500.
 * A field at fault is named first in the description (`lat: must be a number.`).
 */

export type Format = 'json' | 'xml';

export interface Open311ErrorBody {
  code: number;
  description: string;
}

export class Open311Error extends Error {
  constructor(
    readonly status: 400 | 403 | 404,
    readonly messageKey: string,
    readonly params: Record<string, unknown> = {},
    readonly field?: string,
  ) {
    super(`${field ? `${field}: ` : ''}${messageKey}`);
  }
}

export const badRequest = (field: string | undefined, key: string, params?: Record<string, unknown>) => new Open311Error(400, `open311:errors.${key}`, params, field);
export const forbiddenKey = (key: string, params?: Record<string, unknown>) => new Open311Error(403, `open311:errors.${key}`, params);
export const notFound311 = (key: string, params?: Record<string, unknown>) => new Open311Error(404, `open311:errors.${key}`, params);

/** The format of a request: its resource's extension (`.xml`), JSON otherwise. */
export function formatOf(url: string): Format {
  return url.split('?')[0]!.toLowerCase().endsWith('.xml') ? 'xml' : 'json';
}

/** Open311 has no language parameter: Accept-Language, else the actor's, else Russian. */
export function langOf(req: FastifyRequest): Lang {
  return req.headers['accept-language'] ? pickLang(req.headers['accept-language']) : (req.actor?.locale ?? 'ru');
}

/** The appeals core's field names → the Open311 field the client sent. */
export function open311Field(field: string | undefined): string | undefined {
  if (!field) return undefined;
  const extra = /^extra(?:\.([^.]+))?/.exec(field);
  if (extra) return extra[1] ? `attribute[${extra[1]}]` : 'attribute';
  const map: Record<string, string> = {
    text: 'description',
    territoryCode: 'address_id',
    location: 'lat',
    categoryId: 'service_code',
    address: 'address_string',
    'applicant.phone': 'phone',
    'applicant.email': 'email',
    'applicant.firstName': 'first_name',
    'applicant.lastName': 'last_name',
    applicant: 'first_name',
  };
  return map[field] ?? field;
}

/** A catalog message, or `fallback` when the catalog has no such key (i18next then answers the key itself). */
function message(lang: Lang, key: string, params: Record<string, unknown>, fallback: string): string {
  const s = t(lang, key, params);
  return s === key || s === key.slice(key.indexOf(':') + 1) ? fallback : s;
}

const describe = (field: string | undefined, text: string) => (field ? `${field}: ${text}` : text);

/** Any error → the Open311 status and body. Unknown errors are logged (without the message's data) first. */
export function toOpen311(err: unknown, req: FastifyRequest): { status: number; body: Open311ErrorBody[] } {
  const lang = langOf(req);
  const one = (status: number, description: string) => ({ status, body: [{ code: status, description }] });
  if (err instanceof Open311Error) return one(err.status, describe(err.field, t(lang, err.messageKey, err.params)));
  if (err instanceof AttributeError) return one(400, describe(err.field, t(lang, err.messageKey)));
  if (err instanceof DomainError) {
    const status = err.status === 401 || err.status === 403 ? 403 : err.status === 404 ? 404 : err.status === 429 ? 429 : 400;
    const field = open311Field(err.field);
    return one(status, describe(field, message(lang, err.messageKey, { ...err.params, field }, err.message)));
  }
  const fe = err as FastifyError & { validation?: { instancePath: string; message?: string; params?: Record<string, unknown>; keyword: string }[]; validationContext?: string };
  if (fe.validation) {
    const body = fe.validation.map((v) => {
      const parts = v.instancePath.split('/').filter(Boolean);
      if (v.keyword === 'required' && v.params?.missingProperty) parts.push(String(v.params.missingProperty));
      // A field of the body or query string by its name; the whole body (or query) by its place.
      return { code: 400, description: describe(parts.join('.') || fe.validationContext, v.message ?? v.keyword) };
    });
    return { status: 400, body };
  }
  const status = fe.statusCode ?? 500;
  if (status === 429) return one(429, t(lang, 'errors:rate_limited', { seconds: 60 }));
  if (status >= 400 && status < 500) {
    // Bad JSON, an empty or oversized body, a content type we do not read.
    return one(status === 404 ? 404 : 400, describe('body', `${t(lang, 'open311:errors.body')} (${fe.message})`));
  }
  req.log.error({ err: { type: (err as Error)?.name, message: (err as Error)?.message, stack: (err as Error)?.stack } }, 'open311: unhandled error');
  return one(400, t(lang, 'open311:errors.general', { requestId: req.id }));
}

export const CONTENT_TYPE: Record<Format, string> = { json: 'application/json; charset=utf-8', xml: 'text/xml; charset=utf-8' };

/** Sends a GeoReport document: JSON as is, XML under `root` (the JSON of a list is the XML's wrapper). */
export function sendDocument(reply: FastifyReply, format: Format, root: string, value: unknown, status = 200) {
  reply.status(status).type(CONTENT_TYPE[format]);
  return format === 'xml' ? reply.send(toXml(root, value as never, OPEN311_ITEMS)) : reply.send(value);
}

export function sendError(reply: FastifyReply, req: FastifyRequest, err: unknown) {
  const { status, body } = toOpen311(err, req);
  if (status === 429 && !reply.getHeader('retry-after')) reply.header('retry-after', '60');
  return sendDocument(reply, formatOf(req.url), 'errors', body, status);
}
