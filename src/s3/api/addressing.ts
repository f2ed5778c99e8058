import { isIP } from 'node:net';
import { s3Error } from '../errors.js';

/** The bucket and key a request addresses; '' when it names none. */
export interface S3Address {
  bucket: string;
  key: string;
  virtualHost: boolean;
}

/** A path whose percent-escapes are not UTF-8 is S3's 400 InvalidURI. */
function decode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw s3Error('InvalidURI', { URI: raw }, 'Couldn\'t parse the specified URI.');
  }
}

/** The host name of a Host header, without the port (IPv6 literals keep their brackets off). */
export function hostNameOf(host: string | undefined): string {
  if (!host) return '';
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return (colon >= 0 ? host.slice(0, colon) : host).toLowerCase();
}

/**
 * The bucket named by a virtual-hosted Host header: `<bucket>.localhost` or `<bucket>.<hostName>` (the configured
 * name clients reach lambkin by). IP addresses and the bare names themselves address no bucket.
 */
export function virtualHostBucket(host: string | undefined, hostNames: readonly string[]): string | undefined {
  const name = hostNameOf(host);
  if (!name || isIP(name)) return undefined;
  for (const base of hostNames) {
    if (base && name.endsWith(`.${base}`)) return name.slice(0, -(base.length + 1));
  }
  return undefined;
}

/**
 * Path style `/{bucket}/{key+}` or virtual-hosted `/{key+}` (other-services.md §1.1). The key is percent-decoded
 * once; it keeps every `/`, empty segments included.
 */
export function s3Address(rawPath: string, host: string | undefined, hostNames: readonly string[]): S3Address {
  const fromHost = virtualHostBucket(host, hostNames);
  if (fromHost !== undefined) return { bucket: fromHost, key: decode(rawPath.slice(1)), virtualHost: true };
  const rest = rawPath.slice(1);
  const slash = rest.indexOf('/');
  if (slash < 0) return { bucket: decode(rest), key: '', virtualHost: false };
  return { bucket: decode(rest.slice(0, slash)), key: decode(rest.slice(slash + 1)), virtualHost: false };
}
