import { describe, expect, it } from 'vitest';
import { createTestApp, fixedClock, login } from '../../../test/app.ts';
import { createApiKey } from './auth.service.ts';

const clock = fixedClock('2026-03-16T05:00:00Z');
const { app, testDb } = await createTestApp({ clock, env: { LOGIN_RATE_LIMIT: '20' } });

describe('sessions', () => {
  it('signs in staff, answers /me, and stores only a hash of the cookie token', async () => {
    const s = await login(app, 'coordinator');
    const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } });
    expect(me.statusCode).toBe(200);
    const body = me.json();
    expect(body.actor.kind).toBe('staff');
    expect(body.actor.roles.map((r: { role: string }) => r.role)).toContain('coordinator');
    expect(body.csrfToken).toBe(s.csrf);
    const token = s.cookie.split('=')[1]!;
    const raw = await testDb.db.selectFrom('session').select('id').where('id', '=', token).executeTakeFirst();
    expect(raw).toBeUndefined();
  });

  it('sets an http-only, SameSite cookie', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'executor', password: 'demo' } });
    const c = res.cookies.find((x) => x.name === 'ortak_session')!;
    expect(c.httpOnly).toBe(true);
    expect(c.sameSite).toBe('Lax');
  });

  it('refuses a wrong password and an unknown login alike, as problem+json in the language asked', async () => {
    for (const payload of [{ login: 'coordinator', password: 'nope' }, { login: 'nobody', password: 'demo' }]) {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload, headers: { 'accept-language': 'kk' } });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ status: 401, code: 'invalid_credentials', detail: 'Логин немесе құпиясөз қате.' });
    }
  });

  it('names the missing field', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'x' }, headers: { 'accept-language': 'en' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('password');
  });

  it('requires the CSRF token on cookie-authenticated writes', async () => {
    const s = await login(app, 'executor');
    const without = await app.inject({ method: 'PUT', url: '/api/auth/me/locale', headers: { cookie: s.cookie }, payload: { locale: 'kk' } });
    expect(without.statusCode).toBe(403);
    expect(without.json().code).toBe('csrf');
    const withToken = await app.inject({ method: 'PUT', url: '/api/auth/me/locale', headers: s.headers, payload: { locale: 'kk' } });
    expect(withToken.statusCode).toBe(204);
    const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } });
    expect(me.json().actor.locale).toBe('kk');
  });

  it('logs out: the session no longer works', async () => {
    const s = await login(app, 'head');
    expect((await app.inject({ method: 'POST', url: '/api/auth/logout', headers: s.headers })).statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } })).statusCode).toBe(401);
  });

  it('expires an idle session after SESSION_TTL_HOURS', async () => {
    const s = await login(app, 'operator');
    clock.advance(11 * 3_600_000);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    clock.advance(11 * 3_600_000); // activity slid the expiry forward
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    clock.advance(13 * 3_600_000);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } })).statusCode).toBe(401);
  });

  it('rate-limits login attempts per address', async () => {
    let last = 0;
    for (let i = 0; i < 22; i++) {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'x', password: 'y' }, remoteAddress: '10.9.9.9' });
      last = res.statusCode;
    }
    expect(last).toBe(429);
  });
});

describe('API keys', () => {
  it('authenticate machine clients, scoped to an organization; unknown keys are refused', async () => {
    const org = await testDb.db.selectFrom('organization').select(['id', 'regionCode']).limit(1).executeTakeFirstOrThrow();
    const { key } = await createApiKey(testDb.db, { name: 'test client', organizationId: org.id, regionCode: org.regionCode, scopes: ['open311'] }, clock.now());
    const stored = await testDb.db.selectFrom('apiKey').select('keyHash').where('name', '=', 'test client').executeTakeFirstOrThrow();
    expect(stored.keyHash).not.toContain(key);
    const bad = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { 'x-api-key': 'ortak_nope' } });
    expect(bad.statusCode).toBe(401);
  });
});

describe('errors and operations endpoints', () => {
  it('unknown routes are problem+json 404', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ status: 404, code: 'not_found', instance: '/api/nothing-here' });
    expect(res.json().requestId).toBeTruthy();
  });

  it('malformed JSON is a 400 naming the body, never a 500', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: '{"login":', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('body');
  });

  it('a body over 1 MB is a 413', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'x'.repeat(1_100_000), password: 'y' } });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('payload_too_large');
  });

  it('serves health, readiness, metrics, OpenAPI 3.1 and security headers', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await app.inject('/readyz')).json()).toEqual({ status: 'ready' });
    const metrics = await app.inject('/metrics');
    expect(metrics.body).toContain('ortak_http_request_duration_seconds');
    const doc = (await app.inject('/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    const h = (await app.inject('/healthz')).headers;
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['content-security-policy']).toContain("default-src 'self'");
  });
});
