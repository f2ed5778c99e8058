import { functionArn, parseFunctionName } from '../../core/arn.js';
import { Constraints, invalidParameter } from '../../core/validation.js';
import { sendJson } from '../../gateway/protocols/rest-json.js';
import type { ApiRequest } from '../../gateway/request.js';
import type { EventInvokeConfigRecord } from '../../store/store.js';
import { requireTypes } from '../control/function-input.js';
import { LATEST, type Scope } from '../control/function-registry.js';
import type { LambdaDeps, LambdaHandler } from './context.js';
import { readJsonBody, resolveFunctionRef } from './function-ref.js';
import { pageSize } from './paging.js';

const MAX_REQUEST_BYTES = 64 * 1024;
/** Shape DestinationArn: 0–350 characters, this pattern (as the model spells it; AWS quotes it in errors). */
const DESTINATION_ARN_TEXT = '^$|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:([a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)';
const DESTINATION_ARN = new RegExp(`^(${DESTINATION_ARN_TEXT.slice(3)})?$`);
/** Services a destination may name (invocation-semantics.md §3); S3 buckets only on failure. */
const DESTINATION_SERVICES = new Set(['sqs', 'sns', 'lambda', 'events']);
const MAX_PAGE = 50;

interface Target {
  scope: Scope;
  name: string;
  qualifier: string;
  arn: string;
}

interface ConfigInput {
  MaximumRetryAttempts?: number;
  MaximumEventAgeInSeconds?: number;
  DestinationConfig?: { OnSuccess?: { Destination?: string }; OnFailure?: { Destination?: string } };
}

/** The function (and qualifier, `$LATEST` when none) the request names; it must exist. */
function target(api: ApiRequest, deps: LambdaDeps, raw: string): Target {
  const ref = resolveFunctionRef(api.caller, raw, api.query.get('Qualifier'), true);
  const qualifier = ref.qualifier ?? LATEST;
  deps.functions.require(ref.scope, ref.name, qualifier);
  return { scope: ref.scope, name: ref.name, qualifier, arn: functionArn(ref.scope.region, ref.scope.account, ref.name, qualifier) };
}

async function readInput(api: ApiRequest, op: string): Promise<ConfigInput> {
  const body = await readJsonBody(api, op, MAX_REQUEST_BYTES);
  requireTypes(body, { MaximumRetryAttempts: 'number', MaximumEventAgeInSeconds: 'number', DestinationConfig: 'object' });
  const input = body as ConfigInput;
  const dc = input.DestinationConfig;
  if (dc) {
    requireTypes(dc, { OnSuccess: 'object', OnFailure: 'object' });
    if (dc.OnSuccess) requireTypes(dc.OnSuccess, { Destination: 'string' });
    if (dc.OnFailure) requireTypes(dc.OnFailure, { Destination: 'string' });
  }
  new Constraints()
    .range(input.MaximumRetryAttempts, 'maximumRetryAttempts', 0, 2)
    .range(input.MaximumEventAgeInSeconds, 'maximumEventAgeInSeconds', 60, 21600)
    .length(dc?.OnSuccess?.Destination, 'destinationConfig.onSuccess.destination', 0, 350)
    .pattern(dc?.OnSuccess?.Destination, 'destinationConfig.onSuccess.destination', DESTINATION_ARN, DESTINATION_ARN_TEXT)
    .length(dc?.OnFailure?.Destination, 'destinationConfig.onFailure.destination', 0, 350)
    .pattern(dc?.OnFailure?.Destination, 'destinationConfig.onFailure.destination', DESTINATION_ARN, DESTINATION_ARN_TEXT)
    .check();
  checkDestination(dc?.OnSuccess?.Destination, false);
  checkDestination(dc?.OnFailure?.Destination, true);
  return input;
}

/** A destination must be a queue, topic, function or event bus (or, on failure, a bucket) (Lambda DG "Destinations"). */
function checkDestination(arn: string | undefined, onFailure: boolean): void {
  if (!arn) return;
  const service = arn.split(':')[2] ?? '';
  if (DESTINATION_SERVICES.has(service) || (onFailure && service === 's3')) return;
  throw invalidParameter(`The destination ARN ${arn} is invalid. Lambda supports Amazon SQS queues, Amazon SNS topics, Lambda functions and EventBridge event buses as destinations${onFailure ? ', and Amazon S3 buckets on failure' : ''}.`);
}

/**
 * A function destination must exist and must not be the configured function itself (which would invoke itself
 * with every record).
 */
function checkFunctionDestinations(deps: LambdaDeps, t: Target, input: ConfigInput): void {
  for (const arn of [input.DestinationConfig?.OnSuccess?.Destination, input.DestinationConfig?.OnFailure?.Destination]) {
    if (!arn || arn.split(':')[2] !== 'lambda') continue;
    const ref = parseFunctionName(arn);
    if (!ref || ref.account === undefined || ref.region === undefined) throw invalidParameter(`The destination ARN ${arn} is invalid.`);
    if (ref.account === t.scope.account && ref.region === t.scope.region && ref.name === t.name) {
      throw invalidParameter("You can't specify the function as a destination for itself.");
    }
    if (!deps.functions.get({ account: ref.account, region: ref.region }, ref.name, ref.qualifier ?? LATEST)) {
      throw invalidParameter(`The destination ARN ${arn} is invalid.`);
    }
  }
}

