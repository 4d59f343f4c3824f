import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.ts';
import { as, cat, context, file, pothole, type Ctx } from './appeals.test-support.ts';

/**
 * Hostile input to every appeals endpoint, by every kind of caller that has business there:
 * never a 5xx, every 4xx is problem+json. Bodies are built around valid ones (one field
 * replaced), so that the checks deep inside the services are reached, not only the schema.
 */

let t: TestApp;
let ctx: Ctx;
let appealId = '';

beforeAll(async () => {
  t = await createTestApp({ env: { ANON_RATE_LIMIT: '1000000' } });
  ctx = await context(t);
  appealId = (await file(ctx, '900515301234', pothole(ctx))).appealId;
});

const hostile = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('', ' ', '\u0000', '0', '-1', 'null', "'; drop table appeal; --", 'Ә'.repeat(3000), '00000000-0000-0000-0000-000000000000', '900515301234', '2026-02-30', '9'.repeat(40), '351013100', '35'),
  fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }), fc.jsonValue({ maxDepth: 2 }),
);

const WHO = ['900515301234', '061211600012', 'operator', 'executor.roads', 'head.roads', 'coordinator', 'astana.coordinator', 'anonymous'] as const;

describe('hostile input to the appeals API', () => {
  const endpoints: { method: 'GET' | 'POST' | 'PATCH'; url: () => string; label?: string; body?: () => Record<string, unknown> }[] = [
    { method: 'POST', url: () => '/api/appeals', body: () => pothole(ctx) },
    { method: 'POST', url: () => '/api/appeals/operator', body: () => ({ ...pothole(ctx), applicant: { iin: '061211600012', phone: '+77015550101', lastName: 'А', firstName: 'Б' } }) },
    { method: 'POST', url: () => '/api/appeals/callers/search', body: () => ({ iin: '900515301234', phone: '+77015550101' }) },
    { method: 'POST', url: () => '/api/appeals/categories', body: () => ({ regionCode: '350000000', code: 'fuzz', name: { kk: 'a', ru: 'b', en: 'c' }, extraFields: { type: 'object' } }) },
    { method: 'POST', url: () => '/api/appeals/routing-rules', body: () => ({ regionCode: '350000000', categoryId: cat(ctx, 'roads'), territoryPrefix: '3524', organizationId: '00000000-0000-4000-8000-000000000000' }) },
    ...['accept', 'delegate', 'request-info', 'provide-info', 'answer', 'extend', 'feedback', 'route', 'reassign', 'return', 'forward', 'merge', 'withdraw'].map((a) => ({
      method: 'POST' as const,
      url: () => `/api/appeals/${appealId}/${a}`,
      label: `/api/appeals/:id/${a}`,
      body: () => ({ expectedVersion: 2, assigneeId: appealId, question: 'q', text: 't', decision: 'granted', newDueDate: '2026-12-30', reason: 'r', verdict: 'disputed', rating: 3, comment: 'c', organizationId: appealId, recipient: 'x', originalId: appealId }),
    })),
    { method: 'GET', url: () => `/api/appeals/${appealId}`, label: '/api/appeals/:id' },
    { method: 'GET', url: () => '/api/appeals/inbox' },
    { method: 'GET', url: () => '/api/appeals/mine' },
    { method: 'GET', url: () => '/api/appeals/categories' },
    { method: 'GET', url: () => '/api/appeals/route-preview' },
  ];

  for (const ep of endpoints) {
    it(`${ep.method} ${ep.label ?? ep.url()}`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...WHO), fc.string({ maxLength: 12 }), hostile, fc.dictionary(fc.constantFrom('limit', 'offset', 'state', 'categoryId', 'overdue', 'mine', 'regionCode', 'territoryCode', 'organizationId'), fc.string({ maxLength: 40 }), { maxKeys: 3 }), async (who, field, value, query) => {
          const base = ep.body?.() ?? {};
          const keys = Object.keys(base);
          const key = keys.length && field.length % 2 === 0 ? keys[field.length % keys.length]! : field;
          const payload = { ...base, [key]: value };
          const headers = who === 'anonymous' ? {} : await as(ctx, who);
          const qs = new URLSearchParams(query).toString();
          const res = await t.app.inject({ method: ep.method, url: `${ep.url()}${qs ? `?${qs}` : ''}`, headers, ...(ep.method === 'GET' ? {} : { payload }) });
          if (res.statusCode >= 500) throw new Error(`${res.statusCode} for ${ep.method} ${ep.url()} as ${who} with ${key}=${JSON.stringify(value).slice(0, 80)}: ${res.body.slice(0, 300)}`);
          if (res.statusCode >= 400 && !String(res.headers['content-type']).includes('problem+json')) throw new Error(`${res.statusCode} without problem+json`);
        }),
        { numRuns: 40 },
      );
    });
  }
});
