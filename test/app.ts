import { afterAll } from 'vitest';
import { buildApp } from '../src/app.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { fixedClock, systemClock, type Clock } from '../src/platform/clock.ts';
import type { App } from '../src/platform/http/types.ts';
import { seedDemo, type DemoSummary } from '../src/seed.ts';
import { createTestDb, type TestDb } from './db.ts';

export interface TestApp {
  app: App;
  testDb: TestDb;
  demo: DemoSummary;
  /** What the app was built with (e.g. to make a module's deps beside it). */
  config: Config;
  close(): Promise<void>;
}

/**
 * The real application on a fresh database with the demo region loaded, for `app.inject`
 * or `app.listen`. Closed automatically after the test file.
 */
export async function createTestApp(opts: { clock?: Clock; env?: Record<string, string> } = {}): Promise<TestApp> {
  const testDb = await createTestDb();
  const demo = await seedDemo(testDb.db);
  const config = loadConfig({ SEED_DEMO: 'false', LOG_LEVEL: 'silent', LOGIN_RATE_LIMIT: '1000', ...opts.env, DATABASE_URL: testDb.url });
  const app = await buildApp({ config, db: testDb.db, clock: opts.clock ?? systemClock, logger: false });
  await app.ready();
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await app.close();
    await testDb.close();
  };
  afterAll(close);
  return { app, testDb, demo, config, close };
}

export { fixedClock };

export interface LoggedIn {
  cookie: string;
  csrf: string;
  headers: { cookie: string; 'x-csrf-token': string };
}

/** Signs in through the real login endpoint; returns the headers for further requests. */
export async function login(app: App, loginName: string, password = 'demo'): Promise<LoggedIn> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: loginName, password } });
  if (res.statusCode !== 200) throw new Error(`login ${loginName} failed: ${res.statusCode} ${res.body}`);
  const set = res.cookies.find((c) => c.name === 'ortak_session');
  if (!set) throw new Error('no session cookie');
  const cookie = `ortak_session=${set.value}`;
  const csrf = (res.json() as { csrfToken: string }).csrfToken;
  return { cookie, csrf, headers: { cookie, 'x-csrf-token': csrf } };
}
