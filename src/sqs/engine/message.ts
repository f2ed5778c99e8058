/** Messages as the queue engine takes them in and hands them out (event-sources.md §5.4). */

export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Buffer;
  /** Modelled by SQS but reserved: not accepted on send, so never present on a received message. */
  StringListValues?: string[];
  BinaryListValues?: Buffer[];
}

export interface SendInput {
  body: string;
  delaySeconds?: number;
  messageAttributes?: Record<string, MessageAttributeValue>;
  /** Only `AWSTraceHeader` exists. */
  messageSystemAttributes?: Record<string, MessageAttributeValue>;
  messageGroupId?: string;
  messageDeduplicationId?: string;
}

export interface SendResult {
  messageId: string;
  md5OfMessageBody: string;
  md5OfMessageAttributes?: string;
  md5OfMessageSystemAttributes?: string;
  /** FIFO queues only. */
  sequenceNumber?: string;
}

export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  md5OfBody: string;
  /** Every system attribute, all as strings (ApproximateReceiveCount, SentTimestamp, ...). */
  attributes: Record<string, string>;
  /** Every message attribute; the API layer narrows them to what the receive asked for. */
  messageAttributes: Record<string, MessageAttributeValue>;
  /** MD5 over all of `messageAttributes`, when there are any. */
  md5OfMessageAttributes?: string;
}

export interface ReceiveInput {
  max: number;
  /** Overrides the queue's VisibilityTimeout for these messages. */
  visibilityTimeoutS?: number;
  /** Long polling: resolve as soon as a message is there, or with nothing after this long. */
  waitMs: number;
  signal?: AbortSignal;
  /** FIFO ReceiveRequestAttemptId: a retried receive gets the same messages back while they are in flight. */
  attemptId?: string;
  /**
   * false: hand the messages out before their receipt is on disk (lambkin's own pollers). A crash can then make
   * them visible again sooner and count one receive less: a redelivery, which at-least-once allows.
   */
  durable?: boolean;
}

export interface VisibilityChange {
  receiptHandle: string;
  visibilityTimeoutS: number;
}
