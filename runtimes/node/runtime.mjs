// The invoke loop (spec §6.2-6.4): next -> handler -> response|error -> next, with the AWS
// Node.js calling convention (promise or first-of callback/succeed/fail/done), the
// callbackWaitsForEmptyEventLoop semantics (via 'beforeExit'), and fatal-error handling.
import { logRuntimeError, setRequestId } from './console-patch.mjs';
import {
  NodeJsExit,
  UnhandledPromiseRejection,
  serializeRapidError,
  toRapidResponse,
} from './errors.mjs';
import { buildContext } from './context.mjs';

const REQUEST_ID = 'lambda-runtime-aws-request-id';
const TRACE_ID = 'lambda-runtime-trace-id';

const EXIT_UNCAUGHT_EXCEPTION = 129; // AWS runtime exit codes
const EXIT_UNHANDLED_REJECTION = 128;
const EXIT_UNSETTLED_INIT = 13; // Node's code for a top-level await that can never settle

let client = null;
let handler = null;
let metadata = null;
let ResponseStream = null; // loaded only for streaming handlers

let phase = 'claim'; // 'claim' -> 'init' -> 'invoke'
let current = null; // invocation being processed (or the last one)
let beforeExitAction = null; // what to do when the event loop would otherwise drain
let dying = false;
let traceIdSet = false;

/** Register process-level hooks; call before any user code runs. */
export function installProcessHandlers() {
  process.on('uncaughtException', (error) => {
    logRuntimeError('Uncaught Exception', error);
    die(error, EXIT_UNCAUGHT_EXCEPTION);
  });
  process.on('unhandledRejection', (reason, promise) => {
    const error = new UnhandledPromiseRejection(reason, promise);
    logRuntimeError('Unhandled Promise Rejection', error);
    die(error, EXIT_UNHANDLED_REJECTION);
  });
  process.on('beforeExit', onBeforeExit);
}

/** Init starts: from now on fatal errors are reported to /init/error. */
export function beginInit(rapidClient) {
  client = rapidClient;
  phase = 'init';
}

/** Report an init failure the AWS way (console line, /init/error) and exit. */
export function failInit(error) {
  logRuntimeError('Uncaught Exception', error);
  die(error, EXIT_UNCAUGHT_EXCEPTION);
}

/** Init succeeded: start polling for events. */
export async function startInvokeLoop(handlerFunction, handlerMeta) {
  handler = handlerFunction;
  metadata = handlerMeta;
  if (metadata.streaming) ({ BufferedResponseStream: ResponseStream } = await import('./response-stream.mjs'));
  // One event-loop turn first (cold path only): rejections the handler module left unhandled
  // are reported at the end of this tick and must still count as init errors.
  setImmediate(() => {
    phase = 'invoke';
    client.next(onInvocation);
  });
}

function onInvocation(headers, body) {
  const invocation = { id: headers[REQUEST_ID], answered: false };
  current = invocation;
  setRequestId(invocation.id);
  forwardTraceId(headers[TRACE_ID]);
  if (metadata.streaming) runStreaming(invocation, headers, body);
  else runBuffered(invocation, headers, body);
}

// Managed runtimes expose the X-Ray header as _X_AMZN_TRACE_ID for the SDKs.
function forwardTraceId(traceId) {
  if (traceId) {
    process.env._X_AMZN_TRACE_ID = traceId;
    traceIdSet = true;
  } else if (traceIdSet) {
    delete process.env._X_AMZN_TRACE_ID;
    traceIdSet = false;
  }
}

