import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { readBody } from '../../gateway/request.js';
import { sendEmpty, sendRestXml, xmlDocument } from '../../gateway/protocols/rest-xml.js';
import type { XmlElement } from '../../gateway/protocols/query.js';
import type { ObjectRecord } from '../../store/store.js';
import { noSuchKey, s3Error } from '../errors.js';
import { eventOrigin, idHeaders, type S3Handler, type S3Request } from './context.js';
import { attributesFrom, checkConditions, headerOf, isoDate, objectHeaders, parseRange, quoted } from './object-headers.js';
import { receiveObjectBody } from './request-body.js';
import { DELETE_SHAPE, parseS3Document } from './xml-schema.js';

/** S3's largest single PUT (S3 User Guide "Uploading objects"). */
const MAX_PUT_BYTES = 5 * 1024 ** 3;
/** DeleteObjects takes at most 1,000 keys; its XML stays well under this. */
const MAX_DELETE_BODY_BYTES = 2 * 1024 * 1024;

export function checkKey(r: S3Request): void {
  if (Buffer.byteLength(r.key) > 1024) throw s3Error('KeyTooLongError', { Key: r.key }, 'Your key is too long');
}

function checkPutSize(r: S3Request): void {
  const declared = Number(headerOf(r.api.req, 'x-amz-decoded-content-length') ?? headerOf(r.api.req, 'content-length') ?? 0);
  if (declared > MAX_PUT_BYTES) {
    r.api.req.resume();
    throw s3Error('EntityTooLarge', { ProposedSize: declared, MaxSizeAllowed: MAX_PUT_BYTES });
  }
}

