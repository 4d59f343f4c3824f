import { Type, type TSchema } from 'typebox';
import { ROLES } from '../../platform/auth/actor.ts';
import { Page, PageQuery, Uuid } from '../../platform/http/schemas.ts';
import { LANGUAGES } from '../../platform/i18n/i18n.ts';
import { ORGANIZATION_KINDS } from './directory.service.ts';

/**
 * Request and response schemas of the directory API. Identity numbers are taken as plain
 * strings here and checked by the services, so that the error names the reason
 * (`directory:iin_checksum`) rather than a regular expression.
 */

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Kato = Type.String({ pattern: '^[0-9]{9}$', description: 'KATO code, 9 digits', examples: ['351010000'] });
const IdNumber = (what: string, example: string) =>
  Type.String({ maxLength: 32, description: `${what}: 12 digits with a check digit`, examples: [example] });

export const Localized = Type.Object({ kk: Text(500), ru: Text(500), en: Text(500) });
export const LocalizedPatch = Type.Object({ kk: Type.Optional(Text(500)), ru: Type.Optional(Text(500)), en: Type.Optional(Text(500)) });
export const Kind = Type.Enum(ORGANIZATION_KINDS);
export const RoleName = Type.Enum(ROLES);
export const Language = Type.Enum(LANGUAGES);
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

// ---------------------------------------------------------------------------------------
// Territories
// ---------------------------------------------------------------------------------------

export const Territory = Type.Object(
  {
    code: Type.String(),
    level: Type.Integer({ minimum: 0, maximum: 4, description: '0 republic, 1 region, 2 district / city administration, 3 okrug / town, 4 settlement' }),
    parentCode: Nullable(Type.String()),
    name: Localized,
    validFrom: Type.String({ format: 'date' }),
    validTo: Nullable(Type.String({ format: 'date' })),
  },
);

export const TerritoryQuery = Type.Object({
  ...PageQuery.properties,
  parentCode: Type.Optional(Kato),
  code: Type.Optional(Kato),
  level: Type.Optional(Type.Integer({ minimum: 0, maximum: 4 })),
  q: Type.Optional(Type.String({ maxLength: 100, description: 'Part of the name in any language' })),
  at: Type.Optional(Type.String({ format: 'date', description: 'The classifier as it stood on this day (default: current)' })),
});

export const CodeParams = Type.Object({ code: Kato });

// ---------------------------------------------------------------------------------------
// Organizations
// ---------------------------------------------------------------------------------------

export const Organization = Type.Object(
  {
    id: Uuid,
    bin: Nullable(Type.String()),
    name: Localized,
    kind: Kind,
    parentId: Nullable(Uuid),
    territoryCode: Type.String(),
    regionCode: Type.String(),
    path: Type.Array(Uuid, { description: 'Ids from the root of the tree down to this organization' }),
    isActive: Type.Boolean(),
  },
);

export const OrganizationQuery = Type.Object({
  ...PageQuery.properties,
  kind: Type.Optional(Kind),
  territoryCode: Type.Optional(Kato),
  regionCode: Type.Optional(Kato),
  parentId: Type.Optional(Uuid),
  within: Type.Optional(Type.String({ format: 'uuid', description: 'Only this organization and those below it' })),
  q: Type.Optional(Type.String({ maxLength: 100, description: 'Part of the name in any language, or a whole BIN' })),
});

export const IdParams = Type.Object({ id: Uuid });

export const CreateOrganizationBody = Type.Object(
  {
    parentId: Uuid,
    bin: Type.Optional(Nullable(IdNumber('BIN', '940140000385'))),
    name: Localized,
    kind: Kind,
    territoryCode: Type.String({ maxLength: 32, description: 'KATO code of the territory served', examples: ['351010000'] }),
  },
  { additionalProperties: false },
);

