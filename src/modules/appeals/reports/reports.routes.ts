import { Type } from 'typebox';
import type { FastifyReply } from 'fastify';
import { anonymousRateLimit } from '../../../platform/auth/auth.routes.ts';
import { readScope } from '../../../platform/db/revision.ts';
import { requestLang } from '../../../platform/http/problem.ts';
import { problemResponses } from '../../../platform/http/schemas.ts';
import type { App, AppDeps } from '../../../platform/http/types.ts';
import { registerStaffMapRoute } from './reports.map.ts';
import { CSV_TYPE, ignoringCsv, ignoringXlsx, XLSX_TYPE, type ExportFile } from './reports.export.ts';
import * as s from './reports.schema.ts';
import { coordinationSummary, drillAppeals, ignoringReport, publicAppeals, publicMap, publicStats } from './reports.service.ts';

const tags = ['appeals reports'];
const staffOnly = [{ session: [] }];

function sendFile(reply: FastifyReply, f: ExportFile) {
  return reply
    .header('content-disposition', `attachment; filename="${f.filename}"`)
    .header('cache-control', 'private, no-store')
    .type(f.contentType)
    .send(f.body);
}

/**
 * The reports of the appeals register under /api/appeals (README.md in this folder): the
 * coordination centre's summary, the "who ignores residents" ranking with its CSV/XLSX export,
 * the appeals behind any figure (staff: coordinator of the region, or head for their own
 * organizations), and the public list, map and statistics (no sign-in, no personal data,
 * rate-limited per address). Reads only.
 */
export async function registerAppealReportRoutes(app: App, deps: AppDeps): Promise<void> {
  const { db, clock } = deps;
  const publicRead = anonymousRateLimit(deps);

  app.get(
    '/appeals/reports/summary',
    {
      schema: {
        tags,
        summary: 'Coordination centre: per organization open, overdue, escalated, reopened, deemed refusals, on-time share, answer time, satisfaction; totals and a time series',
        security: staffOnly,
        querystring: s.ReportQuery,
        response: { 200: s.Summary, ...problemResponses },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'private, no-store');
      return coordinationSummary(readScope(db, req.revisions), req.query, req.actor, clock.now());
    },
  );

  app.get(
    '/appeals/reports/ignoring',
    {
      schema: {
        tags,
        summary: 'Who ignores residents: organizations and officials ranked by overdue appeals and deemed refusals; JSON, CSV or XLSX',
        security: staffOnly,
        querystring: s.IgnoringQuery,
        response: {
          200: {
            description: 'The ranking (`format=json`), or a file to download (`format=csv|xlsx`, headers in the reader\'s language)',
            content: {
              'application/json': { schema: s.IgnoringReport },
              [CSV_TYPE.split(';')[0]!]: { schema: Type.String({ description: 'RFC 4180, UTF-8 with a byte order mark' }) },
              [XLSX_TYPE]: { schema: Type.String({ format: 'binary' }) },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (req, reply) => {
      const report = await ignoringReport(readScope(db, req.revisions), req.query, req.actor, clock.now());
      const lang = req.query.lang ?? requestLang(req);
      if (req.query.format === 'csv') return sendFile(reply, ignoringCsv(report, lang));
      if (req.query.format === 'xlsx') return sendFile(reply, await ignoringXlsx(report, lang));
      return reply.header('cache-control', 'private, no-store').type('application/json; charset=utf-8').send(report);
    },
  );

  app.get(
    '/appeals/reports/appeals',
    {
      schema: {
        tags,
        summary: 'The appeals behind a figure of the reports, newest first (no personal data)',
        security: staffOnly,
        querystring: s.DrillQuery,
        response: { 200: s.DrillPage, ...problemResponses },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'private, no-store');
      return drillAppeals(readScope(db, req.revisions), req.query, req.actor, clock.now());
    },
  );

  registerStaffMapRoute(app, deps);

  app.get(
    '/appeals/public',
    {
      config: publicRead,
      schema: {
        tags,
        summary: 'Public list of the appeals whose applicants agreed to publish: category, area (rounded), status, dates — no personal data',
        querystring: s.PublicQuery,
        response: { 200: s.PublicPage, ...problemResponses },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'public, max-age=60');
      return publicAppeals(readScope(db, req.revisions), req.query, clock.now());
    },
  );

  app.get(
    '/appeals/public/map',
    {
      config: publicRead,
      schema: {
        tags,
        summary: 'Public map layer (GeoJSON FeatureCollection of grid-cell points) of the published appeals',
        querystring: s.PublicMapQuery,
        response: { 200: { description: 'GeoJSON (RFC 7946)', content: { 'application/geo+json': { schema: s.FeatureCollection } } }, ...problemResponses },
      },
    },
    async (req, reply) => {
      const fc = await publicMap(readScope(db, req.revisions), req.query, clock.now());
      return reply.header('cache-control', 'public, max-age=60').type('application/geo+json').send(fc);
    },
  );

  app.get(
    '/appeals/public/stats',
    {
      config: publicRead,
      schema: {
        tags,
        summary: 'Public statistics per organization: received, answered, on-time share, average rating',
        querystring: s.PublicStatsQuery,
        response: { 200: s.PublicStats, ...problemResponses },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'public, max-age=60');
      return publicStats(readScope(db, req.revisions), req.query, clock.now());
    },
  );
}
