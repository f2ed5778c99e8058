import { AwsError } from '../../core/errors.js';
import { Constraints, invalidParameter } from '../../core/validation.js';

/** Every runtime identifier in AWS's `Runtime` enum (model validation), newest last. */
export const AWS_RUNTIMES = [
  'nodejs', 'nodejs4.3', 'nodejs6.10', 'nodejs8.10', 'nodejs10.x', 'nodejs12.x', 'nodejs14.x', 'nodejs16.x', 'java8',
  'java8.al2', 'java11', 'python2.7', 'python3.6', 'python3.7', 'python3.8', 'python3.9', 'dotnetcore1.0',
  'dotnetcore2.0', 'dotnetcore2.1', 'dotnetcore3.1', 'dotnet6', 'dotnet8', 'nodejs4.3-edge', 'go1.x', 'ruby2.5',
  'ruby2.7', 'provided', 'provided.al2', 'nodejs18.x', 'python3.10', 'java17', 'ruby3.2', 'ruby3.3', 'ruby3.4',
  'python3.11', 'nodejs20.x', 'provided.al2023', 'python3.12', 'java21', 'python3.13', 'nodejs22.x', 'nodejs24.x',
  'python3.14', 'java25', 'dotnet10',
] as const;

/** The runtimes lambkin can run. All Node.js runtimes run on the Node.js that runs lambkin. */
export const SUPPORTED_RUNTIMES = ['nodejs18.x', 'nodejs20.x', 'nodejs22.x', 'nodejs24.x'] as const;

/** Keys the platform sets itself (Lambda DG "Defined runtime environment variables"). */
export const RESERVED_ENV_KEYS = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]);

const ROLE_PATTERN = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const HANDLER_PATTERN = /^[^\s]+$/;
const ENV_KEY_PATTERN = /^[a-zA-Z]([a-zA-Z0-9_])+$/;
/** Shape ResourceArn as the model spells it (AWS quotes it in errors), and a regex that means it for the whole value. */
const DLQ_PATTERN_TEXT = '(arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()';
const DLQ_PATTERN = new RegExp(`^(${DLQ_PATTERN_TEXT})$`);
const MAX_ENV_BYTES = 4096;
const MAX_MEMORY_MB = 10240;

