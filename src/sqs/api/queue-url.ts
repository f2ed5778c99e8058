import type { QueueRef } from '../engine/queue-service.js';
import { sqsError } from '../errors.js';
import type { SqsContext } from './context.js';

/** A queue's URL as lambkin hands it out: `<origin>/<account>/<name>` (event-sources.md §5.6). */
export function queueUrl(origin: string, q: QueueRef): string {
  return `${origin}/${q.account}/${encodeURIComponent(q.name)}`;
}

const QUEUE_PATH = /^\/([^/]+)\/([^/]+)\/?$/;

/**
 * The account and name a queue URL names. Only the path counts: clients keep URLs from another host or port, and
 * AWS's own forms (`https://sqs.<region>.amazonaws.com/...`, legacy `https://queue.amazonaws.com/...` and
 * `https://<region>.queue.amazonaws.com/...`) all end in `/<account>/<name>`. A bare path is accepted too (query
 * requests posted to the queue's path).
 */
export function parseQueueUrl(url: string): { account: string; name: string } | undefined {
  let path: string;
  if (url.startsWith('/')) {
    path = url.split('?')[0]!;
  } else {
    try {
      path = new URL(url).pathname;
    } catch {
      return undefined;
    }
  }
  const m = QUEUE_PATH.exec(path);
  if (!m) return undefined;
  try {
    return { account: decodeURIComponent(m[1]!), name: decodeURIComponent(m[2]!) };
  } catch {
    return undefined;
  }
}

/** The queue the request's `QueueUrl` names; MissingParameter, InvalidAddress or QueueDoesNotExist otherwise. */
export function resolveQueue(ctx: SqsContext): QueueRef {
  const url = ctx.input.requiredString('QueueUrl');
  const parsed = parseQueueUrl(url);
  if (!parsed) throw sqsError('InvalidAddress', `The address ${url} is not valid for this endpoint.`);
  return ctx.queues.getQueue({ account: parsed.account, region: ctx.scope.region }, parsed.name);
}