/** Put replaces: a setting the request leaves out is removed. */
function replaced(t: Target, input: ConfigInput, nowMs: number): EventInvokeConfigRecord {
  const r: EventInvokeConfigRecord = { account: t.scope.account, region: t.scope.region, functionName: t.name, qualifier: t.qualifier, lastModifiedMs: nowMs };
  return merged(r, input);
}

/** Update merges: a setting the request leaves out stays; an empty destination ARN removes that destination. */
function merged(r: EventInvokeConfigRecord, input: ConfigInput): EventInvokeConfigRecord {
  if (input.MaximumRetryAttempts != null) r.maximumRetryAttempts = input.MaximumRetryAttempts;
  if (input.MaximumEventAgeInSeconds != null) r.maximumEventAgeInSeconds = input.MaximumEventAgeInSeconds;
  const setDestination = (key: 'onSuccess' | 'onFailure', value: { Destination?: string } | undefined) => {
    if (value == null || value.Destination == null) return;
    if (value.Destination === '') delete r[key];
    else r[key] = value.Destination;
  };
  setDestination('onSuccess', input.DestinationConfig?.OnSuccess);
  setDestination('onFailure', input.DestinationConfig?.OnFailure);
  return r;
}

/** A Put must set something; an empty `DestinationConfig` (or `OnSuccess: {}`) counts as a destination setting. */
function requireSomeSetting(input: ConfigInput): void {
  if (input.MaximumRetryAttempts == null && input.MaximumEventAgeInSeconds == null && input.DestinationConfig == null) {
    throw invalidParameter('You must specify at least one of error handling or destination setting.');
  }
}

/** FunctionEventInvokeConfig as Lambda returns it (lambda-api.md §5). */
export function configView(r: EventInvokeConfigRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    LastModified: r.lastModifiedMs / 1000,
    FunctionArn: functionArn(r.region, r.account, r.functionName, r.qualifier),
  };
  if (r.maximumRetryAttempts !== undefined) out.MaximumRetryAttempts = r.maximumRetryAttempts;
  if (r.maximumEventAgeInSeconds !== undefined) out.MaximumEventAgeInSeconds = r.maximumEventAgeInSeconds;
  out.DestinationConfig = {
    OnSuccess: r.onSuccess ? { Destination: r.onSuccess } : {},
    OnFailure: r.onFailure ? { Destination: r.onFailure } : {},
  };
  return out;
}

/** PutFunctionEventInvokeConfig: PUT /2019-09-25/functions/{FunctionName}/event-invoke-config */
export const putEventInvokeConfig: LambdaHandler = async (api, [raw], deps) => {
  const input = await readInput(api, 'PutFunctionEventInvokeConfig');
  requireSomeSetting(input);
  const t = target(api, deps, raw!);
  checkFunctionDestinations(deps, t, input);
  const record = replaced(t, input, Date.now());
  await deps.eventInvokeConfigs.put(record);
  sendJson(api.res, api.requestId, 200, configView(record));
};

/** UpdateFunctionEventInvokeConfig: POST /2019-09-25/functions/{FunctionName}/event-invoke-config */
export const updateEventInvokeConfig: LambdaHandler = async (api, [raw], deps) => {
  const input = await readInput(api, 'UpdateFunctionEventInvokeConfig');
  const t = target(api, deps, raw!);
  const current = deps.eventInvokeConfigs.require(t.scope, t.name, t.qualifier, t.arn);
  checkFunctionDestinations(deps, t, input);
  const record = merged({ ...current, lastModifiedMs: Date.now() }, input);
  await deps.eventInvokeConfigs.put(record);
  sendJson(api.res, api.requestId, 200, configView(record));
};

/** GetFunctionEventInvokeConfig: GET /2019-09-25/functions/{FunctionName}/event-invoke-config */
export const getEventInvokeConfig: LambdaHandler = async (api, [raw], deps) => {
  const t = target(api, deps, raw!);
  sendJson(api.res, api.requestId, 200, configView(deps.eventInvokeConfigs.require(t.scope, t.name, t.qualifier, t.arn)));
};

/** DeleteFunctionEventInvokeConfig: DELETE /2019-09-25/functions/{FunctionName}/event-invoke-config */
export const deleteEventInvokeConfig: LambdaHandler = async (api, [raw], deps) => {
  const t = target(api, deps, raw!);
  deps.eventInvokeConfigs.require(t.scope, t.name, t.qualifier, t.arn);
  await deps.eventInvokeConfigs.delete(t.scope, t.name, t.qualifier);
  sendJson(api.res, api.requestId, 204);
};

/** ListFunctionEventInvokeConfigs: GET /2019-09-25/functions/{FunctionName}/event-invoke-config/list */
export const listEventInvokeConfigs: LambdaHandler = async (api, [raw], deps) => {
  const ref = resolveFunctionRef(api.caller, raw!, undefined, true);
  deps.functions.require(ref.scope, ref.name);
  const limit = pageSize(api, MAX_PAGE, MAX_PAGE);
  const after = api.query.get('Marker') ?? '';
  const all = deps.eventInvokeConfigs.list(ref.scope, ref.name).filter((r) => r.qualifier > after);
  const page = all.slice(0, limit);
  const out: Record<string, unknown> = { FunctionEventInvokeConfigs: page.map(configView) };
  if (all.length > page.length) out.NextMarker = page[page.length - 1]!.qualifier;
  sendJson(api.res, api.requestId, 200, out);
};
