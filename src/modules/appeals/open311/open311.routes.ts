import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Static, TSchema } from 'typebox';
import { Type } from 'typebox';
import { anonymousRateLimit } from '../../../platform/auth/auth.routes.ts';
import { readScope } from '../../../platform/db/revision.ts';
import { idempotencyKeyOf, requestHash, withIdempotency } from '../../../platform/http/idempotency.ts';
import type { App, AppDeps } from '../../../platform/http/types.ts';
import { appealsDeps } from '../appeals.deps.ts';
import type { IntakeGroup } from '../appeals.intake-group.ts';
import { prepareApiAppeal } from '../appeals.intake.ts';
import type { RawAttributes } from './open311.attributes.ts';
import { badRequest, langOf, notFound311, sendDocument, sendError, type Format } from './open311.errors.ts';
import {
  DiscoverySchema,
  ErrorsSchema,
  JurisdictionQuery,
  PostBody,
  PostResponseSchema,
  RequestsQuery,
  RequestsSchema,
  ServiceDefinitionSchema,
  ServicesSchema,
  XmlSchema,
} from './open311.schema.ts';
import {
  discovery,
  getRequest,
  intakeInput,
  listRequests,
  listServices,
  requireApiClient,
  resolveJurisdiction,
  serviceDefinition,
  postResult,
  submitRequest,
  type ApiClient,
  type PostResult,
  type SubmitFields,
} from './open311.service.ts';

/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), at the root, not under /api:
 *
 *   GET  /open311/discovery.{json,xml}   (and /discovery.{json,xml})
 *   GET  /open311/v2/services.{json,xml}
 *   GET  /open311/v2/services/{service_code}.{json,xml}
 *   POST /open311/v2/requests.{json,xml}
 *   GET  /open311/v2/requests.{json,xml}
 *   GET  /open311/v2/requests/{service_request_id}.{json,xml}
 *
 * Each resource is registered once per format, so that the OpenAPI document shows the JSON
 * schema of one and the XML string of the other. The routes keep their own error handler
 * (Open311 errors in the URL's format) and read form-encoded bodies, as the spec sends them.
 * No tokens: intake is synchronous.
 */

const tags = ['open311'];
const FORMATS: readonly Format[] = ['json', 'xml'];

// XML is documented under its own media type, so the OpenAPI document says text/xml.
const asXml = (description: string) => ({ description, content: { 'text/xml': { schema: XmlSchema } } });

const errorResponses = (format: Format) => {
  const s = format === 'json' ? ErrorsSchema : asXml('Open311 errors as XML (<errors><error><code/><description/></error></errors>)');
  return { 400: s, 403: s, 404: s };
};

interface Doc {
  root: string;
  value: unknown;
}

interface Resource<Q extends TSchema, P extends TSchema, B extends TSchema> {
  method: 'GET' | 'POST';
  path: string;
  summary: string;
  description?: string;
  querystring?: Q;
  params?: P;
  body?: B;
  json: TSchema;
  handler: (req: FastifyRequest<{ Querystring: Static<Q>; Params: Static<P>; Body: Static<B> }>, reply: FastifyReply, format: Format) => Promise<Doc>;
}

function resource<Q extends TSchema, P extends TSchema, B extends TSchema>(scope: App, deps: AppDeps, r: Resource<Q, P, B>) {
  for (const format of FORMATS) {
    scope.route({
      method: r.method,
      url: `${r.path}.${format}`,
      config: anonymousRateLimit(deps),
      schema: {
        tags,
        summary: `${r.summary} (${format.toUpperCase()})`,
        ...(r.description ? { description: r.description } : {}),
        ...(r.querystring ? { querystring: r.querystring } : {}),
        ...(r.params ? { params: r.params } : {}),
        ...(r.body ? { body: r.body } : {}),
        response: { 200: format === 'json' ? r.json : asXml('The document as XML'), ...errorResponses(format) },
      },
      handler: async (req, reply) => {
        const doc = await r.handler(req as never, reply, format);
        return sendDocument(reply, format, doc.root, doc.value);
      },
    });
  }
}

const FIELDS = [
  'service_code', 'lat', 'long', 'address_string', 'address_id', 'email', 'device_id', 'account_id', 'first_name', 'last_name', 'phone', 'description', 'media_url', 'is_public',
] as const;

const ATTRIBUTE = /^attribute\[([^\]]+)\](\[\])?$/;

