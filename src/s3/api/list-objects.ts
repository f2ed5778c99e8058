import { sendRestXml, xmlDocument } from '../../gateway/protocols/rest-xml.js';
import type { XmlElement } from '../../gateway/protocols/query.js';
import { s3Error } from '../errors.js';
import { idHeaders, type S3Handler } from './context.js';
import { isoDate, quoted } from './object-headers.js';
import { canonicalId } from '../engine/s3-engine.js';

/**
 * `encoding-type=url`: keys and prefixes percent-encoded (clients decode them only when the answer echoes
 * `<EncodingType>url</EncodingType>`, other-services.md §1.2). `/` stays readable.
 */
const urlEncode = (s: string): string => encodeURIComponent(s).replace(/%2F/g, '/');

function maxKeysOf(q: URLSearchParams): number {
  const raw = q.get('max-keys');
  if (raw === null) return 1000;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n)) {
    throw s3Error('InvalidArgument', { ArgumentName: 'max-keys', ArgumentValue: raw }, 'Provided max-keys not an integer or within integer range');
  }
  return Math.min(n, 1000);
}

function decodeToken(token: string): { key: string; inclusive: boolean } {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString()) as unknown;
    if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'boolean') return { key: v[0], inclusive: v[1] };
  } catch {
    // falls through to the error
  }
  throw s3Error('InvalidArgument', { ArgumentName: 'continuation-token', ArgumentValue: token }, 'The continuation token provided is incorrect');
}

const encodeToken = (next: { key: string; inclusive: boolean }): string => Buffer.from(JSON.stringify([next.key, next.inclusive])).toString('base64url');

/** ListObjectsV2 (`GET /{Bucket}?list-type=2`). */
export const listObjectsV2: S3Handler = async (r) => {
  const q = r.api.query;
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const startAfter = q.get('start-after') ?? '';
  const token = q.get('continuation-token');
  const encodingType = q.get('encoding-type');
  if (encodingType !== null && encodingType !== 'url') {
    throw s3Error('InvalidArgument', { ArgumentName: 'encoding-type', ArgumentValue: encodingType }, 'Invalid Encoding Method specified in Request');
  }
  const maxKeys = maxKeysOf(q);
  const from = token !== null ? decodeToken(token)
    : startAfter >= prefix ? { key: startAfter, inclusive: false } : { key: prefix, inclusive: true };
  const out = await r.deps.engine.list(r.bucket, { prefix, delimiter, from, maxKeys });
  const enc = encodingType === 'url' ? urlEncode : (s: string) => s;
  const fetchOwner = q.get('fetch-owner') === 'true';
  const bucket = r.deps.engine.requireBucket(r.bucket);
  const contents: XmlElement[] = [];
  const prefixes: XmlElement[] = [];
  for (const e of out.entries) {
    if ('commonPrefix' in e) {
      prefixes.push({ Prefix: enc(e.commonPrefix) });
      continue;
    }
    const o = e.object;
    const item: XmlElement = { Key: enc(o.key), LastModified: isoDate(o.lastModifiedMs), ETag: quoted(o.etag), Size: String(o.size), StorageClass: 'STANDARD' };
    if (fetchOwner) item.Owner = { ID: canonicalId(bucket.account), DisplayName: 'lambkin' };
    contents.push(item);
  }
  const content: XmlElement = { Name: r.bucket, Prefix: enc(prefix) };
  if (delimiter) content.Delimiter = enc(delimiter);
  content.MaxKeys = String(maxKeys);
  if (encodingType) content.EncodingType = encodingType;
  content.KeyCount = String(out.entries.length);
  content.IsTruncated = String(out.truncated);
  if (token !== null) content.ContinuationToken = token;
  if (out.next) content.NextContinuationToken = encodeToken(out.next);
  if (startAfter) content.StartAfter = enc(startAfter);
  if (contents.length) content.Contents = contents;
  if (prefixes.length) content.CommonPrefixes = prefixes;
  sendRestXml(r.api.res, 200, xmlDocument('ListBucketResult', content), idHeaders(r));
};

/** ListObjects (v1, `GET /{Bucket}`): Marker / NextMarker paging over the same listing. */
export const listObjectsV1: S3Handler = async (r) => {
  const q = r.api.query;
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const marker = q.get('marker') ?? '';
  const encodingType = q.get('encoding-type');
  const maxKeys = maxKeysOf(q);
  const from = marker >= prefix ? { key: marker, inclusive: false } : { key: prefix, inclusive: true };
  const out = await r.deps.engine.list(r.bucket, { prefix, delimiter, from, maxKeys });
  const enc = encodingType === 'url' ? urlEncode : (s: string) => s;
  const content: XmlElement = { Name: r.bucket, Prefix: enc(prefix), Marker: enc(marker) };
  if (delimiter) content.Delimiter = enc(delimiter);
  content.MaxKeys = String(maxKeys);
  if (encodingType === 'url') content.EncodingType = 'url';
  content.IsTruncated = String(out.truncated);
  const last = out.entries[out.entries.length - 1];
  if (out.truncated && last) content.NextMarker = enc('commonPrefix' in last ? last.commonPrefix : last.object.key);
  const contents = out.entries.flatMap((e) => ('object' in e ? [e.object] : []));
  const prefixes = out.entries.flatMap((e) => ('commonPrefix' in e ? [e.commonPrefix] : []));
  if (contents.length) {
    content.Contents = contents.map((o) => ({ Key: enc(o.key), LastModified: isoDate(o.lastModifiedMs), ETag: quoted(o.etag), Size: String(o.size), StorageClass: 'STANDARD' }));
  }
  if (prefixes.length) content.CommonPrefixes = prefixes.map((p) => ({ Prefix: enc(p) }));
  sendRestXml(r.api.res, 200, xmlDocument('ListBucketResult', content), idHeaders(r));
};
