import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError, isAwsError } from '../../core/errors.js';
import { newRequestId } from '../../core/ids.js';
import { verifyBuffered, type GatewayAuth } from '../../gateway/auth.js';
import { readBody } from '../../gateway/request.js';
import type { HttpFront } from '../../gateway/server.js';
import type { ApiDocuments, Owned } from '../engine/api-documents.js';
import { invocationType } from '../engine/custom-integration.js';
import type { TemplateRunner } from '../engine/template-runner.js';
import { httpLambdaTarget, stageConfig, type HttpApi } from '../engine/http-api.js';
import { headerPairs, headerValue, isTextContentType, matchesMediaType, queryPairs, requestTime, type HttpRequest } from '../engine/http-request.js';
import type { CallOutcome, LambdaIntegration } from '../engine/lambda-integration.js';
import { TemplateError, type TemplateInput } from '../engine/mapping-template.js';
import { payloadV1, payloadV2, type CallerIdentity, type RouteMatch } from '../engine/proxy-event.js';
import { frontError, headersValid, MalformedProxyResponse, responseV1, responseV2, type HttpResponse } from '../engine/proxy-response.js';
import { lambdaTarget, type Method, type Resource, type RestApi } from '../engine/rest-api.js';
import { bestMatch, selectRoute } from '../engine/routes.js';
import type { Logger } from 'pino';

/** API Gateway's payload limit: 10 MB. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** `<api-id>.execute-api.<domain>[:port]`: `localhost`, `<region>.localhost`, or AWS's own `<region>.amazonaws.com`. */
const HOST = /^([a-z0-9-]+)\.execute-api\.[^:/]*?\.?(?::[^:/]*)?$/i;
/** The path-style form that needs no DNS: `/_execute-api/<api-id>/<stage>/<path>`. */
export const PATH_PREFIX = '/_execute-api/';

export interface ExecuteApiDeps {
  /** The account a well-formed signature maps to (lambkin's dev mode verifies no signature yet). */
  defaultAccount: string;
  restApis: ApiDocuments<RestApi>;
  /** Mapping templates and selection patterns run in worker threads, off the event loop. */
  templates: TemplateRunner;
  httpApis: ApiDocuments<HttpApi>;
  lambda: LambdaIntegration;
  log: Logger;
  /** Strict auth mode: AWS_IAM methods take only requests verifiably signed by a known key, as that key's account. */
  auth?: GatewayAuth;
}

/** Where a request is addressed: the API id and the path after it (stage included), as sent. */
function address(req: IncomingMessage, path: string): { apiId: string; rest: string; domain: string } | undefined {
  const host = req.headers.host ?? '';
  const hostMatch = HOST.exec(host);
  if (hostMatch) return { apiId: hostMatch[1]!.toLowerCase(), rest: path, domain: host.replace(/:[^:]*$/, '').replace(/\.$/, '') };
  if (!path.startsWith(PATH_PREFIX)) return undefined;
  const tail = path.slice(PATH_PREFIX.length);
  const slash = tail.indexOf('/');
  const apiId = slash < 0 ? tail : tail.slice(0, slash);
  return { apiId, rest: slash < 0 ? '/' : tail.slice(slash), domain: `${apiId}.execute-api.localhost` };
}

const REST_ERROR = 'InternalServerErrorException';

/** The stage URLs of REST and HTTP APIs (issue 6): finds the API, stage and route, calls the function, answers. */
export function executeApiFront(deps: ExecuteApiDeps): HttpFront {
  return {
    name: 'execute-api',
    claims: (req, path) => HOST.test(req.headers.host ?? '') || path.startsWith(PATH_PREFIX),
    serve: async (req, res, path, query) => {
      const where = address(req, path)!;
      const requestId = newRequestId();
      const rest = deps.restApis.byApiId(where.apiId);
      const http = rest ? undefined : deps.httpApis.byApiId(where.apiId);
      if (!rest && !http) {
        req.resume();
        return send(res, requestId, frontError(404, 'Not Found'));
      }
      let body: Buffer;
      try {
        body = await readBody(req, MAX_BODY_BYTES, () => new AwsError('RequestTooLong', 413, 'Request Too Long'));
      } catch (err) {
        if (!isAwsError(err)) throw err;
        return send(res, requestId, frontError(413, 'Request Too Long'), true);
      }
      const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
      const request: HttpRequest = {
        method: req.method ?? 'GET', rawPath: where.rest, rawQueryString: query, headers: forwarded(headerPairs(req.rawHeaders), sourceIp, req.socket.localPort),
        body, sourceIp, protocol: `HTTP/${req.httpVersion}`, domainName: where.domain, timeMs: Date.now(), requestId,
      };
      const verify = () => verifyBuffered(deps.auth!, 'execute-api', { method: request.method, path, query, rawHeaders: req.rawHeaders }, body);
      const answer = rest ? await serveRest(deps, rest, request, verify) : await serveHttp(deps, http!, request);
      send(res, requestId, answer);
    },
  };
}

