import type { Role, StaffActor } from '../../platform/auth/actor.ts';
import { formatLocal } from '../../platform/calendar/calendar.time.ts';
import type { Executor } from '../../platform/db/database.ts';
import { isLang, type Lang } from '../../platform/i18n/i18n.ts';
import { enqueueNotice, enqueueNotices, type Channel, type NoticeInput } from '../../platform/notify/notify.ts';
import type { SweepBatch } from '../../platform/workflow/hooks.ts';
import { organization, primeOrganizations } from './appeals.reference.ts';
import { activeStaffAccount, activeStaffAccounts, activeStaffAccountsById, activeStaffAccountsOf, staffNoticeContacts } from '../directory/staff.service.ts';
import { findCoordinationOrganization, primeCoordinationOrganizations } from './appeals.access.ts';
import type { NoticeAppeal } from './appeals.repository.ts';

/**
 * Notices of the appeals module, written to the platform outbox (`enqueueNotice`) in the
 * caller's transaction: they exist if and only if the change commits, and are delivered at
 * least once by the notify worker. Applicants get them in the appeal's language (their
 * preferred language at intake); staff in their account's language. Parameters carry slip
 * numbers, dates and organization names — never IIN, phone or address.
 */

const TIME_ZONE = 'Asia/Almaty';

export function localTime(at: Date | null | undefined): string {
  return at ? formatLocal(at, TIME_ZONE).replace('T', ' ') : '—';
}

export async function organizationName(db: Executor, id: string | null, lang: Lang): Promise<string> {
  if (!id) return '—';
  const o = await organization(db, id);
  return o ? o.name[lang] : '—';
}

/**
 * To the applicant: the in-app inbox when they have an account (the notify worker looks up
 * their phone and e-mail), else the contacts they gave. An anonymous appeal has nobody to tell.
 */
export async function notifyApplicant(
  trx: Executor,
  a: NoticeAppeal,
  template: string,
  params: Record<string, string | number>,
  now: Date,
  dedupe: string,
  batch?: SweepBatch,
): Promise<void> {
  const channels: Channel[] = [];
  if (a.applicantAccountId) channels.push('inbox');
  if (a.applicantPhone) channels.push('sms');
  if (a.applicantEmail) channels.push('email');
  if (channels.length === 0) return;
  await send(
    trx,
    {
      regionCode: a.regionCode,
      to: { accountId: a.applicantAccountId, phone: a.applicantPhone, email: a.applicantEmail },
      channels,
      lang: (isLang(a.lang) ? a.lang : 'ru') as Lang,
      template: `appeals:notice.${template}`,
      params: { slip: a.slipNumber, ...params },
      subject: { type: 'appeal', id: a.id },
      dedupeKey: `appeal:${a.id}:${dedupe}`,
    },
    now,
    batch,
  );
}

/** Now, in the caller's transaction; in the sweep, with the chunk's other notices at its end (`enqueueNotices`). */
async function send(trx: Executor, notice: NoticeInput, at: Date, batch: SweepBatch | undefined): Promise<void> {
  if (batch) batch.collect('notify.notice', { notice, at }, async (t, items) => void (await enqueueNotices(t, items)));
  else await enqueueNotice(trx, notice, at);
}

/** `load` once per sweep when there is one (lookups that do not change within a sweep). */
function once<T>(batch: SweepBatch | undefined, key: string, load: () => Promise<T>): Promise<T> {
  return batch ? batch.memo(key, load) : load();
}

// Reads the directory's staff views on the module's own authority, as a reader placed in the
// organization concerned (the demo data uses it).
export function readerIn(organizationId: string): StaffActor {
  return {
    kind: 'staff',
    accountId: '00000000-0000-4000-8000-000000000000',
    staffId: '00000000-0000-4000-8000-000000000000',
    personId: null,
    organizationId,
    regionCode: '',
    displayName: 'appeals.notices',
    roles: [],
    locale: 'ru',
  };
}

/**
 * Accounts of active staff of an organization holding `role`; for `assignee`, that staff member
 * (none assigned: the heads); for `coordinator`, the coordinators of the region's coordination
 * centre. Plain queries (no paging count); in the sweep, once per sweep per organization and role.
 */
export async function staffAccounts(db: Executor, organizationId: string, recipient: Role | 'assignee', assigneeId: string | null, batch?: SweepBatch): Promise<string[]> {
  if (recipient === 'assignee') {
    if (!assigneeId) return staffAccounts(db, organizationId, 'head', null, batch);
    const account = await once(batch, `staff:${assigneeId}`, () => activeStaffAccount(db, assigneeId));
    return account ? [account] : [];
  }
  if (recipient === 'coordinator') {
    // The region's coordination centre (organizations and centres are cached in the process).
    const region = (await organization(db, organizationId))?.regionCode;
    const cc = region ? await findCoordinationOrganization(db, region) : undefined;
    return cc ? once(batch, `staff:${cc.id}:coordinator`, () => activeStaffAccounts(db, cc.id, 'coordinator', 50)) : [];
  }
  return once(batch, `staff:${organizationId}:${recipient}`, () => activeStaffAccounts(db, organizationId, recipient, 50));
}

