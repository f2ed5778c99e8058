import { MinHeap } from '../../core/min-heap.js';
import type { DedupRecord, QueueChange, QueueRecord } from '../../store/store.js';
import type { MessageAttributeValue } from './message.js';
import type { QueueRef } from './queue-service.js';

export type MessageStatus = 'delayed' | 'ready' | 'inflight' | 'gone';

/** A message as the engine holds it in memory. */
export interface Msg {
  seq: number;
  messageId: string;
  body: string;
  md5OfBody: string;
  attrs: Record<string, MessageAttributeValue>;
  md5OfAttrs?: string;
  traceHeader?: string;
  sentMs: number;
  senderId: string;
  groupId?: string;
  dedupId?: string;
  sequenceNumber?: string;
  visibleAtMs: number;
  receiveCount: number;
  firstReceiveMs: number;
  token: string;
  deadLetterSourceArn?: string;
  status: MessageStatus;
  /** Bumped on every status change: entries of the timing heap with an older value are stale. */
  gen: number;
}

interface Due {
  atMs: number;
  msg: Msg;
  gen: number;
}

/** A FIFO message group: its messages in arrival order, and how many of them are in flight. */
interface Group {
  id: string;
  items: Msg[];
  start: number;
  inflight: number;
  /** The head seq this group is queued under in `readyGroups`, or -1. */
  queuedSeq: number;
}

export interface Waiter {
  max: number;
  visibilityTimeoutS?: number;
  attemptId?: string;
  durable: boolean;
  /** Called with the messages taken for it (already in flight) and the changes to commit, or with none. */
  serve(messages: Msg[], changes: QueueChange[]): void;
}

/** What a receive does with a message whose receive count has reached the redrive limit. */
export type Redrive = (msg: Msg) => boolean;

const byDue = (a: Due, b: Due) => a.atMs < b.atMs;
const bySeq = (a: Msg, b: Msg) => a.seq < b.seq;

/**
 * One queue's in-memory state. Standard queues hand out the oldest visible messages first; FIFO queues hand out
 * whole runs of a message group and hold the group back while any of it is in flight (event-sources.md §2.4).
 * Every mutation appends the store changes that make it durable to `changes`; the engine commits them.
 */
export class Queue implements QueueRef {
  readonly account: string;
  readonly region: string;
  readonly name: string;
  readonly arn: string;
  readonly fifo: boolean;
  readonly messages = new Map<number, Msg>();
  readonly counts = { delayed: 0, ready: 0, inflight: 0 };
  readonly dedup = new Map<string, DedupRecord>();
  readonly waiters: Waiter[] = [];
  readonly attempts = new Map<string, { msgs: Msg[]; tokens: string[]; expiresMs: number }>();
  lastPurgeMs = 0;
  deleted = false;
  timer: NodeJS.Timeout | undefined;
  timerAtMs = Infinity;
  private readonly ready = new MinHeap<Msg>(bySeq);
  private readonly due = new MinHeap<Due>(byDue);
  private readonly groups = new Map<string, Group>();
  private readonly readyGroups = new MinHeap<{ group: Group; seq: number }>((a, b) => a.seq < b.seq);

  constructor(public record: QueueRecord) {
    this.account = record.account;
    this.region = record.region;
    this.name = record.name;
    this.arn = `arn:aws:sqs:${record.region}:${record.account}:${record.name}`;
    this.fifo = record.attributes.FifoQueue === 'true';
  }

  attr(name: string): string | undefined {
    return this.record.attributes[name];
  }

  intAttr(name: string): number {
    return Number(this.record.attributes[name]);
  }

