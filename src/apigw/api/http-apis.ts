import { sendJson } from '../../gateway/protocols/rest-json.js';
import type { ApiRequest } from '../../gateway/request.js';
import type { Route } from '../../gateway/router.js';
import { randomId, type ApiDocuments, type Owned } from '../engine/api-documents.js';
import { httpLambdaTarget, type HttpApi, type HttpDeployment, type HttpIntegration, type HttpRoute, type HttpStage } from '../engine/http-api.js';
import { parseRouteKey } from '../engine/routes.js';
import { badRequest, conflict, jsonBody, Members, notFound, page } from './common.js';

export interface HttpApiDeps {
  httpApis: ApiDocuments<HttpApi>;
  now(): number;
  /** `http://<api-id>.execute-api.localhost:<port>` for the API, as clients reach this server. */
  apiEndpoint(apiId: string, origin: string): string;
}

export type HttpApiHandler = (api: ApiRequest, params: string[], deps: HttpApiDeps) => Promise<void>;

const ROUTE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'];
const INTEGRATION_TYPES = ['AWS', 'HTTP', 'MOCK', 'HTTP_PROXY', 'AWS_PROXY'];
/** The integration types of HTTP APIs; `AWS`, `HTTP` and `MOCK` belong to WebSocket APIs (DG "Integrations for HTTP APIs"). */
const HTTP_API_INTEGRATION_TYPES = ['AWS_PROXY', 'HTTP_PROXY'];
/** The apigatewayv2 model's bounds: `Name` 1-128 characters, `Description` up to 1024. */
const MAX_NAME = 128;
const MAX_DESCRIPTION = 1024;
const LAMBDA_FUNCTION_ARN = /^arn:aws[\w-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?$/;
const STAGE_NAME = /^(\$default|[a-zA-Z0-9._~:/?#&=,-]{1,128})$/;
const HTTP_ROUTE_SELECTION = '${request.method} ${request.path}';

const iso = (ms: number) => new Date(ms).toISOString();

/** CORS settings with the model's types (lists of strings, an integer maxAge, a boolean allowCredentials). */
function checkCors(cors: Record<string, unknown>): Record<string, unknown> {
  const lists = ['allowOrigins', 'allowMethods', 'allowHeaders', 'exposeHeaders'];
  for (const [k, v] of Object.entries(cors)) {
    if (lists.includes(k)) {
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw badRequest(`Invalid CORS configuration: ${k} must be a list of strings`);
    } else if (k === 'maxAge') {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < -1 || v > 86400) throw badRequest('Invalid CORS configuration: maxAge must be an integer from -1 to 86400');
    } else if (k === 'allowCredentials') {
      if (typeof v !== 'boolean') throw badRequest('Invalid CORS configuration: allowCredentials must be a boolean');
    } else {
      throw badRequest(`Invalid CORS configuration: unknown member ${k}`);
    }
  }
  return cors;
}
const deepCopy = <T>(v: T): T => structuredClone(v);

function httpApi(api: ApiRequest, deps: HttpApiDeps, id: string): Owned<HttpApi> {
  const found = deps.httpApis.get(api.caller.account, api.caller.region, id);
  if (!found) throw notFound(`Invalid API identifier specified ${api.caller.account}:${id}`);
  return found;
}

function apiView(deps: HttpApiDeps, api: ApiRequest, doc: HttpApi): Record<string, unknown> {
  const { routes: _r, integrations: _i, stages: _s, deployments: _d, ...view } = doc;
  return { ...view, apiEndpoint: deps.apiEndpoint(doc.apiId, api.origin) };
}

const deploymentView = ({ snapshot: _s, ...view }: HttpDeployment) => view;

function checkRouteKey(routeKey: string): void {
  if (routeKey === '$default') return;
  const key = parseRouteKey(routeKey);
  if (!key || !ROUTE_METHODS.includes(key.method)) {
    throw badRequest(`Unable to create route ${routeKey}. Route key must be $default or start with a supported HTTP method and a path, e.g. 'GET /pets'.`);
  }
  if (/\{[^}]*\+\}./.test(key.path)) throw badRequest(`Unable to create route ${routeKey}. A greedy path variable must be the last part of the path.`);
  const names = [...key.path.matchAll(/\{([^{}]+?)\+?\}/g)].map((p) => p[1]!);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined) throw badRequest(`Unable to create route ${routeKey}. The path parameter {${repeated}} appears more than once.`);
}

