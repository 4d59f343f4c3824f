import i18next from 'i18next';

/**
 * One way to call the Ortak API from the web: the session cookie goes with every request,
 * writes carry the CSRF token, the UI language asks the server for messages in that
 * language, and any RFC 9457 problem becomes an ApiError whose `errors` forms show next
 * to their fields.
 */

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  /** The problem's code (`validation`, `invalid_credentials`, …); `network` when the server was not reached. */
  readonly code: string;
  readonly errors: FieldError[];
  readonly requestId: string | undefined;
  constructor(status: number, code: string, message: string, errors: FieldError[] = [], requestId?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.errors = errors;
    this.requestId = requestId;
  }

  /** The message for one field (`login`, `items.2.code`), if the server named it. */
  fieldMessage(field: string): string | undefined {
    return this.errors.find((e) => e.field === field)?.message;
  }

  /** True when no field claims the error, so a form shows it above its fields. */
  isGeneral(knownFields: readonly string[]): boolean {
    return !this.errors.some((e) => knownFields.includes(e.field));
  }
}

let csrfToken: string | undefined;

/** The session's CSRF token, from the login or `GET /api/auth/me` answer. */
export function setCsrfToken(token: string | undefined) {
  csrfToken = token;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON unless it is FormData (uploads). */
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

function withQuery(path: string, query: RequestOptions['query']): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

async function toError(res: Response): Promise<ApiError> {
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const p = (await res.json()) as { code?: string; title?: string; detail?: string; errors?: FieldError[]; requestId?: string };
      const errors = Array.isArray(p.errors) ? p.errors.filter((e) => e && typeof e.field === 'string') : [];
      return new ApiError(res.status, p.code ?? p.title ?? `http_${res.status}`, p.detail ?? p.title ?? res.statusText, errors, p.requestId);
    } catch {
      /* a body that is not the JSON it claims: fall through */
    }
  }
  return new ApiError(res.status, `http_${res.status}`, i18next.t('web:errors.http', { status: res.status }));
}

async function send(path: string, opts: RequestOptions): Promise<Response> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', 'accept-language': i18next.resolvedLanguage ?? 'ru', ...opts.headers };
  let body: BodyInit | undefined;
  if (opts.body instanceof FormData) body = opts.body;
  else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (WRITES.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  try {
    return await fetch(withQuery(path, opts.query), { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network', i18next.t('web:errors.network'));
  }
}

/** Calls the API; resolves to the parsed JSON (undefined for 204), rejects with ApiError. */
export async function api<T = unknown>(path: string, opts: RequestOptions = {}): Promise<T> {
  let res = await send(path, opts);
  // A token gone stale (the session was renewed in another tab): fetch the current one, try once more.
  if (res.status === 403 && WRITES.has(opts.method ?? 'GET') && path !== '/api/auth/me') {
    const err = await toError(res.clone());
    if (err.code === 'csrf') {
      const me = await fetch('/api/auth/me', { credentials: 'same-origin', headers: { accept: 'application/json' } });
      if (me.ok) {
        setCsrfToken(((await me.json()) as { csrfToken?: string }).csrfToken);
        res = await send(path, opts);
      }
    }
  }
  if (!res.ok) throw await toError(res);
  if (res.status === 204 || res.headers.get('content-length') === '0') return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}
