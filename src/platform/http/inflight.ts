import type { App } from './types.ts';

/**
 * Counts the requests this server is answering right now, for background work that should
 * yield to them (the appeal registrar takes one lane instead of several while requests wait).
 * Counted on Node's HTTP server itself, so every route is seen whichever plugin scope declared
 * it, and released on the response's `close`, which Node emits once per response however it
 * ends — sent, failed, or its connection dropped mid-answer.
 */
export function countInFlight(app: App): () => number {
  let n = 0;
  app.server.on('request', (_req, res) => {
    n++;
    res.once('close', () => n--);
  });
  return () => n;
}