/** `If-None-Match: *` (create only) and `If-Match: <etag>` (replace only that version) on PutObject. */
async function checkPutConditions(r: S3Request): Promise<void> {
  const ifNoneMatch = headerOf(r.api.req, 'if-none-match');
  const ifMatch = headerOf(r.api.req, 'if-match');
  if (ifNoneMatch === undefined && ifMatch === undefined) return;
  const current = await r.deps.engine.getObject(r.bucket, r.key).catch(() => undefined);
  if (ifNoneMatch === '*' && current) throw s3Error('PreconditionFailed', { Condition: 'If-None-Match' });
  if (ifMatch !== undefined && (!current || current.etag !== ifMatch.replace(/"/g, ''))) {
    if (!current) throw noSuchKey(r.key);
    throw s3Error('PreconditionFailed', { Condition: 'If-Match' });
  }
}

export const putObject: S3Handler = async (r) => {
  checkKey(r);
  r.deps.engine.requireBucket(r.bucket);
  checkPutSize(r);
  const attrs = attributesFrom(r.api.req);
  const file = await receiveObjectBody(r.api.req, r.deps.engine.files);
  let record: ObjectRecord;
  try {
    await checkPutConditions(r);
    record = await r.deps.engine.putObject(r.bucket, r.key, file, attrs, 'ObjectCreated:Put', eventOrigin(r));
  } catch (err) {
    r.deps.engine.files.discard(file);
    throw err;
  }
  sendEmpty(r.api.res, 200, { ...idHeaders(r), ETag: quoted(record.etag) });
};

export const getObject: S3Handler = async (r) => {
  const { record, fh } = await r.deps.engine.openObject(r.bucket, r.key);
  let handedOver = false;
  try {
    if (checkConditions(r.api.req, record) === 'not-modified') {
      sendEmpty(r.api.res, 304, { ...idHeaders(r), ETag: quoted(record.etag), 'Last-Modified': objectHeaders(record, r.api.query)['Last-Modified']! as string });
      return;
    }
    const range = parseRange(headerOf(r.api.req, 'range'), record.size);
    const headers: Record<string, string | number> = { ...idHeaders(r), ...objectHeaders(record, r.api.query) };
    const start = range?.start ?? 0;
    const end = range?.end ?? record.size - 1;
    headers['Content-Length'] = Math.max(0, end - start + 1);
    if (range) headers['Content-Range'] = `bytes ${start}-${end}/${record.size}`;
    r.api.res.writeHead(range ? 206 : 200, headers);
    if (record.size === 0) {
      r.api.res.end();
      return;
    }
    handedOver = true;
    await pipeline(fh.createReadStream({ start, end }), r.api.res);
  } finally {
    if (!handedOver) await fh.close();
  }
};

export const headObject: S3Handler = async (r) => {
  const record = await r.deps.engine.getObject(r.bucket, r.key);
  if (checkConditions(r.api.req, record) === 'not-modified') {
    sendEmpty(r.api.res, 304, { ...idHeaders(r), ETag: quoted(record.etag) });
    return;
  }
  const range = parseRange(headerOf(r.api.req, 'range'), record.size);
  const headers: Record<string, string | number> = { ...idHeaders(r), ...objectHeaders(record, r.api.query) };
  headers['Content-Length'] = range ? range.end - range.start + 1 : record.size;
  if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${record.size}`;
  r.api.res.writeHead(range ? 206 : 200, headers);
  r.api.res.end();
};

/**
 * `x-amz-copy-source: [/]<bucket>/<key>[?versionId=…]`, URL-encoded (other-services.md §1.2). Buckets are not
 * versioned: only the `null` version exists.
 */
export function copySource(value: string): { bucket: string; key: string } {
  const [path, query] = value.split('?');
  const versionId = new URLSearchParams(query ?? '').get('versionId');
  if (versionId !== null && versionId !== 'null') {
    throw s3Error('InvalidArgument', { ArgumentName: 'versionId', ArgumentValue: versionId }, 'Invalid version id specified');
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(path!.replace(/^\//, ''));
  } catch {
    decoded = path!.replace(/^\//, '');
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw s3Error('InvalidArgument', { ArgumentName: 'x-amz-copy-source', ArgumentValue: value }, 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey');
  }
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1) };
}

/** CopyObject's source preconditions (`x-amz-copy-source-if-*`) answer 412 when they fail. */
export function checkCopyConditions(r: S3Request, src: ObjectRecord): void {
  const h = (n: string) => headerOf(r.api.req, `x-amz-copy-source-if-${n}`);
  const modified = Math.floor(src.lastModifiedMs / 1000);
  const fail = (condition: string) => s3Error('PreconditionFailed', { Condition: `x-amz-copy-source-If-${condition}` });
  if (h('match') !== undefined && h('match')!.replace(/"/g, '') !== src.etag) throw fail('Match');
  if (h('none-match') !== undefined && h('none-match')!.replace(/"/g, '') === src.etag) throw fail('None-Match');
  const unmodified = Date.parse(h('unmodified-since') ?? '');
  if (!Number.isNaN(unmodified) && modified > Math.floor(unmodified / 1000)) throw fail('Unmodified-Since');
  const since = Date.parse(h('modified-since') ?? '');
  if (!Number.isNaN(since) && modified <= Math.floor(since / 1000)) throw fail('Modified-Since');
}

export const copyObject: S3Handler = async (r) => {
  checkKey(r);
  r.api.req.resume();
  r.deps.engine.requireBucket(r.bucket);
  const source = copySource(headerOf(r.api.req, 'x-amz-copy-source')!);
  const opened = await r.deps.engine.openObject(source.bucket, source.key);
  try {
    await copyFrom(r, opened);
  } finally {
    await opened.fh.close().catch(() => undefined);
  }
};

async function copyFrom(r: S3Request, opened: { record: ObjectRecord; fh: FileHandle }): Promise<void> {
  const src = opened.record;
  const source = { bucket: src.bucket, key: src.key };
  checkCopyConditions(r, src);
  const directive = (headerOf(r.api.req, 'x-amz-metadata-directive') ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') {
    throw s3Error('InvalidArgument', { ArgumentName: 'x-amz-metadata-directive', ArgumentValue: directive }, 'Unknown metadata directive.');
  }
  if (directive === 'COPY' && source.bucket === r.bucket && source.key === r.key) {
    throw s3Error('InvalidRequest', {}, 'This copy request is illegal because it is trying to copy an object to itself without changing the object\'s metadata, storage class, website redirect location or encryption attributes.');
  }
  const attrs = directive === 'REPLACE' ? attributesFrom(r.api.req) : { contentType: src.contentType, metadata: src.metadata, headers: src.headers };
  const record = await r.deps.engine.copyObject(opened, r.bucket, r.key, attrs, eventOrigin(r));
  const xml = xmlDocument('CopyObjectResult', { LastModified: isoDate(record.lastModifiedMs), ETag: quoted(record.etag) });
  sendRestXml(r.api.res, 200, xml, idHeaders(r));
}

export const deleteObject: S3Handler = async (r) => {
  r.api.req.resume();
  await r.deps.engine.deleteObject(r.bucket, r.key, eventOrigin(r));
  sendEmpty(r.api.res, 204, idHeaders(r));
};

/** DeleteObjects: up to 1,000 keys; each gets a `Deleted` entry (unless Quiet) or an `Error` entry. */
export const deleteObjects: S3Handler = async (r) => {
  r.deps.engine.requireBucket(r.bucket);
  const body = await readBody(r.api.req, MAX_DELETE_BODY_BYTES, () => s3Error('MalformedXML'));
  const md5 = headerOf(r.api.req, 'content-md5');
  if (md5 !== undefined && createHash('md5').update(body).digest('base64') !== md5) throw s3Error('BadDigest');
  const doc = parseS3Document(body, 'Delete', DELETE_SHAPE, ['Object']);
  const objects = ((doc.Object as unknown[] | undefined) ?? []).map((o) => (o as Record<string, unknown>)?.Key);
  if (objects.length === 0 || objects.length > 1000 || objects.some((k) => typeof k !== 'string' || k === '')) throw s3Error('MalformedXML');
  const quiet = String(doc.Quiet ?? 'false').toLowerCase() === 'true';
  const deleted: XmlElement[] = [];
  const errors: XmlElement[] = [];
  for (const key of objects as string[]) {
    try {
      await r.deps.engine.deleteObject(r.bucket, key, eventOrigin(r));
      if (!quiet) deleted.push({ Key: key });
    } catch (err) {
      errors.push({ Key: key, Code: 'InternalError', Message: (err as Error).message });
    }
  }
  const content: XmlElement = {};
  if (deleted.length) content.Deleted = deleted;
  if (errors.length) content.Error = errors;
  sendRestXml(r.api.res, 200, xmlDocument('DeleteResult', content), idHeaders(r));
};
