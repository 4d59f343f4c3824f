import { describe, expect, it } from 'vitest';
import { createTestApp, login } from '../../../test/app.ts';

const { app, testDb } = await createTestApp();
const orgOf = async (loginName: string) =>
  (await testDb.db.selectFrom('staff').innerJoin('account', 'account.id', 'staff.accountId').select('staff.organizationId').where('account.login', '=', loginName).executeTakeFirstOrThrow()).organizationId;

describe('API keys for machine clients', () => {
  it('an administrator issues a key that authenticates, lists it without the secret, and revokes it', async () => {
    const admin = await login(app, 'admin');
    const orgId = await orgOf('admin');
    const issued = await app.inject({ method: 'POST', url: `/api/organizations/${orgId}/api-keys`, headers: admin.headers, payload: { name: 'City app', scopes: ['open311'] } });
    expect(issued.statusCode).toBe(201);
    const { id, key } = issued.json();
    expect(key).toMatch(/^ortak_[0-9a-f]{8}_/);

    const list = await app.inject({ method: 'GET', url: `/api/organizations/${orgId}/api-keys`, headers: admin.headers });
    expect(list.json().items).toHaveLength(1);
    expect(list.body).not.toContain(key);

    // The key is recognised (403: a machine client may not manage keys), an unknown key is not (401).
    const asClient = await app.inject({ method: 'GET', url: `/api/organizations/${orgId}/api-keys`, headers: { 'x-api-key': key } });
    expect(asClient.statusCode).toBe(403);
    const used = await testDb.db.selectFrom('apiKey').select('lastUsedAt').where('id', '=', id).executeTakeFirstOrThrow();
    expect(used.lastUsedAt).not.toBeNull();

    const revoked = await app.inject({ method: 'DELETE', url: `/api/organizations/${orgId}/api-keys/${id}`, headers: admin.headers });
    expect(revoked.statusCode).toBe(204);
    const after = await app.inject({ method: 'GET', url: `/api/organizations/${orgId}/api-keys`, headers: { 'x-api-key': key } });
    expect(after.statusCode).toBe(401);
  });

  it('refuses a wrong role, another organization, and anonymous callers', async () => {
    const orgId = await orgOf('admin');
    const payload = { name: 'x', scopes: ['open311'] };
    const executor = await login(app, 'executor');
    const other = await login(app, 'temirtau.admin');
    expect((await app.inject({ method: 'POST', url: `/api/organizations/${orgId}/api-keys`, headers: executor.headers, payload })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: `/api/organizations/${orgId}/api-keys`, headers: other.headers, payload })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: `/api/organizations/${orgId}/api-keys`, payload })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: `/api/organizations/${orgId}/api-keys`, headers: other.headers })).statusCode).toBe(403);
  });

  it('names the field at fault', async () => {
    const admin = await login(app, 'admin');
    const orgId = await orgOf('admin');
    const res = await app.inject({ method: 'POST', url: `/api/organizations/${orgId}/api-keys`, headers: admin.headers, payload: { name: 'x', scopes: ['everything'] } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toMatch(/^scopes/);
  });
});
