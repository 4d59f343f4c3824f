import nodemailer from 'nodemailer';
import type { Config, NotifyAdapterName } from '../../config.ts';
import type { Clock } from '../clock.ts';
import type { Executor } from '../db/database.ts';
import type { Lang } from '../i18n/i18n.ts';
import type { Channel } from './notify.ts';

/** What an adapter is given: the stored notice (text already rendered) and the channel. */
export interface DeliverableNotice {
  id: string;
  regionCode: string;
  channel: Channel;
  accountId: string | null;
  lang: Lang;
  template: string;
  title: string;
  body: string;
  about: { type: string; id: string } | null;
  createdAt: Date;
}

/** The recipient's contacts for this delivery (personal data: adapters never log them in clear). */
export interface Contact {
  email?: string | null;
  phone?: string | null;
}

export type DeliveryResult = { ok: true; providerId?: string } | { ok: false; error: string; retryable: boolean };

export interface NoticeAdapter {
  readonly name: NotifyAdapterName;
  /** The channel it delivers; `any` for the log adapter, which stands in for any channel that is off. */
  readonly channel: Channel | 'any';
  deliver(notice: DeliverableNotice, contact: Contact): Promise<DeliveryResult>;
  close?(): Promise<void>;
}

// ── masking ────────────────────────────────────────────────────────────────────────────────

/** "+77015550201" → "+7*******01". */
export function maskPhone(phone: string): string {
  const p = phone.trim();
  if (p.length <= 4) return '*'.repeat(p.length);
  const head = p.startsWith('+') ? p.slice(0, 2) : p.slice(0, 1);
  return head + '*'.repeat(p.length - head.length - 2) + p.slice(-2);
}

/** "o.petrova@example.kz" → "o***@example.kz". */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** Masks every e-mail address and phone-like number in a text (adapter errors may quote them). */
export function scrubContacts(text: string): string {
  return text
    .replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+\.[A-Za-z]{2,}/g, (m) => maskEmail(m))
    .replace(/\+?\d[\d\s()-]{8,}\d/g, (m) => maskPhone(m.replace(/[\s()-]/g, '')));
}

// ── adapters ───────────────────────────────────────────────────────────────────────────────

/**
 * The in-app inbox. One row per notice (keyed by the notice id): a second delivery of the same
 * notice changes nothing.
 */
export function inboxAdapter(db: Executor, clock: Clock): NoticeAdapter {
  return {
    name: 'inbox',
    channel: 'inbox',
    async deliver(n) {
      if (!n.accountId) return { ok: false, error: 'the notice has no account for the inbox', retryable: false };
      await db
        .insertInto('inboxMessage')
        .values({
          regionCode: n.regionCode,
          noticeId: n.id,
          accountId: n.accountId,
          title: n.title,
          body: n.body,
          aboutType: n.about?.type ?? null,
          aboutId: n.about?.id ?? null,
          createdAt: n.createdAt,
          deliveredAt: clock.now(),
        })
        .onConflict((oc) => oc.columns(['regionCode', 'noticeId']).doNothing())
        .execute();
      return { ok: true };
    },
  };
}

/**
 * One log line per notice, the contact masked and the body left out (it may name the person).
 * The embedded default for e-mail and SMS: shows what would have been sent, sends nothing.
 */
export function logAdapter(write: (line: string) => void): NoticeAdapter {
  return {
    name: 'log',
    channel: 'any',
    async deliver(n, contact) {
      const to =
        n.channel === 'email' && contact.email ? maskEmail(contact.email)
        : n.channel === 'sms' && contact.phone ? maskPhone(contact.phone)
        : n.accountId ? `account ${n.accountId}`
        : '(none)';
      write(`[notice] ${n.id} channel=${n.channel} to=${to} lang=${n.lang} template=${n.template} subject=${JSON.stringify(n.title)}`);
      return { ok: true };
    },
  };
}

export interface SmtpSettings {
  /** smtp(s)://user:password@host:port */
  url: string;
  from: string;
}

