import type { SqsHandler } from './context.js';
import {
  changeMessageVisibility, changeMessageVisibilityBatch, deleteMessage, deleteMessageBatch, receiveMessage, sendMessage,
  sendMessageBatch,
} from './messages.js';
import {
  createQueue, deleteQueue, getQueueAttributes, getQueueUrl, listDeadLetterSourceQueues, listQueues, purgeQueue, setQueueAttributes,
} from './queues.js';
import { listQueueTags, tagQueue, untagQueue } from './tags.js';

/** The SQS operations lambkin serves (event-sources.md §5.4), by their model names. */
export const OPERATIONS = {
  CreateQueue: createQueue,
  GetQueueUrl: getQueueUrl,
  ListQueues: listQueues,
  ListDeadLetterSourceQueues: listDeadLetterSourceQueues,
  DeleteQueue: deleteQueue,
  PurgeQueue: purgeQueue,
  GetQueueAttributes: getQueueAttributes,
  SetQueueAttributes: setQueueAttributes,
  SendMessage: sendMessage,
  SendMessageBatch: sendMessageBatch,
  ReceiveMessage: receiveMessage,
  DeleteMessage: deleteMessage,
  DeleteMessageBatch: deleteMessageBatch,
  ChangeMessageVisibility: changeMessageVisibility,
  ChangeMessageVisibilityBatch: changeMessageVisibilityBatch,
  TagQueue: tagQueue,
  UntagQueue: untagQueue,
  ListQueueTags: listQueueTags,
} satisfies Record<string, SqsHandler>;

export type SqsOperation = keyof typeof OPERATIONS;

export function isOperation(name: string | undefined): name is SqsOperation {
  return name !== undefined && Object.hasOwn(OPERATIONS, name);
}

/** Operations whose model has no output: the query protocol answers them without a `<{Op}Result>` element. */
export const NO_OUTPUT: ReadonlySet<SqsOperation> = new Set<SqsOperation>([
  'DeleteQueue', 'PurgeQueue', 'SetQueueAttributes', 'DeleteMessage', 'ChangeMessageVisibility', 'TagQueue', 'UntagQueue',
]);
