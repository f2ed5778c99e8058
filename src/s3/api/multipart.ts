import { readBody } from '../../gateway/request.js';
import { sendEmpty, sendRestXml, xmlDocument } from '../../gateway/protocols/rest-xml.js';
import { canonicalId, MAX_PARTS } from '../engine/s3-engine.js';
import { s3Error } from '../errors.js';
import { eventOrigin, idHeaders, type S3Handler, type S3Request } from './context.js';
import { attributesFrom, headerOf, isoDate, quoted } from './object-headers.js';
import { receiveObjectBody } from './request-body.js';
import { COMPLETE_SHAPE, parseS3Document } from './xml-schema.js';
import { checkCopyConditions, checkKey, copySource } from './objects.js';

/** A part list of 10,000 entries stays well under this. */
const MAX_COMPLETE_BODY_BYTES = 4 * 1024 * 1024;

const uploadIdOf = (r: S3Request): string => r.api.query.get('uploadId') ?? '';

export const createMultipartUpload: S3Handler = async (r) => {
  r.api.req.resume();
  checkKey(r);
  const upload = await r.deps.engine.createUpload(r.bucket, r.key, attributesFrom(r.api.req));
  const xml = xmlDocument('InitiateMultipartUploadResult', { Bucket: r.bucket, Key: r.key, UploadId: upload.uploadId });
  sendRestXml(r.api.res, 200, xml, idHeaders(r));
};

function partNumberOf(r: S3Request): number {
  const raw = r.api.query.get('partNumber') ?? '';
  const partNumber = Number(raw);
  if (!/^\d+$/.test(raw) || partNumber < 1 || partNumber > MAX_PARTS) {
    r.api.req.resume();
    throw s3Error('InvalidArgument', { ArgumentName: 'partNumber', ArgumentValue: raw }, `Part number must be an integer between 1 and ${MAX_PARTS}, inclusive`);
  }
  return partNumber;
}

export const uploadPart: S3Handler = async (r) => {
  const partNumber = partNumberOf(r);
  const upload = await r.deps.engine.requireUpload(r.bucket, r.key, uploadIdOf(r)).catch((err) => {
    r.api.req.resume();
    throw err;
  });
  const file = await receiveObjectBody(r.api.req, r.deps.engine.files);
  try {
    const part = await r.deps.engine.uploadPart(upload, partNumber, file);
    sendEmpty(r.api.res, 200, { ...idHeaders(r), ETag: quoted(part.etag) });
  } catch (err) {
    r.deps.engine.files.discard(file);
    throw err;
  }
};

/** `x-amz-copy-source-range: bytes=first-last` (inclusive, both required, within the source). */
function copyRange(value: string | undefined, size: number): { start: number; end: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^bytes=(\d+)-(\d+)$/.exec(value.trim());
  if (!m || Number(m[2]) < Number(m[1])) {
    throw s3Error('InvalidArgument', { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: value },
      'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy');
  }
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end >= size) {
    throw s3Error('InvalidArgument', { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: value }, `Range specified is not valid for source object of size: ${size}`);
  }
  return { start, end };
}

/** UploadPartCopy: a part made of (a range of) an existing object. */
export const uploadPartCopy: S3Handler = async (r) => {
  r.api.req.resume();
  const partNumber = partNumberOf(r);
  const upload = await r.deps.engine.requireUpload(r.bucket, r.key, uploadIdOf(r));
  const source = copySource(headerOf(r.api.req, 'x-amz-copy-source')!);
  const opened = await r.deps.engine.openObject(source.bucket, source.key);
  try {
    checkCopyConditions(r, opened.record);
    const range = copyRange(headerOf(r.api.req, 'x-amz-copy-source-range'), opened.record.size);
    const file = await r.deps.engine.files.write(opened.fh.createReadStream({ start: range?.start ?? 0, end: range?.end, autoClose: false }));
    let part;
    try {
      part = await r.deps.engine.uploadPart(upload, partNumber, file);
    } catch (err) {
      r.deps.engine.files.discard(file);
      throw err;
    }
    const xml = xmlDocument('CopyPartResult', { ETag: quoted(part.etag), LastModified: isoDate(part.lastModifiedMs) });
    sendRestXml(r.api.res, 200, xml, idHeaders(r));
  } finally {
    await opened.fh.close().catch(() => undefined);
  }
};

function requestedParts(body: Buffer): { partNumber: number; etag: string }[] {
  const doc = parseS3Document(body, 'CompleteMultipartUpload', COMPLETE_SHAPE, ['Part']);
  return ((doc.Part as unknown[] | undefined) ?? []).map((p) => {
    const part = p as Record<string, unknown>;
    const n = Number(part.PartNumber);
    if (!Number.isInteger(n) || typeof part.ETag !== 'string') throw s3Error('MalformedXML');
    return { partNumber: n, etag: part.ETag };
  });
}

export const completeMultipartUpload: S3Handler = async (r) => {
  const upload = await r.deps.engine.requireUpload(r.bucket, r.key, uploadIdOf(r));
  const body = await readBody(r.api.req, MAX_COMPLETE_BODY_BYTES, () => s3Error('MalformedXML'));
  const record = await r.deps.engine.completeUpload(upload, requestedParts(body), eventOrigin(r));
  const keyPath = r.key.split('/').map(encodeURIComponent).join('/');
  const location = r.virtualHost ? `${r.api.origin}/${keyPath}` : `${r.api.origin}/${encodeURIComponent(r.bucket)}/${keyPath}`;
  const xml = xmlDocument('CompleteMultipartUploadResult', { Location: location, Bucket: r.bucket, Key: r.key, ETag: quoted(record.etag) });
  sendRestXml(r.api.res, 200, xml, idHeaders(r));
};

