import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('config', () => {
  it('has documented defaults', () => {
    const c = loadConfig({}, '/srv/ortak');
    expect(c).toMatchObject({ port: 8080, host: '0.0.0.0', databaseUrl: undefined, databasePoolSize: 8, dataDir: '/srv/ortak/data', logLevel: 'info', seedDemo: true, cookieSecure: false, sessionTtlHours: 12 });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('takes the pool size from DATABASE_POOL_SIZE', () => {
    expect(loadConfig({ DATABASE_POOL_SIZE: '6' }).databasePoolSize).toBe(6);
  });

  it('secure cookies in production unless turned off', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).cookieSecure).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production', COOKIE_SECURE: 'false' }).cookieSecure).toBe(false);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x@y/z'],
    ['DATABASE_URL', 'not a url'],
    ['LOG_LEVEL', 'loud'],
    ['SEED_DEMO', 'maybe'],
    ['SESSION_TTL_HOURS', '0'],
    ['DATABASE_POOL_SIZE', '0'],
    ['DATABASE_POOL_SIZE', 'many'],
    ['MAP_TILE_URL', 'ftp://tiles'],
  ])('a bad %s (%s) stops the start naming the variable', (name, value) => {
    let err: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe(name);
    expect((err as Error).message.startsWith(`${name}:`)).toBe(true);
  });
});
