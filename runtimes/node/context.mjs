// The `context` argument (spec §6.3). Property order follows the AWS runtime so that
// JSON.stringify(context) in user code prints the same shape.

// Environment data is fixed for the life of the environment; read it once, after the claim.
let environment = null;

function readEnvironment() {
  const env = process.env;
  return {
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
  };
}

function parseJsonHeader(text, name) {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`Cannot parse ${name} as json: ${err.toString()}`);
  }
}

/**
 * Build the context for one invocation from the GET next headers. `callbacks` carries
 * succeed/fail/done for buffered handlers (null for streaming ones, which AWS gives none).
 * Throws if the client-context / cognito headers are not valid JSON.
 */
export function buildContext(headers, callbacks) {
  environment ??= readEnvironment();
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  const context =
    callbacks === null
      ? { callbackWaitsForEmptyEventLoop: true }
      : {
          callbackWaitsForEmptyEventLoop: true,
          succeed: callbacks.succeed,
          fail: callbacks.fail,
          done: callbacks.done,
        };
  context.functionVersion = environment.functionVersion;
  context.functionName = environment.functionName;
  context.memoryLimitInMB = environment.memoryLimitInMB;
  context.logGroupName = environment.logGroupName;
  context.logStreamName = environment.logStreamName;
  context.clientContext = parseJsonHeader(headers['lambda-runtime-client-context'], 'ClientContext');
  context.identity = parseJsonHeader(headers['lambda-runtime-cognito-identity'], 'CognitoIdentity');
  context.invokedFunctionArn = headers['lambda-runtime-invoked-function-arn'];
  context.awsRequestId = headers['lambda-runtime-aws-request-id'];
  context.tenantId = headers['lambda-runtime-aws-tenant-id'];
  // A closure (not a method) so destructured / detached calls keep working.
  context.getRemainingTimeInMillis = () => deadline - Date.now();
  return context;
}
