import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (test/helpers/ is two levels below it). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const READY_LINE = /^lambkin listening on (http:\/\/\S+) \(data dir (.+)\)$/m;

/** A `node bin/lambkin.js start` child process, as a user would run it. */
export interface SpawnedLambkin {
  url: string;
  pid: number;
  proc: ChildProcess;
  dataDir: string;
  /** Everything the process wrote to stderr so far (pino logs). */
  stderr(): string;
  /** Resolves with the exit code and signal once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<SpawnedLambkin>();

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * `bin/lambkin.js` runs the compiled `dist/`. `npm test` builds first; a direct `node --test` run of an e2e file
 * builds here when `dist/` is missing or older than `src/`, so it never tests stale code.
 */
export function ensureBuilt(): void {
  const entry = path.join(REPO_ROOT, 'dist/cli/main.js');
  if (fs.existsSync(entry) && fs.statSync(entry).mtimeMs >= newestMtimeMs(path.join(REPO_ROOT, 'src'))) return;
  const r = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error('npm run build failed');
}

/**
 * Starts `lambkin start --port 0 --data-dir <dataDir>` and resolves once it printed its URL. The server picks a
 * free port itself and prints the real one. Rejects (and kills the process) if it exits or stays silent for
 * `timeoutMs`.
 */
export async function spawnLambkin(dataDir: string, extraArgs: string[] = [], timeoutMs = 20_000): Promise<SpawnedLambkin> {
  ensureBuilt();
  const args = ['bin/lambkin.js', 'start', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn', ...extraArgs];
  const proc = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const ready = new Promise<RegExpExecArray>((resolve, reject) => {
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = READY_LINE.exec(out);
      if (m) resolve(m);
    });
    void exited.then(({ code, signal }) => reject(new Error(`lambkin exited (${code ?? signal}) before it was ready:\n${out}${err}`)));
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`lambkin printed no URL within ${timeoutMs} ms:\n${out}${err}`)), timeoutMs);
  });
  try {
    const m = await Promise.race([ready, timeout]);
    const spawned: SpawnedLambkin = { url: m[1]!, pid: proc.pid!, proc, dataDir: m[2]!, stderr: () => err, exited };
    running.add(spawned);
    void exited.then(() => running.delete(spawned));
    return spawned;
  } catch (e) {
    proc.kill('SIGKILL');
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/** Sends `signal` and waits (bounded) for the exit; SIGKILLs a process that does not go. */
export async function stopLambkin(server: SpawnedLambkin, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000) {
  if (server.proc.exitCode === null && server.proc.signalCode === null) server.proc.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
  const result = await Promise.race([server.exited, late]);
  clearTimeout(timer);
  if (result === 'late') {
    server.proc.kill('SIGKILL');
    throw new Error(`lambkin did not exit within ${timeoutMs} ms of ${signal}`);
  }
  return result;
}

/** For `after` hooks: SIGKILLs every server this process spawned that is still running. */
export async function killAllSpawned(): Promise<void> {
  await Promise.all([...running].map(async (s) => {
    s.proc.kill('SIGKILL');
    await s.exited;
  }));
}

// ---- processes, read from /proc so that concurrent tests' processes are never confused with ours ----------------

export interface ProcInfo {
  pid: number;
  ppid: number;
  state: string;
  /** Start time in clock ticks since boot: with the pid, identifies one process even if the pid is reused. */
  startTime: string;
  cmdline: string;
}

export function procInfo(pid: number): ProcInfo | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    // `pid (comm) state ppid ...`: comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ').trim();
    return { pid, state: fields[0]!, ppid: Number(fields[1]), startTime: fields[19]!, cmdline };
  } catch {
    return undefined;
  }
}

/** The live direct children of `pid`. */
export function childProcesses(pid: number): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const info = procInfo(Number(name));
    if (info && info.ppid === pid && isRunning(info)) out.push(info);
  }
  return out;
}

/** Still the same process, and not a zombie (a zombie has stopped running; only its parent's wait is missing). */
export function isRunning(p: Pick<ProcInfo, 'pid' | 'startTime'>): boolean {
  const now = procInfo(p.pid);
  return now !== undefined && now.startTime === p.startTime && now.state !== 'Z' && now.state !== 'X';
}

/** Cleanup for processes a test caused to exist: SIGKILL each one that is still the same running process. */
export function killIfRunning(procs: Pick<ProcInfo, 'pid' | 'startTime'>[]): void {
  for (const p of procs) {
    if (!isRunning(p)) continue;
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
