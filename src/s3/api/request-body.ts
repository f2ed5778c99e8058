import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import type { ChunkSignatures } from '../../gateway/sigv4-chunks.js';
import { chunkSignaturesOf } from '../../gateway/sigv4-chunks.js';
import type { ObjectFiles, WrittenFile } from '../engine/object-files.js';
import { s3Error } from '../errors.js';
import { CHECKSUM_ALGORITHMS, CHECKSUM_NAMES, ChecksumMeter, type ChecksumAlgorithm } from './checksums.js';

const MAX_LINE = 8192;
const CR = 13;
const LF = 10;

/**
 * Decodes an `aws-chunked` body (`<hex size>[;chunk-signature=…]\r\n<bytes>\r\n … 0\r\n<trailers>\r\n\r\n`,
 * other-services.md §1.1) into the object's bytes. Trailers (`x-amz-checksum-crc32:…`) are kept aside.
 */
export class AwsChunkedDecoder extends Transform {
  readonly trailers: Record<string, string> = {};
  private state: 'size' | 'data' | 'crlf' | 'trailer' | 'done' = 'size';
  private line: number[] = [];
  private remaining = 0;

  /** With `signatures`, every chunk's `chunk-signature` is verified (signed streaming uploads). */
  constructor(private readonly signatures?: ChunkSignatures) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.consume(chunk);
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    done(this.state === 'done' ? null : s3Error('IncompleteBody'));
  }

  private consume(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'done') return;
      if (this.state === 'data') {
        const n = Math.min(this.remaining, chunk.length - i);
        this.signatures?.data(chunk.subarray(i, i + n));
        this.push(chunk.subarray(i, i + n));
        i += n;
        this.remaining -= n;
        if (this.remaining === 0) {
          this.state = 'crlf';
          if (this.signatures && !this.signatures.end()) throw chunkSignatureMismatch();
        }
        continue;
      }
      const byte = chunk[i++]!;
      if (byte !== LF) {
        if (byte !== CR) this.line.push(byte);
        if (this.line.length > MAX_LINE) throw invalidChunk();
        continue;
      }
      const line = Buffer.from(this.line).toString('latin1');
      this.line = [];
      this.endLine(line);
    }
  }

  private endLine(line: string): void {
    if (this.state === 'crlf') {
      if (line !== '') throw invalidChunk();
      this.state = 'size';
    } else if (this.state === 'size') {
      const [sizeText, ...extensions] = line.split(';');
      const size = parseInt(sizeText!.trim(), 16);
      if (!Number.isFinite(size) || size < 0) throw invalidChunk();
      if (this.signatures) {
        const signature = extensions.map((e) => e.trim()).find((e) => e.startsWith('chunk-signature='))?.slice('chunk-signature='.length);
        if (!this.signatures.begin(signature)) throw invalidChunk();
        if (size === 0 && !this.signatures.end()) throw chunkSignatureMismatch();
      }
      this.remaining = size;
      this.state = size === 0 ? 'trailer' : 'data';
    } else if (this.state === 'trailer') {
      if (line === '') {
        this.state = 'done';
        return;
      }
      const colon = line.indexOf(':');
      if (colon > 0) this.trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
  }
}

const chunkSignatureMismatch = () => s3Error('SignatureDoesNotMatch', {},
  'The request signature we calculated does not match the signature you provided. Check your key and signing method.');

const invalidChunk = () => s3Error('InvalidRequest', {}, 'The chunked encoding of the request body is not valid.');

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export function isAwsChunked(req: IncomingMessage): boolean {
  const encoding = header(req, 'content-encoding') ?? '';
  const sha = header(req, 'x-amz-content-sha256') ?? '';
  return encoding.split(',').some((e) => e.trim() === 'aws-chunked') || sha.startsWith('STREAMING-');
}

/** The Content-Encoding to store: what the client declared, without the transfer-only `aws-chunked`. */
export function storedContentEncoding(req: IncomingMessage): string | undefined {
  const parts = (header(req, 'content-encoding') ?? '').split(',').map((e) => e.trim()).filter((e) => e && e !== 'aws-chunked');
  return parts.length ? parts.join(', ') : undefined;
}

