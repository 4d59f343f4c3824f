import { sql } from 'kysely';
import type { Calendar } from '../../platform/calendar/calendar.ts';
import { maskName, maskedEmail, maskedIin, maskedPhone } from './appeals.access.ts';
import type { AppealRow } from './appeals.repository.ts';

/** What leaves the module: list items (personal data masked), the public view (none at all). */

export const OPEN_STATES = ['registered', 'assigned', 'in_progress', 'awaiting_applicant', 'answered', 'reopened'] as const;
export const CLOSED_STATES = ['closed', 'forwarded', 'not_considered', 'merged', 'withdrawn'] as const;
/** States in which an organization (or the coordination centre) has work to do. */
export const WORK_STATES = ['registered', 'assigned', 'in_progress', 'awaiting_applicant', 'reopened'] as const;
/**
 * The work states as SQL literals, for `state in (…)`: constants, and a literal list lets a named
 * statement's generic plan prove the partial predicates of `appeal_work_ix` and `appeal_overdue_ix`.
 */
export const WORK_STATES_SQL = sql.join(WORK_STATES.map((s) => sql.lit(s)));

/** Open311 status: everything not closed is open. */
export function publicStatus(state: string): 'open' | 'closed' {
  return (CLOSED_STATES as readonly string[]).includes(state) ? 'closed' : 'open';
}

/**
 * Whole working days left until `due` (negative: working days overdue), on the region's
 * calendar; null without a due instant.
 */
export function workingDaysLeft(cal: Calendar, due: Date | null, now: Date): number | null {
  if (!due) return null;
  return due.getTime() >= now.getTime() ? cal.workingDaysBetween(now, due) : -cal.workingDaysBetween(due, now);
}

export interface AppealListItem {
  id: string;
  regionCode: string;
  slipNumber: string;
  typeCode: string;
  categoryId: string;
  channel: string;
  state: string;
  organizationId: string;
  assigneeId: string | null;
  receivedAt: Date;
  registeredOn: string;
  dueAt: Date | null;
  isOverdue: boolean;
  workingDaysLeft: number | null;
  excerpt: string;
  territoryCode: string;
  isAnonymous: boolean;
  isSecurityReport: boolean;
  reopenCount: number;
  deemedRefusalAt: Date | null;
  /** Masked: `С••• Н. А.`, `+7 ••• ••• 12 34`. */
  applicantName: string | null;
  applicantPhone: string | null;
}

/** The columns a list item is made of (`listItem`): ~20 of the appeal's ~60, read by every list. */
export const LIST_COLUMNS = [
  'id', 'regionCode', 'slipNumber', 'typeCode', 'categoryId', 'channel', 'state', 'organizationId', 'assigneeId',
  'receivedAt', 'registeredOn', 'dueAt', 'closedAt', 'territoryCode', 'isAnonymous', 'isSecurityReport',
  'reopenCount', 'deemedRefusalAt', 'applicantName', 'applicantPhone',
] as const satisfies readonly (keyof AppealRow)[];
/** A list row: the columns above and `text`, already the excerpt (the lists' query reads `left(text, 200)`). */
export type ListRow = Pick<AppealRow, (typeof LIST_COLUMNS)[number] | 'text'>;

export function listItem(a: ListRow, cal: Calendar, now: Date): AppealListItem {
  return {
    id: a.id,
    regionCode: a.regionCode,
    slipNumber: a.slipNumber,
    typeCode: a.typeCode,
    categoryId: a.categoryId,
    channel: a.channel,
    state: a.state,
    organizationId: a.organizationId,
    assigneeId: a.assigneeId,
    receivedAt: a.receivedAt,
    registeredOn: a.registeredOn,
    dueAt: a.dueAt,
    isOverdue: a.closedAt === null && a.dueAt !== null && a.dueAt.getTime() < now.getTime(),
    workingDaysLeft: a.closedAt === null ? workingDaysLeft(cal, a.dueAt, now) : null,
    excerpt: a.text,
    territoryCode: a.territoryCode,
    isAnonymous: a.isAnonymous,
    isSecurityReport: a.isSecurityReport,
    reopenCount: a.reopenCount,
    deemedRefusalAt: a.deemedRefusalAt,
    applicantName: maskName(a.applicantName),
    applicantPhone: maskedPhone(a.applicantPhone),
  };
}

export interface ApplicantView {
  name: string | null;
  iin: string | null;
  personId: string | null;
  phone: string | null;
  email: string | null;
  hasAccount: boolean;
  isMasked: boolean;
}

export function applicantView(a: AppealRow, full: boolean): ApplicantView | null {
  if (a.isAnonymous) return null;
  return {
    name: full ? a.applicantName : maskName(a.applicantName),
    iin: full ? a.applicantIin : maskedIin(a.applicantIin),
    personId: full ? a.applicantPersonId : null,
    phone: full ? a.applicantPhone : maskedPhone(a.applicantPhone),
    email: full ? a.applicantEmail : maskedEmail(a.applicantEmail),
    hasAccount: a.applicantAccountId !== null,
    isMasked: !full,
  };
}

/** No personal data at all: for Open311 and the public map (location rounded to ~100 m, only with consent). */
export interface PublicAppealView {
  id: string;
  regionCode: string;
  slipNumber: string;
  typeCode: string;
  categoryId: string;
  status: 'open' | 'closed';
  state: string;
  organizationId: string;
  receivedAt: Date;
  updatedAt: Date;
  dueAt: Date | null;
  territoryCode: string;
  /** The text only when the applicant agreed to publish. */
  text: string | null;
  location: { lat: number; lon: number } | null;
  answerText: string | null;
  isPublic: boolean;
}

/**
 * The columns the public view is built from (`listAppealsForApi` reads these only). `text`,
 * `answerText`, `lat` and `lon` come back null unless the appeal is public.
 */
export type PublicAppealRow = Pick<
  AppealRow,
  'id' | 'regionCode' | 'slipNumber' | 'typeCode' | 'categoryId' | 'state' | 'organizationId' | 'receivedAt' | 'updatedAt' | 'dueAt' | 'territoryCode' | 'isPublic' | 'lat' | 'lon' | 'answerText'
> & { text: string | null };

export function publicView(a: PublicAppealRow): PublicAppealView {
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    id: a.id,
    regionCode: a.regionCode,
    slipNumber: a.slipNumber,
    typeCode: a.typeCode,
    categoryId: a.categoryId,
    status: publicStatus(a.state),
    state: a.state,
    organizationId: a.organizationId,
    receivedAt: a.receivedAt,
    updatedAt: a.updatedAt,
    dueAt: a.dueAt,
    territoryCode: a.territoryCode,
    text: a.isPublic ? a.text : null,
    location: a.isPublic && a.lat !== null && a.lon !== null ? { lat: round(a.lat), lon: round(a.lon) } : null,
    answerText: a.isPublic ? a.answerText : null,
    isPublic: a.isPublic,
  };
}
