import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAwsError, type AwsError } from '../../core/errors.js';
import { sendRestXmlError } from '../../gateway/protocols/rest-xml.js';
import type { ApiRequest } from '../../gateway/request.js';
import type { ServiceHandler } from '../../gateway/server.js';
import { s3Error } from '../errors.js';
import { s3Address } from './addressing.js';
import * as buckets from './buckets.js';
import { newHostId, type S3ApiDeps, type S3Handler, type S3Request } from './context.js';
import { listObjectsV1, listObjectsV2 } from './list-objects.js';
import * as multipart from './multipart.js';
import * as objects from './objects.js';
import { checkContentSha256 } from './request-body.js';

/**
 * S3 takes what is signed for `s3` (header or presigned query) and, as the last service in the list, every
 * unsigned request that no other service claimed (other-services.md §0).
 */
export function acceptsS3(_req: IncomingMessage, _path: string, signingService: string | undefined): boolean {
  return signingService === undefined || signingService === 's3';
}

/** Bucket sub-resources lambkin does not serve: answered 501 NotImplemented rather than taken for another op. */
const UNSUPPORTED_SUBRESOURCES = [
  'acl', 'policy', 'policyStatus', 'tagging', 'cors', 'lifecycle', 'website', 'encryption', 'replication', 'logging',
  'accelerate', 'requestPayment', 'object-lock', 'ownershipControls', 'publicAccessBlock', 'inventory', 'analytics',
  'metrics', 'intelligent-tiering', 'legal-hold', 'retention', 'restore', 'select', 'torrent', 'attributes', 'versions',
];

/** A sub-resource lambkin serves, asked with a method it does not serve (PutBucketVersioning, …): 501, never another op. */
const notImplemented: S3Handler = async () => {
  throw s3Error('NotImplemented');
};

function bucketOperation(method: string, q: URLSearchParams): S3Handler | undefined {
  if (q.has('notification')) return method === 'PUT' ? buckets.putBucketNotification : method === 'GET' ? buckets.getBucketNotification : notImplemented;
  if (q.has('versioning')) return method === 'GET' ? buckets.getBucketVersioning : notImplemented;
  if (q.has('location')) return method === 'GET' ? buckets.getBucketLocation : notImplemented;
  if (q.has('uploads')) return method === 'GET' ? multipart.listMultipartUploads : notImplemented;
  if (q.has('delete')) return method === 'POST' ? objects.deleteObjects : notImplemented;
  switch (method) {
    // POST to a bucket is a browser form upload, which lambkin does not serve.
    case 'POST': return notImplemented;
    case 'PUT': return buckets.createBucket;
    case 'HEAD': return buckets.headBucket;
    case 'DELETE': return buckets.deleteBucket;
    case 'GET': return q.get('list-type') === '2' ? listObjectsV2 : listObjectsV1;
    default: return undefined;
  }
}

function objectOperation(method: string, q: URLSearchParams, req: IncomingMessage): S3Handler | undefined {
  const uploadId = q.has('uploadId');
  switch (method) {
    case 'PUT':
      if (uploadId) return req.headers['x-amz-copy-source'] ? multipart.uploadPartCopy : multipart.uploadPart;
      return req.headers['x-amz-copy-source'] ? objects.copyObject : objects.putObject;
    case 'GET': return uploadId ? multipart.listParts : objects.getObject;
    case 'HEAD': return objects.headObject;
    case 'DELETE': return uploadId ? multipart.abortMultipartUpload : objects.deleteObject;
    case 'POST':
      if (q.has('uploads')) return multipart.createMultipartUpload;
      return uploadId ? multipart.completeMultipartUpload : undefined;
    default: return undefined;
  }
}

function operationOf(api: ApiRequest, bucket: string, key: string): S3Handler {
  const q = api.query;
  if (UNSUPPORTED_SUBRESOURCES.some((s) => q.has(s))) throw s3Error('NotImplemented');
  let op: S3Handler | undefined;
  if (bucket === '') op = api.method === 'GET' ? buckets.listBuckets : undefined;
  else if (key === '') op = bucketOperation(api.method, q);
  else op = objectOperation(api.method, q, api.req);
  if (!op) throw s3Error('MethodNotAllowed', { Method: api.method, ResourceType: key ? 'OBJECT' : bucket ? 'BUCKET' : 'SERVICE' });
  return op;
}

/** `YYYYMMDDTHHMMSSZ` (SigV4's X-Amz-Date) in milliseconds; NaN when it is not one. */
function amzDateMs(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : NaN;
}

const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * A presigned URL past its expiry is 403 AccessDenied "Request has expired": SigV4 (`X-Amz-Date` + `X-Amz-Expires`
 * seconds) and SigV2 (`Expires`, epoch seconds). The signature itself is not verified here.
 */
function checkPresignedExpiry(q: URLSearchParams, now: number): void {
  const expired = (expiresMs: number, extra: Record<string, unknown>) => {
    if (now <= expiresMs) return;
    throw s3Error('AccessDenied', { ...extra, Expires: isoSeconds(expiresMs), ServerTime: isoSeconds(now) }, 'Request has expired');
  };
  if (q.has('X-Amz-Credential') && q.has('X-Amz-Date') && q.has('X-Amz-Expires')) {
    const start = amzDateMs(q.get('X-Amz-Date')!);
    const seconds = Number(q.get('X-Amz-Expires'));
    if (!Number.isNaN(start) && Number.isFinite(seconds)) expired(start + seconds * 1000, { 'X-Amz-Expires': q.get('X-Amz-Expires') });
  } else if (q.has('AWSAccessKeyId') && q.has('Expires')) {
    const epoch = Number(q.get('Expires'));
    if (Number.isFinite(epoch)) expired(epoch * 1000, {});
  }
}

/** The client went away (an interrupted upload or download): no server fault. */
function clientGone(api: ApiRequest, err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const connectionError = code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'EPIPE' || code === 'ECONNABORTED';
  return connectionError && ((api.req.destroyed && !api.req.complete) || (api.res.destroyed && !api.res.writableFinished) || api.req.socket.destroyed);
}

/** Host ids of requests in flight, so errors carry the same `x-amz-id-2` as the request's events. */
const hostIds = new WeakMap<ApiRequest, string>();

export function s3Service(deps: S3ApiDeps): ServiceHandler {
  return async (api) => {
    const hostId = newHostId();
    hostIds.set(api, hostId);
    try {
      const address = s3Address(api.path, api.req.headers.host, deps.hostNames);
      const r: S3Request = { api, deps, bucket: address.bucket, key: address.key, virtualHost: address.virtualHost, hostId };
      checkPresignedExpiry(api.query, deps.engine.now());
      checkContentSha256(api.req);
      await operationOf(api, r.bucket, r.key)(r);
    } catch (err) {
      if (!api.req.complete) api.req.resume();
      if (isAwsError(err)) throw err;
      if (clientGone(api, err)) {
        deps.log.debug({ requestId: api.requestId, method: api.method, path: api.path, reason: (err as Error).message }, 's3: client disconnected');
        throw s3Error('RequestTimeout', {}, 'The client closed the connection before the request completed.');
      }
      deps.log.error({ err, requestId: api.requestId, service: 's3', method: api.method, path: api.path }, 'internal error');
      throw s3Error('InternalError');
    }
  };
}

export function sendS3Error(res: ServerResponse, requestId: string, err: AwsError, api: ApiRequest): void {
  const hostId = hostIds.get(api) ?? newHostId();
  sendRestXmlError(res, { requestId, hostId }, err, api.method === 'HEAD');
}
