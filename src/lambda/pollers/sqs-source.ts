import type { QueueService } from '../../sqs/engine/queue-service.js';

/**
 * What an SQS poller needs from the queue service: the in-process engine (src/sqs) serves it directly, so pollers
 * never go through HTTP.
 */
export type SqsSource = Pick<QueueService, 'queueByArn' | 'receive' | 'deleteMessages' | 'changeVisibility'>;
export type { QueueRef } from '../../sqs/engine/queue-service.js';
export type { MessageAttributeValue, ReceivedMessage } from '../../sqs/engine/message.js';
