import { functionArn } from '../../core/arn.js';
import { lambdaTimestamp } from '../../core/clock.js';
import { Constraints, invalidParameter } from '../../core/validation.js';
import { sendJson } from '../../gateway/protocols/rest-json.js';
import type { ApiRequest } from '../../gateway/request.js';
import type { FunctionUrlCors, FunctionUrlRecord } from '../../store/store.js';
import { requireTypes } from '../control/function-input.js';
import { LATEST, notFound, type Scope } from '../control/function-registry.js';
import { functionUrl, newUrlId } from '../urls/url-address.js';
import type { LambdaDeps, LambdaHandler } from './context.js';
import { readJsonBody, resolveFunctionRef } from './function-ref.js';
import { pageSize } from './paging.js';

const MAX_REQUEST_BYTES = 64 * 1024;
/** Shape FunctionUrlQualifier: an alias name (not a version number, not `$LATEST`). */
const URL_QUALIFIER = /^((?!^\d+$)^[0-9a-zA-Z-_]+$)$/;
const URL_QUALIFIER_TEXT = '((?!^\\d+$)^[0-9a-zA-Z-_]+$)';
const MAX_PAGE = 50;
/** What `Cors.AllowMethods` may name (the model caps each entry at 6 characters, which leaves OPTIONS out). */
const CORS_METHODS = ['GET', 'PUT', 'HEAD', 'POST', 'PATCH', 'DELETE', '*'];

interface Target {
  scope: Scope;
  name: string;
  /** '' for the unqualified function. */
  qualifier: string;
}

interface UrlInput {
  AuthType?: string;
  Cors?: FunctionUrlCors;
  InvokeMode?: string;
}

/**
 * The function (and alias) a URL request names. A URL belongs to the unqualified function or to an alias; lambkin
 * has no aliases yet, so any qualifier names an alias that does not exist (404, as AWS answers for one).
 */
function target(api: ApiRequest, deps: LambdaDeps, raw: string): Target {
  const qualifierParam = api.query.get('Qualifier') ?? undefined;
  new Constraints().length(qualifierParam, 'qualifier', 1, 128).pattern(qualifierParam, 'qualifier', URL_QUALIFIER, URL_QUALIFIER_TEXT).check();
  const ref = resolveFunctionRef(api.caller, raw, qualifierParam, false);
  deps.functions.require(ref.scope, ref.name, LATEST);
  if (ref.qualifier !== undefined) throw notFound(ref.scope, ref.name, ref.qualifier);
  return { scope: ref.scope, name: ref.name, qualifier: '' };
}

function checkList(c: Constraints, list: unknown, field: string, max: number, memberMin: number, memberMax: number): void {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list) || list.some((v) => typeof v !== 'string')) throw invalidParameter(`${field} must be a list of strings.`);
  c.count(list, field, 0, max);
  list.forEach((v: string, i) => c.length(v, `${field}.${i + 1}.member`, memberMin, memberMax));
}

/** Type and model checks of the request body (ValidationException), then Lambda's own rule for CORS methods. */
async function readInput(api: ApiRequest, op: string, authRequired: boolean): Promise<UrlInput> {
  const body = await readJsonBody(api, op, MAX_REQUEST_BYTES);
  requireTypes(body, { AuthType: 'string', Cors: 'object', InvokeMode: 'string' });
  const input = body as UrlInput;
  const cors = input.Cors;
  if (cors) requireTypes(cors as Record<string, unknown>, { AllowCredentials: 'boolean', MaxAge: 'number' });
  const c = new Constraints();
  if (authRequired) c.required(input.AuthType, 'authType');
  c.oneOf(input.AuthType, 'authType', ['NONE', 'AWS_IAM']).oneOf(input.InvokeMode, 'invokeMode', ['BUFFERED', 'RESPONSE_STREAM']);
  if (cors) {
    checkList(c, cors.AllowHeaders, 'cors.allowHeaders', 100, 0, 1024);
    checkList(c, cors.AllowMethods, 'cors.allowMethods', 6, 0, 6);
    checkList(c, cors.AllowOrigins, 'cors.allowOrigins', 100, 1, 253);
    checkList(c, cors.ExposeHeaders, 'cors.exposeHeaders', 100, 0, 1024);
    c.range(cors.MaxAge, 'cors.maxAge', 0, 86400);
  }
  c.check();
  for (const m of cors?.AllowMethods ?? []) {
    if (!CORS_METHODS.includes(m.toUpperCase())) throw invalidParameter(`Invalid HTTP method ${m} in Cors.AllowMethods. Valid methods: ${CORS_METHODS.join(', ')}.`);
  }
  return input;
}

/** Only the members the model knows, in its order; null members are left out. */
function corsOf(cors: FunctionUrlCors): FunctionUrlCors {
  const out: FunctionUrlCors = {};
  if (cors.AllowCredentials != null) out.AllowCredentials = cors.AllowCredentials;
  if (cors.AllowHeaders != null) out.AllowHeaders = cors.AllowHeaders;
  if (cors.AllowMethods != null) out.AllowMethods = cors.AllowMethods;
  if (cors.AllowOrigins != null) out.AllowOrigins = cors.AllowOrigins;
  if (cors.ExposeHeaders != null) out.ExposeHeaders = cors.ExposeHeaders;
  if (cors.MaxAge != null) out.MaxAge = cors.MaxAge;
  return out;
}

