import { invalidParameterValue, sqsError } from '../errors.js';

/** Queue attributes (event-sources.md §5.5). Values are strings on the wire and in the store. */

const INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, 1_048_576],
  MessageRetentionPeriod: [60, 1_209_600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43_200],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
};

const ENUMS: Readonly<Record<string, readonly string[]>> = {
  DeduplicationScope: ['messageGroup', 'queue'],
  FifoThroughputLimit: ['perQueue', 'perMessageGroupId'],
};

const BOOLEANS = new Set(['FifoQueue', 'ContentBasedDeduplication', 'SqsManagedSseEnabled']);
const FREE_TEXT = new Set(['Policy', 'KmsMasterKeyId', 'RedrivePolicy', 'RedriveAllowPolicy']);
const FIFO_ONLY = new Set(['FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']);

export const READ_ONLY = [
  'QueueArn', 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp', 'LastModifiedTimestamp',
] as const;

export const STANDARD_DEFAULTS: Readonly<Record<string, string>> = {
  VisibilityTimeout: '30',
  MaximumMessageSize: '1048576',
  MessageRetentionPeriod: '345600',
  DelaySeconds: '0',
  ReceiveMessageWaitTimeSeconds: '0',
  SqsManagedSseEnabled: 'true',
};

export const FIFO_DEFAULTS: Readonly<Record<string, string>> = {
  ...STANDARD_DEFAULTS,
  FifoQueue: 'true',
  ContentBasedDeduplication: 'false',
  DeduplicationScope: 'queue',
  FifoThroughputLimit: 'perQueue',
};

export const unknownAttribute = (name: string) => sqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
const invalidValue = (name: string) => sqsError('InvalidAttributeValue', `Invalid value for the parameter ${name}.`);

export function isSettable(name: string, fifo: boolean): boolean {
  // Own keys only: `constructor` or `__proto__` are not attributes because Object.prototype has them.
  return (Object.hasOwn(INTEGER_RANGES, name) || Object.hasOwn(ENUMS, name) || BOOLEANS.has(name) || FREE_TEXT.has(name)) && (fifo || !FIFO_ONLY.has(name));
}

/** Checks one settable attribute and returns it in SQS's canonical form; throws SQS's error otherwise. */
export function normalizeAttribute(name: string, value: string, fifo: boolean): string {
  if (!isSettable(name, fifo)) throw unknownAttribute(name);
  if (typeof value !== 'string') throw invalidValue(name);
  const range = INTEGER_RANGES[name];
  if (range) {
    if (!/^\d+$/.test(value.trim()) || Number(value) < range[0] || Number(value) > range[1]) throw invalidValue(name);
    return String(Number(value));
  }
  if (BOOLEANS.has(name)) {
    const v = value.toLowerCase();
    if (v !== 'true' && v !== 'false') throw invalidValue(name);
    return v;
  }
  const allowed = ENUMS[name];
  if (allowed && !allowed.includes(value)) throw invalidValue(name);
  if (name === 'Policy' && value !== '') parseJsonObject(name, value, 'Policy is not a valid JSON object.');
  return value;
}

export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

const SQS_ARN = /^arn:aws[a-zA-Z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/;

function parseJsonObject(name: string, value: string, reason: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw invalidParameterValue(`Value ${value} for parameter ${name} is invalid. Reason: ${reason}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidParameterValue(`Value ${value} for parameter ${name} is invalid. Reason: ${reason}`);
  }
  return parsed as Record<string, unknown>;
}

/** RedrivePolicy's JSON (SQS API Reference, SetQueueAttributes): both keys, maxReceiveCount 1–1000. */
export function parseRedrivePolicy(value: string): RedrivePolicy {
  const bad = (reason: string) => invalidParameterValue(`Value ${value} for parameter RedrivePolicy is invalid. Reason: ${reason}`);
  const o = parseJsonObject('RedrivePolicy', value, 'Redrive policy is not a valid JSON map.');
  const arn = o.deadLetterTargetArn;
  const count = typeof o.maxReceiveCount === 'string' ? Number(o.maxReceiveCount) : o.maxReceiveCount;
  if (typeof arn !== 'string' || !SQS_ARN.test(arn)) throw bad('Invalid value for deadLetterTargetArn.');
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 1000) {
    throw bad('Invalid value for maxReceiveCount: must be an integer from 1 to 1000.');
  }
  return { deadLetterTargetArn: arn, maxReceiveCount: count };
}

export interface RedriveAllowPolicy {
  redrivePermission: 'allowAll' | 'denyAll' | 'byQueue';
  sourceQueueArns: string[];
}

/** RedriveAllowPolicy: who may use this queue as a dead-letter queue; byQueue lists 1–10 source queue ARNs. */
export function parseRedriveAllowPolicy(value: string): RedriveAllowPolicy {
  const bad = (reason: string) => invalidParameterValue(`Value ${value} for parameter RedriveAllowPolicy is invalid. Reason: ${reason}`);
  const o = parseJsonObject('RedriveAllowPolicy', value, 'Redrive allow policy is not a valid JSON map.');
  const permission = o.redrivePermission;
  if (permission !== 'allowAll' && permission !== 'denyAll' && permission !== 'byQueue') {
    throw bad('Invalid value for redrivePermission: must be allowAll, denyAll or byQueue.');
  }
  const arns = o.sourceQueueArns ?? [];
  if (!Array.isArray(arns) || arns.some((a) => typeof a !== 'string')) throw bad('sourceQueueArns must be a list of queue ARNs.');
  if (permission === 'byQueue' && (arns.length < 1 || arns.length > 10)) throw bad('byQueue needs 1 to 10 sourceQueueArns.');
  if (permission !== 'byQueue' && arns.length > 0) throw bad('sourceQueueArns is only allowed with byQueue.');
  return { redrivePermission: permission, sourceQueueArns: arns as string[] };
}

/** Queue names (event-sources.md §5.6): 1–80 of [A-Za-z0-9_-], FIFO queues with the `.fifo` suffix counted. */
export function checkQueueName(name: string, fifo: boolean): void {
  const base = fifo ? name.slice(0, -5) : name;
  const ok = name.length >= 1 && name.length <= 80 && /^[A-Za-z0-9_-]+$/.test(base) && (!fifo || name.endsWith('.fifo'));
  if (ok) return;
  if (fifo || name.endsWith('.fifo')) {
    throw invalidParameterValue('The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.');
  }
  throw invalidParameterValue('Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
}
