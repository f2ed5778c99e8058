import { invalidParameterValue, missingParameter, sqsError } from '../errors.js';
import type { MessageAttributeValue, SendInput } from './message.js';

/** Characters SQS allows in a body and in string attribute values (event-sources.md §5.6). */
const INVALID_CHAR = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const DATA_TYPE = /^(String|Number|Binary)(\..+)?$/;
const MAX_ATTRIBUTES = 10;
const GROUP_OR_DEDUP_ID = /^[\x21-\x7E]{1,128}$/;
/** SQS numbers: up to 38 significant digits, between -10^128 and 10^126. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function hexOf(ch: string): string {
  return `#x${ch.codePointAt(0)!.toString(16).toUpperCase()}`;
}

export function checkText(text: string, where: string): void {
  const m = INVALID_CHAR.exec(text);
  if (m) {
    throw sqsError('InvalidMessageContents',
      `Invalid binary character '${hexOf(m[0])}' was found in the ${where}, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF`);
  }
}

function checkAttributeName(name: string): void {
  const lower = name.toLowerCase();
  if (!ATTRIBUTE_NAME.test(name) || lower.startsWith('aws.') || lower.startsWith('amazon.') || name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
    throw invalidParameterValue(
      `Message (user) attribute name '${name}' is invalid. Names may use A-Z a-z 0-9 _ - . (no leading, trailing or repeated periods), up to 256 characters, and must not start with AWS. or Amazon.`);
  }
}

function checkNumber(name: string, value: string): void {
  const digits = value.replace(/^[+-]/, '').replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '');
  const n = Number(value);
  if (!NUMBER.test(value) || digits.length > 38 || !Number.isFinite(n) || Math.abs(n) > 1e126) {
    throw invalidParameterValue(`Can't cast the value of message (user) attribute '${name}' to a number.`);
  }
}

/** One user attribute; returns the bytes it adds to the message size (name, type and value). */
function checkAttribute(name: string, a: MessageAttributeValue): number {
  checkAttributeName(name);
  if (!a || typeof a.DataType !== 'string' || a.DataType === '') {
    throw invalidParameterValue(`The message attribute '${name}' must contain a non-empty message attribute type.`);
  }
  if (!DATA_TYPE.test(a.DataType) || a.DataType.length > 256) {
    throw invalidParameterValue(`The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`);
  }
  if (a.StringListValues?.length || a.BinaryListValues?.length) {
    throw invalidParameterValue(`Message (user) attribute '${name}': list values are reserved for future use and not supported.`);
  }
  const binary = a.DataType.startsWith('Binary');
  const empty = () => invalidParameterValue(
    `The message (user) attribute '${name}' must contain a non-empty message attribute value for message attribute type '${a.DataType}'.`);
  let valueBytes: number;
  if (binary) {
    if (!a.BinaryValue || a.BinaryValue.length === 0 || a.StringValue !== undefined) throw empty();
    valueBytes = a.BinaryValue.length;
  } else {
    if (typeof a.StringValue !== 'string' || a.StringValue === '' || a.BinaryValue !== undefined) throw empty();
    checkText(a.StringValue, `message attribute '${name}'`);
    if (a.DataType.startsWith('Number')) checkNumber(name, a.StringValue);
    valueBytes = Buffer.byteLength(a.StringValue);
  }
  return Buffer.byteLength(name) + Buffer.byteLength(a.DataType) + valueBytes;
}

function checkSystemAttributes(attrs: Record<string, MessageAttributeValue>): string | undefined {
  let trace: string | undefined;
  for (const [name, a] of Object.entries(attrs)) {
    if (name !== 'AWSTraceHeader') throw invalidParameterValue(`Message system attribute name '${name}' is invalid.`);
    if (a?.DataType !== 'String' || typeof a.StringValue !== 'string' || a.StringValue === '') {
      throw invalidParameterValue("Message system attribute 'AWSTraceHeader' must be of type String with a non-empty value.");
    }
    trace = a.StringValue;
  }
  return trace;
}

export interface QueueRules {
  fifo: boolean;
  maxMessageBytes: number;
  contentBasedDeduplication: boolean;
}

export interface CheckedSend {
  bytes: number;
  traceHeader?: string;
}

/** Everything SendMessage checks about one message before it is accepted (SQS API Reference, SendMessage). */
export function checkSend(input: SendInput, rules: QueueRules): CheckedSend {
  if (typeof input.body !== 'string' || input.body === '') throw missingParameter('MessageBody');
  checkText(input.body, 'message body');
  const attrs = input.messageAttributes ?? {};
  const names = Object.keys(attrs);
  if (names.length > MAX_ATTRIBUTES) {
    throw invalidParameterValue(`Number of message attributes [${names.length}] exceeds the allowed maximum [${MAX_ATTRIBUTES}].`);
  }
  let bytes = Buffer.byteLength(input.body);
  for (const name of names) bytes += checkAttribute(name, attrs[name]!);
  if (bytes > rules.maxMessageBytes) {
    throw invalidParameterValue(`One or more parameters are invalid. Reason: Message must be shorter than ${rules.maxMessageBytes} bytes.`);
  }
  checkDelay(input.delaySeconds, rules.fifo);
  checkFifoMembers(input, rules);
  const traceHeader = checkSystemAttributes(input.messageSystemAttributes ?? {});
  return traceHeader === undefined ? { bytes } : { bytes, traceHeader };
}

function checkDelay(delay: number | undefined, fifo: boolean): void {
  if (delay === undefined) return;
  if (!Number.isInteger(delay) || delay < 0 || delay > 900) {
    throw invalidParameterValue(`Value ${delay} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.`);
  }
  // FIFO queues take a delay for the whole queue only (SQS Dev Guide "Amazon SQS delay queues").
  if (fifo && delay !== 0) {
    throw invalidParameterValue(`Value ${delay} for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.`);
  }
}

function checkFifoMembers(input: SendInput, rules: QueueRules): void {
  const group = input.messageGroupId;
  const dedup = input.messageDeduplicationId;
  if (group !== undefined && !GROUP_OR_DEDUP_ID.test(group)) {
    throw invalidParameterValue(`Value ${group} for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.`);
  }
  if (dedup !== undefined && !GROUP_OR_DEDUP_ID.test(dedup)) {
    throw invalidParameterValue(`Value ${dedup} for parameter MessageDeduplicationId is invalid. Reason: MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.`);
  }
  if (!rules.fifo) {
    if (dedup !== undefined) {
      throw invalidParameterValue(`Value ${dedup} for parameter MessageDeduplicationId is invalid. Reason: The request include parameter that is not valid for this queue type.`);
    }
    return;
  }
  if (group === undefined) throw missingParameter('MessageGroupId');
  if (dedup === undefined && !rules.contentBasedDeduplication) {
    throw invalidParameterValue('The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
  }
}
