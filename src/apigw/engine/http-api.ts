import { lambdaTarget } from './rest-api.js';

/** An HTTP API (API Gateway v2) as lambkin keeps it, in the model's wire names. */

export interface HttpRoute {
  routeId: string;
  routeKey: string;
  target?: string;
  authorizationType: string;
  apiKeyRequired: boolean;
  apiGatewayManaged?: boolean;
}

export interface HttpIntegration {
  integrationId: string;
  integrationType: string;
  integrationUri?: string;
  integrationMethod?: string;
  payloadFormatVersion: string;
  timeoutInMillis: number;
  connectionType: string;
  requestParameters?: Record<string, string>;
  apiGatewayManaged?: boolean;
}

export interface HttpStage {
  stageName: string;
  autoDeploy: boolean;
  deploymentId?: string;
  description?: string;
  stageVariables?: Record<string, string>;
  defaultRouteSettings: Record<string, unknown>;
  routeSettings: Record<string, unknown>;
  tags: Record<string, string>;
  createdDate: string;
  lastUpdatedDate: string;
  apiGatewayManaged?: boolean;
}

export interface HttpDeployment {
  deploymentId: string;
  description?: string;
  createdDate: string;
  deploymentStatus: string;
  autoDeployed: boolean;
  snapshot: { routes: Record<string, HttpRoute>; integrations: Record<string, HttpIntegration> };
}

export interface HttpApi {
  apiId: string;
  name: string;
  protocolType: string;
  routeSelectionExpression: string;
  apiKeySelectionExpression: string;
  description?: string;
  version?: string;
  corsConfiguration?: Record<string, unknown>;
  disableExecuteApiEndpoint: boolean;
  tags: Record<string, string>;
  createdDate: string;
  routes: Record<string, HttpRoute>;
  integrations: Record<string, HttpIntegration>;
  stages: Record<string, HttpStage>;
  deployments: Record<string, HttpDeployment>;
}

/** The routes and integrations a stage serves: the live ones with auto-deploy, else its deployment's. */
export function stageConfig(api: HttpApi, stage: HttpStage): HttpDeployment['snapshot'] | undefined {
  if (stage.autoDeploy) return { routes: api.routes, integrations: api.integrations };
  const d = stage.deploymentId ? api.deployments[stage.deploymentId] : undefined;
  return d?.snapshot;
}

/** A Lambda integration's function ARN: the ARN itself or the `…:lambda:path/2015-03-31/functions/<arn>/invocations` form. */
export function httpLambdaTarget(uri: string | undefined): string | undefined {
  return uri && /^arn:aws[\w-]*:lambda:/.test(uri) ? uri : lambdaTarget(uri);
}
