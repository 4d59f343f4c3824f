import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.ts';
import { directoryContacts } from '../../background.ts';
import { systemClock } from '../../platform/clock.ts';
import { inboxAdapter, logAdapter } from '../../platform/notify/notify.adapters.ts';
import { deliverNotice } from '../../platform/notify/notify.delivery.ts';
import { cat, context, file, KARAGANDA, type Ctx } from './appeals.test-support.ts';

/**
 * Staff contacts for notices: the urgent staff notices (a security report, a breach, an
 * escalation) also go by e-mail (and the security report by SMS) to staff whose directory
 * record holds the address or number; the delivery worker finds it through the directory
 * (`directoryContacts`). Everything else — and staff without contacts — stays in the inbox.
 */

let t: TestApp;
let ctx: Ctx;

beforeAll(async () => {
  t = await createTestApp();
  ctx = await context(t);
});

async function accountOf(login: string) {
  return t.testDb.db.selectFrom('account').innerJoin('staff', 'staff.accountId', 'account.id')
    .select(['account.id as accountId', 'staff.personId']).where('account.login', '=', login).executeTakeFirstOrThrow();
}

describe('staff contacts for e-mail and SMS notices', () => {
  it('finds a staff member’s e-mail and phone in the directory, as for a citizen', async () => {
    const contacts = directoryContacts(t.testDb.db);
    const executor = await accountOf('executor'); // the demo gives her an e-mail, no phone
    expect(await contacts(executor.accountId)).toEqual({ email: 'o.petrova@example.kz', phone: null, locale: 'ru' });
    const operator = await accountOf('operator'); // a phone, no e-mail
    expect(await contacts(operator.accountId)).toMatchObject({ email: null, phone: '+77015550201' });
    expect(await contacts('00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });

  it('sends the security report to a coordinator by e-mail when the directory has the address; inbox only otherwise', async () => {
    const coordinator = await accountOf('coordinator');
    const report = { type: 'report', categoryId: cat(ctx, 'safety.threat'), text: 'В подвале дома 3 складируют канистры с бензином', territoryCode: KARAGANDA };

    // No contact in the directory: the inbox only.
    const first = await file(ctx, '900515301234', report);
    const channelsOf = async (appealId: string) => t.testDb.db.selectFrom('notice').innerJoin('noticeDelivery as d', (j) => j.onRef('d.noticeId', '=', 'notice.id'))
      .select(['notice.id', 'd.channel', 'd.regionCode']).where('notice.aboutId', '=', appealId).where('notice.accountId', '=', coordinator.accountId)
      .where('notice.template', '=', 'appeals:notice.staff_security_report').orderBy('d.channel').execute();
    expect((await channelsOf(first.appealId)).map((d) => d.channel)).toEqual(['inbox']);

    // The coordinator's directory record gets an e-mail address: the next report goes there too.
    await t.testDb.db.updateTable('person').set({ email: 'd.omarov@example.kz' }).where('id', '=', coordinator.personId!).execute();
    const second = await file(ctx, '900515301234', { ...report, text: 'Во дворе дома 5 нашли подозрительный предмет' });
    const deliveries = await channelsOf(second.appealId);
    expect(deliveries.map((d) => d.channel)).toEqual(['email', 'inbox']);

    // The inbox has it with the commit; the e-mail goes through the worker.
    const inbox = deliveries.find((d) => d.channel === 'inbox')!;
    expect(await t.testDb.db.selectFrom('inboxMessage').select('accountId').where('noticeId', '=', inbox.id).execute()).toEqual([{ accountId: coordinator.accountId }]);
    const lines: string[] = [];
    const deps = { db: t.testDb.db, clock: systemClock, adapters: [inboxAdapter(t.testDb.db, systemClock), logAdapter((l) => lines.push(l))], resolveContact: directoryContacts(t.testDb.db) };
    const email = deliveries.find((d) => d.channel === 'email')!;
    expect(await deliverNotice(deps, { regionCode: email.regionCode, noticeId: email.id, channel: 'email' })).toMatchObject({ status: 'delivered' });
    // The stand-in log adapter shows the masked address, never the address itself.
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('channel=email to=d***@example.kz');
    expect(lines[0]).toContain('template=appeals:notice.staff_security_report');
    expect(lines.join('\n')).not.toContain('d.omarov@example.kz');
  });
});
