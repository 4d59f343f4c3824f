import { Type, type TSchema } from 'typebox';
import { Uuid } from '../../../platform/http/schemas.ts';
import { LANGUAGES } from '../../../platform/i18n/i18n.ts';
import { INTERVALS, MAX_PERIOD_DAYS } from './reports.period.ts';
import { FIGURES } from './reports.repository.ts';
import { MAP_MAX_FEATURES } from './reports.service.ts';

/**
 * Schemas of the reports API. Dates are plain strings here and checked by reports.period.ts,
 * so that a bad period gets a message that says what is wrong with it (and names the field).
 */

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Localized = Type.Object({ kk: Type.String(), ru: Type.String(), en: Type.String() });
const DateTime = Type.String({ format: 'date-time' });
const Day = Type.String({ description: 'A calendar date, YYYY-MM-DD' });
const DateParam = (description: string) => Type.Optional(Type.String({ maxLength: 32, description, examples: ['2026-03-01'] }));
const RegionOf = (description: string) => Type.String({ pattern: '^[0-9]{9}$', description, examples: ['350000000'] });
const Region = RegionOf('KATO code of a region (9 digits, e.g. 350000000 — Karaganda region)');
const CallerRegion = Type.Optional(RegionOf("KATO code of the region; default: the caller's region"));
const UuidOf = (description: string) => Type.String({ format: 'uuid', description });
const OwnOrganization = Type.Optional(UuidOf('Only this organization (a head: one of their own)'));

const PeriodFields = {
  from: DateParam(`First day (receipt day, APPC art. 64) of the period, included; default: 29 days before \`to\`. At most ${MAX_PERIOD_DAYS} days in all.`),
  to: DateParam("Last day of the period, included; default: today in the region's time zone"),
};

export const ReportQuery = Type.Object({
  regionCode: CallerRegion,
  ...PeriodFields,
  interval: Type.Optional(Type.Enum(INTERVALS, { description: 'Buckets of the time series; default: day up to 62 days, week above' })),
  organizationId: OwnOrganization,
});

export const IgnoringQuery = Type.Object({
  regionCode: CallerRegion,
  ...PeriodFields,
  organizationId: OwnOrganization,
  format: Type.Optional(Type.Enum(['json', 'csv', 'xlsx'], { description: 'json (default); csv (RFC 4180, UTF-8 with BOM); xlsx (two sheets)' })),
  lang: Type.Optional(Type.Enum(LANGUAGES, { description: "Language of the export's headers; default: the caller's" })),
});

export const DrillQuery = Type.Object({
  regionCode: CallerRegion,
  ...PeriodFields,
  figure: Type.Enum(FIGURES, { description: 'The figure whose appeals to list (README.md of the reports defines each)' }),
  organizationId: Type.Optional(Uuid),
  assigneeId: Type.Optional(UuidOf('Only appeals held by this official (staff id)')),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
});

export const PublicQuery = Type.Object({
  regionCode: Region,
  ...PeriodFields,
  categoryId: Type.Optional(UuidOf('This category and its subcategories')),
  status: Type.Optional(Type.Enum(['open', 'closed'])),
  bbox: Type.Optional(Type.String({ maxLength: 200, description: 'minLon,minLat,maxLon,maxLat (WGS 84)', examples: ['73.0,49.7,73.2,49.9'] })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
});

export const PublicMapQuery = Type.Object({
  regionCode: Region,
  ...PeriodFields,
  categoryId: Type.Optional(UuidOf('This category and its subcategories')),
  status: Type.Optional(Type.Enum(['open', 'closed'])),
  bbox: Type.Optional(Type.String({ maxLength: 200, description: 'minLon,minLat,maxLon,maxLat (WGS 84)', examples: ['73.0,49.7,73.2,49.9'] })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAP_MAX_FEATURES, default: 1000, description: 'The newest first; `truncated` says when more matched' })),
});

export const PublicStatsQuery = Type.Object({ regionCode: Region, ...PeriodFields });

const Period = Type.Object({ from: Day, to: Day, days: Type.Integer(), interval: Type.Enum(INTERVALS) });
const ShareOf = (description?: string) => Nullable(Type.Number({ minimum: 0, maximum: 1, ...(description ? { description } : {}) }));
const Share = ShareOf();

const FigureFields = {
  received: Type.Integer({ description: 'Appeals registered in the period' }),
  open: Type.Integer({ description: 'Of them, not closed now' }),
  overdue: Type.Integer({ description: 'Open with work to do, past the term now' }),
  escalated: Type.Integer({ description: 'An escalation step reached the coordination centre' }),
  reopened: Type.Integer({ description: 'Disputed by the applicant at least once' }),
  deemedRefusals: Type.Integer({ description: 'Silence past the term recorded as a refusal (APPC art. 91)' }),
  answered: Type.Integer(),
  answeredOnTime: Type.Integer({ description: 'Answered with no deemed refusal recorded' }),
  unansweredPastTerm: Type.Integer({ description: 'Not answered, term passed (overdue now, or a deemed refusal recorded)' }),
  answeredOnTimeShare: ShareOf('answeredOnTime / (answered + unansweredPastTerm)'),
  averageAnswerWorkingDays: Nullable(Type.Number()),
  rated: Type.Integer(),
  averageRating: Nullable(Type.Number()),
  satisfiedShare: ShareOf('Ratings 4–5 among the rated'),
};

