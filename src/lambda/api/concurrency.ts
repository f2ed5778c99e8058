import { Constraints, invalidParameter } from '../../core/validation.js';
import { sendJson } from '../../gateway/protocols/rest-json.js';
import { requireTypes } from '../control/function-input.js';
import type { LambdaHandler } from './context.js';
import { readJsonBody, resolveFunctionRef } from './function-ref.js';

const MAX_REQUEST_BYTES = 64 * 1024;

/** Reserved concurrency belongs to the function as a whole: a qualified name is refused. */
function unqualifiedFunction(api: Parameters<LambdaHandler>[0], raw: string, deps: Parameters<LambdaHandler>[2]) {
  const ref = resolveFunctionRef(api.caller, raw, undefined, false);
  if (ref.qualifier !== undefined) throw invalidParameter('Concurrency can only be set on the unqualified function, not on a version or alias.');
  deps.functions.require(ref.scope, ref.name);
  return ref;
}

/** PutFunctionConcurrency: PUT /2017-10-31/functions/{FunctionName}/concurrency */
export const putFunctionConcurrency: LambdaHandler = async (api, [raw], deps) => {
  const body = await readJsonBody(api, 'PutFunctionConcurrency', MAX_REQUEST_BYTES);
  requireTypes(body, { ReservedConcurrentExecutions: 'number' });
  const n = body.ReservedConcurrentExecutions as number | undefined;
  new Constraints().required(n, 'reservedConcurrentExecutions').range(n, 'reservedConcurrentExecutions', 0).check();
  const ref = unqualifiedFunction(api, raw!, deps);
  if (n! > deps.concurrency.reservable(ref.scope, ref.name)) {
    throw invalidParameter(
      'Specified ReservedConcurrentExecutions for function decreases account\'s UnreservedConcurrentExecution below its ' +
        `minimum value of [${deps.config.minUnreservedConcurrency}].`,
    );
  }
  await deps.concurrency.reserve(ref.scope, ref.name, n!);
  sendJson(api.res, api.requestId, 200, { ReservedConcurrentExecutions: n });
};

/** GetFunctionConcurrency: GET /2019-09-30/functions/{FunctionName}/concurrency */
export const getFunctionConcurrency: LambdaHandler = async (api, [raw], deps) => {
  const ref = unqualifiedFunction(api, raw!, deps);
  const n = deps.concurrency.reservation(ref.scope, ref.name);
  sendJson(api.res, api.requestId, 200, n === undefined ? {} : { ReservedConcurrentExecutions: n });
};

/** DeleteFunctionConcurrency: DELETE /2017-10-31/functions/{FunctionName}/concurrency */
export const deleteFunctionConcurrency: LambdaHandler = async (api, [raw], deps) => {
  const ref = unqualifiedFunction(api, raw!, deps);
  await deps.concurrency.unreserve(ref.scope, ref.name);
  sendJson(api.res, api.requestId, 204);
};

/** GetAccountSettings: GET /2016-08-19/account-settings/ — the limits that concurrency is counted against. */
export const getAccountSettings: LambdaHandler = async (api, _params, deps) => {
  const scope = { account: api.caller.account, region: api.caller.region };
  const unreserved = deps.config.accountConcurrency - deps.concurrency.reservedTotal(scope);
  sendJson(api.res, api.requestId, 200, {
    AccountLimit: {
      TotalCodeSize: 80_530_636_800, CodeSizeUnzipped: 262_144_000, CodeSizeZipped: 52_428_800,
      ConcurrentExecutions: deps.config.accountConcurrency, UnreservedConcurrentExecutions: unreserved,
    },
    AccountUsage: { TotalCodeSize: deps.functions.totalCodeSize(scope), FunctionCount: deps.functions.count(scope) },
  });
};
