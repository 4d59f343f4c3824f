import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/db.ts';
import { fixedClock } from '../clock.ts';
import { adaptersFromConfig, smsAdapter, smsRequest, smtpAdapter, type NoticeAdapter } from './notify.adapters.ts';
import { deliverNotice, type DeliveryDeps } from './notify.delivery.ts';
import { enqueueNotice, type NoticeInput } from './notify.ts';
import { contactsOf, makeAccount, REGION, testNotice } from './fixtures.test-support.ts';
import { loadConfig } from '../../config.ts';

/**
 * The e-mail and SMS adapters against real servers on localhost: an SMTP server (smtp-server)
 * that receives the message, and an HTTP gateway (node:http) that fails, then accepts.
 */

let tdb: TestDb;
const clock = fixedClock('2026-03-10T05:00:00Z');
let aigerim: string;
let ivan: string;
const contacts = () =>
  contactsOf({
    [aigerim]: { email: 'aigerim@example.kz', phone: '+77015550201' },
    [ivan]: { email: 'nobody@example.kz', phone: '+77015550299' },
  });

beforeAll(async () => {
  tdb = await createTestDb();
  aigerim = await makeAccount(tdb.db, 'kk');
  ivan = await makeAccount(tdb.db, 'ru');
});
afterAll(() => tdb.close());

const enqueue = (n: NoticeInput) => tdb.db.transaction().execute((trx) => enqueueNotice(trx, n, clock.now()));
const attemptsOf = (noticeId: string) =>
  tdb.db.selectFrom('noticeAttempt').selectAll().where('noticeId', '=', noticeId).orderBy('attemptNo').execute();

// ── a just-enough MIME reader for what nodemailer writes ──

function decodeQp(s: string): Buffer {
  const bytes: number[] = [];
  const t = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '=' && /^[0-9A-F]{2}$/i.test(t.slice(i + 1, i + 3))) {
      bytes.push(parseInt(t.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(t[i]!, 'utf8'));
  }
  return Buffer.from(bytes);
}

/** RFC 2047 encoded words; adjacent ones join without the space between them. */
function decodeHeader(v: string): string {
  return v
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/(=\?[^?]+\?[QqBb]\?[^?]*\?=)+/g, (run) => {
      const bytes = [...run.matchAll(/=\?[^?]+\?([QqBb])\?([^?]*)\?=/g)].map(([, enc, text]) =>
        enc!.toUpperCase() === 'B' ? Buffer.from(text!, 'base64') : decodeQp(text!.replace(/_/g, ' ')),
      );
      return Buffer.concat(bytes).toString('utf8');
    });
}

function parseMail(raw: string): { headers: Record<string, string>; text: string } {
  const [head, ...rest] = raw.split(/\r\n\r\n/);
  const headers: Record<string, string> = {};
  for (const line of head!.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = decodeHeader(line.slice(i + 1).trim());
  }
  const body = rest.join('\r\n\r\n');
  const cte = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const text = cte === 'base64' ? Buffer.from(body, 'base64').toString('utf8') : cte === 'quoted-printable' ? decodeQp(body).toString('utf8') : body;
  return { headers, text: text.replace(/\r\n$/, '') };
}

