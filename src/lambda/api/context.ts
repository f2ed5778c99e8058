import type { LambkinConfig } from '../../config/config.js';
import type { ApiRequest } from '../../gateway/request.js';
import type { QueueService } from '../../sqs/engine/queue-service.js';
import type { CodeUrls } from '../control/code-urls.js';
import type { EventInvokeConfigs } from '../control/event-invoke-configs.js';
import type { EventSourceMappings } from '../control/event-source-mappings.js';
import type { FunctionPolicies } from '../control/function-policies.js';
import type { FunctionRegistry } from '../control/function-registry.js';
import type { FunctionUrls } from '../control/function-urls.js';
import type { AsyncInvocations } from '../async/async-invocations.js';
import type { ConcurrencyControl } from '../invoke/concurrency.js';
import type { Invoker } from '../invoke/invoker.js';

/**
 * What the event source mapping API asks of the queue service: whether a queue exists (and is FIFO), and its
 * VisibilityTimeout for the rule that it must not be shorter than the function's timeout.
 */
export type MappingQueues = Pick<QueueService, 'queueByArn' | 'getAttributes'>;

/** Where CreateFunction / UpdateFunctionCode read `S3Bucket` + `S3Key` code from: lambkin's own object store. */
export interface CodeObjects {
  /**
   * Rejects with S3's NoSuchBucket / NoSuchKey AwsError when the object is missing, PermanentRedirect when the
   * bucket is not in `region`.
   */
  readObject(bucket: string, key: string, maxBytes: number, region?: string): Promise<Buffer>;
}

/** What the Lambda API handlers work with. */
export interface LambdaDeps {
  config: Readonly<LambkinConfig>;
  functions: FunctionRegistry;
  codeUrls: CodeUrls;
  invoker: Invoker;
  eventSourceMappings: EventSourceMappings;
  queues: MappingQueues;
  eventInvokeConfigs: EventInvokeConfigs;
  concurrency: ConcurrencyControl;
  asyncInvocations: AsyncInvocations;
  policies: FunctionPolicies;
  functionUrls: FunctionUrls;
  codeObjects: CodeObjects;
}

export type LambdaHandler = (api: ApiRequest, params: string[], deps: LambdaDeps) => Promise<void>;
