import { createHash } from 'node:crypto';
import type { MessageAttributeValue } from './message.js';

export const md5Hex = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

function lengthPrefixed(parts: Buffer[], value: Buffer): void {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(value.length);
  parts.push(len, value);
}

/**
 * MD5OfMessageAttributes (SQS Dev Guide "Calculating the MD5 message digest for message attributes"): attributes
 * sorted by name; each contributes length-prefixed name and data type, a transport byte (1 string, 2 binary) and
 * the length-prefixed value. Undefined when there are none.
 */
export function md5OfAttributes(attrs: Readonly<Record<string, MessageAttributeValue>>): string | undefined {
  const names = Object.keys(attrs).sort((a, b) => (Buffer.from(a).compare(Buffer.from(b))));
  if (names.length === 0) return undefined;
  const parts: Buffer[] = [];
  for (const name of names) {
    const a = attrs[name]!;
    lengthPrefixed(parts, Buffer.from(name, 'utf8'));
    lengthPrefixed(parts, Buffer.from(a.DataType, 'utf8'));
    if (a.BinaryValue !== undefined) {
      parts.push(Buffer.from([2]));
      lengthPrefixed(parts, a.BinaryValue);
    } else {
      parts.push(Buffer.from([1]));
      lengthPrefixed(parts, Buffer.from(a.StringValue ?? '', 'utf8'));
    }
  }
  return createHash('md5').update(Buffer.concat(parts)).digest('hex');
}
