import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { countInFlight } from './inflight.ts';
import type { App } from './types.ts';

describe('countInFlight', () => {
  it('counts the requests being answered, whether they end in a response, an error or a 404', async () => {
    const app = Fastify() as unknown as App;
    const inFlight = countInFlight(app);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen: number[] = [];
    app.get('/slow', async () => {
      seen.push(inFlight());
      await gate;
      return { ok: true };
    });
    app.get('/fail', async () => {
      throw new Error('boom');
    });
    await app.ready();
    const a = app.inject('/slow');
    const b = app.inject('/slow');
    while (seen.length < 2) await new Promise((r) => setTimeout(r, 5));
    expect(inFlight()).toBe(2);
    release();
    await Promise.all([a, b]);
    expect((await app.inject('/fail')).statusCode).toBe(500);
    expect((await app.inject('/nowhere')).statusCode).toBe(404);
    expect(inFlight()).toBe(0);
    await app.close();
  });
});