  /** A newly sent, recovered or redriven message joins the queue. */
  add(msg: Msg, nowMs: number): void {
    this.messages.set(msg.seq, msg);
    if (this.fifo) this.groupOf(msg).items.push(msg);
    if (msg.visibleAtMs > nowMs) {
      this.setStatus(msg, msg.receiveCount > 0 && msg.token !== '' ? 'inflight' : 'delayed');
      if (this.fifo && msg.status === 'inflight') this.groupOf(msg).inflight++;
      this.due.push({ atMs: msg.visibleAtMs, msg, gen: msg.gen });
    } else {
      this.makeReady(msg);
    }
  }

  /** The earliest time a delayed or in-flight message becomes visible. */
  nextDueMs(): number {
    for (;;) {
      const top = this.due.peek();
      if (!top) return Infinity;
      if (top.gen === top.msg.gen) return top.atMs;
      this.due.pop();
    }
  }

  /** Makes every message whose time has come visible; true if any did. */
  promote(nowMs: number): boolean {
    let any = false;
    for (let top = this.due.peek(); top && top.atMs <= nowMs; top = this.due.peek()) {
      this.due.pop();
      if (top.gen !== top.msg.gen) continue;
      this.returnToReady(top.msg);
      any = true;
    }
    return any;
  }

  /**
   * Takes up to `max` visible messages and puts them in flight for `visibilityS`. Expired messages met on the way
   * are dropped; messages at the redrive limit go to `redrive` instead of the caller.
   */
  take(max: number, visibilityS: number, nowMs: number, token: () => string, redrive: Redrive | undefined, changes: QueueChange[]): Msg[] {
    const out: Msg[] = [];
    const retentionMs = this.intAttr('MessageRetentionPeriod') * 1000;
    const accept = (m: Msg): boolean => {
      if (nowMs - m.sentMs >= retentionMs) {
        this.remove(m, changes);
        return false;
      }
      if (redrive && redrive(m)) return false;
      this.deliver(m, visibilityS, nowMs, token(), changes);
      out.push(m);
      return true;
    };
    if (this.fifo) this.takeGroups(max, out, accept);
    else this.takeOldest(max, out, accept);
    return out;
  }

  private takeOldest(max: number, out: Msg[], accept: (m: Msg) => boolean): void {
    while (out.length < max) {
      const m = this.ready.pop();
      if (!m) return;
      if (m.status === 'ready') accept(m);
    }
  }

  /** AWS returns as many messages of one group as it can, then moves to the next group (SQS Dev Guide, FIFO logic). */
  private takeGroups(max: number, out: Msg[], accept: (m: Msg) => boolean): void {
    while (out.length < max) {
      const entry = this.readyGroups.pop();
      if (!entry) return;
      const g = entry.group;
      if (g.queuedSeq !== entry.seq) continue;
      g.queuedSeq = -1;
      if (g.inflight > 0) continue;
      for (let head = this.head(g); head && head.status === 'ready' && out.length < max; head = this.nextReady(g, head)) {
        accept(head);
      }
      this.queueGroup(g);
    }
  }

  /** The first message of `g` after `m` that is not in flight yet (or undefined). */
  private nextReady(g: Group, m: Msg): Msg | undefined {
    const at = g.items.indexOf(m, g.start);
    // `m` left the group while it was being taken (a redrive moved it): the next run starts from the group's head.
    if (at < 0) return undefined;
    for (let i = at + 1; i < g.items.length; i++) {
      const next = g.items[i]!;
      if (next.status === 'ready') return next;
      if (next.status !== 'gone') return undefined;
    }
    return undefined;
  }

  private deliver(m: Msg, visibilityS: number, nowMs: number, token: string, changes: QueueChange[]): void {
    m.receiveCount++;
    if (m.firstReceiveMs === 0) m.firstReceiveMs = nowMs;
    m.token = token;
    m.visibleAtMs = nowMs + visibilityS * 1000;
    this.setStatus(m, 'inflight');
    if (this.fifo) this.groupOf(m).inflight++;
    this.due.push({ atMs: m.visibleAtMs, msg: m, gen: m.gen });
    changes.push({ op: 'update', state: this.stateOf(m) });
  }

