import fs from 'node:fs';

/** True when no live process has this pid (a zombie waiting to be reaped counts as gone: it no longer runs). */
export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'latin1');
    return /^State:\s+[ZX]/m.test(status);
  } catch {
    return true;
  }
}

/** Lists every file under `dir` (relative paths, sorted), skipping names that `skip` matches. */
export function listTree(dir: string, skip: RegExp = /^$/): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(`${dir}/${rel}`, { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (skip.test(child)) continue;
      if (entry.isDirectory() && !entry.isSymbolicLink()) walk(child);
      else out.push(child);
    }
  };
  walk('');
  return out.sort();
}