describe('smtp adapter (a real SMTP server on localhost)', () => {
  const received: { from: string; to: string[]; raw: string }[] = [];
  let server: SMTPServer;
  let port = 0;

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo(address, _session, cb) {
        if (address.address.startsWith('nobody@')) return cb(Object.assign(new Error('5.1.1 no such mailbox: nobody@example.kz'), { responseCode: 550 }));
        if (address.address.startsWith('later@')) return cb(Object.assign(new Error('4.2.1 mailbox busy, try later'), { responseCode: 451 }));
        cb();
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const deps = (adapter: NoticeAdapter): DeliveryDeps => ({ db: tdb.db, clock, adapters: [adapter], resolveContact: contacts() });

  it('sends the notice in the recipient\'s language', async () => {
    const adapter = smtpAdapter({ url: `smtp://127.0.0.1:${port}`, from: 'Ortak <no-reply@ortak.test>' });
    const id = await enqueue(testNotice(aigerim, { channels: ['email'], lang: 'kk', params: { name: 'Айгерім Сәрсенова' } }));
    const out = await deliverNotice(deps(adapter), { regionCode: REGION, noticeId: id, channel: 'email' });
    expect(out).toMatchObject({ status: 'delivered', adapter: 'smtp', isFallback: false, attempt: 1 });
    const mail = received.at(-1)!;
    expect(mail.from).toBe('no-reply@ortak.test');
    expect(mail.to).toEqual(['aigerim@example.kz']);
    const { headers, text } = parseMail(mail.raw);
    expect(headers.subject).toBe('Ortak: тексеру хабарламасы');
    expect(headers['content-language']).toBe('kk');
    expect(headers['x-ortak-notice']).toBe(id);
    expect(text).toBe('Бұл Айгерім Сәрсенова үшін тексеру хабарламасы. Егер оны алсаңыз, арна жұмыс істеп тұр.');
    const d = await tdb.db.selectFrom('noticeDelivery').selectAll().where('noticeId', '=', id).executeTakeFirstOrThrow();
    expect(d).toMatchObject({ status: 'delivered', adapter: 'smtp', attempts: 1 });
    expect(d.providerId).toMatch(/^<.+>$/); // the Message-ID
    await adapter.close?.();
  });

  it('a permanent refusal (5xx) fails at once; a temporary one (4xx) is retried; the address is masked', async () => {
    const adapter = smtpAdapter({ url: `smtp://127.0.0.1:${port}`, from: 'no-reply@ortak.test' });
    const id = await enqueue(testNotice(ivan, { channels: ['email'] }));
    const out = await deliverNotice(deps(adapter), { regionCode: REGION, noticeId: id, channel: 'email' });
    expect(out).toMatchObject({ status: 'failed' });
    const [a] = await attemptsOf(id);
    expect(a).toMatchObject({ isOk: false, isRetryable: false, adapter: 'smtp' });
    expect(a!.error).toContain('550');
    expect(a!.error).not.toContain('nobody@example.kz');
    expect(a!.error).toContain('n***@example.kz');

    const later = await enqueue(testNotice(null, { to: { email: 'later@example.kz' }, channels: ['email'] }));
    expect(await deliverNotice(deps(adapter), { regionCode: REGION, noticeId: later, channel: 'email' })).toMatchObject({ status: 'retrying' });
    await adapter.close?.();
  });

  it('an unreachable server is a retryable failure', async () => {
    const adapter = smtpAdapter({ url: 'smtp://127.0.0.1:1', from: 'no-reply@ortak.test' });
    const id = await enqueue(testNotice(aigerim, { channels: ['email'] }));
    expect(await deliverNotice(deps(adapter), { regionCode: REGION, noticeId: id, channel: 'email' })).toMatchObject({ status: 'retrying' });
  });
});

describe('sms adapter (a real HTTP gateway on localhost)', () => {
  const requests: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  let respond: (n: number) => { status: number; body: string } = () => ({ status: 200, body: '{}' });
  let server: http.Server;
  let url = '';

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const r = respond(requests.length);
        res.writeHead(r.status, { 'content-type': 'application/json' }).end(r.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('a 500 is retried; the next attempt is accepted; both attempts are recorded', async () => {
    requests.length = 0;
    respond = (n) => (n === 1 ? { status: 500, body: 'upstream down' } : { status: 200, body: '{"id":"gw-42","status":"queued"}' });
    const adapter = smsAdapter({ url, token: 'secret-token', template: loadConfig({}).smsTemplate });
    const d: DeliveryDeps = { db: tdb.db, clock, adapters: [adapter], resolveContact: contacts() };
    const id = await enqueue(testNotice(aigerim, { channels: ['sms'], lang: 'ru', params: { name: 'Айгерім' } }));
    const key = { regionCode: REGION, noticeId: id, channel: 'sms' as const };
    expect(await deliverNotice(d, key)).toMatchObject({ status: 'retrying', attempt: 1, error: 'sms gateway 500: upstream down' });
    clock.advance(60_000);
    expect(await deliverNotice(d, key)).toMatchObject({ status: 'delivered', attempt: 2, adapter: 'sms' });

    expect(requests).toHaveLength(2);
    expect(requests[1]!.headers.authorization).toBe('Bearer secret-token');
    expect(requests[1]!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(requests[1]!.body)).toEqual({
      to: '+77015550201',
      text: 'Это проверочное уведомление для Айгерім. Если вы его получили, канал работает.',
      id,
    });
    const attempts = await attemptsOf(id);
    expect(attempts.map((a) => [a.attemptNo, a.isOk, a.isRetryable, a.providerId])).toEqual([
      [1, false, true, null],
      [2, true, false, 'gw-42'],
    ]);
    expect(attempts[1]!.at.valueOf() - attempts[0]!.at.valueOf()).toBe(60_000);
    const delivery = await tdb.db.selectFrom('noticeDelivery').selectAll().where('noticeId', '=', id).executeTakeFirstOrThrow();
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 2, providerId: 'gw-42', lastError: null });
  });

  it('a 4xx other than 408/425/429 is final; 429 is retried; an unreachable gateway is retried', async () => {
    const d = (u = url): DeliveryDeps => ({ db: tdb.db, clock, adapters: [smsAdapter({ url: u, token: '', template: loadConfig({}).smsTemplate })], resolveContact: contacts() });
    respond = () => ({ status: 400, body: '{"error":"bad number +77015550201"}' });
    const bad = await enqueue(testNotice(aigerim, { channels: ['sms'] }));
    const out = await deliverNotice(d(), { regionCode: REGION, noticeId: bad, channel: 'sms' });
    expect(out).toMatchObject({ status: 'failed' });
    expect((out as { error: string }).error).toBe('sms gateway 400: {"error":"bad number +7********01"}');
    respond = () => ({ status: 429, body: '' });
    const busy = await enqueue(testNotice(aigerim, { channels: ['sms'] }));
    expect(await deliverNotice(d(), { regionCode: REGION, noticeId: busy, channel: 'sms' })).toMatchObject({ status: 'retrying' });
    const down = await enqueue(testNotice(aigerim, { channels: ['sms'] }));
    expect(await deliverNotice(d('http://127.0.0.1:1/send'), { regionCode: REGION, noticeId: down, channel: 'sms' })).toMatchObject({ status: 'retrying' });
  });

  it('takes a form template and a custom auth header from config', async () => {
    requests.length = 0;
    respond = () => ({ status: 202, body: 'accepted' });
    const config = loadConfig({
      NOTIFY_CHANNELS: 'inbox,sms',
      SMS_GATEWAY_URL: url,
      SMS_GATEWAY_TOKEN: 'X-Api-Key: k-123',
      SMS_TEMPLATE: 'recipient={{phone}}&message={{text}}&ref={{id}}',
    });
    const adapters = adaptersFromConfig(config, { db: tdb.db, clock, log: () => {} });
    expect(adapters.map((a) => a.name)).toEqual(['inbox', 'sms']);
    const id = await enqueue(testNotice(aigerim, { channels: ['sms'], lang: 'en', params: { name: 'A & B' } }));
    expect(await deliverNotice({ db: tdb.db, clock, adapters, resolveContact: contacts() }, { regionCode: REGION, noticeId: id, channel: 'sms' })).toMatchObject({
      status: 'delivered',
    });
    const req = requests[0]!;
    expect(req.headers['x-api-key']).toBe('k-123');
    expect(req.headers.authorization).toBeUndefined();
    const form = new URLSearchParams(req.body);
    expect(form.get('recipient')).toBe('+77015550201');
    expect(form.get('message')).toBe('This is a test notice for A & B. If you have received it, the channel works.');
    expect(form.get('ref')).toBe(id);
  });

  it('escapes values into a JSON template', () => {
    const r = smsRequest({ url, token: '', template: '{"msisdn":"{{phone}}","body":"{{text}}"}' }, { phone: '+77015550201', text: 'a "quoted"\nline', id: 'x' });
    expect(JSON.parse(r.body)).toEqual({ msisdn: '+77015550201', body: 'a "quoted"\nline' });
  });
});

