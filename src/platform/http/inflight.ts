import type { App } from './types.ts';

/**
 * Counts the requests this server is answering right now, for background work that should
 * yield to them (the appeal registrar takes one lane instead of several while requests wait).
 * Add before the app is ready. Released on the response's `close`, which Node emits once per
 * response however it ends — sent, failed, or its connection dropped mid-answer (Fastify's
 * `onResponse` misses the last: a load generator closing its sockets left the count up for good).
 */
export function countInFlight(app: App): () => number {
  let n = 0;
  app.addHook('onRequest', async (_req, reply) => {
    n++;
    reply.raw.once('close', () => n--);
  });
  return () => n;
}
