import http from 'node:http';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: any;
}

/** A plain HTTP call; `host` sets the Host header (host-style addressing without DNS). */
export function call(url: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string; host?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request({
      hostname: u.hostname, port: u.port, path: u.pathname + u.search, method: opts.method ?? 'GET',
      headers: { ...(opts.host ? { Host: opts.host } : {}), ...opts.headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        let json: any;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode!, headers: res.headers, body, text, json });
      });
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}
