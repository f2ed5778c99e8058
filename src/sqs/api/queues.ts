import type { QueueRef } from '../engine/queue-service.js';
import { invalidParameterValue } from '../errors.js';
import type { SqsContext, SqsOutput } from './context.js';
import { queueUrl, resolveQueue } from './queue-url.js';

/**
 * Queue lifecycle and attributes: CreateQueue, GetQueueUrl, ListQueues, ListDeadLetterSourceQueues, DeleteQueue,
 * PurgeQueue, Get/SetQueueAttributes.
 */

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
  const { urls, next } = page(ctx, ctx.queues.listQueues(ctx.scope, ctx.input.string('QueueNamePrefix')));
  const out: Record<string, unknown> = {};
  if (urls.length) out.QueueUrls = urls;
  if (next !== undefined) out.NextToken = next;
  return out;
}

/**
 * ListDeadLetterSourceQueues: the queues whose RedrivePolicy names this one as their dead-letter queue, paged like
 * ListQueues. The JSON model spells the member `queueUrls`.
 */
export async function listDeadLetterSourceQueues(ctx: SqsContext): Promise<SqsOutput> {
  const dlq = resolveQueue(ctx);
  const sources = ctx.queues.listQueues(ctx.scope).filter((q) => deadLetterTargetOf(ctx, q) === dlq.arn);
  const { urls, next } = page(ctx, sources);
  return next === undefined ? { queueUrls: urls } : { queueUrls: urls, NextToken: next };
}

function deadLetterTargetOf(ctx: SqsContext, q: QueueRef): string | undefined {
  const policy = ctx.queues.getAttributes(q, ['RedrivePolicy']).RedrivePolicy;
  if (!policy) return undefined;
  try {
    return (JSON.parse(policy) as { deadLetterTargetArn?: string }).deadLetterTargetArn;
  } catch {
    return undefined;
  }
}

/** One page of queues (ordered by name): all, up to 1,000, unless MaxResults asks for pages. */
function page(ctx: SqsContext, queues: QueueRef[]): { urls: string[]; next?: string } {
  const max = ctx.input.integer('MaxResults');
  if (max !== undefined && (max < 1 || max > LIST_CAP)) {
    throw invalidParameterValue(`Value ${max} for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and ${LIST_CAP}.`);
  }
  const token = ctx.input.string('NextToken');
  const after = token === undefined ? undefined : decodeListToken(token);
  const found = after === undefined ? queues : queues.filter((q) => q.name > after);
  const shown = found.slice(0, max ?? LIST_CAP);
  const urls = shown.map((q) => urlOf(ctx, q));
  return max !== undefined && found.length > shown.length ? { urls, next: encodeListToken(shown[shown.length - 1]!.name) } : { urls };
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
  throw invalidParameterValue(`Value ${token} for parameter NextToken is invalid. Reason: the token was not issued by this operation.`);
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
