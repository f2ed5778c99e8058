import type { Logger } from 'pino';
import { newInstanceId } from '../../core/ids.js';
import type { FunctionRecord } from '../../store/store.js';
import type { CodeStore } from '../control/code-store.js';
import type { RuntimeEndpoint } from '../runtime-api/server.js';
import { Environment, InitFailure, type EnvironmentOptions, type FunctionAssignment } from './environment.js';
import { functionEnvironment, logStreamName } from './function-env.js';
import type { FunctionLogs } from './log-files.js';
import { runtimeCommand, runtimeFamily, SPAWN_TIME_VARIABLES } from './runtimes.js';
import type { SparePool } from './spare-pool.js';

export interface PoolSettings {
  environment: EnvironmentOptions;
  idleEnvironmentMs: number;
  /**
   * About how long an invocation may wait for a busy environment of its function to come free before another
   * environment is started for it (see EnvironmentPool).
   */
  scaleUpDelayMs: number;
  /** Given to functions as AWS_ENDPOINT_URL and credentials, so their SDK calls reach this lambkin. */
  endpointUrl: () => string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Per-account credentials (strict auth mode): a function's SDK calls then act as the function's account. */
  credentialsFor?: (account: string) => { accessKeyId: string; secretAccessKey: string } | undefined;
}

interface Waiter {
  resolve: (env: Environment) => void;
  reject: (err: unknown) => void;
  since: number;
}

/** The environments of one function version. */
interface VersionEnvironments {
  /** The newest configuration seen: new environments start with it, older ones are stopped. */
  fn: FunctionRecord;
  idle: Environment[];
  waiters: Waiter[];
  starting: number;
  all: Set<Environment>;
  scaleTimer: NodeJS.Timeout | undefined;
  /** Whether an invocation has finished here: until then every overlapping call gets its own environment. */
  warm: boolean;
}

const keyOf = (fn: FunctionRecord) => `${fn.account}\0${fn.region}\0${fn.name}\0${fn.version}`;

/**
 * What an environment runs: the record without its RevisionId, which also moves when only the function's
 * resource-based policy changes (AddPermission, RemovePermission), something a running environment never sees.
 * Records are replaced, never changed in place, so the text is kept per record.
 */
const generations = new WeakMap<FunctionRecord, string>();
function generation(fn: FunctionRecord): string {
  let g = generations.get(fn);
  if (g === undefined) {
    g = JSON.stringify({ ...fn, revisionId: undefined });
    generations.set(fn, g);
  }
  return g;
}

/**
 * Execution environments per function version. An invocation takes an idle environment (most recently used
 * first, so the others can be reaped), or waits, and runs on whichever comes first: an environment released by
 * another invocation or a new one.
 *
 * When to start a new one: AWS starts an environment for every overlapping call. On a machine with a few cores
 * that is the slow choice for short calls: each extra process costs a spawn and wakes up separately, while a
 * released environment is often only a fraction of a millisecond away. So until an invocation of the function has
 * finished, every overlapping call starts an environment at once (as on AWS); after that, one more environment
 * starts (one start at a time) whenever the longest-waiting invocation has waited `scaleUpDelayMs` without one
 * coming free. Long calls scale out within a few milliseconds each; short ones share a few environments.
 * Environments of an older configuration are stopped, not reused.
 */