/** An empty `Cors` ({}) removes the URL's CORS settings. */
function setCors(record: FunctionUrlRecord, cors: FunctionUrlCors): void {
  const given = corsOf(cors);
  if (Object.keys(given).length === 0) delete record.cors;
  else record.cors = given;
}

/** The port the client reached lambkin on, for the URLs handed out. */
function portOf(api: ApiRequest): string | undefined {
  try {
    return new URL(api.origin).port || undefined;
  } catch {
    return undefined;
  }
}

/** FunctionUrlConfig as the API shows it; Create's answer has no LastModifiedTime. */
function urlView(api: ApiRequest, r: FunctionUrlRecord, withModified = true): Record<string, unknown> {
  const out: Record<string, unknown> = {
    FunctionUrl: functionUrl(r.urlId, r.region, portOf(api)),
    FunctionArn: functionArn(r.region, r.account, r.functionName, r.qualifier || undefined),
    AuthType: r.authType,
  };
  if (r.cors) out.Cors = r.cors;
  out.CreationTime = lambdaTimestamp(r.creationMs);
  if (withModified) out.LastModifiedTime = lambdaTimestamp(r.lastModifiedMs);
  out.InvokeMode = r.invokeMode;
  return out;
}

function freshUrlId(deps: LambdaDeps): string {
  for (;;) {
    const id = newUrlId();
    if (!deps.functionUrls.has(id)) return id;
  }
}

/** CreateFunctionUrlConfig: POST /2021-10-31/functions/{FunctionName}/url → 201 */
export const createFunctionUrlConfig: LambdaHandler = async (api, [raw], deps) => {
  const input = await readInput(api, 'CreateFunctionUrlConfig', true);
  const t = target(api, deps, raw!);
  const now = Date.now();
  const record: FunctionUrlRecord = {
    urlId: freshUrlId(deps), account: t.scope.account, region: t.scope.region, functionName: t.name, qualifier: t.qualifier,
    authType: input.AuthType as FunctionUrlRecord['authType'], invokeMode: (input.InvokeMode ?? 'BUFFERED') as FunctionUrlRecord['invokeMode'],
    creationMs: now, lastModifiedMs: now,
  };
  if (input.Cors) setCors(record, input.Cors);
  await deps.functionUrls.create(record);
  sendJson(api.res, api.requestId, 201, urlView(api, record, false));
};

/** GetFunctionUrlConfig: GET /2021-10-31/functions/{FunctionName}/url */
export const getFunctionUrlConfig: LambdaHandler = async (api, [raw], deps) => {
  const t = target(api, deps, raw!);
  sendJson(api.res, api.requestId, 200, urlView(api, deps.functionUrls.require(t.scope, t.name, t.qualifier)));
};

/** UpdateFunctionUrlConfig: PUT /2021-10-31/functions/{FunctionName}/url — members left out stay; a Cors given replaces the old one. */
export const updateFunctionUrlConfig: LambdaHandler = async (api, [raw], deps) => {
  const input = await readInput(api, 'UpdateFunctionUrlConfig', false);
  const t = target(api, deps, raw!);
  const record: FunctionUrlRecord = { ...deps.functionUrls.require(t.scope, t.name, t.qualifier), lastModifiedMs: Date.now() };
  if (input.AuthType != null) record.authType = input.AuthType as FunctionUrlRecord['authType'];
  if (input.InvokeMode != null) record.invokeMode = input.InvokeMode as FunctionUrlRecord['invokeMode'];
  if (input.Cors != null) setCors(record, input.Cors);
  await deps.functionUrls.put(record);
  sendJson(api.res, api.requestId, 200, urlView(api, record));
};

/** DeleteFunctionUrlConfig: DELETE /2021-10-31/functions/{FunctionName}/url → 204 */
export const deleteFunctionUrlConfig: LambdaHandler = async (api, [raw], deps) => {
  const t = target(api, deps, raw!);
  await deps.functionUrls.delete(t.scope, t.name, t.qualifier);
  sendJson(api.res, api.requestId, 204);
};

const encodeMarker = (qualifier: string) => Buffer.from(JSON.stringify(qualifier)).toString('base64url');

function decodeMarker(marker: string): string | undefined {
  try {
    const v = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8'));
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** ListFunctionUrlConfigs: GET /2021-10-31/functions/{FunctionName}/urls?Marker&MaxItems (at most 50 a page) */
export const listFunctionUrlConfigs: LambdaHandler = async (api, [raw], deps) => {
  const ref = resolveFunctionRef(api.caller, raw!, undefined, false);
  deps.functions.require(ref.scope, ref.name, LATEST);
  const limit = pageSize(api, MAX_PAGE, MAX_PAGE);
  const marker = api.query.get('Marker');
  const after = marker ? decodeMarker(marker) : undefined;
  if (marker && after === undefined) throw invalidParameter('Invalid marker.');
  const all = deps.functionUrls.list(ref.scope, ref.name).filter((r) => after === undefined || r.qualifier > after);
  const page = all.slice(0, limit);
  const out: Record<string, unknown> = { FunctionUrlConfigs: page.map((r) => urlView(api, r)) };
  if (all.length > page.length) out.NextMarker = encodeMarker(page[page.length - 1]!.qualifier);
  sendJson(api.res, api.requestId, 200, out);
};