function strings(field: string, v: unknown): string[] {
  const list = Array.isArray(v) ? v : [v];
  return list.filter((x) => x !== null && x !== undefined).map((x) => {
    if (typeof x === 'object') throw badRequest(field, 'body');
    return String(x);
  });
}

/** A POST's fields, the same from a form (`attribute[code][]=v`) and from JSON (`attribute: { code: v }`). */
export function readFields(body: Record<string, unknown>): SubmitFields & { api_key?: string; jurisdiction_id?: string } {
  const out: Record<string, string> = {};
  const attributes: RawAttributes = {};
  const add = (code: string, values: string[]) => {
    const prev = attributes[code];
    attributes[code] = prev === undefined && values.length === 1 ? values[0]! : [...(prev === undefined ? [] : Array.isArray(prev) ? prev : [prev]), ...values];
  };
  for (const [k, v] of Object.entries(body)) {
    if (k === 'attribute' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [code, x] of Object.entries(v)) add(code, strings(`attribute[${code}]`, x));
      continue;
    }
    const m = ATTRIBUTE.exec(k);
    if (m) {
      add(m[1]!, strings(k, v));
      continue;
    }
    if ((FIELDS as readonly string[]).includes(k) || k === 'api_key' || k === 'jurisdiction_id') {
      const values = strings(k, v);
      if (values.length > 1) throw badRequest(k, 'not_single');
      if (values.length === 1) out[k] = values[0]!;
    }
  }
  return { ...out, attributes };
}

/** `application/x-www-form-urlencoded` → an object; a repeated name gives an array. */
export function parseForm(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** The API client of a read, if the caller named one: reads are public, a key only picks the default jurisdiction. */
async function readerOf(deps: AppDeps, req: FastifyRequest, apiKey: string | undefined): Promise<ApiClient | undefined> {
  if (apiKey?.trim()) return requireApiClient(deps.db, apiKey.trim(), req.actor, deps.clock.now());
  return req.actor.kind === 'api_client' && req.actor.scopes.includes('open311') ? req.actor : undefined;
}

const baseUrl = (req: FastifyRequest) => `${req.protocol}://${req.host}`;

function openScope(scope: App) {
  scope.setErrorHandler((err, req, reply) => sendError(reply, req, err));
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, parseForm(body as string)));
  // Public data in a public format: any web page may read it (no cookies are involved).
  scope.addHook('onSend', async (req, reply, payload) => {
    if (req.method === 'GET') reply.header('access-control-allow-origin', '*');
    return payload;
  });
}

function registerDiscovery(scope: App, deps: AppDeps) {
  resource(scope, deps, {
    method: 'GET',
    path: '/discovery',
    summary: 'Open311 service discovery',
    description: 'Where the GeoReport v2 endpoint is, its formats, and how to get an API key.',
    json: DiscoverySchema,
    handler: async (req) => ({ root: 'discovery', value: await discovery(deps.db, baseUrl(req), langOf(req)) }),
  });
}

