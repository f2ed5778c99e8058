import type { MessageAttributeValue, ReceivedMessage } from './sqs-source.js';

/** Lambda's cap on a synchronous invocation payload: a batch never exceeds it (event-sources.md §2.1). */
export const MAX_EVENT_BYTES = 6 * 1024 * 1024;
/** `{"Records":[` + `]}` */
const ENVELOPE_BYTES = 14;

/** One record of the event Lambda sends for SQS (event-sources.md §3), as a JSON text. */
export function sqsRecordJson(m: ReceivedMessage, queueArn: string, region: string): string {
  const record: Record<string, unknown> = {
    messageId: m.messageId,
    receiptHandle: m.receiptHandle,
    body: m.body,
    attributes: m.attributes,
    messageAttributes: lambdaMessageAttributes(m.messageAttributes),
  };
  if (m.md5OfMessageAttributes) record.md5OfMessageAttributes = m.md5OfMessageAttributes;
  record.md5OfBody = m.md5OfBody;
  record.eventSource = 'aws:sqs';
  record.eventSourceARN = queueArn;
  record.awsRegion = region;
  return JSON.stringify(record);
}

/** Lambda spells message attributes in lower camel case, with both list members always present. */
function lambdaMessageAttributes(attrs: Record<string, MessageAttributeValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, a] of Object.entries(attrs)) {
    const v: Record<string, unknown> = {};
    if (a.StringValue !== undefined) v.stringValue = a.StringValue;
    if (a.BinaryValue !== undefined) v.binaryValue = a.BinaryValue.toString('base64');
    v.stringListValues = a.StringListValues ?? [];
    v.binaryListValues = (a.BinaryListValues ?? []).map((b) => b.toString('base64'));
    v.dataType = a.DataType;
    out[name] = v;
  }
  return out;
}

export interface EventBatch {
  messages: ReceivedMessage[];
  payload: Buffer;
}

/** Splits received messages into events of at most 6 MB each, keeping their order. */
export function toEvents(messages: ReceivedMessage[], queueArn: string, region: string): EventBatch[] {
  const out: EventBatch[] = [];
  let part: ReceivedMessage[] = [];
  let texts: string[] = [];
  let size = ENVELOPE_BYTES;
  const flush = () => {
    if (part.length) out.push({ messages: part, payload: Buffer.from(`{"Records":[${texts.join(',')}]}`) });
    part = [];
    texts = [];
    size = ENVELOPE_BYTES;
  };
  for (const m of messages) {
    const text = sqsRecordJson(m, queueArn, region);
    const bytes = Buffer.byteLength(text) + 1;
    if (part.length && size + bytes > MAX_EVENT_BYTES) flush();
    part.push(m);
    texts.push(text);
    size += bytes;
  }
  flush();
  return out;
}

/**
 * Which messages of a batch failed, per the ReportBatchItemFailures rules (event-sources.md §2.3): `[]` none,
 * `'all'` the whole batch (nothing is deleted).
 */
export function failedItems(payload: Buffer, batchIds: ReadonlySet<string>): string[] | 'all' {
  const text = payload.toString('utf8').trim();
  if (text === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'all';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('batchItemFailures' in value)) return [];
  const list = (value as { batchItemFailures: unknown }).batchItemFailures;
  if (list === null || list === undefined) return [];
  if (!Array.isArray(list)) return 'all';
  const ids: string[] = [];
  for (const item of list) {
    const id = typeof item === 'object' && item !== null ? (item as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    if (typeof id !== 'string' || !batchIds.has(id)) return 'all';
    ids.push(id);
  }
  return ids;
}
