import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { AwsError } from '../../core/errors.js';
import { GroupCommit } from '../../core/group-commit.js';
import type { DedupRecord, QueueChange, QueueRecord, Store } from '../../store/store.js';
import { invalidParameterValue, queueDoesNotExist, sqsError } from '../errors.js';
import { checkQueueName } from './attributes.js';
import { md5Hex, md5OfAttributes } from './md5.js';
import type { ReceiveInput, ReceivedMessage, SendInput, SendResult, VisibilityChange } from './message.js';
import { checkSend } from './message-input.js';
import { Queue, type Msg, type Redrive, type Waiter } from './queue.js';
import { applyAttributes, attributeView, defaultAttributes, differingAttribute, isFifoRequest, redriveOf } from './queue-attributes.js';
import type { QueueRef, QueueScope, QueueService } from './queue-service.js';
import { decodeReceipt, newToken } from './receipt.js';
import { fromStored, received, toStored } from './stored-message.js';
import { checkTags } from './tags.js';

/** FIFO deduplication window (SQS Dev Guide "Exactly-once processing"). */
const DEDUP_WINDOW_MS = 5 * 60_000;
/** A deleted queue's name is held back this long (QueueDeletedRecently). */
const DELETE_HOLD_MS = 60_000;
const PURGE_INTERVAL_MS = 60_000;
/** In-flight caps (SQS Dev Guide "Amazon SQS message quotas"). */
const MAX_INFLIGHT = { standard: 120_000, fifo: 120_000 };
const SWEEP_MS = 1000;
/** ReceiveRequestAttemptId answers are kept this long (SQS API Reference, ReceiveMessage). */
const ATTEMPT_WINDOW_MS = 5 * 60_000;

const key = (account: string, region: string, name: string) => `${account}\0${region}\0${name}`;

/**
 * lambkin's SQS: every queue's state in memory for speed, every change committed to the store before it is
 * acknowledged (group commit: concurrent sends, receives and deletes share one transaction). Long polls wait on the
 * queue and are answered the moment a message becomes visible: no polling loop anywhere.
 */
export class QueueEngine implements QueueService {
  private readonly byKey = new Map<string, Queue>();
  private readonly byArn = new Map<string, Queue>();
  private readonly byId = new Map<number, Queue>();
  private readonly deletedAt = new Map<string, number>();
  private readonly commit: GroupCommit<QueueChange>;
  private nextSeq = 1;
  private nextQueueId = 1;
  private sweeper: NodeJS.Timeout | undefined;
  private lastDedupExpiryMs = 0;
  private closed = false;

  private constructor(private readonly store: Store, private readonly clock: Clock, private readonly log: Logger) {
    this.commit = new GroupCommit((changes) => this.store.queues.apply(changes));
  }

  /** Loads every queue and message; in-flight messages whose timeout passed while lambkin was down are visible. */
  static async open(store: Store, clock: Clock, log: Logger): Promise<QueueEngine> {
    const engine = new QueueEngine(store, clock, log);
    await engine.load();
    engine.sweeper = setInterval(() => engine.sweep(), SWEEP_MS);
    engine.sweeper.unref();
    return engine;
  }

  private async load(): Promise<void> {
    const now = this.clock.now();
    for (const record of await this.store.queues.queues()) {
      this.register(new Queue(record));
      this.nextQueueId = Math.max(this.nextQueueId, record.id + 1);
    }
    for (const stored of await this.store.queues.messages()) {
      this.nextSeq = Math.max(this.nextSeq, stored.seq + 1);
      this.byId.get(stored.queueId)?.add(fromStored(stored), now);
    }
    for (const d of await this.store.queues.dedups()) {
      if (d.expiresMs > now) this.byId.get(d.queueId)?.dedup.set(d.key, d);
    }
    for (const q of this.byId.values()) this.arm(q);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    for (const q of this.byId.values()) this.stopQueue(q);
    await this.commit.flush();
  }

  // ---- queues ----

