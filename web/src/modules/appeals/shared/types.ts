/**
 * The shapes of the appeals API as the web reads them (docs/openapi.json, tag `appeals`).
 * Dates arrive as ISO strings.
 */

export type Lang = 'kk' | 'ru' | 'en';
export type Localized = Record<Lang, string>;

export const OPEN_STATES = ['registered', 'assigned', 'in_progress', 'awaiting_applicant', 'answered', 'reopened'] as const;
export const CLOSED_STATES = ['closed', 'forwarded', 'not_considered', 'merged', 'withdrawn'] as const;
export const isClosedState = (state: string): boolean => (CLOSED_STATES as readonly string[]).includes(state);
export type AppealState = (typeof OPEN_STATES)[number] | (typeof CLOSED_STATES)[number];
export const APPEAL_TYPES = ['statement', 'complaint', 'proposal', 'request', 'response', 'report'] as const;
export type AppealTypeCode = (typeof APPEAL_TYPES)[number];

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** A JSON Schema of an object: a category's extra fields. Texts may be plain or `{kk, ru, en}`. */
export interface ExtraFieldsSchema {
  type?: string;
  properties?: Record<string, ExtraFieldSchema>;
  required?: string[];
  'x-order'?: string[];
}

export interface ExtraFieldSchema {
  type?: string | string[];
  title?: string | Localized;
  description?: string | Localized;
  'x-title'?: Localized;
  enum?: (string | number)[];
  enumNames?: (string | Localized)[];
  oneOf?: { const: string | number; title?: string | Localized }[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  format?: string;
}

export interface Category {
  id: string;
  regionCode: string;
  parentId: string | null;
  path: string[];
  depth: number;
  code: string;
  name: Localized;
  description: Localized | null;
  keywords: string[];
  extraFields: ExtraFieldsSchema | null;
  organizationKind: string | null;
  targetHours: number | null;
  sort: number;
  isActive: boolean;
  isLeaf: boolean;
  isSecurityReport: boolean;
  effective: { organizationKind: string | null; targetHours: number | null; isSecurityReport: boolean };
}

export interface Slip {
  appealId: string;
  regionCode: string;
  slipNumber: string;
  receivedAt: string;
  registeredOn: string;
  receivedBy: { kind: string; name: string; organizationId: string | null };
  typeCode: string;
  categoryId: string;
  channel: string;
  state: string;
  organizationId: string;
  organizationName: Localized | null;
  dueAt: string | null;
  legalSource: string;
  isAnonymous: boolean;
  possibleDuplicates: { id: string; slipNumber: string; state: string }[];
}

export interface ListItem {
  id: string;
  regionCode: string;
  slipNumber: string;
  typeCode: string;
  categoryId: string;
  channel: string;
  state: string;
  organizationId: string;
  assigneeId: string | null;
  receivedAt: string;
  registeredOn: string;
  dueAt: string | null;
  isOverdue: boolean;
  workingDaysLeft: number | null;
  excerpt: string;
  territoryCode: string;
  isAnonymous: boolean;
  isSecurityReport: boolean;
  reopenCount: number;
  deemedRefusalAt: string | null;
  applicantName: string | null;
  applicantPhone: string | null;
}

export type TimelineEntry =
  | {
      at: string;
      kind: 'transition';
      seq: number;
      action: string;
      from: string | null;
      to: string;
      actorKind: string;
      comment: string | null;
      input: Record<string, unknown>;
      organizationId: string | null;
      assigneeId: string | null;
    }
  | { at: string; kind: 'deadline_started'; key: string; dueAt: string; amount: number; unit: string; legalSource: string }
  | { at: string; kind: 'deadline_changed'; key: string; change: Record<string, unknown> }
  | { at: string; kind: 'deadline_ended'; key: string; status: string; dueAt: string }
  | { at: string; kind: 'escalation'; key: string; level: number; dueAt: string };

export interface Attachment {
  id: string;
  fileId: string;
  stage: string;
  originalName: string;
  mime: string;
  size: number;
  createdAt: string;
}

export interface AppealPage {
  id: string;
  regionCode: string;
  slipNumber: string;
  typeCode: string;
  category: { id: string; code: string; name: Localized; path: string[]; targetHours: number | null };
  channel: string;
  lang: string;
  text: string;
  territoryCode: string;
  address: string | null;
  location: { lat: number; lon: number } | null;
  extra: Record<string, unknown>;
  isPublic: boolean;
  isAnonymous: boolean;
  isSecurityReport: boolean;
  applicant: { name: string | null; iin: string | null; phone: string | null; email: string | null; hasAccount: boolean; isMasked: boolean } | null;
  receivedAt: string;
  registeredOn: string;
  state: string;
  organization: { id: string; name: Localized };
  assigneeId: string | null;
  dueAt: string | null;
  workingDaysLeft: number | null;
  closedAt: string | null;
  answer: { text: string; decision: string | null; answeredAt: string | null; answeredBy: string | null } | null;
  verdict: string | null;
  rating: number | null;
  reopenCount: number;
  extensionCount: number;
  deemedRefusalAt: string | null;
  /** The appeal this one was split from (APPC art. 65), and the parts split from this one. */
  splitFrom: { id: string; slipNumber: string } | null;
  splits: { id: string; slipNumber: string; organizationId: string; state: string }[];
  forwardedTo: string | null;
  caseVersion: number;
  escalationLevel: number;
  attachments: Attachment[];
  timeline: TimelineEntry[];
  actions: string[];
  access: 'applicant' | 'coordination' | 'organization';
}

export interface Territory {
  code: string;
  level: number;
  parentCode: string | null;
  name: Localized;
}

export interface MapPoint {
  id: string;
  lat: number;
  lon: number;
  /** Shown in the point's tooltip and read by screen readers in the list beside the map. */
  label: string;
  tone?: 'open' | 'closed' | 'overdue' | 'selected';
  /** The appeal's page inside the app, linked from the point's popup (staff maps). */
  href?: string;
}