/**
 * The lookups `staffAccounts` and `notifyStaff` make for `recipients`, done for all of them at
 * once (a query per kind instead of one per person) and left in the sweep's memo.
 */
export async function primeStaffLookups(
  db: Executor,
  batch: SweepBatch,
  recipients: readonly { organizationId: string; recipient: Role | 'assignee'; assigneeId: string | null }[],
): Promise<void> {
  // The organizations (names in the notices) and the regions' coordination centres, each in one query.
  await primeOrganizations(db, recipients.map((r) => r.organizationId));
  const coordinated = recipients.filter((r) => r.recipient === 'coordinator');
  if (coordinated.length) {
    const regions = [...new Set((await Promise.all(coordinated.map(async (r) => (await organization(db, r.organizationId))?.regionCode))).filter((x): x is string => !!x))];
    await primeCoordinationOrganizations(db, regions);
    // Their coordinators, in one query too.
    const centres = (await Promise.all(regions.map((region) => findCoordinationOrganization(db, region)))).flatMap((cc) => (cc ? [cc.id] : []));
    const accounts = await activeStaffAccountsOf(db, centres, 'coordinator', 50);
    for (const id of centres) await batch.memo(`staff:${id}:coordinator`, async () => accounts.get(id) ?? []);
  }
  const assignees = [...new Set(recipients.flatMap((r) => (r.recipient === 'assignee' && r.assigneeId ? [r.assigneeId] : [])))];
  const byId = await activeStaffAccountsById(db, assignees);
  for (const id of assignees) await batch.memo(`staff:${id}`, async () => byId.get(id));
  // Roles in the organization itself (with nobody assigned, the heads); coordinators above.
  const byRole = new Map<string, Set<string>>();
  for (const r of recipients) {
    const role = r.recipient === 'assignee' ? (r.assigneeId ? undefined : 'head') : r.recipient === 'coordinator' ? undefined : r.recipient;
    if (role) byRole.set(role, (byRole.get(role) ?? new Set()).add(r.organizationId));
  }
  for (const [role, orgs] of byRole) {
    const accounts = await activeStaffAccountsOf(db, [...orgs], role, 50);
    for (const [org, list] of accounts) await batch.memo(`staff:${org}:${role}`, async () => list);
  }
  const people = new Set<string>();
  for (const r of recipients) for (const a of await staffAccounts(db, r.organizationId, r.recipient, r.assigneeId, batch)) people.add(a);
  const contacts = await staffNoticeContacts(db, [...people]);
  for (const a of people) await batch.memo(`contact:${a}`, async () => contacts.get(a));
}

/**
 * Staff notices that also go by e-mail, and those that go by SMS as well, to staff whose person
 * record in the directory holds the address or number (the worker looks it up again at delivery:
 * `directoryContacts` in src/background.ts); the rest reach the in-app inbox only.
 */
const STAFF_EMAIL: ReadonlySet<string> = new Set(['staff_breach', 'staff_escalation', 'staff_security_report']);
const STAFF_SMS: ReadonlySet<string> = new Set(['staff_security_report']);

/** To staff (in-app inbox; e-mail and SMS for the urgent ones above), each in the language of their account. */
export async function notifyStaff(
  trx: Executor,
  a: NoticeAppeal,
  accounts: readonly string[],
  template: string,
  params: Record<string, string | number>,
  now: Date,
  dedupe: string,
  batch?: SweepBatch,
): Promise<void> {
  const lookups = new Set(accounts);
  for (const accountId of lookups) {
    // The account's own language and its person's contacts; in the sweep once per sweep (or
    // primed for a whole chunk by `primeStaffLookups`).
    const contact = await once(batch, `contact:${accountId}`, async () => (await staffNoticeContacts(trx, [accountId])).get(accountId));
    const lang: Lang = contact && isLang(contact.lang) ? contact.lang : 'ru';
    await send(
      trx,
      {
        regionCode: a.regionCode,
        to: { accountId },
        channels: ['inbox', ...(STAFF_EMAIL.has(template) && contact?.email ? ['email' as const] : []), ...(STAFF_SMS.has(template) && contact?.phone ? ['sms' as const] : [])],
        lang,
        template: `appeals:notice.${template}`,
        params: { slip: a.slipNumber, due: localTime(a.dueAt), ...params },
        subject: { type: 'appeal', id: a.id },
        dedupeKey: `appeal:${a.id}:${dedupe}:${accountId}`,
      },
      now,
      batch,
    );
  }
}
