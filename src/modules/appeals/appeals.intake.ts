import type { Actor, CitizenActor, StaffActor } from '../../platform/auth/actor.ts';
import type { AuditEntry } from '../../platform/audit/audit.ts';
import { getCalendar } from '../../platform/calendar/calendar.ts';
import type { Executor } from '../../platform/db/database.ts';
import { newId } from '../../platform/db/ids.ts';
import { storeFile } from '../../platform/files/files.ts';
import { DomainError, forbidden, invalid } from '../../platform/http/errors.ts';
import { t, type Lang } from '../../platform/i18n/i18n.ts';
import type { WorkflowCase } from '../../platform/workflow/hooks.ts';
import { CollectingBatch } from '../../platform/workflow/batch.ts';
import { planStart, writeStarts, type StartCaseInput, type StartPlan } from '../../platform/workflow/start.ts';
import type { Localized } from '../directory/directory.service.ts';
import { katoRegion } from '../directory/identity.ts';
import { assertOperator } from './appeals.access.ts';
import { checkExtraValues, type CategoryView } from './appeals.categories.ts';
import type { AppealsDeps } from './appeals.deps.ts';
import { suggestDuplicates, type DuplicateSuggestion } from './appeals.duplicates.ts';
import { localTime, notifyApplicant, notifyStaff, staffAccounts } from './appeals.notices.ts';
import { resolveApplicant, type ApplicantInput, type ResolvedApplicant } from './appeals.applicant.ts';
import type { PersonRow } from '../directory/people.repository.ts';
import { resolveTerritory } from './appeals.places.ts';
import * as repo from './appeals.repository.ts';
import * as ref from './appeals.reference.ts';
import type { Route } from './appeals.routing.ts';
import { processKeyForRule, publishAppealProcesses, STATE_SERVICE_RULE } from './appeals.rules.ts';

/**
 * Intake: every channel registers into the one register through `registerAppeal`.
 *
 * 1. The receipt day by APPC art. 64 (after 18:00 or on a day off: the next working day), on
 *    the region's calendar; a slip number from the region-year sequence.
 * 2. The appeal row, and its workflow case started at the coordination centre (`registered`).
 * 3. Anonymous and not a crime or security report → left unconsidered at once (APPC). Else
 *    routed: a state-service complaint to the provider's head (Law on State Services art. 25),
 *    anything else by the routing rules; a crime or security report is routed at once and
 *    the coordination centre told. Nobody found → it stays with the coordination centre.
 * 4. Attachments stored (files platform), the audit row, the slip notice to the applicant, and
 *    the possible duplicates returned with the slip.
 *
 * All in the caller's transaction: an error anywhere leaves nothing behind.
 */

export interface Attachment {
  bytes: Buffer;
  originalName: string;
  declaredMime?: string;
  /** The form field, named in errors. */
  field?: string;
}

export interface IntakeInput {
  type: string;
  categoryId: string;
  text: string;
  territoryCode?: string | null;
  address?: string | null;
  location?: { lat: number; lon: number } | null;
  lang?: Lang;
  /** Consent to show the appeal publicly, without personal data. */
  isPublic?: boolean;
  extra?: Record<string, unknown>;
  /** A complaint about a state service: 5 working days at the provider's head. */
  isStateServiceComplaint?: boolean;
  serviceProviderId?: string | null;
  attachments?: Attachment[];
}

export interface OperatorIntakeInput extends IntakeInput {
  /** The caller; omit with `isAnonymous`. */
  applicant?: ApplicantInput | null;
  isAnonymous?: boolean;
  /** The caller reports a crime being prepared or committed, or a threat to security. */
  reportsCrimeOrThreat?: boolean;
}

export interface ApiIntakeInput extends IntakeInput {
  /** Open311 gives names and contacts, no IIN; none of them → anonymous. */
  applicant?: { firstName?: string | null; lastName?: string | null; email?: string | null; phone?: string | null } | null;
  reportsCrimeOrThreat?: boolean;
}

export interface Slip {
  appealId: string;
  regionCode: string;
  slipNumber: string;
  receivedAt: Date;
  /** The registration day (APPC art. 64). */
  registeredOn: string;
  receivedBy: { kind: 'citizen' | 'staff' | 'api_client'; name: string; organizationId: string | null };
  typeCode: string;
  categoryId: string;
  channel: string;
  state: string;
  organizationId: string;
  organizationName: Localized | null;
  dueAt: Date | null;
  /** The legal source of the answer term. */
  legalSource: string;
  isAnonymous: boolean;
  possibleDuplicates: DuplicateSuggestion[];
}

