import { Type, type TSchema } from 'typebox';
import { Page, PageQuery, Uuid } from '../../platform/http/schemas.ts';
import { LANGUAGES } from '../../platform/i18n/i18n.ts';
import { ORGANIZATION_KINDS } from '../directory/directory.service.ts';
import { APPEAL_TYPES } from './appeals.rules.ts';
import { CLOSED_STATES, OPEN_STATES } from './appeals.views.ts';

/**
 * Request and response schemas of the appeals API. Bodies refuse unknown fields, so that a
 * misspelt field is a 400 naming it rather than silently ignored. IINs and phones are plain
 * strings here and checked by the services (the error names the reason).
 */

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
/** PostgreSQL text holds no NUL character: refused at the edge, naming the field. */
const Str = (o: Parameters<typeof Type.String>[0] = {}) => Type.String({ pattern: '^[^\\u0000]*$', ...o });
const Text = (max: number) => Str({ minLength: 1, maxLength: max });
const DateTime = Str({ format: 'date-time' });
const Kato = Str({ pattern: '^[0-9]{9}$', description: 'KATO code, 9 digits', examples: ['351013100'] });
const Language = Type.Enum(LANGUAGES);
const Localized = Type.Object({ kk: Str(), ru: Str(), en: Str() });
const LocalizedIn = Type.Object({ kk: Text(300), ru: Text(300), en: Text(300) }, { additionalProperties: false });
export const State = Type.Enum([...OPEN_STATES, ...CLOSED_STATES]);
const Decision = Type.Enum(['granted', 'partly_granted', 'refused', 'explained']);
const Point = Type.Object({ lat: Type.Number({ minimum: -90, maximum: 90 }), lon: Type.Number({ minimum: -180, maximum: 180 }) }, { additionalProperties: false });
const ExpectedVersion = Type.Optional(Type.Integer({ minimum: 1, description: 'The case version the user saw (caseVersion); a concurrent change is a 409' }));

export const IdParams = Type.Object({ id: Uuid });
export const AttachmentParams = Type.Object({ id: Uuid, attachmentId: Uuid });
export const OrganizationParams = Type.Object({ organizationId: Uuid });
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Str({ minLength: 1, maxLength: 255, description: 'A retry with the same key and body returns the first slip (200); another body with the key is a 409' })),
});

export const IntakeHeaders = Type.Object({
  ...IdempotencyHeaders.properties,
  prefer: Type.Optional(Str({ maxLength: 200, description: '`respond-async`: accept now (202), register within seconds (RFC 7240)' })),
});

// ---------------------------------------------------------------------------------------
// Rules, types, categories, routing
// ---------------------------------------------------------------------------------------

export const AppealRule = Type.Object({ code: Str(), amount: Nullable(Type.Integer()), unit: Nullable(Str()), legalSource: Str(), summary: Localized });
export const AppealType = Type.Object({
  code: Str(),
  name: Localized,
  answerRule: Str(),
  legalSource: Str(),
  term: Type.Object({ amount: Type.Integer(), unit: Str(), legalSource: Str() }),
});

const Kind = Type.Enum(ORGANIZATION_KINDS);
const JsonObject = Type.Record(Str(), Type.Unknown());

export const Category = Type.Object({
  id: Uuid,
  regionCode: Str(),
  parentId: Nullable(Uuid),
  path: Type.Array(Uuid),
  depth: Type.Integer(),
  code: Str(),
  name: Localized,
  description: Nullable(Localized),
  organizationKind: Nullable(Str()),
  targetHours: Nullable(Type.Integer()),
  isSecurityReport: Type.Boolean(),
  keywords: Type.Array(Str()),
  extraFields: Nullable(Type.Object({}, { additionalProperties: true })),
  sort: Type.Integer(),
  isActive: Type.Boolean(),
  isLeaf: Type.Boolean(),
  effective: Type.Object({ organizationKind: Nullable(Str()), targetHours: Nullable(Type.Integer()), isSecurityReport: Type.Boolean() }),
});

