import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { sql } from 'kysely';
import type { Config } from './config.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import type { Db } from './platform/db/database.ts';
import { pendingMigrations } from './platform/db/migrate.ts';
import { frameworkError, registerProblemHandlers } from './platform/http/problem.ts';
import { ProblemSchema } from './platform/http/schemas.ts';
import type { App, AppDeps } from './platform/http/types.ts';
import { registerMetrics } from './platform/http/metrics.ts';
import { registerAuth } from './platform/auth/auth.routes.ts';
import { actorQuery, resolveActor } from './modules/directory/directory.actor.ts';
import { registerDirectoryRoutes } from './modules/directory/directory.routes.ts';
import { registerCalendarRoutes } from './platform/calendar/calendar.routes.ts';
import { registerAuditRoutes } from './platform/audit/audit.routes.ts';
import { registerAppealsRoutes } from './modules/appeals/appeals.routes.ts';
import type { IntakeGroup } from './modules/appeals/appeals.intake-group.ts';
import { registerNotifyRoutes } from './platform/notify/notify.routes.ts';
import { registerMultipart } from './platform/files/files.multipart.ts';
import { registerOpen311Routes } from './modules/appeals/open311/open311.routes.ts';
import { registerAppealReportRoutes } from './modules/appeals/reports/reports.routes.ts';
import { registerWebConfigRoutes } from './platform/http/webconfig.routes.ts';

export interface BuildOptions {
  config: Config;
  db: Db;
  clock?: Clock;
  /** Pino logger options; tests pass false. */
  logger?: boolean | object;
}

const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../web/dist');

/** Fields that may hold personal data (IIN, phone, address) are redacted in every log line. */
export const LOG_REDACT = ['req.headers.cookie', 'req.headers.authorization', 'req.headers["x-api-key"]', '*.iin', '*.phone', '*.address', '*.password'];

export async function buildApp(opts: BuildOptions): Promise<App> {
  const { config, db } = opts;
  const clock = opts.clock ?? systemClock;
  const app = Fastify({
    logger: opts.logger ?? {
      level: config.logLevel,
      redact: LOG_REDACT,
      // Never log query strings: a search by IIN or phone would put personal data in the log.
      serializers: {
        req: (r: { id: string; method: string; url: string }) => ({ id: r.id, method: r.method, path: r.url.split('?')[0] }),
      },
    },
    trustProxy: true,
    bodyLimit: 1_048_576,
    genReqId: () => crypto.randomUUID(),
    frameworkErrors: frameworkError,
    ajv: { customOptions: { allErrors: false, coerceTypes: 'array', removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  const deps: AppDeps = { config, db, clock };
  registerProblemHandlers(app);
  app.addSchema(ProblemSchema);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...(config.mapTileUrl ? [new URL(config.mapTileUrl.replace(/\{[a-z]\}/g, 'a')).origin] : [])],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
      },
    },
  });
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await registerMultipart(app, config);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Ortak API', version: '0.1.0', description: 'One open platform for digital government services of Kazakhstan.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'ortak_session' },
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _base, _frag, i) => (json.$id as string) ?? `def-${i}` },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  deps.metrics = registerMetrics(app);

  app.get('/healthz', {
    schema: { tags: ['operations'], summary: 'The process is alive', response: { 200: { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] } } },
  }, async () => ({ status: 'ok' }));

  app.get('/readyz', {
    schema: {
      tags: ['operations'],
      summary: 'The database is reachable and every migration is applied',
      response: {
        200: { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] },
        503: { type: 'object', properties: { status: { type: 'string' }, reason: { type: 'string' } }, required: ['status', 'reason'] },
      },
    },
  }, async (_req, reply) => {
    try {
      const pending = await pendingMigrations(async (q) => ({ rows: (await sql.raw<{ version: number; checksum: string }>(q).execute(db)).rows }));
      if (pending.length) return reply.status(503).send({ status: 'not ready', reason: `migrations pending: ${pending.join(', ')}` });
      return { status: 'ready' };
    } catch {
      return reply.status(503).send({ status: 'not ready', reason: 'database unreachable' });
    }
  });

  await registerAuth(app, deps, resolveActor(db), actorQuery);
  let intakes: IntakeGroup | undefined;
  await app.register(async (api) => {
    await registerDirectoryRoutes(api as App, deps);
    await registerCalendarRoutes(api as App, deps);
    await registerAuditRoutes(api as App, deps);
    intakes = (await registerAppealsRoutes(api as App, deps)).intakes;
    await registerAppealReportRoutes(api as App, deps);
    await registerNotifyRoutes(api as App, deps);
    await registerWebConfigRoutes(api as App, deps);
  }, { prefix: '/api' });
  await registerOpen311Routes(app, deps, intakes!);

  // The web UI: built files, and index.html for any other GET so that client routes work.
  if (fs.existsSync(path.join(WEB_DIST, 'index.html'))) {
    await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/', wildcard: false, index: ['index.html'] });
    app.get('/*', { schema: { hide: true } }, (req, reply) => {
      if (req.url.startsWith('/api/')) return reply.callNotFound();
      return reply.type('text/html').sendFile('index.html');
    });
  }
  return app;
}
