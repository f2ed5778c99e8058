import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

/**
 * Spawns `node <args>` in the repository and resolves with the port its stdout names (matched by `ready`).
 * BENCH_CPU_PROF_DIR=<dir> makes every spawned server write a CPU profile there when it exits.
 */
export function startProcess(args: string[], ready: RegExp): Promise<{ proc: ChildProcess; port: number }> {
  const flags = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [];
  const proc = spawn(process.execPath, [...flags, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = ready.exec(out);
      if (m) resolve({ proc, port: Number(m[1]) });
    });
    proc.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${out}`)));
  });
}

/** `lambkin start` on a free port with `dataDir`, as a user runs it (the built `dist/`). */
export function startLambkin(dataDir: string, extra: string[] = []): Promise<{ proc: ChildProcess; port: number }> {
  return startProcess(
    ['bin/lambkin.js', 'start', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn', ...extra], /listening on http:\/\/[^:]+:(\d+)/,
  );
}

/** SIGTERM and wait for the exit. */
export async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}
