import fs from 'node:fs';
import path from 'node:path';
import { processAlive } from '../core/process-alive.js';

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

/**
 * Claims the data dir for this process (`lambkin.lock` holds its pid) before anything reads or repairs it: a second
 * lambkin on the same dir would clean up files the first is still writing. A lock left by a process that is gone
 * (a crash, kill -9) is taken over; one held by this process (several servers in one test process) is shared.
 */
export function lockDataDir(dir: string): { release(): void } {
  const file = path.join(dir, 'lambkin.lock');
  const mine = String(process.pid);
  for (;;) {
    try {
      fs.writeFileSync(file, mine, { flag: 'wx', mode: 0o600 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`cannot lock the data dir ${dir}: ${(err as Error).message}`);
    }
    const holder = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    if (holder === process.pid) break;
    if (Number.isInteger(holder) && holder > 0 && processAlive(holder)) {
      throw new Error(`the data dir ${dir} is in use by another lambkin (pid ${holder}); stop it or start with another --data-dir`);
    }
    fs.rmSync(file, { force: true });
  }
  return {
    release: () => {
      try {
        if (fs.readFileSync(file, 'utf8') === mine) fs.rmSync(file, { force: true });
      } catch {
        // already gone
      }
    },
  };
}
