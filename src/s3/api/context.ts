import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ApiRequest } from '../../gateway/request.js';
import type { EventOrigin } from '../engine/event-record.js';
import type { S3Engine } from '../engine/s3-engine.js';

export interface S3ApiDeps {
  engine: S3Engine;
  log: Logger;
  /** Host names under which `<bucket>.<name>` addresses a bucket (virtual-hosted style). */
  hostNames: readonly string[];
}

/** One S3 request after addressing. */
export interface S3Request {
  api: ApiRequest;
  deps: S3ApiDeps;
  bucket: string;
  key: string;
  /** Whether the bucket came from the Host header (then paths hold only the key). */
  virtualHost: boolean;
  /** S3's second request id (`x-amz-id-2`). */
  hostId: string;
}

export type S3Handler = (r: S3Request) => Promise<void>;

export const newHostId = (): string => randomBytes(48).toString('base64');

/** Every S3 answer carries both request ids. */
export function idHeaders(r: S3Request): Record<string, string> {
  return { 'x-amz-request-id': r.api.requestId, 'x-amz-id-2': r.hostId };
}

/** Who made the request, for the event records it causes. */
export function eventOrigin(r: S3Request): EventOrigin {
  const ip = (r.api.req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  return { requestId: r.api.requestId, hostId: r.hostId, sourceIp: ip, principalId: `AWS:${r.api.caller.accessKeyId ?? r.api.caller.account}` };
}
