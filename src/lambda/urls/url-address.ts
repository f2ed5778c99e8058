import { randomBytes } from 'node:crypto';

/**
 * How a function URL is addressed. AWS serves `https://<url-id>.lambda-url.<region>.on.aws/`; lambkin answers on
 * `<url-id>.lambda-url.<region>.<any domain>` (the URLs it hands out use `localhost`, which resolves to the loopback
 * address in curl and browsers), and on the path-style form `/_lambda-url/<url-id>/<path>` on its own address, which
 * needs no DNS at all.
 */
export const PATH_PREFIX = '/_lambda-url/';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const URL_ID = /^[a-z0-9]{32}$/;
const HOST = /^([a-z0-9]{32})\.lambda-url\.([a-z0-9-]+)\.[^:]+(?::\d+)?$/i;

/** A new URL id: 32 lower-case letters and digits, as AWS's. */
export function newUrlId(): string {
  const bytes = randomBytes(32);
  let id = '';
  // 252 is the largest multiple of 36 below 256: rejecting higher bytes keeps every character equally likely.
  for (let i = 0; i < bytes.length && id.length < 32; i++) if (bytes[i]! < 252) id += ALPHABET[bytes[i]! % 36];
  return id.length === 32 ? id : newUrlId();
}

/** The host lambkin names a URL by (without the port). */
export function urlHost(urlId: string, region: string): string {
  return `${urlId}.lambda-url.${region}.localhost`;
}

/** `http://<url-id>.lambda-url.<region>.localhost:<port>/`: FunctionUrl in the API's answers. */
export function functionUrl(urlId: string, region: string, port: string | undefined): string {
  return `http://${urlHost(urlId, region)}${port ? `:${port}` : ''}/`;
}

/** Where a request landed: the URL id, the region its host named (host style only), and the path for the function. */
export interface UrlAddress {
  urlId: string;
  region?: string;
  /** The path as the function sees it (`rawPath`), percent-encoded as sent. */
  rawPath: string;
  /** The host name the event reports (`domainName`). */
  domainName?: string;
}

/** The function URL a request addresses, by its Host or by the path-style prefix; undefined when it addresses none. */
export function urlAddress(host: string | undefined, path: string): UrlAddress | undefined {
  const m = host === undefined ? null : HOST.exec(host);
  if (m) return { urlId: m[1]!.toLowerCase(), region: m[2]!.toLowerCase(), rawPath: path, domainName: host!.replace(/:\d+$/, '').toLowerCase() };
  if (!path.startsWith(PATH_PREFIX)) return undefined;
  const rest = path.slice(PATH_PREFIX.length);
  const slash = rest.indexOf('/');
  const urlId = slash < 0 ? rest : rest.slice(0, slash);
  return { urlId: urlId.toLowerCase(), rawPath: slash < 0 ? '/' : rest.slice(slash) };
}

export function isUrlId(id: string): boolean {
  return URL_ID.test(id);
}
