import { fileURLToPath } from 'node:url';
import type { ProcessSpec } from './sandbox.js';

/** Path of the Node.js bootstrap (same depth under src/ and dist/). */
const NODE_BOOTSTRAP = fileURLToPath(new URL('../../../runtimes/node/bootstrap.mjs', import.meta.url));

export type RuntimeFamily = 'node';

export function runtimeFamily(runtime: string): RuntimeFamily {
  if (runtime.startsWith('nodejs')) return 'node';
  throw new Error(`no runtime family for ${runtime}`);
}

/** The command that starts a runtime of this family; the Node.js runtimes all run on lambkin's own Node.js. */
export function runtimeCommand(family: RuntimeFamily, env: Record<string, string>, cwd: string): ProcessSpec {
  switch (family) {
    case 'node':
      return { command: process.execPath, args: [NODE_BOOTSTRAP], env, cwd };
  }
}

/**
 * Variables that take effect only when a process starts: a function that sets them cannot use a pre-started
 * runtime process and gets a fresh one.
 */
export const SPAWN_TIME_VARIABLES = ['NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS', 'NODE_PATH', 'LD_PRELOAD', 'LD_LIBRARY_PATH', 'UV_THREADPOOL_SIZE'];