export interface Receiver {
  channel: 'web' | 'mobile' | 'operator' | 'open311';
  kind: Slip['receivedBy']['kind'];
  id: string;
  organizationId: string | null;
  name: string;
  /**
   * When the appeal was received, if before the registration (an accepted appeal registered
   * by the registrar, appeals.acceptance.ts): the receipt instant and day of APPC art. 64.
   */
  at?: Date;
}

async function checkCategory(db: Executor, categoryId: string, regionCode: string): Promise<CategoryView> {
  const c = await ref.category(db, categoryId);
  if (!c || !c.isActive || (c.regionCode !== regionCode && c.regionCode !== '000000000')) {
    throw invalid('categoryId', 'unknown category in this region', 'appeals:errors.category_unknown');
  }
  return c;
}

/**
 * PostgreSQL text cannot hold NUL: refuse it anywhere in the input, naming the field (callers
 * of the service API, e.g. Open311, do not pass through the HTTP schemas).
 */
export function refuseNul(value: unknown, field = ''): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw invalid(field || '(request)', 'contains a NUL character', 'appeals:errors.text_invalid');
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => refuseNul(v, field ? `${field}.${i}` : String(i)));
  } else if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [k, v] of Object.entries(value)) if (k !== 'attachments') refuseNul(v, field ? `${field}.${k}` : k);
  }
}

export function cleanText(text: string): string {
  const s = text.replace(/\r\n/g, '\n').trim();
  if (!s) throw invalid('text', 'empty', 'appeals:errors.text_required');
  if ([...s].length > 10_000) throw invalid('text', 'too long', 'appeals:errors.text_too_long', { max: 10_000 });
  return s;
}

/**
 * A part of an appeal registered as an appeal of its own (split, APPC art. 65): it keeps the
 * original's receipt instant and registration day (the legal answer term counts from the
 * original receipt; the term of its first state, e.g. routing at the coordination centre,
 * counts from now),
 * goes where `route` says (null: stays with the coordination centre), and the splitting
 * use-case tells the applicant (no slip notice here).
 */
export interface IntakeOrigin {
  splitFromId: string;
  receivedAt: Date;
  registeredOn: string;
  route: Route;
  comment: string;
}

/**
 * A registration checked and computed, nothing written yet (`prepareRegistration`); its slip
 * number is taken. `writeRegistrations` writes one or many.
 */
export interface PreparedRegistration {
  readonly start: StartPlan;
  readonly appeal: Omit<repo.NewAppeal, 'state' | 'organizationId' | 'assigneeId' | 'dueAt' | 'closedAt' | 'slipNumber' | 'slipSeq'>;
  /** Its slip number, taken from the region-year sequence when it is written (`writeRegistrations`). */
  readonly slip: { seq: number; number: string };
  readonly input: IntakeInput;
  readonly applicant: ResolvedApplicant;
  readonly receiver: Receiver;
  readonly lang: Lang;
  readonly coordinationId: string;
  readonly legalSource: string;
  readonly origin: IntakeOrigin | undefined;
  readonly now: Date;
}

/**
 * The one registration path (the three channels below, and `appeals.split.ts` with `origin`):
 * `prepareRegistration` with these arguments, then `writeRegistrations` of it alone.
 */
export async function registerAppeal(...args: Parameters<typeof prepareRegistration>): Promise<Slip> {
  const [trx, deps] = args;
  return (await writeRegistrations(trx, deps, [await prepareRegistration(...args)]))[0]!;
}

/**
 * Everything `registerAppeal` checks and decides before it writes: a refusal is thrown from
 * here, with nothing written and no slip number taken.
 */
