import type { Actor, StaffActor } from '../../platform/auth/actor.ts';
import { getCalendar } from '../../platform/calendar/calendar.ts';
import type { Db, Executor } from '../../platform/db/database.ts';
import { resolveActor } from '../directory/directory.actor.ts';
import { listOrganizations } from '../directory/directory.service.ts';
import { findPersonByIin, searchPeople } from '../directory/people.service.ts';
import { listStaff, type StaffView } from '../directory/staff.service.ts';
import { createCategory } from './appeals.categories.ts';
import { appealsDeps } from './appeals.deps.ts';
import { mergeAppeal } from './appeals.duplicates.ts';
import { registerCitizenAppeal, registerOperatorAppeal, type Slip } from './appeals.intake.ts';
import * as life from './appeals.lifecycle.ts';
import { readerIn } from './appeals.notices.ts';
import * as repo from './appeals.repository.ts';
import { createRoutingRule } from './appeals.routing.ts';
import { publishAppealProcesses } from './appeals.rules.ts';
import { APPEALS, CATEGORIES, ROUTING, type DemoAppeal } from './demo.data.ts';

/**
 * Loads the appeals demo for Karaganda region inside the caller's transaction (after the
 * directory demo): the national process definitions, the category tree, routing rules, and
 * ~30 appeals filed over the last five weeks, walked through the real use-cases to every
 * state (assigned, in progress, awaiting the applicant, answered, closed with a rating,
 * reopened, extended, merged, forwarded, returned, anonymous). Terms run from their real
 * receipt instants: the first sweep of a running server records the reminders, breaches and
 * deemed refusals of the oldest ones.
 */

const REGION = '350000000';
const HOUR = 3_600_000;

export interface AppealsDemoSummary {
  categories: number;
  routingRules: number;
  appeals: number;
}

