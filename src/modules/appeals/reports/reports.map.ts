import { sql } from 'kysely';
import { Type, type TSchema } from 'typebox';
import type { Actor } from '../../../platform/auth/actor.ts';
import { getCalendar } from '../../../platform/calendar/calendar.ts';
import type { Executor } from '../../../platform/db/database.ts';
import { readScope } from '../../../platform/db/revision.ts';
import { problemResponses, Uuid } from '../../../platform/http/schemas.ts';
import type { App, AppDeps } from '../../../platform/http/types.ts';
import type { Localized } from '../../directory/directory.service.ts';
import * as ref from '../appeals.reference.ts';
import { publicStatus, WORK_STATES_SQL } from '../appeals.views.ts';
import { resolveReportScope } from './reports.access.ts';
import { MAX_PERIOD_DAYS, resolvePeriod } from './reports.period.ts';

/**
 * The staff map layer: every appeal of the period (by registration day, like the other
 * reports) with a point, for the coordination centre of the region (a head: their own
 * organizations). Unlike the public layer it holds unpublished appeals and the reported point
 * itself, as the appeal's page shows it to the same people — and, like the reports, no personal
 * data: no name, text or address, only the slip number, category, state and organization.
 */

export const STAFF_MAP_MAX = 2000;

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const LocalizedSchema = Type.Object({ kk: Type.String(), ru: Type.String(), en: Type.String() });
const DateParam = (description: string) => Type.Optional(Type.String({ maxLength: 32, description, examples: ['2026-03-01'] }));

export const StaffMapQuery = Type.Object({
  regionCode: Type.Optional(Type.String({ pattern: '^[0-9]{9}$', description: "KATO code of the region; default: the caller's region", examples: ['350000000'] })),
  from: DateParam(`First day (receipt day, APPC art. 64) of the period, included; default: 29 days before \`to\`. At most ${MAX_PERIOD_DAYS} days in all.`),
  to: DateParam("Last day of the period, included; default: today in the region's time zone"),
  organizationId: Type.Optional(Type.String({ format: 'uuid', description: 'Only this organization (a head: one of their own)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: STAFF_MAP_MAX, default: 1000, description: 'The newest first; `truncated` says when more matched' })),
});

export const StaffFeatureCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(Type.Object({
    type: Type.Literal('Feature'),
    id: Uuid,
    geometry: Type.Object({ type: Type.Literal('Point'), coordinates: Type.Array(Type.Number(), { minItems: 2, maxItems: 2, description: '[longitude, latitude] as reported' }) }),
    properties: Type.Object({
      slipNumber: Type.String(),
      state: Type.String(),
      status: Type.Enum(['open', 'closed']),
      isOverdue: Type.Boolean(),
      category: Type.Object({ id: Uuid, name: Nullable(LocalizedSchema) }),
      organization: Type.Object({ id: Uuid, name: Nullable(LocalizedSchema) }),
      registeredOn: Type.String(),
      dueAt: Nullable(Type.String({ format: 'date-time' })),
    }),
  })),
  total: Type.Integer(),
  truncated: Type.Boolean(),
}, { description: 'GeoJSON (RFC 7946)' });

interface Row {
  id: string;
  slipNumber: string;
  state: string;
  categoryId: string;
  organizationId: string;
  registeredOn: string;
  dueAt: Date | null;
  lat: number;
  lon: number;
  isOverdue: boolean;
}

export async function staffMap(db: Executor, input: { regionCode?: string | undefined; from?: string | undefined; to?: string | undefined; organizationId?: string | undefined; limit?: number | undefined }, actor: Actor, now: Date) {
  // Without a region, the caller's own; who may read is checked first (401/403 before 400).
  const regionCode = input.regionCode ?? (actor.kind === 'staff' ? actor.regionCode : '');
  const scope = await resolveReportScope(db, actor, regionCode, input.organizationId);
  const calendar = await getCalendar(db, regionCode);
  const period = resolvePeriod(input, calendar.localDate(now));
  const limit = Math.min(Math.max(input.limit ?? 1000, 1), STAFF_MAP_MAX);
  const orgs = scope.organizationIds === null ? sql`` : sql` and a.organization_id = any (${scope.organizationIds}::uuid[])`;
  const where = sql`a.region_code = ${regionCode} and a.registered_on between ${period.from}::date and ${period.to}::date
    and a.state <> 'merged' and a.lat is not null and a.lon is not null${orgs}`;
  const [rows, count] = await Promise.all([
    sql<Row>`
      select a.id, a.slip_number as "slipNumber", a.state, a.category_id as "categoryId", a.organization_id as "organizationId",
        a.registered_on::text as "registeredOn", a.due_at as "dueAt", a.lat::float8 as lat, a.lon::float8 as lon,
        (a.state in (${WORK_STATES_SQL}) and a.due_at < ${now}) as "isOverdue"
      from appeal a where ${where}
      order by a.registered_on desc, a.id desc
      limit ${limit}`.execute(db.withoutPlugins()),
    sql<{ n: number }>`select count(*)::int as n from appeal a where ${where}`.execute(db.withoutPlugins()),
  ]);
  const categories = new Map<string, Localized>();
  for (const c of [...(await ref.categories(db, regionCode)), ...(await ref.categories(db, '000000000'))]) categories.set(c.id, c.name);
  const total = count.rows[0]?.n ?? 0;
  return {
    type: 'FeatureCollection' as const,
    features: rows.rows.map((r) => ({
      type: 'Feature' as const,
      id: r.id,
      geometry: { type: 'Point' as const, coordinates: [r.lon, r.lat] },
      properties: {
        slipNumber: r.slipNumber,
        state: r.state,
        status: publicStatus(r.state),
        isOverdue: r.isOverdue,
        category: { id: r.categoryId, name: categories.get(r.categoryId) ?? null },
        organization: { id: r.organizationId, name: scope.organizations.get(r.organizationId)?.name ?? null },
        registeredOn: r.registeredOn,
        dueAt: r.dueAt ? new Date(r.dueAt).toISOString() : null,
      },
    })),
    total,
    truncated: total > rows.rows.length,
  };
}

export function registerStaffMapRoute(app: App, deps: AppDeps): void {
  app.get(
    '/appeals/reports/map',
    {
      schema: {
        tags: ['appeals reports'],
        summary: "Staff map layer: the period's appeals with a point (coordination centre of the region; a head: own organizations) — slip, category, state, organization, no personal data",
        security: [{ session: [] }],
        querystring: StaffMapQuery,
        response: { 200: { description: 'GeoJSON (RFC 7946)', content: { 'application/geo+json': { schema: StaffFeatureCollection } } }, ...problemResponses },
      },
    },
    async (req, reply) => {
      const fc = await staffMap(readScope(deps.db, req.revisions), req.query, req.actor, deps.clock.now());
      return reply.header('cache-control', 'private, no-store').type('application/geo+json').send(fc);
    },
  );
}