export async function prepareRegistration(
  trx: Executor,
  deps: AppealsDeps,
  input: IntakeInput & { reportsCrimeOrThreat?: boolean },
  applicant: ResolvedApplicant,
  receiver: Receiver,
  actor: Actor,
  now: Date,
  jurisdiction?: string,
  origin?: IntakeOrigin,
): Promise<PreparedRegistration> {
  refuseNul(input);
  const text = cleanText(input.text);
  const type = await ref.appealType(trx, input.type);
  if (!type) throw invalid('type', 'unknown appeal type', 'appeals:errors.type_unknown');
  const territoryCode = await resolveTerritory(trx, input);
  const regionCode = katoRegion(territoryCode);
  if (jurisdiction && regionCode !== jurisdiction) throw invalid('territoryCode', 'outside the jurisdiction of the API key', 'appeals:errors.outside_jurisdiction');
  if (receiver.kind === 'staff' && !origin) await assertOperator(trx, actor, regionCode);
  const category = await checkCategory(trx, input.categoryId, regionCode);
  const extra = checkExtraValues(category, input.extra);
  const cc = await ref.coordinationOrganization(trx, regionCode);
  if (!cc) throw invalid('territoryCode', 'no organization receives appeals in this region', 'appeals:errors.region_not_served');

  const isStateService = !!input.isStateServiceComplaint;
  let provider: string | null = null;
  if (isStateService) {
    if (type.code !== 'complaint') throw invalid('isStateServiceComplaint', 'only a complaint can be about a state service', 'appeals:errors.state_service_needs_complaint');
    const org = input.serviceProviderId ? await ref.organization(trx, input.serviceProviderId) : undefined;
    if (!org || !org.isActive) throw invalid('serviceProviderId', 'the provider of the state service is required', 'appeals:errors.provider_required');
    provider = org.id;
  }
  const isSecurity = category.effective.isSecurityReport || !!input.reportsCrimeOrThreat;
  const lang: Lang = input.lang ?? applicant.lang ?? 'ru';
  const rules = await ref.appealRules(trx);
  const processKey = processKeyForRule(isStateService ? STATE_SERVICE_RULE : type.answerRule);
  const termRule = rules.get(isStateService ? STATE_SERVICE_RULE : type.answerRule)!;

  const cal = await getCalendar(trx, regionCode);
  const receivedAt = origin?.receivedAt ?? receiver.at ?? now;
  const registeredOn = origin?.registeredOn ?? cal.receiptDay(receivedAt);
  const year = Number(registeredOn.slice(0, 4));
  const slip = { seq: 0, number: '' };
  const id = newId();

  // Where it goes is known before the case starts: the case starts there directly (the rows
  // of a start followed by the action, written at once; platform/workflow/start.ts).
  let route: Route = { organizationId: null, ruleId: null, via: 'none' };
  let then: StartCaseInput['then'];
  if (applicant.isAnonymous && !isSecurity) {
    then = { action: 'leave_unconsidered', comment: rules.get('anonymous')!.legalSource };
  } else {
    route = origin ? origin.route : provider ? { organizationId: provider, ruleId: null, via: 'rule' } : await ref.route(trx, { categoryId: category.id, territoryCode, category });
    if (route.organizationId && route.organizationId !== cc.id) {
      then = {
        action: 'route', assign: { organizationId: route.organizationId },
        comment: origin ? origin.comment : provider ? 'state service complaint: to the head of the provider' : route.ruleId ? `routing rule ${route.ruleId}` : 'responsible organization kind of the category',
      };
    }
  }
  const auditRegistered = (c: WorkflowCase): AuditEntry[] => [{
    regionCode, actor, action: 'appeal.registered', entityType: 'appeal', entityId: id, organizationId: c.organizationId,
    data: { slipNumber: slip.number, typeCode: type.code, categoryId: category.id, channel: receiver.channel, caseId: c.id, route: route.via, ruleId: route.ruleId, isAnonymous: applicant.isAnonymous, isSecurityReport: isSecurity, attachments: input.attachments?.length ?? 0, ...(origin ? { splitFromId: origin.splitFromId } : {}) },
    at: now,
  }];
  // The case is written before the appeal row, which takes its state, owner and due instant
  // from it. The effects of the first actions (`noticeApplicantRouted` says nothing at
  // registration: the slip does) do not read the appeal.
  const plan = () => planStart(trx, deps.workflow, {
    regionCode, processKey, organizationId: cc.id, organizationIds: [], applicantAccountId: applicant.accountId, subjectType: 'appeal', subjectId: id,
    receivedAt, ...(origin ? { stateStartedAt: now } : {}), actor, at: now, asSystem: true, then, audit: auditRegistered,
  });
  const start = await plan().catch(async (e: unknown) => {
    // A database where nothing published the appeal processes yet (a service caller before any
    // route ran): publish them here, in this transaction, and start again.
    if (!(e instanceof DomainError) || e.messageKey !== 'workflow:definition_not_found') throw e;
    await publishAppealProcesses(trx, now);
    return plan();
  });
  return {
    start, input, applicant, receiver, lang, coordinationId: cc.id, legalSource: termRule.legalSource, origin, now, slip,
    appeal: {
      regionCode, id, slipYear: year, typeCode: type.code, categoryId: category.id, channel: receiver.channel, lang, text,
      territoryCode, address: input.address?.trim() || null, lat: input.location?.lat ?? null, lon: input.location?.lon ?? null, extra: JSON.stringify(extra),
      isPublic: !!input.isPublic, isAnonymous: applicant.isAnonymous, isSecurityReport: isSecurity, isStateServiceComplaint: isStateService, serviceProviderId: provider,
      applicantIin: applicant.iin, applicantPersonId: applicant.personId, applicantAccountId: applicant.accountId, applicantName: applicant.name, applicantPhone: applicant.phone, applicantEmail: applicant.email,
      receivedAt, registeredOn, splitFromId: origin?.splitFromId ?? null, receivedByKind: receiver.kind, receivedById: receiver.id, receivedByOrganizationId: receiver.organizationId,
      processKey, caseId: start.caseRow.id as string, createdAt: now, updatedAt: now,
    },
  };
}

