/**
 * The HTTP floor's server (bench/httpfloor.ts): the server under test's HTTP stack — Fastify,
 * node-postgres, a pool of `DATABASE_POOL_SIZE` as `serve` sizes it, the node flags of `npm
 * start` — and no application: no session, no idempotency, no audit, no notice. Two routes:
 * `GET /noop` answers without the database; `POST /insert` (a JSON body `{ "n": integer }`,
 * checked by a schema) commits the row pgbench's script inserts, one durable transaction, as a
 * named statement (pgbench runs `-M prepared`). Prints `ready <port>`; SIGTERM stops it.
 */
import Fastify from 'fastify';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';

const config = loadConfig();
if (!config.databaseUrl) throw new Error('bench/httpfloor-server.ts needs DATABASE_URL');
const pool = new pg.Pool({ connectionString: config.databaseUrl, max: config.databasePoolSize });
const app = Fastify({ logger: false });
app.get('/noop', async () => ({ ok: true }));
app.post<{ Body: { n: number } }>('/insert', {
  schema: {
    body: { type: 'object', required: ['n'], additionalProperties: false, properties: { n: { type: 'integer', minimum: 1 } } },
    response: { 201: { type: 'object', properties: { ok: { type: 'boolean' } } } },
  },
}, async (req, reply) => {
  await pool.query({ name: 'http_floor_insert', text: 'insert into bench_http_floor (n, payload) values ($1::int, md5($1::int::text))', values: [req.body.n] });
  return reply.code(201).send({ ok: true });
});
await app.listen({ port: config.port, host: '127.0.0.1' });
const address = app.server.address();
process.stdout.write(`ready ${typeof address === 'object' && address ? address.port : config.port}\n`);
const stop = async () => {
  await app.close().catch(() => {});
  await pool.end().catch(() => {});
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
