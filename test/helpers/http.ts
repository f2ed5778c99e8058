import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: any;
}

export interface RawCall {
  method?: string;
  /** Path and query as sent (already percent-encoded). */
  path?: string;
  headers?: OutgoingHttpHeaders;
  body?: Buffer | string;
}

/** A plain HTTP request to lambkin's port on 127.0.0.1, with whatever Host header the call names. */
export function httpCall(port: number | string, c: RawCall): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: c.method ?? 'GET', path: c.path ?? '/', headers: c.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode!, headers: res.headers, body, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(c.body);
  });
}

/** A plain HTTP call to a URL on lambkin; `host` sets the Host header (host-style addressing without DNS). */
export function call(url: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string; host?: string } = {}): Promise<Answer> {
  const u = new URL(url);
  return httpCall(u.port, {
    method: opts.method ?? 'GET', path: u.pathname + u.search, headers: { ...(opts.host ? { Host: opts.host } : {}), ...opts.headers }, body: opts.body,
  });
}