/**
 * Writes prepared registrations and returns their slips, in order. One is written as it always
 * was; several (the registrar's batch) with a statement per kind of row — the cases with their
 * history and deadlines, the audit rows, the appeals, the notices — instead of one per
 * registration, leaving exactly the rows the registrations one after another would
 * (`appeals.registrar-setwise.test.ts`). The possible duplicates of each are those registered
 * before it: the appeals later in the same batch are left out, as they did not exist yet.
 */
export async function writeRegistrations(trx: Executor, deps: AppealsDeps, regs: readonly PreparedRegistration[]): Promise<Slip[]> {
  if (regs.length === 0) return [];
  // The slip numbers, in the order given (the order of receipt), in one statement.
  const seqs = await repo.nextSlipSeqs(trx, regs.map((r) => ({ regionCode: r.appeal.regionCode as string, year: r.appeal.slipYear as number })));
  for (const [i, r] of regs.entries()) {
    r.slip.seq = seqs[i]!;
    r.slip.number = `${await repo.slipPrefix(trx, r.appeal.regionCode as string)}-${r.appeal.slipYear}-${String(seqs[i]).padStart(6, '0')}`;
  }
  const started = await writeStarts(trx, deps.workflow, regs.map((r) => r.start));
  const appeals = await repo.insertAppeals(trx, regs.map((r, i) => {
    const c = started[i]!.case;
    return { ...r.appeal, slipNumber: r.slip.number, slipSeq: r.slip.seq, state: c.state, organizationId: c.organizationId, assigneeId: c.assigneeId, dueAt: c.dueAt ?? c.stateDueAt, closedAt: c.closedAt };
  }));
  const attachments = [];
  for (const [k, r] of regs.entries()) {
    for (const [i, f] of (r.input.attachments ?? []).entries()) {
      const stored = await storeFile(trx, deps.files, { bytes: f.bytes, originalName: f.originalName, declaredMime: f.declaredMime, field: f.field ?? `attachments.${i}` }, r.now);
      attachments.push({ regionCode: appeals[k]!.regionCode, appealId: appeals[k]!.id, fileId: stored.id, stage: 'intake', originalName: stored.originalName, mime: stored.mime, size: stored.size, sha256: stored.sha256, uploadedByKind: r.receiver.kind, uploadedById: r.receiver.id, createdAt: r.now });
    }
  }
  await repo.insertAttachments(trx, attachments);
  // Several: the notices collected and written together at the end (`enqueueNotices`).
  const batch = regs.length > 1 ? new CollectingBatch(new Map()) : undefined;
  const orgs = [];
  for (const [k, r] of regs.entries()) {
    const appeal = appeals[k]!;
    const org = await ref.organization(trx, appeal.organizationId);
    orgs.push(org);
    if (!r.applicant.isAnonymous && !r.origin) {
      await notifyApplicant(trx, appeal, 'slip_issued', {
        received: localTime(r.appeal.receivedAt as Date), registeredOn: r.appeal.registeredOn as string, due: localTime(appeal.dueAt), organization: org ? org.name[r.lang] : '—', receiver: r.receiver.name,
      }, r.now, 'slip', batch);
    }
    if (appeal.isSecurityReport) {
      await notifyStaff(trx, appeal, await staffAccounts(trx, r.coordinationId, 'coordinator', null, batch), 'staff_security_report', {}, r.now, 'security', batch);
    }
    batch?.keep();
  }
  await batch?.flush(trx);
  const slips: Slip[] = [];
  for (const [k, r] of regs.entries()) {
    const appeal = appeals[k]!;
    const later = appeals.slice(k + 1).map((a) => a.id);
    slips.push({
      appealId: appeal.id, regionCode: appeal.regionCode, slipNumber: appeal.slipNumber, receivedAt: r.appeal.receivedAt as Date, registeredOn: r.appeal.registeredOn as string,
      receivedBy: { kind: r.receiver.kind, name: r.receiver.name, organizationId: r.receiver.organizationId },
      typeCode: r.appeal.typeCode as string, categoryId: r.appeal.categoryId as string, channel: r.receiver.channel, state: appeal.state, organizationId: appeal.organizationId, organizationName: orgs[k]?.name ?? null,
      dueAt: appeal.dueAt, legalSource: r.legalSource, isAnonymous: r.applicant.isAnonymous,
      possibleDuplicates: appeal.closedAt === null ? await suggestDuplicates(trx, appeal, 5, later) : [],
    });
  }
  return slips;
}

