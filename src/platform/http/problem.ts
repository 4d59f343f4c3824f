import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t, pickLang, type Lang } from '../i18n/i18n.ts';
import { DomainError } from './errors.ts';

/** RFC 9457 problem details, with the field at fault and the request id. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  requestId: string;
  errors?: { field: string; message: string }[];
}

export function requestLang(req: FastifyRequest): Lang {
  return req.actor?.locale ?? pickLang(req.headers['accept-language']);
}

function send(reply: FastifyReply, p: Problem) {
  return reply.status(p.status).type('application/problem+json; charset=utf-8').send(p);
}

function problem(req: FastifyRequest, status: number, code: string, detail: string, errors?: Problem['errors']): Problem {
  return {
    type: `https://ortak.kz/problems/${code}`,
    title: code,
    status,
    detail,
    instance: req.url.split('?')[0]!,
    code,
    requestId: req.id,
    ...(errors ? { errors } : {}),
  };
}

/** `/body/iin` or `body/iin` → `iin`; the location prefix (body/querystring/params) is dropped. */
function fieldOf(instancePath: string, missing?: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (missing) parts.push(missing);
  return parts.join('.') || '(request)';
}

export function registerProblemHandlers(app: FastifyInstance) {
  app.setNotFoundHandler((req, reply) => {
    const lang = requestLang(req);
    return send(reply, problem(req, 404, 'not_found', t(lang, 'errors:route_not_found', { method: req.method, url: req.url.split('?')[0] })));
  });

  app.setErrorHandler((err: FastifyError | DomainError | Error, req, reply) => {
    const lang = requestLang(req);
    if (err instanceof DomainError) {
      const detail = t(lang, err.messageKey, { ...err.params, field: err.field });
      const errors = err.field ? [{ field: err.field, message: detail }] : undefined;
      if (err.status === 429 && err.params.seconds) reply.header('retry-after', String(err.params.seconds));
      return send(reply, problem(req, err.status, err.code, detail, errors));
    }
    const fe = err as FastifyError & { validation?: { instancePath: string; message?: string; params?: Record<string, unknown>; keyword: string }[]; validationContext?: string };
    if (fe.validation) {
      const errors = fe.validation.map((v) => {
        const extra = v.keyword === 'required' ? v.params?.missingProperty : v.keyword === 'additionalProperties' ? v.params?.additionalProperty : undefined;
        const field = fieldOf(v.instancePath, extra === undefined ? undefined : String(extra));
        return { field, message: t(lang, 'errors:validation_field', { field, detail: v.message ?? v.keyword }) };
      });
      return send(reply, problem(req, 400, 'validation', errors[0]?.message ?? t(lang, 'errors:validation'), errors));
    }
    const status = fe.statusCode ?? 500;
    if (status === 429) return send(reply, problem(req, 429, 'rate_limited', t(lang, 'errors:rate_limited', { seconds: Number(reply.getHeader('retry-after') ?? 60) })));
    if (status === 413) return send(reply, problem(req, 413, 'payload_too_large', t(lang, 'errors:payload_too_large')));
    if (status === 415) return send(reply, problem(req, 415, 'unsupported_media_type', t(lang, 'errors:unsupported_media_type')));
    if (status >= 400 && status < 500) {
      // Fastify's own client errors (bad JSON, empty body with a JSON content type, …).
      const field = fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'body' : undefined;
      const detail = t(lang, 'errors:validation_field', { field: field ?? '(request)', detail: fe.message });
      return send(reply, problem(req, status, 'validation', detail, field ? [{ field, message: detail }] : undefined));
    }
    // Unknown: a bare 500 and one log line; the message may hold data, so log the stack only.
    req.log.error({ err: { type: err.name, message: err.message, stack: err.stack } }, 'unhandled error');
    return send(reply, problem(req, 500, 'internal', t(lang, 'errors:internal', { requestId: req.id })));
  });
}

/**
 * Errors Fastify raises before any route runs (a malformed URL, a path parameter over
 * maxParamLength): the same problem+json as everything else, or the Open311 error list under
 * /open311 (its own clients expect `[{ code, description }]`).
 */
export function frameworkError(err: { statusCode?: number; message: string }, req: FastifyRequest, reply: FastifyReply) {
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
  const lang = pickLang(req.headers['accept-language']);
  const detail = t(lang, 'errors:validation_field', { field: '(url)', detail: err.message.slice(0, 200) });
  if (req.url.startsWith('/open311/')) return reply.status(status).type('application/json; charset=utf-8').send([{ code: status, description: detail }]);
  return send(reply, problem(req, status, 'validation', detail, [{ field: '(url)', message: detail }]));
}
