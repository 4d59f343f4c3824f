import http from 'node:http';

/**
 * A small JSON client over keep-alive HTTP/1.1 (one agent, `connections` sockets): the
 * lifecycle loop and the setup (logins) use it; autocannon drives the single-request scenarios.
 */

export interface Session {
  login: string;
  cookie: string;
  csrf: string;
}

export interface Reply<T = unknown> {
  status: number;
  body: T;
  headers: http.IncomingHttpHeaders;
}

export class Client {
  private readonly agent: http.Agent;
  private readonly base: URL;

  constructor(baseUrl: string, connections: number) {
    this.base = new URL(baseUrl);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  }

  request<T = unknown>(method: string, path: string, opts: { session?: Session; body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply<T>> {
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    if (payload !== undefined) headers['content-type'] = 'application/json';
    if (opts.session) {
      headers.cookie = opts.session.cookie;
      headers['x-csrf-token'] = opts.session.csrf;
    }
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: this.base.hostname, port: this.base.port, method, path, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            try {
              body = text ? JSON.parse(text) : undefined;
            } catch {
              /* not JSON */
            }
            resolve({ status: res.statusCode ?? 0, body: body as T, headers: res.headers });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path}: no answer in 60 s`)));
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** Signs in through POST /api/auth/login and keeps the session cookie and CSRF token. */
  async login(login: string, password: string): Promise<Session> {
    const r = await this.request<{ csrfToken: string }>('POST', '/api/auth/login', { body: { login, password } });
    if (r.status !== 200) throw new Error(`login ${login}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    const set = r.headers['set-cookie'] ?? [];
    const cookie = set.map((c) => c.split(';')[0]!).find((c) => c.startsWith('ortak_session='));
    if (!cookie) throw new Error(`login ${login}: no session cookie`);
    return { login, cookie, csrf: r.body.csrfToken };
  }

  close(): void {
    this.agent.destroy();
  }
}