/** The configuration members shared by CreateFunction and UpdateFunctionConfiguration (all optional here). */
export interface ConfigInput {
  Role?: string;
  Runtime?: string;
  Handler?: string;
  Description?: string;
  Timeout?: number;
  MemorySize?: number;
  Environment?: { Variables?: Record<string, string> };
  EphemeralStorage?: { Size?: number };
  TracingConfig?: { Mode?: string };
  DeadLetterConfig?: { TargetArn?: string };
  LoggingConfig?: { LogFormat?: string; ApplicationLogLevel?: string; SystemLogLevel?: string; LogGroup?: string };
  Layers?: string[];
  RevisionId?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Rejects members of the wrong JSON type before any rule looks at them (the SDKs never send such bodies). */
export function requireTypes(body: Record<string, unknown>, types: Record<string, 'string' | 'number' | 'boolean' | 'object' | 'array'>): void {
  for (const [key, type] of Object.entries(types)) {
    const v = body[key];
    if (v === undefined || v === null) continue;
    const ok = type === 'array' ? Array.isArray(v) : type === 'object' ? isObject(v) : typeof v === type;
    if (!ok || (type === 'number' && !Number.isInteger(v))) {
      throw new AwsError('InvalidRequestContentException', 400, `Could not parse request body into json: Unexpected value for field ${key}`);
    }
  }
}

export const CONFIG_TYPES = {
  Role: 'string', Runtime: 'string', Handler: 'string', Description: 'string', Timeout: 'number', MemorySize: 'number',
  Environment: 'object', EphemeralStorage: 'object', TracingConfig: 'object', DeadLetterConfig: 'object',
  LoggingConfig: 'object', Layers: 'array', RevisionId: 'string',
} as const;

/** Model constraints (ValidationException), then Lambda's own rules (InvalidParameterValueException). */
export function validateConfig(input: ConfigInput): void {
  const c = new Constraints()
    .pattern(input.Role, 'role', ROLE_PATTERN)
    .oneOf(input.Runtime, 'runtime', AWS_RUNTIMES)
    .length(input.Handler, 'handler', 0, 128)
    .pattern(input.Handler, 'handler', HANDLER_PATTERN)
    .length(input.Description, 'description', 0, 256)
    .range(input.Timeout, 'timeout', 1, 900)
    // The model allows up to 32768 [new]; Lambda's own 10240 limit is a separate check below.
    .range(input.MemorySize, 'memorySize', 128, 32768)
    .range(input.EphemeralStorage?.Size, 'ephemeralStorage.size', 512, 10240)
    .oneOf(input.TracingConfig?.Mode, 'tracingConfig.mode', ['Active', 'PassThrough'])
    .pattern(input.DeadLetterConfig?.TargetArn, 'deadLetterConfig.targetArn', DLQ_PATTERN, DLQ_PATTERN_TEXT)
    .oneOf(input.LoggingConfig?.LogFormat, 'loggingConfig.logFormat', ['JSON', 'Text'])
    .length(input.LoggingConfig?.LogGroup, 'loggingConfig.logGroup', 1, 512);
  validateEnvKeys(c, input.Environment?.Variables);
  c.check();
  if (input.MemorySize !== undefined && input.MemorySize > MAX_MEMORY_MB) {
    // AWS's wording for its service limit (not the model's "1 validation error detected: ..." form).
    throw new AwsError('ValidationException', 400,
      `'MemorySize' value failed to satisfy constraint: Member must have value less than or equal to ${MAX_MEMORY_MB}`);
  }
  if (input.Runtime !== undefined && !(SUPPORTED_RUNTIMES as readonly string[]).includes(input.Runtime)) {
    throw invalidParameter(
      `The runtime parameter of ${input.Runtime} is not supported by lambkin for creating or updating functions. ` +
        `Supported runtimes: ${SUPPORTED_RUNTIMES.join(', ')}.`,
    );
  }
  if (input.Layers?.length) throw invalidParameter('Layers are not supported by lambkin yet.');
  const dlq = input.DeadLetterConfig?.TargetArn;
  if (dlq && !['sqs', 'sns'].includes(dlq.split(':')[2] ?? '')) {
    throw invalidParameter(`The dead-letter target ${dlq} is invalid: it must be an Amazon SQS queue or an Amazon SNS topic ARN.`);
  }
  validateEnvRules(input.Environment?.Variables);
}

function validateEnvKeys(c: Constraints, vars: Record<string, string> | undefined): void {
  if (vars === undefined) return;
  if (!isObject(vars)) throw invalidParameter('Environment.Variables must be a map of strings.');
  c.mapKeys(Object.keys(vars), 'environment.variables', ENV_KEY_PATTERN);
  for (const [k, v] of Object.entries(vars)) {
    if (typeof v !== 'string') throw invalidParameter(`Environment variable ${k} must be a string.`);
  }
}

function validateEnvRules(vars: Record<string, string> | undefined): void {
  if (vars === undefined) return;
  const reserved = Object.keys(vars).filter((k) => RESERVED_ENV_KEYS.has(k));
  if (reserved.length) {
    throw invalidParameter(
      'Lambda was unable to configure your environment variables because the environment variables you have ' +
        `provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  const measured = JSON.stringify(vars);
  if (Buffer.byteLength(measured) > MAX_ENV_BYTES) {
    throw invalidParameter(
      'Lambda was unable to configure your environment variables because the environment variables you have ' +
        `provided exceeded the 4KB limit. String measured: ${measured}`,
    );
  }
}