export class EnvironmentPool {
  private readonly pools = new Map<string, VersionEnvironments>();
  private readonly reaper: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly settings: PoolSettings,
    private readonly code: CodeStore,
    private readonly logs: FunctionLogs,
    private readonly spares: SparePool | undefined,
    private readonly log: Logger,
  ) {
    const every = Math.min(Math.max(settings.idleEnvironmentMs / 4, 250), 30_000);
    this.reaper = setInterval(() => this.reapIdle(), every).unref();
  }

  acquire(fn: FunctionRecord): Environment | Promise<Environment> {
    const p = this.poolFor(fn);
    for (let env = p.idle.pop(); env; env = p.idle.pop()) {
      if (env.state === 'ready') return env;
    }
    if (this.closed) return Promise.reject(new Error('lambkin is shutting down'));
    return new Promise<Environment>((resolve, reject) => {
      p.waiters.push({ resolve, reject, since: performance.now() });
      this.scale(p);
    });
  }

  /** Environments of a function (all its versions), running or starting. */
  environmentCount(account: string, region: string, name: string): number {
    let n = 0;
    for (const p of this.pools.values()) {
      if (p.fn.account === account && p.fn.region === region && p.fn.name === name) n += p.all.size + p.starting;
    }
    return n;
  }

  /** Hands a finished environment to the next waiting invocation, or parks it as idle. */
  release(env: Environment): void {
    const fn = env.assignment!.fn;
    const p = this.pools.get(keyOf(fn));
    if (!p || env.state !== 'ready') return;
    p.warm = true;
    if (this.closed || (fn !== p.fn && generation(fn) !== generation(p.fn))) {
      env.stop();
      this.scale(p);
      return;
    }
    const waiter = p.waiters.shift();
    if (waiter) waiter.resolve(env);
    else p.idle.push(env);
  }

  /** Starts environments for waiting invocations that no start covers, by the rule in the class comment. */
  private scale(p: VersionEnvironments): void {
    if (this.closed) return;
    const uncovered = () => p.waiters.length > p.starting;
    if (!p.warm || p.all.size + p.starting === 0) {
      while (uncovered()) void this.startFor(p);
      return;
    }
    // One start at a time: a spawn also slows everything else down, and the queue may drain before it is done.
    if (!uncovered() || p.scaleTimer || p.starting > 0) return;
    const waited = performance.now() - p.waiters[0]!.since;
    if (waited >= this.settings.scaleUpDelayMs) {
      void this.startFor(p);
      return;
    }
    p.scaleTimer = setTimeout(() => {
      p.scaleTimer = undefined;
      this.scale(p);
    }, this.settings.scaleUpDelayMs - waited);
  }

  /** Stops the idle environments of a function that changed or was deleted; busy ones stop when released. */
  retire(fn: FunctionRecord): void {
    const p = this.pools.get(keyOf(fn));
    if (!p) return;
    const retired: FunctionRecord = { ...p.fn, revisionId: `retired:${fn.revisionId}` };
    generations.set(retired, `retired:${fn.revisionId}`);
    p.fn = retired;
    for (const env of p.idle.splice(0)) env.stop();
  }

  private poolFor(fn: FunctionRecord): VersionEnvironments {
    const key = keyOf(fn);
    let p = this.pools.get(key);
    if (!p) {
      p = { fn, idle: [], waiters: [], starting: 0, all: new Set(), scaleTimer: undefined, warm: false };
      this.pools.set(key, p);
    } else if (p.fn !== fn && generation(p.fn) !== generation(fn)) {
      p.fn = fn;
      p.warm = false;
      for (const env of p.idle.splice(0)) env.stop();
    }
    return p;
  }

  private async startFor(p: VersionEnvironments): Promise<void> {
    p.starting++;
    const fn = p.fn;
    let env: Environment | undefined;
    try {
      env = await this.newEnvironment(fn);
      p.all.add(env);
      const started = env;
      env.onExitOnce(() => this.forget(p, started));
      await env.ready;
      p.starting--;
      this.release(env);
    } catch (err) {
      p.starting--;
      const waiter = p.waiters.shift();
      if (waiter) waiter.reject(err);
      else if (!(err instanceof InitFailure)) this.log.error({ err, function: fn.name }, 'could not start an environment');
    }
    this.scale(p);
  }

  private async newEnvironment(fn: FunctionRecord): Promise<Environment> {
    const spare = this.canUseSpare(fn) ? this.spares?.take() : undefined;
    if (spare) {
      spare.assign(this.assignmentFor(fn, spare.runtimeEndpoint));
      return spare;
    }
    return Environment.start(this.settings.environment, (endpoint) => {
      const assignment = this.assignmentFor(fn, endpoint);
      return { spec: runtimeCommand(runtimeFamily(fn.runtime), assignment.env, assignment.cwd), assignment };
    });
  }

  private canUseSpare(fn: FunctionRecord): boolean {
    return runtimeFamily(fn.runtime) === 'node' && !SPAWN_TIME_VARIABLES.some((k) => k in fn.environment);
  }

  private assignmentFor(fn: FunctionRecord, runtimeApi: RuntimeEndpoint): FunctionAssignment {
    const logStream = logStreamName(Date.now(), fn.version, newInstanceId());
    const cwd = this.code.taskRoot(fn.codeSha256Hex);
    const env = functionEnvironment(fn, {
      runtimeApi, taskRoot: cwd, runtimeDir: this.code.runtimeRoot, logStream,
      endpointUrl: this.settings.endpointUrl(),
      ...(this.settings.credentialsFor?.(fn.account) ?? { accessKeyId: this.settings.accessKeyId, secretAccessKey: this.settings.secretAccessKey }),
    });
    return { fn, env, cwd, logFile: this.logs.open(fn.account, fn.region, fn.logGroup, logStream) };
  }

  private forget(p: VersionEnvironments, env: Environment): void {
    p.all.delete(env);
    const i = p.idle.indexOf(env);
    if (i >= 0) p.idle.splice(i, 1);
  }

  private reapIdle(): void {
    const cutoff = Date.now() - this.settings.idleEnvironmentMs;
    for (const p of this.pools.values()) {
      const keep = p.idle.filter((env) => env.lastUsedMs > cutoff);
      for (const env of p.idle) if (!keep.includes(env)) env.stop();
      p.idle = keep;
    }
  }

  stats(): { environments: number; busy: number; idle: number; starting: number; waiting: number } {
    const s = { environments: 0, busy: 0, idle: 0, starting: 0, waiting: 0 };
    for (const p of this.pools.values()) {
      s.environments += p.all.size;
      s.idle += p.idle.length;
      s.starting += p.starting;
      s.waiting += p.waiters.length;
      for (const env of p.all) if (env.state === 'busy') s.busy++;
    }
    return s;
  }

  /** Stops every environment and fails waiting invocations. */
  close(): void {
    this.closed = true;
    clearInterval(this.reaper);
    for (const p of this.pools.values()) {
      clearTimeout(p.scaleTimer);
      for (const w of p.waiters.splice(0)) w.reject(new Error('lambkin is shutting down'));
      for (const env of p.all) env.stop();
    }
  }
}
