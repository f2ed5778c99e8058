import fs from 'node:fs';
import path from 'node:path';

/**
 * Creates the data dir and any missing parents (owner-only), one level at a time: Node's recursive mkdir spins for
 * ever on some paths (under /proc, for one) instead of failing. Throws a readable Error when it cannot.
 */
export function createDataDir(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !fs.existsSync(d); d = path.dirname(d)) {
    missing.unshift(d);
    if (path.dirname(d) === d) break;
  }
  try {
    for (const d of missing) fs.mkdirSync(d, { mode: 0o700 });
    if (!fs.statSync(dir).isDirectory()) throw new Error('it is not a directory');
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (err) {
    throw new Error(`cannot use ${dir} as the data dir: ${(err as Error).message}`);
  }
}
