import { invalidParameterValue, missingParameter } from '../errors.js';
import type { SqsOperation } from './operations.js';

/**
 * Query-protocol parameters → each operation's input in its JSON shape, so one set of handlers serves both
 * protocols. Names follow SQS's former query model (botocore 1.34 `sqs/2012-11-05`): every list and map is
 * flattened under its locationName with 1-based indexes (event-sources.md §5.3), e.g. `Attribute.1.Name` /
 * `Attribute.1.Value` for `Attributes`, `MessageAttribute.1.Value.StringValue` for `MessageAttributes`.
 */

type Member =
  | 'string'
  | 'integer'
  /** `<loc>.N` → list of strings */
  | { list: string }
  /** `<loc>.N.<key>` / `<loc>.N.Value` → map of strings */
  | { map: string; key: 'Name' | 'Key' }
  /** `<loc>.N.Name` / `<loc>.N.Value.{DataType,StringValue,BinaryValue,StringListValue.M,BinaryListValue.M}` */
  | { attributes: string }
  /** `<loc>.N.<member>` → list of structures */
  | { entries: string; members: Shape };
type Shape = Readonly<Record<string, Member>>;

const QUEUE_URL = { QueueUrl: 'string' } as const;
const ATTRIBUTES = { map: 'Attribute', key: 'Name' } as const;
const TAGS = { map: 'Tag', key: 'Key' } as const;
const MESSAGE = {
  MessageBody: 'string', DelaySeconds: 'integer', MessageAttributes: { attributes: 'MessageAttribute' },
  MessageSystemAttributes: { attributes: 'MessageSystemAttribute' }, MessageDeduplicationId: 'string', MessageGroupId: 'string',
} as const;

const SHAPES: Readonly<Record<SqsOperation, Shape>> = {
  CreateQueue: { QueueName: 'string', Attributes: ATTRIBUTES, tags: TAGS },
  GetQueueUrl: { QueueName: 'string', QueueOwnerAWSAccountId: 'string' },
  ListQueues: { QueueNamePrefix: 'string', NextToken: 'string', MaxResults: 'integer' },
  ListDeadLetterSourceQueues: { ...QUEUE_URL, NextToken: 'string', MaxResults: 'integer' },
  DeleteQueue: QUEUE_URL,
  PurgeQueue: QUEUE_URL,
  GetQueueAttributes: { ...QUEUE_URL, AttributeNames: { list: 'AttributeName' } },
  SetQueueAttributes: { ...QUEUE_URL, Attributes: ATTRIBUTES },
  SendMessage: { ...QUEUE_URL, ...MESSAGE },
  SendMessageBatch: { ...QUEUE_URL, Entries: { entries: 'SendMessageBatchRequestEntry', members: { Id: 'string', ...MESSAGE } } },
  ReceiveMessage: {
    ...QUEUE_URL, AttributeNames: { list: 'AttributeName' }, MessageSystemAttributeNames: { list: 'MessageSystemAttributeName' },
    MessageAttributeNames: { list: 'MessageAttributeName' }, MaxNumberOfMessages: 'integer', VisibilityTimeout: 'integer',
    WaitTimeSeconds: 'integer', ReceiveRequestAttemptId: 'string',
  },
  DeleteMessage: { ...QUEUE_URL, ReceiptHandle: 'string' },
  DeleteMessageBatch: { ...QUEUE_URL, Entries: { entries: 'DeleteMessageBatchRequestEntry', members: { Id: 'string', ReceiptHandle: 'string' } } },
  ChangeMessageVisibility: { ...QUEUE_URL, ReceiptHandle: 'string', VisibilityTimeout: 'integer' },
  ChangeMessageVisibilityBatch: {
    ...QUEUE_URL,
    Entries: { entries: 'ChangeMessageVisibilityBatchRequestEntry', members: { Id: 'string', ReceiptHandle: 'string', VisibilityTimeout: 'integer' } },
  },
  TagQueue: { ...QUEUE_URL, Tags: TAGS },
  UntagQueue: { ...QUEUE_URL, TagKeys: { list: 'TagKey' } },
  ListQueueTags: QUEUE_URL,
};

