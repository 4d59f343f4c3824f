import type { CitizenActor } from '../../platform/auth/actor.ts';
import type { Executor } from '../../platform/db/database.ts';
import { invalid } from '../../platform/http/errors.ts';
import { isLang, type Lang } from '../../platform/i18n/i18n.ts';
import { requireIin } from '../directory/directory.errors.ts';
import { cleanPersonInput, ensurePerson, findPersonByIin, requirePhone } from '../directory/people.service.ts';
import type { PersonRow } from '../directory/people.repository.ts';

/**
 * Who filed an appeal, resolved through the directory's people services. The appeal keeps the
 * name and contacts as given at intake (the person record may change later; the appeal is a
 * record of what was received). All of it is personal data (appeals.access.ts).
 */

export interface ApplicantInput {
  iin?: string | null;
  lastName?: string | null;
  firstName?: string | null;
  middleName?: string | null;
  phone?: string | null;
  email?: string | null;
  preferredLanguage?: Lang | null;
}

export interface ResolvedApplicant {
  isAnonymous: boolean;
  iin: string | null;
  personId: string | null;
  accountId: string | null;
  name: string | null;
  phone: string | null;
  email: string | null;
  lang: Lang | null;
}

const ANONYMOUS: ResolvedApplicant = { isAnonymous: true, iin: null, personId: null, accountId: null, name: null, phone: null, email: null, lang: null };
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

const fullName = (p: { lastName?: string | null; firstName?: string | null; middleName?: string | null }) =>
  [p.lastName, p.firstName, p.middleName].map((x) => x?.trim()).filter(Boolean).join(' ') || null;

function cleanEmail(field: string, v: string | null | undefined): string | null {
  const e = v?.trim();
  if (!e) return null;
  if (!EMAIL.test(e) || e.length > 254) throw invalid(field, 'not an e-mail', 'directory:email_invalid');
  return e;
}

/** Any phone in E.164; a Kazakh number in any usual spelling is normalized to +7XXXXXXXXXX. */
function cleanPhone(field: string, v: string | null | undefined): string | null {
  const p = v?.trim();
  if (!p) return null;
  const compact = p.replace(/[\s()-]/g, '');
  if (/^\+(?!7)[0-9]{7,15}$/.test(compact)) return compact;
  return requirePhone(field, p);
}

export async function resolveApplicant(
  trx: Executor,
  from:
    | { citizen: CitizenActor }
    | { operator: { applicant: ApplicantInput | null; isAnonymous: boolean } }
    | { api: { firstName?: string | null; lastName?: string | null; email?: string | null; phone?: string | null } | null },
  now: Date,
  /** People already looked up by IIN (the registrar's batch): a citizen's is taken from here. */
  people?: ReadonlyMap<string, PersonRow>,
): Promise<ResolvedApplicant> {
  if ('citizen' in from) {
    const p = people ? people.get(from.citizen.iin) : await findPersonByIin(trx, from.citizen.iin);
    return {
      isAnonymous: false,
      iin: from.citizen.iin,
      personId: p?.id ?? from.citizen.personId,
      accountId: from.citizen.accountId,
      name: p ? fullName(p) : from.citizen.displayName,
      phone: p?.phone ?? null,
      email: p?.email ?? null,
      lang: p && isLang(p.preferredLanguage) ? p.preferredLanguage : from.citizen.locale,
    };
  }
  if ('api' in from) {
    const a = from.api;
    const name = a ? fullName(a) : null;
    const phone = cleanPhone('applicant.phone', a?.phone);
    const email = cleanEmail('applicant.email', a?.email);
    if (!name && !phone && !email) return ANONYMOUS;
    return { isAnonymous: false, iin: null, personId: null, accountId: null, name, phone, email, lang: null };
  }
  const { applicant, isAnonymous } = from.operator;
  if (isAnonymous) {
    if (applicant && Object.values(applicant).some((v) => v)) throw invalid('applicant', 'an anonymous appeal names nobody', 'appeals:errors.anonymous_with_applicant');
    return ANONYMOUS;
  }
  if (!applicant) throw invalid('applicant', "the caller's IIN, or name and phone, or mark the appeal anonymous", 'appeals:errors.applicant_required');
  const phone = cleanPhone('applicant.phone', applicant.phone);
  const email = cleanEmail('applicant.email', applicant.email);
  if (applicant.iin) {
    const iin = requireIin('applicant.iin', applicant.iin).iin;
    let person = await findPersonByIin(trx, iin);
    if (!person) {
      if (!applicant.lastName?.trim() || !applicant.firstName?.trim()) {
        throw invalid(applicant.lastName?.trim() ? 'applicant.firstName' : 'applicant.lastName', 'a new caller needs a name', 'appeals:errors.applicant_name_required');
      }
      person = (await ensurePerson(trx, cleanPersonInput({ iin, lastName: applicant.lastName, firstName: applicant.firstName, middleName: applicant.middleName, phone, email, preferredLanguage: applicant.preferredLanguage ?? 'ru' }, 'applicant.'), now)).person;
    }
    return {
      isAnonymous: false,
      iin: person.iin,
      personId: person.id,
      accountId: person.accountId,
      name: fullName(person),
      phone: phone ?? person.phone,
      email: email ?? person.email,
      lang: applicant.preferredLanguage ?? (isLang(person.preferredLanguage) ? person.preferredLanguage : null),
    };
  }
  const name = fullName(applicant);
  if (!name || !phone) throw invalid(name ? 'applicant.phone' : 'applicant.lastName', "the caller's IIN, or name and phone", 'appeals:errors.applicant_required');
  return { isAnonymous: false, iin: null, personId: null, accountId: null, name, phone, email, lang: applicant.preferredLanguage ?? null };
}
