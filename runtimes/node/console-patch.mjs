// Replaces console.* with the AWS Lambda log format (spec §6.5):
//   text: <ISO time>\t<requestId>\t<LEVEL>\t<message with \n -> \r>\n
//   JSON: {"timestamp","level","requestId","message"[,"errorType","errorMessage","stackTrace"]}
// Lines go to fd 1 synchronously so a line is out before the result that follows it is posted.
import { writeStderr, writeStdout } from './output.mjs';
import { intoError, toFormatted } from './errors.mjs';
import { lazyUtil } from './lazy.mjs';

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']; // ascending priority

// Some libraries read the current request id from this well-known global, as on AWS.
const REQUEST_ID_SYMBOL = Symbol.for('aws.lambda.runtime.requestId');
let requestId; // prints as "undefined" before the first invoke, like AWS

export function setRequestId(id) {
  requestId = id;
  globalThis[REQUEST_ID_SYMBOL] = id;
}

// Until patchConsole() runs (claim phase: the function's log settings are not known yet)
// runtime errors go to stderr so a failing pre-started process still says why.
let errorLogger = (label, error) => writeStderr(label + toFormatted(intoError(error)) + '\n');

/**
 * Log an error the way the runtime itself does ("Invoke Error", "Uncaught Exception", ...).
 * Goes through our ERROR level function so AWS_LAMBDA_LOG_LEVEL filtering still applies.
 */
export function logRuntimeError(label, error) {
  errorLogger(label, error);
}

function formatArgs(message, params) {
  // util.format(str) returns str unchanged, so skip it for the common single-string call.
  if (params.length === 0 && typeof message === 'string') return message;
  return lazyUtil().format(message, ...params);
}

function textLine(level, message, params) {
  let line = `${new Date().toISOString()}\t${requestId}\t${level}\t${formatArgs(message, params)}`;
  if (line.includes('\n')) line = line.replaceAll('\n', '\r');
  writeStdout(line + '\n');
}

// Errors inside a logged value become {errorType, errorMessage, stackTrace, ...own fields}.
function jsonErrorReplacer(_key, value) {
  if (!(value instanceof Error)) return value;
  return Object.assign(
    {
      errorType: value?.constructor?.name ?? 'UnknownError',
      errorMessage: value.message,
      stackTrace: typeof value.stack === 'string' ? value.stack.split('\n') : value.stack,
    },
    value,
  );
}

function jsonRecord(level, message, params) {
  const record = { timestamp: new Date().toISOString(), level, requestId };
  if (params.length === 0) {
    // A single argument is logged as a JSON value, not as formatted text.
    record.message = message;
    try {
      return JSON.stringify(record, jsonErrorReplacer);
    } catch {
      record.message = lazyUtil().format(message);
      return JSON.stringify(record);
    }
  }
  const args = [message, ...params];
  record.message = lazyUtil().format(...args);
  const error = args.find((arg) => arg instanceof Error);
  if (error !== undefined) {
    record.errorType = error?.constructor?.name ?? 'UnknownError';
    record.errorMessage = error.message;
    record.stackTrace = typeof error.stack === 'string' ? error.stack.split('\n') : [];
  }
  return JSON.stringify(record);
}

function jsonLine(level, message, params) {
  let line = jsonRecord(level, message, params);
  if (line.includes('\n')) line = line.replaceAll('\n', '\r');
  writeStdout(line + '\n');
}

function noop() {}

/**
 * Patch the global console. Reads AWS_LAMBDA_LOG_FORMAT / AWS_LAMBDA_LOG_LEVEL, so call it
 * after the claim step has installed the function's environment.
 */
export function patchConsole() {
  const json = process.env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON';
  const emit = json ? jsonLine : textLine;
  const minimum = Math.max(0, LEVELS.indexOf(process.env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase()));

  const byLevel = {};
  for (const [priority, level] of LEVELS.entries()) {
    byLevel[level] =
      priority >= minimum || level === 'FATAL'
        ? (message, ...params) => emit(level, message, params)
        : noop;
  }
  console.trace = byLevel.TRACE; // AWS logs a TRACE line, not a stack trace
  console.debug = byLevel.DEBUG;
  console.info = byLevel.INFO;
  console.log = byLevel.INFO;
  console.warn = byLevel.WARN;
  console.error = byLevel.ERROR;
  console.fatal = byLevel.FATAL;

  const logError = byLevel.ERROR;
  errorLogger = json
    ? (_label, error) => logError(intoError(error))
    : (label, error) => logError(label, toFormatted(intoError(error)));
}
