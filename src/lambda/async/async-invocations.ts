import type { Logger } from 'pino';
import { functionArn } from '../../core/arn.js';
import type { Clock } from '../../core/clock.js';
import { GroupCommit } from '../../core/group-commit.js';
import { newRequestId } from '../../core/ids.js';
import { MinHeap } from '../../core/min-heap.js';
import type { AsyncEventChange, AsyncEventRecord, EventInvokeConfigRecord, FunctionRecord, Store } from '../../store/store.js';
import type { QueueService } from '../../sqs/engine/queue-service.js';
import type { EventInvokeConfigs } from '../control/event-invoke-configs.js';
import type { FunctionRegistry, Scope } from '../control/function-registry.js';
import { isThrottle, type ConcurrencyControl } from '../invoke/concurrency.js';
import type { Invoker } from '../invoke/invoker.js';
import { Destinations, type BusPublish, type TopicPublish } from './destinations.js';
import { errorMessageOf, invocationRecord, type Condition, type LastRun } from './invocation-record.js';

export interface AsyncOptions {
  /** Wait before the second attempt; the third waits twice as long (AWS: 1 min, 2 min). */
  retryDelayMs: number;
  /** Events running at once over all functions. */
  maxInFlight: number;
}

export interface AsyncDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  functions: FunctionRegistry;
  invoker: Invoker;
  concurrency: ConcurrencyControl;
  configs: EventInvokeConfigs;
  queues: Pick<QueueService, 'queueByArn' | 'send'>;
  /** SNS Publish for topic destinations and dead-letter topics (bound once the SNS engine exists). */
  topics?: TopicPublish;
  /** EventBridge PutEvents for bus destinations (bound once the rules exist). */
  buses?: BusPublish;
  /** Environments a function has (running or starting): async events run at most one more than that at once. */
  environments: (account: string, region: string, name: string) => number;
  options: AsyncOptions;
}

export interface EnqueueInput {
  account: string;
  region: string;
  name: string;
  qualifier: string;
  invokedArn: string;
  requestId: string;
  payload: string;
}

/** Where a function's async events are, as `lambkin status` and /_lambkin/async show them. */
export interface FunctionBacklog {
  functionArn: string;
  /** Waiting for their first attempt. */
  queued: number;
  running: number;
  /** Waiting for a retry after a function error, a throttle or a system error. */
  retrying: number;
  oldestAgeMs: number;
  destinationDeliveryFailures: number;
  deadLetterErrors: number;
}

type EventState = 'queued' | 'retrying' | 'running' | 'gone';

interface Ev extends AsyncEventRecord {
  /** Memory only: where the event is now, and the last run's answer for the destination record. */
  state: EventState;
  lastRun?: LastRun;
}

/** One function's events: all of them in acceptance order, the waiting ones by due time, and counts. */
interface FnQueue {
  key: string;
  scope: Scope;
  name: string;
  events: Map<number, Ev>;
  waiting: MinHeap<Ev>;
  queued: number;
  retrying: number;
  running: number;
  deliveryFailures: number;
  deadLetterErrors: number;
}

/** AWS's defaults for a function without an event invoke config (invocation-semantics.md §2). */
const DEFAULT_RETRIES = 2;
const DEFAULT_MAX_AGE_S = 21_600;
/**
 * How long attempt and end changes gather before their commit. A change lost in a crash repeats an attempt at
 * most, and without the wait a fast function would pay one fsync per event.
 */
const STATE_COMMIT_DELAY_MS = 10;
/** How often queues held back by concurrency are looked at for events past their maximum age. */
const SWEEP_MS = 1000;

const byDue = (a: Ev, b: Ev) => a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.seq < b.seq);
const queueKey = (account: string, region: string, name: string) => `${account}\0${region}\0${name}`;

/**
 * Asynchronous invocation (invocation-semantics.md §2–4): accepted events are committed before the 202, run by
 * the invoker with the function's concurrency, retried after function errors (MaximumRetryAttempts, AWS's delays)
 * and after throttles or system errors (exponential back-off, attempts not used up), and end in the on-success or
 * on-failure destination and the dead-letter queue. Every event stays in the store until it has ended, so a crash
 * at any moment loses none: after a restart each unfinished event runs (again).
 */
export class AsyncInvocations {
  private readonly queues = new Map<string, FnQueue>();
  /** Accepts are urgent (the 202 waits for them); attempt and end changes are deferred (nobody waits). */
  private readonly commit: GroupCommit<AsyncEventChange>;
  private readonly destinations: Destinations;
  private readonly runs = new Set<Promise<void>>();
  private nextSeq = 1;
  private running = 0;
  private pumpScheduled = false;
  /** Some due event waits for its function's concurrency: a release is worth a pump. */
  private blocked = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAtMs = Infinity;
  private sweeper: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(private readonly deps: AsyncDeps) {
    this.commit = new GroupCommit((changes) => deps.store.asyncEvents.apply(changes), STATE_COMMIT_DELAY_MS);
    this.destinations = new Destinations(
      deps.queues, deps.functions, (req) => this.enqueue({ ...req, requestId: newRequestId() }), deps.log, deps.topics, deps.buses,
    );
  }

