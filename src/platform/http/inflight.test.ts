import net from 'node:net';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { countInFlight } from './inflight.ts';
import type { App } from './types.ts';

describe('countInFlight', () => {
  it('counts the requests being answered, whether they end in a response, an error, a 404 or a dropped connection', async () => {
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

  it('releases a request whose client went away before the answer was sent', async () => {
    const app = Fastify() as unknown as App;
    const inFlight = countInFlight(app);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started = false;
    app.get('/slow', async () => {
      started = true;
      await gate;
      return { ok: true };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    while (!started) await new Promise((r) => setTimeout(r, 5));
    expect(inFlight()).toBe(1);
    socket.destroy();
    release();
    const end = Date.now() + 5000;
    while (inFlight() !== 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(inFlight()).toBe(0);
    await app.close();
  });
});
