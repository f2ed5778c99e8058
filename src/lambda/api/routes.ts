import type { Route } from '../../gateway/router.js';
import type { LambdaHandler } from './context.js';
import {
  createFunction, deleteFunction, getFunction, getFunctionConfiguration, listFunctions, updateFunctionCode,
  updateFunctionConfiguration,
} from './functions.js';
import {
  createEventSourceMapping, deleteEventSourceMapping, getEventSourceMapping, listEventSourceMappings, updateEventSourceMapping,
} from './event-source-mappings.js';
import { deleteFunctionConcurrency, getAccountSettings, getFunctionConcurrency, putFunctionConcurrency } from './concurrency.js';
import {
  deleteEventInvokeConfig, getEventInvokeConfig, listEventInvokeConfigs, putEventInvokeConfig, updateEventInvokeConfig,
} from './event-invoke-configs.js';
import {
  createFunctionUrlConfig, deleteFunctionUrlConfig, getFunctionUrlConfig, listFunctionUrlConfigs, updateFunctionUrlConfig,
} from './function-urls.js';
import { invoke, invokeAsync } from './invoke.js';
import { addPermission, getPolicy, removePermission } from './policies.js';

const FN = '([^/]+)';
const path = (p: string) => new RegExp(`^/2015-03-31/functions${p}/?$`);
const mappings = (p: string) => new RegExp(`^/2015-03-31/event-source-mappings${p}/?$`);
const UUID = '([^/]+)';
const dated = (date: string, p: string) => new RegExp(`^/${date}/functions/${FN}${p}/?$`);

/** Lambda's REST routes (lambda-api.md §4). Older models end some paths with `/`: both forms match. */
export const LAMBDA_ROUTES: readonly Route<LambdaHandler>[] = [
  { method: 'POST', pattern: path(`/${FN}/invocations`), handler: invoke },
  { method: 'POST', pattern: path(''), handler: createFunction },
  { method: 'GET', pattern: path(''), handler: listFunctions },
  { method: 'GET', pattern: path(`/${FN}`), handler: getFunction },
  { method: 'DELETE', pattern: path(`/${FN}`), handler: deleteFunction },
  { method: 'GET', pattern: path(`/${FN}/configuration`), handler: getFunctionConfiguration },
  { method: 'PUT', pattern: path(`/${FN}/configuration`), handler: updateFunctionConfiguration },
  { method: 'PUT', pattern: path(`/${FN}/code`), handler: updateFunctionCode },
  { method: 'POST', pattern: path(`/${FN}/policy`), handler: addPermission },
  { method: 'GET', pattern: path(`/${FN}/policy`), handler: getPolicy },
  { method: 'DELETE', pattern: path(`/${FN}/policy/([^/]+)`), handler: removePermission },
  { method: 'POST', pattern: mappings(''), handler: createEventSourceMapping },
  { method: 'GET', pattern: mappings(''), handler: listEventSourceMappings },
  { method: 'GET', pattern: mappings(`/${UUID}`), handler: getEventSourceMapping },
  { method: 'PUT', pattern: mappings(`/${UUID}`), handler: updateEventSourceMapping },
  { method: 'DELETE', pattern: mappings(`/${UUID}`), handler: deleteEventSourceMapping },
  { method: 'PUT', pattern: dated('2017-10-31', '/concurrency'), handler: putFunctionConcurrency },
  { method: 'DELETE', pattern: dated('2017-10-31', '/concurrency'), handler: deleteFunctionConcurrency },
  { method: 'GET', pattern: dated('2019-09-30', '/concurrency'), handler: getFunctionConcurrency },
  { method: 'PUT', pattern: dated('2019-09-25', '/event-invoke-config'), handler: putEventInvokeConfig },
  { method: 'POST', pattern: dated('2019-09-25', '/event-invoke-config'), handler: updateEventInvokeConfig },
  { method: 'GET', pattern: dated('2019-09-25', '/event-invoke-config'), handler: getEventInvokeConfig },
  { method: 'DELETE', pattern: dated('2019-09-25', '/event-invoke-config'), handler: deleteEventInvokeConfig },
  { method: 'GET', pattern: dated('2019-09-25', '/event-invoke-config/list'), handler: listEventInvokeConfigs },
  { method: 'POST', pattern: dated('2021-10-31', '/url'), handler: createFunctionUrlConfig },
  { method: 'GET', pattern: dated('2021-10-31', '/url'), handler: getFunctionUrlConfig },
  { method: 'PUT', pattern: dated('2021-10-31', '/url'), handler: updateFunctionUrlConfig },
  { method: 'DELETE', pattern: dated('2021-10-31', '/url'), handler: deleteFunctionUrlConfig },
  { method: 'GET', pattern: dated('2021-10-31', '/urls'), handler: listFunctionUrlConfigs },
  { method: 'GET', pattern: /^\/2016-08-19\/account-settings\/?$/, handler: getAccountSettings },
  { method: 'POST', pattern: dated('2014-11-13', '/invoke-async'), handler: invokeAsync },
];