/** The `x-amz-content-sha256` values S3 accepts besides a hex SHA-256. */
const CONTENT_SHA256_KEYWORDS: ReadonlySet<string> = new Set([
  'UNSIGNED-PAYLOAD', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD', 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER',
]);

/** A present `x-amz-content-sha256` must be one of S3's keywords or 64 hex digits (400 InvalidArgument otherwise). */
export function checkContentSha256(req: IncomingMessage): void {
  const sha = header(req, 'x-amz-content-sha256');
  if (sha === undefined || CONTENT_SHA256_KEYWORDS.has(sha) || /^[0-9a-fA-F]{64}$/.test(sha)) return;
  throw s3Error('InvalidArgument', { ArgumentName: 'x-amz-content-sha256', ArgumentValue: sha },
    'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, '
    + 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, '
    + 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.');
}

/** The checksums a request declares: `x-amz-checksum-<alg>` headers and the `x-amz-trailer` it announces. */
function declaredChecksums(req: IncomingMessage): ChecksumAlgorithm[] {
  const trailer = (header(req, 'x-amz-trailer') ?? '').toLowerCase().split(',').map((t) => t.trim());
  return CHECKSUM_ALGORITHMS.filter((a) => req.headers[`x-amz-checksum-${a}`] !== undefined || trailer.includes(`x-amz-checksum-${a}`));
}

/**
 * Streams the request's object bytes (decoded when aws-chunked) into a synced temporary file, then checks them
 * against `x-amz-decoded-content-length`, `Content-MD5`, a hex `x-amz-content-sha256` and the declared
 * `x-amz-checksum-*` values (header or trailer). A failed check discards the file and raises S3's error.
 */
export async function receiveObjectBody(req: IncomingMessage, files: ObjectFiles): Promise<WrittenFile> {
  const md5Header = header(req, 'content-md5');
  const expectedMd5 = md5Header === undefined ? undefined : Buffer.from(md5Header, 'base64');
  if (expectedMd5 && (expectedMd5.length !== 16 || expectedMd5.toString('base64') !== md5Header)) {
    req.resume();
    throw s3Error('InvalidDigest', { 'Content-MD5': md5Header });
  }
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
    req.resume();
    throw s3Error('MissingContentLength');
  }
  const chunked = isAwsChunked(req);
  const decoder = chunked ? new AwsChunkedDecoder(chunkSignaturesOf(req)) : undefined;
  const algorithms = declaredChecksums(req);
  const checksums = algorithms.length ? new ChecksumMeter(algorithms) : undefined;
  const file = await files.write(req, [decoder, checksums].filter((t) => t !== undefined));
  try {
    checkBody(req, file, chunked, expectedMd5);
    for (const alg of algorithms) {
      const expected = header(req, `x-amz-checksum-${alg}`) ?? decoder?.trailers[`x-amz-checksum-${alg}`];
      if (expected === undefined) continue;
      if (expected !== checksums!.value(alg)) {
        throw s3Error('BadDigest', {}, `The ${CHECKSUM_NAMES[alg]} you specified did not match the calculated checksum.`);
      }
    }
  } catch (err) {
    files.discard(file);
    throw err;
  }
  return file;
}

function checkBody(req: IncomingMessage, file: WrittenFile, chunked: boolean, expectedMd5: Buffer | undefined): void {
  const decodedLength = header(req, 'x-amz-decoded-content-length');
  if (chunked && decodedLength !== undefined && Number(decodedLength) !== file.size) throw s3Error('IncompleteBody');
  if (!chunked && req.headers['content-length'] !== undefined && Number(req.headers['content-length']) !== file.size) {
    throw s3Error('IncompleteBody');
  }
  if (expectedMd5 && !expectedMd5.equals(file.md5)) {
    throw s3Error('BadDigest', { ExpectedDigest: expectedMd5.toString('hex'), CalculatedDigest: file.md5.toString('base64') });
  }
  const sha = header(req, 'x-amz-content-sha256');
  if (sha && /^[0-9a-f]{64}$/i.test(sha) && sha.toLowerCase() !== file.sha256.toString('hex')) {
    throw s3Error('XAmzContentSHA256Mismatch', { ClientComputedContentSHA256: sha, S3ComputedContentSHA256: file.sha256.toString('hex') });
  }
}
