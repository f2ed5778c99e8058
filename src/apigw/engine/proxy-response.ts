import { validateHeaderName, validateHeaderValue } from 'node:http';

/** What an API front sends back to its HTTP client. */
export interface HttpResponse {
  status: number;
  /** Names as the function wrote them; repeated names are separate entries (e.g. several Set-Cookie). */
  headers: Array<[string, string]>;
  body: Buffer;
}

/** Why a function's answer cannot become an HTTP response (the front then answers 502). */
export class MalformedProxyResponse extends Error {}

const V1_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function scalarText(v: unknown, what: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new MalformedProxyResponse(`${what} must be a string`);
}

/** Whether every header can go on the wire (no control characters or line breaks, names as HTTP tokens). */
export function headersValid(headers: ReadonlyArray<[string, string]>): boolean {
  try {
    for (const [name, value] of headers) {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    }
    return true;
  } catch {
    return false;
  }
}

/** The function's headers, refused as malformed when one cannot be sent (a name with spaces, a value with CR/LF). */
function checked(headers: Array<[string, string]>): Array<[string, string]> {
  if (!headersValid(headers)) throw new MalformedProxyResponse('a header name or value is not valid in HTTP');
  return headers;
}

function statusOf(v: unknown): number {
  const n = typeof v === 'string' && /^\d{3}$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 100 || n > 599) throw new MalformedProxyResponse('statusCode must be an HTTP status');
  return n;
}

function bodyBytes(body: unknown, base64: unknown, decode = true): Buffer {
  if (base64 !== undefined && base64 !== null && typeof base64 !== 'boolean') throw new MalformedProxyResponse('isBase64Encoded must be a boolean');
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body !== 'string') throw new MalformedProxyResponse('body must be a string');
  return base64 === true && decode ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
}

function parse(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    throw new MalformedProxyResponse('the function result is not JSON');
  }
}

function withDefaultType(headers: Array<[string, string]>, type: string): Array<[string, string]> {
  return headers.some(([k]) => k.toLowerCase() === 'content-type') ? headers : [...headers, ['Content-Type', type]];
}

/**
 * Payload format 1.0 response (§6.4): exactly `statusCode`, `headers`, `multiValueHeaders`, `body`,
 * `isBase64Encoded`; a name in both header maps takes the multi-value list. Anything else is malformed. A REST API
 * decodes a base64 body only when the client accepts a binary media type (`decodeBase64`); else it sends the text.
 */
export function responseV1(payload: string, decodeBase64 = true): HttpResponse {
  const out = parse(payload);
  if (!isObject(out)) throw new MalformedProxyResponse('the result must be an object');
  for (const key of Object.keys(out)) if (!V1_KEYS.has(key)) throw new MalformedProxyResponse(`unexpected field ${key}`);
  const status = statusOf(out.statusCode);
  const multi = new Map<string, [string, string[]]>();
  if (out.multiValueHeaders !== undefined && out.multiValueHeaders !== null) {
    if (!isObject(out.multiValueHeaders)) throw new MalformedProxyResponse('multiValueHeaders must be an object');
    for (const [name, values] of Object.entries(out.multiValueHeaders)) {
      if (!Array.isArray(values)) throw new MalformedProxyResponse('multiValueHeaders values must be lists');
      multi.set(name.toLowerCase(), [name, values.map((v) => scalarText(v, 'a header value'))]);
    }
  }
  const headers: Array<[string, string]> = [];
  if (out.headers !== undefined && out.headers !== null) {
    if (!isObject(out.headers)) throw new MalformedProxyResponse('headers must be an object');
    for (const [name, value] of Object.entries(out.headers)) {
      if (!multi.has(name.toLowerCase())) headers.push([name, scalarText(value, 'a header value')]);
    }
  }
  for (const [name, values] of multi.values()) for (const v of values) headers.push([name, v]);
  return { status, headers: withDefaultType(checked(headers), 'application/json'), body: bodyBytes(out.body, out.isBase64Encoded, decodeBase64) };
}

/**
 * Payload format 2.0 response (§6.5), also function URLs: an object with `statusCode` is the full form (with
 * `cookies` as Set-Cookie headers); any other JSON value is the body of a 200 `application/json` answer, a string
 * as its text.
 */
export function responseV2(payload: string): HttpResponse {
  const out = parse(payload);
  if (!isObject(out) || out.statusCode === undefined) {
    const text = typeof out === 'string' ? out : payload;
    return { status: 200, headers: [['Content-Type', 'application/json']], body: Buffer.from(text, 'utf8') };
  }
  const status = statusOf(out.statusCode);
  const headers: Array<[string, string]> = [];
  if (out.headers !== undefined && out.headers !== null) {
    if (!isObject(out.headers)) throw new MalformedProxyResponse('headers must be an object');
    for (const [name, value] of Object.entries(out.headers)) headers.push([name, scalarText(value, 'a header value')]);
  }
  if (out.cookies !== undefined && out.cookies !== null) {
    if (!Array.isArray(out.cookies)) throw new MalformedProxyResponse('cookies must be a list');
    for (const c of out.cookies) headers.push(['Set-Cookie', scalarText(c, 'a cookie')]);
  }
  return { status, headers: withDefaultType(checked(headers), 'application/json'), body: bodyBytes(out.body, out.isBase64Encoded) };
}

/** The fronts' own failure answers (§6.1): REST APIs and HTTP APIs word them differently. */
export function frontError(status: number, message: string, errorType?: string): HttpResponse {
  const headers: Array<[string, string]> = [['Content-Type', 'application/json']];
  if (errorType) headers.push(['x-amzn-ErrorType', errorType]);
  return { status, headers, body: Buffer.from(JSON.stringify({ message })) };
}
