import { Type, type TSchema } from 'typebox';

/**
 * TypeBox schemas of the Open311 routes, for validation at the edge and the OpenAPI document
 * (tag `open311`). The JSON responses mirror the shared GeoReport v2 JSON Schemas
 * (../shared/open311/georeport-v2/, which the tests validate every response against); the
 * XML twins of each route are documented as a string.
 */

const Nullable = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });

export const ErrorsSchema = Type.Array(
  Type.Object({
    code: Type.Integer({ description: 'The HTTP status: 400, 403 (api_key), 404 (not found)' }),
    description: Type.String({ description: 'What went wrong, naming the field at fault first ("lat: must be a number.")' }),
  }),
  { description: 'Open311 errors' },
);

export const XmlSchema = Type.String({ description: 'The same document as XML (text/xml; charset=utf-8), by the Spark convention of the spec' });

export const ServiceSchema = Type.Object({
  service_code: Type.String({ description: 'The category code' }),
  service_name: Type.String(),
  description: Nullable(Type.String()),
  metadata: Type.Boolean({ description: 'True when the category asks extra fields: read its service definition' }),
  type: Type.Union([Type.Literal('realtime'), Type.Literal('batch'), Type.Literal('blackbox')]),
  keywords: Nullable(Type.String()),
  group: Nullable(Type.String({ description: 'The top category of the tree' })),
});
export const ServicesSchema = Type.Array(ServiceSchema);

export const AttributeSchema = Type.Object({
  variable: Type.Boolean(),
  code: Type.String(),
  datatype: Type.Union(['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'].map((d) => Type.Literal(d))),
  required: Type.Boolean(),
  datatype_description: Nullable(Type.String()),
  order: Nullable(Type.Integer()),
  description: Nullable(Type.String()),
  values: Type.Optional(Type.Array(Type.Object({ key: Type.String(), name: Type.String() }))),
});
export const ServiceDefinitionSchema = Type.Object({ service_code: Type.String(), attributes: Type.Array(AttributeSchema) });

export const RequestSchema = Type.Object({
  service_request_id: Type.String({ description: 'The slip number, e.g. KRG-2026-000123' }),
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  status_notes: Nullable(Type.String()),
  service_name: Nullable(Type.String()),
  service_code: Type.String(),
  description: Nullable(Type.String({ maxLength: 4000, description: 'The text, only when the applicant agreed to publish it (is_public)' })),
  agency_responsible: Nullable(Type.String()),
  service_notice: Nullable(Type.String()),
  requested_datetime: DateTime,
  updated_datetime: Nullable(DateTime),
  expected_datetime: Nullable(Type.String({ format: 'date-time', description: 'The legal deadline of the answer' })),
  address: Nullable(Type.String({ description: 'The KATO territory (settlement, district, region), never the street address' })),
  address_id: Nullable(Type.String({ description: 'The KATO code of the territory' })),
  zipcode: Nullable(Type.String()),
  lat: Nullable(Type.Number({ description: 'Rounded to ~100 m; only when the applicant agreed to publish' })),
  long: Nullable(Type.Number()),
  media_url: Nullable(Type.String({ format: 'uri' })),
});
export const RequestsSchema = Type.Array(RequestSchema);

export const PostResponseSchema = Type.Array(
  Type.Object({
    service_request_id: Type.String({ description: 'The slip number' }),
    service_notice: Nullable(Type.String()),
    account_id: Nullable(Type.String()),
  }),
);

export const DiscoverySchema = Type.Object({
  changeset: Type.String(),
  contact: Type.String(),
  key_service: Type.String(),
  endpoints: Type.Array(
    Type.Object({
      specification: Type.String(),
      url: Type.String(),
      changeset: Type.String(),
      type: Type.Union([Type.Literal('production'), Type.Literal('test')]),
      formats: Type.Array(Type.String()),
    }),
  ),
});

const Str = (description: string) => Type.Optional(Type.String({ description }));

export const Jurisdiction = Str('The KATO code of the region (e.g. 350000000, Karaganda region); optional with an api_key (then its region)');
export const ApiKey = Str('The API key (scope open311); optional on reads');

export const JurisdictionQuery = Type.Object({ jurisdiction_id: Jurisdiction, api_key: ApiKey });

export const RequestsQuery = Type.Object({
  jurisdiction_id: Jurisdiction,
  api_key: ApiKey,
  service_request_id: Str('Slip numbers, comma delimited (at most 1000); overrides every other filter'),
  service_code: Str('Service codes, comma delimited'),
  start_date: Str('Earliest requested_datetime, W3C date-time with a time zone; the window spans at most 90 days (default: the last 90 days)'),
  end_date: Str('Latest requested_datetime, W3C date-time with a time zone'),
  status: Str('open, closed, or both comma delimited'),
});

const AttributeValue = Type.Union([Type.String(), Type.Array(Type.String())]);

export const PostBody = Type.Object(
  {
    api_key: Str('Required: the API key (scope open311); also accepted in the query string or the x-api-key header'),
    jurisdiction_id: Jurisdiction,
    service_code: Str('Required: the service (category) code'),
    lat: Str('Latitude (WGS84); with long'),
    long: Str('Longitude (WGS84); with lat'),
    address_string: Str('The address as the person wrote it (kept with the appeal, never published)'),
    address_id: Str('The KATO code of the settlement or district'),
    email: Str('E-mail of the person (personal data: never published)'),
    device_id: Str('Accepted and ignored'),
    account_id: Str("The client's account id of the person; echoed back"),
    first_name: Str('Given name (personal data: never published)'),
    last_name: Str('Family name (personal data: never published)'),
    phone: Str('Phone (personal data: never published)'),
    description: Str('The text of the appeal, at most 4000 characters'),
    media_url: Str('A URL of a photo; kept in the text of the appeal'),
    is_public: Str("Extension: true when the applicant agreed to publish the text and the rounded point (default false). Name, contacts and the street address are never published"),
    attribute: Type.Optional(Type.Record(Type.String(), AttributeValue, { description: 'JSON bodies: { code: value | [values] }; forms send attribute[code]=value, attribute[code][]=value' })),
  },
  {
    additionalProperties: true,
    description: 'application/x-www-form-urlencoded (as the spec says) or application/json, with the same field names',
  },
);
