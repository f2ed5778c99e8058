import { readBody } from '../../gateway/request.js';
import { parseXmlPayload, sendEmpty, sendRestXml, xmlDocument } from '../../gateway/protocols/rest-xml.js';
import { MAX_PARTS } from '../engine/s3-engine.js';
import { s3Error } from '../errors.js';
import { eventOrigin, idHeaders, type S3Handler, type S3Request } from './context.js';
import { attributesFrom, isoDate, quoted } from './object-headers.js';
import { receiveObjectBody } from './request-body.js';

/** A part list of 10,000 entries stays well under this. */
const MAX_COMPLETE_BODY_BYTES = 4 * 1024 * 1024;

const uploadIdOf = (r: S3Request): string => r.api.query.get('uploadId') ?? '';

export const createMultipartUpload: S3Handler = async (r) => {
  r.api.req.resume();
  const upload = await r.deps.engine.createUpload(r.bucket, r.key, attributesFrom(r.api.req));
  const xml = xmlDocument('InitiateMultipartUploadResult', { Bucket: r.bucket, Key: r.key, UploadId: upload.uploadId });
  sendRestXml(r.api.res, 200, xml, idHeaders(r));
};

export const uploadPart: S3Handler = async (r) => {
  const raw = r.api.query.get('partNumber') ?? '';
  const partNumber = Number(raw);
  if (!/^\d+$/.test(raw) || partNumber < 1 || partNumber > MAX_PARTS) {
    r.api.req.resume();
    throw s3Error('InvalidArgument', { ArgumentName: 'partNumber', ArgumentValue: raw }, `Part number must be an integer between 1 and ${MAX_PARTS}, inclusive`);
  }
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

function requestedParts(body: Buffer): { partNumber: number; etag: string }[] {
  const doc = parseXmlPayload(body, ['Part']).CompleteMultipartUpload as Record<string, unknown> | undefined;
  if (!doc || typeof doc !== 'object') throw s3Error('MalformedXML');
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

export const listParts: S3Handler = async (r) => {
  const upload = await r.deps.engine.requireUpload(r.bucket, r.key, uploadIdOf(r));
  const parts = await r.deps.engine.parts(upload.uploadId);
  const xml = xmlDocument('ListPartsResult', {
    Bucket: r.bucket, Key: r.key, UploadId: upload.uploadId, MaxParts: '1000', IsTruncated: 'false', StorageClass: 'STANDARD',
    ...(parts.length ? {
      Part: parts.map((p) => ({ PartNumber: String(p.partNumber), LastModified: isoDate(p.lastModifiedMs), ETag: quoted(p.etag), Size: String(p.size) })),
    } : {}),
  });
  sendRestXml(r.api.res, 200, xml, idHeaders(r));
};

export const listMultipartUploads: S3Handler = async (r) => {
  const prefix = r.api.query.get('prefix') ?? '';
  const uploads = (await r.deps.engine.uploads(r.bucket)).filter((u) => u.key.startsWith(prefix));
  const xml = xmlDocument('ListMultipartUploadsResult', {
    Bucket: r.bucket, KeyMarker: '', UploadIdMarker: '', Prefix: prefix, MaxUploads: '1000', IsTruncated: 'false',
    ...(uploads.length ? {
      Upload: uploads.map((u) => ({ Key: u.key, UploadId: u.uploadId, Initiated: isoDate(u.initiatedMs), StorageClass: 'STANDARD' })),
    } : {}),
  });
  sendRestXml(r.api.res, 200, xml, idHeaders(r));
};
