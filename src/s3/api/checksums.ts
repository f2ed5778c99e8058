import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';

/** The flexible checksums S3 verifies when a request declares one (header or aws-chunked trailer). */
export const CHECKSUM_ALGORITHMS = ['crc32', 'crc32c', 'sha1', 'sha256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** AWS's names in its BadDigest texts. */
export const CHECKSUM_NAMES: Readonly<Record<ChecksumAlgorithm, string>> = { crc32: 'CRC32', crc32c: 'CRC32C', sha1: 'SHA1', sha256: 'SHA256' };

function table(poly: number): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? poly ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

const CRC32_TABLE = table(0xedb88320);
const CRC32C_TABLE = table(0x82f63b78);

/** A reflected CRC-32 over `data`, continuing from `crc` (0 to start). */
function crcUpdate(tab: Uint32Array, crc: number, data: Uint8Array): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = tab[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

type ZlibCrc = (data: Uint8Array, value?: number) => number;
const zlibCrc32 = (zlib as unknown as { crc32?: ZlibCrc }).crc32;

class Crc {
  private value = 0;
  constructor(private readonly update32: (crc: number, data: Uint8Array) => number) {}
  update(data: Uint8Array): void {
    this.value = this.update32(this.value, data);
  }
  digestBase64(): string {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(this.value >>> 0);
    return out.toString('base64');
  }
}

interface Digest {
  update(data: Uint8Array): void;
  digestBase64(): string;
}

const hashDigest = (h: Hash): Digest => ({ update: (d) => void h.update(d), digestBase64: () => h.digest('base64') });

function newDigest(alg: ChecksumAlgorithm): Digest {
  switch (alg) {
    case 'crc32': return new Crc(zlibCrc32 ? (crc, d) => zlibCrc32(d, crc) : (crc, d) => crcUpdate(CRC32_TABLE, crc, d));
    case 'crc32c': return new Crc((crc, d) => crcUpdate(CRC32C_TABLE, crc, d));
    case 'sha1': return hashDigest(createHash('sha1'));
    case 'sha256': return hashDigest(createHash('sha256'));
  }
}

/** Computes the named checksums of what passes through (base64, as S3's `x-amz-checksum-*` values). */
export class ChecksumMeter extends Transform {
  private readonly digests: Map<ChecksumAlgorithm, Digest>;
  private results?: Map<ChecksumAlgorithm, string>;

  constructor(algorithms: readonly ChecksumAlgorithm[]) {
    super();
    this.digests = new Map(algorithms.map((a) => [a, newDigest(a)]));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    for (const d of this.digests.values()) d.update(chunk);
    done(null, chunk);
  }

  value(alg: ChecksumAlgorithm): string {
    this.results ??= new Map([...this.digests].map(([a, d]) => [a, d.digestBase64()]));
    return this.results.get(alg)!;
  }
}
