import type { LambkinConfig } from '../../config/config.js';
import type { ApiRequest } from '../../gateway/request.js';
import type { CodeUrls } from '../control/code-urls.js';
import type { FunctionRegistry } from '../control/function-registry.js';
import type { Invoker } from '../invoke/invoker.js';

/** What the Lambda API handlers work with. */
export interface LambdaDeps {
  config: Readonly<LambkinConfig>;
  functions: FunctionRegistry;
  codeUrls: CodeUrls;
  invoker: Invoker;
}

export type LambdaHandler = (api: ApiRequest, params: string[], deps: LambdaDeps) => Promise<void>;
