import type { StoredAttributeValue, StoredMessage } from '../../store/store.js';
import { md5Hex, md5OfAttributes } from './md5.js';
import type { MessageAttributeValue, ReceivedMessage } from './message.js';
import type { Msg } from './queue.js';
import { encodeReceipt } from './receipt.js';

/** Conversions between the engine's messages, the store's rows and what a receive hands out. */

function storedAttributes(attrs: Record<string, MessageAttributeValue>): Record<string, StoredAttributeValue> {
  const out = Object.create(null) as Record<string, StoredAttributeValue>;
  for (const [name, a] of Object.entries(attrs)) {
    out[name] = a.BinaryValue !== undefined
      ? { DataType: a.DataType, BinaryValue: a.BinaryValue.toString('base64') }
      : { DataType: a.DataType, StringValue: a.StringValue ?? '' };
  }
  return out;
}

function liveAttributes(attrs: Record<string, StoredAttributeValue>): Record<string, MessageAttributeValue> {
  const out = Object.create(null) as Record<string, MessageAttributeValue>;
  for (const [name, a] of Object.entries(attrs)) {
    out[name] = a.BinaryValue !== undefined
      ? { DataType: a.DataType, BinaryValue: Buffer.from(a.BinaryValue, 'base64') }
      : { DataType: a.DataType, StringValue: a.StringValue ?? '' };
  }
  return out;
}

export function toStored(m: Msg, queueId: number): StoredMessage {
  const s: StoredMessage = {
    seq: m.seq, queueId, messageId: m.messageId, body: m.body, sentMs: m.sentMs, senderId: m.senderId,
    attributes: storedAttributes(m.attrs), visibleAtMs: m.visibleAtMs, receiveCount: m.receiveCount,
    firstReceiveMs: m.firstReceiveMs, receiptToken: m.token,
  };
  if (m.traceHeader !== undefined) s.traceHeader = m.traceHeader;
  if (m.groupId !== undefined) s.groupId = m.groupId;
  if (m.dedupId !== undefined) s.dedupId = m.dedupId;
  if (m.sequenceNumber !== undefined) s.sequenceNumber = m.sequenceNumber;
  if (m.deadLetterSourceArn !== undefined) s.deadLetterSourceArn = m.deadLetterSourceArn;
  return s;
}

export function fromStored(s: StoredMessage): Msg {
  const attrs = liveAttributes(s.attributes);
  const m: Msg = {
    seq: s.seq, messageId: s.messageId, body: s.body, md5OfBody: md5Hex(s.body), attrs, sentMs: s.sentMs, senderId: s.senderId,
    visibleAtMs: s.visibleAtMs, receiveCount: s.receiveCount, firstReceiveMs: s.firstReceiveMs, token: s.receiptToken,
    status: 'gone', gen: 0,
  };
  const md5 = md5OfAttributes(attrs);
  if (md5) m.md5OfAttrs = md5;
  if (s.traceHeader !== undefined) m.traceHeader = s.traceHeader;
  if (s.groupId !== undefined) m.groupId = s.groupId;
  if (s.dedupId !== undefined) m.dedupId = s.dedupId;
  if (s.sequenceNumber !== undefined) m.sequenceNumber = s.sequenceNumber;
  if (s.deadLetterSourceArn !== undefined) m.deadLetterSourceArn = s.deadLetterSourceArn;
  return m;
}

/** System attributes in the order AWS's examples show them (Lambda DG "Using Lambda with Amazon SQS"). */
function systemAttributes(m: Msg): Record<string, string> {
  const a: Record<string, string> = { ApproximateReceiveCount: String(m.receiveCount), SentTimestamp: String(m.sentMs) };
  if (m.sequenceNumber !== undefined) a.SequenceNumber = m.sequenceNumber;
  if (m.groupId !== undefined) a.MessageGroupId = m.groupId;
  a.SenderId = m.senderId;
  if (m.dedupId !== undefined) a.MessageDeduplicationId = m.dedupId;
  a.ApproximateFirstReceiveTimestamp = String(m.firstReceiveMs);
  if (m.traceHeader !== undefined) a.AWSTraceHeader = m.traceHeader;
  if (m.deadLetterSourceArn !== undefined) a.DeadLetterQueueSourceArn = m.deadLetterSourceArn;
  return a;
}

export function received(m: Msg, queueId: number): ReceivedMessage {
  const r: ReceivedMessage = {
    messageId: m.messageId,
    receiptHandle: encodeReceipt(queueId, m.seq, m.token),
    body: m.body,
    md5OfBody: m.md5OfBody,
    attributes: systemAttributes(m),
    messageAttributes: m.attrs,
  };
  if (m.md5OfAttrs) r.md5OfMessageAttributes = m.md5OfAttrs;
  return r;
}
