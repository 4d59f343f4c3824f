import type { Role, StaffActor } from '../../platform/auth/actor.ts';
import { formatLocal } from '../../platform/calendar/calendar.time.ts';
import type { Executor } from '../../platform/db/database.ts';
import { isLang, type Lang } from '../../platform/i18n/i18n.ts';
import { enqueueDeliveryJobs, enqueueNotice, type Channel, type DeliveryJob } from '../../platform/notify/notify.ts';
import type { SweepBatch } from '../../platform/workflow/hooks.ts';
import { resolveActor } from '../directory/directory.actor.ts';
import { findOrganization } from '../directory/directory.service.ts';
import { findPersonById } from '../directory/people.service.ts';
import { activeStaffAccount, activeStaffAccounts } from '../directory/staff.service.ts';
import { findCoordinationOrganization } from './appeals.access.ts';
import type { AppealRow } from './appeals.repository.ts';

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
  const o = await findOrganization(db, id);
  return o ? o.name[lang] : '—';
}

/**
 * To the applicant: the in-app inbox when they have an account (the notify worker looks up
 * their phone and e-mail), else the contacts they gave. An anonymous appeal has nobody to tell.
 */
export async function notifyApplicant(
  trx: Executor,
  a: AppealRow,
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
  await enqueueNotice(
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
    deferTo(batch),
  );
}

/** In the sweep, the delivery jobs of a chunk's notices go in one statement at the chunk's end. */
function deferTo(batch: SweepBatch | undefined): { deferJobs?: (jobs: DeliveryJob[]) => void } {
  if (!batch) return {};
  return { deferJobs: (jobs) => jobs.forEach((j) => batch.collect('notify.deliver', j, enqueueDeliveryJobs)) };
}

/** `load` once per sweep chunk when there is one (lookups that do not change within a sweep). */
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
 * centre. Plain queries (no paging count); in the sweep, once per chunk per organization and role.
 */
export async function staffAccounts(db: Executor, organizationId: string, recipient: Role | 'assignee', assigneeId: string | null, batch?: SweepBatch): Promise<string[]> {
  if (recipient === 'assignee') {
    if (!assigneeId) return staffAccounts(db, organizationId, 'head', null, batch);
    const account = await once(batch, `staff:${assigneeId}`, () => activeStaffAccount(db, assigneeId));
    return account ? [account] : [];
  }
  return once(batch, `staff:${organizationId}:${recipient}`, async () => {
    if (recipient === 'coordinator') {
      const region = (await findOrganization(db, organizationId))?.regionCode;
      const cc = region ? await findCoordinationOrganization(db, region) : undefined;
      return cc ? activeStaffAccounts(db, cc.id, 'coordinator', 50) : [];
    }
    return activeStaffAccounts(db, organizationId, recipient, 50);
  });
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
  a: AppealRow,
  accounts: readonly string[],
  template: string,
  params: Record<string, string | number>,
  now: Date,
  dedupe: string,
  batch?: SweepBatch,
): Promise<void> {
  const actorOf = resolveActor(trx);
  const urgent = STAFF_EMAIL.has(template) || STAFF_SMS.has(template);
  for (const accountId of new Set(accounts)) {
    // The language and (for urgent notices) the contacts of the account; once per sweep chunk.
    const { lang, person } = await once(batch, `account:${accountId}:${urgent}`, async () => {
      const who = await actorOf(accountId, 'ru');
      const person = urgent && who?.kind === 'staff' && who.personId ? await findPersonById(trx, who.personId) : undefined;
      return { lang: (who?.locale ?? 'ru') as Lang, person: person ? { email: person.email, phone: person.phone } : undefined };
    });
    await enqueueNotice(
      trx,
      {
        regionCode: a.regionCode,
        to: { accountId },
        channels: ['inbox', ...(STAFF_EMAIL.has(template) && person?.email ? ['email' as const] : []), ...(STAFF_SMS.has(template) && person?.phone ? ['sms' as const] : [])],
        lang,
        template: `appeals:notice.${template}`,
        params: { slip: a.slipNumber, due: localTime(a.dueAt), ...params },
        subject: { type: 'appeal', id: a.id },
        dedupeKey: `appeal:${a.id}:${dedupe}:${accountId}`,
      },
      now,
      deferTo(batch),
    );
  }
}