/** API Gateway adds the client's address, the port and the protocol, as a load balancer would. */
function forwarded(headers: Array<[string, string]>, sourceIp: string, port: number | undefined): Array<[string, string]> {
  const out = headers.filter(([k]) => !/^x-forwarded-(port|proto)$/i.test(k));
  const i = out.findIndex(([k]) => k.toLowerCase() === 'x-forwarded-for');
  if (i >= 0) out[i] = [out[i]![0], `${out[i]![1]}, ${sourceIp}`];
  else out.push(['X-Forwarded-For', sourceIp]);
  out.push(['X-Forwarded-Port', String(port ?? 80)], ['X-Forwarded-Proto', 'http']);
  return out;
}

/**
 * Headers that describe the connection or the framing are API Gateway's own: a function's values go out renamed
 * (`x-amzn-Remapped-Content-Length`), so a function can never break the response framing.
 */
const REMAPPED = new Set(['content-length', 'connection', 'transfer-encoding', 'keep-alive', 'upgrade', 'date', 'server']);

function send(res: ServerResponse, requestId: string, r: HttpResponse, close = false): void {
  const flat: string[] = [];
  for (const [k, v] of r.headers) flat.push(REMAPPED.has(k.toLowerCase()) ? `x-amzn-Remapped-${k}` : k, v);
  const bodiless = r.status === 204 || r.status === 304 || r.status < 200;
  flat.push('x-amzn-RequestId', requestId);
  if (!bodiless) flat.push('Content-Length', String(r.body.length));
  if (close) flat.push('Connection', 'close');
  res.writeHead(r.status, flat);
  res.end(bodiless ? undefined : r.body);
}

const segments = (rawPath: string) => rawPath.split('/').filter((s) => s !== '');

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function sourceArn(owner: Owned<unknown>, stage: string, method: string, path: string): string {
  return `arn:aws:execute-api:${owner.region}:${owner.account}:${owner.id}/${stage}/${method}/${path.replace(/^\//, '')}`;
}

function templateInput(req: HttpRequest, pathParameters: Record<string, string>, context: Record<string, unknown>, stageVariables: Record<string, string>): TemplateInput {
  const header: Record<string, string> = {};
  for (const [k, v] of req.headers) header[k] = v;
  const querystring: Record<string, string> = {};
  for (const [k, v] of queryPairs(req.rawQueryString)) querystring[k] = v;
  return { body: req.body.toString('utf8'), params: { path: pathParameters, querystring, header }, context, stageVariables };
}

// ---- REST APIs ----------------------------------------------------------------------------------------------------

const restInternalError = () => frontError(500, 'Internal server error', REST_ERROR);

