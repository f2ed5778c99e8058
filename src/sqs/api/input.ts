import type { AwsError } from '../../core/errors.js';
import type { MessageAttributeValue } from '../engine/message.js';
import { invalidParameterValue, missingParameter } from '../errors.js';

/**
 * Typed access to one operation's input in its JSON shape (the model's member names, integers as numbers, binary as
 * base64): the JSON protocol's body as sent, the query protocol's parameters after query-input.ts. JSON `null` is
 * an absent member, as in AWS JSON; a required member that is absent is MissingParameter.
 */
export class Input {
  private constructor(private readonly raw: Readonly<Record<string, unknown>>) {}

  static of(value: unknown, name = 'input'): Input {
    if (!isObject(value)) throw wrongType(name, value, 'a structure');
    return new Input(value);
  }

  private get(name: string): unknown {
    const v = this.raw[name];
    return v === null ? undefined : v;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  string(name: string): string | undefined {
    const v = this.get(name);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw wrongType(name, v, 'a string');
    return v;
  }

  requiredString(name: string): string {
    return required(name, this.string(name));
  }

  integer(name: string): number | undefined {
    const v = this.get(name);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw wrongType(name, v, 'an integer');
    return v;
  }

  requiredInteger(name: string): number {
    return required(name, this.integer(name));
  }

  stringList(name: string): string[] | undefined {
    const v = this.get(name);
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw wrongType(name, v, 'a list of strings');
    return v as string[];
  }

  requiredStringList(name: string): string[] {
    return required(name, this.stringList(name));
  }

  stringMap(name: string): Record<string, string> | undefined {
    const v = this.get(name);
    if (v === undefined) return undefined;
    if (!isObject(v) || Object.values(v).some((s) => typeof s !== 'string')) throw wrongType(name, v, 'a map of strings');
    return { ...(v as Record<string, string>) };
  }

  requiredStringMap(name: string): Record<string, string> {
    return required(name, this.stringMap(name));
  }

  /** A list of structures (batch entries). */
  list(name: string): Input[] | undefined {
    const v = this.get(name);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) throw wrongType(name, v, 'a list');
    return v.map((entry, i) => Input.of(entry, `${name}.${i + 1}`));
  }

  requiredList(name: string): Input[] {
    return required(name, this.list(name));
  }

  /**
   * A map of MessageAttributeValue (`MessageAttributes`, `MessageSystemAttributes`) with binary values decoded.
   * Content rules (names, types, empty values) are the engine's, so every caller gets the same answers.
   */
  messageAttributes(name: string): Record<string, MessageAttributeValue> | undefined {
    const v = this.get(name);
    if (v === undefined) return undefined;
    if (!isObject(v)) throw wrongType(name, v, 'a map of message attribute values');
    // Without a prototype, so an attribute named `__proto__` is kept like any other.
    const out = Object.create(null) as Record<string, MessageAttributeValue>;
    for (const [attr, value] of Object.entries(v)) out[attr] = attributeValue(Input.of(value, `${name}.${attr}`), `${name}.${attr}`);
    return out;
  }
}

function attributeValue(input: Input, where: string): MessageAttributeValue {
  // The engine reports a missing or empty DataType with SQS's own message.
  const a: MessageAttributeValue = { DataType: input.string('DataType') ?? '' };
  const text = input.string('StringValue');
  if (text !== undefined) a.StringValue = text;
  const binary = input.string('BinaryValue');
  if (binary !== undefined) a.BinaryValue = base64(binary, `${where}.BinaryValue`);
  const texts = input.stringList('StringListValues');
  if (texts !== undefined) a.StringListValues = texts;
  const binaries = input.stringList('BinaryListValues');
  if (binaries !== undefined) a.BinaryListValues = binaries.map((b, i) => base64(b, `${where}.BinaryListValues.${i + 1}`));
  return a;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Blobs travel as base64 in both protocols; Buffer.from would silently skip bad characters, so check first. */
function base64(text: string, name: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (!BASE64.test(compact)) throw invalidParameterValue(`Value for parameter ${name} is invalid. Reason: it must be base64-encoded binary data.`);
  return Buffer.from(compact, 'base64');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

function required<T>(name: string, value: T | undefined): T {
  if (value === undefined) throw missingParameter(name);
  return value;
}

function wrongType(name: string, value: unknown, kind: string): AwsError {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const shown = text.length > 200 ? `${text.slice(0, 200)}...` : text;
  return invalidParameterValue(`Value ${shown} for parameter ${name} is invalid. Reason: must be ${kind}.`);
}
