// Runtime error types and the two error serialisations the AWS Node.js runtime uses:
//  - toRapidResponse(): the body posted to /invocation/{id}/error and /init/error
//  - toFormatted():     the JSON appended to "Invoke Error" / "Uncaught Exception" console lines
import { lazyUtil } from './lazy.mjs';

// AWS names its runtime errors "Runtime.<Class>"; the name lands in the stack header
// ("Runtime.ImportModuleError: Error: Cannot find module ...") because it is set on the prototype.
function runtimeErrorClass(shortName) {
  const cls = class extends Error {};
  Object.defineProperty(cls, 'name', { value: shortName });
  cls.prototype.name = `Runtime.${shortName}`;
  return cls;
}

export const ImportModuleError = runtimeErrorClass('ImportModuleError');
export const HandlerNotFound = runtimeErrorClass('HandlerNotFound');
export const MalformedHandlerName = runtimeErrorClass('MalformedHandlerName');
export const UserCodeSyntaxError = runtimeErrorClass('UserCodeSyntaxError');
export const MalformedStreamingHandler = runtimeErrorClass('MalformedStreamingHandler');
export const InvalidStreamingOperation = runtimeErrorClass('InvalidStreamingOperation');

export class NodeJsExit extends Error {
  constructor() {
    super(
      'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly ' +
        'caused by a Promise that was never settled. For more information, see ' +
        'https://nodejs.org/docs/latest/api/process.html#exit-codes',
    );
  }
}
NodeJsExit.prototype.name = 'Runtime.NodeJsExit';

export class UnhandledPromiseRejection extends Error {
  constructor(reason, promise) {
    // Error() stringifies the reason itself ("Error: boom"); guard values whose
    // conversion throws (Symbols, null-prototype objects) so reporting never fails.
    super(reason === undefined ? undefined : safeString(reason));
    // Enumerable on purpose: AWS's console line shows "reason" and "promise".
    this.reason = reason;
    this.promise = promise;
  }
}
UnhandledPromiseRejection.prototype.name = 'Runtime.UnhandledPromiseRejection';

function safeString(value) {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

// AWS treats duck-typed errors (string name/message/stack) like real ones.
function isErrorLike(value) {
  if (lazyUtil().types.isNativeError(value)) return true;
  return (
    value != null &&
    typeof value.name === 'string' && value.name !== '' &&
    typeof value.message === 'string' && value.message !== '' &&
    typeof value.stack === 'string' && value.stack !== ''
  );
}

/** Body for /error and /init/error: {errorType, errorMessage, trace}. */
export function toRapidResponse(error) {
  try {
    if (isErrorLike(error)) {
      return { errorType: error.name, errorMessage: error.message, trace: error.stack.split('\n') };
    }
    return { errorType: typeof error, errorMessage: error.toString(), trace: [] };
  } catch {
    // A getter threw, or toString() is missing (Object.create(null)): AWS falls back to this.
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

/** JSON text of a rapid error body; DEL characters are escaped as AWS does. */
export function serializeRapidError(response) {
  let text;
  try {
    text = JSON.stringify(response);
  } catch {
    // errorMessage can be a non-string from a duck-typed error; never fail to report.
    text = JSON.stringify({ errorType: safeString(response.errorType), errorMessage: safeString(response.errorMessage), trace: [] });
  }
  return text.includes('\x7f') ? text.replaceAll('\x7f', '%7F') : text;
}

// Errors keep name/message/stack non-enumerable; expose them (plus user fields) for logging.
function withEnumerableProperties(value) {
  if (!(value instanceof Error)) return value;
  const out = Object.assign({ errorType: value.name, errorMessage: value.message, code: value.code }, value);
  if (typeof value.stack === 'string') out.stack = value.stack.split('\n');
  return out;
}

/** "\t{json}" suffix used by the text-format error log lines. */
export function toFormatted(error) {
  try {
    return '\t' + JSON.stringify(error, (_key, value) => withEnumerableProperties(value));
  } catch {
    return '\t' + JSON.stringify(toRapidResponse(error));
  }
}

export function intoError(value) {
  return value instanceof Error ? value : new Error(value);
}
