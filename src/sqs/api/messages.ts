import { AwsError } from '../../core/errors.js';
import type { SendInput, SendResult, VisibilityChange } from '../engine/message.js';
import { invalidParameterValue } from '../errors.js';
import { batchEntries, batchOutput, runEntries } from './batch.js';
import type { SqsContext, SqsOutput } from './context.js';
import type { Input } from './input.js';
import { resolveQueue } from './queue-url.js';
import { messageOutput } from './receive-filter.js';

/** Messages: Send, Receive, Delete and ChangeMessageVisibility, single and batch. */

/** One message as the engine takes it; content rules (body, attributes, delay, FIFO ids) are the engine's. */
function sendInput(input: Input): SendInput {
  // A missing body is reported by the engine (MissingParameter), per entry in a batch.
  const s: SendInput = { body: input.string('MessageBody') ?? '' };
  const delay = input.integer('DelaySeconds');
  if (delay !== undefined) s.delaySeconds = delay;
  const attrs = input.messageAttributes('MessageAttributes');
  if (attrs) s.messageAttributes = attrs;
  const system = input.messageAttributes('MessageSystemAttributes');
  if (system) s.messageSystemAttributes = system;
  const group = input.string('MessageGroupId');
  if (group !== undefined) s.messageGroupId = group;
  const dedup = input.string('MessageDeduplicationId');
  if (dedup !== undefined) s.messageDeduplicationId = dedup;
  return s;
}

/** SendMessageResult / SendMessageBatchResultEntry members in model order (the XML keeps it). */
function sendOutput(r: SendResult): Record<string, unknown> {
  const out: Record<string, unknown> = { MD5OfMessageBody: r.md5OfMessageBody };
  if (r.md5OfMessageAttributes) out.MD5OfMessageAttributes = r.md5OfMessageAttributes;
  if (r.md5OfMessageSystemAttributes) out.MD5OfMessageSystemAttributes = r.md5OfMessageSystemAttributes;
  out.MessageId = r.messageId;
  if (r.sequenceNumber) out.SequenceNumber = r.sequenceNumber;
  return out;
}

function batchSendOutput(id: string, r: SendResult): Record<string, unknown> {
  const out: Record<string, unknown> = { Id: id, MessageId: r.messageId, MD5OfMessageBody: r.md5OfMessageBody };
  if (r.md5OfMessageAttributes) out.MD5OfMessageAttributes = r.md5OfMessageAttributes;
  if (r.md5OfMessageSystemAttributes) out.MD5OfMessageSystemAttributes = r.md5OfMessageSystemAttributes;
  if (r.sequenceNumber) out.SequenceNumber = r.sequenceNumber;
  return out;
}

const firstOrThrow = <R>(results: readonly (R | AwsError | undefined)[]): R | undefined => {
  const r = results[0];
  if (r instanceof AwsError) throw r;
  return r;
};

export async function sendMessage(ctx: SqsContext): Promise<SqsOutput> {
  const q = resolveQueue(ctx);
  ctx.input.requiredString('MessageBody');
  const results = await ctx.queues.send(q, [sendInput(ctx.input)], { senderId: ctx.senderId, batch: false });
  return sendOutput(firstOrThrow(results)!);
}

export async function sendMessageBatch(ctx: SqsContext): Promise<SqsOutput> {
  const q = resolveQueue(ctx);
  const { entries, ids } = batchEntries(ctx.input, 'SendMessageBatchRequestEntry');
  const results = await runEntries(entries, sendInput, (inputs) => ctx.queues.send(q, inputs, { senderId: ctx.senderId, batch: true }));
  return batchOutput(ids, results, (id, r) => batchSendOutput(id, r!));
}

/** An integer member checked against its documented range (SQS API Reference, ReceiveMessage). */
function inRange(input: Input, name: string, min: number, max: number, reason: string): number | undefined {
  const v = input.integer(name);
  if (v !== undefined && (v < min || v > max)) throw invalidParameterValue(`Value ${v} for parameter ${name} is invalid. Reason: ${reason}`);
  return v;
}

export async function receiveMessage(ctx: SqsContext): Promise<SqsOutput> {
  const q = resolveQueue(ctx);
  const { input } = ctx;
  const max = inRange(input, 'MaxNumberOfMessages', 1, 10, 'Must be between 1 and 10, if provided.') ?? 1;
  const visibility = inRange(input, 'VisibilityTimeout', 0, 43_200, 'Must be between 0 and 43200, if provided.');
  // Without WaitTimeSeconds the queue's ReceiveMessageWaitTimeSeconds applies (SQS Dev Guide "Long polling").
  const wait = inRange(input, 'WaitTimeSeconds', 0, 20, 'Must be >= 0 and <= 20, if provided.')
    ?? Number(ctx.queues.getAttributes(q, ['ReceiveMessageWaitTimeSeconds']).ReceiveMessageWaitTimeSeconds ?? 0);
  const systemNames = [...(input.stringList('AttributeNames') ?? []), ...(input.stringList('MessageSystemAttributeNames') ?? [])];
  const messageAttributeNames = input.stringList('MessageAttributeNames') ?? [];
  const attemptId = input.string('ReceiveRequestAttemptId');
  const messages = await ctx.queues.receive(q, {
    max, waitMs: wait * 1000, signal: ctx.signal,
    ...(visibility !== undefined ? { visibilityTimeoutS: visibility } : {}),
    ...(attemptId !== undefined ? { attemptId } : {}),
  });
  // No messages: SQS leaves Messages out (JSON) / sends no <Message> (query).
  if (messages.length === 0) return {};
  return { Messages: messages.map((m) => messageOutput(m, { systemNames, messageAttributeNames })) };
}

export async function deleteMessage(ctx: SqsContext): Promise<SqsOutput> {
  const q = resolveQueue(ctx);
  const handle = ctx.input.requiredString('ReceiptHandle');
  firstOrThrow(await ctx.queues.deleteMessages(q, [handle]));
  return undefined;
}

export async function deleteMessageBatch(ctx: SqsContext): Promise<SqsOutput> {
  const q = resolveQueue(ctx);
  const { entries, ids } = batchEntries(ctx.input, 'DeleteMessageBatchRequestEntry');
  const results = await runEntries(entries, (e) => e.requiredString('ReceiptHandle'), (handles) => ctx.queues.deleteMessages(q, handles));
  return batchOutput(ids, results, (id) => ({ Id: id }));
}

function visibilityChange(input: Input): VisibilityChange {
  return { receiptHandle: input.requiredString('ReceiptHandle'), visibilityTimeoutS: input.requiredInteger('VisibilityTimeout') };
}

export async function changeMessageVisibility(ctx: SqsContext): Promise<SqsOutput> {
  const q = resolveQueue(ctx);
  firstOrThrow(await ctx.queues.changeVisibility(q, [visibilityChange(ctx.input)]));
  return undefined;
}

export async function changeMessageVisibilityBatch(ctx: SqsContext): Promise<SqsOutput> {
  const q = resolveQueue(ctx);
  const { entries, ids } = batchEntries(ctx.input, 'ChangeMessageVisibilityBatchRequestEntry');
  const results = await runEntries(entries, visibilityChange, (changes) => ctx.queues.changeVisibility(q, changes));
  return batchOutput(ids, results, (id) => ({ Id: id }));
}