/** E-mail through an SMTP server (nodemailer). A 5xx reply is final; anything else is retried. */
export function smtpAdapter(s: SmtpSettings): NoticeAdapter {
  // Short timeouts: a stuck server fails the attempt, which is retried later. Query options in
  // the URL (e.g. ?tls.rejectUnauthorized=false) win over these.
  const transport = nodemailer.createTransport({ url: s.url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  return {
    name: 'smtp',
    channel: 'email',
    async deliver(n, contact) {
      if (!contact.email) return { ok: false, error: 'the recipient has no e-mail address', retryable: false };
      try {
        const info = await transport.sendMail({
          from: s.from,
          to: contact.email,
          subject: n.title,
          text: n.body,
          headers: { 'Content-Language': n.lang, 'X-Ortak-Notice': n.id },
        });
        return { ok: true, providerId: String(info.messageId ?? '') || undefined };
      } catch (e) {
        const err = e as Error & { responseCode?: number; code?: string };
        // A 5xx reply is final, a 4xx one temporary; EENVELOPE without a reply is an address nodemailer refused itself.
        const permanent = err.responseCode !== undefined ? err.responseCode >= 500 : err.code === 'EENVELOPE';
        return { ok: false, error: `smtp: ${err.responseCode ?? err.code ?? ''} ${err.message}`.trim(), retryable: !permanent };
      }
    },
    async close() {
      transport.close();
    },
  };
}

export interface SmsSettings {
  url: string;
  /** `Authorization: Bearer <token>`, or a whole header when written `Name: value`. */
  token: string;
  /** Body with {{phone}}, {{text}}, {{id}}; JSON when it starts with `{`, else form-encoded. */
  template: string;
  timeoutMs?: number;
}

export function smsRequest(s: SmsSettings, values: { phone: string; text: string; id: string }): { headers: Record<string, string>; body: string } {
  const isJson = s.template.trimStart().startsWith('{');
  // Values are escaped for where they land: inside a JSON string, or a form value.
  const esc = (v: string) => (isJson ? JSON.stringify(v).slice(1, -1) : encodeURIComponent(v));
  const body = s.template.replace(/\{\{\s*(phone|text|id)\s*\}\}/g, (_m, k: 'phone' | 'text' | 'id') => esc(values[k]));
  const headers: Record<string, string> = { 'content-type': isJson ? 'application/json; charset=utf-8' : 'application/x-www-form-urlencoded; charset=utf-8' };
  if (s.token) {
    const m = /^([A-Za-z0-9-]+):\s+(.+)$/.exec(s.token);
    if (m) headers[m[1]!.toLowerCase()] = m[2]!;
    else headers.authorization = `Bearer ${s.token}`;
  }
  return { headers, body };
}

/**
 * SMS through an HTTP gateway: one POST per message. The gateway's status decides: 2xx
 * delivered (its `id`/`messageId` kept); 408, 425, 429, 5xx and network errors retried; any other
 * 4xx final. The text is the notice body.
 */
export function smsAdapter(s: SmsSettings): NoticeAdapter {
  return {
    name: 'sms',
    channel: 'sms',
    async deliver(n, contact) {
      if (!contact.phone) return { ok: false, error: 'the recipient has no phone number', retryable: false };
      const { headers, body } = smsRequest(s, { phone: contact.phone, text: n.body, id: n.id });
      let res: Response;
      try {
        res = await fetch(s.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(s.timeoutMs ?? 10_000) });
      } catch (e) {
        return { ok: false, error: `sms gateway unreachable: ${(e as Error).message}`, retryable: true };
      }
      const text = (await res.text().catch(() => '')).slice(0, 500);
      if (res.ok) {
        let providerId: string | undefined;
        try {
          const j = JSON.parse(text) as Record<string, unknown>;
          const v = j.id ?? j.messageId ?? j.message_id;
          if (typeof v === 'string' || typeof v === 'number') providerId = String(v);
        } catch {
          // Not JSON: the status alone says it was accepted.
        }
        return { ok: true, ...(providerId ? { providerId } : {}) };
      }
      const retryable = res.status >= 500 || [408, 425, 429].includes(res.status);
      return { ok: false, error: `sms gateway ${res.status}: ${text}`.trim(), retryable };
    },
  };
}

/** The adapters switched on by NOTIFY_CHANNELS (config.ts checks that each has its settings). */
export function adaptersFromConfig(
  config: Pick<Config, 'notifyChannels' | 'smtpUrl' | 'smtpFrom' | 'smsGatewayUrl' | 'smsGatewayToken' | 'smsTemplate'>,
  deps: { db: Executor; clock: Clock; log: (line: string) => void },
): NoticeAdapter[] {
  return config.notifyChannels.map((name) => {
    switch (name) {
      case 'inbox':
        return inboxAdapter(deps.db, deps.clock);
      case 'log':
        return logAdapter(deps.log);
      case 'smtp':
        return smtpAdapter({ url: config.smtpUrl, from: config.smtpFrom });
      case 'sms':
        return smsAdapter({ url: config.smsGatewayUrl, token: config.smsGatewayToken, template: config.smsTemplate });
    }
  });
}

/** The channel's own adapter when it is on; else `log` standing in (marked as fallback); else none. */
export function pickAdapter(adapters: readonly NoticeAdapter[], channel: Channel): { adapter: NoticeAdapter; isFallback: boolean } | undefined {
  const own = adapters.find((a) => a.channel === channel);
  if (own) return { adapter: own, isFallback: false };
  const log = adapters.find((a) => a.channel === 'any');
  return log ? { adapter: log, isFallback: true } : undefined;
}
