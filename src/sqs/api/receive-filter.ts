import { md5OfAttributes } from '../engine/md5.js';
import type { MessageAttributeValue, ReceivedMessage } from '../engine/message.js';

/**
 * ReceiveMessage returns only the attributes asked for (SQS API Reference, ReceiveMessage):
 * system attributes by `MessageSystemAttributeNames` (or the deprecated `AttributeNames`), `All` for every one;
 * message attributes by `MessageAttributeNames`: `All` or `.*` for every one, `prefix.*` for those starting with
 * `prefix.`, else exact names. MD5OfMessageAttributes covers the attributes returned, so clients can check it.
 */
export interface ReceiveFilter {
  systemNames: readonly string[];
  messageAttributeNames: readonly string[];
}

export function pickSystemAttributes(all: Readonly<Record<string, string>>, names: readonly string[]): Record<string, string> | undefined {
  if (names.length === 0) return undefined;
  const everything = names.includes('All');
  const wanted = new Set(names);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(all)) if (everything || wanted.has(name)) out[name] = value;
  return Object.keys(out).length ? out : undefined;
}

export function messageAttributeMatcher(names: readonly string[]): (name: string) => boolean {
  if (names.includes('All') || names.includes('.*')) return () => true;
  const exact = new Set(names.filter((n) => !n.endsWith('.*')));
  const prefixes = names.filter((n) => n.endsWith('.*')).map((n) => n.slice(0, -1));
  return (name) => exact.has(name) || prefixes.some((p) => name.startsWith(p));
}

export function pickMessageAttributes(
  all: Readonly<Record<string, MessageAttributeValue>>, matches: (name: string) => boolean,
): Record<string, MessageAttributeValue> | undefined {
  const out = Object.create(null) as Record<string, MessageAttributeValue>;
  for (const [name, value] of Object.entries(all)) if (matches(name)) out[name] = value;
  return Object.keys(out).length ? out : undefined;
}

/** One received message in the model's shape and member order, narrowed to what the receive asked for. */
export function messageOutput(m: ReceivedMessage, filter: ReceiveFilter): Record<string, unknown> {
  const out: Record<string, unknown> = { MessageId: m.messageId, ReceiptHandle: m.receiptHandle, MD5OfBody: m.md5OfBody, Body: m.body };
  const system = pickSystemAttributes(m.attributes, filter.systemNames);
  if (system) out.Attributes = system;
  const attrs = filter.messageAttributeNames.length
    ? pickMessageAttributes(m.messageAttributes, messageAttributeMatcher(filter.messageAttributeNames))
    : undefined;
  if (attrs) {
    out.MD5OfMessageAttributes = md5OfAttributes(attrs);
    out.MessageAttributes = attributeValuesOutput(attrs);
  }
  return out;
}

/** MessageAttributeValue as the wire carries it: model member order, binary as base64. */
export function attributeValuesOutput(attrs: Readonly<Record<string, MessageAttributeValue>>): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const [name, a] of Object.entries(attrs)) {
    const v: Record<string, unknown> = {};
    if (a.StringValue !== undefined) v.StringValue = a.StringValue;
    if (a.BinaryValue !== undefined) v.BinaryValue = a.BinaryValue.toString('base64');
    v.DataType = a.DataType;
    out[name] = v;
  }
  return out;
}