describe('configuration', () => {
  it('defaults to inbox and log; refuses a switched-on adapter without its settings, naming the variable', () => {
    expect(loadConfig({}).notifyChannels).toEqual(['inbox', 'log']);
    expect(() => loadConfig({ NOTIFY_CHANNELS: 'inbox,fax' })).toThrow(/NOTIFY_CHANNELS: unknown adapter "fax"/);
    expect(() => loadConfig({ NOTIFY_CHANNELS: 'smtp' })).toThrow(/^SMTP_URL: must be set/);
    expect(() => loadConfig({ NOTIFY_CHANNELS: 'sms' })).toThrow(/^SMS_GATEWAY_URL: must be set/);
    expect(() => loadConfig({ SMTP_URL: 'http://mail' })).toThrow(/^SMTP_URL/);
    expect(() => loadConfig({ SMS_TEMPLATE: '{"to": {{phone}}}' })).toThrow(/^SMS_TEMPLATE/);
    expect(loadConfig({ NOTIFY_CHANNELS: 'smtp,log', SMTP_URL: 'smtps://u:p@mail.example.kz:465' }).notifyChannels).toEqual(['smtp', 'log']);
    expect(loadConfig({}).fileMaxBytes).toBe(10 * 1024 * 1024);
    expect(() => loadConfig({ FILE_MAX_BYTES: '10MB' })).toThrow(/^FILE_MAX_BYTES/);
  });
});
