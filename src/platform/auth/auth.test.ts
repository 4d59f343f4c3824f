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

  it('slides the idle expiry at most once a minute, and never revives an expired session', async () => {
    const s = await login(app, 'designer');
    const id = async () =>
      testDb.db
        .selectFrom('session')
        .innerJoin('account', 'account.id', 'session.accountId')
        .select(['session.lastSeenAt', 'session.expiresAt'])
        .where('account.login', '=', 'designer')
        .executeTakeFirstOrThrow();
    const first = await id();
    clock.advance(30_000);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    expect(await id()).toEqual(first); // within the minute: no write
    clock.advance(60_000);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    const touched = await id();
    expect(touched.lastSeenAt).toEqual(clock.now());
    expect(touched.expiresAt).toEqual(new Date(clock.now().getTime() + 12 * 3_600_000));
    clock.advance(12 * 3_600_000 + 1);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } })).statusCode).toBe(401);
    expect(await id()).toEqual(touched); // the expired session was not slid forward
  });

  it('a session deleted on the server (revoked) fails on the very next request', async () => {
    const s = await login(app, 'head.water');
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    const account = await testDb.db.selectFrom('account').select('id').where('login', '=', 'head.water').executeTakeFirstOrThrow();
    await testDb.db.deleteFrom('session').where('accountId', '=', account.id).execute();
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } })).statusCode).toBe(401);
  });

  it('a role revoked, a staff member or an account deactivated act on the next request of a live session', async () => {
    const admin = await login(app, 'admin');
    const s = await login(app, 'executor.energy');
    const roles = async () => {
      const res = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } });
      return res.statusCode === 200 ? (res.json().actor.roles as { role: string }[]).map((r) => r.role) : res.statusCode;
    };
    expect(await roles()).toEqual(['executor']);
    const staff = await testDb.db
      .selectFrom('staff')
      .innerJoin('account', 'account.id', 'staff.accountId')
      .innerJoin('roleGrant', 'roleGrant.staffId', 'staff.id')
      .select(['staff.id', 'roleGrant.id as grantId', 'account.id as accountId'])
      .where('account.login', '=', 'executor.energy')
      .executeTakeFirstOrThrow();
    const revoked = await app.inject({ method: 'DELETE', url: `/api/staff/${staff.id}/roles/${staff.grantId}`, headers: admin.headers });
    expect(revoked.statusCode, revoked.body).toBe(204);
    expect(await roles()).toEqual([]);
    const off = await app.inject({ method: 'PATCH', url: `/api/staff/${staff.id}`, headers: admin.headers, payload: { isActive: false } });
    expect(off.statusCode, off.body).toBe(200);
    expect(await roles()).toBe(401);
    await app.inject({ method: 'PATCH', url: `/api/staff/${staff.id}`, headers: admin.headers, payload: { isActive: true } });
    expect(await roles()).toEqual([]);
    await testDb.db.updateTable('account').set({ isActive: false }).where('id', '=', staff.accountId).execute();
    expect(await roles()).toBe(401);
  });

  it('signs in a citizen with their person', async () => {
    const s = await login(app, '900515301234');
    const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ actor: { kind: 'citizen', roles: [] }, csrfToken: s.csrf });
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
