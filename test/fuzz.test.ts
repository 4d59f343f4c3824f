import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTestApp, login, type LoggedIn } from './app.ts';

/**
 * Every operation in the OpenAPI document, hit with hostile input by an anonymous caller, a
 * citizen and an administrator: the answer is never a 5xx, and every 4xx is problem+json.
 * New modules are covered automatically as their routes appear in the document.
 */
const { app } = await createTestApp({ env: { ANON_RATE_LIMIT: '1000000' } });
const doc = (await app.inject('/openapi.json')).json() as { paths: Record<string, Record<string, unknown>> };
const ops = Object.entries(doc.paths).flatMap(([p, methods]) =>
  Object.keys(methods)
    .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
    // Signing out would end the session the rest of the run uses.
    .filter(() => p !== '/api/auth/logout')
    .map((m) => ({ path: p, method: m.toUpperCase() as 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' })),
);

const hostileString = fc.oneof(
  fc.string(),
  fc.constantFrom('', ' ', '0', '-1', '1e309', 'null', '../../etc/passwd', "'; drop table account; --", '<script>x</script>', '😀'.repeat(50), 'Ә'.repeat(5000), '00000000-0000-0000-0000-000000000000', '900515301234', '2026-02-30', '9'.repeat(40)),
);
const hostileJson = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(fc.constantFrom('login', 'password', 'iin', 'bin', 'name', 'text', 'categoryId', 'organizationId', 'locale', 'limit', 'offset', 'from', 'days', 'year', 'role', 'phone', 'format', 'content', 'entries'), fc.oneof(hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }))),
);

function fill(path: string, v: string) {
  return path.replace(/\{[^}]+\}/g, () => encodeURIComponent(v));
}

describe('hostile input to every endpoint', () => {
  const sessions: Record<string, LoggedIn | undefined> = { anonymous: undefined };

  it('covers a real set of operations', async () => {
    sessions.citizen = await login(app, '900515301234');
    sessions.admin = await login(app, 'admin');
    expect(ops.length).toBeGreaterThan(15);
  });

  for (const op of ops) {
    it(`${op.method} ${op.path}`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('anonymous', 'citizen', 'admin'), hostileString, hostileJson, fc.dictionary(fc.string({ maxLength: 10 }), hostileString, { maxKeys: 4 }), async (who, param, body, query) => {
          const s = sessions[who];
          const qs = new URLSearchParams(query as Record<string, string>).toString();
          const res = await app.inject({
            method: op.method,
            url: `${fill(op.path, param)}${qs ? `?${qs}` : ''}`,
            headers: s ? s.headers : {},
            ...(op.method === 'GET' || op.method === 'DELETE' ? {} : { payload: body as object }),
          });
          if (res.statusCode >= 500) throw new Error(`${res.statusCode} for ${op.method} ${op.path} as ${who}: ${res.body.slice(0, 300)}`);
          if (res.statusCode < 400) return;
          const type = String(res.headers['content-type'] ?? '');
          if (op.path.startsWith('/open311/')) {
            // Open311 clients get the spec's error list: [{ code, description }] (JSON or XML).
            const ok = type.includes('xml') ? res.body.includes('<errors>') : Array.isArray(res.json()) && typeof res.json()[0]?.description === 'string';
            if (!ok) throw new Error(`${res.statusCode} not in Open311 error format for ${op.method} ${op.path}: ${res.body.slice(0, 200)}`);
          } else if (!type.includes('problem+json')) {
            throw new Error(`${res.statusCode} without problem+json for ${op.method} ${op.path}: ${type}`);
          }
        }),
        { numRuns: 12 },
      );
    });
  }
});
