import type { EventSourceMappingRecord } from '../../store/store.js';

/** What AWS shows until a mapping's poller has processed something (GetEventSourceMapping examples). */
export const NO_RECORDS_PROCESSED = 'No records processed';

export const mappingArn = (r: EventSourceMappingRecord): string => `arn:aws:lambda:${r.region}:${r.account}:event-source-mapping:${r.uuid}`;

/**
 * EventSourceMappingConfiguration as the Lambda API returns it for an SQS source, members in the model's order
 * (lambda-api.md §5). `LastModified` is a `timestamp` shape: epoch seconds as a JSON number with the milliseconds
 * as a fraction. FunctionResponseTypes is always present for SQS; FilterCriteria and ScalingConfig only when set;
 * Tags belong to ListTags, not to this shape.
 */
export function mappingConfiguration(r: EventSourceMappingRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    UUID: r.uuid,
    BatchSize: r.batchSize,
    MaximumBatchingWindowInSeconds: r.maximumBatchingWindowInSeconds,
    EventSourceArn: r.eventSourceArn,
  };
  if (r.filterPatterns?.length) out.FilterCriteria = { Filters: r.filterPatterns.map((Pattern) => ({ Pattern })) };
  Object.assign(out, {
    FunctionArn: r.functionArn,
    LastModified: r.lastModifiedMs / 1000,
    LastProcessingResult: r.lastProcessingResult ?? NO_RECORDS_PROCESSED,
    State: r.state,
    StateTransitionReason: r.stateTransitionReason,
    FunctionResponseTypes: r.functionResponseTypes,
  });
  if (r.maximumConcurrency !== undefined) out.ScalingConfig = { MaximumConcurrency: r.maximumConcurrency };
  out.EventSourceMappingArn = mappingArn(r);
  return out;
}
