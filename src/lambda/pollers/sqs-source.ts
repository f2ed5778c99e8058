/**
 * What an SQS poller needs from the queue service: the in-process engine (src/sqs) satisfies it directly, so
 * pollers never go through HTTP, and the Lambda side depends on this contract rather than on the engine itself.
 */

export interface QueueRef {
  account: string;
  region: string;
  name: string;
  arn: string;
  fifo: boolean;
}

export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Buffer;
  StringListValues?: string[];
  BinaryListValues?: Buffer[];
}

export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  md5OfBody: string;
  /** System attributes, all as strings (ApproximateReceiveCount, SentTimestamp, ...). */
  attributes: Record<string, string>;
  messageAttributes: Record<string, MessageAttributeValue>;
  md5OfMessageAttributes?: string;
}

export interface SqsSource {
  queueByArn(arn: string): QueueRef | undefined;
  /** Resolves after `waitMs` with nothing, on abort with nothing, or as soon as messages are available. */
  receive(queue: QueueRef, opts: { max: number; visibilityTimeoutS?: number; waitMs: number; signal?: AbortSignal }): Promise<ReceivedMessage[]>;
  deleteBatch(queue: QueueRef, receiptHandles: string[]): Promise<void>;
}