export const CategoryQuery = Type.Object({ regionCode: Kato, includeInactive: Type.Optional(Type.Boolean()) });

const CategoryFields = {
  description: Type.Optional(Nullable(LocalizedIn)),
  organizationKind: Type.Optional(Nullable(Kind)),
  targetHours: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 8760, description: 'Operational target in clock hours (urgent matters), separate from the legal term' }))),
  isSecurityReport: Type.Optional(Type.Boolean()),
  keywords: Type.Optional(Type.Array(Str({ maxLength: 100 }), { maxItems: 50 })),
  extraFields: Type.Optional(Nullable(JsonObject)),
  sort: Type.Optional(Type.Integer({ minimum: -1000000, maximum: 1000000 })),
};

export const CreateCategoryBody = Type.Object(
  {
    regionCode: Kato,
    parentId: Type.Optional(Nullable(Uuid)),
    code: Str({ pattern: '^[a-z0-9][a-z0-9_.-]{0,63}$', description: 'The Open311 service_code, unique in the region' }),
    name: LocalizedIn,
    ...CategoryFields,
  },
  { additionalProperties: false },
);

export const UpdateCategoryBody = Type.Object(
  { name: Type.Optional(Type.Object({ kk: Type.Optional(Text(300)), ru: Type.Optional(Text(300)), en: Type.Optional(Text(300)) }, { additionalProperties: false })), ...CategoryFields, isActive: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

export const RoutingRule = Type.Object({
  id: Uuid,
  regionCode: Str(),
  categoryId: Uuid,
  territoryPrefix: Str(),
  organizationId: Uuid,
  note: Nullable(Str()),
  isActive: Type.Boolean(),
  createdAt: DateTime,
  updatedAt: DateTime,
});

export const RoutingRuleQuery = Type.Object({ regionCode: Kato, categoryId: Type.Optional(Uuid), includeInactive: Type.Optional(Type.Boolean()) });

export const CreateRoutingRuleBody = Type.Object(
  {
    regionCode: Kato,
    categoryId: Uuid,
    territoryPrefix: Str({ pattern: '^[0-9]{2,9}$', description: 'Leading digits of a KATO code: 35 the region, 3510 Karaganda city administration' }),
    organizationId: Uuid,
    note: Type.Optional(Nullable(Str({ maxLength: 1000 }))),
  },
  { additionalProperties: false },
);

export const UpdateRoutingRuleBody = Type.Object(
  { organizationId: Type.Optional(Uuid), note: Type.Optional(Nullable(Str({ maxLength: 1000 }))), isActive: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

export const RoutePreviewQuery = Type.Object({ categoryId: Uuid, territoryCode: Kato });
export const RoutePreview = Type.Object({ organizationId: Nullable(Uuid), ruleId: Nullable(Uuid), via: Type.Enum(['rule', 'organization_kind', 'none']) });

// ---------------------------------------------------------------------------------------
// Intake
// ---------------------------------------------------------------------------------------

const IntakeFields = {
  type: Type.Enum(APPEAL_TYPES, { description: 'statement (заявление), complaint (жалоба), proposal (предложение), request (запрос), response (отклик), report (сообщение)' }),
  categoryId: Uuid,
  text: Str({ minLength: 1, maxLength: 10000 }),
  territoryCode: Type.Optional(Kato),
  address: Type.Optional(Nullable(Str({ maxLength: 500 }))),
  location: Type.Optional(Nullable(Point)),
  lang: Type.Optional(Language),
  isPublic: Type.Optional(Type.Boolean({ description: 'Consent to show the appeal publicly, without personal data' })),
  extra: Type.Optional(JsonObject),
  isStateServiceComplaint: Type.Optional(Type.Boolean({ description: 'A complaint about a state service: 5 working days at the head of the provider (Law on State Services art. 25)' })),
  serviceProviderId: Type.Optional(Nullable(Uuid)),
};

export const CitizenIntakeBody = Type.Object(IntakeFields, {
  additionalProperties: false,
  description: 'JSON; or multipart/form-data with this object as JSON in the field `data` and files in `files` (JPEG, PNG, WebP, PDF)',
});

export const Applicant = Type.Object(
  {
    iin: Type.Optional(Nullable(Str({ maxLength: 32 }))),
    lastName: Type.Optional(Nullable(Str({ maxLength: 100 }))),
    firstName: Type.Optional(Nullable(Str({ maxLength: 100 }))),
    middleName: Type.Optional(Nullable(Str({ maxLength: 100 }))),
    phone: Type.Optional(Nullable(Str({ maxLength: 32 }))),
    email: Type.Optional(Nullable(Str({ maxLength: 254 }))),
    preferredLanguage: Type.Optional(Nullable(Language)),
  },
  { additionalProperties: false },
);

export const OperatorIntakeBody = Type.Object(
  { ...IntakeFields, applicant: Type.Optional(Nullable(Applicant)), isAnonymous: Type.Optional(Type.Boolean()), reportsCrimeOrThreat: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, description: 'JSON or multipart (field `data` + `files`), as for citizens' },
);

const Duplicate = Type.Object({ id: Uuid, slipNumber: Str(), state: Str(), receivedAt: DateTime, similarity: Type.Number(), distanceMetres: Nullable(Type.Number()) });

export const Slip = Type.Object({
  appealId: Uuid,
  regionCode: Str(),
  slipNumber: Str({ examples: ['KRG-2026-000123'] }),
  receivedAt: DateTime,
  registeredOn: Str({ format: 'date', description: 'The registration day (APPC art. 64)' }),
  receivedBy: Type.Object({ kind: Str(), name: Str(), organizationId: Nullable(Uuid) }),
  typeCode: Str(),
  categoryId: Uuid,
  channel: Str(),
  state: Str(),
  organizationId: Uuid,
  organizationName: Nullable(Localized),
  dueAt: Nullable(DateTime),
  legalSource: Str(),
  isAnonymous: Type.Boolean(),
  possibleDuplicates: Type.Array(Duplicate),
});

/** `Prefer: respond-async` on a citizen's intake: accepted, registered behind (appeals.acceptance.ts). */
export const Accepted = Type.Object(
  {
    acceptanceId: Uuid,
    state: Type.Literal('accepted'),
    acceptedAt: DateTime,
    location: Str({ description: 'Where the outcome is read (also the Location header)' }),
  },
  { description: 'Accepted for registration: the receipt instant is fixed; read the slip (or the refusal) at `location`' },
);

export const AcceptanceView = Type.Object({
  acceptanceId: Uuid,
  state: Type.Union([Type.Literal('accepted'), Type.Literal('registered'), Type.Literal('refused')]),
  acceptedAt: DateTime,
  settledAt: Nullable(DateTime),
  slip: Nullable(Slip),
  problem: Nullable(Type.Object({
    status: Type.Integer(),
    code: Str(),
    detail: Str(),
    errors: Type.Optional(Type.Array(Type.Object({ field: Str(), message: Str() }))),
  }, { description: 'Why it was not registered, as the synchronous intake would have answered, in the reader\'s language' })),
});

export const CallerSearchBody = Type.Object(
  { iin: Type.Optional(Str({ maxLength: 32 })), phone: Type.Optional(Str({ maxLength: 32 })) },
  { additionalProperties: false },
);

// ---------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------

export const ListItem = Type.Object({
  id: Uuid,
  regionCode: Str(),
  slipNumber: Str(),
  typeCode: Str(),
  categoryId: Uuid,
  channel: Str(),
  state: Str(),
  organizationId: Uuid,
  assigneeId: Nullable(Uuid),
  receivedAt: DateTime,
  registeredOn: Str(),
  dueAt: Nullable(DateTime),
  isOverdue: Type.Boolean(),
  workingDaysLeft: Nullable(Type.Integer({ description: 'Whole working days left; negative: working days overdue' })),
  excerpt: Str(),
  territoryCode: Str(),
  isAnonymous: Type.Boolean(),
  isSecurityReport: Type.Boolean(),
  reopenCount: Type.Integer(),
  deemedRefusalAt: Nullable(DateTime),
  applicantName: Nullable(Str({ description: 'Masked' })),
  applicantPhone: Nullable(Str({ description: 'Masked' })),
});
export const ListPage = Page(ListItem);

export const InboxQuery = Type.Object({
  ...PageQuery.properties,
  organizationId: Type.Optional(Uuid),
  mine: Type.Optional(Type.Boolean()),
  state: Type.Optional(State),
  categoryId: Type.Optional(Uuid),
  overdue: Type.Optional(Type.Boolean()),
});

const Person = Type.Object({
  id: Uuid, iin: Str(), lastName: Str(), firstName: Str(), middleName: Nullable(Str()), birthDate: Nullable(Str()),
  sex: Str(), phone: Nullable(Str()), email: Nullable(Str()), preferredLanguage: Str(), hasAccount: Type.Boolean(), isMasked: Type.Boolean(),
});
export const CallerResult = Type.Object({ people: Type.Array(Person), appeals: Type.Array(ListItem) });

export const Overview = Type.Object({
  organizationId: Uuid,
  byState: Type.Array(Type.Object({ state: Str(), open: Type.Integer(), overdue: Type.Integer() })),
  holders: Type.Array(Type.Object({ assigneeId: Nullable(Uuid), name: Nullable(Str()), open: Type.Integer(), overdue: Type.Integer(), deemedRefusals: Type.Integer() })),
  overdue: Type.Array(ListItem),
});

const Deadline = Type.Object({
  id: Uuid, scope: Str(), key: Str(), state: Nullable(Str()), amount: Type.Integer(), unit: Str(), legalSource: Str(),
  startedAt: DateTime, dueAt: DateTime, originalDueAt: DateTime, status: Str(), endedAt: Nullable(DateTime), level: Type.Integer(), nextStepAt: Nullable(DateTime), isOverdue: Type.Boolean(),
});
const TimelineEntry = Type.Object({ at: DateTime, kind: Str() }, { additionalProperties: true, description: 'transition | deadline_started | deadline_changed | deadline_ended | escalation, with its fields' });

export const AppealPage = Type.Object({
  id: Uuid, regionCode: Str(), slipNumber: Str(), typeCode: Str(),
  category: Type.Object({ id: Uuid, code: Str(), name: Localized, path: Type.Array(Uuid), targetHours: Nullable(Type.Integer()) }),
  channel: Str(), lang: Str(), text: Str(), territoryCode: Str(), address: Nullable(Str()), location: Nullable(Point),
  extra: Type.Object({}, { additionalProperties: true }),
  isPublic: Type.Boolean(), isAnonymous: Type.Boolean(), isSecurityReport: Type.Boolean(), isStateServiceComplaint: Type.Boolean(), serviceProviderId: Nullable(Uuid),
  applicant: Nullable(Type.Object({ name: Nullable(Str()), iin: Nullable(Str()), personId: Nullable(Uuid), phone: Nullable(Str()), email: Nullable(Str()), hasAccount: Type.Boolean(), isMasked: Type.Boolean() })),
  receivedAt: DateTime, registeredOn: Str(), receivedBy: Type.Object({ kind: Str(), id: Nullable(Str()), organizationId: Nullable(Uuid) }),
  state: Str(), organization: Type.Object({ id: Uuid, name: Localized }), assigneeId: Nullable(Uuid), dueAt: Nullable(DateTime), workingDaysLeft: Nullable(Type.Integer()), closedAt: Nullable(DateTime),
  answer: Nullable(Type.Object({ text: Str(), decision: Nullable(Str()), answeredAt: Nullable(DateTime), answeredBy: Nullable(Str()) })),
  verdict: Nullable(Str()), rating: Nullable(Type.Integer()), reopenCount: Type.Integer(), returnCount: Type.Integer(), extensionCount: Type.Integer(),
  deemedRefusalAt: Nullable(DateTime), originalId: Nullable(Uuid),
  splitFrom: Nullable(Type.Object({ id: Uuid, slipNumber: Str() })),
  splits: Type.Array(Type.Object({ id: Uuid, slipNumber: Str(), organizationId: Uuid, state: Str() })),
  forwardedTo: Nullable(Str()), caseVersion: Type.Integer(), escalationLevel: Type.Integer(),
  attachments: Type.Array(Type.Object({ id: Uuid, fileId: Uuid, stage: Str(), originalName: Str(), mime: Str(), size: Type.Integer(), createdAt: DateTime })),
  deadlines: Type.Array(Deadline),
  timeline: Type.Array(TimelineEntry),
  actions: Type.Array(Str()),
  access: Type.Enum(['applicant', 'coordination', 'organization']),
});

export const Duplicates = Type.Object({ items: Type.Array(Duplicate) });

// ---------------------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------------------

const Body = <P extends Record<string, TSchema>>(props: P, description?: string) =>
  Type.Object({ expectedVersion: ExpectedVersion, ...props }, { additionalProperties: false, ...(description ? { description } : {}) });

export const VersionBody = Body({});
export const DelegateBody = Body({ assigneeId: Uuid, comment: Type.Optional(Nullable(Str({ maxLength: 2000 }))) });
export const RequestInfoBody = Body({ question: Text(5000) });
export const ProvideInfoBody = Body({ text: Text(10000) }, 'JSON, or multipart/form-data with this object in `data` and files in `files`');
export const AnswerBody = Body({ text: Text(20000), decision: Decision }, 'JSON, or multipart/form-data with this object in `data` and files in `files`');
export const ExtendBody = Body({ newDueDate: Str({ format: 'date', description: 'A working day; the term ends at its close' }), reason: Text(2000) });
export const FeedbackBody = Body({ verdict: Type.Enum(['confirmed', 'disputed']), rating: Type.Integer({ minimum: 1, maximum: 5 }), comment: Type.Optional(Nullable(Str({ maxLength: 5000 }))) });
export const RouteBody = Body({ organizationId: Uuid, comment: Type.Optional(Nullable(Str({ maxLength: 2000 }))) });
export const ReassignBody = Body({ organizationId: Uuid, reason: Text(2000) });
export const ReasonBody = Body({ reason: Text(2000) });
export const ForwardBody = Body({ recipient: Text(500), reason: Text(2000) });
export const MergeBody = Body({ originalId: Uuid, comment: Type.Optional(Nullable(Str({ maxLength: 2000 }))) });
export const WithdrawBody = Body({ comment: Type.Optional(Nullable(Str({ maxLength: 2000 }))) });
export const SplitBody = Body({
  text: Str({ minLength: 1, maxLength: 10000, description: 'The part outside competence: the new appeal\'s text' }),
  categoryId: Type.Optional(Nullable(Uuid)),
  organizationId: Type.Optional(Nullable(Uuid)),
  extra: Type.Optional(JsonObject),
});
export const SplitResult = Type.Object({ ...Slip.properties, splitFromId: Uuid, splitFromSlipNumber: Str() });

export const ActionResult = Type.Object({
  id: Uuid, state: Str(), organizationId: Uuid, assigneeId: Nullable(Uuid), dueAt: Nullable(DateTime), closedAt: Nullable(DateTime), caseVersion: Type.Integer(),
});
