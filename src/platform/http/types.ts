import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Registry } from 'prom-client';
import type { Config } from '../../config.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';

/** The Fastify instance every module registers its routes on (TypeBox schemas give types). */
export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

/** What buildApp hands to every module's routes. */
export interface AppDeps {
  config: Config;
  db: Db;
  clock: Clock;
  /** The /metrics registry, for a module's own gauges (absent where no HTTP server runs). */
  metrics?: Registry;
}