export async function seedAppealsDemo(trx: Executor, now = new Date()): Promise<AppealsDemoSummary> {
  await publishAppealProcesses(trx, new Date(now.getTime() - 40 * 24 * HOUR));
  const orgs = (await listOrganizations(trx, { regionCode: REGION, limit: 200 })).items;
  const orgId = (fragment: string) => {
    const o = orgs.find((x) => x.name.en.includes(fragment));
    if (!o) throw new Error(`appeals demo: no organization like "${fragment}" in the directory demo`);
    return o.id;
  };
  const cc = orgId('Situation Centre of the Akimat of Karaganda');
  const actorOf = resolveActor(trx);
  const staff: StaffView[] = (await listStaff(trx, { limit: 200 }, readerIn(cc))).items;
  const asActor = async (s: StaffView | undefined): Promise<StaffActor> => {
    const a = s && (await actorOf(s.accountId, 'ru'));
    if (a?.kind !== 'staff') throw new Error('appeals demo: a staff member of the directory demo is missing');
    return a;
  };
  const byLogin = (login: string) => asActor(staff.find((s) => s.login === login));
  const holding = (role: string, organizationId: string) => staff.find((s) => s.roles.some((g) => g.role === role && g.organizationId === organizationId));
  const coordinator = await byLogin('coordinator');
  const operator = await byLogin('operator');
  const t0 = new Date(now.getTime() - 40 * 24 * HOUR);

  const categoryIds = new Map<string, string>();
  for (const [i, c] of CATEGORIES.entries()) {
    const created = await createCategory(trx, {
      regionCode: REGION, parentId: c.parent ? categoryIds.get(c.parent)! : null, code: c.code, name: { kk: c.kk, ru: c.ru, en: c.en },
      organizationKind: c.kind ?? null, targetHours: c.targetHours ?? null, isSecurityReport: c.security ?? false, keywords: c.keywords ?? [], extraFields: c.extra ?? null, sort: i * 10,
    }, coordinator, t0);
    categoryIds.set(c.code, created.id);
  }
  for (const [category, prefix, org] of ROUTING) {
    await createRoutingRule(trx, REGION, { categoryId: categoryIds.get(category)!, territoryPrefix: prefix, organizationId: orgId(org) }, coordinator, t0);
  }

  const deps = appealsDeps(trx as Db, { dataDir: 'data' });
  const citizenOf = async (who: string): Promise<{ actor?: Actor; iin: string }> => {
    const iin = /^\d{12}$/.test(who) ? who : (await searchPeople(trx, { phone: who.replace(/^operator:/, '') }, operator)).items[0]!.iin;
    const p = await findPersonByIin(trx, iin);
    const actor = p?.accountId && !who.startsWith('operator:') ? await actorOf(p.accountId, p.preferredLanguage as 'kk' | 'ru') : undefined;
    return { ...(actor ? { actor } : {}), iin };
  };

  const slips: Slip[] = [];
  for (const [i, d] of APPEALS.entries()) {
    const received = new Date(now.getTime() - d.daysAgo * 24 * HOUR - (i % 5) * HOUR);
    const slip = await file(d, received);
    slips.push(slip);
    await walk(d, slip, received, i);
  }
  return { categories: CATEGORIES.length, routingRules: ROUTING.length, appeals: slips.length };

  async function file(d: DemoAppeal, at: Date): Promise<Slip> {
    const input = {
      type: d.type ?? 'statement', categoryId: categoryIds.get(d.category)!, text: d.text, territoryCode: d.territory, address: d.address ?? null,
      location: d.point ? { lat: d.point[0], lon: d.point[1] } : null, lang: d.lang, isPublic: d.isPublic ?? false, ...(d.extra ? { extra: d.extra } : {}),
    };
    if (d.who === 'anonymous') return registerOperatorAppeal(trx, deps, { ...input, isAnonymous: true }, operator, at);
    const c = await citizenOf(d.who);
    if (c.actor) return registerCitizenAppeal(trx, deps, input, c.actor, at);
    return registerOperatorAppeal(trx, deps, { ...input, applicant: { iin: c.iin } }, operator, at);
  }

  async function walk(d: DemoAppeal, slip: Slip, received: Date, i: number): Promise<unknown> {
    const ref = { appealId: slip.appealId };
    const at = (hours: number) => new Date(Math.min(received.getTime() + hours * HOUR, now.getTime() - (60 - i) * 60_000));
    const executor = () => asActor(holding('executor', slip.organizationId) ?? holding('head', slip.organizationId));
    const head = () => asActor(holding('head', slip.organizationId) ?? holding('executor', slip.organizationId));
    const applicant = async () => (await citizenOf(d.who)).actor ?? operator;
    switch (d.target) {
      case 'registered':
      case 'assigned':
      case 'anonymous':
        return;
      case 'merged':
        return mergeAppeal(trx, deps, ref, { originalId: slips[0]!.appealId }, coordinator, at(1));
      case 'forwarded':
        return life.forwardAppeal(trx, deps, ref, { recipient: 'Департамент полиции Карагандинской области', reason: 'Вопрос охраны общественного порядка: компетенция органов внутренних дел' }, coordinator, at(3));
      case 'returned':
        return life.returnAppeal(trx, deps, ref, { reason: 'Зелёные насаждения парка на балансе областного управления, не акимата города' }, await executor(), at(20));
    }
    const ex = await executor();
    await life.acceptAppeal(trx, deps, ref, {}, ex, at(2));
    if (d.target === 'in_progress') return;
    if (d.target === 'awaiting') return life.requestInformation(trx, deps, ref, { question: 'Уточните, пожалуйста, номер подъезда и с какого числа не работает лифт.' }, ex, at(24));
    if (d.target === 'extended') {
      const a = (await repo.findAppeal(trx, slip.regionCode, slip.appealId))!;
      const cal = await getCalendar(trx, slip.regionCode);
      const newDue = cal.localDate(cal.addWorkingDays(a.dueAt!, 10).due);
      return life.extendAppeal(trx, deps, ref, { newDueDate: newDue, reason: 'Требуется обследование теплотрассы с участием теплоснабжающей организации' }, await head(), at(120));
    }
    const text = d.lang === 'kk'
      ? 'Өтінішіңіз қаралды. Мәселе жойылды, жұмыстар аяқталды. Қосымша сұрақтар болса, байланыс орталығына хабарласыңыз.'
      : 'Ваше обращение рассмотрено. Проблема устранена, работы выполнены. По дополнительным вопросам обращайтесь в контакт-центр.';
    await life.answerAppeal(trx, deps, ref, { text, decision: i % 3 === 0 ? 'explained' : 'granted' }, ex, at(48 + (i % 3) * 20));
    if (d.target === 'answered') return;
    const who = await applicant();
    if (d.target === 'closed') return life.giveFeedback(trx, deps, ref, { verdict: 'confirmed', rating: 3 + (i % 3) }, who, at(110));
    return life.giveFeedback(trx, deps, ref, { verdict: 'disputed', rating: 2, comment: 'Ничего не изменилось, в подъезде по-прежнему грязно.' }, who, at(110));
  }
}
