import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

export interface ProcessSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

/**
 * util-linux's setpriv sets the parent-death signal and then execs the runtime, so an environment dies with a
 * killed server even while its handler is busy and cannot notice its Runtime API connection closing.
 */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p));

/**
 * Starts an execution environment's process. It gets its own process group so that a timeout or shutdown can stop
 * the whole tree the function started. This is the one place where an OS sandbox (bubblewrap) wraps the command.
 */
export function spawnEnvironmentProcess(spec: ProcessSpec): ChildProcess {
  const [command, args] = SETPRIV ? [SETPRIV, ['--pdeathsig', 'KILL', '--', spec.command, ...spec.args]] : [spec.command, spec.args];
  return spawn(command, args, {
    env: spec.env,
    cwd: spec.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
}

/** SIGKILLs the process group; safe to call on a process that already exited. */
export function killProcessTree(proc: ChildProcess): void {
  if (proc.pid === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
  try {
    process.kill(-proc.pid, 'SIGKILL');
  } catch {
    proc.kill('SIGKILL');
  }
}