export const Summary = Type.Object({
  regionCode: Type.String(),
  period: Period,
  generatedAt: DateTime,
  organizationIds: Nullable(Type.Array(Uuid)),
  totals: Type.Object(FigureFields),
  organizations: Type.Array(Type.Object({ organizationId: Uuid, name: Nullable(Localized), ...FigureFields })),
  series: Type.Array(Type.Object({
    bucket: Day, received: Type.Integer(), open: Type.Integer(), overdue: Type.Integer(), deemedRefusals: Type.Integer(),
    answered: Type.Integer(), answeredOnTime: Type.Integer(), answeredOnTimeShare: Share,
  })),
  drill: Type.String({ description: 'GET this (change `figure`, add `organizationId`, `assigneeId`) for the appeals behind a figure' }),
});

const Links = Type.Object({ overdue: Type.String(), deemedRefusals: Type.String(), ignored: Type.String() });
const IgnoringFields = {
  rank: Type.Integer({ description: 'By ignored, then overdue, then deemed refusals; equal figures share a rank' }),
  received: Type.Integer(),
  open: Type.Integer(),
  overdue: Type.Integer(),
  deemedRefusals: Type.Integer(),
  ignored: Type.Integer({ description: 'Overdue now or a deemed refusal recorded (each appeal once)' }),
  answered: Type.Integer(),
  answeredOnTimeShare: Share,
  links: Links,
};

export const IgnoringReport = Type.Object({
  regionCode: Type.String(),
  period: Period,
  generatedAt: DateTime,
  organizationIds: Nullable(Type.Array(Uuid)),
  organizations: Type.Array(Type.Object({ organizationId: Uuid, name: Nullable(Localized), ...IgnoringFields })),
  officials: Type.Array(Type.Object({
    staffId: Uuid, name: Nullable(Type.String()), position: Nullable(Localized), organizationId: Uuid, organizationName: Nullable(Localized), ...IgnoringFields,
  })),
});

export const DrillPage = Type.Object({
  regionCode: Type.String(),
  period: Period,
  figure: Type.Enum(FIGURES),
  items: Type.Array(Type.Object({
    id: Uuid, slipNumber: Type.String(), typeCode: Type.String(), categoryId: Uuid, categoryName: Nullable(Localized), state: Type.String(),
    organizationId: Uuid, organizationName: Nullable(Localized), assigneeId: Nullable(Uuid), territoryCode: Type.String(),
    registeredOn: Day, receivedAt: DateTime, dueAt: Nullable(DateTime), answeredAt: Nullable(DateTime), closedAt: Nullable(DateTime),
    deemedRefusalAt: Nullable(DateTime), reopenCount: Type.Integer(), rating: Nullable(Type.Integer()), isOverdue: Type.Boolean(),
  })),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

const PublicProperties = {
  typeCode: Type.String(),
  category: Type.Object({ id: Uuid, code: Nullable(Type.String()), name: Nullable(Localized) }),
  territory: Type.Object({ code: Type.String(), name: Nullable(Localized) }),
  status: Type.Enum(['open', 'closed']),
  state: Type.String(),
  organization: Type.Object({ organizationId: Uuid, name: Nullable(Localized) }),
  registeredOn: Day,
  answeredOn: Nullable(Day),
  closedOn: Nullable(Day),
};

export const PublicPage = Type.Object({
  regionCode: Type.String(),
  period: Period,
  items: Type.Array(Type.Object({
    id: Uuid,
    ...PublicProperties,
    area: Nullable(Type.Object({ lat: Type.Number(), lon: Type.Number() }, { description: 'Centre of the ~300 m grid cell of the reported point, never the point' })),
  })),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

export const FeatureCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(Type.Object({
    type: Type.Literal('Feature'),
    id: Uuid,
    geometry: Type.Object({ type: Type.Literal('Point'), coordinates: Type.Array(Type.Number(), { minItems: 2, maxItems: 2, description: '[longitude, latitude] of the grid cell centre' }) }),
    properties: Type.Object(PublicProperties),
  })),
  total: Type.Integer(),
  truncated: Type.Boolean(),
}, { description: 'GeoJSON (RFC 7946)' });

const StatsFields = {
  received: Type.Integer(),
  answered: Type.Integer(),
  answeredOnTimeShare: Share,
  averageRating: Nullable(Type.Number()),
  rated: Type.Integer(),
};

export const PublicStats = Type.Object({
  regionCode: Type.String(),
  period: Period,
  totals: Type.Object(StatsFields),
  organizations: Type.Array(Type.Object({ organizationId: Uuid, name: Nullable(Localized), ...StatsFields })),
});
