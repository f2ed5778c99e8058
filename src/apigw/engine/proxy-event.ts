import { headerValue, isTextContentType, queryPairs, requestTime, type HttpRequest } from './http-request.js';

/** The signed caller of an AWS_IAM method, as `requestContext.identity` shows it. */
export interface CallerIdentity {
  accessKey: string;
  accountId: string;
  caller: string;
  user: string;
  userArn: string;
}

/** Where a request landed: the API, stage and route that matched it. */
export interface RouteMatch {
  accountId: string;
  apiId: string;
  stage: string;
  /** REST: the resource path template (`/items/{id}`); HTTP APIs: the route key (`GET /items/{id}`, `$default`). */
  resource: string;
  /** REST: the matched resource's id. */
  resourceId?: string;
  pathParameters: Record<string, string>;
  stageVariables: Record<string, string>;
  /** The body reaches the function base64-encoded (REST: binary media types; else the text-type rule). */
  binaryBody: boolean;
  caller?: CallerIdentity;
}

type StringMap = Record<string, string>;
type ListMap = Record<string, string[]>;

const orNull = <T extends object>(map: T): T | null => (Object.keys(map).length === 0 ? null : map);

function bodyOf(req: HttpRequest, binary: boolean): string | null {
  if (req.body.length === 0) return null;
  return binary ? req.body.toString('base64') : req.body.toString('utf8');
}

function domainPrefix(domain: string): string {
  const dot = domain.indexOf('.');
  return dot < 0 ? domain : domain.slice(0, dot);
}

/** Decoded path of the request (API Gateway hands `path` to the function decoded). */
function decodedPath(rawPath: string): string {
  try {
    return decodeURIComponent(rawPath);
  } catch {
    return rawPath;
  }
}

/**
 * Payload format 1.0 (invocation-semantics.md §6.4): REST API proxy integrations, and HTTP APIs with
 * `payloadFormatVersion: "1.0"` (`version` is then set). Absent maps are `null`; `headers` and
 * `queryStringParameters` hold the last value of a repeated name, the `multiValue` maps all of them.
 */
export function payloadV1(req: HttpRequest, route: RouteMatch, httpApi = false): Record<string, unknown> {
  const headers: StringMap = {};
  const multiHeaders: ListMap = {};
  for (const [name, value] of req.headers) {
    headers[name] = value;
    (multiHeaders[name] ??= []).push(value);
  }
  const query: StringMap = {};
  const multiQuery: ListMap = {};
  for (const [key, value] of queryPairs(req.rawQueryString)) {
    query[key] = value;
    (multiQuery[key] ??= []).push(value);
  }
  const path = decodedPath(req.rawPath);
  const resourcePath = httpApi ? route.resource.replace(/^[A-Z]+ /, '') : route.resource;
  const c = route.caller;
  const identity = {
    accessKey: c?.accessKey ?? null, accountId: c?.accountId ?? null, caller: c?.caller ?? null, cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null, cognitoIdentityId: null, cognitoIdentityPoolId: null, principalOrgId: null, sourceIp: req.sourceIp,
    user: c?.user ?? null, userAgent: headerValue(req, 'user-agent') ?? null, userArn: c?.userArn ?? null, clientCert: null,
  };
  return {
    ...(httpApi ? { version: '1.0' } : {}),
    resource: resourcePath,
    path,
    httpMethod: req.method,
    headers: orNull(headers),
    multiValueHeaders: orNull(multiHeaders),
    queryStringParameters: orNull(query),
    multiValueQueryStringParameters: orNull(multiQuery),
    pathParameters: orNull(route.pathParameters),
    stageVariables: orNull(route.stageVariables),
    requestContext: {
      accountId: route.accountId,
      apiId: route.apiId,
      authorizer: null,
      domainName: req.domainName,
      domainPrefix: domainPrefix(req.domainName),
      extendedRequestId: req.requestId,
      httpMethod: req.method,
      identity,
      path: httpApi || route.stage === '$default' ? path : `/${route.stage}${path}`,
      protocol: req.protocol,
      requestId: req.requestId,
      requestTime: requestTime(req.timeMs),
      requestTimeEpoch: req.timeMs,
      resourceId: route.resourceId ?? (httpApi ? route.resource : null),
      resourcePath,
      stage: route.stage,
    },
    body: bodyOf(req, route.binaryBody),
    isBase64Encoded: route.binaryBody && req.body.length > 0,
  };
}

/** The `authorizer` block of a payload 2.0 event (function URLs with AuthType AWS_IAM carry `iam`). */
export type Authorizer = { iam: Record<string, unknown> } | undefined;

/**
 * Payload format 2.0 (§6.5): HTTP APIs and function URLs. Header names are lower-cased and repeated values
 * comma-joined; cookies move to `cookies`; empty parts are left out rather than null.
 */
export function payloadV2(req: HttpRequest, route: RouteMatch & { routeKey: string }, authorizer?: Authorizer): Record<string, unknown> {
  const headers: StringMap = {};
  const cookies: string[] = [];
  for (const [name, value] of req.headers) {
    const key = name.toLowerCase();
    if (key === 'cookie') {
      for (const c of value.split(';')) if (c.trim() !== '') cookies.push(c.trim());
      continue;
    }
    headers[key] = headers[key] === undefined ? value : `${headers[key]},${value}`;
  }
  const query: StringMap = {};
  for (const [key, value] of queryPairs(req.rawQueryString)) query[key] = query[key] === undefined ? value : `${query[key]},${value}`;
  const binary = req.body.length > 0 && !isTextContentType(headerValue(req, 'content-type'));
  const body = bodyOf(req, binary);
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath: req.rawPath,
    rawQueryString: req.rawQueryString,
  };
  if (cookies.length > 0) event.cookies = cookies;
  event.headers = headers;
  if (Object.keys(query).length > 0) event.queryStringParameters = query;
  if (Object.keys(route.pathParameters).length > 0) event.pathParameters = route.pathParameters;
  if (Object.keys(route.stageVariables).length > 0) event.stageVariables = route.stageVariables;
  event.requestContext = {
    accountId: route.accountId,
    apiId: route.apiId,
    ...(authorizer ? { authorizer } : {}),
    domainName: req.domainName,
    domainPrefix: domainPrefix(req.domainName),
    http: {
      method: req.method, path: decodedPath(req.rawPath), protocol: req.protocol, sourceIp: req.sourceIp,
      userAgent: headerValue(req, 'user-agent') ?? '',
    },
    requestId: req.requestId,
    routeKey: route.routeKey,
    stage: route.stage,
    time: requestTime(req.timeMs),
    timeEpoch: req.timeMs,
  };
  if (body !== null) event.body = body;
  event.isBase64Encoded = binary;
  return event;
}
