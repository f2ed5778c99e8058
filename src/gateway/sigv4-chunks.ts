import { createHash, createHmac, timingSafeEqual, type Hash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { EMPTY_SHA256 } from './sigv4-verify.js';

/**
 * The signed chunks of an S3 `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` upload: each chunk's signature chains from the
 * previous one, starting with the seed (the header signature). The gateway registers a verifier for a request once
 * its header signature is verified; the aws-chunked decoder feeds it every chunk.
 */
export class ChunkSignatures {
  private previous: string;
  private hash: Hash | undefined;
  private claimed = '';

  constructor(private readonly key: Buffer, private readonly timestamp: string, private readonly scope: string, seed: string) {
    this.previous = seed;
  }

  /** A chunk header: `<hex size>;chunk-signature=<sig>`; false when the signature is missing. */
  begin(signature: string | undefined): boolean {
    if (!signature) return false;
    this.claimed = signature;
    this.hash = createHash('sha256');
    return true;
  }

  data(bytes: Buffer): void {
    this.hash?.update(bytes);
  }

  /** Ends the current chunk; false when its signature does not match. */
  end(): boolean {
    const dataHash = this.hash ? this.hash.digest('hex') : EMPTY_SHA256;
    this.hash = undefined;
    const toSign = `AWS4-HMAC-SHA256-PAYLOAD\n${this.timestamp}\n${this.scope}\n${this.previous}\n${EMPTY_SHA256}\n${dataHash}`;
    const expected = createHmac('sha256', this.key).update(toSign, 'utf8').digest('hex');
    const a = Buffer.from(expected);
    const b = Buffer.from(this.claimed);
    this.previous = expected;
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

const verifiers = new WeakMap<IncomingMessage, ChunkSignatures>();

export function setChunkSignatures(req: IncomingMessage, v: ChunkSignatures): void {
  verifiers.set(req, v);
}

export function chunkSignaturesOf(req: IncomingMessage): ChunkSignatures | undefined {
  return verifiers.get(req);
}
