import { BARE_NAME_PATTERN } from '../../core/arn.js';
import { AwsError, isAwsError } from '../../core/errors.js';
import { Constraints, invalidParameter } from '../../core/validation.js';
import { sendJson } from '../../gateway/protocols/rest-json.js';
import type { ApiRequest } from '../../gateway/request.js';
import type { FunctionRecord } from '../../store/store.js';
import { applyLogLevels, LATEST, type Scope } from '../control/function-registry.js';
import { MAX_UNZIPPED_BYTES } from '../control/code-store.js';
import { CONFIG_TYPES, requireTypes, validateConfig, type ConfigInput } from '../control/function-input.js';
import type { LambdaDeps, LambdaHandler } from './context.js';
import { functionConfiguration } from './function-view.js';
import { readJsonBody, resolveFunctionRef } from './function-ref.js';
import { pageSize } from './paging.js';

/** AWS's cap on a JSON request carrying a base64 zip: 50 MB of zip once encoded. */
const MAX_CODE_REQUEST_BYTES = 69_905_067;
const MAX_CONFIG_REQUEST_BYTES = 1024 * 1024;

const scopeOf = (api: ApiRequest): Scope => ({ account: api.caller.account, region: api.caller.region });

/** Only `$LATEST` exists until versions are published; other qualifiers name nothing yet. */
function requireRecord(deps: LambdaDeps, api: ApiRequest, raw: string, namespaced = true): FunctionRecord {
  const ref = resolveFunctionRef(api.caller, raw, api.query.get('Qualifier'), namespaced);
  return deps.functions.require(ref.scope, ref.name, ref.qualifier ?? LATEST);
}

function decodeZip(value: unknown, field: string): Buffer {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
    throw new AwsError('InvalidRequestContentException', 400, `Could not parse request body into json: ${field} is not valid base64`);
  }
  const zip = Buffer.from(value, 'base64');
  if (zip.length === 0) throw invalidParameter('Could not unzip uploaded file. Please check your file, then try to upload again.');
  return zip;
}

/** The deployment package: inline (`ZipFile`) or an object in lambkin's S3 (`S3Bucket` + `S3Key`). */
async function codeFrom(deps: LambdaDeps, body: Record<string, unknown>, fieldPrefix: string, region: string): Promise<Buffer> {
  if (body.ZipFile !== undefined) return decodeZip(body.ZipFile, `${fieldPrefix}ZipFile`);
  if (body.S3Bucket !== undefined || body.S3Key !== undefined) return codeFromS3(deps, body, fieldPrefix, region);
  if (body.ImageUri !== undefined) throw invalidParameter('Container image functions are not supported by lambkin.');
  throw invalidParameter('Please provide a source for function code.');
}

async function codeFromS3(deps: LambdaDeps, body: Record<string, unknown>, fieldPrefix: string, region: string): Promise<Buffer> {
  const bucket = body.S3Bucket;
  const key = body.S3Key;
  if (typeof bucket !== 'string' || typeof key !== 'string') {
    throw invalidParameter(`Please provide both ${fieldPrefix}S3Bucket and ${fieldPrefix}S3Key.`);
  }
  new Constraints().length(bucket, `${fieldPrefix.toLowerCase()}s3Bucket`, 3, 63).length(key, `${fieldPrefix.toLowerCase()}s3Key`, 1, 1024).check();
  if (body.S3ObjectVersion !== undefined) {
    throw invalidParameter('S3ObjectVersion is not supported by lambkin: its buckets are not versioned. Omit it to use the current object.');
  }
  try {
    const zip = await deps.codeObjects.readObject(bucket, key, MAX_UNZIPPED_BYTES, region);
    if (zip.length === 0) throw invalidParameter('Could not unzip uploaded file. Please check your file, then try to upload again.');
    return zip;
  } catch (err) {
    if (isAwsError(err) && err.code !== 'InvalidParameterValueException') {
      // Lambda's wording for a failed read of the code object.
      throw invalidParameter(`Error occurred while GetObject. S3 Error Code: ${err.code}. S3 Error Message: ${err.message}`);
    }
    throw err;
  }
}