/** `intakes`: the appeals routes' group writer (appeals.intake-group.ts), shared by every intake route. */
export async function registerOpen311Routes(app: App, deps: AppDeps, intakes: IntakeGroup) {
  const { db, clock, config } = deps;
  const appeals = appealsDeps(db, { dataDir: config.dataDir, maxBytes: config.fileMaxBytes });

  await app.register(
    async (s) => {
      const scope = s as App;
      openScope(scope);
      registerDiscovery(scope, deps);
      // Anything else under /open311: an Open311 404, not the web UI's index.html.
      scope.route({
        method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
        url: '/*',
        schema: { hide: true },
        handler: async (req, reply) => sendError(reply, req, notFound311('route_not_found', { method: req.method, path: req.url.split('?')[0] })),
      });

      await scope.register(
        async (v2) => {
          const api = v2 as App;
          resource(api, deps, {
            method: 'GET',
            path: '/services',
            summary: 'Open311: the services (appeal categories) of a jurisdiction',
            querystring: JurisdictionQuery,
            json: ServicesSchema,
            handler: async (req) => {
              const rdb = readScope(db, req.revisions);
              const region = await resolveJurisdiction(rdb, req.query.jurisdiction_id, await readerOf(deps, req, req.query.api_key), false);
              return { root: 'services', value: await listServices(rdb, region, langOf(req)) };
            },
          });

          resource(api, deps, {
            method: 'GET',
            path: '/services/:service_code',
            summary: "Open311: a service's definition (the category's extra fields as attributes)",
            querystring: JurisdictionQuery,
            params: Type.Object({ service_code: Type.String({ description: 'The category code' }) }),
            json: ServiceDefinitionSchema,
            handler: async (req) => {
              const rdb = readScope(db, req.revisions);
              const region = await resolveJurisdiction(rdb, req.query.jurisdiction_id, await readerOf(deps, req, req.query.api_key), false);
              return { root: 'service_definition', value: await serviceDefinition(rdb, region, req.params.service_code, langOf(req)) };
            },
          });

          resource(api, deps, {
            method: 'POST',
            path: '/requests',
            summary: 'Open311: submit a service request (registers an appeal and returns its slip number)',
            description:
              'Needs api_key (scope open311). jurisdiction_id is the KATO code of the region. A location is required: lat and long, address_string or address_id (a KATO code). ' +
              'An Idempotency-Key header makes a retry return the first answer instead of a second appeal.',
            querystring: JurisdictionQuery,
            body: PostBody,
            json: PostResponseSchema,
            handler: async (req) => {
              if (req.isMultipart() || req.body === null || typeof req.body !== 'object') throw badRequest('body', 'body');
              const fields = readFields(req.body as Record<string, unknown>);
              const now = clock.now();
              const lang = langOf(req);
              const client = await requireApiClient(db, fields.api_key ?? req.query.api_key, req.actor, now);
              const region = await resolveJurisdiction(db, fields.jurisdiction_id ?? req.query.jurisdiction_id, client, true);
              const key = idempotencyKeyOf(req.headers);
              const { input } = await intakeInput(db, region, fields, lang);
              const { api_key: _k, device_id: _d, ...identifying } = fields;
              const scope = `open311.requests:${client.apiKeyId}`;
              const hash = requestHash({ region, ...identifying });
              const accountId = fields.account_id ?? null;
              const result = await intakes.submit({
                scope, key, hash, now,
                prepare: (trx) => prepareApiAppeal(trx, appeals, input, client, now),
                answer: async (trx, slip) => ({ statusCode: 200, body: await postResult(trx, slip, input, accountId) }),
                single: () => db.transaction().execute((trx) =>
                  withIdempotency(trx, { scope, key, hash, now }, async () => ({
                    statusCode: 200,
                    body: await submitRequest(trx, appeals, input, accountId, client, now),
                  })),
                ),
              });
              return { root: 'service_requests', value: result.body as PostResult[] };
            },
          });

          resource(api, deps, {
            method: 'GET',
            path: '/requests',
            summary: 'Open311: service requests (appeals) by ids, service, status and date window',
            description: 'Public fields only. Default window: the last 90 days; at most 90 days and 1000 requests, newest first.',
            querystring: RequestsQuery,
            json: RequestsSchema,
            handler: async (req) => {
              const rdb = readScope(db, req.revisions);
              const region = await resolveJurisdiction(rdb, req.query.jurisdiction_id, await readerOf(deps, req, req.query.api_key), false);
              return { root: 'service_requests', value: await listRequests(rdb, region, req.query, clock.now(), langOf(req)) };
            },
          });

          resource(api, deps, {
            method: 'GET',
            path: '/requests/:service_request_id',
            summary: 'Open311: one service request (appeal) by its slip number',
            querystring: JurisdictionQuery,
            params: Type.Object({ service_request_id: Type.String({ description: 'The slip number, e.g. KRG-2026-000123' }) }),
            json: RequestsSchema,
            handler: async (req) => {
              const rdb = readScope(db, req.revisions);
              const region = await resolveJurisdiction(rdb, req.query.jurisdiction_id, await readerOf(deps, req, req.query.api_key), false);
              return { root: 'service_requests', value: await getRequest(rdb, region, req.params.service_request_id, clock.now(), langOf(req)) };
            },
          });
        },
        { prefix: '/v2' },
      );
    },
    { prefix: '/open311' },
  );

  // The spec wants discovery at a stable URL ending in /discovery.<format>; also at the root, for clients that look there.
  await app.register(async (s) => {
    openScope(s as App);
    registerDiscovery(s as App, deps);
  });
}