type Params = ReadonlyMap<string, string>;

/** The operation's input from its query parameters; parameters the operation does not have are ignored. */
export function queryInput(op: SqsOperation, params: Params): Record<string, unknown> {
  return readShape(params, '', SHAPES[op]);
}

/** `where` is the flattened prefix of `params`' keys in the request, for error messages. */
function readShape(params: Params, where: string, shape: Shape): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(shape)) {
    const v = readMember(params, where, name, member);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

function readMember(params: Params, where: string, name: string, member: Member): unknown {
  if (member === 'string') return params.get(name);
  if (member === 'integer') return integer(params.get(name), where + name);
  if ('list' in member) return indexed(params, member.list)?.flatMap(([, sub]) => (sub.has('') ? [sub.get('')!] : []));
  if ('map' in member) return stringMap(params, where, member.map, member.key);
  if ('attributes' in member) return attributeMap(params, where, member.attributes);
  return indexed(params, member.entries)?.map(([n, sub]) => readShape(sub, `${where}${member.entries}.${n}.`, member.members));
}

function integer(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[+-]?\d{1,15}$/.test(text.trim())) throw invalidParameterValue(`Value ${text} for parameter ${name} is invalid. Reason: must be an integer.`);
  return Number(text);
}

/**
 * The members of a flattened list `<base>.N[.rest]`, ordered by N, each as its own parameters keyed by `rest`
 * (`''` for a list of scalars). Undefined when no parameter names the list; `<base>=` alone (how botocore sends an
 * empty list) is an empty list.
 */
function indexed(params: Params, base: string): [number, Map<string, string>][] | undefined {
  const byIndex = new Map<number, Map<string, string>>();
  let present = false;
  const head = `${base}.`;
  for (const [key, value] of params) {
    if (key === base) present = true;
    if (!key.startsWith(head)) continue;
    const rest = key.slice(head.length);
    const dot = rest.indexOf('.');
    const index = dot < 0 ? rest : rest.slice(0, dot);
    if (!/^[1-9]\d{0,4}$/.test(index)) continue;
    present = true;
    const n = Number(index);
    let sub = byIndex.get(n);
    if (!sub) byIndex.set(n, (sub = new Map()));
    sub.set(dot < 0 ? '' : rest.slice(dot + 1), value);
  }
  if (!present) return undefined;
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]);
}

function stringMap(params: Params, where: string, base: string, keyName: string): Record<string, string> | undefined {
  const entries = indexed(params, base);
  if (!entries) return undefined;
  const out = Object.create(null) as Record<string, string>;
  for (const [n, sub] of entries) {
    const key = sub.get(keyName);
    const value = sub.get('Value');
    if (key === undefined) throw missingParameter(`${where}${base}.${n}.${keyName}`);
    if (value === undefined) throw missingParameter(`${where}${base}.${n}.Value`);
    out[key] = value;
  }
  return out;
}

function attributeMap(params: Params, where: string, base: string): Record<string, unknown> | undefined {
  const entries = indexed(params, base);
  if (!entries) return undefined;
  const out = Object.create(null) as Record<string, unknown>;
  for (const [n, sub] of entries) {
    const name = sub.get('Name');
    if (name === undefined) throw missingParameter(`${where}${base}.${n}.Name`);
    out[name] = attributeValue(sub);
  }
  return out;
}

/** `Value.*` of one message attribute, in the JSON shape (binary stays base64 until Input decodes it). */
function attributeValue(sub: Params): Record<string, unknown> {
  const v: Record<string, unknown> = {};
  const dataType = sub.get('Value.DataType');
  if (dataType !== undefined) v.DataType = dataType;
  const text = sub.get('Value.StringValue');
  if (text !== undefined) v.StringValue = text;
  const binary = sub.get('Value.BinaryValue');
  if (binary !== undefined) v.BinaryValue = binary;
  const texts = indexed(sub, 'Value.StringListValue');
  if (texts) v.StringListValues = texts.map(([, s]) => s.get('') ?? '');
  const binaries = indexed(sub, 'Value.BinaryListValue');
  if (binaries) v.BinaryListValues = binaries.map(([, s]) => s.get('') ?? '');
  return v;
}