async function serveRest(deps: ExecuteApiDeps, owned: Owned<RestApi>, req: HttpRequest, verify: () => ReturnType<typeof verifyBuffered>): Promise<HttpResponse> {
  const [stageName, ...rest] = segments(req.rawPath);
  const stage = stageName === undefined ? undefined : owned.doc.stages[decodeSegment(stageName)];
  if (!stage) return frontError(403, 'Forbidden', 'ForbiddenException');
  const deployment = owned.doc.deployments[stage.deploymentId];
  if (!deployment) return frontError(403, 'Forbidden', 'ForbiddenException');
  const path = `/${rest.join('/')}`;
  const hit = bestMatch(Object.values(deployment.snapshot.resources), (r: Resource) => r.path, path);
  const method: Method | undefined = hit?.candidate.resourceMethods?.[req.method] ?? hit?.candidate.resourceMethods?.ANY;
  if (!hit || !method) return frontError(403, 'Missing Authentication Token', 'MissingAuthenticationTokenException');
  let caller: CallerIdentity | undefined;
  if (method.authorizationType === 'AWS_IAM' && deps.auth) {
    const verified = verify();
    if ('refused' in verified) return frontError(403, verified.message, verified.code);
    caller = iamIdentity(verified.accessKeyId, verified.accountId);
  } else if (method.authorizationType === 'AWS_IAM') {
    const signed = iamCaller(req, deps.defaultAccount);
    if (typeof signed === 'string') return signed === 'missing'
      ? frontError(403, 'Missing Authentication Token', 'MissingAuthenticationTokenException')
      : frontError(403, 'Credential should be scoped to correct service: \'execute-api\'. ', 'InvalidSignatureException');
    caller = signed;
  }
  const integration = method.methodIntegration;
  const functionArn = lambdaTarget(integration?.uri);
  if (!integration || !functionArn || integration.httpMethod !== 'POST') {
    deps.log.warn({ api: owned.id, path: hit.candidate.path, method: req.method }, 'API request failed: the method has no Lambda integration lambkin can call (AWS or AWS_PROXY, POST)');
    return restInternalError();
  }
  const resource = hit.candidate;
  const request = { ...req, rawPath: path };
  const accept = headerValue(req, 'accept')?.split(',')[0];
  const decodeBinary = matchesMediaType(accept, deployment.snapshot.binaryMediaTypes);
  const stageVariables = stage.variables ?? {};
  const call = {
    functionArn, sourceArn: sourceArn(owned, stage.stageName, req.method, resource.path), sourceAccount: owned.account,
    requestId: req.requestId, timeoutMs: integration.timeoutInMillis,
  };
  if (integration.type === 'AWS_PROXY') {
    const route: RouteMatch = {
      accountId: owned.account, apiId: owned.id, stage: stage.stageName, resource: resource.path, resourceId: resource.id,
      pathParameters: hit.match.pathParameters, stageVariables,
      binaryBody: matchesMediaType(headerValue(req, 'content-type'), deployment.snapshot.binaryMediaTypes),
      ...(caller ? { caller } : {}),
    };
    const outcome = await deps.lambda.call({ ...call, payload: Buffer.from(JSON.stringify(payloadV1(request, route))) }, 'RequestResponse');
    return proxyAnswer(deps, outcome, (payload) => responseV1(payload, decodeBinary), () => frontError(502, 'Internal server error', REST_ERROR), restInternalError,
      () => frontError(504, 'Endpoint request timed out', 'IntegrationTimeoutException'));
  }
  if (integration.type !== 'AWS') return restInternalError();
  const context = {
    accountId: owned.account, apiId: owned.id, httpMethod: req.method, requestId: req.requestId, extendedRequestId: req.requestId,
    resourceId: resource.id, resourcePath: resource.path, stage: stage.stageName, path: `/${stage.stageName}${path}`, protocol: req.protocol,
    requestTime: requestTime(req.timeMs), requestTimeEpoch: req.timeMs, domainName: req.domainName,
    identity: {
      sourceIp: req.sourceIp, userAgent: headerValue(req, 'user-agent') ?? '', accessKey: caller?.accessKey ?? '', accountId: caller?.accountId ?? '',
      caller: caller?.caller ?? '', user: caller?.user ?? '', userArn: caller?.userArn ?? '',
    },
  };
  const input = templateInput(request, hit.match.pathParameters, context, stageVariables);
  try {
    const mapped = await deps.templates.mapRequest({ integration, contentType: headerValue(req, 'content-type'), input }, integration.timeoutInMillis);
    if ('unsupportedMediaType' in mapped) return frontError(415, 'Unsupported Media Type', 'UnsupportedMediaTypeException');
    if (!isJson(mapped.body)) {
      deps.log.warn({ api: owned.id, path: resource.path }, 'API request failed: the mapped request body is not JSON, so Lambda refuses it');
      return restInternalError();
    }
    const type = invocationType(integration, input);
    if (type !== 'Event' && type !== 'RequestResponse' && type !== 'DryRun') {
      deps.log.warn({ api: owned.id, path: resource.path, invocationType: type }, 'API request failed: Lambda refuses this X-Amz-Invocation-Type');
      return restInternalError();
    }
    const outcome = await deps.lambda.call({ ...call, payload: Buffer.from(mapped.body) }, type);
    if (outcome.kind === 'failed') return restInternalError();
    if (outcome.kind === 'timeout') return frontError(504, 'Endpoint request timed out', 'IntegrationTimeoutException');
    const payload = outcome.kind === 'result' ? outcome.result.payload.toString('utf8') : '';
    const functionError = outcome.kind === 'result' && outcome.result.functionError;
    const { selected, answer } = await deps.templates.mapResponse({ integration, functionError, payload, input }, integration.timeoutInMillis);
    if (!selected || !answer) {
      deps.log.warn({ api: owned.id, path: resource.path }, 'API request failed: no integration response matches and none is the default');
      return restInternalError();
    }
    if (!headersValid(answer.headers)) {
      deps.log.warn({ api: owned.id, path: resource.path }, 'API request failed: a mapped response header is not valid in HTTP');
      return restInternalError();
    }
    return { status: answer.status, headers: answer.headers, body: Buffer.from(answer.body) };
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    deps.log.warn({ api: owned.id, path: resource.path, err: err.message }, 'API request failed: mapping template');
    return restInternalError();
  }
}

