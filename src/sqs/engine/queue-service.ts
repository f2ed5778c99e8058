import type { AwsError } from '../../core/errors.js';
import type { ReceiveInput, ReceivedMessage, SendInput, SendResult, VisibilityChange } from './message.js';

export interface QueueScope {
  account: string;
  region: string;
}

/** A live queue as callers hold it. Operations on a queue deleted since fail with QueueDoesNotExist. */
export interface QueueRef {
  readonly account: string;
  readonly region: string;
  readonly name: string;
  readonly arn: string;
  readonly fifo: boolean;
}

/**
 * What the SQS engine offers the SQS API and lambkin's own callers (event source mapping pollers, destinations).
 * Validation of message and attribute content happens here, so every protocol and caller gets the same answers;
 * failures are AwsErrors made with `sqsError` (src/sqs/errors.ts). Batch operations answer per entry: an AwsError
 * in the result array is that entry's failure, and the other entries still take effect.
 */
export interface QueueService {
  /** Idempotent when the queue exists with the same values for the attributes given (else QueueNameExists). */
  createQueue(scope: QueueScope, name: string, attributes: Record<string, string>, tags: Record<string, string>): Promise<QueueRef>;
  /** Throws QueueDoesNotExist. */
  getQueue(scope: QueueScope, name: string): QueueRef;
  queueByArn(arn: string): QueueRef | undefined;
  /** The scope's queues whose names start with `prefix`, ordered by name. */
  listQueues(scope: QueueScope, prefix?: string): QueueRef[];
  deleteQueue(queue: QueueRef): Promise<void>;
  /** Throws PurgeQueueInProgress within 60 s of the last purge. */
  purgeQueue(queue: QueueRef): Promise<void>;
  /** `names` may hold `All`; unknown names throw InvalidAttributeName. Values are strings, as SQS sends them. */
  getAttributes(queue: QueueRef, names: readonly string[]): Record<string, string>;
  setAttributes(queue: QueueRef, attributes: Record<string, string>): Promise<void>;
  listTags(queue: QueueRef): Record<string, string>;
  tagQueue(queue: QueueRef, tags: Record<string, string>): Promise<void>;
  untagQueue(queue: QueueRef, keys: readonly string[]): Promise<void>;
  /**
   * Sends one message or a batch (batch: the combined size is checked, BatchRequestTooLong). Resolves once every
   * accepted message is durable.
   */
  send(queue: QueueRef, inputs: readonly SendInput[], opts: { senderId: string; batch: boolean }): Promise<(SendResult | AwsError)[]>;
  /** Long polls up to `waitMs`; `max` is not capped here (the API caps it at 10, pollers take more). */
  receive(queue: QueueRef, input: ReceiveInput): Promise<ReceivedMessage[]>;
  /**
   * A stale but well-formed handle succeeds and deletes nothing, as on SQS; a malformed one is ReceiptHandleIsInvalid.
   * `durable: false` answers before the deletes are on disk (pollers: a lost delete is a redelivery).
   */
  deleteMessages(queue: QueueRef, receiptHandles: readonly string[], opts?: { durable?: boolean }): Promise<(AwsError | undefined)[]>;
  changeVisibility(queue: QueueRef, changes: readonly VisibilityChange[]): Promise<(AwsError | undefined)[]>;
}
