import { invalidParameter, missingParameter, parameterValueInvalid } from '../errors.js';
import type { SnsAttribute } from './notification.js';

/** A message attribute as the API takes it (MessageAttributeValue: binary stays base64 text). */
export interface AttributeInput {
  DataType?: string;
  StringValue?: string;
  BinaryValue?: string;
}

/** One message to publish: Publish's members, or one PublishBatch entry's. */
export interface PublishInput {
  Message?: string;
  Subject?: string;
  MessageStructure?: string;
  MessageAttributes?: Record<string, AttributeInput>;
  MessageGroupId?: string;
  MessageDeduplicationId?: string;
}

/** A validated message: the body each protocol gets, and the attributes as SNS keeps them. */
export interface PreparedMessage {
  /** The `default` body (the Message itself unless MessageStructure is json). */
  message: string;
  /** With MessageStructure json: string bodies by protocol key (`lambda`, `sqs`, ...). */
  byProtocol: Record<string, string>;
  subject?: string;
  attributes: Record<string, SnsAttribute>;
  /** Bytes counted against the 256 KiB limit: the message and every attribute's name, type and value. */
  bytes: number;
}

/** Publish's size limit (SNS API reference, Publish: "Messages must be UTF-8 encoded strings and at most 256 KB"). */
export const MAX_MESSAGE_BYTES = 262_144;

const ATTRIBUTE_NAME = /^[A-Za-z0-9_\-.]+$/;
const ATTRIBUTE_TYPE = /^(String|Number|Binary)(\..+)?$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Validates a message the way Publish does (SNS API reference, Publish and MessageAttributeValue; SNS DG "Amazon SNS
 * message attributes"), before anything is sent. `where` prefixes member names in ValidationError texts (batch
 * entries: `publishBatchRequestEntries.N.member.`).
 */
export function prepareMessage(input: PublishInput, where = ''): PreparedMessage {
  if (input.Message === undefined) throw missingParameter(`${where}message`);
  if (input.Message === '') throw invalidParameter('Empty message');
  if (input.Subject !== undefined) checkSubject(input.Subject);
  if (input.MessageDeduplicationId !== undefined) {
    throw invalidParameter('MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type');
  }
  const attributes = checkAttributes(input.MessageAttributes ?? {}, where);
  let bytes = Buffer.byteLength(input.Message);
  for (const [name, a] of Object.entries(attributes)) bytes += Buffer.byteLength(name) + Buffer.byteLength(a.Type) + Buffer.byteLength(a.Value);
  if (bytes > MAX_MESSAGE_BYTES) throw invalidParameter('Message too long');
  const prepared: PreparedMessage = { message: input.Message, byProtocol: {}, attributes, bytes };
  if (input.Subject !== undefined) prepared.subject = input.Subject;
  if (input.MessageStructure !== undefined) structured(prepared, input.MessageStructure);
  return prepared;
}

/** SNS API reference, Publish: printable ASCII starting with a letter, number or punctuation (no line breaks or control characters), under 100. */
function checkSubject(subject: string): void {
  if (subject.length >= 100 || !/^[\x21-\x7e][\x20-\x7e]*$/.test(subject)) {
    throw invalidParameter('Subject');
  }
}

