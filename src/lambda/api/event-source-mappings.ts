import { randomUUID } from 'node:crypto';
import { functionArn, parseFunctionName } from '../../core/arn.js';
import { invalidParameter } from '../../core/validation.js';
import { sendJson } from '../../gateway/protocols/rest-json.js';
import type { ApiRequest } from '../../gateway/request.js';
import type { QueueRef } from '../../sqs/engine/queue-service.js';
import type { EventSourceMappingRecord, FunctionRecord } from '../../store/store.js';
import { LATEST, type Scope } from '../control/function-registry.js';
import { checkForQueue, checkMappingInput, EVENT_SOURCE_ARN, SQS_ARN, type MappingInput } from '../control/mapping-input.js';
import type { LambdaDeps, LambdaHandler } from './context.js';
import { readJsonBody, resolveFunctionRef } from './function-ref.js';
import { mappingConfiguration } from './mapping-view.js';
import { pageSize } from './paging.js';

/** A mapping request is a few small members (five filters of 4 KB at most); not an AWS figure. */
const MAX_REQUEST_BYTES = 1024 * 1024;
/** Lambda DG "Lambda parameters for Amazon SQS event source mappings": BatchSize 10, batching window 0. */
const DEFAULT_BATCH_SIZE = 10;
const DEFAULT_WINDOW_S = 0;
/** "ListEventSourceMappings returns a maximum of 100 items in each response, even if you set the number higher." */
const MAX_PAGE = 100;

const scopeOf = (api: ApiRequest): Scope => ({ account: api.caller.account, region: api.caller.region });

/** The function a FunctionName names (name, partial or full ARN, maybe qualified) and the ARN the mapping records. */
interface Target {
  fn: FunctionRecord;
  functionArn: string;
}

/** The function, and the version or alias if qualified, must exist: 404 `Function not found: <arn>` otherwise. */
function resolveTarget(api: ApiRequest, deps: LambdaDeps, raw: string): Target {
  const ref = resolveFunctionRef(api.caller, raw, undefined, true);
  const fn = deps.functions.require(ref.scope, ref.name, ref.qualifier ?? LATEST);
  return { fn, functionArn: functionArn(ref.scope.region, ref.scope.account, ref.name, ref.qualifier) };
}

/**
 * The queue must exist in the caller's account and region. AWS finds out by reading from it and answers 400 with
 * the SQS error it got back (seen from CreateEventSourceMapping on a missing queue).
 */
function requireQueue(api: ApiRequest, deps: LambdaDeps, arn: string): QueueRef {
  if (!SQS_ARN.test(arn)) {
    throw invalidParameter(`lambkin supports only Amazon SQS queues as event sources, and ${arn} is not an SQS queue ARN.`);
  }
  const queue = deps.queues.queueByArn(arn);
  if (!queue || queue.account !== api.caller.account || queue.region !== api.caller.region) {
    throw invalidParameter('Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. ' +
      'SQS Error Message: The specified queue does not exist or you do not have access to it.');
  }
  return queue;
}

/**
 * A batch stays hidden for the queue's visibility timeout while the function runs, so AWS refuses a queue whose
 * timeout is shorter than the function's (message as AWS words it in CreateEventSourceMapping answers).
 */
function checkVisibility(deps: LambdaDeps, queue: QueueRef, fn: FunctionRecord): void {
  const visibilityS = Number(deps.queues.getAttributes(queue, ['VisibilityTimeout']).VisibilityTimeout);
  if (visibilityS < fn.timeoutS) {
    throw invalidParameter(`Queue visibility timeout: ${visibilityS} seconds is less than Function timeout: ${fn.timeoutS} seconds`);
  }
}

/** `{}` and `{"Filters":[]}` remove the filters (UpdateEventSourceMapping); a missing member leaves them. */
function applyFilters(r: EventSourceMappingRecord, criteria: MappingInput['FilterCriteria']): void {
  if (criteria === undefined || criteria === null) return;
  const patterns = (criteria.Filters ?? []).map((f) => f.Pattern!);
  if (patterns.length) r.filterPatterns = patterns;
  else delete r.filterPatterns;
}

/** `{}` removes MaximumConcurrency (Lambda DG "Configuring maximum concurrency for Amazon SQS event sources"). */
function applyScaling(r: EventSourceMappingRecord, scaling: MappingInput['ScalingConfig']): void {
  if (scaling === undefined || scaling === null) return;
  if (scaling.MaximumConcurrency === undefined || scaling.MaximumConcurrency === null) delete r.maximumConcurrency;
  else r.maximumConcurrency = scaling.MaximumConcurrency;
}

function newRecord(scope: Scope, input: MappingInput, queue: QueueRef, target: Target): EventSourceMappingRecord {
  const r: EventSourceMappingRecord = {
    uuid: randomUUID(),
    ...scope,
    eventSourceArn: queue.arn,
    functionArn: target.functionArn,
    enabled: input.Enabled ?? true,
    batchSize: input.BatchSize ?? DEFAULT_BATCH_SIZE,
    maximumBatchingWindowInSeconds: input.MaximumBatchingWindowInSeconds ?? DEFAULT_WINDOW_S,
    functionResponseTypes: input.FunctionResponseTypes ?? [],
    tags: input.Tags ?? {},
    // EventSourceMappings.create sets the state, reason and time it is accepted at.
    state: 'Creating',
    stateTransitionReason: '',
    lastModifiedMs: 0,
  };
  applyFilters(r, input.FilterCriteria);
  applyScaling(r, input.ScalingConfig);
  return r;
}

