import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { TEST_CREDENTIALS } from './server.js';

export interface UrlAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: any;
}

export interface UrlCall {
  method?: string;
  /** Path and query as sent (already percent-encoded). */
  path?: string;
  headers?: OutgoingHttpHeaders;
  body?: Buffer | string;
}

/** The parts of a FunctionUrl: its id and the Host header it names (with the port). */
export function urlParts(functionUrl: string): { urlId: string; host: string } {
  const u = new URL(functionUrl);
  return { urlId: u.hostname.split('.')[0]!, host: u.host };
}

/** A plain HTTP request to lambkin's port (127.0.0.1), with whatever Host header the call names. */
export function httpCall(port: number, call: UrlCall): Promise<UrlAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: call.method ?? 'GET', path: call.path ?? '/', headers: call.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
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
    req.end(call.body);
  });
}

/** Calls a function URL by its host name: `Host: <url-id>.lambda-url.<region>.localhost:<port>`. */
export function callByHost(port: number, functionUrl: string, call: UrlCall = {}): Promise<UrlAnswer> {
  return httpCall(port, { ...call, headers: { host: urlParts(functionUrl).host, ...call.headers } });
}

/** Calls a function URL in the path-style form `/_lambda-url/<url-id><path>`. */
export function callByPath(port: number, functionUrl: string, call: UrlCall = {}): Promise<UrlAnswer> {
  return httpCall(port, { ...call, path: `/_lambda-url/${urlParts(functionUrl).urlId}${call.path ?? '/'}` });
}

/** SigV4 wants a hash class; node:crypto is enough (HMAC when given a secret). */
class Sha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    const key = typeof this.secret === 'string' ? this.secret : Buffer.from(this.secret as ArrayBuffer);
    return createHmac('sha256', key);
  }

  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? data : Buffer.from(data as ArrayBuffer));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.fresh();
  }
}

/**
 * Calls a function URL by host name with a SigV4-signed request, as an IAM caller does (`service` is `lambda` for
 * function URLs). Returns the answer.
 */
export async function callSigned(port: number, functionUrl: string, call: UrlCall & { service?: string } = {}): Promise<UrlAnswer> {
  const { host } = urlParts(functionUrl);
  const [pathOnly, queryText] = (call.path ?? '/').split('?') as [string, string | undefined];
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(queryText ?? '')) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const signer = new SignatureV4({ service: call.service ?? 'lambda', region: 'us-east-1', credentials: TEST_CREDENTIALS, sha256: Sha256 });
  const headers: Record<string, string> = { host };
  for (const [k, v] of Object.entries(call.headers ?? {})) headers[k] = String(v);
  const signed = await signer.sign({
    method: call.method ?? 'GET', protocol: 'http:', hostname: host.split(':')[0]!, port: Number(host.split(':')[1]), path: pathOnly,
    query, headers, body: call.body,
  });
  return httpCall(port, { ...call, headers: signed.headers });
}
