import { functionArn } from '../../core/arn.js';
import { AwsError } from '../../core/errors.js';
import { Constraints } from '../../core/validation.js';
import { sendJson } from '../../gateway/protocols/rest-json.js';
import { readBody, type ApiRequest } from '../../gateway/request.js';
import type { FunctionRecord } from '../../store/store.js';
import { LATEST } from '../control/function-registry.js';
import type { InvokeResult } from '../invoke/invoker.js';
import type { LambdaDeps, LambdaHandler } from './context.js';
import { resolveFunctionRef, type ResolvedRef } from './function-ref.js';

const INVOCATION_TYPES = ['Event', 'RequestResponse', 'DryRun'];
const MAX_CLIENT_CONTEXT = 3583;

function header(api: ApiRequest, name: string): string | undefined {
  const v = api.req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

const tooLarge = (max: number) => () =>
  new AwsError('RequestTooLargeException', 413, `Request must be smaller than ${max} bytes for the InvokeFunction operation`);

function checkJson(payload: Buffer): void {
  if (payload.length === 0) return;
  try {
    JSON.parse(payload.toString('utf8'));
  } catch (err) {
    throw new AwsError('InvalidRequestContentException', 400,
      `Could not parse request body into json: Could not parse payload into json: ${(err as Error).message}`);
  }
}

/** `X-Amz-Client-Context`: base64 of a JSON object; the runtime receives the decoded text. */
function clientContext(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const text = Buffer.from(raw, 'base64').toString('utf8');
  try {
    const parsed = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null) return text;
  } catch {
    // fall through to the error below
  }
  throw new AwsError('InvalidRequestContentException', 400, 'Client context must be a valid Base64-encoded JSON object.');
}

function requireActive(fn: FunctionRecord): void {
  if (fn.state !== 'Active') {
    throw new AwsError('ResourceConflictException', 409,
      `The operation cannot be performed at this time. The function is currently in the following state: ${fn.state}`);
  }
}

/** Invoke (lambda-api.md §6): POST /2015-03-31/functions/{FunctionName}/invocations */
export const invoke: LambdaHandler = async (api, [raw], deps) => {
  const type = header(api, 'x-amz-invocation-type') ?? 'RequestResponse';
  const logType = header(api, 'x-amz-log-type') ?? 'None';
  const rawContext = header(api, 'x-amz-client-context');
  new Constraints().oneOf(type, 'invocationType', INVOCATION_TYPES).oneOf(logType, 'logType', ['None', 'Tail'])
    .length(rawContext, 'clientContext', 0, MAX_CLIENT_CONTEXT).check();
  const ref = resolveFunctionRef(api.caller, raw!, api.query.get('Qualifier'), true);
  const fn = deps.functions.require(ref.scope, ref.name, ref.qualifier ?? LATEST);
  const max = type === 'Event' ? deps.config.maxAsyncPayloadBytes : deps.config.maxSyncPayloadBytes;
  const payload = await readBody(api.req, max, tooLarge(max));
  checkJson(payload);
  requireActive(fn);
  if (type === 'DryRun') return sendJson(api.res, api.requestId, 204);
  const invokedArn = functionArn(ref.scope.region, ref.scope.account, ref.name, ref.qualifier);
  if (type === 'Event') {
    await accept(api, deps, ref, invokedArn, payload);
    return sendJson(api.res, api.requestId, 202);
  }
  const context = clientContext(rawContext);
  const result = await deps.invoker.invoke({
    fn, payload, requestId: api.requestId, tail: logType === 'Tail', invokedArn,
    ...(context ? { clientContext: context } : {}),
  });
  sendResult(api, result);
};

/** Accepted means durable: the caller's 202 waits until the event is committed (invocation-semantics.md §2). */
async function accept(api: ApiRequest, deps: LambdaDeps, ref: ResolvedRef, invokedArn: string, payload: Buffer): Promise<void> {
  await deps.asyncInvocations.enqueue({
    ...ref.scope, name: ref.name, qualifier: ref.qualifier ?? LATEST, invokedArn, requestId: api.requestId, payload: payload.toString('utf8'),
  });
}

/**
 * InvokeAsync, the deprecated form of an Event invoke: POST /2014-11-13/functions/{FunctionName}/invoke-async/,
 * answered 202 with `{"Status": 202}`. Unqualified only.
 */
export const invokeAsync: LambdaHandler = async (api, [raw], deps) => {
  const ref = resolveFunctionRef(api.caller, raw!, undefined, true);
  const fn = deps.functions.require(ref.scope, ref.name, ref.qualifier ?? LATEST);
  const max = deps.config.maxAsyncPayloadBytes;
  const payload = await readBody(api.req, max, tooLarge(max));
  checkJson(payload);
  requireActive(fn);
  await accept(api, deps, ref, functionArn(ref.scope.region, ref.scope.account, ref.name, ref.qualifier), payload);
  sendJson(api.res, api.requestId, 202, { Status: 202 });
};

function sendResult(api: ApiRequest, result: InvokeResult): void {
  const headers: Record<string, string | number> = {
    'x-amzn-RequestId': api.requestId,
    'X-Amz-Executed-Version': result.executedVersion,
    'Content-Type': result.contentType || 'application/json',
    'Content-Length': result.payload.length,
  };
  if (result.functionError) headers['X-Amz-Function-Error'] = 'Unhandled';
  if (result.logResult !== undefined) headers['X-Amz-Log-Result'] = result.logResult;
  api.res.writeHead(200, headers);
  api.res.end(result.payload);
}
