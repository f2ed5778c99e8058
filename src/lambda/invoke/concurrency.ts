import { AwsError } from '../../core/errors.js';
import type { ConcurrencyRecord, Store } from '../../store/store.js';
import type { Scope } from '../control/function-registry.js';

export type ThrottleReason = 'ConcurrentInvocationLimitExceeded' | 'ReservedFunctionConcurrentInvocationLimitExceeded';

/** 429 as Lambda answers a throttled Invoke (invocation-semantics.md §5). */
export function throttled(reason: ThrottleReason): AwsError {
  return new AwsError('TooManyRequestsException', 429, 'Rate Exceeded.', { extra: { Reason: reason } });
}

export function isThrottle(err: unknown): err is AwsError {
  return err instanceof AwsError && err.code === 'TooManyRequestsException';
}

export interface ConcurrencyLimits {
  /** Concurrent invocations per account and region (AWS default 1,000). */
  accountConcurrency: number;
  /** What reservations must leave to the functions without one (AWS: 100). */
  minUnreservedConcurrency: number;
}

/** Held while an invocation runs; release it exactly once. */
export interface ConcurrencyLease {
  release(): void;
}

interface Pool {
  /** Invocations in flight of functions without a reservation. */
  unreservedInFlight: number;
  /** Sum of the reservations in this account and region. */
  reservedTotal: number;
}

const fnKey = (account: string, region: string, name: string) => `${account}\0${region}\0${name}`;
const poolKey = (account: string, region: string) => `${account}\0${region}`;

/**
 * Concurrency as Lambda counts it (Lambda DG "Lambda function scaling", "Configuring reserved concurrency"): every
 * invocation in flight holds one unit. A function with reserved concurrency n runs at most n at once and never
 * touches the shared pool; the others share what the account limit leaves after all reservations. Memory-only on
 * the invoke path; reservations are stored and loaded at start-up.
 */
export class ConcurrencyControl {
  private readonly reserved = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();
  private readonly pools = new Map<string, Pool>();
  private readonly releaseListeners: (() => void)[] = [];

  constructor(private readonly store: Store, private readonly limits: ConcurrencyLimits) {}

  async load(): Promise<void> {
    for (const r of await this.store.concurrency.all()) this.setReservation(r.account, r.region, r.functionName, r.reserved);
  }

  reservation(scope: Scope, name: string): number | undefined {
    return this.reserved.get(fnKey(scope.account, scope.region, name));
  }

  /** Sum of the reservations in an account and region. */
  reservedTotal(scope: Scope): number {
    return this.pool(scope.account, scope.region).reservedTotal;
  }

  /** What the account could still reserve for `name` (its own reservation counts as available). */
  reservable(scope: Scope, name: string): number {
    const pool = this.pool(scope.account, scope.region);
    return this.limits.accountConcurrency - this.limits.minUnreservedConcurrency - pool.reservedTotal + (this.reservation(scope, name) ?? 0);
  }

  async reserve(scope: Scope, name: string, n: number): Promise<void> {
    const record: ConcurrencyRecord = { account: scope.account, region: scope.region, functionName: name, reserved: n };
    await this.store.concurrency.put(record);
    this.setReservation(scope.account, scope.region, name, n);
  }

  async unreserve(scope: Scope, name: string): Promise<void> {
    await this.store.concurrency.delete(scope.account, scope.region, name);
    this.setReservation(scope.account, scope.region, name, undefined);
  }

  /** A unit of concurrency for one invocation of `name`, or the reason there is none. */
  tryAcquire(account: string, region: string, name: string): ConcurrencyLease | ThrottleReason {
    const key = fnKey(account, region, name);
    const reserved = this.reserved.has(key);
    if (!this.available(account, region, name)) {
      return reserved ? 'ReservedFunctionConcurrentInvocationLimitExceeded' : 'ConcurrentInvocationLimitExceeded';
    }
    const pool = reserved ? undefined : this.pool(account, region);
    if (pool) pool.unreservedInFlight++;
    return this.lease(key, this.inFlight.get(key) ?? 0, pool);
  }

  /** Whether tryAcquire would succeed now (for callers that wait rather than be throttled: async events, pollers). */
  available(account: string, region: string, name: string): boolean {
    const key = fnKey(account, region, name);
    const reserved = this.reserved.get(key);
    if (reserved !== undefined) return (this.inFlight.get(key) ?? 0) < reserved;
    const pool = this.pool(account, region);
    return pool.unreservedInFlight < this.limits.accountConcurrency - pool.reservedTotal;
  }

  /** Called after every release (and reservation change), so waiting callers can try again. */
  onRelease(listener: () => void): void {
    this.releaseListeners.push(listener);
  }

  /** In-flight invocations of one function (all versions). */
  running(scope: Scope, name: string): number {
    return this.inFlight.get(fnKey(scope.account, scope.region, name)) ?? 0;
  }

  private lease(key: string, running: number, pool: Pool | undefined): ConcurrencyLease {
    this.inFlight.set(key, running + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const n = (this.inFlight.get(key) ?? 1) - 1;
        if (n > 0) this.inFlight.set(key, n);
        else this.inFlight.delete(key);
        if (pool) pool.unreservedInFlight--;
        for (const l of this.releaseListeners) l();
      },
    };
  }

  private pool(account: string, region: string): Pool {
    const key = poolKey(account, region);
    let pool = this.pools.get(key);
    if (!pool) {
      pool = { unreservedInFlight: 0, reservedTotal: 0 };
      this.pools.set(key, pool);
    }
    return pool;
  }

  private setReservation(account: string, region: string, name: string, n: number | undefined): void {
    const key = fnKey(account, region, name);
    const pool = this.pool(account, region);
    pool.reservedTotal += (n ?? 0) - (this.reserved.get(key) ?? 0);
    if (n === undefined) this.reserved.delete(key);
    else this.reserved.set(key, n);
    for (const l of this.releaseListeners) l();
  }
}
