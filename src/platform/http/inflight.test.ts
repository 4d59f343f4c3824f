import net from 'node:net';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { countInFlight } from './inflight.ts';
import type { App } from './types.ts';

/** countInFlight on a real HTTP server: every request counted while answered, released however it ends. */

let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function serve(): Promise<{ inFlight: () => number; url: string; port: number; release: () => void; started: () => number }> {
  app = Fastify() as unknown as App;
  const inFlight = countInFlight(app);
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let started = 0;
  app.get('/slow', async () => {
    started++;
    await gate;
    return { ok: true };
  });
  // A route in a plugin scope of its own, as the product's /api routes are.
  await app.register(async (scope) => {
    scope.get('/scoped/fail', async () => {
      throw new Error('boom');
    });
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  return { inFlight, url: `http://127.0.0.1:${port}`, port, release, started: () => started };
}

const until = async (ok: () => boolean) => {
  const end = Date.now() + 5000;
  while (!ok() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
};

describe('countInFlight', () => {
  it('counts the requests being answered, and releases them whether they end in a response, an error or a 404', async () => {
    const s = await serve();
    const a = fetch(`${s.url}/slow`);
    const b = fetch(`${s.url}/slow`);
    await until(() => s.started() === 2);
    expect(s.inFlight()).toBe(2);
    s.release();
    await Promise.all([a, b]);
    expect((await fetch(`${s.url}/scoped/fail`)).status).toBe(500);
    expect((await fetch(`${s.url}/nowhere`)).status).toBe(404);
    await until(() => s.inFlight() === 0);
    expect(s.inFlight()).toBe(0);
  });

  it('releases a request whose client went away before the answer was sent', async () => {
    const s = await serve();
    const socket = net.connect(s.port, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => s.started() === 1);
    expect(s.inFlight()).toBe(1);
    socket.destroy();
    s.release();
    await until(() => s.inFlight() === 0);
    expect(s.inFlight()).toBe(0);
  });
});