/**
 * The caller of an AWS_IAM method: a SigV4 signature (header or presigned query) scoped to `execute-api`. 'missing'
 * when unsigned, 'wrong-service' when signed for another service. Signatures themselves are verified in strict mode.
 */
function iamCaller(req: HttpRequest, account: string): CallerIdentity | 'missing' | 'wrong-service' {
  const auth = headerValue(req, 'authorization') ?? '';
  const fromHeader = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth);
  const query = new URLSearchParams(req.rawQueryString);
  const fromQuery = query.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256' ? /^([^/]+)\/\d{8}\/[^/]+\/([^/]+)\/aws4_request$/.exec(query.get('X-Amz-Credential') ?? '') : null;
  const m = fromHeader ?? fromQuery;
  if (!m) return 'missing';
  if (m[2] !== 'execute-api') return 'wrong-service';
  return iamIdentity(m[1]!, account);
}

function iamIdentity(accessKey: string, account: string): CallerIdentity {
  return { accessKey, accountId: account, caller: accessKey, user: accessKey, userArn: `arn:aws:iam::${account}:root` };
}

function isJson(text: string): boolean {
  if (text.trim() === '') return true;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A proxy integration's answer: the function's response mapped, or the front's own error. */
function proxyAnswer(
  deps: ExecuteApiDeps, outcome: CallOutcome, map: (payload: string) => HttpResponse, bad: () => HttpResponse, failed: () => HttpResponse,
  timedOut: () => HttpResponse,
): HttpResponse {
  if (outcome.kind === 'failed' || outcome.kind === 'accepted') return failed();
  if (outcome.kind === 'timeout') return timedOut();
  if (outcome.result.functionError) return bad();
  try {
    return map(outcome.result.payload.toString('utf8'));
  } catch (err) {
    if (!(err instanceof MalformedProxyResponse)) throw err;
    deps.log.warn({ reason: err.message }, 'API request failed: malformed Lambda proxy response');
    return bad();
  }
}

// ---- HTTP APIs ----------------------------------------------------------------------------------------------------

async function serveHttp(deps: ExecuteApiDeps, owned: Owned<HttpApi>, req: HttpRequest): Promise<HttpResponse> {
  const api = owned.doc;
  const parts = segments(req.rawPath);
  const first = parts[0] === undefined ? undefined : decodeSegment(parts[0]);
  const named = first !== undefined && first !== '$default' ? api.stages[first] : undefined;
  const stage = named ?? api.stages.$default;
  if (!stage) return frontError(404, 'Not Found');
  const path = named ? `/${parts.slice(1).join('/')}` : req.rawPath;
  const config = stageConfig(api, stage);
  const selected = config ? selectRoute(Object.values(config.routes), req.method, path) : undefined;
  const integrationId = selected?.route.target ? /^integrations\/(.+)$/.exec(selected.route.target)?.[1] : undefined;
  const integration = integrationId ? config!.integrations[integrationId] : undefined;
  if (!selected || !integration) return frontError(404, 'Not Found');
  const functionArn = integration.integrationType === 'AWS_PROXY' ? httpLambdaTarget(integration.integrationUri) : undefined;
  const internal = () => frontError(500, 'Internal Server Error');
  if (!functionArn) {
    deps.log.warn({ api: owned.id, route: selected.route.routeKey }, 'API request failed: the route\'s integration is not a Lambda proxy integration');
    return internal();
  }
  const routeKey = selected.route.routeKey;
  // The event's paths keep a named stage (`/live/items/1`), as HTTP APIs send them; routes match without it.
  const request = req;
  const route = {
    accountId: owned.account, apiId: owned.id, stage: stage.stageName, resource: routeKey, routeKey, pathParameters: selected.pathParameters,
    stageVariables: stage.stageVariables ?? {}, binaryBody: false,
  };
  const v2 = integration.payloadFormatVersion === '2.0';
  const event = v2 ? payloadV2(request, route) : payloadV1(request, { ...route, binaryBody: !isTextContentType(headerValue(req, 'content-type')) }, true);
  const arnPath = routeKey === '$default' ? '$default' : `${req.method}${routeKey.slice(routeKey.indexOf(' ') + 1)}`;
  const outcome = await deps.lambda.call({
    functionArn, sourceArn: `arn:aws:execute-api:${owned.region}:${owned.account}:${owned.id}/${stage.stageName}/${arnPath}`,
    sourceAccount: owned.account, payload: Buffer.from(JSON.stringify(event)), requestId: req.requestId, timeoutMs: integration.timeoutInMillis,
  }, 'RequestResponse');
  return proxyAnswer(deps, outcome, v2 ? responseV2 : responseV1, () => frontError(502, 'Internal Server Error'), internal,
    () => frontError(503, 'Service Unavailable'));
}
