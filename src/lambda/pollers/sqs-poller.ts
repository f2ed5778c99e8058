import type { Logger } from 'pino';
import { newRequestId } from '../../core/ids.js';
import { matchesSqsRecord, parsePattern, type EventPattern } from '../../core/event-pattern.js';
import type { EventSourceMappingRecord, FunctionRecord } from '../../store/store.js';
import type { FunctionRef } from '../../core/arn.js';
import { parseFunctionName } from '../../core/arn.js';
import { LATEST, type FunctionRegistry } from '../control/function-registry.js';
import { isThrottle, type ConcurrencyControl } from '../invoke/concurrency.js';
import type { Invoker } from '../invoke/invoker.js';
import { failedItems, sqsRecordJson, toEvents, type EventBatch } from './sqs-records.js';
import type { QueueRef, ReceivedMessage, SqsSource } from './sqs-source.js';

export interface PollerDeps {
  source: SqsSource;
  functions: FunctionRegistry;
  invoker: Invoker;
  concurrency: Pick<ConcurrencyControl, 'available'>;
  /** Where LastProcessingResult goes. */
  noteResult(uuid: string, result: string): void;
  log: Logger;
}

/** How long one receive waits for messages: SQS's longest long poll. */
const LONG_POLL_MS = 20_000;
/** AWS starts an SQS mapping with five concurrent pollers (event-sources.md §2.2). */
const INITIAL_WORKERS = 5;
const DEFAULT_MAX_WORKERS = 1000;
/** Concurrency grows by at most one batch per this interval while full batches keep coming. */
const SCALE_UP_INTERVAL_MS = 50;
/** A missing function or queue is looked for again after this long. */
const PROBLEM_RETRY_MS = 1000;
/** With no concurrency free for the function, a worker looks again after this long instead of taking messages. */
const NO_CONCURRENCY_WAIT_MS = 50;

/** Waits `ms`, or less if `signal` aborts; leaves no listener behind either way. */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

/**
 * The poller of one SQS event source mapping (event-sources.md §2): workers that each receive a batch, drop what
 * the filters reject, invoke the function synchronously with the SQS event and delete what succeeded. Failed
 * messages are left alone: they come back after the queue's visibility timeout, and the queue's redrive policy
 * moves them to its dead-letter queue. Concurrency starts at five batches, grows while full batches keep coming,
 * up to ScalingConfig.MaximumConcurrency, and shrinks when the queue runs dry or the function fails.
 */
export class SqsPoller {
  private config!: EventSourceMappingRecord;
  private fnRef!: FunctionRef;
  private patterns: EventPattern[] = [];
  private workers = 0;
  private running = true;
  private readonly abort = new AbortController();
  private readonly done = new Set<Promise<void>>();
  private lastSpawnMs = 0;
  /** The turn of the worker now forming a batch: one at a time, so a batching window gathers what arrives in it. */
  private collecting: Promise<unknown> = Promise.resolve();

  constructor(record: EventSourceMappingRecord, private readonly deps: PollerDeps) {
    this.reconfigure(record);
  }

  start(): void {
    for (let i = 0; i < Math.min(INITIAL_WORKERS, this.maxWorkers()); i++) this.spawn();
  }

  reconfigure(record: EventSourceMappingRecord): void {
    this.config = record;
    this.fnRef = parseFunctionName(record.functionArn)!;
    this.patterns = (record.filterPatterns ?? []).map(parsePattern);
    if (this.running) while (this.workers < Math.min(INITIAL_WORKERS, this.maxWorkers())) this.spawn();
  }

