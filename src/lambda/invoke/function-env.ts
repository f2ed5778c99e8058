import path from 'node:path';
import type { FunctionRecord } from '../../store/store.js';
import type { RuntimeEndpoint } from '../runtime-api/server.js';

export interface EnvironmentSite {
  runtimeApi: RuntimeEndpoint;
  taskRoot: string;
  runtimeDir: string;
  logStream: string;
  /** Where SDK calls made by the function should go: this lambkin. */
  endpointUrl: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** The process environment of a function's runtime (runtime-api.md §5): user variables first, reserved ones over them. */
export function functionEnvironment(fn: FunctionRecord, site: EnvironmentSite): Record<string, string> {
  const nodeDir = path.dirname(process.execPath);
  const env: Record<string, string> = {
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    PATH: `${nodeDir}:/usr/local/bin:/usr/bin/:/bin:/opt/bin`,
    NODE_PATH: path.join(site.runtimeDir, 'node_modules'),
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    AWS_ENDPOINT_URL: site.endpointUrl,
    ...fn.environment,
    _HANDLER: fn.handler,
    ...runtimeApiVariables(site.runtimeApi),
    LAMBDA_TASK_ROOT: site.taskRoot,
    LAMBDA_RUNTIME_DIR: site.runtimeDir,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: fn.version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: fn.logGroup,
    AWS_LAMBDA_LOG_STREAM_NAME: site.logStream,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_REGION: fn.region,
    AWS_DEFAULT_REGION: fn.region,
    AWS_ACCESS_KEY_ID: site.accessKeyId,
    AWS_SECRET_ACCESS_KEY: site.secretAccessKey,
  };
  if (fn.logFormat === 'JSON') env.AWS_LAMBDA_LOG_FORMAT = 'JSON';
  if (fn.applicationLogLevel) env.AWS_LAMBDA_LOG_LEVEL = fn.applicationLogLevel;
  return env;
}

/** `YYYY/MM/DD/[<version>]<32 hex>` */
export function logStreamName(nowMs: number, version: string, instanceId: string): string {
  const d = new Date(nowMs).toISOString();
  return `${d.slice(0, 4)}/${d.slice(5, 7)}/${d.slice(8, 10)}/[${version}]${instanceId}`;
}

/**
 * AWS_LAMBDA_RUNTIME_API (`host:port`), plus `_LAMBKIN_RUNTIME_SOCKET` when the endpoint also listens on a Unix
 * socket: lambkin's own runtimes use that, custom runtimes keep using TCP.
 */
export function runtimeApiVariables(endpoint: RuntimeEndpoint): Record<string, string> {
  const vars: Record<string, string> = { AWS_LAMBDA_RUNTIME_API: endpoint.address };
  if (endpoint.socketPath) vars._LAMBKIN_RUNTIME_SOCKET = endpoint.socketPath;
  return vars;
}
