import type { IncomingMessage } from 'node:http';
import { AwsError } from '../../core/errors.js';
import type { ApiRequest } from '../../gateway/request.js';
import { matchRoute } from '../../gateway/router.js';
import { HTTP_API_ROUTES, type HttpApiDeps } from './http-apis.js';
import { REST_API_ROUTES, type RestApiDeps } from './rest-apis.js';

const MANAGEMENT_PATH = /^\/(restapis|v2\/apis)(\/|$)/;

/** API Gateway's management APIs: signed for `apigateway` (v1 and v2 share it), or unsigned on their paths. */
export function acceptsApiGateway(_req: IncomingMessage, path: string, signingService: string | undefined): boolean {
  return signingService === 'apigateway' || (signingService === undefined && MANAGEMENT_PATH.test(path));
}

/** v1 under `/restapis`, v2 under `/v2/apis` (other-services.md §0). */
export function apiGatewayService(deps: RestApiDeps & HttpApiDeps) {
  return async (api: ApiRequest): Promise<void> => {
    if (api.path.startsWith('/v2/')) {
      const match = matchRoute(HTTP_API_ROUTES, api.method, api.path);
      if (match && !('methodNotAllowed' in match)) return match.handler(api, match.params, deps);
    } else {
      const match = matchRoute(REST_API_ROUTES, api.method, api.path);
      if (match && !('methodNotAllowed' in match)) return match.handler(api, match.params, deps);
    }
    throw new AwsError('NotFoundException', 404, `lambkin serves no API Gateway operation at ${api.method} ${api.path}`);
  };
}
