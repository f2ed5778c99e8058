import { createHash, randomBytes, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A file written and synced under a temporary name, waiting for `publish`. */
export interface WrittenFile {
  id: string;
  tmpPath: string;
  size: number;
  md5: Buffer;
  sha256: Buffer;
}

/** Counts and hashes what passes through. */
class Meter extends Transform {
  size = 0;
  readonly md5: Hash = createHash('md5');
  readonly sha256: Hash = createHash('sha256');

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    this.md5.update(chunk);
    this.sha256.update(chunk);
    done(null, chunk);
  }
}

/**
 * Object and part bytes on disk: `<dataDir>/s3/objects/<id>` for published files, `<dataDir>/s3/tmp/` while they
 * are written. A file is streamed to tmp, fsynced, then renamed into objects/ (and the directory synced) before any
 * record names it; bytes are never held whole in memory.
 */
export class ObjectFiles {
  private readonly objects: string;
  private readonly tmp: string;

  constructor(dataDir: string) {
    this.objects = path.join(dataDir, 's3', 'objects');
    this.tmp = path.join(dataDir, 's3', 'tmp');
    fs.mkdirSync(this.objects, { recursive: true, mode: 0o700 });
    fs.mkdirSync(this.tmp, { recursive: true, mode: 0o700 });
  }

  path(id: string): string {
    return path.join(this.objects, id);
  }

  /** Streams `source` (through the `via` transforms, in order) into a new temporary file and syncs it. */
  async write(source: Readable | AsyncIterable<Buffer>, via: readonly Transform[] = []): Promise<WrittenFile> {
    const id = randomBytes(16).toString('hex');
    const tmpPath = path.join(this.tmp, id);
    const meter = new Meter();
    // `flush` fsyncs the file before the stream closes it; the close is awaited, so the bytes are on disk.
    const sink = fs.createWriteStream(tmpPath, { flags: 'wx', mode: 0o600, flush: true });
    const closed = new Promise<void>((resolve) => sink.once('close', () => resolve()));
    try {
      await (pipeline as (...streams: unknown[]) => Promise<void>)(source, ...via, meter, sink);
      await closed;
    } catch (err) {
      // The stream opens its file asynchronously: remove it only once the stream has closed, or an early failure
      // (a bad body before the open finished) would leave the file behind.
      sink.destroy();
      await closed;
      await fs.promises.rm(tmpPath, { force: true });
      throw err;
    }
    return { id, tmpPath, size: meter.size, md5: meter.md5.digest(), sha256: meter.sha256.digest() };
  }

  /** The published files `ids`, one after another (a multipart upload's parts). */
  async *concat(ids: readonly string[]): AsyncIterable<Buffer> {
    for (const id of ids) for await (const chunk of fs.createReadStream(this.path(id))) yield chunk as Buffer;
  }

  /** Moves a written file into place, durably. After this a record may name it. */
  async publish(file: WrittenFile): Promise<void> {
    await fs.promises.rename(file.tmpPath, this.path(file.id));
    await syncDir(this.objects);
  }

  /** Drops a written file that will not be published. */
  discard(file: WrittenFile): void {
    fs.rmSync(file.tmpPath, { force: true });
  }

  /** Removes a published file once no record names it any more. */
  remove(id: string): void {
    fs.rmSync(this.path(id), { force: true });
  }

  /** Start-up: temporary files of a run that stopped, and files that no record names (their record never committed). */
  removeLeftovers(referenced: ReadonlySet<string>): number {
    let removed = 0;
    for (const name of fs.readdirSync(this.tmp)) {
      fs.rmSync(path.join(this.tmp, name), { force: true, recursive: true });
      removed++;
    }
    for (const name of fs.readdirSync(this.objects)) {
      if (referenced.has(name)) continue;
      fs.rmSync(path.join(this.objects, name), { force: true });
      removed++;
    }
    return removed;
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await fs.promises.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