  /** Loads the events a previous run left unfinished (those that were running start again) and starts working. */
  static async open(deps: AsyncDeps): Promise<AsyncInvocations> {
    const engine = new AsyncInvocations(deps);
    for (const e of await deps.store.asyncEvents.all()) {
      engine.nextSeq = Math.max(engine.nextSeq, e.seq + 1);
      engine.add({ ...e, state: 'queued' });
    }
    deps.concurrency.onRelease(() => {
      if (engine.blocked) engine.schedulePump();
    });
    engine.sweeper = setInterval(() => engine.schedulePump(), SWEEP_MS);
    engine.sweeper.unref();
    engine.schedulePump();
    return engine;
  }

  /** Accepts an event: resolves once it is durable (then the caller may answer 202). */
  async enqueue(input: EnqueueInput): Promise<void> {
    const now = this.deps.clock.now();
    const event: Ev = {
      state: 'queued', seq: this.nextSeq++, account: input.account, region: input.region, functionName: input.name, qualifier: input.qualifier,
      invokedArn: input.invokedArn, requestId: input.requestId, payload: input.payload, enqueuedMs: now, attempts: 0, dueMs: now, backoffs: 0,
    };
    await this.commit.add([{ op: 'insert', event }]);
    this.add(event);
    this.schedulePump();
  }

  /** Stops starting events; resolves when the running ones have stopped (their environments are being stopped). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.sweeper);
    while (this.runs.size) await Promise.all([...this.runs]);
    await this.commit.flush();
  }

  /** DeleteFunction discards the function's queued events, as on AWS (running ones end when their attempt does). */
  discardFunction(scope: Scope, name: string): void {
    const q = this.queues.get(queueKey(scope.account, scope.region, name));
    if (!q) return;
    let n = 0;
    for (let e = q.waiting.pop(); e; e = q.waiting.pop(), n++) this.forget(q, e);
    if (n > 0) this.deps.log.info({ function: functionArn(scope.region, scope.account, name), events: n }, 'queued async events discarded with their function');
  }

  /** Per function: counts kept as events move, the oldest is the first accepted still there (cheap to ask often). */
  backlog(): FunctionBacklog[] {
    const now = this.deps.clock.now();
    return [...this.queues.values()].map((q) => {
      const oldest = q.events.values().next().value as Ev | undefined;
      return {
        functionArn: functionArn(q.scope.region, q.scope.account, q.name), queued: q.queued, running: q.running, retrying: q.retrying,
        oldestAgeMs: oldest ? now - oldest.enqueuedMs : 0, destinationDeliveryFailures: q.deliveryFailures, deadLetterErrors: q.deadLetterErrors,
      };
    });
  }

  /** A new or reloaded event: waiting for its first attempt, or (reloaded after attempts) for a retry. */
  private add(e: Ev): void {
    const q = this.queueOf(e);
    q.events.set(e.seq, e);
    this.wait(q, e, e.attempts === 0 && e.backoffs === 0 ? 'queued' : 'retrying');
  }

  private wait(q: FnQueue, e: Ev, state: 'queued' | 'retrying'): void {
    e.state = state;
    q[state]++;
    q.waiting.push(e);
  }

  /** Out of the waiting heap (already popped) and into `state`. */
  private leaveWaiting(q: FnQueue, e: Ev, state: 'running' | 'gone'): void {
    if (e.state === 'queued' || e.state === 'retrying') q[e.state]--;
    e.state = state;
  }

  private queueOf(e: AsyncEventRecord): FnQueue {
    const key = queueKey(e.account, e.region, e.functionName);
    let q = this.queues.get(key);
    if (!q) {
      q = {
        key, scope: { account: e.account, region: e.region }, name: e.functionName, events: new Map(), waiting: new MinHeap(byDue),
        queued: 0, retrying: 0, running: 0, deliveryFailures: 0, deadLetterErrors: 0,
      };
      this.queues.set(key, q);
    }
    return q;
  }

