import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { invalidParameter } from '../../core/validation.js';
import { extractZip, ZipRejected } from './zip-extract.js';

/** AWS quota: code and layers unzipped must stay under 250 MB. */
export const MAX_UNZIPPED_BYTES = 262_144_000;

export interface StoredCode {
  sha256Hex: string;
  /** base64 SHA-256, as FunctionConfiguration.CodeSha256. */
  sha256Base64: string;
  size: number;
}

/**
 * Deployment packages, content-addressed by SHA-256: `<dataDir>/code/<sha>.zip` as uploaded and
 * `<dataDir>/runtime/tasks/<sha>/` unpacked once. Functions' code dirs sit under `<dataDir>/runtime/` so that
 * `<dataDir>/runtime/node_modules` (the AWS SDK that the Node.js runtimes provide) resolves from them, for
 * `require` and `import` alike.
 */
export class CodeStore {
  private readonly zipDir: string;
  private readonly taskDir: string;

  constructor(dataDir: string) {
    this.zipDir = path.join(dataDir, 'code');
    this.taskDir = path.join(dataDir, 'runtime', 'tasks');
    fs.mkdirSync(this.zipDir, { recursive: true, mode: 0o700 });
    fs.mkdirSync(this.taskDir, { recursive: true, mode: 0o700 });
    // No package.json above a function's code, as above /var/task on AWS: without this one, Node would take the
    // nearest one up the tree (a data dir inside a project with "type": "module" made every .js an ES module).
    fs.writeFileSync(path.join(this.runtimeRoot, 'package.json'), '{}\n');
    this.removeLeftovers();
  }

  /** Half-written zips and unpack dirs of a run that crashed. */
  private removeLeftovers(): void {
    for (const dir of [this.zipDir, this.taskDir]) {
      for (const name of fs.readdirSync(dir)) if (name.endsWith('.tmp')) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    }
  }

  /** Validates and unpacks a zip; throws InvalidParameterValueException for a bad archive. Idempotent per content. */
  async put(zip: Buffer): Promise<StoredCode> {
    const digest = createHash('sha256').update(zip).digest();
    const code = { sha256Hex: digest.toString('hex'), sha256Base64: digest.toString('base64'), size: zip.length };
    const dir = this.taskRoot(code.sha256Hex);
    if (!fs.existsSync(dir)) await this.unpack(zip, dir);
    const zipFile = this.zipPath(code.sha256Hex);
    if (!fs.existsSync(zipFile)) {
      fs.writeFileSync(`${zipFile}.tmp`, zip, { mode: 0o600 });
      fs.renameSync(`${zipFile}.tmp`, zipFile);
    }
    return code;
  }

  private async unpack(zip: Buffer, dir: string): Promise<void> {
    // Unpack beside the final place, then rename: a crash never leaves a half-written code dir in use. The random
    // part keeps two concurrent uploads of the same package (same sha, same millisecond) out of each other's way.
    const tmp = `${dir}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await extractZip(zip, tmp, MAX_UNZIPPED_BYTES);
      makeReadOnly(tmp);
      fs.renameSync(tmp, dir);
    } catch (err) {
      fs.rmSync(tmp, { recursive: true, force: true });
      if (err instanceof ZipRejected && err.message === 'unzipped size over the limit') {
        throw invalidParameter(`Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes`);
      }
      if (err instanceof ZipRejected) {
        throw invalidParameter('Could not unzip uploaded file. Please check your file, then try to upload again.');
      }
      if ((err as NodeJS.ErrnoException).code === 'ENOTEMPTY' || (err as NodeJS.ErrnoException).code === 'EEXIST') return;
      throw err;
    }
  }

  taskRoot(sha256Hex: string): string {
    return path.join(this.taskDir, sha256Hex);
  }

  zipPath(sha256Hex: string): string {
    return path.join(this.zipDir, `${sha256Hex}.zip`);
  }

  /** The runtime directory that holds `tasks/` and the shared `node_modules`. */
  get runtimeRoot(): string {
    return path.dirname(this.taskDir);
  }
}

/**
 * Files are read-only once unpacked, so one function cannot rewrite the code that others with the same package run
 * (on AWS, /var/task is a read-only mount; lambkin's sandbox mounts it so). Directories stay writable so that a
 * plain `rm -rf` of the data dir still works.
 */
function makeReadOnly(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      const p = path.join(entry.parentPath, entry.name);
      fs.chmodSync(p, fs.statSync(p).mode & 0o555);
    }
  }
}
