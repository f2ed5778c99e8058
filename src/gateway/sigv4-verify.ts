import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Server-side verification of AWS Signature Version 4 (header and presigned-query forms). Pure: it takes the raw
 * request parts and the secret and answers with a verdict; the gateway maps failures to each protocol's error.
 */

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
export const MAX_SKEW_MS = 15 * 60_000;
export const MAX_PRESIGN_SECONDS = 604_800;

export type SigV4FailureKind =
  | 'incomplete' // malformed or missing component, bad date format
  | 'presignMalformed' // presigned query parameters missing or malformed
  | 'unknownKey'
  | 'mismatch'
  | 'expired' // header form: request time earlier than now - 15 min
  | 'notYetCurrent' // request time later than now + 15 min
  | 'presignExpired';

export class SigV4Failure extends Error {
  constructor(readonly kind: SigV4FailureKind, message: string, readonly detail: Record<string, string> = {}) {
    super(message);
  }
}

/** The raw request as received: method, path and query exactly as on the wire, headers as `rawHeaders` pairs. */
export interface RawRequest {
  method: string;
  /** Still percent-encoded, without the query. */
  path: string;
  /** Raw query string without `?` ('' when none). */
  query: string;
  /** Alternating names and values, as Node's `IncomingMessage.rawHeaders`. */
  rawHeaders: readonly string[];
}

export interface ParsedSignature {
  form: 'header' | 'query';
  accessKeyId: string;
  /** yyyymmdd of the credential scope. */
  date: string;
  region: string;
  service: string;
  signedHeaders: string;
  signature: string;
  /** yyyymmddTHHMMSSZ */
  timestamp: string;
  /** Presigned form only. */
  expiresSeconds?: number;
}

/** Header values by lower-case name, duplicates kept in arrival order. */
export function headerMap(rawHeaders: readonly string[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const list = map.get(name);
    if (list) list.push(rawHeaders[i + 1]!);
    else map.set(name, [rawHeaders[i + 1]!]);
  }
  return map;
}

/** Splits a raw query into decoded name/value pairs (`+` stays a plus). */
export function queryPairs(query: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const item of query.split('&')) {
    if (!item) continue;
    const eq = item.indexOf('=');
    pairs.push([decode(eq < 0 ? item : item.slice(0, eq)), decode(eq < 0 ? '' : item.slice(eq + 1))]);
  }
  return pairs;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** RFC 3986 encoding: unreserved characters stay, everything else is %XX (upper-case hex) of its UTF-8 bytes. */
