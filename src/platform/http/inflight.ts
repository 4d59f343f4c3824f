import type { FastifyRequest } from 'fastify';
import type { App } from './types.ts';

/**
 * Counts the requests this server is answering right now, for background work that should
 * yield to them (the appeal registrar takes one lane instead of several while requests wait).
 * Add before the app is ready. A request is counted once and released once, whether it ends
 * with a response or is aborted by the client.
 */
export function countInFlight(app: App): () => number {
  let n = 0;
  const open = new WeakSet<FastifyRequest>();
  const release = async (req: FastifyRequest) => {
    if (open.delete(req)) n--;
  };
  app.addHook('onRequest', async (req) => {
    open.add(req);
    n++;
  });
  app.addHook('onResponse', release);
  app.addHook('onRequestAbort', release);
  return () => n;
}