  async createQueue(scope: QueueScope, name: string, attributes: Record<string, string>, tags: Record<string, string>): Promise<QueueRef> {
    const fifo = isFifoRequest(attributes);
    checkQueueName(name, fifo);
    checkTags(tags, {});
    const k = key(scope.account, scope.region, name);
    const existing = this.byKey.get(k);
    if (existing) return this.createAgain(existing, attributes);
    const deletedAt = this.deletedAt.get(k);
    if (deletedAt !== undefined && this.clock.now() - deletedAt < DELETE_HOLD_MS) {
      throw sqsError('QueueDeletedRecently', 'You must wait 60 seconds after deleting a queue before you can create another with the same name.');
    }
    const now = this.clock.now();
    const record: QueueRecord = {
      id: this.nextQueueId++, account: scope.account, region: scope.region, name, attributes: defaultAttributes(fifo),
      tags: { ...tags }, createdMs: now, lastModifiedMs: now,
    };
    const q = new Queue(record);
    record.attributes = applyAttributes(q, record.attributes, attributes, this.byArn);
    this.register(q);
    await this.commit.add([{ op: 'putQueue', queue: record }]);
    return q;
  }

  /** CreateQueue of an existing name: its URL if the given attributes agree with the queue's, else QueueNameExists. */
  private async createAgain(q: Queue, attributes: Record<string, string>): Promise<QueueRef> {
    const differs = differingAttribute(q, attributes, this.byArn);
    if (differs) throw sqsError('QueueNameExists', `A queue already exists with the same name and a different value for attribute ${differs}`);
    await this.commit.add([]);
    return q;
  }

  getQueue(scope: QueueScope, name: string): QueueRef {
    const q = this.byKey.get(key(scope.account, scope.region, name));
    if (!q) throw queueDoesNotExist();
    return q;
  }

  queueByArn(arn: string): QueueRef | undefined {
    return this.byArn.get(arn);
  }