export function rfc3986(s: string): string {
  let encoded: string;
  try {
    encoded = encodeURIComponent(s);
  } catch {
    encoded = Buffer.from(s, 'utf8').toString('latin1').replace(/[^A-Za-z0-9\-_.~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  }
  return encoded.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const TIMESTAMP = /^(\d{8})T\d{6}Z$/;

/** Reads the signature of a request; undefined when it carries none (no Authorization, no X-Amz-Signature). */
export function parseSignature(req: RawRequest): ParsedSignature | undefined {
  const headers = headerMap(req.rawHeaders);
  const auth = headers.get('authorization')?.[0];
  if (auth !== undefined) return parseHeaderForm(auth, headers);
  const params = new Map(queryPairs(req.query));
  if (params.has('X-Amz-Signature') || params.has('X-Amz-Credential') || params.has('X-Amz-Algorithm')) return parseQueryForm(params);
  return undefined;
}

function parseHeaderForm(auth: string, headers: Map<string, string[]>): ParsedSignature {
  const space = auth.indexOf(' ');
  const algorithm = space < 0 ? auth : auth.slice(0, space);
  if (algorithm !== ALGORITHM) throw new SigV4Failure('incomplete', `Unsupported Authorization Type: ${algorithm}`);
  const parts = new Map<string, string>();
  for (const component of auth.slice(space + 1).split(',')) {
    const c = component.trim();
    const eq = c.indexOf('=');
    if (eq > 0) parts.set(c.slice(0, eq).trim(), c.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((k) => !parts.get(k));
  if (missing.length) {
    throw new SigV4Failure('incomplete', `Authorization header requires ${missing.map((k) => `'${k}'`).join(', ')} parameter. Authorization=${auth}`);
  }
  const timestamp = headers.get('x-amz-date')?.[0] ?? fromHttpDate(headers.get('date')?.[0]);
  if (!timestamp || !TIMESTAMP.test(timestamp)) {
    throw new SigV4Failure('incomplete', "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  const signedHeaders = parts.get('SignedHeaders')!;
  const signed = signedHeaders.split(';');
  if (!signed.includes('host')) throw new SigV4Failure('incomplete', "'Host' must be a signed header.");
  if (headers.has('x-amz-date') && !signed.includes('x-amz-date') && !signed.includes('date')) {
    throw new SigV4Failure('incomplete', "'X-Amz-Date' must be a signed header.");
  }
  return { form: 'header', ...credential(parts.get('Credential')!, timestamp), signedHeaders, signature: parts.get('Signature')!, timestamp };
}

function parseQueryForm(params: Map<string, string>): ParsedSignature {
  const required = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'];
  const missing = required.filter((k) => !params.get(k));
  if (missing.length) {
    throw new SigV4Failure('presignMalformed', `Query-string authentication version 4 requires the ${required.join(', ')} parameters`);
  }
  if (params.get('X-Amz-Algorithm') !== ALGORITHM) {
    throw new SigV4Failure('presignMalformed', `X-Amz-Algorithm only supports "${ALGORITHM}"`);
  }
  const timestamp = params.get('X-Amz-Date')!;
  if (!TIMESTAMP.test(timestamp)) throw new SigV4Failure('presignMalformed', "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  const expires = params.get('X-Amz-Expires')!;
  const seconds = /^\d+$/.test(expires) ? Number(expires) : NaN;
  if (!(seconds >= 1)) throw new SigV4Failure('presignMalformed', 'X-Amz-Expires should be a number');
  if (seconds > MAX_PRESIGN_SECONDS) {
    throw new SigV4Failure('presignMalformed', 'X-Amz-Expires must be less than a week (in seconds) that is 604800');
  }
  const signedHeaders = params.get('X-Amz-SignedHeaders')!;
  if (!signedHeaders.split(';').includes('host')) throw new SigV4Failure('presignMalformed', "'Host' must be a signed header.");
  return {
    form: 'query', ...credential(params.get('X-Amz-Credential')!, timestamp), signedHeaders,
    signature: params.get('X-Amz-Signature')!, timestamp, expiresSeconds: seconds,
  };
}

function credential(value: string, timestamp: string): { accessKeyId: string; date: string; region: string; service: string } {
  const parts = value.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || parts.some((p) => !p) || !/^\d{8}$/.test(parts[1]!)) {
    throw new SigV4Failure('incomplete', `Credential should be scoped to a valid region, got ${value}.`);
  }
  if (parts[1] !== timestamp.slice(0, 8)) {
    throw new SigV4Failure('incomplete', `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${parts[1]}' != '${timestamp.slice(0, 8)}', from '${timestamp}'.`);
  }
  return { accessKeyId: parts[0]!, date: parts[1]!, region: parts[2]!, service: parts[3]! };
}

function fromHttpDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : amzDate(ms);
}

/** yyyymmddTHHMMSSZ of a time. */
export function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function parseAmzDate(t: string): number {
  return Date.UTC(+t.slice(0, 4), +t.slice(4, 6) - 1, +t.slice(6, 8), +t.slice(9, 11), +t.slice(11, 13), +t.slice(13, 15));
}

/**
 * The canonical URI: S3 signs the path as sent; every other service normalises `.`/`..` and duplicate slashes and
 * encodes the (already encoded) path once more, leaving `/`.
 */
export function canonicalUri(rawPath: string, s3: boolean): string {
  if (!rawPath) return '/';
  if (s3) return rawPath;
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalised = `${rawPath.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && rawPath.endsWith('/') ? '/' : ''}`;
  return rfc3986(normalised).replace(/%2F/g, '/') || '/';
}

/** The canonical query: decoded and re-encoded per RFC 3986, sorted by name then value; presigned drops X-Amz-Signature. */
export function canonicalQuery(rawQuery: string, dropSignature: boolean): string {
  const items: Array<[string, string]> = [];
  for (const [name, value] of queryPairs(rawQuery)) {
    if (dropSignature && name === 'X-Amz-Signature') continue;
    items.push([rfc3986(name), rfc3986(value)]);
  }
  items.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return items.map(([n, v]) => `${n}=${v}`).join('&');
}

/** `name:value\n` for each signed header: occurrences joined with `,`, each trimmed and with whitespace runs collapsed. */
export function canonicalHeaders(headers: Map<string, string[]>, signedHeaders: string): string {
  let out = '';
  for (const name of signedHeaders.split(';')) {
    const values = headers.get(name) ?? (name === 'host' ? headers.get(':authority') : undefined) ?? [];
    out += `${name}:${values.map((v) => v.trim().replace(/\s+/g, ' ')).join(',')}\n`;
  }
  return out;
}

export function canonicalRequest(req: RawRequest, sig: Pick<ParsedSignature, 'form' | 'signedHeaders'>, payloadHash: string, s3: boolean): string {
  return [
    req.method.toUpperCase(),
    canonicalUri(req.path, s3),
    canonicalQuery(req.query, sig.form === 'query'),
    canonicalHeaders(headerMap(req.rawHeaders), sig.signedHeaders),
    sig.signedHeaders,
    payloadHash,
  ].join('\n');
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function scopeOf(sig: Pick<ParsedSignature, 'date' | 'region' | 'service'>): string {
  return `${sig.date}/${sig.region}/${sig.service}/aws4_request`;
}

export function stringToSign(timestamp: string, scope: string, canonical: string): string {
  return `${ALGORITHM}\n${timestamp}\n${scope}\n${sha256Hex(canonical)}`;
}

const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

const keyCache = new Map<string, Buffer>();

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const cacheKey = `${secret}\0${date}\0${region}\0${service}`;
  const cached = keyCache.get(cacheKey);
  if (cached) return cached;
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  if (keyCache.size > 1000) keyCache.clear();
  keyCache.set(cacheKey, key);
  return key;
}

/**
 * The payload hash the client signed: `x-amz-content-sha256` when sent (S3 requires it; literal values such as
 * `UNSIGNED-PAYLOAD` and `STREAMING-...` included), `UNSIGNED-PAYLOAD` for S3 presigned URLs, else the SHA-256 of
 * the body (undefined when the body is needed but not given).
 */
export function payloadHash(req: RawRequest, sig: Pick<ParsedSignature, 'form'>, s3: boolean, body: Buffer | undefined): string | undefined {
  const declared = headerMap(req.rawHeaders).get('x-amz-content-sha256')?.[0];
  if (declared !== undefined) return declared;
  if (s3 && sig.form === 'query') return 'UNSIGNED-PAYLOAD';
  if (body === undefined) return undefined;
  return body.length === 0 ? EMPTY_SHA256 : sha256Hex(body);
}

export interface Verified {
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
}

/**
 * Checks the request's time window and recomputes its signature with `secret`. Throws a SigV4Failure (`expired`,
 * `notYetCurrent`, `presignExpired`, `mismatch`) or answers with what was computed.
 */
export function verifySignature(
  req: RawRequest, sig: ParsedSignature, secret: string, hash: string, opts: { s3: boolean; nowMs: number },
): Verified {
  checkTime(sig, opts.nowMs);
  const canonical = canonicalRequest(req, sig, hash, opts.s3);
  const toSign = stringToSign(sig.timestamp, scopeOf(sig), canonical);
  const expected = createHmac('sha256', signingKey(secret, sig.date, sig.region, sig.service)).update(toSign, 'utf8').digest('hex');
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(sig.signature, 'utf8');
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new SigV4Failure(
      'mismatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      { canonicalRequest: canonical, stringToSign: toSign, signatureProvided: sig.signature },
    );
  }
  return { canonicalRequest: canonical, stringToSign: toSign, signature: expected };
}

function checkTime(sig: ParsedSignature, nowMs: number): void {
  const t = parseAmzDate(sig.timestamp);
  const now = amzDate(nowMs);
  const detail = { requestTime: sig.timestamp, serverTime: now };
  if (t - nowMs > MAX_SKEW_MS) {
    throw new SigV4Failure('notYetCurrent', `Signature not yet current: ${sig.timestamp} is still later than ${amzDate(nowMs + MAX_SKEW_MS)} (${now} + 15 min.)`, detail);
  }
  if (sig.form === 'query') {
    if (nowMs > t + sig.expiresSeconds! * 1000) {
      throw new SigV4Failure('presignExpired', 'Request has expired', { ...detail, expires: String(sig.expiresSeconds) });
    }
    return;
  }
  if (nowMs - t > MAX_SKEW_MS) {
    throw new SigV4Failure('expired', `Signature expired: ${sig.timestamp} is now earlier than ${amzDate(nowMs - MAX_SKEW_MS)} (${now} - 15 min.)`, detail);
  }
}

/** Sub-resources S3's Signature Version 2 signs along with the path (botocore `HmacV1Auth.QSAOfInterest`). */
const SIGV2_SUBRESOURCES = new Set([
  'accelerate', 'acl', 'cors', 'defaultObjectAcl', 'location', 'logging', 'partNumber', 'policy', 'requestPayment',
  'torrent', 'versioning', 'versionId', 'versions', 'website', 'uploads', 'uploadId', 'response-content-type',
  'response-content-language', 'response-expires', 'response-cache-control', 'response-content-disposition',
  'response-content-encoding', 'delete', 'lifecycle', 'tagging', 'restore', 'storageClass', 'notification', 'replication',
  'requestPayment', 'analytics', 'metrics', 'inventory', 'select', 'select-type', 'object-lock',
]);

export interface SigV2Signature {
  form: 'header' | 'query';
  accessKeyId: string;
  signature: string;
  /** Query form: the Expires epoch seconds. */
  expires?: number;
}

/** S3's legacy Signature Version 2: `Authorization: AWS <key>:<sig>`, or `AWSAccessKeyId`/`Signature`/`Expires` in the query. */
export function parseSigV2(req: RawRequest): SigV2Signature | undefined {
  const auth = headerMap(req.rawHeaders).get('authorization')?.[0];
  if (auth !== undefined) {
    const m = /^AWS ([^:\s]+):(\S+)$/.exec(auth);
    return m ? { form: 'header', accessKeyId: m[1]!, signature: m[2]! } : undefined;
  }
  const params = new Map(queryPairs(req.query));
  const key = params.get('AWSAccessKeyId');
  const signature = params.get('Signature');
  if (!key || !signature || params.has('SignatureVersion')) return undefined;
  const expires = params.get('Expires');
  if (!expires || !/^\d+$/.test(expires)) throw new SigV4Failure('presignMalformed', 'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters');
  return { form: 'query', accessKeyId: key, signature, expires: Number(expires) };
}

/**
 * Verifies an S3 SigV2 signature (HMAC-SHA1 over verb, Content-MD5, Content-Type, Date or Expires, the x-amz-*
 * headers and the resource). `bucketFromHost` is the bucket of a virtual-hosted request (the resource starts with it).
 */
export function verifySigV2(req: RawRequest, sig: SigV2Signature, secret: string, opts: { nowMs: number; bucketFromHost?: string }): void {
  const headers = headerMap(req.rawHeaders);
  const first = (name: string) => headers.get(name)?.[0] ?? '';
  let date: string;
  if (sig.form === 'query') {
    if (opts.nowMs > sig.expires! * 1000) {
      throw new SigV4Failure('presignExpired', 'Request has expired', { requestTime: amzDate(sig.expires! * 1000), serverTime: amzDate(opts.nowMs), expires: '0' });
    }
    date = String(sig.expires);
  } else {
    const stamp = headers.get('x-amz-date')?.[0] ?? headers.get('date')?.[0];
    const ms = stamp === undefined ? NaN : Date.parse(stamp);
    if (Number.isNaN(ms)) throw new SigV4Failure('incomplete', 'AWS authentication requires a valid Date or x-amz-date header');
    if (Math.abs(opts.nowMs - ms) > MAX_SKEW_MS) {
      throw new SigV4Failure('expired', 'The difference between the request time and the current time is too large.', { requestTime: amzDate(ms), serverTime: amzDate(opts.nowMs) });
    }
    date = headers.has('x-amz-date') ? '' : first('date');
  }
  const amz = [...headers.keys()].filter((k) => k.startsWith('x-amz-')).sort()
    .map((k) => `${k}:${headers.get(k)!.map((v) => v.trim()).join(',')}\n`).join('');
  const sub = queryPairs(req.query).filter(([k]) => SIGV2_SUBRESOURCES.has(k)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => (v === '' ? k : `${k}=${v}`));
  const resource = `${opts.bucketFromHost ? `/${opts.bucketFromHost}` : ''}${req.path || '/'}${sub.length ? `?${sub.join('&')}` : ''}`;
  const toSign = `${req.method.toUpperCase()}\n${first('content-md5')}\n${first('content-type')}\n${date}\n${amz}${resource}`;
  const expected = createHmac('sha1', secret).update(toSign, 'utf8').digest('base64');
  const a = Buffer.from(expected);
  const b = Buffer.from(sig.signature);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new SigV4Failure('mismatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', {
      stringToSign: toSign, signatureProvided: sig.signature, canonicalRequest: '',
    });
  }
}