export const createEventSourceMapping: LambdaHandler = async (api, _params, deps) => {
  const input = checkMappingInput(await readJsonBody(api, 'CreateEventSourceMapping', MAX_REQUEST_BYTES), true);
  if (input.EventSourceArn === undefined || input.EventSourceArn === null) {
    throw invalidParameter('Unrecognized event source, must be kafka or specify an EventSourceArn');
  }
  const target = resolveTarget(api, deps, input.FunctionName!);
  const queue = requireQueue(api, deps, input.EventSourceArn);
  const record = newRecord(scopeOf(api), input, queue, target);
  checkForQueue(record.batchSize, record.maximumBatchingWindowInSeconds, queue.fifo);
  checkVisibility(deps, queue, target.fn);
  sendJson(api.res, api.requestId, 202, mappingConfiguration(await deps.eventSourceMappings.create(record)));
};

export const getEventSourceMapping: LambdaHandler = async (api, [uuid], deps) => {
  sendJson(api.res, api.requestId, 200, mappingConfiguration(deps.eventSourceMappings.get(scopeOf(api), uuid!)));
};

/** Omitted members stay as they are; FunctionName may point the mapping at another function (re-resolved). */
function applyUpdate(r: EventSourceMappingRecord, input: MappingInput, target: Target | undefined): void {
  if (target) r.functionArn = target.functionArn;
  if (input.Enabled !== undefined && input.Enabled !== null) r.enabled = input.Enabled;
  if (input.BatchSize !== undefined && input.BatchSize !== null) r.batchSize = input.BatchSize;
  if (input.MaximumBatchingWindowInSeconds !== undefined && input.MaximumBatchingWindowInSeconds !== null) {
    r.maximumBatchingWindowInSeconds = input.MaximumBatchingWindowInSeconds;
  }
  if (input.FunctionResponseTypes !== undefined && input.FunctionResponseTypes !== null) r.functionResponseTypes = input.FunctionResponseTypes;
  applyFilters(r, input.FilterCriteria);
  applyScaling(r, input.ScalingConfig);
}

/**
 * The queue rules hold for the settings after the change, not only for the members sent. A queue deleted since is
 * still known to be FIFO by its name (SQS: FIFO queue names end in `.fifo`).
 */
function checkMerged(deps: LambdaDeps, r: EventSourceMappingRecord, target: Target | undefined): void {
  const queue = deps.queues.queueByArn(r.eventSourceArn);
  checkForQueue(r.batchSize, r.maximumBatchingWindowInSeconds, queue?.fifo ?? r.eventSourceArn.endsWith('.fifo'));
  const ref = parseFunctionName(r.functionArn);
  const fn = target?.fn ?? (ref && deps.functions.get(r, ref.name, ref.qualifier ?? LATEST));
  if (queue && fn) checkVisibility(deps, queue, fn);
}

export const updateEventSourceMapping: LambdaHandler = async (api, [uuid], deps) => {
  const input = checkMappingInput(await readJsonBody(api, 'UpdateEventSourceMapping', MAX_REQUEST_BYTES), false);
  const scope = scopeOf(api);
  deps.eventSourceMappings.get(scope, uuid!);
  const target = input.FunctionName === undefined || input.FunctionName === null ? undefined : resolveTarget(api, deps, input.FunctionName);
  const updated = await deps.eventSourceMappings.update(scope, uuid!, (r) => {
    applyUpdate(r, input, target);
    checkMerged(deps, r, target);
  });
  sendJson(api.res, api.requestId, 202, mappingConfiguration(updated));
};

export const deleteEventSourceMapping: LambdaHandler = async (api, [uuid], deps) => {
  sendJson(api.res, api.requestId, 202, mappingConfiguration(await deps.eventSourceMappings.delete(scopeOf(api), uuid!)));
};

/**
 * FunctionName filter: an unqualified name matches the function's mappings whatever their qualifier, a qualified
 * one only mappings of that version or alias. The function need not exist any more: DeleteFunction leaves its
 * mappings behind (lambda-api.md §5), and listing them is how they are found and removed.
 */
function functionFilter(api: ApiRequest, raw: string | null): (r: EventSourceMappingRecord) => boolean {
  if (raw === null) return () => true;
  const ref = resolveFunctionRef(api.caller, raw, undefined, true);
  const base = functionArn(ref.scope.region, ref.scope.account, ref.name);
  if (ref.qualifier !== undefined) return (r) => r.functionArn === `${base}:${ref.qualifier}`;
  return (r) => r.functionArn === base || r.functionArn.startsWith(`${base}:`);
}

/** Pages in UUID order; the marker is the last UUID of the previous page, so deletions in between lose nothing. */
export const listEventSourceMappings: LambdaHandler = async (api, _params, deps) => {
  const sourceArn = api.query.get('EventSourceArn') ?? undefined;
  const limit = pageSize(api, 10000, MAX_PAGE, (c) => c.pattern(sourceArn, 'eventSourceArn', EVENT_SOURCE_ARN));
  const byFunction = functionFilter(api, api.query.get('FunctionName'));
  const after = api.query.get('Marker') ?? '';
  const matches = deps.eventSourceMappings.list(scopeOf(api),
    (r) => r.uuid > after && (sourceArn === undefined || r.eventSourceArn === sourceArn) && byFunction(r));
  const page = matches.slice(0, limit);
  const out: Record<string, unknown> = { EventSourceMappings: page.map(mappingConfiguration) };
  if (matches.length > page.length) out.NextMarker = page[page.length - 1]!.uuid;
  sendJson(api.res, api.requestId, 200, out);
};
