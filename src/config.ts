import path from 'node:path';

/**
 * Every setting Ortak reads from the environment, with its default.
 * Read once at boot; a bad value stops the start with a message naming the variable.
 * docs/OPERATIONS.md lists the same table for operators (keep both in step).
 */
export interface Config {
  /** PORT — HTTP port for API and web UI. Default 8080. */
  readonly port: number;
  /** HOST — interface to listen on. Default 0.0.0.0. */
  readonly host: string;
  /** DATABASE_URL — external PostgreSQL ≥ 15. Unset: embedded PostgreSQL 17 under DATA_DIR/pg. */
  readonly databaseUrl: string | undefined;
  /**
   * DATABASE_POOL_SIZE — the server's connections to PostgreSQL (the background jobs hold 4 more).
   * Default 8: on two cores 8 wrote ~14 % more intakes a second than 20, with a fifth less
   * PostgreSQL CPU per intake and a ~28 % lower p99 (bench/README.md, "The server's pool") — more
   * concurrent writers than cores only queue inside PostgreSQL. Raise it for a database on a
   * bigger machine.
   */
  readonly databasePoolSize: number;
  /**
   * APPEAL_REGISTRAR_LANES — how many batches of accepted appeals (`Prefer: respond-async`) this
   * process registers at once when it answers no requests, each on a connection of the pool
   * (default 4; one while requests are being answered). APPEAL_REGISTRAR_BATCH — appeals per batch
   * (one transaction; default 50, at most 500: a batch's cases, history and deadlines are one
   * statement of ~95 parameters an appeal, and PostgreSQL takes 65,535). Measured in
   * bench/README.md ("Accept now, register behind", "The registrar's batch, set-wise").
   */
  readonly appealRegistrarLanes: number;
  readonly appealRegistrarBatch: number;
  /**
   * APPEAL_INTAKE_WRITERS — how many groups of synchronous intakes this process writes at once,
   * each in one transaction on a connection of the pool (default 2, at most
   * DATABASE_POOL_SIZE − 1). Intakes that arrive while that many are being written are written
   * together by the next one (group commit, appeals.intake-group.ts), up to 64 a group; 1 would
   * write them all in one line. Measured in bench/README.md ("The synchronous intake, group-committed").
   */
  readonly appealIntakeWriters: number;
  /** DATA_DIR — where the embedded database and uploaded files live. Default ./data. */
  readonly dataDir: string;
  /** LOG_LEVEL — pino level (fatal|error|warn|info|debug|trace|silent). Default info. */
  readonly logLevel: string;
  /** NODE_ENV — production enables secure cookies unless COOKIE_SECURE=false. Default development. */
  readonly isProduction: boolean;
  /** COOKIE_SECURE — mark the session cookie Secure (needs HTTPS). Default true in production. */
  readonly cookieSecure: boolean;
  /** SESSION_TTL_HOURS — idle lifetime of a session. Default 12. */
  readonly sessionTtlHours: number;
  /** SEED_DEMO — load the demo region into an empty database at start. Default true. */
  readonly seedDemo: boolean;
  /** LOGIN_RATE_LIMIT — login attempts per minute per client address. Default 10. */
  readonly loginRateLimit: number;
  /** ANON_RATE_LIMIT — requests per minute per address to anonymous endpoints. Default 300. */
  readonly anonRateLimit: number;
  /** MAP_TILE_URL — Leaflet tile template; empty draws maps on a plain background. Default empty. */
  readonly mapTileUrl: string;
  /**
   * NOTIFY_CHANNELS — the notice adapters switched on, comma-separated from inbox, log, smtp, sms.
   * Default `inbox,log`: nothing leaves the machine. A channel whose adapter is off is recorded as
   * delivered by `log` instead (src/platform/notify/README.md).
   */
  readonly notifyChannels: readonly NotifyAdapterName[];
  /** SMTP_URL — e-mail server for the smtp adapter, e.g. smtps://user:password@mail.example.kz:465. Default empty. */
  readonly smtpUrl: string;
  /** SMTP_FROM — the From of notice e-mails. Default `Ortak <no-reply@localhost>`. */
  readonly smtpFrom: string;
  /** SMS_GATEWAY_URL — http(s) endpoint the sms adapter POSTs each message to. Default empty. */
  readonly smsGatewayUrl: string;
  /** SMS_GATEWAY_TOKEN — sent as `Authorization: Bearer <token>`, or as the header itself when written `Name: value`. Default empty. */
  readonly smsGatewayToken: string;
  /** SMS_TEMPLATE — request body with {{phone}}, {{text}}, {{id}}; JSON when it starts with `{`, else form-encoded. */
  readonly smsTemplate: string;
  /** FILE_MAX_BYTES — the largest uploaded file accepted. Default 10485760 (10 MB). */
  readonly fileMaxBytes: number;
}

