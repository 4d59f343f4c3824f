import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type LoggedIn, type TestApp } from '../../../test/app.ts';
import { enqueueNotice } from './notify.ts';
import { testNotice } from './fixtures.test-support.ts';

let t: TestApp;
let first: LoggedIn;
let second: LoggedIn;
let staff: LoggedIn;
let firstAccount: string;
const ids: string[] = [];

async function accountOf(loginName: string): Promise<string> {
  return (await t.testDb.db.selectFrom('account').select('id').where('login', '=', loginName).executeTakeFirstOrThrow()).id;
}

beforeAll(async () => {
  t = await createTestApp();
  const citizens = t.demo.accounts.filter((a) => a.kind === 'citizen');
  first = await login(t.app, citizens[0]!.login);
  second = await login(t.app, citizens[1]!.login);
  staff = await login(t.app, 'executor');
  firstAccount = await accountOf(citizens[0]!.login);
  const db = t.testDb.db;
  const secondAccount = await accountOf(citizens[1]!.login);
  // The demo's appeals put their notices in these inboxes when seeded: the test counts its own.
  await db.deleteFrom('inboxMessage').where('accountId', 'in', [firstAccount, secondAccount]).execute();
  for (let i = 0; i < 3; i++) {
    const id = await db.transaction().execute((trx) =>
      enqueueNotice(trx, testNotice(firstAccount, { lang: 'ru', params: { name: `№${i}` }, subject: { type: 'appeal', id: `appeal-${i}` } }), new Date(Date.UTC(2026, 2, 10, 5, i))),
    );
    ids.push(id);
  }
});

interface InboxBody {
  items: { id: string; title: string; body: string; about: { type: string; id: string } | null; createdAt: string; readAt: string | null; isRead: boolean }[];
  total: number;
  unread: number;
  limit: number;
  offset: number;
}

describe('GET /api/inbox', () => {
  it('shows the signed-in person their own notices, newest first, paged, with the unread count', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/inbox?limit=2', headers: { cookie: first.cookie } });
    expect(res.statusCode).toBe(200);
    const body = res.json() as InboxBody;
    expect(body).toMatchObject({ total: 3, unread: 3, limit: 2, offset: 0 });
    expect(body.items.map((i) => i.id)).toEqual([ids[2], ids[1]]);
    expect(body.items[0]).toMatchObject({
      title: 'Ortak: проверочное уведомление',
      body: 'Это проверочное уведомление для №2. Если вы его получили, канал работает.',
      about: { type: 'appeal', id: 'appeal-2' },
      createdAt: '2026-03-10T05:02:00.000Z',
      readAt: null,
      isRead: false,
    });
    const next = (await t.app.inject({ method: 'GET', url: '/api/inbox?limit=2&offset=2', headers: { cookie: first.cookie } })).json() as InboxBody;
    expect(next.items.map((i) => i.id)).toEqual([ids[0]]);
  });

  it('shows another person none of them', async () => {
    for (const who of [second, staff]) {
      const res = await t.app.inject({ method: 'GET', url: '/api/inbox', headers: { cookie: who.cookie } });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ items: [], total: 0, unread: 0 });
    }
  });

  it('is in the OpenAPI document with its schemas', () => {
    const doc = t.app.swagger() as unknown as { paths: Record<string, Record<string, { tags?: string[]; responses: Record<string, unknown> }>> };
    expect(doc.paths['/api/inbox']?.get?.tags).toEqual(['notices']);
    expect(Object.keys(doc.paths['/api/inbox/{id}/read']?.post?.responses ?? {})).toEqual(expect.arrayContaining(['200', '401', '404']));
  });

  it('needs a signed-in person; bad paging is a 400 problem', async () => {
    const anon = await t.app.inject({ method: 'GET', url: '/api/inbox' });
    expect(anon.statusCode).toBe(401);
    expect(anon.headers['content-type']).toContain('application/problem+json');
    const bad = await t.app.inject({ method: 'GET', url: '/api/inbox?limit=0', headers: { cookie: first.cookie } });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { errors: { field: string }[] }).errors[0]!.field).toBe('limit');
  });
});

describe('POST /api/inbox/:id/read', () => {
  it('another account cannot mark someone\'s notice read: 404, and it stays unread', async () => {
    const res = await t.app.inject({ method: 'POST', url: `/api/inbox/${ids[0]}/read`, headers: second.headers });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    // In the reader's own language (this demo citizen reads Kazakh).
    expect((res.json() as { detail: string }).detail).toBe('Хабарлама табылмады.');
    const mine = (await t.app.inject({ method: 'GET', url: '/api/inbox', headers: { cookie: first.cookie } })).json() as InboxBody;
    expect(mine.unread).toBe(3);
  });

  it('the owner marks it read (with the CSRF header); again keeps the first time', async () => {
    const noCsrf = await t.app.inject({ method: 'POST', url: `/api/inbox/${ids[0]}/read`, headers: { cookie: first.cookie } });
    expect(noCsrf.statusCode).toBe(403);
    const res = await t.app.inject({ method: 'POST', url: `/api/inbox/${ids[0]}/read`, headers: first.headers });
    expect(res.statusCode).toBe(200);
    const { readAt } = res.json() as { id: string; readAt: string };
    const again = await t.app.inject({ method: 'POST', url: `/api/inbox/${ids[0]}/read`, headers: first.headers });
    expect((again.json() as { readAt: string }).readAt).toBe(readAt);
    const mine = (await t.app.inject({ method: 'GET', url: '/api/inbox', headers: { cookie: first.cookie } })).json() as InboxBody;
    expect(mine.unread).toBe(2);
    expect(mine.items.find((i) => i.id === ids[0])).toMatchObject({ isRead: true, readAt });
  });

  it('an unknown id is 404 and a malformed one 400', async () => {
    const unknown = await t.app.inject({ method: 'POST', url: '/api/inbox/00000000-0000-4000-8000-000000000000/read', headers: first.headers });
    expect(unknown.statusCode).toBe(404);
    const bad = await t.app.inject({ method: 'POST', url: '/api/inbox/not-a-uuid/read', headers: first.headers });
    expect(bad.statusCode).toBe(400);
  });
});