export const UpdateOrganizationBody = Type.Object(
  {
    bin: Type.Optional(Nullable(IdNumber('BIN', '940140000385'))),
    name: Type.Optional(LocalizedPatch),
    kind: Type.Optional(Kind),
    territoryCode: Type.Optional(Type.String({ maxLength: 32 })),
    parentId: Type.Optional(Uuid),
    isActive: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

// ---------------------------------------------------------------------------------------
// People
// ---------------------------------------------------------------------------------------

export const Person = Type.Object(
  {
    id: Uuid,
    iin: Type.String({ description: 'Masked (••••••••1234) unless the role needs it' }),
    lastName: Type.String(),
    firstName: Type.String(),
    middleName: Nullable(Type.String()),
    birthDate: Nullable(Type.String({ format: 'date' })),
    sex: Type.Union([Type.Literal('male'), Type.Literal('female')]),
    phone: Nullable(Type.String()),
    email: Nullable(Type.String()),
    preferredLanguage: Language,
    hasAccount: Type.Boolean(),
    isMasked: Type.Boolean(),
  },
);

export const PeopleSearchBody = Type.Object(
  {
    ...PageQuery.properties,
    iin: Type.Optional(IdNumber('IIN', '900515301234')),
    phone: Type.Optional(Type.String({ maxLength: 40, examples: ['+7 701 555 01 01'] })),
    q: Type.Optional(Type.String({ maxLength: 100, description: 'Part of the name, at least 2 characters' })),
  },
  { additionalProperties: false },
);

const PersonFields = {
  iin: IdNumber('IIN', '900515301234'),
  lastName: Text(100),
  firstName: Text(100),
  middleName: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
  phone: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
  email: Type.Optional(Nullable(Type.String({ maxLength: 254 }))),
  preferredLanguage: Type.Optional(Language),
};

export const RegisterCitizenBody = Type.Object(
  {
    organizationId: Type.String({ format: 'uuid', description: 'The organization registering the person; its administrator acts' }),
    ...PersonFields,
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Creates the citizen account (login = IIN) when given' })),
  },
  { additionalProperties: false },
);

// ---------------------------------------------------------------------------------------
// Staff
// ---------------------------------------------------------------------------------------

export const Grant = Type.Object(
  {
    id: Uuid,
    role: RoleName,
    organizationId: Uuid,
    includesSubtree: Type.Boolean(),
    grantedAt: Type.String({ format: 'date-time' }),
  },
);

export const Staff = Type.Object(
  {
    id: Uuid,
    accountId: Uuid,
    login: Type.String(),
    organizationId: Uuid,
    organizationName: Localized,
    personId: Nullable(Uuid),
    displayName: Type.String(),
    position: Localized,
    isActive: Type.Boolean(),
    roles: Type.Array(Grant),
  },
);

export const StaffQuery = Type.Object({
  ...PageQuery.properties,
  organizationId: Type.Optional(Uuid),
  role: Type.Optional(RoleName),
  isActive: Type.Optional(Type.Boolean()),
  q: Type.Optional(Type.String({ maxLength: 100, description: 'Part of the name, login or position' })),
});

export const CreateStaffBody = Type.Object(
  {
    organizationId: Uuid,
    login: Type.String({ minLength: 1, maxLength: 64, description: 'Latin letters, digits and . _ -, starting with a letter' }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
    locale: Type.Optional(Language),
    person: Type.Object(PersonFields, { additionalProperties: false }),
    position: Localized,
    roles: Type.Optional(
      Type.Array(Type.Object({ role: RoleName, includesSubtree: Type.Optional(Type.Boolean()) }, { additionalProperties: false }), { maxItems: 7 }),
    ),
  },
  { additionalProperties: false },
);

export const UpdateStaffBody = Type.Object(
  { position: Type.Optional(LocalizedPatch), isActive: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);

export const GrantBody = Type.Object(
  { role: RoleName, organizationId: Uuid, includesSubtree: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

export const GrantParams = Type.Object({ id: Uuid, grantId: Uuid });

export const TerritoryPage = Page(Territory);
export const OrganizationPage = Page(Organization);
export const PersonPage = Page(Person);
export const StaffPage = Page(Staff);
