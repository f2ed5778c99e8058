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

function bucketOperation(method: string, q: URLSearchParams): S3Handler | undefined {
  if (q.has('notification')) return method === 'PUT' ? buckets.putBucketNotification : method === 'GET' ? buckets.getBucketNotification : undefined;
  if (q.has('versioning') && method === 'GET') return buckets.getBucketVersioning;
  if (q.has('location') && method === 'GET') return buckets.getBucketLocation;
  if (q.has('uploads') && method === 'GET') return multipart.listMultipartUploads;
  if (q.has('delete') && method === 'POST') return objects.deleteObjects;
  switch (method) {
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
      if (uploadId) return req.headers['x-amz-copy-source'] ? undefined : multipart.uploadPart;
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

/** Host ids of requests in flight, so errors carry the same `x-amz-id-2` as the request's events. */
const hostIds = new WeakMap<ApiRequest, string>();

export function s3Service(deps: S3ApiDeps): ServiceHandler {
  return async (api) => {
    const address = s3Address(api.path, api.req.headers.host, deps.hostNames);
    const r: S3Request = { api, deps, bucket: address.bucket, key: address.key, virtualHost: address.virtualHost, hostId: newHostId() };
    hostIds.set(api, r.hostId);
    try {
      await operationOf(api, r.bucket, r.key)(r);
    } catch (err) {
      if (!api.req.complete) api.req.resume();
      if (isAwsError(err)) throw err;
      deps.log.error({ err, requestId: api.requestId, service: 's3', method: api.method, path: api.path }, 'internal error');
      throw s3Error('InternalError');
    }
  };
}

export function sendS3Error(res: ServerResponse, requestId: string, err: AwsError, api: ApiRequest): void {
  const hostId = hostIds.get(api) ?? newHostId();
  sendRestXmlError(res, { requestId, hostId }, err, api.method === 'HEAD');
}
