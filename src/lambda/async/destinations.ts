import type { Logger } from 'pino';
import { parseFunctionName } from '../../core/arn.js';
import { AwsError } from '../../core/errors.js';
import type { MessageAttributeValue } from '../../sqs/engine/message.js';
import type { QueueService } from '../../sqs/engine/queue-service.js';
import { LATEST, type FunctionRegistry } from '../control/function-registry.js';

/** Accepts an async invocation of another function (a Lambda destination); resolves once it is durable. */
export type AsyncEnqueue = (req: { account: string; region: string; name: string; qualifier: string; invokedArn: string; payload: string }) => Promise<void>;

/** Why a delivery failed, for the log and the status view. */
export class DeliveryError extends Error {}

const SENDER = 'AIDAJLAMBDADESTINATION';

/**
 * Sends invocation records to destinations and failed events to dead-letter queues (invocation-semantics.md §3.2,
 * §4). lambkin serves SQS queues and Lambda functions; a target that is missing, of another kind, or refuses the
 * message is a DeliveryError, which the caller logs and counts (AWS: DestinationDeliveryFailures, DeadLetterErrors).
 */
export class Destinations {
  constructor(
    private readonly queues: Pick<QueueService, 'queueByArn' | 'send'>,
    private readonly functions: FunctionRegistry,
    private readonly enqueue: AsyncEnqueue,
    private readonly log: Logger,
  ) {}

  /** The record to a destination: SQS SendMessage, or an async Invoke of a function. */
  async deliver(arn: string, record: string): Promise<void> {
    const service = arn.split(':')[2];
    if (service === 'sqs') return this.sendToQueue(arn, record, undefined);
    if (service === 'lambda') return this.invokeFunction(arn, record);
    throw new DeliveryError(`destinations of type ${service} are not served by lambkin yet: ${arn}`);
  }

  /** The original event to the function's DLQ, with the RequestID / ErrorCode / ErrorMessage attributes. */
  async deadLetter(arn: string, payload: string, attrs: { requestId: string; errorCode: number; errorMessage: string }): Promise<void> {
    if (arn.split(':')[2] !== 'sqs') throw new DeliveryError(`dead-letter targets other than SQS queues are not served by lambkin yet: ${arn}`);
    await this.sendToQueue(arn, payload, {
      RequestID: { DataType: 'String', StringValue: attrs.requestId },
      ErrorCode: { DataType: 'Number', StringValue: String(attrs.errorCode) },
      ErrorMessage: { DataType: 'String', StringValue: attrs.errorMessage.slice(0, 1024) || 'Unknown error' },
    });
  }

  private async sendToQueue(arn: string, body: string, messageAttributes: Record<string, MessageAttributeValue> | undefined): Promise<void> {
    const queue = this.queues.queueByArn(arn);
    if (!queue) throw new DeliveryError(`the queue ${arn} does not exist`);
    const [result] = await this.queues.send(queue, [{ body, ...(messageAttributes ? { messageAttributes } : {}) }], { senderId: SENDER, batch: false });
    if (result instanceof AwsError) throw new DeliveryError(`the queue ${arn} refused the message: ${result.code}: ${result.message}`);
  }

  private async invokeFunction(arn: string, record: string): Promise<void> {
    const ref = parseFunctionName(arn);
    if (!ref || ref.account === undefined || ref.region === undefined) throw new DeliveryError(`${arn} is not a function ARN`);
    const qualifier = ref.qualifier ?? LATEST;
    if (!this.functions.get({ account: ref.account, region: ref.region }, ref.name, qualifier)) {
      throw new DeliveryError(`the function ${arn} does not exist`);
    }
    await this.enqueue({ account: ref.account, region: ref.region, name: ref.name, qualifier, invokedArn: arn, payload: record });
    this.log.debug({ arn }, 'invocation record sent to a function');
  }
}
