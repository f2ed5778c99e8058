import type { IncomingMessage } from 'node:http';
import type { ObjectRecord } from '../../store/store.js';
import type { ObjectAttributes } from '../engine/s3-engine.js';
import { s3Error } from '../errors.js';
import { storedContentEncoding } from './request-body.js';

/** Representation headers S3 stores with an object and returns on GET and HEAD. */
const STORED_HEADERS = ['cache-control', 'content-disposition', 'content-language', 'expires'] as const;
const META_PREFIX = 'x-amz-meta-';
const MAX_METADATA_BYTES = 2048;
/** S3's type for an object stored without one. */
export const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

export const headerOf = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
};

/** Content-Type, user metadata and stored headers from a PutObject / CreateMultipartUpload / CopyObject request. */
export function attributesFrom(req: IncomingMessage): ObjectAttributes {
  // No prototype: a header `x-amz-meta-__proto__` is a name like any other.
  const metadata: Record<string, string> = Object.create(null) as Record<string, string>;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith(META_PREFIX) && value !== undefined) metadata[name.slice(META_PREFIX.length)] = Array.isArray(value) ? value.join(',') : value;
  }
  for (const name of STORED_HEADERS) {
    const v = headerOf(req, name);
    if (v !== undefined) headers[name] = v;
  }
  // User metadata: at most 2 KB, keys and values counted in UTF-8 (S3 User Guide "Working with object metadata").
  const metadataBytes = Object.entries(metadata).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (metadataBytes > MAX_METADATA_BYTES) {
    throw s3Error('MetadataTooLarge', { Size: metadataBytes, MaxSizeAllowed: MAX_METADATA_BYTES }, 'Your metadata headers exceed the maximum allowed metadata size');
  }
  const encoding = storedContentEncoding(req);
  if (encoding) headers['content-encoding'] = encoding;
  return { contentType: headerOf(req, 'content-type') || DEFAULT_CONTENT_TYPE, metadata, headers };
}

export const quoted = (etag: string): string => `"${etag}"`;
export const httpDate = (ms: number): string => new Date(ms).toUTCString();
/** ISO-8601 with milliseconds, as S3's XML timestamps. */
export const isoDate = (ms: number): string => new Date(ms).toISOString();

/** The headers of GET and HEAD answers; `response-*` query parameters override the stored ones. */
export function objectHeaders(r: ObjectRecord, query: URLSearchParams): Record<string, string | number> {
  const out: Record<string, string | number> = {
    ETag: quoted(r.etag), 'Last-Modified': httpDate(r.lastModifiedMs), 'Content-Type': r.contentType, 'Accept-Ranges': 'bytes',
  };
  for (const [name, value] of Object.entries(r.headers)) out[name] = value;
  for (const [name, value] of Object.entries(r.metadata)) out[`${META_PREFIX}${name}`] = value;
  const overrides: Record<string, string> = {
    'response-content-type': 'Content-Type', 'response-content-language': 'content-language', 'response-expires': 'expires',
    'response-cache-control': 'cache-control', 'response-content-disposition': 'content-disposition', 'response-content-encoding': 'content-encoding',
  };
  for (const [param, name] of Object.entries(overrides)) {
    const v = query.get(param);
    if (v !== null) out[name] = v;
  }
  return out;
}

const etagMatches = (list: string, etag: string): boolean =>
  list.split(',').some((t) => t.trim() === '*' || t.trim().replace(/^W\//, '').replace(/"/g, '') === etag);

/** Seconds, as Last-Modified carries them. */
const seconds = (ms: number): number => Math.floor(ms / 1000);

/**
 * GET/HEAD preconditions (RFC 9110 §13.2.2 order, S3's pairing): If-Match before If-Unmodified-Since (412), then
 * If-None-Match before If-Modified-Since (304). Resolves 'not-modified' for a 304.
 */
export function checkConditions(req: IncomingMessage, r: ObjectRecord): 'ok' | 'not-modified' {
  const ifMatch = headerOf(req, 'if-match');
  const ifNoneMatch = headerOf(req, 'if-none-match');
  const since = Date.parse(headerOf(req, 'if-modified-since') ?? '');
  const unmodifiedSince = Date.parse(headerOf(req, 'if-unmodified-since') ?? '');
  const modified = seconds(r.lastModifiedMs);
  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch, r.etag)) throw s3Error('PreconditionFailed', { Condition: 'If-Match' });
  } else if (!Number.isNaN(unmodifiedSince) && modified > seconds(unmodifiedSince)) {
    throw s3Error('PreconditionFailed', { Condition: 'If-Unmodified-Since' });
  }
  if (ifNoneMatch !== undefined) {
    if (etagMatches(ifNoneMatch, r.etag)) return 'not-modified';
  } else if (!Number.isNaN(since) && modified <= seconds(since)) {
    return 'not-modified';
  }
  return 'ok';
}

/**
 * A single `Range: bytes=a-b | a- | -n` (inclusive end). Other forms (several ranges, other units, bad syntax) are
 * ignored and the whole object is sent, as S3 does; a range that starts past the end is 416 InvalidRange.
 */
export function parseRange(value: string | undefined, size: number): { start: number; end: number } | undefined {
  if (!value) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0 || size === 0) throw invalidRange(value, size);
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return undefined;
  if (start >= size) throw invalidRange(value, size);
  return { start, end };
}

const invalidRange = (range: string, size: number) =>
  s3Error('InvalidRange', { RangeRequested: range, ActualObjectSize: size });