export const createFunction: LambdaHandler = async (api, _params, deps) => {
  const body = await readJsonBody(api, 'CreateFunction', MAX_CODE_REQUEST_BYTES);
  requireTypes(body, { ...CONFIG_TYPES, FunctionName: 'string', Code: 'object', Tags: 'object', Publish: 'boolean', PackageType: 'string' });
  const input = body as ConfigInput & { FunctionName?: string; Code?: Record<string, unknown>; Tags?: Record<string, string>; PackageType?: string; Publish?: boolean };
  new Constraints().required(input.FunctionName, 'functionName').required(input.Role, 'role').required(input.Code, 'code').check();
  const ref = resolveFunctionRef(api.caller, input.FunctionName!, undefined, false);
  if (ref.qualifier !== undefined) throw invalidParameter('Function name cannot be qualified for this operation.');
  new Constraints().length(ref.name, 'functionName', 1, 64).pattern(ref.name, 'functionName', BARE_NAME_PATTERN).check('InvalidParameterValueException');
  validateConfig(input);
  if (input.PackageType === 'Image') throw invalidParameter('Container image functions are not supported by lambkin.');
  if (input.Runtime === undefined || input.Handler === undefined) {
    // AWS's text for either member missing on a Zip function.
    throw invalidParameter('Runtime and Handler are mandatory parameters for functions created with deployment packages.');
  }
  if (input.Publish) throw invalidParameter('Publishing versions is not supported by lambkin yet.');
  const zip = await codeFrom(deps, input.Code!, 'Code.', ref.scope.region);
  const record = await deps.functions.create(ref.scope, { ...input, name: ref.name, zip, tags: validTags(input.Tags) });
  sendJson(api.res, api.requestId, 201, functionConfiguration(record));
};

function validTags(tags: Record<string, string> | undefined): Record<string, string> {
  for (const [k, v] of Object.entries(tags ?? {})) {
    if (typeof v !== 'string' || k.length < 1 || k.length > 128 || v.length > 256) throw invalidParameter(`Invalid tag: ${k}`);
  }
  return tags ?? {};
}

export const getFunction: LambdaHandler = async (api, [raw], deps) => {
  const r = requireRecord(deps, api, raw!);
  const out: Record<string, unknown> = {
    Configuration: functionConfiguration(r),
    Code: { RepositoryType: 'S3', Location: deps.codeUrls.url(api.origin, r.codeSha256Hex) },
  };
  if (Object.keys(r.tags).length) out.Tags = r.tags;
  const reserved = deps.concurrency.reservation(r, r.name);
  if (reserved !== undefined && api.query.get('Qualifier') === null) out.Concurrency = { ReservedConcurrentExecutions: reserved };
  sendJson(api.res, api.requestId, 200, out);
};

export const getFunctionConfiguration: LambdaHandler = async (api, [raw], deps) => {
  sendJson(api.res, api.requestId, 200, functionConfiguration(requireRecord(deps, api, raw!)));
};

export const listFunctions: LambdaHandler = async (api, _params, deps) => {
  const functionVersion = api.query.get('FunctionVersion') ?? undefined;
  const limit = pageSize(api, 10000, 50, (c) => c.oneOf(functionVersion, 'functionVersion', ['ALL']));
  const page = await deps.functions.list(scopeOf(api), {
    limit,
    allVersions: functionVersion === 'ALL',
    ...(api.query.get('Marker') ? { after: api.query.get('Marker')! } : {}),
  });
  const out: Record<string, unknown> = { Functions: page.items.map(functionConfiguration) };
  if (page.next) out.NextMarker = page.next;
  sendJson(api.res, api.requestId, 200, out);
};