  /** A visibility change on an in-flight message; 0 makes it visible now. */
  setVisibility(m: Msg, visibleAtMs: number, nowMs: number, changes: QueueChange[]): void {
    m.visibleAtMs = visibleAtMs;
    if (visibleAtMs <= nowMs) {
      this.returnToReady(m);
    } else {
      m.gen++;
      this.due.push({ atMs: visibleAtMs, msg: m, gen: m.gen });
    }
    changes.push({ op: 'update', state: this.stateOf(m) });
  }

  /** Deletes a message for good. */
  remove(m: Msg, changes: QueueChange[]): void {
    this.detach(m);
    changes.push({ op: 'delete', seq: m.seq });
  }

  /** Takes a message out of this queue's memory without deleting its row (a redrive moves the row). */
  detach(m: Msg): void {
    const wasInflight = m.status === 'inflight';
    this.setStatus(m, 'gone');
    this.messages.delete(m.seq);
    if (!this.fifo) return;
    const g = this.groupOf(m);
    if (wasInflight) g.inflight--;
    this.compact(g);
    this.queueGroup(g);
  }

  /** Forgets every message (purge, delete queue); the caller writes the matching store change. */
  clear(): void {
    for (const m of this.messages.values()) this.setStatus(m, 'gone');
    this.messages.clear();
    this.ready.clear();
    this.due.clear();
    this.groups.clear();
    this.readyGroups.clear();
  }

  stateOf(m: Msg) {
    const s = {
      seq: m.seq, queueId: this.record.id, visibleAtMs: m.visibleAtMs, receiveCount: m.receiveCount, firstReceiveMs: m.firstReceiveMs,
      receiptToken: m.token,
    };
    return m.deadLetterSourceArn ? { ...s, deadLetterSourceArn: m.deadLetterSourceArn } : s;
  }

  /** Whether a receive could hand out something now. */
  hasReady(): boolean {
    return this.counts.ready > 0;
  }

  private returnToReady(m: Msg): void {
    const wasInflight = m.status === 'inflight';
    if (this.fifo && wasInflight) this.groupOf(m).inflight--;
    this.makeReady(m);
  }

  private makeReady(m: Msg): void {
    this.setStatus(m, 'ready');
    if (this.fifo) this.queueGroup(this.groupOf(m));
    else this.ready.push(m);
  }

  private setStatus(m: Msg, status: MessageStatus): void {
    if (m.status !== 'gone' && m.status in this.counts) this.counts[m.status as keyof typeof this.counts]--;
    m.status = status;
    m.gen++;
    if (status !== 'gone') this.counts[status]++;
  }

  private groupOf(m: Msg): Group {
    const id = m.groupId ?? '';
    let g = this.groups.get(id);
    if (!g) {
      g = { id, items: [], start: 0, inflight: 0, queuedSeq: -1 };
      this.groups.set(id, g);
    }
    return g;
  }

  private head(g: Group): Msg | undefined {
    this.compact(g);
    return g.items[g.start];
  }

  /** Skips removed messages at the front; drops the group when it is empty. */
  private compact(g: Group): void {
    while (g.start < g.items.length && g.items[g.start]!.status === 'gone') g.start++;
    if (g.start === g.items.length) {
      g.items.length = 0;
      g.start = 0;
      if (g.inflight === 0) this.groups.delete(g.id);
    } else if (g.start > 1024 && g.start * 2 > g.items.length) {
      g.items.splice(0, g.start);
      g.start = 0;
    }
  }

  /** Puts a group whose head is visible and which has nothing in flight in line for receives. */
  private queueGroup(g: Group): void {
    if (g.inflight > 0) return;
    const head = this.head(g);
    if (!head || head.status !== 'ready' || g.queuedSeq === head.seq) return;
    g.queuedSeq = head.seq;
    this.readyGroups.push({ group: g, seq: head.seq });
  }
}
