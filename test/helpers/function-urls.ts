import { httpCall, type Answer, type RawCall } from './http.js';
import { Sha256 } from './sha256.js';
import { SignatureV4 } from '@smithy/signature-v4';
import { TEST_CREDENTIALS } from './server.js';

export type UrlAnswer = Answer;
export type UrlCall = RawCall;
export { httpCall };

/** The parts of a FunctionUrl: its id and the Host header it names (with the port). */
export function urlParts(functionUrl: string): { urlId: string; host: string } {
  const u = new URL(functionUrl);
  return { urlId: u.hostname.split('.')[0]!, host: u.host };
}

/** Calls a function URL by its host name: `Host: <url-id>.lambda-url.<region>.localhost:<port>`. */
export function callByHost(port: number, functionUrl: string, call: UrlCall = {}): Promise<UrlAnswer> {
  return httpCall(port, { ...call, headers: { host: urlParts(functionUrl).host, ...call.headers } });
}

/** Calls a function URL in the path-style form `/_lambda-url/<url-id><path>`. */
export function callByPath(port: number, functionUrl: string, call: UrlCall = {}): Promise<UrlAnswer> {
  return httpCall(port, { ...call, path: `/_lambda-url/${urlParts(functionUrl).urlId}${call.path ?? '/'}` });
}

/**
 * Calls a function URL by host name with a SigV4-signed request, as an IAM caller does (`service` is `lambda` for
 * function URLs). Returns the answer.
 */
export async function callSigned(port: number, functionUrl: string, call: UrlCall & { service?: string; credentials?: { accessKeyId: string; secretAccessKey: string } } = {}): Promise<UrlAnswer> {
  const { host } = urlParts(functionUrl);
  const [pathOnly, queryText] = (call.path ?? '/').split('?') as [string, string | undefined];
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(queryText ?? '')) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const signer = new SignatureV4({ service: call.service ?? 'lambda', region: 'us-east-1', credentials: call.credentials ?? TEST_CREDENTIALS, sha256: Sha256 });
  const headers: Record<string, string> = { host };
  for (const [k, v] of Object.entries(call.headers ?? {})) headers[k] = String(v);
  const signed = await signer.sign({
    method: call.method ?? 'GET', protocol: 'http:', hostname: host.split(':')[0]!, port: Number(host.split(':')[1]), path: pathOnly,
    query, headers, body: call.body,
  });
  return httpCall(port, { ...call, headers: signed.headers });
}