/** A citizen files for themself (signed in with IIN). */
export async function registerCitizenAppeal(trx: Executor, deps: AppealsDeps, input: IntakeInput, actor: Actor, now: Date, channel: 'web' | 'mobile' = 'web', receivedAt?: Date): Promise<Slip> {
  return (await writeRegistrations(trx, deps, [await prepareCitizenAppeal(trx, deps, input, actor, now, channel, receivedAt)]))[0]!;
}

/** `registerCitizenAppeal` checked and computed, not written (the registrar writes a batch of them). */
export async function prepareCitizenAppeal(
  trx: Executor, deps: AppealsDeps, input: IntakeInput, actor: Actor, now: Date, channel: 'web' | 'mobile' = 'web', receivedAt?: Date, people?: ReadonlyMap<string, PersonRow>,
): Promise<PreparedRegistration> {
  if (actor.kind !== 'citizen') throw forbidden('citizens only', { messageKey: 'appeals:errors.citizens_only' });
  const applicant = await resolveApplicant(trx, { citizen: actor as CitizenActor }, now, people);
  const lang = input.lang ?? applicant.lang ?? 'ru';
  return prepareRegistration(trx, deps, input, applicant, { channel, kind: 'citizen', id: actor.accountId, organizationId: null, name: t(lang, 'appeals:received_by.portal'), ...(receivedAt ? { at: receivedAt } : {}) }, actor, now);
}

/** A call-centre operator registers for a caller (found by IIN or phone), or anonymously. */
export async function registerOperatorAppeal(trx: Executor, deps: AppealsDeps, input: OperatorIntakeInput, actor: Actor, now: Date): Promise<Slip> {
  return (await writeRegistrations(trx, deps, [await prepareOperatorAppeal(trx, deps, input, actor, now)]))[0]!;
}

/** `registerOperatorAppeal` checked and computed, not written (a group of intakes is written together). */
export async function prepareOperatorAppeal(trx: Executor, deps: AppealsDeps, input: OperatorIntakeInput, actor: Actor, now: Date): Promise<PreparedRegistration> {
  if (actor.kind !== 'staff') throw forbidden('operators only', { messageKey: 'appeals:errors.needs_operator' });
  const staff = actor as StaffActor;
  refuseNul(input);
  const applicant = await resolveApplicant(trx, { operator: { applicant: input.applicant ?? null, isAnonymous: !!input.isAnonymous } }, now);
  return prepareRegistration(trx, deps, input, applicant, { channel: 'operator', kind: 'staff', id: staff.staffId, organizationId: staff.organizationId, name: staff.displayName }, actor, now);
}

/**
 * An API client (Open311 `POST requests`): channel `open311`, the region of the API key is the
 * jurisdiction; the territory must lie in it.
 */
export async function registerApiAppeal(trx: Executor, deps: AppealsDeps, input: ApiIntakeInput, actor: Actor, now: Date): Promise<Slip> {
  return (await writeRegistrations(trx, deps, [await prepareApiAppeal(trx, deps, input, actor, now)]))[0]!;
}

/** `registerApiAppeal` checked and computed, not written (a group of intakes is written together). */
export async function prepareApiAppeal(trx: Executor, deps: AppealsDeps, input: ApiIntakeInput, actor: Actor, now: Date): Promise<PreparedRegistration> {
  if (actor.kind !== 'api_client') throw forbidden('API clients only');
  refuseNul(input);
  const applicant = await resolveApplicant(trx, { api: input.applicant ?? null }, now);
  return prepareRegistration(trx, deps, input, applicant, { channel: 'open311', kind: 'api_client', id: actor.apiKeyId, organizationId: actor.organizationId, name: actor.displayName }, actor, now, actor.regionCode);
}
