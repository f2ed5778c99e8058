/** A REST API (API Gateway v1) as lambkin keeps it: the shapes follow the API Gateway model's wire names. */

export interface IntegrationResponse {
  statusCode: string;
  selectionPattern?: string;
  responseParameters?: Record<string, string>;
  responseTemplates?: Record<string, string>;
  contentHandling?: string;
}

export interface Integration {
  type: 'AWS' | 'AWS_PROXY' | 'HTTP' | 'HTTP_PROXY' | 'MOCK';
  httpMethod?: string;
  uri?: string;
  credentials?: string;
  requestParameters?: Record<string, string>;
  requestTemplates?: Record<string, string>;
  passthroughBehavior: string;
  contentHandling?: string;
  timeoutInMillis: number;
  cacheNamespace: string;
  cacheKeyParameters: string[];
  integrationResponses?: Record<string, IntegrationResponse>;
}

export interface MethodResponse {
  statusCode: string;
  responseParameters?: Record<string, boolean>;
  responseModels?: Record<string, string>;
}

export interface Method {
  httpMethod: string;
  authorizationType: string;
  authorizerId?: string;
  apiKeyRequired: boolean;
  operationName?: string;
  requestParameters?: Record<string, boolean>;
  requestModels?: Record<string, string>;
  methodResponses?: Record<string, MethodResponse>;
  methodIntegration?: Integration;
}

export interface Resource {
  id: string;
  parentId?: string;
  pathPart?: string;
  path: string;
  resourceMethods?: Record<string, Method>;
}

export interface Deployment {
  id: string;
  description?: string;
  createdDate: number;
  /** The API's resources and binary media types as they were when deployed: stages serve this. */
  snapshot: { resources: Record<string, Resource>; binaryMediaTypes: string[] };
}

export interface Stage {
  stageName: string;
  deploymentId: string;
  description?: string;
  variables?: Record<string, string>;
  tracingEnabled: boolean;
  cacheClusterEnabled: boolean;
  cacheClusterStatus: string;
  methodSettings: Record<string, unknown>;
  tags?: Record<string, string>;
  createdDate: number;
  lastUpdatedDate: number;
}

export interface RestApi {
  id: string;
  name: string;
  description?: string;
  version?: string;
  createdDate: number;
  binaryMediaTypes?: string[];
  apiKeySource: string;
  endpointConfiguration: { types: string[] };
  disableExecuteApiEndpoint: boolean;
  rootResourceId: string;
  policy?: string;
  tags?: Record<string, string>;
  resources: Record<string, Resource>;
  deployments: Record<string, Deployment>;
  stages: Record<string, Stage>;
}

/** The wire form of a RestApi (without lambkin's own parts). */
export function restApiView(api: RestApi): Record<string, unknown> {
  const { resources: _r, deployments: _d, stages: _s, ...view } = api;
  return view;
}

export function deploymentView(d: Deployment): Record<string, unknown> {
  return { id: d.id, ...(d.description !== undefined ? { description: d.description } : {}), createdDate: d.createdDate };
}

/** `/a/{b}` + `c` → `/a/{b}/c`. */
export function childPath(parent: string, pathPart: string): string {
  return parent === '/' ? `/${pathPart}` : `${parent}/${pathPart}`;
}

/** The function ARN inside a Lambda integration URI (`arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<arn>/invocations`). */
export function lambdaTarget(uri: string | undefined): string | undefined {
  if (!uri) return undefined;
  const m = /^arn:aws[\w-]*:apigateway:[\w-]+:lambda:path\/\d{4}-\d\d-\d\d\/functions\/(.+)\/invocations$/.exec(uri);
  return m?.[1];
}
