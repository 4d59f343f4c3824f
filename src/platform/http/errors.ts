/**
 * Domain errors carry a code; services throw them and never think about HTTP.
 * STATUS maps each code to an HTTP status; the error handler (problem.ts) writes RFC 9457
 * problem+json with the message translated from the `errors` catalog.
 */
export type ErrorCode =
  | 'validation'
  | 'not_found'
  | 'unauthenticated'
  | 'forbidden'
  | 'csrf'
  | 'conflict'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'invalid_credentials'
  | (string & {});

export const STATUS: Record<string, number> = {
  validation: 400,
  not_found: 404,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  csrf: 403,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
};

export interface DomainErrorOptions {
  /** JSON pointer-ish path of the field at fault, e.g. "iin" or "items/2/code". */
  field?: string;
  /** Message key in a catalog, `ns:key` (default `errors:<code>`). */
  messageKey?: string;
  /** Interpolation values for the message. */
  params?: Record<string, unknown>;
  /** HTTP status if the code is not in STATUS. */
  status?: number;
}

export class DomainError extends Error {
  readonly field: string | undefined;
  readonly messageKey: string;
  readonly params: Record<string, unknown>;
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    detail?: string,
    opts: DomainErrorOptions = {},
  ) {
    super(detail ?? code);
    this.field = opts.field;
    this.messageKey = opts.messageKey ?? `errors:${code}`;
    this.params = opts.params ?? {};
    this.status = opts.status ?? STATUS[code] ?? 400;
  }
}

export const notFound = (what: string, opts?: DomainErrorOptions) => new DomainError('not_found', `${what} not found`, opts);
export const forbidden = (why = 'forbidden', opts?: DomainErrorOptions) => new DomainError('forbidden', why, opts);
export const invalid = (field: string, detail: string, messageKey?: string, params?: Record<string, unknown>) =>
  new DomainError('validation', detail, { field, messageKey: messageKey ?? 'errors:validation', params });
export const conflict = (detail: string, opts?: DomainErrorOptions) => new DomainError('conflict', detail, opts);