  listQueues(scope: QueueScope, prefix = ''): QueueRef[] {
    const out: Queue[] = [];
    for (const q of this.byId.values()) {
      if (q.account === scope.account && q.region === scope.region && q.name.startsWith(prefix)) out.push(q);
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async deleteQueue(ref: QueueRef): Promise<void> {
    const q = this.live(ref);
    this.byKey.delete(key(q.account, q.region, q.name));
    this.byArn.delete(q.arn);
    this.byId.delete(q.record.id);
    this.deletedAt.set(key(q.account, q.region, q.name), this.clock.now());
    this.stopQueue(q);
    q.clear();
    await this.commit.add([{ op: 'deleteQueue', queueId: q.record.id }]);
  }

  async purgeQueue(ref: QueueRef): Promise<void> {
    const q = this.live(ref);
    const now = this.clock.now();
    if (now - q.lastPurgeMs < PURGE_INTERVAL_MS) {
      throw sqsError('PurgeQueueInProgress', `Only one PurgeQueue operation on ${q.name} is allowed every 60 seconds.`);
    }
    q.lastPurgeMs = now;
    // Sends not yet committed have larger seqs than every message in memory, so they survive the purge.
    let maxSeq = 0;
    for (const seq of q.messages.keys()) maxSeq = Math.max(maxSeq, seq);
    q.clear();
    await this.commit.add([{ op: 'purge', queueId: q.record.id, maxSeq }]);
  }

  getAttributes(ref: QueueRef, names: readonly string[]): Record<string, string> {
    const q = this.live(ref);
    q.promote(this.clock.now());
    return attributeView(q, names);
  }

  async setAttributes(ref: QueueRef, attributes: Record<string, string>): Promise<void> {
    const q = this.live(ref);
    const next = applyAttributes(q, q.record.attributes, attributes, this.byArn);
    q.record = { ...q.record, attributes: next, lastModifiedMs: this.clock.now() };
    await this.commit.add([{ op: 'putQueue', queue: q.record }]);
    this.serveWaiters(q);
  }

  listTags(ref: QueueRef): Record<string, string> {
    return { ...this.live(ref).record.tags };
  }

  async tagQueue(ref: QueueRef, tags: Record<string, string>): Promise<void> {
    const q = this.live(ref);
    checkTags(tags, q.record.tags);
    q.record = { ...q.record, tags: { ...q.record.tags, ...tags } };
    await this.commit.add([{ op: 'putQueue', queue: q.record }]);
  }

  async untagQueue(ref: QueueRef, keys: readonly string[]): Promise<void> {
    const q = this.live(ref);
    const tags = { ...q.record.tags };
    for (const k of keys) delete tags[k];
    q.record = { ...q.record, tags };
    await this.commit.add([{ op: 'putQueue', queue: q.record }]);
  }

  private register(q: Queue): void {
    this.byKey.set(key(q.account, q.region, q.name), q);
    this.byArn.set(q.arn, q);
    this.byId.set(q.record.id, q);
  }

  /** The queue behind a reference, if it still exists. */
  private live(ref: QueueRef): Queue {
    const q = this.byArn.get(ref.arn);
    if (!q || q.deleted) throw queueDoesNotExist();
    return q;
  }

  private stopQueue(q: Queue): void {
    q.deleted = true;
    clearTimeout(q.timer);
    q.timer = undefined;
    for (const w of q.waiters.slice()) w.serve([], []);
  }

  // ---- messages ----

  async send(ref: QueueRef, inputs: readonly SendInput[], opts: { senderId: string; batch: boolean }): Promise<(SendResult | AwsError)[]> {
    const q = this.live(ref);
    const now = this.clock.now();
    const rules = {
      fifo: q.fifo, maxMessageBytes: q.intAttr('MaximumMessageSize'), contentBasedDeduplication: q.attr('ContentBasedDeduplication') === 'true',
    };
    const changes: QueueChange[] = [];
    const accepted: Msg[] = [];
    let batchBytes = 0;
    const results = inputs.map((input): SendResult | AwsError => {
      try {
        const checked = checkSend(input, rules);
        batchBytes += checked.bytes;
        return this.accept(q, input, checked.traceHeader, opts.senderId, now, changes, accepted);
      } catch (err) {
        if (!(err instanceof AwsError)) throw err;
        batchBytes += Buffer.byteLength(String(input.body ?? ''));
        return err;
      }
    });
    if (opts.batch && batchBytes > rules.maxMessageBytes) {
      for (const m of accepted) if (m.dedupId !== undefined) q.dedup.delete(this.dedupKey(q, m.groupId, m.dedupId));
      throw sqsError('BatchRequestTooLong', `Batch requests cannot be longer than ${rules.maxMessageBytes} bytes. You have sent ${batchBytes} bytes.`);
    }
    if (changes.length) await this.commit.add(changes);
    if (!q.deleted) {
      const at = this.clock.now();
      for (const m of accepted) q.add(m, at);
      this.arm(q);
      this.serveWaiters(q);
    }
    return results;
  }

  private accept(q: Queue, input: SendInput, traceHeader: string | undefined, senderId: string, now: number, changes: QueueChange[], accepted: Msg[]): SendResult {
    const md5OfAttrs = md5OfAttributes(input.messageAttributes ?? {});
    const result: SendResult = { messageId: '', md5OfMessageBody: md5Hex(input.body) };
    if (md5OfAttrs) result.md5OfMessageAttributes = md5OfAttrs;
    if (traceHeader !== undefined) result.md5OfMessageSystemAttributes = md5OfAttributes(input.messageSystemAttributes!)!;
    const dedupId = q.fifo ? (input.messageDeduplicationId ?? createHash('sha256').update(input.body).digest('hex')) : undefined;
    if (dedupId !== undefined) {
      const seen = q.dedup.get(this.dedupKey(q, input.messageGroupId, dedupId));
      // A repeat inside the window is accepted and answered like the first send, but not queued again.
      if (seen && seen.expiresMs > now) return { ...result, messageId: seen.messageId, sequenceNumber: seen.sequenceNumber };
    }
    const m = this.newMessage(q, input, traceHeader, senderId, now, md5OfAttrs, result.md5OfMessageBody, dedupId);
    accepted.push(m);
    changes.push({ op: 'insert', message: toStored(m, q.record.id) });
    if (dedupId !== undefined) {
      const entry: DedupRecord = {
        queueId: q.record.id, key: this.dedupKey(q, input.messageGroupId, dedupId), messageId: m.messageId,
        sequenceNumber: m.sequenceNumber!, expiresMs: now + DEDUP_WINDOW_MS,
      };
      q.dedup.set(entry.key, entry);
      changes.push({ op: 'dedup', entry });
    }
    result.messageId = m.messageId;
    if (m.sequenceNumber) result.sequenceNumber = m.sequenceNumber;
    return result;
  }

  private newMessage(q: Queue, input: SendInput, traceHeader: string | undefined, senderId: string, now: number,
    md5OfAttrs: string | undefined, md5OfBody: string, dedupId: string | undefined): Msg {
    const seq = this.nextSeq++;
    const delayS = input.delaySeconds ?? q.intAttr('DelaySeconds');
    const m: Msg = {
      seq, messageId: randomUUID(), body: input.body, md5OfBody, attrs: { ...(input.messageAttributes ?? {}) }, sentMs: now, senderId,
      visibleAtMs: now + delayS * 1000, receiveCount: 0, firstReceiveMs: 0, token: '', status: 'gone', gen: 0,
    };
    if (md5OfAttrs) m.md5OfAttrs = md5OfAttrs;
    if (traceHeader !== undefined) m.traceHeader = traceHeader;
    if (input.messageGroupId !== undefined) m.groupId = input.messageGroupId;
    if (dedupId !== undefined) {
      m.dedupId = dedupId;
      // 20 digits, increasing with every send to the queue, like SQS's FIFO sequence numbers.
      m.sequenceNumber = (10n ** 19n + BigInt(seq)).toString();
    }
    return m;
  }

  private dedupKey(q: Queue, groupId: string | undefined, dedupId: string): string {
    return q.attr('DeduplicationScope') === 'messageGroup' ? `${groupId ?? ''}\0${dedupId}` : dedupId;
  }

  async receive(ref: QueueRef, input: ReceiveInput): Promise<ReceivedMessage[]> {
    const q = this.live(ref);
    const now = this.clock.now();
    const repeat = input.attemptId !== undefined ? this.repeatAttempt(q, input.attemptId, now) : undefined;
    if (repeat) return repeat;
    if (q.counts.inflight >= (q.fifo ? MAX_INFLIGHT.fifo : MAX_INFLIGHT.standard)) {
      throw sqsError('OverLimit', 'The maximum number of in-flight messages for this queue has been reached.');
    }
    q.promote(now);
    const visibilityS = input.visibilityTimeoutS ?? q.intAttr('VisibilityTimeout');
    const taken = this.takeFrom(q, input.max, visibilityS, input.attemptId);
    if (taken.msgs.length || input.waitMs <= 0 || input.signal?.aborted || this.closed) return this.handOut(q, taken, input.durable ?? true);
    return new Promise((resolve, reject) => this.wait(q, input, visibilityS, resolve, reject));
  }

  /** Registers a long poll: served by `serveWaiters` when a message becomes visible, else empty at the deadline. */
  private wait(q: Queue, input: ReceiveInput, visibilityS: number, resolve: (m: ReceivedMessage[]) => void, reject: (e: unknown) => void): void {
    const finish = (msgs: Msg[], changes: QueueChange[]) => {
      clearTimeout(timer);
      input.signal?.removeEventListener('abort', onAbort);
      const i = q.waiters.indexOf(waiter);
      if (i >= 0) q.waiters.splice(i, 1);
      this.handOut(q, { msgs, changes }, waiter.durable).then(resolve, reject);
    };
    const onAbort = () => finish([], []);
    const waiter: Waiter = { max: input.max, visibilityTimeoutS: visibilityS, durable: input.durable ?? true, serve: finish };
    if (input.attemptId !== undefined) waiter.attemptId = input.attemptId;
    q.waiters.push(waiter);
    const timer = setTimeout(onAbort, input.waitMs);
    input.signal?.addEventListener('abort', onAbort, { once: true });
  }

  private takeFrom(q: Queue, max: number, visibilityS: number, attemptId: string | undefined): { msgs: Msg[]; changes: QueueChange[] } {
    const changes: QueueChange[] = [];
    const now = this.clock.now();
    const msgs = q.take(max, visibilityS, now, newToken, this.redriveFor(q, now, changes), changes);
    if (msgs.length) this.arm(q);
    if (attemptId !== undefined && msgs.length) {
      q.attempts.set(attemptId, { msgs, tokens: msgs.map((m) => m.token), expiresMs: now + ATTEMPT_WINDOW_MS });
    }
    return { msgs, changes };
  }

  private async handOut(q: Queue, taken: { msgs: Msg[]; changes: QueueChange[] }, durable: boolean): Promise<ReceivedMessage[]> {
    if (taken.changes.length) await this.write(taken.changes, durable);
    return taken.msgs.map((m) => received(m, q.record.id));
  }

  /** A retried FIFO receive with the same attempt id gets the same messages while all are still in flight. */
  private repeatAttempt(q: Queue, attemptId: string, now: number): ReceivedMessage[] | undefined {
    const a = q.attempts.get(attemptId);
    if (!a || a.expiresMs <= now) return undefined;
    const same = a.msgs.every((m, i) => m.status === 'inflight' && m.token === a.tokens[i] && m.visibleAtMs > now);
    return same ? a.msgs.map((m) => received(m, q.record.id)) : undefined;
  }

  /** Moves messages at the redrive limit to the dead-letter queue (event-sources.md §2.6). */
  private redriveFor(q: Queue, now: number, changes: QueueChange[]): Redrive | undefined {
    const policy = redriveOf(q);
    if (!policy) return undefined;
    const dlq = this.byArn.get(policy.deadLetterTargetArn);
    if (!dlq || dlq === q || dlq.deleted) return undefined;
    return (m) => {
      if (m.receiveCount < policy.maxReceiveCount) return false;
      q.detach(m);
      // A new object in the dead-letter queue: the source queue's FIFO group may still hold the old one, gone.
      const moved: Msg = { ...m, deadLetterSourceArn: q.arn, visibleAtMs: now, gen: 0 };
      dlq.add(moved, now);
      changes.push({ op: 'update', state: dlq.stateOf(moved) });
      queueMicrotask(() => this.serveWaiters(dlq));
      return true;
    };
  }

  /** Hands visible messages to long polls, oldest poll first. */
  private serveWaiters(q: Queue): void {
    while (q.waiters.length && q.hasReady() && !q.deleted) {
      const w = q.waiters[0]!;
      const taken = this.takeFrom(q, w.max, w.visibilityTimeoutS ?? q.intAttr('VisibilityTimeout'), w.attemptId);
      if (taken.msgs.length === 0) {
        if (taken.changes.length) void this.commit.add(taken.changes).catch((err) => this.log.error({ err }, 'queue commit failed'));
        return;
      }
      w.serve(taken.msgs, taken.changes);
    }
  }

  /**
   * Durable changes are awaited (committed at the end of this turn); the others are deferred into the next group
   * commit and not awaited: a crash before it repeats a delivery, nothing more.
   */
  private async write(changes: QueueChange[], durable: boolean): Promise<void> {
    if (durable) return this.commit.add(changes);
    this.commit.add(changes, false).catch((err) => this.log.error({ err }, 'queue commit failed'));
  }

  async deleteMessages(ref: QueueRef, receiptHandles: readonly string[], opts: { durable?: boolean } = {}): Promise<(AwsError | undefined)[]> {
    const q = this.live(ref);
    const changes: QueueChange[] = [];
    const results = receiptHandles.map((handle) => {
      try {
        const m = this.messageFor(q, handle);
        // A stale handle (the message was received again, or is gone) deletes nothing and still succeeds.
        if (m) q.remove(m, changes);
        return undefined;
      } catch (err) {
        if (err instanceof AwsError) return err;
        throw err;
      }
    });
    if (changes.length) await this.write(changes, opts.durable ?? true);
    if (q.fifo) this.serveWaiters(q);
    return results;
  }

  async changeVisibility(ref: QueueRef, entries: readonly VisibilityChange[]): Promise<(AwsError | undefined)[]> {
    const q = this.live(ref);
    const changes: QueueChange[] = [];
    const now = this.clock.now();
    const results = entries.map(({ receiptHandle, visibilityTimeoutS }) => {
      try {
        this.changeOne(q, receiptHandle, visibilityTimeoutS, now, changes);
        return undefined;
      } catch (err) {
        if (err instanceof AwsError) return err;
        throw err;
      }
    });
    if (changes.length) await this.commit.add(changes);
    this.arm(q);
    this.serveWaiters(q);
    return results;
  }

  private changeOne(q: Queue, handle: string, timeoutS: number, now: number, changes: QueueChange[]): void {
    if (!Number.isInteger(timeoutS) || timeoutS < 0 || timeoutS > 43_200) {
      throw invalidParameterValue(`Value ${timeoutS} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided.`);
    }
    const m = this.messageFor(q, handle);
    if (!m) {
      throw invalidParameterValue(`Value ${handle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`);
    }
    if (m.status !== 'inflight') throw sqsError('MessageNotInflight', 'The message referred to is not in flight.');
    const visibleAtMs = now + timeoutS * 1000;
    if (visibleAtMs - m.firstReceiveMs > 43_200_000) {
      throw invalidParameterValue(`Value ${timeoutS} for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds]`);
    }
    q.setVisibility(m, visibleAtMs, now, changes);
  }

  /** The message a handle names if the handle is still its latest; throws for handles that are not valid at all. */
  private messageFor(q: Queue, handle: string): Msg | undefined {
    const r = decodeReceipt(handle);
    if (r.queueId !== q.record.id) throw sqsError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`);
    const m = q.messages.get(r.seq);
    return m && m.token === r.token ? m : undefined;
  }

  // ---- time ----

  /** Keeps one timer per queue, for the next delayed or in-flight message to become visible. */
  private arm(q: Queue): void {
    const at = q.nextDueMs();
    if (at === Infinity || q.deleted || this.closed) return;
    if (q.timer && q.timerAtMs <= at) return;
    clearTimeout(q.timer);
    q.timerAtMs = at;
    q.timer = setTimeout(() => {
      q.timer = undefined;
      q.timerAtMs = Infinity;
      if (q.deleted) return;
      if (q.promote(this.clock.now())) this.serveWaiters(q);
      this.arm(q);
    }, Math.max(0, at - this.clock.now()));
    q.timer.unref();
  }

  /** Once a second: drops messages past their retention period and expired deduplication ids and attempt ids. */
  private sweep(): void {
    const now = this.clock.now();
    const changes: QueueChange[] = [];
    for (const q of this.byId.values()) {
      const retentionMs = q.intAttr('MessageRetentionPeriod') * 1000;
      for (const m of q.messages.values()) {
        if (now - m.sentMs < retentionMs) break;
        q.remove(m, changes);
      }
      for (const [k, d] of q.dedup) {
        if (d.expiresMs > now) break;
        q.dedup.delete(k);
      }
      for (const [k, a] of q.attempts) if (a.expiresMs <= now) q.attempts.delete(k);
    }
    if (now - this.lastDedupExpiryMs > DEDUP_WINDOW_MS) {
      this.lastDedupExpiryMs = now;
      changes.push({ op: 'expireDedup', beforeMs: now });
    }
    if (changes.length) void this.commit.add(changes).catch((err) => this.log.error({ err }, 'queue sweep commit failed'));
  }
}