export const updateFunctionCode: LambdaHandler = async (api, [raw], deps) => {
  const body = await readJsonBody(api, 'UpdateFunctionCode', MAX_CODE_REQUEST_BYTES);
  requireTypes(body, { ZipFile: 'string', S3Bucket: 'string', S3Key: 'string', S3ObjectVersion: 'string', RevisionId: 'string', DryRun: 'boolean', Publish: 'boolean', Architectures: 'array' });
  const ref = resolveFunctionRef(api.caller, raw!, undefined, false);
  deps.functions.require(ref.scope, ref.name);
  if (body.Publish) throw invalidParameter('Publishing versions is not supported by lambkin yet.');
  const zip = await codeFrom(deps, body, '', ref.scope.region);
  const revision = body.RevisionId as string | undefined;
  if (body.DryRun) {
    await deps.functions.code.put(zip);
    sendJson(api.res, api.requestId, 200, functionConfiguration(deps.functions.require(ref.scope, ref.name)));
    return;
  }
  const record = await deps.functions.update(ref.scope, ref.name, revision, async (r) => {
    const code = await deps.functions.code.put(zip);
    r.codeSha256Hex = code.sha256Hex;
    r.codeSize = code.size;
  });
  sendJson(api.res, api.requestId, 200, functionConfiguration(record));
};

export const updateFunctionConfiguration: LambdaHandler = async (api, [raw], deps) => {
  const body = await readJsonBody(api, 'UpdateFunctionConfiguration', MAX_CONFIG_REQUEST_BYTES);
  requireTypes(body, CONFIG_TYPES);
  const input = body as ConfigInput;
  const ref = resolveFunctionRef(api.caller, raw!, undefined, false);
  deps.functions.require(ref.scope, ref.name);
  validateConfig(input);
  const record = await deps.functions.update(ref.scope, ref.name, input.RevisionId, (r) => applyConfig(r, input));
  sendJson(api.res, api.requestId, 200, functionConfiguration(record));
};

/** Omitted members stay as they are; Environment.Variables is replaced as a whole (AWS rule). */
function applyConfig(r: FunctionRecord, input: ConfigInput): void {
  if (input.Role !== undefined) r.role = input.Role;
  if (input.Runtime !== undefined) r.runtime = input.Runtime;
  if (input.Handler !== undefined) r.handler = input.Handler;
  if (input.Description !== undefined) r.description = input.Description;
  if (input.Timeout !== undefined) r.timeoutS = input.Timeout;
  if (input.MemorySize !== undefined) r.memoryMb = input.MemorySize;
  if (input.Environment !== undefined) r.environment = input.Environment.Variables ?? {};
  if (input.EphemeralStorage?.Size !== undefined) r.ephemeralStorageMb = input.EphemeralStorage.Size;
  if (input.TracingConfig?.Mode !== undefined) r.tracingMode = input.TracingConfig.Mode as 'Active' | 'PassThrough';
  if (input.DeadLetterConfig !== undefined) {
    if (input.DeadLetterConfig.TargetArn) r.deadLetterTargetArn = input.DeadLetterConfig.TargetArn;
    else delete r.deadLetterTargetArn;
  }
  if (input.LoggingConfig?.LogFormat !== undefined) r.logFormat = input.LoggingConfig.LogFormat as 'Text' | 'JSON';
  if (input.LoggingConfig?.LogGroup !== undefined) r.logGroup = input.LoggingConfig.LogGroup;
  applyLogLevels(r, input);
}

export const deleteFunction: LambdaHandler = async (api, [raw], deps) => {
  const ref = resolveFunctionRef(api.caller, raw!, api.query.get('Qualifier'), true);
  if (ref.qualifier === LATEST) throw invalidParameter('$LATEST version cannot be deleted without deleting the function.');
  if (ref.qualifier !== undefined) deps.functions.require(ref.scope, ref.name, ref.qualifier);
  await deps.functions.delete(ref.scope, ref.name);
  // What belongs to the function goes with it; its mappings stay, as on AWS (lambda-api.md §5).
  await deps.eventInvokeConfigs.deleteFunction(ref.scope, ref.name);
  await deps.policies.deleteFunction(ref.scope, ref.name);
  await deps.functionUrls.deleteFunction(ref.scope, ref.name);
  await deps.concurrency.unreserve(ref.scope, ref.name);
  sendJson(api.res, api.requestId, 204);
};
