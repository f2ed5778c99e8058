import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { isAwsError, type AwsError } from '../../core/errors.js';
import { parseJsonObject, sendAwsJson, sendAwsJsonError, targetOperation } from '../../gateway/protocols/json.js';
import { queryParams, queryResponseXml, sendQueryError, sendXml } from '../../gateway/protocols/query.js';
import { readBody, type ApiRequest } from '../../gateway/request.js';
import type { ServiceHandler } from '../../gateway/server.js';
import type { QueueService } from '../engine/queue-service.js';
import { missingParameter, queryCodeOf, sqsError } from '../errors.js';
import type { SqsContext } from './context.js';
import { Input } from './input.js';
import { isOperation, NO_OUTPUT, OPERATIONS, type SqsOperation } from './operations.js';
import { queryInput } from './query-input.js';
import { queryResult } from './query-output.js';

/** SQS's API version, query namespace and JSON target prefix (event-sources.md §5.1). */
export const SQS_VERSION = '2012-11-05';
const XML_NAMESPACE = `http://queue.amazonaws.com/doc/${SQS_VERSION}/`;
const JSON_NAMESPACE = 'com.amazonaws.sqs';
const TARGET_PREFIX = 'AmazonSQS';

/**
 * Largest request body read. SQS messages (with attributes, and batches in total) are at most 1 MiB, but the wire
 * form is bigger: JSON escaping at most doubles text, form encoding at most triples it (`%XX` per byte), and
 * base64 grows binary by a third. Anything past this cannot be a valid request, so it is refused before it is read.
 */
const MAX_BODY_BYTES = 3 * 1024 * 1024 + 64 * 1024;

type Protocol = 'json' | 'query';

/** The request's Content-Type in lower case (media types are case-insensitive, RFC 9110 §8.3.1). */
const mediaType = (req: IncomingMessage): string => (req.headers['content-type'] ?? '').toLowerCase();

/** `/` or a queue's `/<account>/<name>` path: where query-protocol requests go. */
const QUERY_PATH = /^\/(\d{12}\/[^/]+\/?)?$/;

/**
 * Whether a request is SQS's: signed for `sqs`, or naming an `AmazonSQS.` target. Unsigned query-protocol requests
 * are recognised without reading the body: a GET with `Version` and `Action`, or a form POST to `/` or to a queue's
 * path (no other service lambkin serves takes form posts there).
 */
export function acceptsSqs(req: IncomingMessage, path: string, signingService: string | undefined): boolean {
  if (signingService !== undefined) return signingService === 'sqs';
  if (targetOperation(req.headers['x-amz-target'], TARGET_PREFIX) !== undefined) return true;
  const form = mediaType(req).startsWith('application/x-www-form-urlencoded');
  if (req.method === 'POST' && form && QUERY_PATH.test(path)) return true;
  if (req.method !== 'GET' || !req.url?.includes('?')) return false;
  const query = new URLSearchParams(req.url.slice(req.url.indexOf('?') + 1));
  return query.get('Version') === SQS_VERSION && query.has('Action');
}

/** JSON 1.0 when the request names a target or sends a JSON content type; otherwise the query protocol. */
function protocolOf(req: IncomingMessage): Protocol {
  if (req.headers['x-amz-target'] !== undefined) return 'json';
  return mediaType(req).startsWith('application/x-amz-json') ? 'json' : 'query';
}

export interface SqsDeps {
  queues: QueueService;
  log: Logger;
}

export function sqsService(deps: SqsDeps): ServiceHandler {
  return async (api) => {
    try {
      await serve(deps, api);
    } catch (err) {
      if (isAwsError(err)) throw err;
      // Logged once here; the client gets SQS's InternalFailure in its protocol.
      deps.log.error({ err, requestId: api.requestId, service: 'sqs', method: api.method, path: api.path }, 'internal error');
      throw sqsError('InternalFailure', `An internal error occurred (request ${api.requestId}).`);
    }
  };
}

async function serve(deps: SqsDeps, api: ApiRequest): Promise<void> {
  const protocol = protocolOf(api.req);
  const body = await readBody(api.req, MAX_BODY_BYTES, () =>
    sqsError('RequestEntityTooLarge', `The request body is larger than ${MAX_BODY_BYTES} bytes.`));
  const { op, input } = protocol === 'json' ? jsonRequest(api, body) : queryRequest(api, body);
  const output = await OPERATIONS[op](context(deps, api, input));
  if (protocol === 'json') {
    sendAwsJson(api.res, api.requestId, output ?? {});
    return;
  }
  const result = NO_OUTPUT.has(op) ? undefined : queryResult(op, output ?? {});
  sendXml(api.res, api.requestId, 200, queryResponseXml(op, XML_NAMESPACE, api.requestId, result));
}

function jsonRequest(api: ApiRequest, body: Buffer): { op: SqsOperation; input: Input } {
  const target = api.req.headers['x-amz-target'];
  const op = targetOperation(target, TARGET_PREFIX);
  if (!isOperation(op)) {
    throw sqsError('UnknownOperationException', `The operation ${String(target ?? '(no X-Amz-Target)')} is not supported by lambkin's SQS.`);
  }
  return { op, input: Input.of(parseJsonObject(body)) };
}

/**
 * A query request: parameters from the URL and the form body. A request posted to a queue's path
 * (`/<account>/<name>`) addresses that queue when it carries no QueueUrl (SQS Dev Guide "Making Query API requests").
 */
function queryRequest(api: ApiRequest, body: Buffer): { op: SqsOperation; input: Input } {
  const params = queryParams(api.query, body);
  const action = params.get('Action');
  if (action === undefined || action === '') throw missingParameter('Action');
  if (!isOperation(action)) throw sqsError('InvalidAction', `The action ${action} is not valid for this endpoint.`);
  const input = queryInput(action, params);
  if (input.QueueUrl === undefined && api.path !== '/' && api.path !== '') input.QueueUrl = api.path;
  return { op: action, input: Input.of(input) };
}

function context(deps: SqsDeps, api: ApiRequest, input: Input): SqsContext {
  const abort = new AbortController();
  // 'close' before the answer is written means the client went away; afterwards aborting is harmless.
  api.res.once('close', () => abort.abort());
  return {
    api, queues: deps.queues, input, signal: abort.signal,
    scope: { account: api.caller.account, region: api.caller.region },
    senderId: api.caller.accessKeyId ?? api.caller.account,
  };
}

/**
 * Renders an error in the request's protocol. JSON: `__type` is the short name, `x-amzn-query-error` carries the
 * query code and fault (botocore maps it to Error.Code; JS v3 uses it to find the modelled exception);
 * query: `<ErrorResponse>` with the query code (event-sources.md §5.2, §5.3, §5.7).
 */
export function sendSqsError(res: ServerResponse, requestId: string, err: AwsError, api: ApiRequest): void {
  const code = queryCodeOf(err);
  if (protocolOf(api.req) === 'query') {
    sendQueryError(res, requestId, err, XML_NAMESPACE, code);
    return;
  }
  const fault = err.status >= 500 ? 'Receiver' : 'Sender';
  sendAwsJsonError(res, requestId, err, { namespace: JSON_NAMESPACE, headers: { 'x-amzn-query-error': `${code};${fault}` } });
}