/** A quick-create `Target`: a Lambda function ARN (or its invocation URI) or an http(s) URL. */
function checkQuickTarget(target: string): void {
  const lambda = httpLambdaTarget(target);
  if (lambda !== undefined && LAMBDA_FUNCTION_ARN.test(lambda)) return;
  if (/^https?:\/\/[^/?#\s]+/i.test(target) && URL.canParse(target)) return;
  throw badRequest(`Invalid target specified: ${target}. A quick create target must be a Lambda function ARN or an HTTP(S) URL.`);
}

function checkNameAndDescription(m: Members): { name: string; description: string | undefined } {
  const name = m.requiredString('name');
  if (name.length > MAX_NAME) throw badRequest(`Invalid name: it is ${name.length} characters long; the maximum is ${MAX_NAME}.`);
  const description = m.string('description');
  if (description !== undefined && description.length > MAX_DESCRIPTION) {
    throw badRequest(`Invalid description: it is ${description.length} characters long; the maximum is ${MAX_DESCRIPTION}.`);
  }
  return { name, description };
}

function checkTarget(doc: HttpApi, target: string | undefined): void {
  if (target === undefined) return;
  const m = /^integrations\/([a-z0-9]+)$/.exec(target);
  if (!m || !doc.integrations[m[1]!]) throw badRequest(`Invalid target specified: ${target}. Target must be in the form integrations/<integrationId> and the integration must exist.`);
}

function newIntegration(m: Members | { type: string; uri: string; payload: string }, managed = false): HttpIntegration {
  if (!(m instanceof Members)) {
    return {
      integrationId: randomId(7), integrationType: m.type, integrationUri: m.uri, integrationMethod: 'POST', payloadFormatVersion: m.payload,
      timeoutInMillis: 30_000, connectionType: 'INTERNET', ...(managed ? { apiGatewayManaged: true } : {}),
    };
  }
  const type = m.requiredString('integrationType');
  if (!INTEGRATION_TYPES.includes(type)) throw badRequest(`Invalid integration type specified. Must be one of: [${INTEGRATION_TYPES.join(', ')}]`);
  if (!HTTP_API_INTEGRATION_TYPES.includes(type)) {
    throw badRequest(`Integration type ${type} is not supported for HTTP APIs. Use AWS_PROXY (a Lambda function, or an AWS service with an IntegrationSubtype) or HTTP_PROXY.`);
  }
  const uri = m.string('integrationUri');
  const payload = m.string('payloadFormatVersion');
  if (type === 'AWS_PROXY') {
    if (!httpLambdaTarget(uri)) throw badRequest('Invalid integration URI specified. An AWS_PROXY integration needs a Lambda function ARN.');
    if (payload === undefined) throw badRequest('A payload format version must be specified for an AWS_PROXY integration: 1.0 or 2.0.');
  }
  if (payload !== undefined && payload !== '1.0' && payload !== '2.0') throw badRequest(`Unsupported payload format version specified: ${payload}. Supported versions are 1.0 and 2.0.`);
  const timeout = m.integer('timeoutInMillis') ?? 30_000;
  if (timeout < 50 || timeout > 30_000) throw badRequest('Timeout must be between 50 and 30000 milliseconds.');
  const integration: HttpIntegration = {
    integrationId: randomId(7), integrationType: type, payloadFormatVersion: payload ?? '1.0', timeoutInMillis: timeout,
    connectionType: m.string('connectionType') ?? 'INTERNET',
  };
  if (uri !== undefined) integration.integrationUri = uri;
  const method = m.string('integrationMethod') ?? (type === 'AWS_PROXY' ? 'POST' : undefined);
  if (method !== undefined) integration.integrationMethod = method;
  const params = m.map<string>('requestParameters', 'string');
  if (params) integration.requestParameters = params;
  return integration;
}

function newStage(name: string, now: number, autoDeploy: boolean, managed = false): HttpStage {
  if (!STAGE_NAME.test(name)) throw badRequest(`Stage name is invalid: ${name}`);
  return {
    stageName: name, autoDeploy, defaultRouteSettings: { detailedMetricsEnabled: false }, routeSettings: {}, tags: {},
    createdDate: iso(now), lastUpdatedDate: iso(now), ...(managed ? { apiGatewayManaged: true } : {}),
  };
}

const createApi: HttpApiHandler = async (api, _p, deps) => {
  const m = new Members(await jsonBody(api));
  const { name, description } = checkNameAndDescription(m);
  const protocolType = m.requiredString('protocolType');
  if (protocolType !== 'HTTP') throw badRequest(protocolType === 'WEBSOCKET' ? 'lambkin serves HTTP APIs only; WEBSOCKET APIs are not supported.' : `Invalid protocol type: ${protocolType}`);
  const selection = m.string('routeSelectionExpression') ?? HTTP_ROUTE_SELECTION;
  if (selection !== HTTP_ROUTE_SELECTION) throw badRequest(`Unsupported route selection expression for HTTP APIs: ${selection}`);
  const now = deps.now();
  const doc: HttpApi = {
    apiId: deps.httpApis.newId(), name, protocolType, routeSelectionExpression: selection, apiKeySelectionExpression: '$request.header.x-api-key',
    disableExecuteApiEndpoint: m.boolean('disableExecuteApiEndpoint') ?? false, tags: m.map<string>('tags', 'string') ?? {}, createdDate: iso(now),
    routes: {}, integrations: {}, stages: {}, deployments: {},
  };
  if (description !== undefined) doc.description = description;
  const version = m.string('version');
  if (version !== undefined) doc.version = version;
  const cors = m.object('corsConfiguration');
  if (cors) doc.corsConfiguration = checkCors(cors);
  const target = m.string('target');
  const quickRouteKey = m.string('routeKey');
  if (target === undefined && quickRouteKey !== undefined) throw badRequest('A route key can only be given with a target (quick create).');
  if (target !== undefined) checkQuickTarget(target);
  if (target !== undefined) {
    // Quick create: the integration, its route and an auto-deployed $default stage, all managed by the API.
    const lambda = httpLambdaTarget(target);
    const integration = newIntegration({ type: lambda ? 'AWS_PROXY' : 'HTTP_PROXY', uri: target, payload: lambda ? '2.0' : '1.0' }, true);
    const routeKey = quickRouteKey ?? '$default';
    checkRouteKey(routeKey);
    const route: HttpRoute = {
      routeId: randomId(7), routeKey, target: `integrations/${integration.integrationId}`, authorizationType: 'NONE', apiKeyRequired: false,
      apiGatewayManaged: true,
    };
    doc.integrations[integration.integrationId] = integration;
    doc.routes[route.routeId] = route;
    doc.stages.$default = newStage('$default', now, true, true);
  }
  await deps.httpApis.save({ id: doc.apiId, account: api.caller.account, region: api.caller.region, doc });
  sendJson(api.res, api.requestId, 201, apiView(deps, api, doc));
};

/** ImportApi (`PUT /v2/apis`) and ReimportApi (`PUT /v2/apis/{id}`) take OpenAPI definitions, which lambkin does not import. */
const importApi: HttpApiHandler = async (api, [id], deps) => {
  if (id !== undefined) httpApi(api, deps, id);
  throw badRequest('lambkin does not import OpenAPI definitions (ImportApi / ReimportApi). Build the API with CreateApi (quick create '
    + 'with Target, or CreateIntegration, CreateRoute and CreateStage); see docs/api-gateway.md.');
};

const getApis: HttpApiHandler = async (api, _p, deps) => {
  const all = deps.httpApis.list(api.caller.account, api.caller.region).sort((a, b) => a.doc.createdDate.localeCompare(b.doc.createdDate) || a.id.localeCompare(b.id));
  const p = page(all, api.query.get('nextToken'), api.query.get('maxResults'), 500, 500);
  sendJson(api.res, api.requestId, 200, { items: p.items.map((a) => apiView(deps, api, a.doc)), ...(p.next ? { nextToken: p.next } : {}) });
};

const getApi: HttpApiHandler = async (api, [id], deps) => {
  sendJson(api.res, api.requestId, 200, apiView(deps, api, httpApi(api, deps, id!).doc));
};

const deleteApi: HttpApiHandler = async (api, [id], deps) => {
  httpApi(api, deps, id!);
  await deps.httpApis.remove(id!);
  sendJson(api.res, api.requestId, 204);
};

const createRoute: HttpApiHandler = async (api, [id], deps) => {
  const owned = httpApi(api, deps, id!);
  const m = new Members(await jsonBody(api));
  const routeKey = m.requiredString('routeKey');
  checkRouteKey(routeKey);
  if (Object.values(owned.doc.routes).some((r) => r.routeKey === routeKey)) throw conflict(`Route with key ${routeKey} already exists for this API`);
  const target = m.string('target');
  checkTarget(owned.doc, target);
  const authorizationType = m.string('authorizationType') ?? 'NONE';
  if (!['NONE', 'AWS_IAM', 'CUSTOM', 'JWT'].includes(authorizationType)) throw badRequest(`Invalid authorization type: ${authorizationType}`);
  const route: HttpRoute = { routeId: randomId(7), routeKey, authorizationType, apiKeyRequired: m.boolean('apiKeyRequired') ?? false };
  if (target !== undefined) route.target = target;
  owned.doc.routes[route.routeId] = route;
  await deps.httpApis.save(owned);
  sendJson(api.res, api.requestId, 201, route);
};

const getRoutes: HttpApiHandler = async (api, [id], deps) => {
  const owned = httpApi(api, deps, id!);
  const p = page(Object.values(owned.doc.routes), api.query.get('nextToken'), api.query.get('maxResults'), 500, 500);
  sendJson(api.res, api.requestId, 200, { items: p.items, ...(p.next ? { nextToken: p.next } : {}) });
};

const getRoute: HttpApiHandler = async (api, [id, routeId], deps) => {
  const route = httpApi(api, deps, id!).doc.routes[routeId!];
  if (!route) throw notFound(`Invalid Route identifier specified ${routeId}`);
  sendJson(api.res, api.requestId, 200, route);
};

const deleteRoute: HttpApiHandler = async (api, [id, routeId], deps) => {
  const owned = httpApi(api, deps, id!);
  if (!owned.doc.routes[routeId!]) throw notFound(`Invalid Route identifier specified ${routeId}`);
  delete owned.doc.routes[routeId!];
  await deps.httpApis.save(owned);
  sendJson(api.res, api.requestId, 204);
};

const createIntegration: HttpApiHandler = async (api, [id], deps) => {
  const owned = httpApi(api, deps, id!);
  const integration = newIntegration(new Members(await jsonBody(api)));
  owned.doc.integrations[integration.integrationId] = integration;
  await deps.httpApis.save(owned);
  sendJson(api.res, api.requestId, 201, integration);
};

const getIntegrations: HttpApiHandler = async (api, [id], deps) => {
  const owned = httpApi(api, deps, id!);
  const p = page(Object.values(owned.doc.integrations), api.query.get('nextToken'), api.query.get('maxResults'), 500, 500);
  sendJson(api.res, api.requestId, 200, { items: p.items, ...(p.next ? { nextToken: p.next } : {}) });
};

const getIntegration: HttpApiHandler = async (api, [id, integrationId], deps) => {
  const integration = httpApi(api, deps, id!).doc.integrations[integrationId!];
  if (!integration) throw notFound(`Invalid Integration identifier specified ${integrationId}`);
  sendJson(api.res, api.requestId, 200, integration);
};

const deleteIntegration: HttpApiHandler = async (api, [id, integrationId], deps) => {
  const owned = httpApi(api, deps, id!);
  if (!owned.doc.integrations[integrationId!]) throw notFound(`Invalid Integration identifier specified ${integrationId}`);
  const user = Object.values(owned.doc.routes).find((r) => r.target === `integrations/${integrationId}`);
  if (user) throw conflict(`Integration ${integrationId} is in use by route ${user.routeKey}. Remove the route's target first.`);
  delete owned.doc.integrations[integrationId!];
  await deps.httpApis.save(owned);
  sendJson(api.res, api.requestId, 204);
};

function deploy(owned: Owned<HttpApi>, now: number, description: string | undefined, autoDeployed: boolean): HttpDeployment {
  const deployment: HttpDeployment = {
    deploymentId: randomId(6), createdDate: iso(now), deploymentStatus: 'DEPLOYED', autoDeployed,
    snapshot: { routes: deepCopy(owned.doc.routes), integrations: deepCopy(owned.doc.integrations) },
    ...(description !== undefined ? { description } : {}),
  };
  owned.doc.deployments[deployment.deploymentId] = deployment;
  return deployment;
}

const createStage: HttpApiHandler = async (api, [id], deps) => {
  const owned = httpApi(api, deps, id!);
  const m = new Members(await jsonBody(api));
  const name = m.requiredString('stageName');
  if (owned.doc.stages[name]) throw conflict(`Stage ${name} already exists`);
  const stage = newStage(name, deps.now(), m.boolean('autoDeploy') ?? false);
  const deploymentId = m.string('deploymentId');
  if (deploymentId !== undefined) {
    if (!owned.doc.deployments[deploymentId]) throw notFound(`Invalid Deployment identifier specified ${deploymentId}`);
    stage.deploymentId = deploymentId;
  }
  const description = m.string('description');
  if (description !== undefined) stage.description = description;
  const variables = m.map<string>('stageVariables', 'string');
  if (variables) stage.stageVariables = variables;
  const tags = m.map<string>('tags', 'string');
  if (tags) stage.tags = tags;
  owned.doc.stages[name] = stage;
  await deps.httpApis.save(owned);
  sendJson(api.res, api.requestId, 201, stage);
};

const getStages: HttpApiHandler = async (api, [id], deps) => {
  const owned = httpApi(api, deps, id!);
  sendJson(api.res, api.requestId, 200, { items: Object.values(owned.doc.stages) });
};

const getStage: HttpApiHandler = async (api, [id, name], deps) => {
  const stage = httpApi(api, deps, id!).doc.stages[name!];
  if (!stage) throw notFound(`Invalid stage identifier specified ${name}`);
  sendJson(api.res, api.requestId, 200, stage);
};

const deleteStage: HttpApiHandler = async (api, [id, name], deps) => {
  const owned = httpApi(api, deps, id!);
  if (!owned.doc.stages[name!]) throw notFound(`Invalid stage identifier specified ${name}`);
  delete owned.doc.stages[name!];
  await deps.httpApis.save(owned);
  sendJson(api.res, api.requestId, 204);
};

const createDeployment: HttpApiHandler = async (api, [id], deps) => {
  const owned = httpApi(api, deps, id!);
  const m = new Members(await jsonBody(api));
  const stageName = m.string('stageName');
  const stage = stageName === undefined ? undefined : owned.doc.stages[stageName];
  if (stageName !== undefined && !stage) throw notFound(`Invalid stage identifier specified ${stageName}`);
  if (stage?.autoDeploy) throw badRequest(`Stage ${stageName} has auto-deploy enabled: it deploys every change itself.`);
  const deployment = deploy(owned, deps.now(), m.string('description'), false);
  if (stage) {
    stage.deploymentId = deployment.deploymentId;
    stage.lastUpdatedDate = iso(deps.now());
  }
  await deps.httpApis.save(owned);
  sendJson(api.res, api.requestId, 201, deploymentView(deployment));
};

const getDeployments: HttpApiHandler = async (api, [id], deps) => {
  const owned = httpApi(api, deps, id!);
  sendJson(api.res, api.requestId, 200, { items: Object.values(owned.doc.deployments).map(deploymentView) });
};

const ID = '([^/]+)';
const v2 = (p: string) => new RegExp(`^/v2/apis${p}/?$`);

/** API Gateway v2 (HTTP APIs) management routes (other-services.md §5). */
export const HTTP_API_ROUTES: readonly Route<HttpApiHandler>[] = [
  { method: 'POST', pattern: v2(''), handler: createApi },
  { method: 'GET', pattern: v2(''), handler: getApis },
  { method: 'PUT', pattern: v2(''), handler: importApi },
  { method: 'PUT', pattern: v2(`/${ID}`), handler: importApi },
  { method: 'GET', pattern: v2(`/${ID}`), handler: getApi },
  { method: 'DELETE', pattern: v2(`/${ID}`), handler: deleteApi },
  { method: 'POST', pattern: v2(`/${ID}/routes`), handler: createRoute },
  { method: 'GET', pattern: v2(`/${ID}/routes`), handler: getRoutes },
  { method: 'GET', pattern: v2(`/${ID}/routes/${ID}`), handler: getRoute },
  { method: 'DELETE', pattern: v2(`/${ID}/routes/${ID}`), handler: deleteRoute },
  { method: 'POST', pattern: v2(`/${ID}/integrations`), handler: createIntegration },
  { method: 'GET', pattern: v2(`/${ID}/integrations`), handler: getIntegrations },
  { method: 'GET', pattern: v2(`/${ID}/integrations/${ID}`), handler: getIntegration },
  { method: 'DELETE', pattern: v2(`/${ID}/integrations/${ID}`), handler: deleteIntegration },
  { method: 'POST', pattern: v2(`/${ID}/stages`), handler: createStage },
  { method: 'GET', pattern: v2(`/${ID}/stages`), handler: getStages },
  { method: 'GET', pattern: v2(`/${ID}/stages/${ID}`), handler: getStage },
  { method: 'DELETE', pattern: v2(`/${ID}/stages/${ID}`), handler: deleteStage },
  { method: 'POST', pattern: v2(`/${ID}/deployments`), handler: createDeployment },
  { method: 'GET', pattern: v2(`/${ID}/deployments`), handler: getDeployments },
];
