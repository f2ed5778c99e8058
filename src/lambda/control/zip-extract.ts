import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';

export class ZipRejected extends Error {}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;

function openZip(zip: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true, strictFileNames: false, validateEntrySizes: true }, (err, zf) =>
      err || !zf ? reject(new ZipRejected(err?.message ?? 'unreadable zip')) : resolve(zf),
    );
  });
}

function openEntry(zf: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    zf.openReadStream(entry, (err, stream) => (err || !stream ? reject(new ZipRejected(err?.message ?? 'bad entry')) : resolve(stream)));
  });
}

/** Resolves `name` inside `root`, refusing absolute paths and `..` escapes. */
function safeTarget(root: string, name: string): string {
  const normalised = name.replace(/\\/g, '/');
  if (normalised.startsWith('/') || /^[a-zA-Z]:/.test(normalised)) throw new ZipRejected(`absolute path in zip: ${name}`);
  const target = path.resolve(root, normalised);
  if (target !== root && !target.startsWith(root + path.sep)) throw new ZipRejected(`path escapes the archive: ${name}`);
  return target;
}

/**
 * Extracts a deployment package into `dest` (which must not exist). Entry sizes are checked while streaming, so a
 * zip bomb stops at `maxUnzippedBytes`; `..`/absolute paths and symlinks pointing out of the tree are refused.
 * Unix modes are kept so that a custom runtime's `bootstrap` stays executable.
 */
export async function extractZip(zip: Buffer, dest: string, maxUnzippedBytes: number): Promise<number> {
  const zf = await openZip(zip);
  fs.mkdirSync(dest, { recursive: true });
  let total = 0;
  try {
    for (let entry = await nextEntry(zf); entry; entry = await nextEntry(zf)) {
      total += await extractEntry(zf, entry, dest, maxUnzippedBytes - total);
    }
  } finally {
    zf.close();
  }
  return total;
}

function nextEntry(zf: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = () => zf.removeAllListeners('entry').removeAllListeners('end').removeAllListeners('error');
    zf.once('entry', (e: yauzl.Entry) => (cleanup(), resolve(e)));
    zf.once('end', () => (cleanup(), resolve(undefined)));
    zf.once('error', (err: Error) => (cleanup(), reject(new ZipRejected(err.message))));
    zf.readEntry();
  });
}

/** Filesystem answers that mean the archive contradicts itself (a file and a directory of the same name, ...). */
const CONFLICTS = new Set(['EEXIST', 'ENOTDIR', 'EISDIR']);

async function extractEntry(zf: yauzl.ZipFile, entry: yauzl.Entry, dest: string, budget: number): Promise<number> {
  try {
    return await writeEntry(zf, entry, dest, budget);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== undefined && CONFLICTS.has(code)) throw new ZipRejected(`conflicting entry ${entry.fileName}: ${code}`);
    throw err;
  }
}

async function writeEntry(zf: yauzl.ZipFile, entry: yauzl.Entry, dest: string, budget: number): Promise<number> {
  const target = safeTarget(dest, entry.fileName);
  const mode = (entry.externalFileAttributes >>> 16) & 0xffff;
  const type = mode & S_IFMT;
  if (entry.fileName.endsWith('/') || type === S_IFDIR) {
    fs.mkdirSync(target, { recursive: true });
    return 0;
  }
  if (entry.uncompressedSize > budget) throw new ZipRejected('unzipped size over the limit');
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const stream = await openEntry(zf, entry);
  if (type === S_IFLNK) {
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    const link = Buffer.concat(chunks).toString();
    safeTarget(dest, path.relative(dest, path.resolve(path.dirname(target), link)));
    if (path.isAbsolute(link)) throw new ZipRejected(`absolute symlink in zip: ${entry.fileName}`);
    fs.symlinkSync(link, target);
    return entry.uncompressedSize;
  }
  const executable = (mode & 0o111) !== 0;
  try {
    await pipeline(stream, fs.createWriteStream(target, { mode: executable ? 0o755 : 0o644 }));
  } catch (err) {
    // yauzl fails the stream when the data does not match the declared sizes (a lying zip bomb) or is corrupt.
    throw new ZipRejected((err as Error).message);
  }
  return entry.uncompressedSize;
}
