import { invalidParameterValue } from '../errors.js';
import {
  FIFO_DEFAULTS, isSettable, normalizeAttribute, parseRedriveAllowPolicy, parseRedrivePolicy, READ_ONLY, STANDARD_DEFAULTS,
  unknownAttribute, type RedrivePolicy,
} from './attributes.js';
import type { Queue } from './queue.js';

/** A queue's attributes as a whole: defaults, changes checked against other queues, and the GetQueueAttributes view. */

/** Whether CreateQueue asks for a FIFO queue; checks FifoQueue itself. */
export function isFifoRequest(given: Record<string, string>): boolean {
  if (given.FifoQueue === undefined) return false;
  return normalizeAttribute('FifoQueue', given.FifoQueue, true) === 'true';
}

export function defaultAttributes(fifo: boolean): Record<string, string> {
  return { ...(fifo ? FIFO_DEFAULTS : STANDARD_DEFAULTS) };
}

/** `base` with `given` applied; RedrivePolicy and RedriveAllowPolicy are checked against the other queues. */
export function applyAttributes(q: Queue, base: Record<string, string>, given: Record<string, string>, queues: ReadonlyMap<string, Queue>): Record<string, string> {
  const next = { ...base };
  for (const [name, raw] of Object.entries(given)) {
    if (name === 'FifoQueue' && !q.fifo && String(raw).toLowerCase() === 'false') continue;
    const value = normalizeAttribute(name, raw, q.fifo);
    if (name === 'FifoQueue' && value !== base.FifoQueue) throw invalidParameterValue('FifoQueue cannot be changed after the queue is created.');
    if (value === '' && (name === 'RedrivePolicy' || name === 'RedriveAllowPolicy' || name === 'Policy')) {
      delete next[name];
    } else if (name === 'RedrivePolicy') {
      next[name] = JSON.stringify(checkRedrive(q, value, queues));
    } else if (name === 'RedriveAllowPolicy') {
      next[name] = JSON.stringify(parseRedriveAllowPolicy(value));
    } else {
      next[name] = value;
    }
  }
  if (next.FifoThroughputLimit === 'perMessageGroupId' && next.DeduplicationScope !== 'messageGroup') {
    throw invalidParameterValue('FifoThroughputLimit perMessageGroupId needs DeduplicationScope messageGroup.');
  }
  return next;
}

function checkRedrive(q: Queue, value: string, queues: ReadonlyMap<string, Queue>): RedrivePolicy {
  const policy = parseRedrivePolicy(value);
  const bad = (reason: string) => invalidParameterValue(`Value ${value} for parameter RedrivePolicy is invalid. Reason: ${reason}`);
  const dlq = queues.get(policy.deadLetterTargetArn);
  if (!dlq || dlq.account !== q.account || dlq.region !== q.region) throw bad('Dead letter target does not exist.');
  if (dlq === q) throw bad('A queue cannot be its own dead-letter queue.');
  if (dlq.fifo !== q.fifo) throw bad('Dead-letter queue must be same type of queue as the source.');
  const allow = dlq.attr('RedriveAllowPolicy');
  if (allow) {
    const p = parseRedriveAllowPolicy(allow);
    if (p.redrivePermission === 'denyAll' || (p.redrivePermission === 'byQueue' && !p.sourceQueueArns.includes(q.arn))) {
      throw bad(`Queue ${dlq.arn} does not allow this queue as a redrive source (RedriveAllowPolicy).`);
    }
  }
  return policy;
}

/** The first attribute whose given value differs from the queue's (CreateQueue of an existing name). */
export function differingAttribute(q: Queue, given: Record<string, string>, queues: ReadonlyMap<string, Queue>): string | undefined {
  const wanted = applyAttributes(q, q.record.attributes, given, queues);
  for (const name of Object.keys(given)) {
    if ((wanted[name] ?? '') !== (q.record.attributes[name] ?? '')) return name;
  }
  return undefined;
}

const redriveCache = new WeakMap<Record<string, string>, RedrivePolicy | undefined>();

/** The queue's parsed RedrivePolicy, parsed once per attribute version. */
export function redriveOf(q: Queue): RedrivePolicy | undefined {
  const attrs = q.record.attributes;
  if (!redriveCache.has(attrs)) redriveCache.set(attrs, attrs.RedrivePolicy ? (JSON.parse(attrs.RedrivePolicy) as RedrivePolicy) : undefined);
  return redriveCache.get(attrs);
}

function readOnlyValue(q: Queue, name: (typeof READ_ONLY)[number]): string {
  switch (name) {
    case 'QueueArn': return q.arn;
    case 'ApproximateNumberOfMessages': return String(q.counts.ready);
    case 'ApproximateNumberOfMessagesNotVisible': return String(q.counts.inflight);
    case 'ApproximateNumberOfMessagesDelayed': return String(q.counts.delayed);
    case 'CreatedTimestamp': return String(Math.floor(q.record.createdMs / 1000));
    case 'LastModifiedTimestamp': return String(Math.floor(q.record.lastModifiedMs / 1000));
  }
}

/** GetQueueAttributes: `All`, or the named attributes; names that do not exist for this queue type are refused. */
export function attributeView(q: Queue, names: readonly string[]): Record<string, string> {
  const readOnly = READ_ONLY as readonly string[];
  const all = names.includes('All');
  const wanted = all ? [...readOnly, ...Object.keys(q.record.attributes)] : names;
  const out: Record<string, string> = {};
  for (const name of wanted) {
    if (readOnly.includes(name)) out[name] = readOnlyValue(q, name as (typeof READ_ONLY)[number]);
    else if (!isSettable(name, q.fifo)) throw unknownAttribute(name);
    else if (q.record.attributes[name] !== undefined) out[name] = q.record.attributes[name]!;
  }
  return out;
}
