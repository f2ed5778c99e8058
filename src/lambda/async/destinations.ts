import type { Logger } from 'pino';
import { parseFunctionName } from '../../core/arn.js';
import { AwsError } from '../../core/errors.js';
import type { MessageAttributeValue } from '../../sqs/engine/message.js';
import type { QueueService } from '../../sqs/engine/queue-service.js';
import { LATEST, type FunctionRegistry } from '../control/function-registry.js';

/** Accepts an async invocation of another function (a Lambda destination); resolves once it is durable. */
export type AsyncEnqueue = (req: { account: string; region: string; name: string; qualifier: string; invokedArn: string; payload: string }) => Promise<void>;

/** Publishes to an SNS topic by ARN (string attributes only); rejects when the topic does not exist. */
export type TopicPublish = (topicArn: string, message: string, attributes: Record<string, { Type: string; Value: string }>) => Promise<void>;

/** Puts an event on an EventBridge bus named by its ARN; rejects when the bus does not exist. */
export type BusPublish = (busArn: string, event: { source: string; detailType: string; detail: string; resources: string[] }) => Promise<void>;

/** Why a delivery failed, for the log and the status view. */
export class DeliveryError extends Error {}

const SENDER = 'AIDAJLAMBDADESTINATION';

/**
 * Sends invocation records to destinations and failed events to dead-letter queues (invocation-semantics.md §3.2,
 * §4): SQS queues, SNS topics, EventBridge buses and Lambda functions. A target that is missing, of another kind, or refuses the
 * message is a DeliveryError, which the caller logs and counts (AWS: DestinationDeliveryFailures, DeadLetterErrors).
 */
export class Destinations {
  constructor(
    private readonly queues: Pick<QueueService, 'queueByArn' | 'send'>,
    private readonly functions: FunctionRegistry,
    private readonly enqueue: AsyncEnqueue,
    private readonly log: Logger,
    private readonly topics?: TopicPublish,
    private readonly buses?: BusPublish,
  ) {}

  /** The record to a destination: SQS SendMessage, SNS Publish, EventBridge PutEvents, or an async Invoke of a function. */
  async deliver(arn: string, record: string): Promise<void> {
    const service = arn.split(':')[2];
    if (service === 'sqs') return this.sendToQueue(arn, record, undefined);
    if (service === 'sns') return this.publish(arn, record, {});
    if (service === 'events') return this.putEvent(arn, record);
    if (service === 'lambda') return this.invokeFunction(arn, record);
    throw new DeliveryError(`destinations of type ${service} are not served by lambkin yet: ${arn}`);
  }

  /** The original event to the function's DLQ (a queue or a topic), with the RequestID / ErrorCode / ErrorMessage attributes. */
  async deadLetter(arn: string, payload: string, attrs: { requestId: string; errorCode: number; errorMessage: string }): Promise<void> {
    const errorMessage = attrs.errorMessage.slice(0, 1024) || 'Unknown error';
    const service = arn.split(':')[2];
    if (service === 'sns') {
      return this.publish(arn, payload, {
        RequestID: { Type: 'String', Value: attrs.requestId },
        ErrorCode: { Type: 'Number', Value: String(attrs.errorCode) },
        ErrorMessage: { Type: 'String', Value: errorMessage },
      });
    }
    if (service !== 'sqs') throw new DeliveryError(`dead-letter targets other than SQS queues and SNS topics are not served by lambkin: ${arn}`);
    await this.sendToQueue(arn, payload, {
      RequestID: { DataType: 'String', StringValue: attrs.requestId },
      ErrorCode: { DataType: 'Number', StringValue: String(attrs.errorCode) },
      ErrorMessage: { DataType: 'String', StringValue: errorMessage },
    });
  }

  private async publish(arn: string, message: string, attributes: Record<string, { Type: string; Value: string }>): Promise<void> {
    if (!this.topics) throw new DeliveryError(`SNS topics are not served: ${arn}`);
    try {
      await this.topics(arn, message, attributes);
    } catch (err) {
      throw new DeliveryError(err instanceof AwsError && err.status === 404 ? `the topic ${arn} does not exist` : `the topic ${arn} refused the message: ${(err as Error).message}`);
    }
  }

  /** EventBridge: source `lambda`, the result as detail-type, the function and the bus as resources (§3.2). */
  private async putEvent(busArn: string, record: string): Promise<void> {
    if (!this.buses) throw new DeliveryError(`EventBridge buses are not served: ${busArn}`);
    const context = (JSON.parse(record) as { requestContext?: { condition?: string; functionArn?: string } }).requestContext ?? {};
    const detailType = `Lambda Function Invocation Result - ${context.condition === 'Success' ? 'Success' : 'Failure'}`;
    try {
      await this.buses(busArn, { source: 'lambda', detailType, detail: record, resources: [context.functionArn ?? '', busArn] });
    } catch (err) {
      throw new DeliveryError(`the event bus ${busArn} refused the event: ${(err as Error).message}`);
    }
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
