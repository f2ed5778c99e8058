import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError } from '../core/errors.js';

/** The caller as the gateway established it: the account it acts for and the region it addressed. */
export interface Caller {
  account: string;
  region: string;
  accessKeyId?: string;
}

/** One API request after routing, handed to a service. */
export interface ApiRequest {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** Raw (still percent-encoded) path without the query string. */
  path: string;
  query: URLSearchParams;
  requestId: string;
  caller: Caller;
  /** `http://host:port` as the client addressed lambkin. */
  origin: string;
}

const prereadBodies = new WeakMap<IncomingMessage, Buffer>();

/** Hands a body the gateway already read (to verify its signature) to the service's `readBody`. */
export function setPrereadBody(req: IncomingMessage, body: Buffer): void {
  prereadBodies.set(req, body);
}

const expectedSha256 = new WeakMap<IncomingMessage, { hex: string; mismatch: () => AwsError }>();

/** A signed hex `x-amz-content-sha256` the body read by `readBody` must match (else `mismatch()` is thrown). */
export function setExpectedBodySha256(req: IncomingMessage, hex: string, mismatch: () => AwsError): void {
  expectedSha256.set(req, { hex, mismatch });
}

/**
 * Reads the whole body. Over `maxBytes` the rest is discarded and `tooLarge` is thrown, so the caller can answer
 * with the service's own 413 error and the connection is closed once that answer is sent.
 */
export function readBody(req: IncomingMessage, maxBytes: number, tooLarge: () => AwsError): Promise<Buffer> {
  const preread = prereadBodies.get(req);
  if (preread) {
    prereadBodies.delete(req);
    return preread.length > maxBytes ? Promise.reject(tooLarge()) : Promise.resolve(preread);
  }
  const declared = Number(req.headers['content-length']);
  if (declared > maxBytes) return Promise.reject(discard(req, tooLarge()));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners('data');
        reject(discard(req, tooLarge()));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      const expected = expectedSha256.get(req);
      if (expected && createHash('sha256').update(body).digest('hex') !== expected.hex) reject(expected.mismatch());
      else resolve(body);
    });
    req.on('error', reject);
  });
}

function discard(req: IncomingMessage, err: AwsError): AwsError {
  req.resume();
  // Close the connection after the error is written rather than reading an unbounded body.
  err.headers['Connection'] = 'close';
  return err;
}
