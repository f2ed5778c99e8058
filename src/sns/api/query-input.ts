import type { AttributeInput, PublishInput } from '../engine/message-input.js';
import { invalidParameter, parameterValueInvalid } from '../errors.js';

/**
 * SNS's query-protocol parameters (other-services.md §2). SNS's model does not flatten: a list is
 * `<Name>.member.N[.<member>]`, a string map `<Name>.entry.N.key` / `.value`, and MessageAttributes
 * `MessageAttributes.entry.N.Name` / `.Value.DataType|StringValue|BinaryValue` (all 1-based).
 */

export type Params = ReadonlyMap<string, string>;

/**
 * The members of `<base>.<kind>.N[.rest]` ordered by N, each as its own parameters keyed by `rest` ('' for scalars).
 * Gaps in the numbering are allowed (members keep the order of their indexes); an index that is not a number from
 * 1 to 99999 is refused.
 */
export function indexed(params: Params, base: string, kind: 'member' | 'entry'): Map<string, string>[] | undefined {
  const head = `${base}.${kind}.`;
  const byIndex = new Map<number, Map<string, string>>();
  let present = params.has(base);
  for (const [key, value] of params) {
    if (!key.startsWith(head)) continue;
    const rest = key.slice(head.length);
    const dot = rest.indexOf('.');
    const index = dot < 0 ? rest : rest.slice(0, dot);
    // An index that is not a plain positive number (`0`, `01`, `x`, a huge one) would silently lose the member.
    if (!/^[1-9]\d{0,4}$/.test(index)) throw invalidParameter(`${base} Reason: ${key} does not have a valid index (1 to 99999)`);
    present = true;
    let sub = byIndex.get(Number(index));
    if (!sub) byIndex.set(Number(index), (sub = new Map()));
    sub.set(dot < 0 ? '' : rest.slice(dot + 1), value);
  }
  if (!present) return undefined;
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, sub]) => sub);
}

/**
 * A map without a prototype: keys such as `__proto__`, `constructor` or `hasOwnProperty` are plain keys, so the
 * checks that follow see (and refuse) them instead of Object.prototype's members.
 */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** A string map (`Attributes.entry.N.key/value`); entries without a key are skipped, a key given twice is refused. */
export function stringMap(params: Params, base: string): Record<string, string> {
  const out = dict<string>();
  for (const sub of indexed(params, base, 'entry') ?? []) {
    const key = sub.get('key');
    if (key === undefined) continue;
    if (Object.hasOwn(out, key)) throw invalidParameter(`${base} Reason: the key ${key} is given more than once`);
    out[key] = sub.get('value') ?? '';
  }
  return out;
}

/** A list of strings (`TagKeys.member.N`). */
export function stringList(params: Params, base: string): string[] {
  return (indexed(params, base, 'member') ?? []).flatMap((sub) => (sub.has('') ? [sub.get('')!] : []));
}

/** CreateTopic's and TagResource's `Tags.member.N.Key` / `.Value`. */
export function tagList(params: Params): Record<string, string> {
  const out = dict<string>();
  for (const sub of indexed(params, 'Tags', 'member') ?? []) {
    const key = sub.get('Key');
    if (key === undefined) continue;
    if (Object.hasOwn(out, key)) throw invalidParameter(`Tags Reason: the tag key ${key} is given more than once`);
    out[key] = sub.get('Value') ?? '';
  }
  return out;
}

function messageAttributes(params: Params, base: string): Record<string, AttributeInput> | undefined {
  const entries = indexed(params, base, 'entry');
  if (!entries) return undefined;
  const out = dict<AttributeInput>();
  for (const sub of entries) {
    const name = sub.get('Name');
    if (name === undefined) continue;
    if (Object.hasOwn(out, name)) throw parameterValueInvalid(`The message attribute '${name}' is given more than once.`);
    const v: AttributeInput = {};
    const dataType = sub.get('Value.DataType');
    if (dataType !== undefined) v.DataType = dataType;
    const text = sub.get('Value.StringValue');
    if (text !== undefined) v.StringValue = text;
    const binary = sub.get('Value.BinaryValue');
    if (binary !== undefined) v.BinaryValue = binary;
    out[name] = v;
  }
  return out;
}

const MESSAGE_MEMBERS = ['Message', 'Subject', 'MessageStructure', 'MessageGroupId', 'MessageDeduplicationId'] as const;

/** Publish's message members, or one PublishBatch entry's (`params` then holds that entry's parameters). */
export function publishInput(params: Params): PublishInput {
  const input: PublishInput = {};
  for (const name of MESSAGE_MEMBERS) {
    const v = params.get(name);
    if (v !== undefined) input[name] = v;
  }
  const attrs = messageAttributes(params, 'MessageAttributes');
  if (attrs) input.MessageAttributes = attrs;
  return input;
}

export interface BatchEntryInput extends PublishInput {
  Id?: string;
}

export function batchEntries(params: Params): BatchEntryInput[] | undefined {
  return indexed(params, 'PublishBatchRequestEntries', 'member')?.map((sub) => {
    const entry: BatchEntryInput = publishInput(sub);
    const id = sub.get('Id');
    if (id !== undefined) entry.Id = id;
    return entry;
  });
}