/** MessageStructure json: Message is a JSON object of bodies by protocol, with a `default` string; non-string values are ignored. */
function structured(prepared: PreparedMessage, structure: string): void {
  if (structure !== 'json') throw invalidParameter('MessageStructure');
  let doc: unknown;
  try {
    doc = JSON.parse(prepared.message);
  } catch {
    throw invalidParameter('Message Structure - JSON message body failed to parse');
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw invalidParameter('Message Structure - JSON message body failed to parse');
  for (const [key, value] of Object.entries(doc)) if (typeof value === 'string') prepared.byProtocol[key] = value;
  const fallback = prepared.byProtocol.default;
  if (fallback === undefined) throw invalidParameter('Message Structure - No default entry in JSON message body');
  prepared.message = fallback;
}

function checkAttributes(attrs: Record<string, AttributeInput>, where: string): Record<string, SnsAttribute> {
  // A map without a prototype, so names such as `__proto__` or `constructor` are attributes like any other.
  const out: Record<string, SnsAttribute> = Object.create(null) as Record<string, SnsAttribute>;
  for (const [name, a] of Object.entries(attrs)) {
    checkAttributeName(name);
    const type = a.DataType;
    if (type === undefined) throw missingParameter(`${where}messageAttributes.${name}.member.dataType`);
    if (!ATTRIBUTE_TYPE.test(type)) {
      throw parameterValueInvalid(`The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`);
    }
    out[name] = { Type: type, Value: attributeValue(name, type, a) };
  }
  return out;
}

function checkAttributeName(name: string): void {
  if (Buffer.byteLength(name) > 256) throw parameterValueInvalid('Length of message attribute name must be less than 256 bytes.');
  if (name.startsWith('.')) throw parameterValueInvalid("Invalid message attribute name starting with character '.' was found.");
  if (name.endsWith('.')) throw parameterValueInvalid("Invalid message attribute name ending with character '.' was found.");
  if (!ATTRIBUTE_NAME.test(name)) {
    const bad = [...name].find((c) => !ATTRIBUTE_NAME.test(c))!;
    throw parameterValueInvalid(
      `Invalid non-alphanumeric character '#x${bad.codePointAt(0)!.toString(16).toUpperCase()}' was found in the message attribute name. ` +
        'Can only include alphanumeric characters, hyphens, underscores, or dots.',
    );
  }
  if (name.includes('..')) throw parameterValueInvalid("Message attribute name can not have successive '.' character.");
  const lower = name.toLowerCase();
  if (lower.startsWith('aws.') || lower.startsWith('amazon.')) {
    throw parameterValueInvalid(`The message attribute name '${name}' is invalid: names starting with 'AWS.' or 'Amazon.' are reserved.`);
  }
}

/**
 * A Number attribute (SNS DG "Amazon SNS message attributes", data types): a decimal number, optionally signed and
 * with an exponent (`5`, `-5.25`, `.5`, `5.`, `+5`, `1e3`), of at most 38 significant digits, zero or between
 * 10^-128 and 10^126 in magnitude, with no surrounding spaces: the values an SQS queue also takes.
 */
export function isSnsNumber(text: string): boolean {
  const value = text;
  if (!NUMBER.test(value)) return false;
  const mantissa = value.replace(/^[+-]/, '').replace(/[eE].*$/, '');
  const digits = mantissa.replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  if (digits.length > 38) return false;
  const n = Math.abs(Number(value));
  return n === 0 ? digits.length === 0 : Number.isFinite(n) && n <= 1e126 && n >= 1e-128;
}

/** The attribute's value as SNS carries it: text, or base64 for Binary types. */
function attributeValue(name: string, type: string, a: AttributeInput): string {
  const binary = type.startsWith('Binary');
  const value = binary ? a.BinaryValue : a.StringValue;
  if (a.StringValue === undefined && a.BinaryValue === undefined) {
    throw parameterValueInvalid(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
  }
  if (value === undefined) throw parameterValueInvalid(`The message attribute '${name}' with type '${type}' must use field '${binary ? 'Binary' : 'String'}'.`);
  if (value === '') {
    throw parameterValueInvalid(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
  }
  if (type.startsWith('Number') && !isSnsNumber(value)) throw parameterValueInvalid(`Could not cast message attribute '${name}' value to number.`);
  if (type === 'String.Array' && !isJsonArray(value)) {
    throw parameterValueInvalid(`The message attribute '${name}' with type 'String.Array' must be a JSON array of strings, numbers, true, false or null.`);
  }
  return value;
}

function isJsonArray(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) && v.every((e) => e === null || ['string', 'number', 'boolean'].includes(typeof e));
  } catch {
    return false;
  }
}
