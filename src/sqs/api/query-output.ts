import type { XmlElement, XmlValue } from '../../gateway/protocols/query.js';
import type { SqsOperation } from './operations.js';

/**
 * An operation's output (JSON shape) → the query protocol's `<{Op}Result>` content. SQS's query model flattens
 * every list and map (event-sources.md §5.3): a list repeats its member element, a map repeats an entry element
 * holding the key and the value. Member order is kept, so handlers build outputs in model order.
 */

type Flattening =
  | { list: string }
  | { map: string; key: 'Name' | 'Key' };

/** Output members that are flattened, by member name; the batch `Successful` lists depend on the operation. */
const FLATTENED: Readonly<Record<string, Flattening>> = {
  QueueUrls: { list: 'QueueUrl' },
  queueUrls: { list: 'QueueUrl' },
  Messages: { list: 'Message' },
  Failed: { list: 'BatchResultErrorEntry' },
  Attributes: { map: 'Attribute', key: 'Name' },
  MessageAttributes: { map: 'MessageAttribute', key: 'Name' },
  Tags: { map: 'Tag', key: 'Key' },
  StringListValues: { list: 'StringListValue' },
  BinaryListValues: { list: 'BinaryListValue' },
};

export function queryResult(op: SqsOperation, output: Readonly<Record<string, unknown>>): XmlElement {
  const flattened: Record<string, Flattening> = { ...FLATTENED, Successful: { list: `${op}ResultEntry` } };
  return element(output, flattened);
}

function element(value: Readonly<Record<string, unknown>>, flattened: Readonly<Record<string, Flattening>>): XmlElement {
  const out: XmlElement = {};
  for (const [name, member] of Object.entries(value)) {
    if (member === undefined) continue;
    const f = flattened[name];
    if (!f) {
      out[name] = xmlValue(member, flattened);
    } else if ('list' in f) {
      out[f.list] = (member as unknown[]).map((item) => xmlValue(item, flattened));
    } else {
      out[f.map] = Object.entries(member as Record<string, unknown>).map(([k, v]) => ({ [f.key]: k, Value: xmlValue(v, flattened) }));
    }
  }
  return out;
}

function xmlValue(value: unknown, flattened: Readonly<Record<string, Flattening>>): XmlValue {
  if (typeof value === 'object' && value !== null) return element(value as Record<string, unknown>, flattened);
  return String(value);
}
