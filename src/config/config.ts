import path from 'node:path';

/** Every option of a lambkin server, with units in the names. Defaults are AWS's where AWS has one. */
export interface LambkinConfig {
  host: string;
  /**
   * The DNS name clients reach lambkin by: `<bucket>.<hostName>` (and always `<bucket>.localhost`) addresses an S3
   * bucket virtual-hosted style.
   */
  hostName: string;
  port: number;
  dataDir: string;
  region: string;
  accountId: string;
  /** SQLite `synchronous` level: FULL survives power loss, NORMAL only a process kill (docs/config.md). */
  sqliteSynchronous: 'FULL' | 'NORMAL';
  /** An environment with no invocation for this long is stopped. */
  idleEnvironmentMs: number;
  /** About how long an invocation may wait for a busy environment of its function before another one is started. */
  scaleUpDelayMs: number;
  /** Pre-started, not yet claimed Node.js runtime processes kept ready for cold starts (0 turns the pool off). */
  spareRuntimes: number;
  /** Wall-clock limit of the init phase (AWS: 10 s). */
  initTimeoutMs: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Time a GetFunction Code.Location URL stays valid (AWS: 10 minutes). */
  codeUrlTtlMs: number;
  /** Largest sync Invoke request payload (6 MB). */
  maxSyncPayloadBytes: number;
  /** Largest async (Event) Invoke payload (1 MB since Oct 2025). */
  maxAsyncPayloadBytes: number;
  /** Largest function response (6 MB + 100 bytes, as the Runtime API enforces). */
  maxResponseBytes: number;
  /** Concurrent invocations per account and region (AWS: 1,000). */
  accountConcurrency: number;
  /** What reserved concurrency must leave unreserved in an account (AWS: 100). */
  minUnreservedConcurrency: number;
  /**
   * Wait before the second attempt of an async event that failed (AWS: about 1 minute); the third waits twice this.
   * The throttle back-off scales with it: from 1/60 of it (AWS: 1 s) up to 5 times it (AWS: 5 minutes).
   */
  asyncRetryDelayMs: number;
  /** Async events run at once, over all functions (each still takes a unit of its function's concurrency). */
  asyncMaxInFlight: number;
  /**
   * A local-testing aid: EventBridge schedules run on a timeline this many times faster than real time (1 = real
   * time). docs/config.md.
   */
  scheduleTimeScale: number;
  /**
   * `dev` (default): any well-formed credentials act as the default account and signatures are not checked; only a
   * loopback `host` is allowed. `strict`: every AWS API request must carry a valid SigV4 signature by a key of the
   * accounts file, and acts as that key's account (docs/config.md).
   */
  authMode: 'dev' | 'strict';
  /** JSON file of `{ accessKeyId, secretAccessKey, accountId, name }` entries, owner-only (0600); strict mode only. */
  accountsFile?: string;
}

export const DEFAULTS: Readonly<LambkinConfig> = Object.freeze({
  host: '127.0.0.1',
  hostName: 'localhost',
  port: 4566,
  dataDir: './.lambkin',
  region: 'us-east-1',
  accountId: '000000000000',
  sqliteSynchronous: 'FULL',
  idleEnvironmentMs: 10 * 60_000,
  scaleUpDelayMs: 10,
  spareRuntimes: 2,
  initTimeoutMs: 10_000,
  logLevel: 'info',
  codeUrlTtlMs: 10 * 60_000,
  maxSyncPayloadBytes: 6 * 1024 * 1024,
  maxAsyncPayloadBytes: 1024 * 1024,
  maxResponseBytes: 6 * 1024 * 1024 + 100,
  accountConcurrency: 1000,
  minUnreservedConcurrency: 100,
  asyncRetryDelayMs: 60_000,
  asyncMaxInFlight: 64,
  scheduleTimeScale: 1,
  authMode: 'dev',
});

/** Whether an address to listen on is this machine's loopback (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

const LOG_LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

/** Merges overrides onto the defaults, validates once and freezes. Throws a readable Error on bad values. */
export function loadConfig(overrides: Partial<LambkinConfig> = {}): Readonly<LambkinConfig> {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const cfg: LambkinConfig = { ...DEFAULTS, ...defined };
  const problems: string[] = [];
  if (!Number.isInteger(cfg.port) || cfg.port < 0 || cfg.port > 65535) problems.push(`port must be 0-65535, got ${cfg.port}`);
  if (!/^\d{12}$/.test(cfg.accountId)) problems.push(`account id must be 12 digits, got ${cfg.accountId}`);
  if (!REGION.test(cfg.region)) problems.push(`region must look like us-east-1, got ${cfg.region}`);
  if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(cfg.hostName)) problems.push(`host name must be a DNS name, got ${cfg.hostName}`);
  if (!['FULL', 'NORMAL'].includes(cfg.sqliteSynchronous)) problems.push('sqliteSynchronous must be FULL or NORMAL');
  if (!LOG_LEVELS.includes(cfg.logLevel)) problems.push(`log level must be one of ${LOG_LEVELS.join(', ')}, got ${cfg.logLevel}`);
  const nonNegative = ['idleEnvironmentMs', 'scaleUpDelayMs', 'spareRuntimes', 'initTimeoutMs', 'codeUrlTtlMs', 'minUnreservedConcurrency', 'asyncRetryDelayMs'] as const;
  for (const key of nonNegative) {
    if (!Number.isInteger(cfg[key]) || cfg[key] < 0) problems.push(`${key} must be a non-negative integer`);
  }
  for (const key of ['accountConcurrency', 'asyncMaxInFlight'] as const) {
    if (!Number.isInteger(cfg[key]) || cfg[key] < 1) problems.push(`${key} must be a positive integer`);
  }
  if (typeof cfg.scheduleTimeScale !== 'number' || !(cfg.scheduleTimeScale >= 1 && cfg.scheduleTimeScale <= 100_000)) {
    problems.push('scheduleTimeScale must be a number from 1 to 100000');
  }
  if (cfg.authMode !== 'dev' && cfg.authMode !== 'strict') problems.push(`auth mode must be dev or strict, got ${cfg.authMode}`);
  if (cfg.authMode === 'strict' && !cfg.accountsFile) problems.push('auth mode strict needs an accounts file (--accounts-file)');
  if (cfg.authMode === 'dev' && cfg.accountsFile) problems.push('an accounts file is only used with --auth-mode strict');
  if (cfg.authMode === 'dev' && !isLoopback(cfg.host)) {
    problems.push(`binding to ${cfg.host} requires --auth-mode strict (dev mode accepts any credentials, so it only listens on loopback)`);
  }
  if (cfg.minUnreservedConcurrency > cfg.accountConcurrency) problems.push('minUnreservedConcurrency must not exceed accountConcurrency');
  if (problems.length) throw new Error(`invalid configuration: ${problems.join('; ')}`);
  cfg.dataDir = path.resolve(cfg.dataDir);
  if (cfg.accountsFile) cfg.accountsFile = path.resolve(cfg.accountsFile);
  return Object.freeze(cfg);
}