function runBuffered(invocation, headers, body) {
  // Handler neither returned a promise nor called back and nothing is left to run: AWS answers
  // null for a plain function and Runtime.NodeJsExit for an async one whose promise is stuck.
  beforeExitAction = metadata.isAsync
    ? () => postError(invocation, new NodeJsExit())
    : () => postResponse(invocation, null);

  // First of callback / succeed / fail / done / promise settlement wins; later calls are ignored.
  let settled = false;
  let context = null;
  const callback = (error, result) => {
    if (settled) return;
    settled = true;
    if (error !== undefined && error !== null) postError(invocation, error);
    else if (context !== null && context.callbackWaitsForEmptyEventLoop) {
      beforeExitAction = () => postResponse(invocation, result);
    } else postResponse(invocation, result);
  };
  const done = (error, result) => {
    if (settled) return;
    settled = true;
    if (error !== undefined && error !== null) postError(invocation, error);
    else postResponse(invocation, result);
  };
  const succeed = (result) => done(null, result);
  const fail = (error) => done(error === undefined || error === null ? 'handled' : error);

  try {
    const event = body === '' ? {} : JSON.parse(body);
    context = buildContext(headers, { succeed, fail, done });
    const result = handler(event, context, callback);
    if (result && typeof result.then === 'function') result.then(succeed, fail);
  } catch (error) {
    callback(error);
  }
}

function runStreaming(invocation, headers, body) {
  const stream = new ResponseStream(metadata.highWaterMark);
  let handlerDone = false;
  let streamDone = false;
  const complete = () => {
    if (handlerDone && streamDone) postStreamedResponse(invocation, stream);
  };
  stream.on('finish', () => {
    streamDone = true;
    complete();
  });
  stream.on('error', (error) => postError(invocation, error));
  beforeExitAction = () =>
    postError(invocation, handlerDone ? 'Response stream is not finished.' : new NodeJsExit());

  let result;
  try {
    const event = body === '' ? {} : JSON.parse(body);
    result = handler(event, stream, buildContext(headers, null));
  } catch (error) {
    postError(invocation, error);
    return;
  }
  if (!result || typeof result.then !== 'function') {
    postError(invocation, 'Streaming does not support non-async handlers.');
    return;
  }
  result.then(
    (value) => {
      if (value !== undefined) console.warn('Streaming handlers ignore return values.');
      handlerDone = true;
      complete();
    },
    (error) => postError(invocation, error ?? 'handled'),
  );
}

function postResponse(invocation, result) {
  if (invocation.answered) {
    console.error('Invocation has already been reported as done. Cannot call complete more than once per invocation.');
    return;
  }
  let text;
  try {
    text = JSON.stringify(result === undefined ? null : result);
  } catch {
    postError(invocation, new Error('Unable to stringify response body'));
    return;
  }
  invocation.answered = true;
  beforeExitAction = null;
  // JSON.stringify yields undefined for functions/symbols; send JSON null rather than nothing.
  client.postResponse(invocation.id, text ?? 'null', 'application/json', pollNext);
}

function postStreamedResponse(invocation, stream) {
  if (invocation.answered) return;
  invocation.answered = true;
  beforeExitAction = null;
  client.postResponse(invocation.id, stream.body(), stream.contentType, pollNext);
}

function postError(invocation, error) {
  if (invocation.answered) return;
  invocation.answered = true;
  beforeExitAction = null;
  logRuntimeError('Invoke Error', error);
  const response = toRapidResponse(error);
  client.postError(invocation.id, response.errorType, serializeRapidError(response), pollNext);
}

// Whatever lambkin answered (202, or e.g. 413 for an oversized payload, already logged by the
// client), this invocation is over; go back to waiting for the next one.
function pollNext() {
  client.next(onInvocation);
}

function onBeforeExit() {
  const action = beforeExitAction;
  if (action !== null) {
    beforeExitAction = null;
    action();
  } else if (phase === 'init') {
    // The handler module awaits something that can never settle; report it instead of
    // letting the process exit 0 with no explanation.
    logRuntimeError('Uncaught Exception', new NodeJsExit());
    die(new NodeJsExit(), EXIT_UNSETTLED_INIT);
  }
}

/**
 * Fatal error: report it where it belongs, then exit (AWS exits after uncaught errors).
 * During an unanswered invoke the error is that invoke's result; it goes out on a fresh
 * connection because the pooled one may be blocked in GET next.
 */
function die(error, exitCode) {
  if (dying) return;
  dying = true;
  const response = toRapidResponse(error);
  const body = serializeRapidError(response);
  const exit = () => process.exit(exitCode);
  if (phase === 'init') {
    client.postInitError(response.errorType, body, exit);
  } else if (phase === 'invoke' && current !== null && !current.answered) {
    current.answered = true;
    client.postError(current.id, response.errorType, body, exit, true);
  } else {
    exit();
  }
}
