/**
 * An HTTP request as an API front (API Gateway REST and HTTP APIs, function URLs) hands it to a Lambda event
 * builder: the raw parts the client sent, decoded only where the event formats decode them.
 */
export interface HttpRequest {
  method: string;
  /** The path the client sent, percent-encoded, without the query string (and without the stage for REST APIs). */
  rawPath: string;
  /** Everything after `?`, as sent ('' when none). */
  rawQueryString: string;
  /** Header names as sent and their values, in order (Node's `rawHeaders` pairs). */
  headers: Array<[string, string]>;
  body: Buffer;
  sourceIp: string;
  /** `HTTP/1.1` */
  protocol: string;
  /** The Host the client addressed, without the port. */
  domainName: string;
  timeMs: number;
  requestId: string;
}

/** Pairs `[name, value]` from Node's flat `rawHeaders` list. */
export function headerPairs(raw: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
  return pairs;
}

/** The last value of a header, names compared case-insensitively. */
export function headerValue(req: Pick<HttpRequest, 'headers'>, name: string): string | undefined {
  const lower = name.toLowerCase();
  let found: string | undefined;
  for (const [k, v] of req.headers) if (k.toLowerCase() === lower) found = v;
  return found;
}

/** Query pairs decoded as API Gateway decodes them (`+` is a space, `%XX` escapes); undecodable text is kept. */
export function queryPairs(rawQuery: string): Array<[string, string]> {
  if (rawQuery === '') return [];
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    pairs.push([decodeQueryComponent(key), decodeQueryComponent(value)]);
  }
  return pairs;
}

function decodeQueryComponent(s: string): string {
  const spaced = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** `04/Mar/2020:19:15:17 +0000`: the request time form in both payload formats' request context. */
export function requestTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/**
 * Whether a body of this content type travels as text in payload format 2.0 and function URL events (else it is
 * base64 with `isBase64Encoded: true`).
 */
export function isTextContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type.startsWith('text/')) return true;
  if (/^application\/([\w.+-]+\+)?(json|xml)$/.test(type)) return true;
  return ['application/javascript', 'application/ecmascript', 'application/x-www-form-urlencoded', 'application/graphql'].includes(type);
}

/**
 * REST APIs' `binaryMediaTypes` rule: a body whose Content-Type matches one of the API's binary media types
 * (`image/png`, `image/*`, `*\/*`) reaches the function base64-encoded.
 */
export function matchesMediaType(contentType: string | undefined, mediaTypes: readonly string[]): boolean {
  if (contentType === undefined || mediaTypes.length === 0) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  const [major, minor] = type.split('/');
  return mediaTypes.some((m) => {
    const [wantMajor, wantMinor] = m.trim().toLowerCase().split('/');
    return (wantMajor === '*' || wantMajor === major) && (wantMinor === '*' || wantMinor === minor);
  });
}