export const abortMultipartUpload: S3Handler = async (r) => {
  r.api.req.resume();
  const upload = await r.deps.engine.requireUpload(r.bucket, r.key, uploadIdOf(r));
  await r.deps.engine.abortUpload(upload);
  sendEmpty(r.api.res, 204, idHeaders(r));
};

/** A non-negative integer query parameter (`max-parts`, `max-uploads`, `part-number-marker`), capped at `cap`. */
function intParam(q: URLSearchParams, name: string, fallback: number, cap = Infinity): number {
  const raw = q.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n)) {
    throw s3Error('InvalidArgument', { ArgumentName: name, ArgumentValue: raw }, `Provided ${name} not an integer or within integer range`);
  }
  return Math.min(n, cap);
}

const owner = (r: S3Request) => {
  const account = r.deps.engine.requireBucket(r.bucket).account;
  return { ID: canonicalId(account), DisplayName: 'lambkin' };
};

/** ListParts: parts after `part-number-marker`, `max-parts` (≤ 1,000) at a time. */
export const listParts: S3Handler = async (r) => {
  const upload = await r.deps.engine.requireUpload(r.bucket, r.key, uploadIdOf(r));
  const q = r.api.query;
  const maxParts = intParam(q, 'max-parts', 1000, 1000);
  const marker = intParam(q, 'part-number-marker', 0);
  const after = (await r.deps.engine.parts(upload.uploadId)).filter((p) => p.partNumber > marker);
  const page = after.slice(0, maxParts);
  const truncated = after.length > page.length;
  const who = owner(r);
  const content: Record<string, unknown> = {
    Bucket: r.bucket, Key: r.key, UploadId: upload.uploadId, PartNumberMarker: String(marker),
    ...(page.length ? { NextPartNumberMarker: String(page[page.length - 1]!.partNumber) } : {}),
    MaxParts: String(maxParts), IsTruncated: String(truncated),
    ...(page.length ? {
      Part: page.map((p) => ({ PartNumber: String(p.partNumber), LastModified: isoDate(p.lastModifiedMs), ETag: quoted(p.etag), Size: String(p.size) })),
    } : {}),
    Initiator: who, Owner: who, StorageClass: 'STANDARD',
  };
  sendRestXml(r.api.res, 200, xmlDocument('ListPartsResult', content as never), idHeaders(r));
};

/**
 * ListMultipartUploads: uploads in (key, upload id) order after `key-marker` (and, for that key, after
 * `upload-id-marker`), under `prefix`, keys sharing a part up to `delimiter` rolled into one CommonPrefixes entry;
 * `max-uploads` (≤ 1,000) entries at a time, prefixes included.
 */
export const listMultipartUploads: S3Handler = async (r) => {
  const q = r.api.query;
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const keyMarker = q.get('key-marker') ?? '';
  const uploadIdMarker = keyMarker ? q.get('upload-id-marker') ?? '' : '';
  const encodingType = q.get('encoding-type');
  if (encodingType !== null && encodingType !== 'url') {
    throw s3Error('InvalidArgument', { ArgumentName: 'encoding-type', ArgumentValue: encodingType }, 'Invalid Encoding Method specified in Request');
  }
  const enc = encodingType === 'url' ? (s: string) => encodeURIComponent(s).replace(/%2F/g, '/') : (s: string) => s;
  const maxUploads = intParam(q, 'max-uploads', 1000, 1000);
  const candidates = (await r.deps.engine.uploads(r.bucket)).filter((u) => u.key.startsWith(prefix)
    && (u.key > keyMarker || (uploadIdMarker !== '' && u.key === keyMarker && u.uploadId > uploadIdMarker))
    // A marker that is a rolled-up prefix (the previous page's last entry) covers every key below it.
    && !(delimiter !== '' && keyMarker.endsWith(delimiter) && keyMarker.length > prefix.length && u.key.startsWith(keyMarker)));
  const who = owner(r);
  const uploads: Record<string, unknown>[] = [];
  const prefixes: string[] = [];
  let last: { key: string; uploadId: string } | undefined;
  let truncated = false;
  for (const u of candidates) {
    const at = delimiter ? u.key.indexOf(delimiter, prefix.length) : -1;
    const common = at >= 0 ? u.key.slice(0, at + delimiter.length) : undefined;
    if (common !== undefined && prefixes[prefixes.length - 1] === common) continue;
    if (uploads.length + prefixes.length >= maxUploads) {
      truncated = true;
      break;
    }
    if (common !== undefined) {
      prefixes.push(common);
      last = { key: common, uploadId: '' };
    } else {
      uploads.push({ Key: enc(u.key), UploadId: u.uploadId, Initiator: who, Owner: who, StorageClass: 'STANDARD', Initiated: isoDate(u.initiatedMs) });
      last = { key: u.key, uploadId: u.uploadId };
    }
  }
  const content: Record<string, unknown> = {
    Bucket: r.bucket, KeyMarker: enc(keyMarker), UploadIdMarker: uploadIdMarker,
    ...(truncated && last ? { NextKeyMarker: enc(last.key), NextUploadIdMarker: last.uploadId } : {}),
    ...(delimiter ? { Delimiter: enc(delimiter) } : {}),
    Prefix: enc(prefix), MaxUploads: String(maxUploads), IsTruncated: String(truncated),
    ...(uploads.length ? { Upload: uploads } : {}),
    ...(prefixes.length ? { CommonPrefixes: prefixes.map((p) => ({ Prefix: enc(p) })) } : {}),
    ...(encodingType ? { EncodingType: encodingType } : {}),
  };
  sendRestXml(r.api.res, 200, xmlDocument('ListMultipartUploadsResult', content as never), idHeaders(r));
};