export const NOTIFY_ADAPTERS = ['inbox', 'log', 'smtp', 'sms'] as const;
export type NotifyAdapterName = (typeof NOTIFY_ADAPTERS)[number];
export const DEFAULT_SMS_TEMPLATE = '{"to":"{{phone}}","text":"{{text}}","id":"{{id}}"}';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function bool(env: Env, name: string, def: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `expected true or false, got "${raw}"`);
}

function notifySettings(env: Env) {
  const raw = env.NOTIFY_CHANNELS || 'inbox,log';
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!(NOTIFY_ADAPTERS as readonly string[]).includes(n)) {
      throw new ConfigError('NOTIFY_CHANNELS', `unknown adapter "${n}" (expected a comma-separated list of ${NOTIFY_ADAPTERS.join(', ')})`);
    }
  }
  const notifyChannels = Object.freeze([...new Set(names)] as NotifyAdapterName[]);
  const smtpUrl = env.SMTP_URL ?? '';
  if (smtpUrl && !/^smtps?:\/\/[^/]/.test(smtpUrl)) throw new ConfigError('SMTP_URL', 'must start with smtp:// or smtps://');
  if (notifyChannels.includes('smtp') && !smtpUrl) throw new ConfigError('SMTP_URL', 'must be set when NOTIFY_CHANNELS includes smtp');
  const smsGatewayUrl = env.SMS_GATEWAY_URL ?? '';
  if (smsGatewayUrl && !/^https?:\/\/[^/]/.test(smsGatewayUrl)) throw new ConfigError('SMS_GATEWAY_URL', 'must be an http:// or https:// URL');
  if (notifyChannels.includes('sms') && !smsGatewayUrl) throw new ConfigError('SMS_GATEWAY_URL', 'must be set when NOTIFY_CHANNELS includes sms');
  const smsTemplate = env.SMS_TEMPLATE || DEFAULT_SMS_TEMPLATE;
  if (smsTemplate.trimStart().startsWith('{')) {
    // The same substitution the sms adapter makes, with sample values: the result must be JSON.
    const sample = smsTemplate.replace(/\{\{\s*(phone|text|id)\s*\}\}/g, 'x');
    try {
      JSON.parse(sample);
    } catch {
      throw new ConfigError('SMS_TEMPLATE', 'starts with { but is not JSON once {{phone}}, {{text}} and {{id}} are filled in');
    }
  }
  return {
    notifyChannels,
    smtpUrl,
    smtpFrom: env.SMTP_FROM || 'Ortak <no-reply@localhost>',
    smsGatewayUrl,
    smsGatewayToken: env.SMS_GATEWAY_TOKEN ?? '',
    smsTemplate,
  };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(databaseUrl);
    } catch {
      throw new ConfigError('DATABASE_URL', 'is not a URL (expected postgres://user:password@host:5432/db)');
    }
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
      throw new ConfigError('DATABASE_URL', `must start with postgres://, got ${url.protocol}//`);
    }
  }
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const isProduction = env.NODE_ENV === 'production';
  const mapTileUrl = env.MAP_TILE_URL ?? '';
  if (mapTileUrl && !/^https?:\/\/.*\{z\}.*\{x\}.*\{y\}/.test(mapTileUrl)) {
    throw new ConfigError('MAP_TILE_URL', 'must be an http(s) URL template containing {z}, {x} and {y}');
  }
  return Object.freeze({
    port: int(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '0.0.0.0',
    databaseUrl,
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 8, 1, 1000),
    appealRegistrarLanes: int(env, 'APPEAL_REGISTRAR_LANES', 4, 1, 64),
    appealRegistrarBatch: int(env, 'APPEAL_REGISTRAR_BATCH', 50, 1, 500),
    appealIntakeWriters: int(env, 'APPEAL_INTAKE_WRITERS', 2, 1, 64),
    dataDir: path.resolve(cwd, env.DATA_DIR || 'data'),
    logLevel,
    isProduction,
    cookieSecure: bool(env, 'COOKIE_SECURE', isProduction),
    sessionTtlHours: int(env, 'SESSION_TTL_HOURS', 12, 1, 24 * 30),
    seedDemo: bool(env, 'SEED_DEMO', true),
    loginRateLimit: int(env, 'LOGIN_RATE_LIMIT', 10, 1, 100000),
    anonRateLimit: int(env, 'ANON_RATE_LIMIT', 300, 1, 1000000),
    mapTileUrl,
    ...notifySettings(env),
    fileMaxBytes: int(env, 'FILE_MAX_BYTES', 10 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
  });
}
