import { sendJson } from '../../gateway/protocols/rest-json.js';
import type { ApiRequest } from '../../gateway/request.js';
import type { Route } from '../../gateway/router.js';
import { randomId, type ApiDocuments, type Owned } from '../engine/api-documents.js';
import {
  childPath, deploymentView, lambdaTarget, restApiView, type Integration, type IntegrationResponse, type Method, type Resource, type RestApi,
  type Stage,
} from '../engine/rest-api.js';
import { JavaRegexError, translateJavaRegex } from '../engine/java-regex.js';
import { MAX_TEMPLATE_BYTES } from '../engine/mapping-template.js';
import { badRequest, conflict, epochSeconds, jsonBody, Members, notFound, page } from './common.js';

export interface RestApiDeps {
  restApis: ApiDocuments<RestApi>;
  now(): number;
}

export type RestApiHandler = (api: ApiRequest, params: string[], deps: RestApiDeps) => Promise<void>;

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'];
const AUTH_TYPES = ['NONE', 'AWS_IAM', 'CUSTOM', 'COGNITO_USER_POOLS'];
const INTEGRATION_TYPES = ['HTTP', 'AWS', 'MOCK', 'HTTP_PROXY', 'AWS_PROXY'];
const PASSTHROUGH = ['WHEN_NO_MATCH', 'WHEN_NO_TEMPLATES', 'NEVER'];
const STATUS = /^[1-5]\d\d$/;
const STAGE_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
/** A path part: letters, digits and `-._~:@!$&'()*+,;=` or a `{param}` / `{param+}`. */
const PATH_PART = /^(\{[a-zA-Z0-9._-]+\+?\}|[a-zA-Z0-9._~:@!$&'()*+,;=-]+)$/;

const deepCopy = <T>(v: T): T => structuredClone(v);

function contentHandlingOf(m: Members): string | undefined {
  const v = m.string('contentHandling');
  if (v !== undefined && v !== 'CONVERT_TO_BINARY' && v !== 'CONVERT_TO_TEXT') {
    throw badRequest(`Invalid content handling specified: ${v}. Must be one of: [CONVERT_TO_BINARY, CONVERT_TO_TEXT]`);
  }
  return v;
}

/** Stage variable names are alphanumeric and underscores; values take letters, digits and `-._~:/?#&=,` (API Gateway DG). */
function stageVariables(m: Members): Record<string, string> | undefined {
  const vars = m.map<string>('variables', 'string');
  for (const [k, v] of Object.entries(vars ?? {})) {
    if (!/^[A-Za-z0-9_]{1,64}$/.test(k)) throw badRequest(`Invalid stage variable name: ${k}. Names are alphanumeric or underscores, up to 64 characters.`);
    if (!/^[A-Za-z0-9\-._~:/?#&=,]{0,512}$/.test(v)) throw badRequest(`Invalid stage variable value for ${k}: values take letters, digits and -._~:/?#&=, only, up to 512 characters.`);
  }
  return vars;
}

function restApi(api: ApiRequest, deps: RestApiDeps, id: string): Owned<RestApi> {
  const found = deps.restApis.get(api.caller.account, api.caller.region, id);
  if (!found) throw notFound(`Invalid API identifier specified ${api.caller.account}:${id}`);
  return found;
}

function resourceOf(owned: Owned<RestApi>, id: string): Resource {
  const r = owned.doc.resources[id];
  if (!r) throw notFound('Invalid Resource identifier specified');
  return r;
}

function methodOf(resource: Resource, httpMethod: string): Method {
  const m = resource.resourceMethods?.[httpMethod];
  if (!m) throw notFound('Invalid Method identifier specified');
  return m;
}

function integrationOf(method: Method): Integration {
  if (!method.methodIntegration) throw notFound('Invalid Integration identifier specified');
  return method.methodIntegration;
}

function checkStatus(code: string): void {
  if (!STATUS.test(code)) throw badRequest(`Invalid status code: ${code}`);
}

function checkMethod(m: string): void {
  if (!HTTP_METHODS.includes(m)) throw badRequest(`Invalid HTTP method: ${m}`);
}

/** A resource as GetResources shows it: methods as empty objects unless `embed=methods`. */
function resourceView(r: Resource, embed: boolean): Record<string, unknown> {
  const view: Record<string, unknown> = { id: r.id };
  if (r.parentId !== undefined) view.parentId = r.parentId;
  if (r.pathPart !== undefined) view.pathPart = r.pathPart;
  view.path = r.path;
  if (r.resourceMethods && Object.keys(r.resourceMethods).length > 0) {
    view.resourceMethods = embed ? r.resourceMethods : Object.fromEntries(Object.keys(r.resourceMethods).map((m) => [m, {}]));
  }
  return view;
}

async function save(deps: RestApiDeps, owned: Owned<RestApi>): Promise<void> {
  await deps.restApis.save(owned);
}

/** lambkin builds REST APIs from management calls only; an OpenAPI import would silently lose most of its definition. */
const NO_IMPORT = 'lambkin does not import OpenAPI definitions (ImportRestApi / PutRestApi). Build the API with CreateRestApi, '
  + 'CreateResource, PutMethod, PutIntegration and CreateDeployment (aws apigateway create-rest-api, create-resource, put-method, '
  + 'put-integration, create-deployment); see docs/api-gateway.md.';

/** `POST /restapis?mode=import` is ImportRestApi, which shares CreateRestApi's path: refused before anything is read or stored. */
const createRestApi: RestApiHandler = async (api, _p, deps) => {
  if (api.query.has('mode')) throw badRequest(NO_IMPORT);
  const m = new Members(await jsonBody(api));
  const name = m.requiredString('name');
  const endpoint = m.object('endpointConfiguration');
  const types = endpoint && Array.isArray(endpoint.types) ? (endpoint.types as string[]) : ['EDGE'];
  if (types.some((t) => !['EDGE', 'REGIONAL', 'PRIVATE'].includes(t))) throw badRequest('Invalid endpoint configuration type');
  const now = deps.now();
  const id = deps.restApis.newId();
  const rootId = randomId(10);
  const doc: RestApi = {
    id, name, createdDate: epochSeconds(now), apiKeySource: m.string('apiKeySource') ?? 'HEADER', endpointConfiguration: { types },
    disableExecuteApiEndpoint: m.boolean('disableExecuteApiEndpoint') ?? false, rootResourceId: rootId,
    resources: { [rootId]: { id: rootId, path: '/' } }, deployments: {}, stages: {},
  };
  const description = m.string('description');
  if (description !== undefined) doc.description = description;
  const version = m.string('version');
  if (version !== undefined) doc.version = version;
  const binary = m.strings('binaryMediaTypes');
  if (binary && binary.length > 0) doc.binaryMediaTypes = binary;
  const policy = m.string('policy');
  if (policy !== undefined) doc.policy = policy;
  const tags = m.map<string>('tags', 'string');
  if (tags) doc.tags = tags;
  await deps.restApis.save({ id, account: api.caller.account, region: api.caller.region, doc });
  sendJson(api.res, api.requestId, 201, restApiView(doc));
};

const getRestApis: RestApiHandler = async (api, _p, deps) => {
  const all = deps.restApis.list(api.caller.account, api.caller.region).sort((a, b) => a.doc.createdDate - b.doc.createdDate || a.id.localeCompare(b.id));
  const p = page(all, api.query.get('position'), api.query.get('limit'));
  sendJson(api.res, api.requestId, 200, { item: p.items.map((a) => restApiView(a.doc)), ...(p.next ? { position: p.next } : {}) });
};

const getRestApi: RestApiHandler = async (api, [id], deps) => {
  sendJson(api.res, api.requestId, 200, restApiView(restApi(api, deps, id!).doc));
};

/** PutRestApi (`PUT /restapis/{id}`, merge or overwrite from an OpenAPI definition): refused, the API is left as it is. */
const putRestApi: RestApiHandler = async (api, [id], deps) => {
  restApi(api, deps, id!);
  throw badRequest(NO_IMPORT);
};

const deleteRestApi: RestApiHandler = async (api, [id], deps) => {
  restApi(api, deps, id!);
  await deps.restApis.remove(id!);
  sendJson(api.res, api.requestId, 202);
};

/** `/binaryMediaTypes/image~1png`: JSON Pointer escapes (`~1` is `/`, `~0` is `~`). */
const unescapePointer = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~');

const updateRestApi: RestApiHandler = async (api, [id], deps) => {
  const owned = restApi(api, deps, id!);
  const body = await jsonBody(api);
  const ops = body.patchOperations;
  if (ops !== undefined && !Array.isArray(ops)) throw badRequest('Invalid patch operations');
  const next = deepCopy(owned.doc);
  for (const raw of (ops ?? []) as unknown[]) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw badRequest('Invalid patch operation: each one is an object with op, path and value');
    const o = raw as Record<string, unknown>;
    if (typeof o.op !== 'string' || typeof o.path !== 'string' || (o.value !== undefined && o.value !== null && typeof o.value !== 'string')) {
      throw badRequest('Invalid patch operation: op and path are strings, and value is a string when given');
    }
    const op = o.op;
    const path = o.path;
    const value = typeof o.value === 'string' ? o.value : undefined;
    if (path.startsWith('/binaryMediaTypes/')) {
      const type = unescapePointer(path.slice('/binaryMediaTypes/'.length));
      if (!/^[\w.+*-]+\/[\w.+*-]+$/.test(type)) throw badRequest(`Invalid binary media type: ${type}`);
      const list = next.binaryMediaTypes ?? [];
      if (op === 'add') next.binaryMediaTypes = [...list.filter((t) => t !== type), type];
      else if (op === 'remove') next.binaryMediaTypes = list.filter((t) => t !== type);
      else throw badRequest(`Invalid patch operation specified. Must be one of: [add, remove] for path ${path}`);
      continue;
    }
    if (op !== 'replace') throw badRequest(`Invalid patch operation specified. Must be 'replace' for path ${path}`);
    if (path === '/name') {
      if (!value) throw badRequest('Name must be specified');
      next.name = value;
    } else if (path === '/description') {
      if (value === undefined) delete next.description;
      else next.description = value;
    } else if (path === '/disableExecuteApiEndpoint') {
      next.disableExecuteApiEndpoint = value === 'true';
    } else {
      throw badRequest(`Invalid patch path ${path}`);
    }
  }
  owned.doc = next;
  await save(deps, owned);
  sendJson(api.res, api.requestId, 200, restApiView(next));
};

const getResources: RestApiHandler = async (api, [id], deps) => {
  const owned = restApi(api, deps, id!);
  const embed = api.query.getAll('embed').some((e) => e.split(',').includes('methods'));
  const all = Object.values(owned.doc.resources).sort((a, b) => a.path.localeCompare(b.path));
  const p = page(all, api.query.get('position'), api.query.get('limit'));
  sendJson(api.res, api.requestId, 200, { item: p.items.map((r) => resourceView(r, embed)), ...(p.next ? { position: p.next } : {}) });
};

const getResource: RestApiHandler = async (api, [id, rid], deps) => {
  const embed = api.query.getAll('embed').some((e) => e.split(',').includes('methods'));
  sendJson(api.res, api.requestId, 200, resourceView(resourceOf(restApi(api, deps, id!), rid!), embed));
};

const createResource: RestApiHandler = async (api, [id, parentId], deps) => {
  const owned = restApi(api, deps, id!);
  const parent = resourceOf(owned, parentId!);
  const pathPart = new Members(await jsonBody(api)).requiredString('pathPart');
  if (!PATH_PART.test(pathPart)) {
    throw badRequest(`Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace.`);
  }
  if (/\+\}$/.test(parent.path)) throw badRequest(`Cannot create a child of a resource with a greedy path variable: ${parent.path}`);
  const siblings = Object.values(owned.doc.resources).filter((r) => r.parentId === parent.id);
  if (siblings.some((r) => r.pathPart === pathPart)) throw conflict(`Another resource with the same parent already has this name: ${pathPart}`);
  if (pathPart.startsWith('{') && siblings.some((r) => r.pathPart?.startsWith('{'))) {
    throw badRequest(`A sibling (${siblings.find((r) => r.pathPart?.startsWith('{'))!.pathPart}) of this resource already has a variable path part -- only one is allowed`);
  }
  const resource: Resource = { id: randomId(6), parentId: parent.id, pathPart, path: childPath(parent.path, pathPart) };
  owned.doc.resources[resource.id] = resource;
  await save(deps, owned);
  sendJson(api.res, api.requestId, 201, resourceView(resource, false));
};

const deleteResource: RestApiHandler = async (api, [id, rid], deps) => {
  const owned = restApi(api, deps, id!);
  const resource = resourceOf(owned, rid!);
  if (resource.id === owned.doc.rootResourceId) throw badRequest('Cannot delete root resource');
  const doomed = new Set([resource.id]);
  for (let grew = true; grew;) {
    grew = false;
    for (const r of Object.values(owned.doc.resources)) {
      if (r.parentId && doomed.has(r.parentId) && !doomed.has(r.id)) {
        doomed.add(r.id);
        grew = true;
      }
    }
  }
  for (const d of doomed) delete owned.doc.resources[d];
  await save(deps, owned);
  sendJson(api.res, api.requestId, 202);
};

const putMethod: RestApiHandler = async (api, [id, rid, httpMethod], deps) => {
  checkMethod(httpMethod!);
  const owned = restApi(api, deps, id!);
  const resource = resourceOf(owned, rid!);
  const m = new Members(await jsonBody(api));
  const authorizationType = m.requiredString('authorizationType');
  if (!AUTH_TYPES.includes(authorizationType)) throw badRequest(`Invalid authorization type specified. Must be one of: [${AUTH_TYPES.join(', ')}]`);
  if (resource.resourceMethods?.[httpMethod!]) throw conflict('Method already exists for this resource');
  const method: Method = { httpMethod: httpMethod!, authorizationType, apiKeyRequired: m.boolean('apiKeyRequired') ?? false };
  const authorizerId = m.string('authorizerId');
  if (authorizerId !== undefined) method.authorizerId = authorizerId;
  const operationName = m.string('operationName');
  if (operationName !== undefined) method.operationName = operationName;
  const requestParameters = m.map<boolean>('requestParameters', 'boolean');
  if (requestParameters) {
    for (const k of Object.keys(requestParameters)) {
      if (!/^method\.request\.(header|querystring|path|multivaluequerystring|multivalueheader)\.[^.]+$/.test(k)) {
        throw badRequest(`Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid method request parameter name: ${k}]`);
      }
    }
    method.requestParameters = requestParameters;
  }
  const requestModels = m.map<string>('requestModels', 'string');
  if (requestModels) method.requestModels = requestModels;
  (resource.resourceMethods ??= {})[httpMethod!] = method;
  await save(deps, owned);
  sendJson(api.res, api.requestId, 201, method);
};

const getMethod: RestApiHandler = async (api, [id, rid, httpMethod], deps) => {
  sendJson(api.res, api.requestId, 200, methodOf(resourceOf(restApi(api, deps, id!), rid!), httpMethod!));
};

const deleteMethod: RestApiHandler = async (api, [id, rid, httpMethod], deps) => {
  const owned = restApi(api, deps, id!);
  const resource = resourceOf(owned, rid!);
  methodOf(resource, httpMethod!);
  delete resource.resourceMethods![httpMethod!];
  await save(deps, owned);
  sendJson(api.res, api.requestId, 204);
};

const putMethodResponse: RestApiHandler = async (api, [id, rid, httpMethod, status], deps) => {
  checkStatus(status!);
  const owned = restApi(api, deps, id!);
  const method = methodOf(resourceOf(owned, rid!), httpMethod!);
  const m = new Members(await jsonBody(api));
  const response: Record<string, unknown> = { statusCode: status! };
  const responseParameters = m.map<boolean>('responseParameters', 'boolean');
  if (responseParameters) response.responseParameters = responseParameters;
  const responseModels = m.map<string>('responseModels', 'string');
  if (responseModels) response.responseModels = responseModels;
  (method.methodResponses ??= {})[status!] = response as { statusCode: string };
  await save(deps, owned);
  sendJson(api.res, api.requestId, 201, response);
};

const getMethodResponse: RestApiHandler = async (api, [id, rid, httpMethod, status], deps) => {
  const method = methodOf(resourceOf(restApi(api, deps, id!), rid!), httpMethod!);
  const response = method.methodResponses?.[status!];
  if (!response) throw notFound('Invalid Response status code specified');
  sendJson(api.res, api.requestId, 200, response);
};

const deleteMethodResponse: RestApiHandler = async (api, [id, rid, httpMethod, status], deps) => {
  const owned = restApi(api, deps, id!);
  const method = methodOf(resourceOf(owned, rid!), httpMethod!);
  if (!method.methodResponses?.[status!]) throw notFound('Invalid Response status code specified');
  delete method.methodResponses[status!];
  await save(deps, owned);
  sendJson(api.res, api.requestId, 204);
};

/** Integration request parameters: `integration.request.<where>.<name>` from a method parameter or a quoted literal. */
function checkIntegrationParameters(params: Record<string, string>, method: Method): void {
  for (const [target, source] of Object.entries(params)) {
    if (!/^integration\.request\.(header|querystring|path|multivaluequerystring|multivalueheader)\.[^.]+$/.test(target)) {
      throw badRequest(`Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression specified: ${target}]`);
    }
    if (/^'.*'$/s.test(source) || source.startsWith('context.') || source.startsWith('stageVariables.')) continue;
    if (!/^method\.request\.(header|querystring|path|multivaluequerystring|multivalueheader)\.[^.]+$/.test(source)) {
      throw badRequest(`Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression parameter specified: ${source}]`);
    }
    if (!method.requestParameters || !(source in method.requestParameters)) {
      throw badRequest(`Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression parameter specified: ${source}]`);
    }
  }
}

/** API Gateway's "Maximum mapping template size" quota (300 KB), per template. */
function checkTemplates(templates: Record<string, string>): void {
  for (const [type, template] of Object.entries(templates)) {
    const bytes = Buffer.byteLength(template, 'utf8');
    if (bytes > MAX_TEMPLATE_BYTES) {
      throw badRequest(`The mapping template for ${type} is ${bytes} bytes; a mapping template may be at most ${MAX_TEMPLATE_BYTES} bytes (300 KB).`);
    }
  }
}

const putIntegration: RestApiHandler = async (api, [id, rid, httpMethod], deps) => {
  const owned = restApi(api, deps, id!);
  const resource = resourceOf(owned, rid!);
  const method = methodOf(resource, httpMethod!);
  const m = new Members(await jsonBody(api));
  const type = m.requiredString('type') as Integration['type'];
  if (!INTEGRATION_TYPES.includes(type)) throw badRequest(`Invalid integration type specified. Must be one of: [${INTEGRATION_TYPES.join(', ')}]`);
  const uri = m.string('uri');
  const integrationMethod = m.string('httpMethod');
  if (type !== 'MOCK') {
    if (!uri) throw badRequest('Enumeration value for Integration uri must be non-empty');
    if (!integrationMethod) throw badRequest('Enumeration value for HttpMethod must be non-empty');
  }
  if ((type === 'AWS' || type === 'AWS_PROXY') && !lambdaTarget(uri)) {
    throw badRequest('AWS ARN for integration must contain path or action');
  }
  const passthroughBehavior = m.string('passthroughBehavior') ?? 'WHEN_NO_MATCH';
  if (!PASSTHROUGH.includes(passthroughBehavior)) throw badRequest(`Invalid passthrough behavior specified: ${passthroughBehavior}`);
  const timeout = m.integer('timeoutInMillis') ?? 29_000;
  if (timeout < 50 || timeout > 29_000) throw badRequest('Timeout should be between 50 ms and 29000 ms');
  const integration: Integration = {
    type, ...(integrationMethod !== undefined ? { httpMethod: integrationMethod } : {}), ...(uri !== undefined ? { uri } : {}),
    passthroughBehavior, timeoutInMillis: timeout, cacheNamespace: resource.id, cacheKeyParameters: m.strings('cacheKeyParameters') ?? [],
  };
  const credentials = m.string('credentials');
  if (credentials !== undefined) integration.credentials = credentials;
  const requestParameters = m.map<string>('requestParameters', 'string');
  if (requestParameters) {
    checkIntegrationParameters(requestParameters, method);
    integration.requestParameters = requestParameters;
  }
  const requestTemplates = m.map<string>('requestTemplates', 'string');
  if (requestTemplates) {
    checkTemplates(requestTemplates);
    integration.requestTemplates = requestTemplates;
  }
  const contentHandling = contentHandlingOf(m);
  if (contentHandling !== undefined) integration.contentHandling = contentHandling;
  method.methodIntegration = integration;
  await save(deps, owned);
  sendJson(api.res, api.requestId, 201, integration);
};

const getIntegration: RestApiHandler = async (api, [id, rid, httpMethod], deps) => {
  sendJson(api.res, api.requestId, 200, integrationOf(methodOf(resourceOf(restApi(api, deps, id!), rid!), httpMethod!)));
};

const deleteIntegration: RestApiHandler = async (api, [id, rid, httpMethod], deps) => {
  const owned = restApi(api, deps, id!);
  const method = methodOf(resourceOf(owned, rid!), httpMethod!);
  integrationOf(method);
  delete method.methodIntegration;
  await save(deps, owned);
  sendJson(api.res, api.requestId, 204);
};

const putIntegrationResponse: RestApiHandler = async (api, [id, rid, httpMethod, status], deps) => {
  checkStatus(status!);
  const owned = restApi(api, deps, id!);
  const integration = integrationOf(methodOf(resourceOf(owned, rid!), httpMethod!));
  const m = new Members(await jsonBody(api));
  const response: IntegrationResponse = { statusCode: status! };
  const selectionPattern = m.string('selectionPattern');
  if (selectionPattern !== undefined) {
    try {
      translateJavaRegex(selectionPattern);
    } catch (err) {
      if (!(err instanceof JavaRegexError)) throw err;
      throw badRequest(`Invalid selection pattern specified: ${selectionPattern} (a Java regular expression: ${err.message})`);
    }
    response.selectionPattern = selectionPattern;
  }
  const responseParameters = m.map<string>('responseParameters', 'string');
  if (responseParameters) response.responseParameters = responseParameters;
  const responseTemplates = m.map<string>('responseTemplates', 'string');
  if (responseTemplates) {
    checkTemplates(responseTemplates);
    response.responseTemplates = responseTemplates;
  }
  const contentHandling = contentHandlingOf(m);
  if (contentHandling !== undefined) response.contentHandling = contentHandling;
  (integration.integrationResponses ??= {})[status!] = response;
  await save(deps, owned);
  sendJson(api.res, api.requestId, 201, response);
};

const getIntegrationResponse: RestApiHandler = async (api, [id, rid, httpMethod, status], deps) => {
  const integration = integrationOf(methodOf(resourceOf(restApi(api, deps, id!), rid!), httpMethod!));
  const response = integration.integrationResponses?.[status!];
  if (!response) throw notFound('Invalid Response status code specified');
  sendJson(api.res, api.requestId, 200, response);
};

const deleteIntegrationResponse: RestApiHandler = async (api, [id, rid, httpMethod, status], deps) => {
  const owned = restApi(api, deps, id!);
  const integration = integrationOf(methodOf(resourceOf(owned, rid!), httpMethod!));
  if (!integration.integrationResponses?.[status!]) throw notFound('Invalid Response status code specified');
  delete integration.integrationResponses[status!];
  await save(deps, owned);
  sendJson(api.res, api.requestId, 204);
};

function newStage(name: string, deploymentId: string, now: number, m: Members): Stage {
  const stage: Stage = {
    stageName: name, deploymentId, tracingEnabled: m.boolean('tracingEnabled') ?? false, cacheClusterEnabled: false,
    cacheClusterStatus: 'NOT_AVAILABLE', methodSettings: {}, createdDate: epochSeconds(now), lastUpdatedDate: epochSeconds(now),
  };
  return stage;
}

const createDeployment: RestApiHandler = async (api, [id], deps) => {
  const owned = restApi(api, deps, id!);
  const m = new Members(await jsonBody(api));
  const stageName = m.string('stageName');
  if (stageName !== undefined && !STAGE_NAME.test(stageName)) {
    throw badRequest('Stage name only allows a-zA-Z0-9_');
  }
  const methods = Object.values(owned.doc.resources).flatMap((r) => Object.values(r.resourceMethods ?? {}));
  if (methods.length === 0) throw badRequest('The REST API doesn\'t contain any methods');
  if (methods.some((mm) => !mm.methodIntegration)) throw badRequest('No integration defined for method');
  const now = deps.now();
  const deployment = {
    id: randomId(6), createdDate: epochSeconds(now),
    snapshot: { resources: deepCopy(owned.doc.resources), binaryMediaTypes: [...(owned.doc.binaryMediaTypes ?? [])] },
    ...(m.string('description') !== undefined ? { description: m.string('description')! } : {}),
  };
  owned.doc.deployments[deployment.id] = deployment;
  if (stageName !== undefined) {
    const existing = owned.doc.stages[stageName];
    const stage = existing ?? newStage(stageName, deployment.id, now, m);
    stage.deploymentId = deployment.id;
    stage.lastUpdatedDate = epochSeconds(now);
    const description = m.string('stageDescription');
    if (description !== undefined) stage.description = description;
    const variables = stageVariables(m);
    if (variables) stage.variables = { ...stage.variables, ...variables };
    owned.doc.stages[stageName] = stage;
  }
  await save(deps, owned);
  sendJson(api.res, api.requestId, 201, deploymentView(deployment));
};

const getDeployments: RestApiHandler = async (api, [id], deps) => {
  const owned = restApi(api, deps, id!);
  const all = Object.values(owned.doc.deployments).sort((a, b) => a.createdDate - b.createdDate);
  const p = page(all, api.query.get('position'), api.query.get('limit'));
  sendJson(api.res, api.requestId, 200, { item: p.items.map(deploymentView), ...(p.next ? { position: p.next } : {}) });
};

const getDeployment: RestApiHandler = async (api, [id, did], deps) => {
  const d = restApi(api, deps, id!).doc.deployments[did!];
  if (!d) throw notFound('Invalid Deployment identifier specified');
  sendJson(api.res, api.requestId, 200, deploymentView(d));
};

const deleteDeployment: RestApiHandler = async (api, [id, did], deps) => {
  const owned = restApi(api, deps, id!);
  if (!owned.doc.deployments[did!]) throw notFound('Invalid Deployment identifier specified');
  const user = Object.values(owned.doc.stages).find((s) => s.deploymentId === did);
  if (user) throw badRequest(`Active stages pointing to this deployment must be moved or deleted`);
  delete owned.doc.deployments[did!];
  await save(deps, owned);
  sendJson(api.res, api.requestId, 202);
};

const createStage: RestApiHandler = async (api, [id], deps) => {
  const owned = restApi(api, deps, id!);
  const m = new Members(await jsonBody(api));
  const stageName = m.requiredString('stageName');
  const deploymentId = m.requiredString('deploymentId');
  if (!STAGE_NAME.test(stageName)) throw badRequest('Stage name only allows a-zA-Z0-9_');
  if (!owned.doc.deployments[deploymentId]) throw notFound('Invalid Deployment identifier specified');
  if (owned.doc.stages[stageName]) throw conflict('Stage already exists');
  const stage = newStage(stageName, deploymentId, deps.now(), m);
  const description = m.string('description');
  if (description !== undefined) stage.description = description;
  const variables = stageVariables(m);
  if (variables) stage.variables = variables;
  const tags = m.map<string>('tags', 'string');
  if (tags) stage.tags = tags;
  owned.doc.stages[stageName] = stage;
  await save(deps, owned);
  sendJson(api.res, api.requestId, 201, stage);
};

const getStages: RestApiHandler = async (api, [id], deps) => {
  const owned = restApi(api, deps, id!);
  const want = api.query.get('deploymentId');
  const stages = Object.values(owned.doc.stages).filter((s) => want === null || s.deploymentId === want);
  sendJson(api.res, api.requestId, 200, { item: stages });
};

const getStage: RestApiHandler = async (api, [id, name], deps) => {
  const stage = restApi(api, deps, id!).doc.stages[name!];
  if (!stage) throw notFound('Invalid Stage identifier specified');
  sendJson(api.res, api.requestId, 200, stage);
};

const deleteStage: RestApiHandler = async (api, [id, name], deps) => {
  const owned = restApi(api, deps, id!);
  if (!owned.doc.stages[name!]) throw notFound('Invalid Stage identifier specified');
  delete owned.doc.stages[name!];
  await save(deps, owned);
  sendJson(api.res, api.requestId, 202);
};

const ID = '([^/]+)';
const r = (p: string) => new RegExp(`^/restapis${p}/?$`);
const M = `/resources/${ID}/methods/${ID}`;

/** API Gateway v1 management routes (other-services.md §4). */
export const REST_API_ROUTES: readonly Route<RestApiHandler>[] = [
  { method: 'POST', pattern: r(''), handler: createRestApi },
  { method: 'GET', pattern: r(''), handler: getRestApis },
  { method: 'GET', pattern: r(`/${ID}`), handler: getRestApi },
  { method: 'PATCH', pattern: r(`/${ID}`), handler: updateRestApi },
  { method: 'PUT', pattern: r(`/${ID}`), handler: putRestApi },
  { method: 'DELETE', pattern: r(`/${ID}`), handler: deleteRestApi },
  { method: 'GET', pattern: r(`/${ID}/resources`), handler: getResources },
  { method: 'GET', pattern: r(`/${ID}/resources/${ID}`), handler: getResource },
  { method: 'POST', pattern: r(`/${ID}/resources/${ID}`), handler: createResource },
  { method: 'DELETE', pattern: r(`/${ID}/resources/${ID}`), handler: deleteResource },
  { method: 'PUT', pattern: r(`/${ID}${M}`), handler: putMethod },
  { method: 'GET', pattern: r(`/${ID}${M}`), handler: getMethod },
  { method: 'DELETE', pattern: r(`/${ID}${M}`), handler: deleteMethod },
  { method: 'PUT', pattern: r(`/${ID}${M}/responses/${ID}`), handler: putMethodResponse },
  { method: 'GET', pattern: r(`/${ID}${M}/responses/${ID}`), handler: getMethodResponse },
  { method: 'DELETE', pattern: r(`/${ID}${M}/responses/${ID}`), handler: deleteMethodResponse },
  { method: 'PUT', pattern: r(`/${ID}${M}/integration`), handler: putIntegration },
  { method: 'GET', pattern: r(`/${ID}${M}/integration`), handler: getIntegration },
  { method: 'DELETE', pattern: r(`/${ID}${M}/integration`), handler: deleteIntegration },
  { method: 'PUT', pattern: r(`/${ID}${M}/integration/responses/${ID}`), handler: putIntegrationResponse },
  { method: 'GET', pattern: r(`/${ID}${M}/integration/responses/${ID}`), handler: getIntegrationResponse },
  { method: 'DELETE', pattern: r(`/${ID}${M}/integration/responses/${ID}`), handler: deleteIntegrationResponse },
  { method: 'POST', pattern: r(`/${ID}/deployments`), handler: createDeployment },
  { method: 'GET', pattern: r(`/${ID}/deployments`), handler: getDeployments },
  { method: 'GET', pattern: r(`/${ID}/deployments/${ID}`), handler: getDeployment },
  { method: 'DELETE', pattern: r(`/${ID}/deployments/${ID}`), handler: deleteDeployment },
  { method: 'POST', pattern: r(`/${ID}/stages`), handler: createStage },
  { method: 'GET', pattern: r(`/${ID}/stages`), handler: getStages },
  { method: 'GET', pattern: r(`/${ID}/stages/${ID}`), handler: getStage },
  { method: 'DELETE', pattern: r(`/${ID}/stages/${ID}`), handler: deleteStage },
];