  private schedulePump(): void {
    if (this.pumpScheduled || this.closed) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /**
   * Starts due events, one function after another (one event each per pass, so a big backlog of one function does
   * not hold up the others), while fewer than maxInFlight run. A function without free concurrency keeps its events
   * waiting (they are not throttled); events past their maximum age leave through the failure path meanwhile.
   */
  private pump(): void {
    if (this.closed) return;
    const now = this.deps.clock.now();
    let wakeAt = Infinity;
    this.blocked = false;
    for (let started = true; started && this.running < this.deps.options.maxInFlight;) {
      started = false;
      for (const q of this.queues.values()) {
        const head = q.waiting.peek();
        if (!head) {
          // An idle function's queue goes, unless it has failure counts to show.
          if (q.running === 0 && q.deliveryFailures === 0 && q.deadLetterErrors === 0) this.queues.delete(q.key);
          continue;
        }
        if (head.dueMs > now) {
          wakeAt = Math.min(wakeAt, head.dueMs);
          continue;
        }
        const held = this.holdBack(q);
        if (held !== 'no') {
          this.blocked = true;
          this.expireHead(q, now, held === 'concurrency');
          continue;
        }
        q.waiting.pop();
        this.start(q, head);
        started = true;
        if (this.running >= this.deps.options.maxInFlight) break;
      }
    }
    this.arm(wakeAt);
  }

  /**
   * Reserved concurrency 0 still "starts": the attempt sends the event to the failure path. Otherwise the function
   * needs a free unit of concurrency, and at most one event more than it has environments may run: the one extra
   * waits for an environment, and if it waits long (slow calls) the pool starts another, so a slow function scales
   * out while a fast one keeps a few busy environments instead of a process per queued event (decisions/0001).
   */
  private holdBack(q: FnQueue): 'no' | 'environments' | 'concurrency' {
    const c = this.deps.concurrency;
    if (c.reservation(q.scope, q.name) === 0) return 'no';
    if (q.running > this.deps.environments(q.scope.account, q.scope.region, q.name)) return 'environments';
    return c.available(q.scope.account, q.scope.region, q.name) ? 'no' : 'concurrency';
  }

  /**
   * Events held back past their maximum age leave through the failure path. Held back for want of concurrency, they
   * count as throttled, as AWS would have throttled their last tries: the DLQ's ErrorCode is 429.
   */
  private expireHead(q: FnQueue, now: number, throttled: boolean): void {
    for (let head = q.waiting.peek(); head && now - head.enqueuedMs >= this.limitsOf(head).maxAgeMs; head = q.waiting.peek()) {
      q.waiting.pop();
      if (throttled) {
        head.lastStatus = 429;
        head.lastError = 'Rate Exceeded.';
      }
      this.start(q, head);
    }
  }

  private arm(at: number): void {
    if (at === Infinity || this.closed || (this.timer && this.timerAtMs <= at)) return;
    clearTimeout(this.timer);
    this.timerAtMs = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAtMs = Infinity;
      this.pump();
    }, Math.max(0, at - this.deps.clock.now()));
    this.timer.unref();
  }

  private start(q: FnQueue, e: Ev): void {
    this.running++;
    q.running++;
    this.leaveWaiting(q, e, 'running');
    const run = this.attempt(q, e)
      .catch((err) => this.deps.log.error({ err, requestId: e.requestId }, 'async event attempt failed'))
      .finally(() => {
        this.running--;
        q.running--;
        this.runs.delete(run);
        this.schedulePump();
      });
    this.runs.add(run);
  }

  private limitsOf(e: AsyncEventRecord): { maxAgeMs: number; maxRetries: number; config: EventInvokeConfigRecord | undefined } {
    const config = this.deps.configs.get({ account: e.account, region: e.region }, e.functionName, e.qualifier);
    return {
      config,
      maxAgeMs: (config?.maximumEventAgeInSeconds ?? DEFAULT_MAX_AGE_S) * 1000,
      maxRetries: config?.maximumRetryAttempts ?? DEFAULT_RETRIES,
    };
  }

  private async attempt(q: FnQueue, e: Ev): Promise<void> {
    const fn = this.deps.functions.get(q.scope, e.functionName, e.qualifier);
    if (!fn) {
      // Deleted (or its version is gone) since the event was queued: discarded, as on AWS.
      this.deps.log.debug({ requestId: e.requestId, function: e.invokedArn }, 'async event discarded: its function no longer exists');
      return this.forget(q, e);
    }
    const { maxAgeMs, maxRetries } = this.limitsOf(e);
    const now = this.deps.clock.now();
    if (now - e.enqueuedMs >= maxAgeMs) return this.end(q, e, fn, 'EventAgeExceeded');
    if (this.deps.concurrency.reservation(q.scope, e.functionName) === 0) return this.end(q, e, fn, 'ZeroReservedConcurrency');
    let result;
    try {
      result = await this.deps.invoker.invoke({ fn, invokedArn: e.invokedArn, requestId: e.requestId, payload: Buffer.from(e.payload), tail: false });
    } catch (err) {
      if (this.closed) return;
      return this.backOff(q, e, err, maxAgeMs);
    }
    // Stopped by a shutdown: the attempt does not count; the event runs again after the restart.
    if (this.closed) return;
    e.attempts++;
    e.lastRun = { executedVersion: result.executedVersion, functionError: result.functionError, payload: result.payload };
    if (!result.functionError) return this.end(q, e, fn, 'Success');
    e.lastStatus = 200;
    e.lastError = errorMessageOf(result.payload);
    if (e.attempts > maxRetries) return this.end(q, e, fn, 'RetriesExhausted');
    e.backoffs = 0;
    // The wait counts from the end of the failed attempt.
    this.retryAt(q, e, this.deps.clock.now() + this.deps.options.retryDelayMs * e.attempts, maxAgeMs);
  }

  /** Throttles and system errors: back off exponentially, 1/60 of the retry delay doubling up to 5 times it. */
  private backOff(q: FnQueue, e: Ev, err: unknown, maxAgeMs: number): void {
    const throttle = isThrottle(err);
    if (!throttle) this.deps.log.warn({ err, requestId: e.requestId }, 'async event hit a system error; it will be retried');
    e.backoffs++;
    e.lastStatus = throttle ? 429 : 500;
    e.lastError = throttle ? 'Rate Exceeded.' : 'An internal error occurred.';
    const base = this.deps.options.retryDelayMs / 60;
    const delay = Math.min(base * 2 ** Math.min(e.backoffs - 1, 30), this.deps.options.retryDelayMs * 5);
    this.retryAt(q, e, this.deps.clock.now() + delay, maxAgeMs);
  }

  /** Back in line at `at`, or at the end of its maximum age if that comes first (then it expires). */
  private retryAt(q: FnQueue, e: Ev, at: number, maxAgeMs: number): void {
    e.dueMs = Math.min(at, e.enqueuedMs + maxAgeMs);
    this.wait(q, e, 'retrying');
    this.write({ op: 'update', event: e });
  }

  /** The event's end: destination and DLQ as its condition calls for, then it leaves the store. */
  private async end(q: FnQueue, e: Ev, fn: FunctionRecord, condition: Condition): Promise<void> {
    const { config } = this.limitsOf(e);
    const destination = condition === 'Success' ? config?.onSuccess : config?.onFailure;
    if (destination) {
      const record = invocationRecord({
        requestId: e.requestId, functionArn: functionArn(e.region, e.account, e.functionName, e.qualifier), condition, attempts: e.attempts,
        payload: e.payload, ...(e.lastRun ? { lastRun: e.lastRun } : {}), nowMs: this.deps.clock.now(),
      });
      await this.deliver(e, destination, 'destination', () => this.destinations.deliver(destination, record), () => q.deliveryFailures++);
    }
    if (condition !== 'Success' && fn.deadLetterTargetArn) {
      const dlq = fn.deadLetterTargetArn;
      await this.deliver(e, dlq, 'dead-letter queue', () => this.destinations.deadLetter(dlq, e.payload, this.deadLetterAttributes(e, condition)),
        () => q.deadLetterErrors++);
    }
    if (condition !== 'Success' && !destination && !fn.deadLetterTargetArn) {
      this.deps.log.info({ requestId: e.requestId, function: e.invokedArn, condition, attempts: e.attempts }, 'async event discarded');
    }
    this.forget(q, e);
  }

  private deadLetterAttributes(e: Ev, condition: Condition): { requestId: string; errorCode: number; errorMessage: string } {
    if (condition === 'ZeroReservedConcurrency') {
      return { requestId: e.requestId, errorCode: 429, errorMessage: 'Function not invoked. Function is configured with zero reserved concurrent executions' };
    }
    return { requestId: e.requestId, errorCode: e.lastStatus ?? 200, errorMessage: e.lastError ?? condition };
  }

  /** A failed delivery is logged and counted; the event still ends (AWS drops it, with a metric). */
  private async deliver(e: Ev, arn: string, kind: string, send: () => Promise<void>, count: () => void): Promise<void> {
    try {
      await send();
    } catch (err) {
      count();
      this.deps.log.warn({ requestId: e.requestId, function: e.invokedArn, target: arn, reason: (err as Error).message }, `async event could not be sent to its ${kind}`);
    }
  }

  private forget(q: FnQueue, e: Ev): void {
    this.leaveWaiting(q, e, 'gone');
    q.events.delete(e.seq);
    this.write({ op: 'delete', seq: e.seq });
  }

  /** Changes after the accept are not awaited: losing one in a crash only repeats an attempt (at least once). */
  private write(change: AsyncEventChange): void {
    this.commit.add([change], false).catch((err) => this.deps.log.error({ err }, 'async event store write failed'));
  }
}
