import type { QueueRef } from '../engine/queue-service.js';
import { invalidParameterValue } from '../errors.js';
import type { SqsContext, SqsOutput } from './context.js';
import { queueUrl, resolveQueue } from './queue-url.js';

/** Queue lifecycle and attributes: CreateQueue, GetQueueUrl, ListQueues, DeleteQueue, PurgeQueue, Get/SetQueueAttributes. */

const urlOf = (ctx: SqsContext, q: QueueRef) => queueUrl(ctx.api.origin, q);

export async function createQueue(ctx: SqsContext): Promise<SqsOutput> {
  const name = ctx.input.requiredString('QueueName');
  const attributes = ctx.input.stringMap('Attributes') ?? {};
  // The JSON model spells CreateQueue's tags member in lower case (`tags`), unlike TagQueue's `Tags`.
  const tags = ctx.input.stringMap('tags') ?? {};
  const q = await ctx.queues.createQueue(ctx.scope, name, attributes, tags);
  return { QueueUrl: urlOf(ctx, q) };
}

/** QueueOwnerAWSAccountId looks the name up in another account (SQS API Reference, GetQueueUrl). */
export async function getQueueUrl(ctx: SqsContext): Promise<SqsOutput> {
  const name = ctx.input.requiredString('QueueName');
  const account = ctx.input.string('QueueOwnerAWSAccountId') ?? ctx.scope.account;
  const q = ctx.queues.getQueue({ account, region: ctx.scope.region }, name);
  return { QueueUrl: urlOf(ctx, q) };
}

/** ListQueues answers at most 1,000 URLs (SQS API Reference, ListQueues). */
const LIST_CAP = 1000;

/**
 * ListQueues pages only when MaxResults (1–1,000) is given: then NextToken comes back while more queues remain
 * (SQS API Reference, ListQueues). The token holds the last name returned; names sort the same way every call.
 */
export async function listQueues(ctx: SqsContext): Promise<SqsOutput> {
  const prefix = ctx.input.string('QueueNamePrefix');
  const max = ctx.input.integer('MaxResults');
  if (max !== undefined && (max < 1 || max > LIST_CAP)) {
    throw invalidParameterValue(`Value ${max} for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and ${LIST_CAP}.`);
  }
  const token = ctx.input.string('NextToken');
  const after = token === undefined ? undefined : decodeListToken(token);
  let found = ctx.queues.listQueues(ctx.scope, prefix);
  if (after !== undefined) found = found.filter((q) => q.name > after);
  const page = found.slice(0, max ?? LIST_CAP);
  const out: Record<string, unknown> = {};
  if (page.length) out.QueueUrls = page.map((q) => urlOf(ctx, q));
  if (max !== undefined && found.length > page.length) out.NextToken = encodeListToken(page[page.length - 1]!.name);
  return out;
}

function encodeListToken(lastName: string): string {
  return Buffer.from(JSON.stringify({ after: lastName })).toString('base64url');
}

function decodeListToken(token: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const after = (parsed as { after?: unknown }).after;
    if (typeof after === 'string') return after;
  } catch {
    // reported below
  }
  throw invalidParameterValue(`Value ${token} for parameter NextToken is invalid. Reason: the token was not issued by ListQueues.`);
}

export async function deleteQueue(ctx: SqsContext): Promise<SqsOutput> {
  await ctx.queues.deleteQueue(resolveQueue(ctx));
  return undefined;
}

export async function purgeQueue(ctx: SqsContext): Promise<SqsOutput> {
  await ctx.queues.purgeQueue(resolveQueue(ctx));
  return undefined;
}

/** Without AttributeNames SQS returns no attributes; `All` returns every one (SQS API Reference, GetQueueAttributes). */
export async function getQueueAttributes(ctx: SqsContext): Promise<SqsOutput> {
  const q = resolveQueue(ctx);
  const names = ctx.input.stringList('AttributeNames') ?? [];
  const attributes = ctx.queues.getAttributes(q, names);
  return Object.keys(attributes).length ? { Attributes: attributes } : {};
}

export async function setQueueAttributes(ctx: SqsContext): Promise<SqsOutput> {
  const q = resolveQueue(ctx);
  await ctx.queues.setAttributes(q, ctx.input.requiredStringMap('Attributes'));
  return undefined;
}
