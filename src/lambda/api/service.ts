import { AwsError } from '../../core/errors.js';
import type { ApiRequest } from '../../gateway/request.js';
import { matchRoute } from '../../gateway/router.js';
import type { LambdaDeps } from './context.js';
import { LAMBDA_ROUTES } from './routes.js';

/** Lambda's dated path prefixes (2015-03-31 functions, 2016-08-19 account settings, 2017-10-31 concurrency, 2019-09-25 event invoke config, ...). */
export const LAMBDA_PATH = /^\/20(14|15|16|17|19|21)-\d\d-\d\d\//;

export function lambdaService(deps: LambdaDeps) {
  return async (api: ApiRequest): Promise<void> => {
    const match = matchRoute(LAMBDA_ROUTES, api.method, api.path);
    if (!match || 'methodNotAllowed' in match) {
      throw new AwsError('UnknownOperationException', 404, `No Lambda operation matches ${api.method} ${api.path}`);
    }
    await match.handler(api, match.params, deps);
  };
}
