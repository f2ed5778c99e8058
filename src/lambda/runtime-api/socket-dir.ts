import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { processAlive } from '../../core/process-alive.js';

const PREFIX = 'lambkin-rapi-';

/**
 * A short directory for the environments' Unix sockets (socket paths are limited to ~100 bytes, too short for an
 * arbitrary data dir). Named after this process so that a later start can remove what a killed server left.
 */
export function createSocketDir(): string {
  const tmp = os.tmpdir();
  for (const entry of fs.readdirSync(tmp)) {
    const pid = Number(/^lambkin-rapi-(\d+)-/.exec(entry)?.[1]);
    if (pid && pid !== process.pid && !processAlive(pid)) fs.rmSync(path.join(tmp, entry), { recursive: true, force: true });
  }
  return fs.mkdtempSync(path.join(tmp, `${PREFIX}${process.pid}-`));
}
