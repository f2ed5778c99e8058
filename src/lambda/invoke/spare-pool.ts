import type { Logger } from 'pino';
import { Environment, type EnvironmentOptions } from './environment.js';
import { runtimeApiVariables } from './function-env.js';
import { runtimeCommand } from './runtimes.js';

const RESPAWN_BACKOFF_MS = 1000;

/**
 * Pre-started Node.js runtime processes that do not know their function yet. A cold start claims one and skips
 * the process spawn (~60 ms here): the claim hands over the function's environment and code directory, and the
 * runtime loads the handler at once. The pool refills itself in the background.
 */
export class SparePool {
  private readonly spares = new Set<Environment>();
  private starting = 0;
  private closed = false;
  private failures = 0;

  constructor(
    private readonly size: number,
    private readonly opts: EnvironmentOptions,
    private readonly baseEnv: Record<string, string>,
    private readonly cwd: string,
    private readonly log: Logger,
  ) {}

  fill(): void {
    while (!this.closed && this.spares.size + this.starting < this.size) void this.startOne();
  }

  private async startOne(): Promise<void> {
    this.starting++;
    try {
      const env = await Environment.start(this.opts, (endpoint) => ({
        spec: runtimeCommand('node', { ...this.baseEnv, ...runtimeApiVariables(endpoint), _LAMBKIN_CLAIM: '1' }, this.cwd),
      }));
      this.spares.add(env);
      env.onExitOnce(() => this.onSpareExit(env));
      if (this.closed) env.stop();
    } catch (err) {
      this.log.error({ err }, 'could not start a spare runtime');
    } finally {
      this.starting--;
    }
  }

  private onSpareExit(env: Environment): void {
    if (!this.spares.delete(env) || this.closed || env.state !== 'dead' || env.assignment) return;
    // A spare died before it was used: refill, but back off so a broken runtime cannot spin.
    this.failures++;
    setTimeout(() => this.fill(), Math.min(RESPAWN_BACKOFF_MS * this.failures, 30_000)).unref();
  }

  /** A spare that is already waiting for its claim, or undefined; the pool refills after each take. */
  take(): Environment | undefined {
    let chosen: Environment | undefined;
    for (const env of this.spares) {
      if (env.claimable) {
        chosen = env;
        break;
      }
    }
    if (chosen) {
      this.spares.delete(chosen);
      this.failures = 0;
      setImmediate(() => this.fill());
    }
    return chosen;
  }

  /** Spares already waiting for a claim. */
  get readyCount(): number {
    let n = 0;
    for (const env of this.spares) if (env.claimable) n++;
    return n;
  }

  close(): void {
    this.closed = true;
    for (const env of this.spares) env.stop();
    this.spares.clear();
  }
}
