import { NAMESPACED_FUNCTION_NAME_PATTERN } from '../../core/arn.js';
import { parsePattern, PatternError } from '../../core/event-pattern.js';
import { Constraints, invalidParameter } from '../../core/validation.js';
import { requireTypes } from './function-input.js';

/** Members of Create/UpdateEventSourceMapping that lambkin acts on for SQS sources. */
export interface MappingInput {
  FunctionName?: string;
  EventSourceArn?: string;
  Enabled?: boolean;
  BatchSize?: number;
  MaximumBatchingWindowInSeconds?: number;
  FilterCriteria?: { Filters?: { Pattern?: string }[] };
  FunctionResponseTypes?: string[];
  ScalingConfig?: { MaximumConcurrency?: number };
  Tags?: Record<string, string>;
}

const TYPES = {
  FunctionName: 'string', EventSourceArn: 'string', Enabled: 'boolean', BatchSize: 'number', MaximumBatchingWindowInSeconds: 'number',
  FilterCriteria: 'object', FunctionResponseTypes: 'array', ScalingConfig: 'object', Tags: 'object',
} as const;

/** Settings that only stream and Kafka sources have (event-sources.md §1): AWS refuses them for SQS. */
const NOT_FOR_SQS = [
  'StartingPositionTimestamp', 'ParallelizationFactor', 'BisectBatchOnFunctionError', 'MaximumRetryAttempts',
  'MaximumRecordAgeInSeconds', 'TumblingWindowInSeconds', 'DestinationConfig', 'Topics', 'Queues', 'SourceAccessConfigurations',
  'SelfManagedEventSource', 'SelfManagedKafkaEventSourceConfig', 'AmazonManagedKafkaEventSourceConfig', 'DocumentDBEventSourceConfig',
  'ProvisionedPollerConfig',
];

/** `arn:aws:sqs:<region>:<account>:<queue>` */
export const SQS_ARN = /^arn:aws[a-zA-Z-]*:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,80}(\.fifo)?)$/;
export const EVENT_SOURCE_ARN = /^arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9-])+:([a-z]{2}(-gov)?-[a-z]+-\d{1})?:(\d{12})?:(.*)$/;
const MAX_FILTERS = 5;
const MAX_PATTERN_CHARS = 4096;

/** Model constraints and SQS rules that do not depend on the queue. Throws AWS's error for the first problem. */
export function checkMappingInput(body: Record<string, unknown>, create: boolean): MappingInput {
  requireTypes(body, TYPES);
  const input = body as MappingInput;
  if (input.ScalingConfig) requireTypes(input.ScalingConfig, { MaximumConcurrency: 'number' });
  if (input.FilterCriteria) requireTypes(input.FilterCriteria, { Filters: 'array' });
  checkModel(input, body.StartingPosition, create);
  rejectStreamSettings(body);
  checkFilters(input.FilterCriteria);
  checkTags(input.Tags);
  return input;
}

/** The model's own constraints: one ValidationException listing every failure, as AWS's front end answers. */
function checkModel(input: MappingInput, startingPosition: unknown, create: boolean): void {
  const c = new Constraints();
  if (create) c.required(input.FunctionName, 'functionName');
  // NamespacedFunctionName: 1–256 (the ESM operations' FunctionName shape, lambda-api.md §2).
  c.length(input.FunctionName, 'functionName', 1, 256)
    .pattern(input.FunctionName, 'functionName', NAMESPACED_FUNCTION_NAME_PATTERN)
    .length(input.EventSourceArn, 'eventSourceArn', 12, 1024).pattern(input.EventSourceArn, 'eventSourceArn', EVENT_SOURCE_ARN)
    .range(input.BatchSize, 'batchSize', 1, 10000)
    .range(input.MaximumBatchingWindowInSeconds, 'maximumBatchingWindowInSeconds', 0, 300)
    .range(input.ScalingConfig?.MaximumConcurrency, 'scalingConfig.maximumConcurrency', 2, 1000)
    .oneOf(startingPosition as string | undefined, 'startingPosition', ['LATEST', 'AT_TIMESTAMP', 'TRIM_HORIZON']);
  for (const t of input.FunctionResponseTypes ?? []) c.oneOf(t, 'functionResponseTypes', ['ReportBatchItemFailures']);
  c.count(input.FunctionResponseTypes, 'functionResponseTypes', 0, 1);
  c.check();
}

function rejectStreamSettings(body: Record<string, unknown>): void {
  // AWS's own text for this one, with or without StartingPositionTimestamp (recorded CreateEventSourceMapping answers).
  if (body.StartingPosition !== undefined && body.StartingPosition !== null) throw invalidParameter('StartingPosition is not valid for SQS event sources.');
  for (const key of NOT_FOR_SQS) {
    if (body[key] !== undefined && body[key] !== null) throw invalidParameter(`Unsupported ${key} parameter for given event source mapping type.`);
  }
}

function checkFilters(criteria: MappingInput['FilterCriteria']): void {
  const filters = criteria?.Filters;
  if (filters === undefined || filters === null) return;
  if (!Array.isArray(filters) || filters.length > MAX_FILTERS) {
    throw invalidParameter(`Invalid filter criteria: at most ${MAX_FILTERS} filters are allowed.`);
  }
  for (const f of filters) {
    const text = f?.Pattern;
    if (typeof text !== 'string' || text.length > MAX_PATTERN_CHARS) throw invalidParameter('Invalid filter pattern definition.');
    try {
      parsePattern(text);
    } catch (err) {
      if (err instanceof PatternError) throw invalidParameter(`Invalid filter pattern definition. ${err.message}`);
      throw err;
    }
  }
}

function checkTags(tags: Record<string, string> | undefined): void {
  for (const [k, v] of Object.entries(tags ?? {})) {
    if (typeof v !== 'string' || k.length < 1 || k.length > 128 || v.length > 256) throw invalidParameter(`Invalid tag: ${k}`);
  }
}

/**
 * The rules that depend on the queue's type (event-sources.md §1; Lambda DG "Lambda parameters for Amazon SQS event
 * source mappings": FIFO batches hold at most 10, and "Batching window is not supported for FIFO queues"). For a
 * FIFO queue AWS names the window first: BatchSize 100 with a window of 5 was refused for the window.
 */
export function checkForQueue(batchSize: number, windowS: number, fifo: boolean): void {
  if (fifo) {
    if (windowS > 0) throw invalidParameter('Batching window is not supported for FIFO queues');
    // AWS's text from when every SQS mapping was limited to 10; FIFO queues still are.
    if (batchSize > 10) throw invalidParameter('Maximum batch size must be between 1 and 10 inclusive');
  } else if (batchSize > 10 && windowS < 1) {
    throw invalidParameter('Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10');
  }
}