  /** Stops receiving; resolves when the batches in flight are finished. */
  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await Promise.all([...this.done]);
  }

  private maxWorkers(): number {
    return this.config.maximumConcurrency ?? DEFAULT_MAX_WORKERS;
  }

  private spawn(): void {
    this.workers++;
    this.lastSpawnMs = performance.now();
    const p = this.work().catch((err) => this.deps.log.error({ err, uuid: this.config.uuid }, 'SQS poller failed'));
    this.done.add(p);
    void p.finally(() => this.done.delete(p));
  }

  private async work(): Promise<void> {
    try {
      while (this.running && this.workers <= this.maxWorkers()) {
        let next: 'continue' | 'shrink';
        try {
          next = await this.round();
        } catch (err) {
          // A queue deleted mid-receive, a failed commit: note it, wait, and keep the mapping alive.
          this.deps.log.warn({ err, uuid: this.config.uuid }, 'SQS poller round failed');
          this.deps.noteResult(this.config.uuid, 'PROBLEM: Internal error polling the event source.');
          await sleep(PROBLEM_RETRY_MS, this.abort.signal);
          next = 'continue';
        }
        if (next === 'shrink' && this.workers > 1) break;
      }
    } finally {
      this.workers--;
    }
  }

  /** One receive-invoke-delete round; 'shrink' when this worker is not needed (queue empty, function failing). */
  private async round(): Promise<'continue' | 'shrink'> {
    const queue = this.deps.source.queueByArn(this.config.eventSourceArn);
    const fn = this.function();
    if (!queue || !fn) {
      this.deps.noteResult(this.config.uuid, `PROBLEM: ${queue ? 'Function' : 'Event source'} not found.`);
      await sleep(PROBLEM_RETRY_MS, this.abort.signal);
      return 'shrink';
    }
    if (!this.deps.concurrency.available(fn.account, fn.region, fn.name)) {
      // Messages taken now could only be throttled; they stay in the queue for when the function has room.
      await sleep(NO_CONCURRENCY_WAIT_MS, this.abort.signal);
      return 'shrink';
    }
    const batch = await this.collectInTurn(queue);
    if (batch.length === 0) return 'shrink';
    // The function as it is now: it may have been changed or deleted during the long poll.
    const current = this.function();
    if (!current) {
      this.deps.noteResult(this.config.uuid, 'PROBLEM: Function not found.');
      await this.deps.source.changeVisibility(queue, batch.map((m) => ({ receiptHandle: m.receiptHandle, visibilityTimeoutS: 0 })));
      return 'shrink';
    }
    if (batch.length >= this.config.batchSize) this.maybeScaleUp();
    return (await this.process(queue, current, batch)) ? 'continue' : 'shrink';
  }

  private function(): FunctionRecord | undefined {
    const ref = this.fnRef;
    return this.deps.functions.get({ account: this.config.account, region: this.config.region }, ref.name, ref.qualifier ?? LATEST);
  }

  private maybeScaleUp(): void {
    if (this.running && this.workers < this.maxWorkers() && performance.now() - this.lastSpawnMs >= SCALE_UP_INTERVAL_MS) this.spawn();
  }

  /**
   * Workers form batches one after another and process them side by side. Were they to receive side by side, a
   * message sent during one worker's batching window would go to another worker's long poll and start a second,
   * smaller batch.
   */
  private collectInTurn(queue: QueueRef): Promise<ReceivedMessage[]> {
    const turn = this.collecting.then(() => this.collect(queue));
    this.collecting = turn.catch(() => undefined);
    return turn;
  }

  /**
   * One batch: what a receive returns, or with a batching window, receives until BatchSize messages or 6 MB are
   * in hand or the window (counted from the first message) ends. A stop during the window keeps what is in hand.
   */
  private async collect(queue: QueueRef): Promise<ReceivedMessage[]> {
    const { batchSize, maximumBatchingWindowInSeconds: windowS } = this.config;
    const signal = this.abort.signal;
    // Not durable: a receipt lost in a crash only brings the batch back sooner (at least once, as on AWS).
    const batch = await this.deps.source.receive(queue, { max: batchSize, waitMs: LONG_POLL_MS, signal, durable: false });
    if (batch.length === 0 || windowS === 0) return batch;
    const deadline = performance.now() + windowS * 1000;
    let bytes = batch.reduce((n, m) => n + m.body.length, 0);
    for (let left = deadline - performance.now(); batch.length < batchSize && left > 0 && !signal.aborted; left = deadline - performance.now()) {
      if (bytes >= 6 * 1024 * 1024) break;
      const more = await this.deps.source.receive(queue, { max: batchSize - batch.length, waitMs: left, signal, durable: false });
      for (const m of more) bytes += m.body.length;
      batch.push(...more);
    }
    return batch;
  }

  /** Filters, invokes and deletes; false if any invocation failed. */
  private async process(queue: QueueRef, fn: FunctionRecord, batch: ReceivedMessage[]): Promise<boolean> {
    const { keep, drop } = this.filter(queue, batch);
    if (drop.length) await this.deps.source.deleteMessages(queue, drop.map((m) => m.receiptHandle), { durable: false });
    let ok = true;
    for (const event of toEvents(keep, queue.arn, queue.region)) {
      if (!(await this.invoke(queue, fn, event))) ok = false;
    }
    return ok;
  }

  /** Messages no filter matches are deleted without an invocation (Lambda DG "Lambda event filtering"). */
  private filter(queue: QueueRef, batch: ReceivedMessage[]): { keep: ReceivedMessage[]; drop: ReceivedMessage[] } {
    if (this.patterns.length === 0) return { keep: batch, drop: [] };
    const keep: ReceivedMessage[] = [];
    const drop: ReceivedMessage[] = [];
    for (const m of batch) {
      const record = JSON.parse(sqsRecordJson(m, queue.arn, queue.region)) as Record<string, unknown>;
      (this.patterns.some((p) => matchesSqsRecord(p, record)) ? keep : drop).push(m);
    }
    return { keep, drop };
  }

  private async invoke(queue: QueueRef, fn: FunctionRecord, event: EventBatch): Promise<boolean> {
    const uuid = this.config.uuid;
    let result;
    try {
      result = await this.deps.invoker.invoke({ fn, invokedArn: this.config.functionArn, requestId: newRequestId(), payload: event.payload, tail: false });
    } catch (err) {
      // Throttled (another caller took the last unit): the batch comes back after its visibility timeout, as on AWS.
      if (isThrottle(err)) this.deps.log.debug({ uuid }, 'SQS poller batch throttled');
      else this.deps.log.error({ err, uuid }, 'SQS poller invoke failed');
    }
    if (!result || result.functionError) {
      this.deps.noteResult(uuid, 'PROBLEM: Function call failed');
      return false;
    }
    const failed = this.config.functionResponseTypes.includes('ReportBatchItemFailures')
      ? failedItems(result.payload, new Set(event.messages.map((m) => m.messageId)))
      : [];
    if (failed === 'all') {
      this.deps.noteResult(uuid, 'PROBLEM: Function call failed');
      return false;
    }
    const failedSet = new Set(failed);
    const done = event.messages.filter((m) => !failedSet.has(m.messageId)).map((m) => m.receiptHandle);
    if (done.length) await this.deps.source.deleteMessages(queue, done, { durable: false });
    this.deps.noteResult(uuid, 'OK');
    return true;
  }
}
