import type { SqsContext, SqsOutput } from './context.js';
import { resolveQueue } from './queue-url.js';

/** Queue tags: TagQueue, UntagQueue, ListQueueTags (tag limits are the engine's). */

export async function tagQueue(ctx: SqsContext): Promise<SqsOutput> {
  const q = resolveQueue(ctx);
  await ctx.queues.tagQueue(q, ctx.input.requiredStringMap('Tags'));
  return undefined;
}

export async function untagQueue(ctx: SqsContext): Promise<SqsOutput> {
  const q = resolveQueue(ctx);
  await ctx.queues.untagQueue(q, ctx.input.requiredStringList('TagKeys'));
  return undefined;
}

/** A queue without tags answers without the Tags member, as SQS does. */
export async function listQueueTags(ctx: SqsContext): Promise<SqsOutput> {
  const tags = ctx.queues.listTags(resolveQueue(ctx));
  return Object.keys(tags).length ? { Tags: tags } : {};
}
